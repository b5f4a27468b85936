/**
 * Applies one recorded plan over the previous one on the local engine the way the Pulumi
 * engine and the Docker and command providers would, from the plan's own resource options —
 * nothing here knows which service is which:
 *
 * - resources are processed in registration order, which follows every dependsOn and every
 *   input an Output carries (the SDK registers a resource only once those resolved): one valid
 *   schedule of the engine's graph, one step at a time;
 * - a docker.Container whose inputs changed is replaced: with `deleteBeforeReplace` the old one
 *   is deleted first, otherwise the new one is created and the old one is deleted after every
 *   other step succeeded (the engine's "delete original" steps run last);
 * - deleting a container is the provider's: `docker stop` with `destroyGraceSeconds`, then
 *   remove; creating is create, upload files, connect the other networks, start;
 * - a command:local:Command runs its `create` with its interpreter and environment when it is
 *   new or its inputs changed; a non-zero exit fails the step and halts the run: no later step
 *   runs and the originals awaiting deletion stay, as the engine leaves them. The next run
 *   deletes those first (the engine's pending deletes).
 *
 * Every input of a realized resource is translated or refused: an input this file does not know
 * fails the step, so a new setting in the program cannot be silently left out of a test.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { RecordedResource } from "../../../../tools/mockRuntime";
import { DOCKER, docker, dockerStatus } from "./engine";
import { shq } from "../../../../core/shell";
import { CONTAINER, ContainerInputs, Label, NETWORK, NetworkInputs, VOLUME, VolumeInputs, inputsHash, refuseUnknownInputs } from "../../../../tools/testbed/deploy/dockerInputs";
import { shown } from "../../../../core/shown";

export type { ContainerInputs };

const LOCAL_COMMAND = "command:local:Command";

interface CommandInputs {
  create: string;
  interpreter?: string[];
  environment?: Record<string, string>;
  triggers?: unknown[];
  logging?: string;
  addPreviousOutputInEnv?: boolean;
}

// `triggers` only decide when `create` runs again (a changed input), `logging` only what the
// engine prints; `addPreviousOutputInEnv` concerns `update`, which these commands do not have.
const COMMAND_INPUTS = Object.keys({ create: 1, interpreter: 1, environment: 1, triggers: 1, logging: 1, addPreviousOutputInEnv: 1 } satisfies Record<keyof CommandInputs, 1>);

export interface Deployed {
  readonly hash: string;
  readonly resource: RecordedResource;
}

/** Pulumi's state, as far as these resources go. */
export interface State {
  readonly resources: Map<string, Deployed>;
  /** Originals a halted run left for deletion (container names and their inputs). */
  pendingDeletes: RecordedResource[];
}

export function emptyState(): State {
  return { resources: new Map(), pendingDeletes: [] };
}

export interface StepEvent {
  readonly step: "create" | "delete" | "run";
  readonly name: string;
  readonly urn: string;
  readonly startedMs: number;
  readonly endedMs: number;
  /** delete: the stopped container's exit code and its last log lines (before removal). */
  readonly exitCode?: number;
  readonly logs?: string;
  readonly output?: string;
}

export class StepFailed extends Error {
  constructor(readonly urn: string, message: string, readonly events: StepEvent[]) {
    super(message);
  }
}

/**
 * The process a container runs instead of its planned command (its argv; the image provides
 * the program), or undefined to run the planned command.
 *
 * Only the process differs. The container around it is created from the plan's inputs exactly
 * as for the real process: image reference, user and groups, read-only root and its tmpfs,
 * capabilities, no-new-privileges, init, env, mounts and volumes, uploaded files, networks and
 * aliases, published ports, labels, health check. What the suites that use a stand-in check is
 * enforced by the engine on that container, not by the process in it, so the stand-in cannot
 * step around it: a probe crosses Docker's networks whatever answers it; a dropped capability
 * is refused to any process, root included; a read-only root is read-only to every writer. And
 * a stand-in listens on every port the model gives its service, so a pair found blocked is
 * blocked by the networks, not by a closed port (a suite waits until each listener answers
 * inside its own container before it probes across).
 */
export type StandIn = (container: ContainerInputs) => readonly string[] | undefined;

const hashOf = inputsHash;
const labelArgs = (flag: string, labels: readonly Label[] | undefined) => (labels ?? []).flatMap((l) => [flag, `${l.label}=${l.value}`]);

function refuseUnknown(r: RecordedResource): void {
  if (r.type === LOCAL_COMMAND) {
    const unknown = Object.keys(r.rawInputs).filter((k) => !COMMAND_INPUTS.includes(k));
    if (unknown.length) throw new Error(`${r.name}: ${r.type} input(s) ${unknown.join(", ")} are not realized by this test`);
  } else refuseUnknownInputs(r);
}

