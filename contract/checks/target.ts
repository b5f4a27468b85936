import { Problem } from "../problems";
import type { TargetContract } from "../target";

function present(raw: Record<string, unknown>, path: string): boolean {
  let cur: unknown = raw;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur !== undefined;
}

/** Keys another target owns are errors here: a target ignores nothing silently. */
export function checkOwnedKeys(raw: Record<string, unknown>, target: TargetContract, all: readonly TargetContract[]): Problem[] {
  const out: Problem[] = [];
  for (const other of all) {
    if (other.name === target.name) continue;
    for (const key of other.ownedKeys)
      if (!target.ownedKeys.includes(key) && present(raw, key))
        out.push({ path: `parity:${key}`, problem: `is only used by target '${other.name}', this stack's target is '${target.name}'`, allowed: `remove it, or set parity:target: ${other.name}` });
  }
  return out;
}
