/**
 * `pulumi up` on the test bed, from the plan alone: guests for the stack's LXCs (with their
 * mount points as LXC bind mounts), DNS for the stack's records, then every copy, command and
 * Docker resource in dependency order. Steps aimed at a Proxmox node cannot run here and are
 * reported as skipped.
 *
 * An update over an earlier one follows the engine's order (update.ts). Commands run when new
 * or when their triggers changed, as remote.Command does.
 */
import type { RecordedResource } from "../../mockRuntime";
import { Guest, createGuest, destroyGuest, registerDnsName, unregisterDnsName } from "../testbed";
import { parseSnapshot, snapshotScript, sshRaw } from "../guest";
import { shq } from "../shell";
import { DockerState, EngineEvent, guestEngine } from "./docker";
import type { Action, Outcome } from "./graph";
import { runUpdate } from "./update";
import { PlannedStack, assetText, dnsRecords, installedPaths, plannedGuests, sharedExportStep } from "./plan";
import { NodeSharedDirectory, createNodeSharedDirectory } from "../shared";

export { UpFailed } from "./update";

export const GUEST_PREFIX = "parity-t-e2e-";
export interface Testbed {
  /** Stack host name → guest. */
  readonly guests: ReadonlyMap<string, Guest>;
  readonly byAddress: ReadonlyMap<string, Guest>;
  readonly fqdns: readonly string[];
  /** Host directory bound into every guest that mounts the shared storage. */
  readonly sharedHostDir?: string;
  readonly shared?: NodeSharedDirectory;
}

/** Creates one guest per planned LXC, concurrently; leftovers of an earlier run are replaced. */
export async function createTestbed(planned: PlannedStack): Promise<Testbed> {
  const step = sharedExportStep(planned.resources);
  // One host directory stands in for the node's export and every node's view of it, made fresh
  // by the export step's own shared-directory script (owner, group, setgid mode of a real node).
  const shared = step ? await createNodeSharedDirectory("e2e", step.script, step.exportPath) : undefined;
  const sharedHostDir = shared?.hostPath;
  const guests = new Map<string, Guest>();
  await Promise.all(plannedGuests(planned.resources).map(async (p) => {
    if (p.mountPoints.length && !sharedHostDir) throw new Error(`${p.host}: mount points but no shared export in the plan`);
    const g = await createGuest({
      name: `${GUEST_PREFIX}${p.host}`,
      hostname: p.hostname,
      ipv4: p.ipv4Cidr,
      memoryMb: p.memoryMb,
      nesting: p.nesting,
      // A Proxmox mount point is a bind mount of a node directory into the guest; both the
      // exporting node's /srv/… and the other nodes' /mnt/pve/<storage> are this one directory.
      binds: p.mountPoints.map((m) => ({ hostPath: sharedHostDir!, guestPath: m.path })),
    });
    guests.set(p.host, g);
  }));
  const fqdns: string[] = [];
  for (const rec of dnsRecords(planned.plan)) {
    await registerDnsName(rec.fqdn, rec.address.replace(/\/\d+$/, ""));
    fqdns.push(rec.fqdn);
  }
  return { guests, byAddress: new Map([...guests.values()].map((g) => [g.ipv4, g])), fqdns, ...(shared ? { sharedHostDir: shared.hostPath, shared } : {}) };
}

export async function destroyTestbed(tb: Testbed | undefined, hosts: readonly string[]): Promise<void> {
  for (const fqdn of tb?.fqdns ?? []) await unregisterDnsName(fqdn);
  // By name, so guests from a crashed earlier attempt go too; only ours (parity-t-e2e-*).
  for (const h of hosts) await destroyGuest(`${GUEST_PREFIX}${h}`);
  // After the guests: their bind mounts are gone, so this removes only our directory.
  await tb?.shared?.remove();
}

export interface StepRun {
  readonly name: string;
  readonly guest: string;
  readonly code: number;
  readonly stdout: string;
  readonly seconds: number;
  readonly changedFiles: readonly string[];
}

export interface UpResult {
  readonly outcomes: ReadonlyMap<string, Outcome>;
  /** Command runs in completion order. */
  readonly steps: readonly StepRun[];
  readonly skipped: readonly { name: string; address: string; why: string }[];
  readonly seconds: number;
  /** "<kind> <name>" of every resource that was created or replaced. */
  readonly changed: readonly string[];
  /** Container creates and deletes and command runs, in the order they ended. */
  readonly events: readonly EngineEvent[];
}


