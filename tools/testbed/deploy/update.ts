/**
 * One `pulumi up` of a recorded plan over the state an earlier one left, in the engine's order,
 * whatever the engines are (the test bed's guests, or this machine's own):
 *
 * - first the originals a halted update left (the engine's pending deletes);
 * - then every action once its dependencies finished, independent branches concurrently; a changed container is replaced as its options say (docker.ts);
 * - a failed step halts the update (graph.ts): the originals of create-first replacements keep
 *   running and become pending deletes, and the update fails with the step's error;
 * - after a successful update, the containers the plan no longer has, then those originals.
 *
 * Commands (provisioning steps, health gates) are run by the caller's `runCommand`, which knows
 * how to reach them; everything Docker goes through the engine the action's address names.
 */
import type { RecordedResource } from "../../mockRuntime";
import { Deployed, DockerRun, DockerState, EngineEvent, EngineHost, deleteContainer, realizeDocker } from "./docker";
import { CONTAINER } from "./dockerInputs";
import { Action, Outcome, UpdateHalted, buildGraph, runGraph } from "./graph";

/** `pulumi up` failed at a step: its error, and what had happened until the update halted. */
export class UpFailed extends Error {
  constructor(cause: unknown, readonly events: readonly EngineEvent[]) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

export interface UpdateRunners {
  /** The engine at an action's address, or undefined when nothing here can reach it. */
  readonly engineAt: (address: string) => EngineHost | undefined;
  /** Runs a copy, command or local command; `events` takes its timed "run" entry. */
  readonly runCommand: (a: Action, events: EngineEvent[]) => Promise<Outcome>;
  /** What an action whose address has no engine here becomes (the caller reports it); default: an error. */
  readonly unreachable?: (a: Action) => Outcome;
  /**
   * Actions running at once per address. Default 3: sshd drops unauthenticated connections
   * beyond MaxStartups (10), and each action over SSH opens a few.
   */
  readonly parallelPerAddress?: number;
}

export interface UpdateResult {
  readonly actions: readonly Action[];
  readonly outcomes: ReadonlyMap<string, Outcome>;
  /** Container creates and deletes and command runs, in the order they ended. */
  readonly events: readonly EngineEvent[];
}

/** Runs the update; throws {@link UpFailed} when a step fails (the state then holds what the engine would keep). */
export async function runUpdate(resources: readonly RecordedResource[], state: DockerState, runners: UpdateRunners, only?: (r: RecordedResource) => boolean): Promise<UpdateResult> {
  const actions = buildGraph(resources, only);
  const docker: DockerRun = { state, deferredDeletes: [], events: [] };
  const engineOf = (d: Deployed): EngineHost => {
    const e = runners.engineAt(d.address);
    if (!e) throw new Error(`no engine at ${d.address} for ${d.resource.name}`);
    return e;
  };
  const remove = async (d: Deployed): Promise<void> => {
    const e = engineOf(d);
    const startedMs = Date.now();
    const facts = await deleteContainer(e, d);
    docker.events.push({ step: "delete", name: String(d.resource.rawInputs["name"]), guest: e.name, startedMs, endedMs: Date.now(), ...facts });
  };
  for (const d of state.pendingDeletes.splice(0)) await remove(d);

  const slots = new Map<string, Limiter>();
  const run = (a: Action): Promise<Outcome> => {
    let l = slots.get(a.address);
    if (!l) slots.set(a.address, (l = limiter(runners.parallelPerAddress ?? 3)));
    return l(() => {
      if (a.kind === "copy" || a.kind === "command" || a.kind === "localCommand") return runners.runCommand(a, docker.events);
      const engine = runners.engineAt(a.address);
      if (!engine) {
        if (runners.unreachable) return Promise.resolve(runners.unreachable(a));
        throw new Error(`${a.resource.name}: no engine at ${a.address}`);
      }
      return realizeDocker(engine, a.resource, docker);
    });
  };

  let outcomes: Map<string, Outcome>;
  try {
    outcomes = await runGraph(actions, run);
  } catch (e) {
    if (!(e instanceof UpdateHalted)) throw e;
    // The created replacements stay; their originals wait for the next update.
    state.pendingDeletes.push(...docker.deferredDeletes);
    throw new UpFailed(e.cause, docker.events);
  }
  const planned = new Set(resources.map((r) => r.urn));
  for (const [urn, d] of [...state.resources].reverse()) {
    if (planned.has(urn)) continue;
    if (d.resource.type === CONTAINER) await remove(d);
    state.resources.delete(urn);
  }
  for (const d of docker.deferredDeletes.reverse()) await remove(d);
  return { actions, outcomes, events: docker.events };
}

type Limiter = <T>(f: () => Promise<T>) => Promise<T>;

function limiter(max: number): Limiter {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(f: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await f();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
