import { checkAzure, checkEnvDifferences } from "./checks/azure";
import { checkBuiltTemplates } from "./checks/builtTemplates";
import { checkCapacity } from "./checks/capacity";
import { checkEnv } from "./checks/env";
import { checkFlows } from "./checks/flows";
import { checkHardening } from "./checks/hardening";
import { checkHostServices } from "./checks/hostServices";
import { checkRequiredEnv } from "./checks/requiredEnv";
import { checkImages } from "./checks/images";
import { checkNetwork } from "./checks/network";
import { checkHostPorts } from "./checks/ports";
import { checkReferences } from "./checks/references";
import { checkTarget } from "./checks/target";
import { checkUniqueness } from "./checks/uniqueness";
import { checkWorkers } from "./checks/workers";
import { ContractError, Problem } from "./problems";
import { StackConfig, stackConfig } from "./schema/stack";
import { problemsFromIssues } from "./zodIssues";

/** Cross-checks that need the whole, well-shaped config. */
export function semanticProblems(cfg: StackConfig, raw: Record<string, unknown>, stack?: string): Problem[] {
  return [
    ...checkTarget(cfg, raw),
    ...checkReferences(cfg),
    ...checkUniqueness(cfg),
    ...checkHostPorts(cfg),
    ...checkCapacity(cfg),
    ...checkNetwork(cfg),
    ...checkWorkers(cfg),
    ...checkImages(cfg),
    ...checkEnv(cfg),
    ...checkFlows(cfg),
    ...checkRequiredEnv(cfg),
    ...checkHostServices(cfg),
    ...checkAzure(cfg, raw, stack),
    ...checkEnvDifferences(cfg),
    ...checkBuiltTemplates(cfg, stack),
    ...checkHardening(cfg),
  ];
}

function withoutKeys(input: unknown, drop: readonly (readonly PropertyKey[])[]): unknown {
  const copy = structuredClone(input) as Record<PropertyKey, unknown>;
  for (const path of drop) {
    let cur: unknown = copy;
    for (const k of path.slice(0, -1)) cur = (cur as Record<PropertyKey, unknown> | undefined)?.[k];
    if (cur && typeof cur === "object") delete (cur as Record<PropertyKey, unknown>)[path[path.length - 1]!];
  }
  return copy;
}

/**
 * Validates a whole stack config (the `parity:` keys without the namespace) and returns it with
 * defaults applied, or throws one ContractError listing every problem. Unknown keys do not
 * hide the cross-checks: they are reported, set aside, and the rest is still checked.
 */
export function validateStackConfig(raw: Record<string, unknown>, stack?: string): StackConfig {
  const first = stackConfig.safeParse(raw);
  if (first.success) {
    const problems = semanticProblems(first.data, raw, stack);
    if (problems.length) throw new ContractError(problems, stack);
    return first.data;
  }
  const problems = problemsFromIssues(stackConfig, raw, first.error.issues);
  const unknownKeys = first.error.issues.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys.map((k) => [...i.path, k]) : []));
  const onlyUnknownKeys = first.error.issues.every((i) => i.code === "unrecognized_keys");
  if (onlyUnknownKeys) {
    const second = stackConfig.safeParse(withoutKeys(raw, unknownKeys));
    if (second.success) problems.push(...semanticProblems(second.data, raw, stack));
  }
  throw new ContractError(problems, stack);
}
