import { didYouMean } from "../../../contract/didYouMean";
import { parseTemplate, templateRefs } from "../../../contract/envTemplate";
import { envSize } from "../../../contract/checks/containers";
import { guestId, UNPRIVILEGED_ID_BASE, UNPRIVILEGED_ID_COUNT } from "../../../contract/idmap";
import { checkHostServiceRules } from "./hostServiceRules";
import { pgSharedBuffersMb } from "../../../core/postgresDefaults";
import { plainSecretProblems } from "../../../contract/checks/env";
import { Problem } from "../../../contract/problems";
import { StackConfig } from "../../../contract/schema/stack";
import { checkNativeDelivery } from "./nativeDelivery";

/** In-guest services must name things that exist and fit the guest they run in. */
export function checkHostServices(cfg: StackConfig): Problem[] {
  const out: Problem[] = [];
  const hosts = cfg.hosts.map((h) => h.name);
  const secrets = Object.keys(cfg.secrets);
  const needSecret = (path: string, name: string | undefined) => {
    if (name !== undefined && !secrets.includes(name)) {
      const hint = didYouMean(name, secrets);
      out.push({ path, problem: `names unknown secret '${name}'${hint ? ` (did you mean '${hint}'?)` : ""}`, allowed: secrets.length ? `one of ${secrets.join(", ")}` : "declare it under parity:secrets" });
    }
  };
  for (const [host, s] of Object.entries(cfg.hostServices)) {
    const base = `parity:hostServices.${host}`;
    const h = cfg.hosts.find((x) => x.name === host);
    if (!h) {
      const hint = didYouMean(host, hosts);
      out.push({ path: base, problem: `names unknown host '${host}'${hint ? ` (did you mean '${hint}'?)` : ""}`, allowed: `one of ${hosts.join(", ")}` });
      continue;
    }
    out.push(...checkHostServiceRules(base, s, h.memoryMb));
    const pg = s.postgres;
    const roles = pg?.roles.map((r) => r.name) ?? [];
    const dbs = pg?.databases.map((d) => d.name) ?? [];
    pg?.roles.forEach((r, i) => needSecret(`${base}.postgres.roles[${i}].passwordSecret`, r.passwordSecret));
    pg?.databases.forEach((d, i) => {
      for (const [key, names] of [["owner", [d.owner]], ["readWriteRoles", d.readWriteRoles], ["readOnlyRoles", d.readOnlyRoles]] as const)
        for (const r of names) if (!roles.includes(r)) out.push({ path: `${base}.postgres.databases[${i}].${key}`, problem: `names unknown role '${r}'`, allowed: `one of ${roles.join(", ") || "no roles"}` });
    });
    if (pg?.eventStore && !dbs.includes(pg.eventStore.database))
      out.push({ path: `${base}.postgres.eventStore.database`, problem: `names unknown database '${pg.eventStore.database}'`, allowed: `one of ${dbs.join(", ")}` });
    needSecret(`${base}.redis.passwordSecret`, s.redis?.passwordSecret);
    if (s.redis?.mode === "cluster") {
      // Every node is a port: masters × (1 + replicas) of them, and Redis Cluster needs 3 masters.
      const perMaster = 1 + s.redis.clusterReplicas;
      const masters = Math.floor(s.redis.ports.length / perMaster);
      if (masters < 3 || s.redis.ports.length % perMaster !== 0)
        out.push({
          path: `${base}.redis.ports`,
          problem: `${s.redis.ports.length} node(s) cannot form a cluster with ${s.redis.clusterReplicas} replica(s) per master`,
          allowed: `a multiple of ${perMaster} (masters × (1 + clusterReplicas)), at least ${3 * perMaster}: 3 masters${s.redis.clusterReplicas ? ` and ${s.redis.clusterReplicas} replica(s) each` : ""}`,
        });
    } else if (s.redis && s.redis.clusterReplicas > 0)
      out.push({ path: `${base}.redis.clusterReplicas`, problem: `${s.redis.clusterReplicas} replica(s) for a standalone Redis`, allowed: "0, or mode: cluster" });
    needSecret(`${base}.rabbitmq.appUser.passwordSecret`, s.rabbitmq?.appUser.passwordSecret);
    needSecret(`${base}.rabbitmq.adminUser.passwordSecret`, s.rabbitmq?.adminUser?.passwordSecret);

    // Redis maxmemory per node (replicas hold a full copy of their master, so they count too) plus
    // shared_buffers is memory the guest cannot give to anything else.
    const reserved = (s.redis ? s.redis.ports.length * s.redis.maxmemoryMb : 0) + (pg ? pgSharedBuffersMb(pg, h.memoryMb) : 0);
    if (reserved > h.memoryMb)
      out.push({ path: `${base}.redis.maxmemoryMb`, problem: `Redis maxmemory (${s.redis?.ports.length ?? 0} node(s), replicas included) and PostgreSQL shared_buffers reserve ${reserved} MiB, the guest has ${h.memoryMb} MiB`, allowed: "lower maxmemoryMb or raise the guest's memoryMb" });

    const taken = new Map<number, string>([...(pg ? [[5432, "postgresql"] as const] : []), ...(s.redis?.ports ?? []).map((p) => [p, "redis"] as const), ...(s.rabbitmq ? [[5672, "rabbitmq"], [s.rabbitmq.managementPort, "rabbitmq management"]] as const : [])]);
    if (s.native?.health) taken.set(s.native.health.port, "health endpoint");
    const provided = new Set([pg ? "postgresql" : "", s.redis ? "redis" : "", s.rabbitmq ? "rabbitmq" : ""]);
    s.native?.services.forEach((n, i) => {
      const path = `${base}.native.services[${i}]`;
      const clash = taken.get(n.port);
      if (clash) out.push({ path: `${path}.port`, problem: `port ${n.port} is already used by ${clash}`, allowed: "a port no other service on this guest uses" });
      taken.set(n.port, `native service '${n.name}'`);
      n.uses.forEach((u, j) => {
        if (!provided.has(u)) out.push({ path: `${path}.uses[${j}]`, problem: `uses ${u}, which this guest does not run`, allowed: `declare ${u} under ${base}` });
      });
      for (const [k, v] of Object.entries(n.env)) {
        envSize(out, `${path}.env.${k}`, k, v);
        if (/[\n\r]/.test(v)) out.push({ path: `${path}.env.${k}`, problem: "holds a line break, which an EnvironmentFile cannot", allowed: "a single line" });
        const parsed = parseTemplate(v);
        if ("error" in parsed) {
          out.push({ path: `${path}.env.${k}`, problem: parsed.error, allowed: "literals, ${stack.environment|domain|logLevel|name} and one ${secret.NAME}" });
          continue;
        }
        const refs = templateRefs(parsed.parts);
        out.push(...plainSecretProblems(`${path}.env.${k}`, k, v, refs));
        const bad = refs.find((r) => r.kind !== "secret" && r.kind !== "stack");
        if (bad) out.push({ path: `${path}.env.${k}`, problem: `uses a \${${bad.kind}...} reference, which native services cannot resolve`, allowed: "literals, ${stack.*} and one ${secret.NAME}" });
        const secretRefs = refs.filter((r) => r.kind === "secret");
        if (secretRefs.length > 1) out.push({ path: `${path}.env.${k}`, problem: "holds more than one secret", allowed: "at most one ${secret.NAME} per value" });
        for (const r of secretRefs) needSecret(`${path}.env.${k}`, r.name);
      }
    });
    if (s.native) out.push(...checkNativeDelivery(`${base}.native`, s.native, needSecret));
    const health = s.native?.health?.postgres;
    if (health) {
      const role = pg?.roles.find((r) => r.name === health.user);
      if (!role?.passwordSecret) out.push({ path: `${base}.native.health.postgres.user`, problem: `'${health.user}' is not a PostgreSQL role with a password on this guest`, allowed: `one of ${pg?.roles.filter((r) => r.passwordSecret).map((r) => r.name).join(", ") || "no password roles"}` });
    }
    if (s.backup) {
      if (!pg) out.push({ path: `${base}.backup`, problem: "backs up PostgreSQL, which this guest does not run", allowed: `declare postgres under ${base}` });
      s.backup.databases.forEach((d, i) => {
        if (pg && !dbs.includes(d)) out.push({ path: `${base}.backup.databases[${i}]`, problem: `names unknown database '${d}'`, allowed: `one of ${dbs.join(", ")}` });
      });
      const shared = cfg.sharedStorage?.hosts?.includes(host) ? cfg.sharedStorage.guestPath : undefined;
      if (!shared || !(s.backup.directory === shared || s.backup.directory.startsWith(`${shared}/`)))
        out.push({ path: `${base}.backup.directory`, problem: shared ? `${s.backup.directory} is not on the shared storage mounted at ${shared}` : `host '${host}' does not mount shared storage`, allowed: "a directory on the shared storage, so backups survive the guest" });
      // The backup job runs with the share's group (SupplementaryGroups=): never the guests' root group.
      if (shared && cfg.sharedStorage && guestId(cfg.sharedStorage.ownerGid) === 0)
        out.push({ path: "parity:sharedStorage.ownerGid", problem: `${cfg.sharedStorage.ownerGid} is the guests' root group (gid 0), which the backup job on host '${host}' would run with`, allowed: `a node id ${UNPRIVILEGED_ID_BASE + 1}..${UNPRIVILEGED_ID_BASE + UNPRIVILEGED_ID_COUNT - 1} (guest gid 1..${UNPRIVILEGED_ID_COUNT - 1}), e.g. 101000` });
    }
  }
  return out;
}
