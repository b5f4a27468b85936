/**
 * Realizes a docker-target plan on the local engine with the docker CLI, translating the
 * recorded inputs of each docker.Network, docker.Volume and docker.Container faithfully —
 * except the process: every container runs the stand-in listener on its model ports.
 */
import type { RecordedResource } from "../../../../tools/mockRuntime";
import { docker, dockerStatus } from "./engine";

type Inputs = Record<string, unknown>;

export interface ContainerInputs {
  name: string;
  image: string;
  envs?: string[];
  user?: string;
  readOnly?: boolean;
  tmpfs?: Record<string, string>;
  memory?: number;
  cpus?: string;
  restart?: string;
  labels?: { label: string; value: string }[];
  ports?: { internal: number; external: number; protocol: string }[];
  mounts?: { type: string; source: string; target: string; readOnly: boolean }[];
  volumes?: { volumeName: string; containerPath: string }[];
  networksAdvanced?: { name: string; aliases: string[] }[];
  networkMode?: string;
  command?: string[];
  capabilities?: { adds?: string[]; drops?: string[] };
  securityOpts?: string[];
  logDriver?: string;
  logOpts?: Record<string, string>;
  init?: boolean;
}

/** Removes what an earlier run of this stack left: containers by label, then networks and volumes. */
export function removeStack(stack: string, resources: readonly RecordedResource[]): void {
  const ids = docker(["ps", "-aq", "--filter", `label=parity.stack=${stack}`]).trim().split("\n").filter(Boolean);
  if (ids.length) docker(["rm", "-f", ...ids]);
  for (const r of resources.filter((x) => x.type === "docker:index/network:Network")) dockerStatus(["network", "rm", String(r.rawInputs["name"])]);
  for (const r of resources.filter((x) => x.type === "docker:index/volume:Volume")) dockerStatus(["volume", "rm", String(r.rawInputs["name"])]);
}

/** `command`: run the planned command instead of the stand-in listener (the image provides it). */
export function containerArgs(c: ContainerInputs, listenPorts: readonly number[], command?: readonly string[]): string[] {
  // A container is created on its first network; the others are joined before start.
  const first = c.networksAdvanced?.[0];
  const args = ["create", "--name", c.name];
  for (const e of c.envs ?? []) args.push("--env", e);
  if (c.user) args.push("--user", c.user);
  if (c.readOnly) args.push("--read-only");
  for (const cap of c.capabilities?.drops ?? []) args.push("--cap-drop", cap);
  for (const cap of c.capabilities?.adds ?? []) args.push("--cap-add", cap);
  for (const o of c.securityOpts ?? []) args.push("--security-opt", o);
  if (c.logDriver) args.push("--log-driver", c.logDriver);
  for (const [k, v] of Object.entries(c.logOpts ?? {})) args.push("--log-opt", `${k}=${v}`);
  if (c.init) args.push("--init");
  for (const [path, opts] of Object.entries(c.tmpfs ?? {})) args.push("--tmpfs", `${path}:${opts}`);
  if (c.memory) args.push("--memory", `${c.memory}m`);
  if (c.cpus) args.push("--cpus", c.cpus);
  if (c.restart) args.push("--restart", c.restart);
  for (const l of c.labels ?? []) args.push("--label", `${l.label}=${l.value}`);
  for (const p of c.ports ?? []) args.push("--publish", `127.0.0.1:${p.external}:${p.internal}/${p.protocol}`);
  for (const m of c.mounts ?? []) args.push("--mount", `type=${m.type},source=${m.source},target=${m.target}${m.readOnly ? ",readonly" : ""}`);
  for (const v of c.volumes ?? []) args.push("--mount", `type=volume,source=${v.volumeName},target=${v.containerPath}`);
  if (first) {
    args.push("--network", first.name);
    for (const a of first.aliases) args.push("--network-alias", a);
  } else if (c.networkMode) {
    args.push("--network", c.networkMode);
  }
  if (command) args.push(c.image, ...command);
  else args.push(c.image, "python3", "/usr/local/bin/parity-standin", ...listenPorts.map(String));
  return args;
}

/** Creates networks, volumes and containers in the plan, then starts the containers. */
export function realize(resources: readonly RecordedResource[], listenPorts: (container: string) => readonly number[]): string[] {
  for (const r of resources.filter((x) => x.type === "docker:index/network:Network")) {
    const n = r.rawInputs as Inputs;
    const labels = (n["labels"] as { label: string; value: string }[] | undefined) ?? [];
    docker(["network", "create", "--driver", String(n["driver"]), ...(n["internal"] ? ["--internal"] : []), ...labels.flatMap((l) => ["--label", `${l.label}=${l.value}`]), String(n["name"])]);
  }
  for (const r of resources.filter((x) => x.type === "docker:index/volume:Volume")) {
    const labels = (r.rawInputs["labels"] as { label: string; value: string }[] | undefined) ?? [];
    docker(["volume", "create", ...labels.flatMap((l) => ["--label", `${l.label}=${l.value}`]), String(r.rawInputs["name"])]);
  }
  const names: string[] = [];
  for (const r of resources.filter((x) => x.type === "docker:index/container:Container")) {
    const c = r.rawInputs as unknown as ContainerInputs;
    docker(containerArgs(c, listenPorts(c.name)));
    for (const n of (c.networksAdvanced ?? []).slice(1)) docker(["network", "connect", ...n.aliases.flatMap((a) => ["--alias", a]), n.name, c.name]);
    names.push(c.name);
  }
  for (const n of names) docker(["start", n]);
  return names;
}
