/**
 * The inputs of the Docker resources a plan records, as components/docker sets them, for the
 * two harnesses that realize plans on a real engine (the test bed's guests, and the local
 * engine of the docker-target suites). Each input of a realized resource is translated or
 * refused: an input not listed here fails the step, so a new setting in the program cannot be
 * silently left out of a test.
 */
import { createHash } from "node:crypto";
import type { RecordedResource } from "../../mockRuntime";

export const CONTAINER = "docker:index/container:Container";
export const NETWORK = "docker:index/network:Network";
export const VOLUME = "docker:index/volume:Volume";
export const REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage";

export interface Label {
  label: string;
  value: string;
}

/** A docker.Container's recorded inputs. */
export interface ContainerInputs {
  name: string;
  image: string;
  command?: string[];
  envs?: string[];
  user?: string;
  groupAdds?: string[];
  readOnly?: boolean;
  tmpfs?: Record<string, string>;
  memory?: number;
  cpus?: string;
  restart?: string;
  stopSignal?: string;
  stopTimeout?: number;
  destroyGraceSeconds?: number;
  labels?: Label[];
  ports?: { internal: number; external: number; protocol: string }[];
  mounts?: { type: string; source: string; target: string; readOnly: boolean }[];
  volumes?: { volumeName: string; containerPath: string }[];
  networksAdvanced?: { name: string; aliases: string[] }[];
  networkMode?: string;
  capabilities?: { adds?: string[]; drops?: string[] };
  securityOpts?: string[];
  logDriver?: string;
  logOpts?: Record<string, string>;
  init?: boolean;
  healthcheck?: { tests: string[]; interval: string; timeout: string; retries: number; startPeriod: string };
  uploads?: { file: string; content: string; executable?: boolean }[];
  mustRun?: boolean;
}

export interface NetworkInputs {
  name: string;
  driver: string;
  internal?: boolean;
  attachable?: boolean;
  labels?: Label[];
}

export interface VolumeInputs {
  name: string;
  labels?: Label[];
}

export interface RemoteImageInputs {
  name: string;
  keepLocally?: boolean;
}

/** The inputs each realized type translates (`satisfies`: every key of its interface, and no other). */
const KNOWN: Readonly<Record<string, readonly string[]>> = {
  [CONTAINER]: Object.keys({
    name: 1, image: 1, command: 1, envs: 1, user: 1, groupAdds: 1, readOnly: 1, tmpfs: 1, memory: 1, cpus: 1, restart: 1, stopSignal: 1, stopTimeout: 1,
    destroyGraceSeconds: 1, labels: 1, ports: 1, mounts: 1, volumes: 1, networksAdvanced: 1, networkMode: 1, capabilities: 1, securityOpts: 1, logDriver: 1,
    logOpts: 1, init: 1, healthcheck: 1, uploads: 1, mustRun: 1,
  } satisfies Record<keyof ContainerInputs, 1>),
  [NETWORK]: Object.keys({ name: 1, driver: 1, internal: 1, attachable: 1, labels: 1 } satisfies Record<keyof NetworkInputs, 1>),
  [VOLUME]: Object.keys({ name: 1, labels: 1 } satisfies Record<keyof VolumeInputs, 1>),
  [REMOTE_IMAGE]: Object.keys({ name: 1, keepLocally: 1 } satisfies Record<keyof RemoteImageInputs, 1>),
};

/** Throws when `r` carries an input the harness would not apply (types it does not realize pass). */
export function refuseUnknownInputs(r: RecordedResource): void {
  const known = KNOWN[r.type];
  const unknown = known ? Object.keys(r.rawInputs).filter((k) => !known.includes(k)) : [];
  if (unknown.length) throw new Error(`${r.name}: ${r.type} input(s) ${unknown.join(", ")} are not realized by this test`);
}

/** Digest of a resource's inputs: a change means Pulumi would update or replace it. */
export function inputsHash(r: RecordedResource): string {
  return createHash("sha256").update(JSON.stringify(r.rawInputs)).digest("hex");
}

export const labelMap = (labels: readonly Label[] | undefined): Record<string, string> => Object.fromEntries((labels ?? []).map((l) => [l.label, l.value] as const));
