import { checkAliases, checkContainers } from "./checks/containers";
import { checkEnv } from "./checks/env";
import { checkFlows } from "./checks/flows";
import { checkHardening } from "./checks/hardening";
import { checkDevProfile } from "./checks/devProfile";
import { checkMetrics } from "./checks/metrics";
import { checkRequiredEnv } from "./checks/requiredEnv";
import { checkImages } from "./checks/images";
import { checkHostPorts } from "./checks/ports";
import { checkReferences } from "./checks/references";
import { checkRollout } from "./checks/rollout";
import { checkOwnedKeys } from "./checks/target";
import { checkUniqueness } from "./checks/uniqueness";
import { checkWorkers } from "./checks/workers";
import { didYouMean } from "./didYouMean";
import type { TargetContract } from "./target";
import { z } from "./schema/zod";
import { ContractError, Problem, keyPath } from "./problems";
import { StackConfig, stackConfig } from "./schema/stack";
import { describeType, problemsFromIssues } from "./zodIssues";

/**
 * Cross-checks that need the whole, well-shaped config: the common ones, told about the target
 * through its traits, then the target's own.
 */
export function semanticProblems(cfg: StackConfig, raw: Record<string, unknown>, targets: readonly TargetContract[], stack?: string): Problem[] {
  const t = targets.find((x) => x.name === cfg.target)!;
  return [
    ...checkOwnedKeys(raw, t, targets),
    ...checkReferences(cfg),
    ...checkUniqueness(cfg),
    ...checkHostPorts(cfg, t),
    ...checkWorkers(cfg),
    ...checkContainers(cfg, t),
    ...checkAliases(cfg, t),
    ...checkImages(cfg),
    ...checkEnv(cfg, t),
    ...checkFlows(cfg),
    ...checkMetrics(cfg, t),
    ...checkDevProfile(cfg, t),
    ...checkRequiredEnv(cfg),
    ...checkRollout(cfg),
    ...checkHardening(cfg),
    ...t.check(cfg, raw, stack),
  ];
}

type Path = readonly PropertyKey[];

