import type { TargetContract } from "../target";
import { Problem } from "../problems";
import { ServiceConfig, StackConfig, WorkerPoolConfig } from "../schema/stack";

/** Linux caps one environment string (`NAME=value`) at 128 KiB (MAX_ARG_STRLEN); Parity keeps half for resolved references. */
export const MAX_ENV_VALUE_BYTES = 64 * 1024;
/** Docker's `--cpus` floor (and every runtime's: nothing runs on less). */
const MIN_CPUS = 0.01;
const HEALTH_KINDS = ["CMD", "CMD-SHELL", "NONE"];

type Entry = { c: ServiceConfig | WorkerPoolConfig; path: string; kind: "service" | "worker" };

/** Runs as root when the user is absent (the image's default is usually root) or has uid 0 — as the policy pack decides. */
export function runsAsRoot(user: string | undefined): boolean {
  return user === undefined || user.split(":")[0] === "0";
}

/**
 * What one container may ask for, checked once here so that the model, the components and the
 * providers receive only values they can realize: root only with a reason, distinct mount
 * paths, a health check Docker understands, env values Linux accepts, CPU and timings the
 * target can express, and shared storage only on guests that mount it.
 */
export function checkContainers(cfg: StackConfig, t: TargetContract): Problem[] {
  const out: Problem[] = [];
  const entries: Entry[] = [
    ...cfg.services.map((c, i) => ({ c, path: `parity:services[${i}]`, kind: "service" as const })),
    ...cfg.workers.map((c, i) => ({ c, path: `parity:workers[${i}]`, kind: "worker" as const })),
  ];
  for (const { c, path, kind } of entries) {
    // A managed realization (e.g. Azure Database for PostgreSQL) is no container: its container limits do not apply.
    const container = !t.realizedElsewhere(cfg, c.name);
    // Where an absent user means the image's (usually root), root needs a reason; some platforms never default to root.
    if (!c.allowRoot && (t.traits.absentUserRunsAsRoot ? runsAsRoot(c.user) : c.user !== undefined && runsAsRoot(c.user)))
      out.push({ path: `${path}.user`, problem: c.user === undefined ? `'${c.name}' sets no user, so it runs as the image's user (usually root)` : `'${c.name}' runs as root (${c.user})`, allowed: "a non-root uid:gid such as 1000:1000, or allowRoot saying why root is needed" });

    const mounts: [string, string][] = [];
    if (kind === "service") (c as ServiceConfig).volumes.forEach((v, j) => mounts.push([`${path}.volumes[${j}].path`, v.path]));
    if (c.sharedStorage && cfg.sharedStorage) mounts.push([`${path}.sharedStorage`, cfg.sharedStorage.containerPath]);
    if (c.dev?.sourceMount && cfg.profile === "dev") mounts.push([`${path}.dev.sourceMount.containerPath`, c.dev.sourceMount.containerPath]);
    const byPath = new Map<string, string>();
    for (const [p, target] of mounts) {
      const norm = target.replace(/\/+$/, "") || "/";
      const first = byPath.get(norm);
      if (first) out.push({ path: p, problem: `mounts ${norm}, which ${first} already mounts`, allowed: "one mount per path inside the container" });
      else byPath.set(norm, p);
    }
    if (kind === "service") {
      const names = new Map<string, number>();
      (c as ServiceConfig).volumes.forEach((v, j) => {
        const first = names.get(v.name);
        if (first !== undefined) out.push({ path: `${path}.volumes[${j}].name`, problem: `volume '${v.name}' is declared twice (also volumes[${first}])`, allowed: "distinct volume names per service" });
        else names.set(v.name, j);
      });
    }

    const hc = c.healthcheck;
    if (hc) {
      const kindOf = hc.test[0]!;
      if (!HEALTH_KINDS.includes(kindOf)) out.push({ path: `${path}.healthcheck.test[0]`, problem: `'${kindOf.slice(0, 40)}' is not a health-check form`, allowed: "CMD (argv follows), CMD-SHELL (one shell command follows) or NONE" });
      else if (kindOf === "CMD-SHELL" && hc.test.length !== 2) out.push({ path: `${path}.healthcheck.test`, problem: `CMD-SHELL takes one command string, got ${hc.test.length - 1}`, allowed: '["CMD-SHELL", "the command"]' });
      const limits = t.traits.probeLimits;
      if (limits && container)
        for (const key of ["intervalSeconds", "timeoutSeconds", "startPeriodSeconds", "retries"] as const)
          if (hc[key] > limits[key]) out.push({ path: `${path}.healthcheck.${key}`, problem: `${hc[key]} is more than ${limits.what} takes`, allowed: `at most ${limits[key]} on target ${t.name}` });
    }

    const cpus = c.limits.cpus;
    if (cpus < MIN_CPUS) out.push({ path: `${path}.limits.cpus`, problem: `${cpus} CPUs`, allowed: `at least ${MIN_CPUS}` });
    else if (container && (cpus > t.traits.cpus.max || Math.abs(cpus / t.traits.cpus.step - Math.round(cpus / t.traits.cpus.step)) > 1e-6))
      out.push({ path: `${path}.limits.cpus`, problem: `${cpus} CPUs${t.traits.cpus.problem ?? ""}`, allowed: t.traits.cpus.allowed });

    const envs: [string, Record<string, string>][] = [[`${path}.env`, c.env], [`${path}.dev.env`, c.dev?.env ?? {}]];
    for (const [base, env] of envs) for (const [k, v] of Object.entries(env)) envSize(out, `${base}.${k}`, k, v);

  }
  return out;
}

