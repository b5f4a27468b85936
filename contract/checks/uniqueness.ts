import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";
import { workerInstanceName } from "../../core/workerSlots";

/** Reports the second and later occurrence of each value, pointing back at the first. */
export function duplicates(entries: readonly { path: string; value: string | number | undefined }[], what: string): Problem[] {
  const seen = new Map<string | number, string>();
  const out: Problem[] = [];
  for (const { path, value } of entries) {
    if (value === undefined) continue;
    const first = seen.get(value);
    if (first) out.push({ path, problem: `duplicate ${what} ${JSON.stringify(value)} (already used by ${first})`, allowed: `a ${what} used once per stack` });
    else seen.set(value, path);
  }
  return out;
}

export function checkUniqueness(cfg: StackConfig): Problem[] {
  const containerNames = [
    ...cfg.services.map((s, i) => ({ path: `parity:services[${i}].name`, value: s.name })),
    // Worker replicas become containers named <pool>-<n>; a service must not take one of those names.
    ...cfg.workers.flatMap((w, i) =>
      cfg.workers.filter((o) => o.name === w.name).length > 1 ? [] : Array.from({ length: Math.max(0, w.maxReplicas) }, (_, r) => ({ path: `parity:workers[${i}].name`, value: workerInstanceName(w.name, r + 1) })),
    ),
  ];
  return [
    ...duplicates(cfg.workers.map((w, i) => ({ path: `parity:workers[${i}].name`, value: w.name })), "worker pool name"),
    ...duplicates(containerNames, "service name"),
  ];
}