/** `docker create` for the container's inputs (see the provider's resourceDockerContainerCreate). */
function createArgs(c: ContainerInputs, argv?: readonly string[]): string[] {
  const nets = c.networksAdvanced ?? [];
  const args = ["create", "--name", c.name];
  for (const e of c.envs ?? []) args.push("--env", e);
  if (c.user) args.push("--user", c.user);
  for (const g of c.groupAdds ?? []) args.push("--group-add", g);
  if (c.readOnly === true) args.push("--read-only");
  for (const [path, opts] of Object.entries(c.tmpfs ?? {})) args.push("--tmpfs", `${path}:${opts}`);
  if (c.memory) args.push("--memory", `${c.memory}m`);
  if (c.cpus) args.push("--cpus", c.cpus);
  if (c.restart) args.push("--restart", c.restart);
  if (c.stopSignal) args.push("--stop-signal", c.stopSignal);
  if (c.stopTimeout !== undefined) args.push("--stop-timeout", String(c.stopTimeout));
  for (const cap of c.capabilities?.drops ?? []) args.push("--cap-drop", cap);
  for (const cap of c.capabilities?.adds ?? []) args.push("--cap-add", cap);
  for (const o of c.securityOpts ?? []) args.push("--security-opt", o);
  if (c.logDriver) args.push("--log-driver", c.logDriver);
  for (const [k, v] of Object.entries(c.logOpts ?? {})) args.push("--log-opt", `${k}=${v}`);
  if (c.init) args.push("--init");
  args.push(...labelArgs("--label", c.labels));
  // Loopback only: the test never opens a port to the network.
  for (const p of c.ports ?? []) args.push("--publish", `127.0.0.1:${p.external}:${p.internal}/${p.protocol}`);
  for (const m of c.mounts ?? []) args.push("--mount", `type=${m.type},source=${m.source},target=${m.target}${m.readOnly ? ",readonly" : ""}`);
  for (const v of c.volumes ?? []) args.push("--mount", `type=volume,source=${v.volumeName},target=${v.containerPath}`);
  const hc = c.healthcheck;
  if (hc) {
    // The CLI takes only the shell form: CMD argv becomes the same argv, quoted.
    const cmd = hc.tests[0] === "CMD-SHELL" ? hc.tests[1]! : hc.tests.slice(1).map(shq).join(" ");
    args.push("--health-cmd", cmd, "--health-interval", hc.interval, "--health-timeout", hc.timeout, "--health-retries", String(hc.retries), "--health-start-period", hc.startPeriod);
  }
  // A container is created on its first network; the others are joined before start.
  if (nets[0]) {
    args.push("--network", nets[0].name);
    for (const a of nets[0].aliases) args.push("--network-alias", a);
  } else if (c.networkMode) args.push("--network", c.networkMode);
  args.push(c.image, ...(argv ?? c.command ?? []));
  return args;
}

/**
 * The provider's upload: a tar archive holding the file at its absolute path, mode 0744 or
 * 0644, owned by root, extracted at `/` — so missing parent directories are created.
 */
