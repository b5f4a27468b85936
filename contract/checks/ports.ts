import type { TargetContract } from "../target";
import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";
import { slotHost, slotPort } from "../../core/workerSlots";

/**
 * Two things on one host port fail at deploy time, half-way through. Worker pools are checked at
 * their maximum size so that any replica count the contract accepts is collision-free.
 */
export function checkHostPorts(cfg: StackConfig, t: TargetContract): Problem[] {
  const out: Problem[] = [];
  const taken = new Map<string, string>(); // "host:port" -> first user
  const claim = (host: string, port: number, path: string, who: string) => {
    const key = `${host}:${port}`;
    const first = taken.get(key);
    if (first) out.push({ path, problem: `${who} uses host port ${port} on host '${host}', already taken by ${first}`, allowed: "a host port used by one container per host" });
    else taken.set(key, who);
  };
  const singleHost = !t.traits.multiHost;
  cfg.services.forEach((s, i) =>
    s.ports.forEach((p, j) => {
      if (p.host !== undefined) claim(singleHost ? "local" : s.host, p.host, `parity:services[${i}].ports[${j}].host`, `service '${s.name}'`);
    }),
  );
  // Dev-only published ports exist only in the dev profile, and then clash like any other.
  if (cfg.profile === "dev")
    cfg.services.forEach((s, i) =>
      (s.dev?.ports ?? []).forEach((p, j) => claim(singleHost ? "local" : s.host, p.host, `parity:services[${i}].dev.ports[${j}].host`, `service '${s.name}' (dev)`)),
    );
  cfg.workers.forEach((w, i) => {
    const max = Math.max(0, Math.min(w.maxReplicas, 100));
    for (let r = 1; r <= max; r++) {
      const port = slotPort(w, r);
      const host = singleHost ? "local" : slotHost(w, r);
      const path = r <= w.ports.length ? `parity:workers[${i}].ports[${r - 1}]` : `parity:workers[${i}].overflowPortBase`;
      if (port > 65535) {
        out.push({ path, problem: `replica ${r} of '${w.name}' would get port ${port}`, allowed: "overflowPortBase + maxReplicas within 1–65535" });
        break;
      }
      claim(host, port, path, `worker '${w.name}' replica ${r}`);
    }
  });
  return out;
}
