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
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RecordedResource } from "../../../../tools/mockRuntime";
import { DOCKER, docker, dockerStatus } from "./engine";
import { shq } from "../../../../core/shell";

type Json = Record<string, unknown>;
const CONTAINER = "docker:index/container:Container";
const NETWORK = "docker:index/network:Network";
const VOLUME = "docker:index/volume:Volume";
const LOCAL_COMMAND = "command:local:Command";

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

const hashOf = (r: RecordedResource) => createHash("sha256").update(JSON.stringify(r.rawInputs)).digest("hex");
const list = <T = Json>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);


function createArgs(i: Json): string[] {
  const nets = list<{ name: string; aliases: string[] }>(i["networksAdvanced"]);
  const args = ["create", "--name", String(i["name"])];
  for (const e of list<string>(i["envs"])) args.push("--env", e);
  if (i["user"]) args.push("--user", `${i["user"] as string | number}`);
  if (i["readOnly"] === true) args.push("--read-only");
  for (const [path, opts] of Object.entries((i["tmpfs"] as Record<string, string> | undefined) ?? {})) args.push("--tmpfs", `${path}:${opts}`);
  if (i["memory"]) args.push("--memory", `${i["memory"] as number}m`);
  if (i["cpus"]) args.push("--cpus", `${i["cpus"] as string | number}`);
  if (i["restart"]) args.push("--restart", `${i["restart"] as string | number}`);
  if (i["stopSignal"]) args.push("--stop-signal", `${i["stopSignal"] as string | number}`);
  if (i["stopTimeout"] !== undefined) args.push("--stop-timeout", `${i["stopTimeout"] as string | number}`);
  for (const l of list<{ label: string; value: string }>(i["labels"])) args.push("--label", `${l.label}=${l.value}`);
  // Loopback only: the test never opens a port to the network.
  for (const p of list<{ internal: number; external: number; protocol: string }>(i["ports"])) args.push("--publish", `127.0.0.1:${p.external}:${p.internal}/${p.protocol}`);
  for (const m of list<{ type: string; source: string; target: string; readOnly: boolean }>(i["mounts"])) args.push("--mount", `type=${m.type},source=${m.source},target=${m.target}${m.readOnly ? ",readonly" : ""}`);
  const hc = i["healthcheck"] as { tests: string[]; interval: string; timeout: string; retries: number; startPeriod: string } | undefined;
  if (hc) {
    // The CLI takes only the shell form: CMD argv becomes the same argv, quoted.
    const cmd = hc.tests[0] === "CMD-SHELL" ? hc.tests[1]! : hc.tests.slice(1).map(shq).join(" ");
    args.push("--health-cmd", cmd, "--health-interval", hc.interval, "--health-timeout", hc.timeout, "--health-retries", String(hc.retries), "--health-start-period", hc.startPeriod);
  }
  if (nets[0]) {
    args.push("--network", nets[0].name);
    for (const a of nets[0].aliases) args.push("--network-alias", a);
  } else if (i["networkMode"]) args.push("--network", `${i["networkMode"] as string | number}`);
  args.push(String(i["image"]), ...list<string>(i["command"]));
  return args;
}

function createContainer(r: RecordedResource): void {
  const i = r.rawInputs;
  const name = String(i["name"]);
  docker(createArgs(i));
  for (const u of list<{ file: string; content: string }>(i["uploads"])) {
    const dir = mkdtempSync(join(tmpdir(), "parity-upload-"));
    writeFileSync(join(dir, "f"), u.content);
    docker(["cp", join(dir, "f"), `${name}:${u.file}`]);
  }
  for (const n of list<{ name: string; aliases: string[] }>(i["networksAdvanced"]).slice(1)) docker(["network", "connect", ...n.aliases.flatMap((a) => ["--alias", a]), n.name, name]);
  docker(["start", name]);
  if (i["mustRun"] === true && docker(["inspect", "--format", "{{.State.Running}}", name]).trim() !== "true") throw new Error(`container ${name} is not running after start`);
}

/** The provider's delete: stop with the grace period when one is set, then remove. */
function deleteContainer(r: RecordedResource): Pick<StepEvent, "exitCode" | "logs"> {
  const name = String(r.rawInputs["name"]);
  if (dockerStatus(["inspect", name]) !== 0) return {};
  const grace = r.rawInputs["destroyGraceSeconds"];
  if (typeof grace === "number") spawnSync(DOCKER, ["stop", "-t", String(grace), name], { stdio: "ignore" });
  const exitCode = Number(docker(["inspect", "--format", "{{.State.ExitCode}}", name]).trim());
  const logs = spawnSync(DOCKER, ["logs", "--tail", "20", name], { encoding: "utf8" });
  docker(["rm", "-f", name]);
  return { exitCode, logs: `${logs.stdout}${logs.stderr}` };
}

function runCommand(r: RecordedResource): string {
  const i = r.rawInputs;
  const [shell, ...flags] = list<string>(i["interpreter"]).length ? list<string>(i["interpreter"]) : ["/bin/sh", "-c"];
  const res = spawnSync(shell!, [...flags, String(i["create"])], { encoding: "utf8", env: { ...process.env, ...((i["environment"] as Record<string, string> | undefined) ?? {}) }, timeout: 15 * 60_000 });
  if (res.status !== 0) throw new Error(`${r.name}: exit ${res.status}: ${res.stderr.trim()}`);
  return res.stdout.trim();
}

/**
 * Applies `plan` over `state` (updated in place). `only` limits it to the resources this test
 * realizes; others are left to the units and suites that cover them.
 */
export function applyPlan(plan: readonly RecordedResource[], state: State, only: (r: RecordedResource) => boolean): StepEvent[] {
  const events: StepEvent[] = [];
  const timed = (step: StepEvent["step"], r: RecordedResource, f: (() => Partial<StepEvent>) | (() => void)) => {
    const startedMs = Date.now();
    const extra = f() ?? {};
    events.push({ step, name: (r.rawInputs["name"] as string | undefined) ?? r.name, urn: r.urn, startedMs, endedMs: Date.now(), ...extra });
  };
  for (const old of state.pendingDeletes.splice(0)) timed("delete", old, () => deleteContainer(old));
  const deferred: RecordedResource[] = [];
  const wanted = plan.filter(only);
  for (const r of wanted) {
    const hash = hashOf(r);
    const had = state.resources.get(r.urn);
    if (had?.hash === hash) continue;
    try {
      if (r.type === NETWORK) {
        if (dockerStatus(["network", "inspect", String(r.rawInputs["name"])]) !== 0) {
          execFileSync(DOCKER, ["network", "create", "--driver", String(r.rawInputs["driver"]), ...(r.rawInputs["internal"] ? ["--internal"] : []), String(r.rawInputs["name"])], { stdio: "ignore" });
        }
      } else if (r.type === VOLUME) {
        if (dockerStatus(["volume", "inspect", String(r.rawInputs["name"])]) !== 0) docker(["volume", "create", String(r.rawInputs["name"])]);
      } else if (r.type === CONTAINER) {
        if (had && r.deleteBeforeReplace) timed("delete", had.resource, () => deleteContainer(had.resource));
        timed("create", r, () => createContainer(r));
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
