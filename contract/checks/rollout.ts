import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";
import { PROXY_CONTAINER } from "../../core/reservedNames";

/**
 * Rollout settings that cannot do what they say: the proxy's container name is taken per
 * Docker host, a worker pool is never proxied (each slot's port is its identity), and a health
 * path without a published port, a health check, or on a service with data never reaches a proxy.
 */
export function checkRollout(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  cfg.services.forEach((s, i) => {
    if (s.name === PROXY_CONTAINER) out.push({ path: `parity:services[${i}].name`, problem: `'${PROXY_CONTAINER}' is the name of each Docker host's rollout proxy`, allowed: "any other service name" });
    const hp = s.rollout.healthPath;
    if (hp === undefined || s.rollout.recreate) return;
    const why = !s.ports.some((p) => p.host !== undefined) ? "it publishes no host port" : !s.healthcheck ? "it has no healthcheck to gate a rollout on" : s.stateful || s.volumes.length ? "it holds data (stateful or volumes), which is always replaced delete-first" : undefined;
    if (why) out.push({ path: `parity:services[${i}].rollout.healthPath`, problem: `has no effect: ${why}`, allowed: "remove it, or give the service a host port and a healthcheck and no volumes" });
  });
  cfg.workers.forEach((w, i) => {
    if (w.rollout.healthPath !== undefined) out.push({ path: `parity:workers[${i}].rollout.healthPath`, problem: "worker slots are never proxied: each slot's port and URL are its own", allowed: "remove it; use rollout.stopTimeoutSeconds for a graceful stop" });
  });
  return out;
}