function valueAt(root: unknown, path: Path): unknown {
  let cur: unknown = root;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** What a failed parse sets aside so the rest can be cross-checked: the broken value, or its container when a required key is missing. */
function brokenPaths(copy: unknown, issues: readonly z.core.$ZodIssue[]): Path[] {
  const out: Path[] = [];
  for (const i of issues) {
    if (i.code === "unrecognized_keys") out.push(...i.keys.map((k) => [...i.path, k]));
    else if (i.path.length === 0) continue;
    else if (valueAt(copy, i.path) === undefined) { if (i.path.length > 1) out.push(i.path.slice(0, -1)); }
    else out.push(i.path);
  }
  return out;
}

/**
 * One round of setting aside: list items removed, keys deleted. Returns the removed list items
 * (for mapping paths back); the names of removed things go into `names`, so that references to
 * them are not reported as unknown as well.
 */
function setAside(copy: unknown, paths: readonly Path[], names: Set<string>): { array: string; index: number }[] {
  const key = (p: Path) => JSON.stringify(p);
  const all = new Set(paths.map(key));
  // Nothing inside something already set aside: removing the outer part is enough.
  const outer = paths.filter((p) => !p.some((_, n) => n < p.length - 1 && all.has(key(p.slice(0, n + 1)))));
  const unique = [...new Map(outer.map((p) => [key(p), p])).values()];
  const removed: { array: string; index: number }[] = [];
  // Deepest and highest indexes first, so earlier removals do not move later ones.
  unique.sort((a, b) => b.length - a.length || Number(b[b.length - 1]) - Number(a[a.length - 1]));
  for (const p of unique) {
    const parent = valueAt(copy, p.slice(0, -1));
    const last = p[p.length - 1]!;
    const value = valueAt(copy, p) as Record<string, unknown> | undefined;
    if (value && typeof value === "object" && typeof value["name"] === "string") names.add(value["name"]);
    if (!Array.isArray(parent) && typeof last === "string") names.add(last);
    if (Array.isArray(parent) && typeof last === "number") {
      parent.splice(last, 1);
      removed.push({ array: key(p.slice(0, -1)), index: last });
    } else if (parent && typeof parent === "object") delete (parent as Record<PropertyKey, unknown>)[last];
  }
  return removed;
}

/** `parity:hosts[1].network.ipv4` → ["hosts", 1, "network", "ipv4"]. */
function pathSegments(path: string): PropertyKey[] {
  const body = path.startsWith("parity:") ? path.slice("parity:".length) : path;
  const out: PropertyKey[] = [];
  for (const m of body.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/** Maps a path in the set-aside copy back to the stack file's own indexes. */
function restoreIndexes(path: string, rounds: readonly { array: string; index: number }[][]): string {
  if (!rounds.length) return path;
  const segs = pathSegments(path);
  for (const removed of [...rounds].reverse()) {
    for (let n = 0; n < segs.length; n++) {
      if (typeof segs[n] !== "number") continue;
      const array = JSON.stringify(segs.slice(0, n));
      let index = segs[n] as number;
      for (const r of removed.filter((x) => x.array === array).map((x) => x.index).sort((a, b) => a - b)) if (r <= index) index++;
      segs[n] = index;
    }
  }
  return keyPath(segs);
}

/**
 * Validates a whole stack config (the `parity:` keys without the namespace) and returns it with
 * defaults applied, or throws one ContractError listing every problem. Schema errors do not
 * hide the cross-checks: what is broken is reported and set aside, and the cross-checks run on
 * whatever parsed, their paths mapped back to the file's own list indexes.
 */
export function validateConfig(raw: Record<string, unknown>, targets: readonly TargetContract[], stack?: string): StackConfig {
  // The target decides which cross-checks apply: with an unknown one only the schema's problems are reported with it.
  const names = targets.map((t) => t.name);
  if (!names.includes(String(raw["target"]))) {
    const value = raw["target"];
    const hint = typeof value === "string" ? didYouMean(value, names) : undefined;
    const problems: Problem[] = [{ path: "parity:target", problem: value === undefined ? "missing required key" : `got ${describeType(value)}${hint ? ` (did you mean '${hint}'?)` : ""}`, allowed: `one of ${names.map((n) => JSON.stringify(n)).join(", ")}` }];
    const parsed = stackConfig.safeParse(raw);
    if (!parsed.success) problems.push(...problemsFromIssues(stackConfig, raw, parsed.error.issues).filter((p) => p.path !== "parity:target"));
    throw new ContractError(problems, stack);
  }
  const first = stackConfig.safeParse(raw);
  if (first.success) {
    const problems = semanticProblems(first.data, raw, targets, stack);
    if (problems.length) throw new ContractError(problems, stack);
    return first.data;
  }
  const problems = problemsFromIssues(stackConfig, raw, first.error.issues);
  const copy = structuredClone(raw);
  const rounds: { array: string; index: number }[][] = [];
  const setAsideNames = new Set<string>();
  let issues = first.error.issues;
  for (let round = 0; round < 10; round++) {
    const paths = brokenPaths(copy, issues);
    if (!paths.length) break;
    rounds.push(setAside(copy, paths, setAsideNames));
    const next = stackConfig.safeParse(copy);
    if (next.success) {
      const seen = new Set(problems.map((p) => p.path));
      // A cross-check about a key that already has a schema problem adds nothing.
      for (const p of semanticProblems(next.data, raw, targets, stack)) {
        const path = restoreIndexes(p.path, rounds);
        const unknownName = /unknown [^']*'([^']+)'/.exec(p.problem)?.[1];
        if (!seen.has(path) && !(unknownName !== undefined && setAsideNames.has(unknownName))) problems.push({ ...p, path });
      }
      break;
    }
    issues = next.error.issues;
  }
  throw new ContractError(problems, stack);
}
