/**
 * The plan as a dependency graph of the things the harness can realize: provisioning copies
 * and commands, local commands, and Docker images, networks, volumes and containers. Order comes only from the
 * recorded `dependencies`, with Pulumi's semantics:
 *
 * - a dependency on a component means every custom resource under it;
 * - a child waits for what its ancestors depend on (the SDK registers a component only after
 *   its dependsOn resources are created, and a child only after its parent is registered);
 * - a resource waits for its provider (the Docker provider of its host);
 * - resources nobody realizes here (LXCs, templates, passwords, providers, and whatever a test
 *   leaves out) are pass-through: they carry their own dependencies on to their dependents.
 */
import type { RecordedResource } from "../../mockRuntime";

export type ActionKind = "copy" | "command" | "localCommand" | "image" | "network" | "volume" | "container";

/** The address of this machine: where local commands run and a unix:// Docker provider's engine is. */
export const LOCAL_ENGINE = "local";

export interface Action {
  readonly urn: string;
  readonly kind: ActionKind;
  readonly resource: RecordedResource;
  /** Address the action runs against: the SSH connection's host or the Docker provider's host. */
  readonly address: string;
  /** URNs of the actions that must finish first (transitively reduced to actions only). */
  readonly after: readonly string[];
}

const KIND: Readonly<Record<string, ActionKind>> = {
  "command:remote:CopyToRemote": "copy",
  "command:remote:Command": "command",
  "command:local:Command": "localCommand",
  "docker:index/remoteImage:RemoteImage": "image",
  "docker:index/network:Network": "network",
  "docker:index/volume:Volume": "volume",
  "docker:index/container:Container": "container",
};

type Json = Record<string, unknown>;

function addressOf(r: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>): string {
  const connection = r.rawInputs["connection"] as Json | undefined;
  if (connection) return String(connection["host"]);
  if (r.type === "command:local:Command") return LOCAL_ENGINE;
  const provider = r.provider ? byUrn.get(r.provider) : undefined;
  const host = (provider?.rawInputs["host"] as string | undefined) ?? "";
  if (host.startsWith("unix://")) return LOCAL_ENGINE;
  const m = /^ssh:\/\/[^@]+@([^:/]+)/.exec(host);
  if (!m?.[1]) throw new Error(`${r.name}: no ssh:// or unix:// Docker host on its provider (${host || "none"})`);
  return m[1];
}

/** `only` limits the actions to what a test realizes (default: everything the harness can). */
export function buildGraph(resources: readonly RecordedResource[], only: (r: RecordedResource) => boolean = () => true): Action[] {
  const realized = (r: RecordedResource) => KIND[r.type] !== undefined && only(r);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, RecordedResource[]>();
  for (const r of resources) if (r.parentUrn) children.set(r.parentUrn, [...(children.get(r.parentUrn) ?? []), r]);

  const customUnder = (urn: string): string[] => {
    const r = byUrn.get(urn);
    if (!r) return [];
    if (r.custom) return [urn];
    return (children.get(urn) ?? []).flatMap((c) => customUnder(c.urn));
  };
  /** Direct dependencies with Pulumi's semantics (see the file comment). */
  const direct = (r: RecordedResource): string[] => {
    const out = new Set<string>();
    for (let a: RecordedResource | undefined = r; a; a = a.parentUrn ? byUrn.get(a.parentUrn) : undefined) {
      for (const d of a.dependencies) for (const c of customUnder(d)) out.add(c);
    }
    if (r.provider && byUrn.has(r.provider)) out.add(r.provider);
    out.delete(r.urn);
    return [...out];
  };
  const reduced = new Map<string, string[]>();
  /** Dependencies reduced to actions: pass-through resources contribute their own. */
  const actionDeps = (urn: string, seen: Set<string>): string[] => {
    const cached = reduced.get(urn);
    if (cached) return cached;
    if (seen.has(urn)) throw new Error(`dependency cycle through ${urn}`);
    seen.add(urn);
    const r = byUrn.get(urn)!;
    const out = new Set<string>();
    for (const d of direct(r)) {
      const dr = byUrn.get(d);
      if (!dr) continue;
      if (realized(dr)) out.add(d);
      else for (const x of actionDeps(d, seen)) out.add(x);
    }
    seen.delete(urn);
    const list = [...out];
    reduced.set(urn, list);
    return list;
  };

  return resources
    .filter(realized)
    .map((r) => ({ urn: r.urn, kind: KIND[r.type]!, resource: r, address: addressOf(r, byUrn), after: actionDeps(r.urn, new Set()) }));
}

export type Outcome = { readonly status: "changed" | "unchanged"; readonly detail?: string } | { readonly status: "skipped"; readonly detail: string };

/** An update that stopped at a failed step; `outcomes` holds what ran before and beside it. */
export class UpdateHalted extends Error {
  constructor(cause: unknown, readonly outcomes: ReadonlyMap<string, Outcome>) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * Runs every action once its dependencies finished, independent branches concurrently (as the
 * Pulumi engine does: one guest's steps never wait for another's). A failure halts the update
 * as the engine does: no further step starts, the steps already running finish, and the run
 * fails with the first failure (an {@link UpdateHalted}).
 */
export async function runGraph(actions: readonly Action[], run: (a: Action) => Promise<Outcome>): Promise<Map<string, Outcome>> {
  const results = new Map<string, Outcome>();
  const started = new Map<string, Promise<boolean>>();
  const byUrn = new Map(actions.map((a) => [a.urn, a]));
  let failure: { cause: unknown } | undefined;
  /** Resolves true when the action ran to completion, false when it or a dependency did not. */
  const start = (a: Action): Promise<boolean> => {
    let p = started.get(a.urn);
    if (!p) {
      p = (async () => {
        const deps = await Promise.all(a.after.map((u) => byUrn.get(u)).filter((d): d is Action => d !== undefined).map(start));
        if (failure || !deps.every(Boolean)) return false;
        try {
          results.set(a.urn, await run(a));
          return true;
        } catch (e) {
          failure ??= { cause: e };
          return false;
        }
      })();
      started.set(a.urn, p);
    }
    return p;
  };
  await Promise.all(actions.map(start));
  if (failure) throw new UpdateHalted(failure.cause, results);
  return results;
}
