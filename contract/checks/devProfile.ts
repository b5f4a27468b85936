import type { TargetContract } from "../target";
import { Problem } from "../problems";
import { StackConfig } from "../schema/stack";

/** `parity:environment` values that name production: the dev profile is refused there. */
const PRODUCTION = /^(prod|production)$/;

/**
 * The dev profile's extras are for a developer's own engine: published debugging ports and
 * bind-mounted source trees. Refused where they would be wrong: a production environment, a
 * remote engine (a host path there names the remote host's files), a worker pool (every replica
 * would claim the same host port), or a port the service already publishes.
 */
export function checkDevProfile(cfg: StackConfig, t: TargetContract): Problem[] {
  const out: Problem[] = [];
  const all = [
    ...cfg.services.map((s, i) => ({ c: s, path: `parity:services[${i}].dev`, pool: false })),
    ...cfg.workers.map((w, i) => ({ c: w, path: `parity:workers[${i}].dev`, pool: true })),
  ];
  for (const { c, path, pool } of all) {
    const ports = c.dev?.ports ?? [];
    if (pool && ports.length) out.push({ path: `${path}.ports`, problem: `'${c.name}' is a worker pool: every replica would publish the same host port`, allowed: "dev ports on services only" });
    const service = pool ? undefined : cfg.services.find((s) => s.name === c.name);
    if (service) {
      ports.forEach((p, j) => {
        const published = service.ports.find((x) => x.container === p.container && x.host !== undefined);
        if (published) out.push({ path: `${path}.ports[${j}]`, problem: `'${c.name}' already publishes container port ${p.container} (on host port ${published.host})`, allowed: "a container port the service does not publish in every profile" });
      });
    }
  }
  if (cfg.profile !== "dev") return out;
  if (PRODUCTION.test(cfg.environment))
    out.push({ path: "parity:profile", problem: `is 'dev' on environment '${cfg.environment}': the dev profile publishes debugging ports and mounts source trees`, allowed: "prod on a production environment (dev overrides apply only to dev stacks)" });
  const where = t.remoteEngine(cfg);
  for (const { c, path } of all) {
    if (!c.dev?.sourceMount || where === undefined) continue;
    out.push({
      path: `${path}.sourceMount.hostPath`,
      problem: `'${c.dev.sourceMount.hostPath}' is a path on this machine, but ${where}: the bind would name a directory on that host`,
      allowed: "a local engine (parity:docker.host: unix:///var/run/docker.sock), or remove sourceMount and ship the source in the image",
    });
  }
  return out;
}
