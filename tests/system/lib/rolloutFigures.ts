/** The figures both rollout suites print from an update's engine events. */
import type { EngineEvent } from "../../../tools/testbed/deploy/docker";

/** Per service (container names without their version suffix): from its first step until its health gate passed. */
export function serving(events: readonly EngineEvent[]): Record<string, string> {
  const by = new Map<string, { start: number; ready: number }>();
  for (const e of events) {
    const gate = e.name.endsWith("-health-wait");
    const key = e.name.replace(/-health-wait$/, "").replace(/-[0-9a-f]{8}$/, "");
    const t = by.get(key) ?? { start: e.startedMs, ready: 0 };
    by.set(key, { start: Math.min(t.start, e.startedMs), ready: gate ? Math.max(t.ready, e.endedMs) : t.ready });
  }
  return Object.fromEntries([...by].filter(([, t]) => t.ready).map(([k, t]) => [k, `${((t.ready - t.start) / 1000).toFixed(1)} s`]));
}

/** Seconds from the update's first step to its last, e.g. "24.0". */
export function span(events: readonly EngineEvent[]): string {
  return events.length ? ((Math.max(...events.map((e) => e.endedMs)) - Math.min(...events.map((e) => e.startedMs))) / 1000).toFixed(1) : "0";
}