/**
 * Network aliases are names on the host's Docker networks: each names one container there
 * (not another's name or alias), and Azure has no Docker networks to hold them.
 */
export function checkAliases(cfg: StackConfig, t: TargetContract): Problem[] {
  const out: Problem[] = [];
  const taken = new Map<string, string>(); // "host/name" -> who
  const hostOf = (h: string) => (t.traits.multiHost ? h : "local");
  cfg.services.forEach((s) => taken.set(`${hostOf(s.host)}/${s.name}`, `service '${s.name}'`));
  cfg.workers.forEach((w) => w.hosts.forEach((h) => { for (let r = 1; r <= w.maxReplicas; r++) taken.set(`${hostOf(h)}/${w.name}-${r}`, `worker '${w.name}'`); }));
  cfg.services.forEach((s, i) => {
    const lists: [string, readonly string[]][] = [[`parity:services[${i}].aliases`, s.aliases], [`parity:services[${i}].dev.aliases`, s.dev?.aliases ?? []]];
    for (const [base, aliases] of lists) {
      if (aliases.length && !t.traits.dockerNetworks) out.push({ path: base, problem: `target ${t.name} has no Docker networks to hold aliases`, allowed: `no aliases on target ${t.name}: apps are reached by their own names` });
      const own = new Set<string>();
      aliases.forEach((a, j) => {
        const who = taken.get(`${hostOf(s.host)}/${a}`);
        if (own.has(a)) out.push({ path: `${base}[${j}]`, problem: `'${a}' is listed twice`, allowed: "each alias once" });
        else if (who && who !== `alias of '${s.name}'`) out.push({ path: `${base}[${j}]`, problem: `'${a}' is already ${who === `service '${s.name}'` ? "this service's name" : who.startsWith("alias") ? `an ${who}` : `the name of ${who}`}${t.traits.multiHost ? ` on host '${s.host}'` : ""}`, allowed: "a name no other container or alias on the host uses" });
        own.add(a);
      });
    }
    for (const a of new Set([...s.aliases, ...(s.dev?.aliases ?? [])])) if (!taken.has(`${hostOf(s.host)}/${a}`)) taken.set(`${hostOf(s.host)}/${a}`, `alias of '${s.name}'`);
  });
  cfg.workers.forEach((w, i) => {
    if (w.dev?.aliases) out.push({ path: `parity:workers[${i}].dev.aliases`, problem: "worker replicas are reached by their own names (<pool>-<n>)", allowed: "aliases only on parity:services" });
  });
  return out;
}

/** One env value must fit Linux's limit for one environment string. */
export function envSize(out: Problem[], path: string, name: string, value: string): void {
  const bytes = Buffer.byteLength(value, "utf8") + name.length + 1;
  if (bytes > MAX_ENV_VALUE_BYTES) out.push({ path, problem: `is ${bytes} bytes long with its name`, allowed: `at most ${MAX_ENV_VALUE_BYTES} bytes (Linux caps one environment string at 128 KiB); put large content in files or volumes` });
}
