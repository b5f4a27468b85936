/**
 * Applies one recorded plan over the previous one on this machine's Docker engine, with the
 * same realizer and the same engine order as the homelab test bed (tools/testbed/deploy:
 * update.ts, docker.ts) — nothing here knows which service is which. The differences are only
 * where things run: the engine is this machine's (its socket, the plan's `unix://` provider),
 * published ports bind to 127.0.0.1 (a test never opens a port to the network), images are
 * tagged by the suite beforehand (engine.ts), and a command:local:Command runs here with its
 * interpreter and environment, when it is new or its inputs changed.
 */
import type { RecordedResource } from "../../../../tools/mockRuntime";
import { DockerState, EngineEvent, EngineHost, StandIn, emptyDockerState } from "../../../../tools/testbed/deploy/docker";
import { CONTAINER, ContainerInputs, NETWORK, VOLUME, inputsHash } from "../../../../tools/testbed/deploy/dockerInputs";
import { type Action, LOCAL_ENGINE, type Outcome } from "../../../../tools/testbed/deploy/graph";
import { runUpdate } from "../../../../tools/testbed/deploy/update";
import { type ExecResult, run } from "../../../../tools/testbed/shell";
import { docker, dockerStatus } from "./engine";

export type { ContainerInputs };
export { UpFailed } from "../../../../tools/testbed/deploy/update";

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

/** Pulumi's state, as far as these resources go. */
export interface State {
  readonly docker: DockerState;
  /** Local command URN → the digest of the inputs it last ran with. */
  readonly commands: Map<string, string>;
}

export function emptyState(): State {
  return { docker: emptyDockerState(), commands: new Map() };
}

/** A command line on this machine, through `argv` (default bash -c), as the engine host's exec and for local commands. */
function sh(cmd: string, opts: { stdin?: string; timeoutMs?: number; env?: Record<string, string>; argv?: readonly string[] } = {}): Promise<ExecResult> {
  const [program, ...flags] = opts.argv ?? ["/bin/bash", "-c"];
  return run(program!, [...flags, cmd], { stdin: opts.stdin ?? "", timeoutMs: opts.timeoutMs ?? 15 * 60_000, ...(opts.env ? { env: opts.env } : {}) });
}

function localEngine(standIn: StandIn | undefined): EngineHost {
  return { name: "local engine", address: LOCAL_ENGINE, exec: (cmd, opts) => sh(cmd, opts ?? {}), publishIp: "127.0.0.1", ...(standIn ? { standIn } : {}) };
}

export interface ApplyOptions {
  /** Runs a stand-in process in the containers it names (see {@link StandIn}). */
  readonly standIn?: StandIn;
}

/**
 * Applies `plan` over `state` (updated in place) and returns the update's events; throws
 * UpFailed when a step fails. `only` limits it to the resources this test realizes; others are
 * left to the units and suites that cover them.
 */
export async function applyPlan(plan: readonly RecordedResource[], state: State, only: (r: RecordedResource) => boolean, options: ApplyOptions = {}): Promise<readonly EngineEvent[]> {
  const engine = localEngine(options.standIn);
  const runCommand = async (a: Action, events: EngineEvent[]): Promise<Outcome> => {
    if (a.kind !== "localCommand") throw new Error(`${a.resource.name}: ${a.resource.type} does not run on the local engine's machine`);
    const unknown = Object.keys(a.resource.rawInputs).filter((k) => !COMMAND_INPUTS.includes(k));
    if (unknown.length) throw new Error(`${a.resource.name}: ${a.resource.type} input(s) ${unknown.join(", ")} are not realized by this test`);
    const hash = inputsHash(a.resource);
    if (state.commands.get(a.urn) === hash) return { status: "unchanged" };
    const i = a.resource.rawInputs as unknown as CommandInputs;
    const startedMs = Date.now();
    const r = await sh(i.create, { env: i.environment ?? {}, argv: i.interpreter?.length ? i.interpreter : ["/bin/sh", "-c"] });
    events.push({ step: "run", name: a.resource.name, guest: engine.name, startedMs, endedMs: Date.now() });
    // A failed command is not recorded: the next update runs it again.
    if (r.code !== 0) throw new Error(`${a.resource.name}: exit ${r.code}: ${`${r.stdout}\n${r.stderr}`.trim()}`);
    state.commands.set(a.urn, hash);
    return { status: "changed" };
  };
  const { events } = await runUpdate(plan, state.docker, {
    engineAt: (address) => (address === LOCAL_ENGINE ? engine : undefined),
    runCommand,
    // Nothing here goes over SSH: enough at once that no step waits for an unrelated health gate.
    parallelPerAddress: 16,
  }, only);
  return events;
}

/** Removes what an earlier run of this stack left: its containers by label, then the plan's networks and volumes. */
export function removeStack(stack: string, plan: readonly RecordedResource[]): void {
  const ids = docker(["ps", "-aq", "--filter", `label=parity.stack=${stack}`]).trim().split("\n").filter(Boolean);
  if (ids.length) docker(["rm", "-f", ...ids]);
  for (const r of plan.filter((x) => x.type === NETWORK)) dockerStatus(["network", "rm", String(r.rawInputs["name"])]);
  for (const r of plan.filter((x) => x.type === VOLUME)) dockerStatus(["volume", "rm", String(r.rawInputs["name"])]);
}

/** Whether a resource is one of the engine objects the realizer creates (not a command). */
export const isEngineObject = (r: RecordedResource): boolean => r.type === NETWORK || r.type === VOLUME || r.type === CONTAINER;
