/**
 * The test-bed stack's plan, and what the e2e test reads from it: the guests the stack
 * declares, its DNS records, and the shared storage's owner. Everything comes from the
 * recorded resources and outputs of the real program, never from a second hand-written list.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type { RecordedResource } from "../../mockRuntime";
import type { Plan } from "../../plan";
import { testbedSshKey } from "../testbed";

export const REPO_ROOT = resolve(__dirname, "../../..");
export const STACK_DIR = resolve(__dirname, "../stack");
export const STACK = "testbed";
const TSX = resolve(REPO_ROOT, "node_modules/.bin/tsx");

export interface PlanEdits {
  /** Appended to `parity:proxmox.ssh.authorizedKeys`: bootstrap overwrites root's keys with the stack's. */
  readonly extraAuthorizedKeys?: readonly string[];
  /** Pool name → replicas, the config edit a user makes to scale. */
  readonly workerReplicas?: Readonly<Record<string, number>>;
  /** `parity:images` key → image ref, the config edit a user makes to roll out or roll back. */
  readonly images?: Readonly<Record<string, string>>;
}

export interface PlannedStack {
  readonly plan: Plan;
  readonly resources: readonly RecordedResource[];
}

/** Runs the program on the test-bed stack (with the harness key added) in a child process. */
export function planTestbed(edits: Omit<PlanEdits, "extraAuthorizedKeys"> = {}): Promise<PlannedStack> {
  const all: PlanEdits = { ...edits, extraAuthorizedKeys: [testbedSshKey().publicKey] };
  return new Promise((done, fail) => {
    // GHCR_TOKEN unset on purpose: the offline plan puts a placeholder there; nothing pulls.
    const env = { ...process.env };
    delete env["GHCR_TOKEN"];
    const child = spawn(TSX, [resolve(__dirname, "planRunner.ts"), STACK_DIR, STACK, JSON.stringify(all)], { cwd: STACK_DIR, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", fail);
    child.on("close", (code) => {
      if (code !== 0) return fail(new Error(`plan of stack ${STACK} failed (${code}):\n${Buffer.concat(err).toString()}`));
      try {
        done(JSON.parse(Buffer.concat(out).toString()) as PlannedStack);
      } catch (e) {
        fail(new Error(`plan of stack ${STACK} printed no complete JSON (${Buffer.concat(out).length} bytes): ${String(e)}`));
      }
    });
  });
}

export interface PlannedGuest {
  /** The stack's host name (`core`), from the LxcHost component. */
  readonly host: string;
  readonly hostname: string;
  readonly ipv4Cidr: string;
  readonly memoryMb: number;
  readonly nesting: boolean;
  /** Proxmox mount points: node path (`volume`) → guest path. */
  readonly mountPoints: readonly { readonly volume: string; readonly path: string }[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});

/** One guest per `ContainerLegacy` the plan creates, with the options that shape the LXC. */
export function plannedGuests(resources: readonly RecordedResource[]): PlannedGuest[] {
  return resources
    .filter((r) => r.type === "proxmoxve:index/containerLegacy:ContainerLegacy")
    .map((r) => {
      const init = obj(r.rawInputs["initialization"]);
      const ipv4 = obj(obj((init["ipConfigs"] as unknown[] | undefined)?.[0])["ipv4"]);
      const address = ipv4["address"];
      if (typeof address !== "string") throw new Error(`${r.name}: no static ipv4 address in the plan`);
      return {
        host: r.parent ?? r.name,
        hostname: String(init["hostname"]),
        ipv4Cidr: address,
        memoryMb: Number(obj(r.rawInputs["memory"])["dedicated"]),
        nesting: obj(r.rawInputs["features"])["nesting"] === true,
        mountPoints: ((r.rawInputs["mountPoints"] as Json[] | undefined) ?? []).map((m) => ({ volume: String(m["volume"]), path: String(m["path"]) })),
      };
    });
}

export function dnsRecords(plan: Plan): { fqdn: string; address: string }[] {
  return (plan.outputs["dnsRecords"] as { fqdn: string; address: string }[] | undefined) ?? [];
}

/** The bundle script embedded in an entrypoint (base64 between the PARITY_SCRIPT markers). */
export function embeddedScript(entrypoint: string): string {
  const m = /<<'PARITY_SCRIPT'\n([A-Za-z0-9+/=\n]*)\nPARITY_SCRIPT/.exec(entrypoint);
  if (!m?.[1]) throw new Error("entrypoint has no embedded script");
  return Buffer.from(m[1].replace(/\n/g, ""), "base64").toString("utf8");
}

/** Destination paths an entrypoint installs (its `install_file` lines), for change detection. */
export function installedPaths(entrypoint: string): string[] {
  return [...entrypoint.matchAll(/^install_file '([^']+)'/gm)].map((m) => m[1]!);
}

/**
 * The node's NFS export step as planned: its script (whose shared-directory part the test bed
 * runs on this host, standing in for the node) and the directory it creates.
 */
export function sharedExportStep(resources: readonly RecordedResource[]): { script: string; exportPath: string } | undefined {
  const copy = resources.find((r) => r.type === "command:remote:CopyToRemote" && String(r.rawInputs["remotePath"]).includes("/nfs-export-"));
  if (!copy) return undefined;
  const script = embeddedScript(assetText(copy));
  const m = /^install -d -m \d+ -o \d+ -g \d+ (\S+)$/m.exec(script);
  if (!m) throw new Error(`${copy.name}: the NFS export script no longer creates its directory with install -d: update the e2e test`);
  return { script, exportPath: m[1]! };
}

/** The content an entrypoint installs at `path` (its base64 payload), or undefined when it installs nothing there. */
export function installedFile(entrypoint: string, path: string): string | undefined {
  const start = `install_file '${path}' `;
  const at = entrypoint.indexOf(start);
  if (at < 0) return undefined;
  const m = /^[^\n]*<<'PARITY_PAYLOAD'\n([A-Za-z0-9+/=\n]*?)\n?PARITY_PAYLOAD$/m.exec(entrypoint.slice(at));
  if (!m) throw new Error(`the payload of ${path} is not a PARITY_PAYLOAD heredoc: update installedFile`);
  return Buffer.from((m[1] ?? "").replace(/\n/g, ""), "base64").toString("utf8");
}

export function assetText(copy: RecordedResource): string {
  const text = obj(obj(copy.rawInputs["source"])["asset"])["text"];
  if (typeof text !== "string") throw new Error(`${copy.name}: source is not a string asset`);
  return text;
}
