/**
 * The registry of targets: the one table that maps `parity:target` to the module realizing it.
 * Everything a target decides lives in its folder (targets/<name>/): its traits and checks
 * (contract.ts), how the model addresses and places things there (model.ts), its resources
 * (deploy.ts, loaded only when a stack uses the target: azure-native alone is large), the
 * offline engine's provider outputs (mockOutputs.ts) and its preflight checks (preflight.ts).
 * docs/EXTENDING.md lists what a new target touches.
 */
import type { StackConfig } from "../contract/schema/stack";
import { validateConfig } from "../contract/validate";
import { buildPlatformModel } from "../model/build";
import type { PlatformModel } from "../model/types";
import { azureTarget } from "./azure";
import { dockerTarget } from "./docker";
import { proxmoxTarget } from "./proxmox";
import type { TargetModule } from "./types";

export const TARGETS: readonly TargetModule[] = [proxmoxTarget, azureTarget, dockerTarget];

/** The module of a validated target name. */
export function targetNamed(name: string): TargetModule {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no target module '${name}' (known: ${TARGETS.map((x) => x.name).join(", ")})`);
  return t;
}

/**
 * Validates a whole stack config (the `parity:` keys without the namespace) against the common
 * contract and its target's: returns it with defaults applied, or throws one ContractError
 * listing every problem.
 */
export function validateStackConfig(raw: Record<string, unknown>, stack?: string): StackConfig {
  return validateConfig(raw, TARGETS, stack);
}

/** The platform model of a validated config, derived with its target's placement and addressing. */
export function buildModel(cfg: StackConfig, stack: string): PlatformModel {
  return buildPlatformModel(cfg, stack, targetNamed(cfg.target).model);
}