function upload(container: string, u: NonNullable<ContainerInputs["uploads"]>[number]): void {
  const dir = mkdtempSync(join(tmpdir(), "parity-upload-"));
  try {
    const rel = u.file.replace(/^\/+/, "");
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), u.content, { mode: u.executable ? 0o744 : 0o644 });
    const tar = execFileSync("tar", ["-C", dir, "--owner=0", "--group=0", "--numeric-owner", "-cf", "-", rel]);
    const res = spawnSync(DOCKER, ["cp", "-", `${container}:/`], { input: tar, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`upload of ${u.file} into ${container}: ${res.stderr.trim()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function createContainer(c: ContainerInputs, standIn: StandIn | undefined): void {
  docker(createArgs(c, standIn?.(c)));
  for (const u of c.uploads ?? []) upload(c.name, u);
  for (const n of (c.networksAdvanced ?? []).slice(1)) docker(["network", "connect", ...n.aliases.flatMap((a) => ["--alias", a]), n.name, c.name]);
  docker(["start", c.name]);
  if (c.mustRun === true && docker(["inspect", "--format", "{{.State.Running}}", c.name]).trim() !== "true") throw new Error(`container ${c.name} is not running after start`);
}

/** The provider's delete: stop with the grace period when one is set, then remove. */
function deleteContainer(r: RecordedResource): Pick<StepEvent, "exitCode" | "logs"> {
  const c = r.rawInputs as unknown as ContainerInputs;
  if (dockerStatus(["inspect", c.name]) !== 0) return {};
  if (typeof c.destroyGraceSeconds === "number") spawnSync(DOCKER, ["stop", "-t", String(c.destroyGraceSeconds), c.name], { stdio: "ignore" });
  const exitCode = Number(docker(["inspect", "--format", "{{.State.ExitCode}}", c.name]).trim());
  const logs = spawnSync(DOCKER, ["logs", "--tail", "20", c.name], { encoding: "utf8" });
  docker(["rm", "-f", c.name]);
  return { exitCode, logs: `${logs.stdout}${logs.stderr}` };
}

function createNetwork(n: NetworkInputs): void {
  if (dockerStatus(["network", "inspect", n.name]) === 0) return;
  docker(["network", "create", "--driver", n.driver, ...(n.internal ? ["--internal"] : []), ...(n.attachable ? ["--attachable"] : []), ...labelArgs("--label", n.labels), n.name]);
}

function createVolume(v: VolumeInputs): void {
  if (dockerStatus(["volume", "inspect", v.name]) !== 0) docker(["volume", "create", ...labelArgs("--label", v.labels), v.name]);
}

function runCommand(r: RecordedResource): string {
  const i = r.rawInputs as unknown as CommandInputs;
  const [shell, ...flags] = i.interpreter?.length ? i.interpreter : ["/bin/sh", "-c"];
  const res = spawnSync(shell!, [...flags, i.create], { encoding: "utf8", env: { ...process.env, ...(i.environment ?? {}) }, timeout: 15 * 60_000 });
  if (res.status !== 0) throw new Error(`${r.name}: exit ${res.status}: ${res.stderr.trim()}`);
  return res.stdout.trim();
}

export interface ApplyOptions {
  /** Runs a stand-in process in the containers it names (see {@link StandIn}). */
  readonly standIn?: StandIn;
}

/**
 * Applies `plan` over `state` (updated in place). `only` limits it to the resources this test
 * realizes; others are left to the units and suites that cover them.
 */
export function applyPlan(plan: readonly RecordedResource[], state: State, only: (r: RecordedResource) => boolean, options: ApplyOptions = {}): StepEvent[] {
  const events: StepEvent[] = [];
  // `f` returns what the event adds (a command's output), or nothing.
  const timed = (step: StepEvent["step"], r: RecordedResource, f: () => unknown) => {
    const startedMs = Date.now();
    const result = f();
    const extra = typeof result === "object" && result !== null ? (result as Partial<StepEvent>) : {};
    events.push({ step, name: shown(r.rawInputs["name"] ?? r.name), urn: r.urn, startedMs, endedMs: Date.now(), ...extra });
  };
  for (const old of state.pendingDeletes.splice(0)) timed("delete", old, () => deleteContainer(old));
  const deferred: RecordedResource[] = [];
  const wanted = plan.filter(only);
  for (const r of wanted) {
    const hash = hashOf(r);
    const had = state.resources.get(r.urn);
    if (had?.hash === hash) continue;
    try {
      refuseUnknown(r);
      if (r.type === NETWORK) createNetwork(r.rawInputs as unknown as NetworkInputs);
      else if (r.type === VOLUME) createVolume(r.rawInputs as unknown as VolumeInputs);
      else if (r.type === CONTAINER) {
        if (had && r.deleteBeforeReplace) timed("delete", had.resource, () => deleteContainer(had.resource));
        timed("create", r, () => createContainer(r.rawInputs as unknown as ContainerInputs, options.standIn));
        if (had && !r.deleteBeforeReplace) deferred.push(had.resource);
      } else if (r.type === LOCAL_COMMAND) {
        timed("run", r, () => ({ output: runCommand(r) }));
      }
    } catch (e) {
      state.resources.set(r.urn, { hash, resource: r });
      // A failed command is recorded as failed; the originals wait for the next run.
      if (r.type === LOCAL_COMMAND) state.resources.delete(r.urn);
      state.pendingDeletes.push(...deferred);
      throw new StepFailed(r.urn, (e as Error).message, events);
    }
    state.resources.set(r.urn, { hash, resource: r });
  }
  // Resources the plan no longer has, then the originals of create-first replacements.
  const keep = new Set(wanted.map((r) => r.urn));
  for (const [urn, d] of [...state.resources].reverse()) {
    if (keep.has(urn)) continue;
    if (d.resource.type === CONTAINER) timed("delete", d.resource, () => deleteContainer(d.resource));
    state.resources.delete(urn);
  }
  for (const old of deferred.reverse()) timed("delete", old, () => deleteContainer(old));
  return events;
}

/** Removes what an earlier run of this stack left: its containers by label, then the plan's networks and volumes. */
export function removeStack(stack: string, plan: readonly RecordedResource[]): void {
  const ids = docker(["ps", "-aq", "--filter", `label=parity.stack=${stack}`]).trim().split("\n").filter(Boolean);
  if (ids.length) docker(["rm", "-f", ...ids]);
  for (const r of plan.filter((x) => x.type === NETWORK)) dockerStatus(["network", "rm", String(r.rawInputs["name"])]);
  for (const r of plan.filter((x) => x.type === VOLUME)) dockerStatus(["volume", "rm", String(r.rawInputs["name"])]);
}

/** Whether a resource is one of the engine objects this module creates (not a command). */
export const isEngineObject = (r: RecordedResource): boolean => r.type === NETWORK || r.type === VOLUME || r.type === CONTAINER;
