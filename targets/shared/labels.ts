import type { ProxyModel } from "../../model/rollout";
import { ContainerModel, PlatformModel } from "../../model/types";

/**
 * Labels every container carries: ownership, and what the policy pack checks against — the
 * networks its flows give it and, when it runs as root, the stack's stated reason.
 * No label ever holds a secret.
 */
export function containerLabels(model: PlatformModel, c: ContainerModel): Record<string, string> {
  return {
    "managed-by": "parity",
    "parity.stack": model.stack,
    "parity.service": c.pool ?? c.name,
    "parity.profile": model.profile,
    "parity.networks": c.networks.join(","),
    ...(c.allowRoot ? { "parity.allow-root": c.allowRoot } : {}),
  };
}

/** The same labels for a host's rollout proxy (model/rollout.ts). */
export function proxyLabels(model: PlatformModel, p: ProxyModel): Record<string, string> {
  return {
    "managed-by": "parity",
    "parity.stack": model.stack,
    "parity.service": p.name,
    "parity.profile": model.profile,
    "parity.networks": p.networks.join(","),
  };
}