export interface UpOptions {
  /**
   * Pulumi re-runs a command only when its triggers change. `true` re-runs every step anyway,
   * to prove the scripts themselves change nothing on a second run.
   */
  readonly rerunUnchangedSteps: boolean;
  /** Triggers each command last ran with (Pulumi's state for commands), updated in place. */
  readonly commandState: Map<string, string>;
  readonly dockerState: DockerState;
}

/** Runs the plan's actions on the test bed; throws on the first failing step (with its output). */
export async function up(planned: PlannedStack, tb: Testbed, opts: UpOptions): Promise<UpResult> {
  const started = Date.now();
  const copies = new Map(planned.resources.filter((r) => r.type === "command:remote:CopyToRemote").map((r) => [r.parentUrn, r]));
  const steps: StepRun[] = [];
  const skipped: { name: string; address: string; why: string }[] = [];
  const engines = new Map([...tb.byAddress].map(([address, g]) => [address, guestEngine(g)] as const));
  const notHere = (a: Action): Outcome => {
    const why = `connection host ${a.address} is not a test-bed guest (a Proxmox node in the stack); this machine's kernel has no NFS server, so the node's export cannot run here`;
    if (a.kind === "command") skipped.push({ name: a.resource.name, address: a.address, why });
    return { status: "skipped", detail: why };
  };

  const runStep = async (a: Action, events: EngineEvent[]): Promise<Outcome> => {
    const g = tb.byAddress.get(a.address);
    if (!g) return notHere(a);
    if (a.kind === "localCommand") throw new Error(`${a.resource.name}: a local command in a test-bed plan (the proxmox target runs its commands on the guests)`);
    const triggers = JSON.stringify(a.resource.rawInputs["triggers"] ?? null);
    if (!opts.rerunUnchangedSteps && opts.commandState.get(a.urn) === triggers) return { status: "unchanged" };
    if (a.kind === "copy") {
      // CopyToRemote creates parent directories and overwrites the file (command provider docs).
      const path = String(a.resource.rawInputs["remotePath"]);
      const r = await sshRaw(g.ipv4, `mkdir -p ${shq(path.replace(/\/[^/]*$/, ""))} && cat > ${shq(path)}`, { stdin: assetText(a.resource) });
      if (r.code !== 0) throw new Error(`${a.resource.name} on ${g.name}: copy failed: ${r.stderr}`);
      opts.commandState.set(a.urn, triggers);
      return { status: "changed" };
    }
    const copy = copies.get(a.resource.parentUrn);
    const paths = copy ? installedPaths(assetText(copy)) : [];
    const snap = async () => parseSnapshot((await sshRaw(g.ipv4, snapshotScript(paths), { timeoutMs: 60_000 })).stdout);
    const before = await snap();
    const t = Date.now();
    const stdin = a.resource.rawInputs["stdin"];
    // Exactly the recorded command line, sent to root's shell like remote.Command does.
    const r = await sshRaw(g.ipv4, String(a.resource.rawInputs["create"]), typeof stdin === "string" ? { stdin, timeoutMs: 20 * 60_000 } : { timeoutMs: 20 * 60_000 });
    const seconds = (Date.now() - t) / 1000;
    events.push({ step: "run", name: a.resource.name, guest: g.name, startedMs: t, endedMs: Date.now() });
    if (r.code !== 0) throw new Error(`${a.resource.name} on ${g.name} exited ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
    const after = await snap();
    const changedFiles = paths.filter((p) => after.get(p) !== before.get(p));
    steps.push({ name: a.resource.name, guest: g.name, code: r.code, stdout: r.stdout, seconds, changedFiles });
    opts.commandState.set(a.urn, triggers);
    return { status: changedFiles.length ? "changed" : "unchanged", detail: `${seconds.toFixed(1)} s` };
  };

  const { actions, outcomes, events } = await runUpdate(planned.resources, opts.dockerState, { engineAt: (address) => engines.get(address), runCommand: runStep, unreachable: notHere });
  const changed = actions
    .filter((a) => a.kind !== "copy" && a.kind !== "command" && outcomes.get(a.urn)?.status === "changed")
    .map((a) => `${a.kind} ${String(a.resource.rawInputs["name"])}@${tb.byAddress.get(a.address)?.name ?? a.address}`);
  return { outcomes, steps, skipped, seconds: (Date.now() - started) / 1000, changed, events };
}

/** Resources of one type, for assertions. */
export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}
