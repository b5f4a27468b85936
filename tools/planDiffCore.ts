import type { PlanSnapshot, SnapshotResource } from "./planSnapshot";

/**
 * Pure comparison of two plan snapshots: resources keyed by type + name, inputs compared leaf
 * by leaf, env per service. What a changed input costs is judged from the provider's
 * replace-on-change arguments (REPLACE_ON; for guests: README, "What replaces data") and the resource's ignoreChanges.
 */

export interface InputChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** Under one of the resource's ignoreChanges paths: the engine will not act on it. */
  readonly ignored: boolean;
  /** The provider replaces the resource when this input changes. */
  readonly replaces: boolean;
}

export interface ChangedResource {
  readonly resource: SnapshotResource;
  readonly changes: readonly InputChange[];
  readonly replaced: boolean;
}

export interface EnvChange {
  readonly service: string;
  readonly variable: string;
  readonly before?: string;
  readonly after?: string;
}

export interface PlanDiff {
  readonly stack: string;
  readonly added: readonly SnapshotResource[];
  readonly removed: readonly SnapshotResource[];
  readonly changed: readonly ChangedResource[];
  readonly unchanged: number;
  readonly env: readonly EnvChange[];
  /** Replaced containers in the order the engine replaces them (see rolloutSteps). */
  readonly rollout: readonly RolloutStep[];
  /** Protected or stateful resources that would be replaced or deleted. */
  readonly dangers: readonly { readonly resource: SnapshotResource; readonly action: "replaced" | "deleted"; readonly because: readonly InputChange[] }[];
}

export interface RolloutStep {
  readonly container: string;
  /** `create-first`: new beside old, old deleted at the end; `delete-first`: old stopped (SIGTERM, grace) before the new starts. */
  readonly order: "create-first" | "delete-first";
  readonly stopGraceSeconds?: number;
  /** What it waits for: a pool's previous slot's health gate, a volume. */
  readonly after: readonly string[];
}

/** Inputs whose change makes the provider destroy and re-create the resource. `*`: every input. */
export const REPLACE_ON: Readonly<Record<string, readonly string[]>> = {
  "proxmoxve:index/containerLegacy:ContainerLegacy": [
    "nodeName", "vmId", "unprivileged", "operatingSystem.templateFileId", "disk.datastoreId", "initialization.userAccount", "mountPoints",
  ],
  // Docker cannot change a volume: every argument is create-only, and a new volume is empty.
  "docker:index/volume:Volume": ["*"],
  // The Docker provider re-creates a container for any of these (its create-only arguments).
  "docker:index/container:Container": [
    "name", "image", "command", "entrypoint", "envs", "user", "ports", "mounts", "volumes", "networksAdvanced", "networkMode", "healthcheck",
    "uploads", "labels", "readOnly", "tmpfs", "stopSignal", "stopTimeout", "logDriver", "workingDir",
  ],
  // A new RandomPassword is a new secret: every consumer is re-created with it.
  "random:index/randomPassword:RandomPassword": ["*"],
};

const key = (r: SnapshotResource) => `${r.type}::${r.name}`;

/** `a.b[0].c` is under `a.b`; `a.bc` is not. */
export function isUnder(path: string, prefix: string): boolean {
  return prefix === "*" || path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** `NAME=value` lists (container env) are compared by name, so one insertion is one change. */
function asKeyed(list: readonly unknown[]): Record<string, unknown> | undefined {
  if (list.length === 0 || !list.every((x) => typeof x === "string" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(x))) return undefined;
  const entries = (list as string[]).map((x) => [x.slice(0, x.indexOf("=")), x.slice(x.indexOf("=") + 1)] as const);
  return new Set(entries.map(([k]) => k)).size === entries.length ? Object.fromEntries(entries) : undefined;
}

/** Leaf paths that differ between two input values. */
export function changedPaths(before: unknown, after: unknown, path = ""): { path: string; before: unknown; after: unknown }[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const kb = asKeyed(before);
    const ka = asKeyed(after);
    if (kb && ka) return diffKeys(kb, ka, (k) => `${path}[${k}]`);
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) => changedPaths(before[i], after[i], `${path}[${i}]`)).flat();
  }
  if (isObject(before) && isObject(after)) return diffKeys(before, after, (k) => (path ? `${path}.${k}` : k));
  return [{ path, before, after }];
}

function diffKeys(b: Record<string, unknown>, a: Record<string, unknown>, at: (k: string) => string) {
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys.flatMap((k) => changedPaths(b[k], a[k], at(k)));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Protected in Pulumi, or holding data by the resource's own account (Proxmox protection, a volume). */
export function isGuarded(r: SnapshotResource): boolean {
  return r.protect || r.inputs["protection"] === true || r.type === "docker:index/volume:Volume";
}

export function diffPlans(base: PlanSnapshot, head: PlanSnapshot): PlanDiff {
  const before = new Map(base.resources.map((r) => [key(r), r]));
  const after = new Map(head.resources.map((r) => [key(r), r]));
  const added = head.resources.filter((r) => !before.has(key(r)));
  const removed = base.resources.filter((r) => !after.has(key(r)));
  const changed: ChangedResource[] = [];
  let unchanged = 0;
  for (const r of head.resources) {
    const old = before.get(key(r));
    if (!old) continue;
    // The engine applies the new program's ignoreChanges to the next update.
    const replaceOn = REPLACE_ON[r.type] ?? [];
    const changes = changedPaths(old.inputs, r.inputs).map((c) => {
      const ignored = r.ignoreChanges.some((p) => isUnder(c.path, p));
      return { ...c, ignored, replaces: !ignored && replaceOn.some((p) => isUnder(c.path, p)) };
    });
    if (changes.length === 0) unchanged++;
    else changed.push({ resource: r, changes, replaced: changes.some((c) => c.replaces) });
  }
  const dangers = [
    ...changed.filter((c) => c.replaced && (isGuarded(c.resource) || isGuarded(before.get(key(c.resource))!)))
      .map((c) => ({ resource: c.resource, action: "replaced" as const, because: c.changes.filter((x) => x.replaces) })),
    ...removed.filter(isGuarded).map((r) => ({ resource: r, action: "deleted" as const, because: [] })),
  ];
  return { stack: head.stack, added, removed, changed, unchanged, env: diffEnv(base.env, head.env), dangers, rollout: rolloutSteps(changed) };
}

/**
 * The replaced containers in plan order — the registration order, which follows every
 * dependsOn, so a pool's slot n always comes after slot n-1's health gate.
 */
export function rolloutSteps(changed: readonly ChangedResource[]): RolloutStep[] {
  return changed
    .filter((c) => c.replaced && c.resource.type === "docker:index/container:Container")
    .map((c) => {
      const grace = c.resource.inputs["destroyGraceSeconds"];
      return {
        container: c.resource.name,
        order: c.resource.deleteBeforeReplace ? "delete-first" as const : "create-first" as const,
        ...(typeof grace === "number" ? { stopGraceSeconds: grace } : {}),
        after: c.resource.waitsFor ?? [],
      };
    });
}

function diffEnv(base: PlanSnapshot["env"], head: PlanSnapshot["env"]): EnvChange[] {
  const services = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
  return services.flatMap((service) => {
    const b = base[service] ?? {};
    const a = head[service] ?? {};
    return [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()
      .filter((v) => b[v] !== a[v])
      .map((variable) => ({ service, variable, ...(b[variable] !== undefined ? { before: b[variable] } : {}), ...(a[variable] !== undefined ? { after: a[variable] } : {}) }));
  });
}
