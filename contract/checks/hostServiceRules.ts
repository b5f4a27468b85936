import { Problem } from "../problems";
import { HostServicesConfig } from "../schema/hostServices";

/** What PostgreSQL, Redis and RabbitMQ accept as names (the renderers interpolate them into SQL, unit names and rabbitmqctl). */
const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const PG_SETTING = /^[a-z_][a-z0-9_.]*$/;
const RABBIT_NAME = /^[A-Za-z0-9_.:/-]+$/;
const REDIS_BIND = /^-?[0-9a-fA-F.:*]+$/;
const PLAIN_PATH = /^\/[A-Za-z0-9_./-]+$/;

/**
 * `shared_buffers` in MB: the stack's `sharedBuffersMb`, else stock-analysis's 25% rule (a quarter of
 * the guest's memory, rounded down). The one place this default lives: the memory checks and the
 * model both use it.
 */
export function pgSharedBuffersMb(pg: { readonly sharedBuffersMb?: number | undefined }, memoryMb: number): number {
  return pg.sharedBuffersMb ?? Math.floor(memoryMb / 4);
}

function twice(out: Problem[], path: string, names: readonly string[], what: string): void {
  names.forEach((n, i) => {
    const first = names.indexOf(n);
    if (first !== i) out.push({ path: `${path}[${i}].name`, problem: `${what} '${n}' is declared twice (also [${first}])`, allowed: `each ${what} once` });
  });
}

/**
 * The in-guest services' own rules, so that every spec the model hands the renderers can be
 * rendered: names each server accepts, each declared once, everything referenced declared,
 * ports and retention a server can use. `memoryMb` is the guest's.
 */
export function checkHostServiceRules(base: string, s: HostServicesConfig, memoryMb: number): Problem[] {
  const out: Problem[] = [];
  const pg = s.postgres;
  if (pg) {
    const p = `${base}.postgres`;
    const roles = pg.roles.map((r) => r.name);
    const dbs = pg.databases.map((d) => d.name);
    twice(out, `${p}.roles`, roles, "role");
    twice(out, `${p}.databases`, dbs, "database");
    const known = (path: string, role: string) => {
      if (!roles.includes(role)) out.push({ path, problem: `names unknown role '${role}'`, allowed: `one of ${roles.join(", ") || "no roles (declare it under roles)"}` });
    };
    pg.roles.forEach((r, i) => r.memberOf.forEach((m, j) => known(`${p}.roles[${i}].memberOf[${j}]`, m)));
    pg.databases.forEach((d, i) => d.extensions.forEach((e, j) => {
      if (!SQL_IDENTIFIER.test(e.name)) out.push({ path: `${p}.databases[${i}].extensions[${j}].name`, problem: `'${e.name.slice(0, 60)}' is not an extension name`, allowed: "lowercase letters, digits and '_', such as pg_trgm or vector" });
    }));
    pg.clients.forEach((c, i) => {
      (c.databases ?? []).forEach((d, j) => { if (!dbs.includes(d)) out.push({ path: `${p}.clients[${i}].databases[${j}]`, problem: `names unknown database '${d}'`, allowed: `one of ${dbs.join(", ") || "no databases"}` }); });
      (c.roles ?? []).forEach((r, j) => known(`${p}.clients[${i}].roles[${j}]`, r));
    });
    for (const k of Object.keys(pg.settings)) if (!PG_SETTING.test(k)) out.push({ path: `${p}.settings.${k}`, problem: `'${k}' is not a PostgreSQL setting name`, allowed: "lowercase letters, digits, '_' and '.', starting with a letter or '_'" });
    (pg.eventStore?.writerRoles ?? []).forEach((r, j) => known(`${p}.eventStore.writerRoles[${j}]`, r));
    (pg.eventStore?.readerRoles ?? []).forEach((r, j) => known(`${p}.eventStore.readerRoles[${j}]`, r));
    if (pg.sharedBuffersMb === undefined && memoryMb < 64)
      out.push({ path: `${p}.sharedBuffersMb`, problem: `the guest's ${memoryMb} MiB gives a quarter below PostgreSQL's 16 MB minimum`, allowed: "a guest of at least 64 MiB, or sharedBuffersMb of at least 16" });
  }
  const redis = s.redis;
  if (redis) {
    const p = `${base}.redis`;
    redis.ports.forEach((port, i) => {
      if (port < 1024 || port > 55535) out.push({ path: `${p}.ports[${i}]`, problem: `port ${port}`, allowed: "1024 to 55535 (each node also listens on port + 10000 for the cluster bus)" });
      if (redis.ports.indexOf(port) !== i) out.push({ path: `${p}.ports[${i}]`, problem: `port ${port} is listed twice`, allowed: "distinct ports, one per node" });
    });
    if (redis.mode === "standalone" && redis.ports.length !== 1) out.push({ path: `${p}.ports`, problem: `standalone Redis with ${redis.ports.length} ports`, allowed: "exactly one port for mode standalone, or mode cluster with at least 3" });
    (redis.bind ?? []).forEach((b, i) => { if (!REDIS_BIND.test(b)) out.push({ path: `${p}.bind[${i}]`, problem: `'${b.slice(0, 60)}' is not an address`, allowed: "IPv4 or IPv6 addresses, optionally prefixed with '-' (Redis: skip when unavailable)" }); });
  }
  const rabbit = s.rabbitmq;
  if (rabbit) {
    const p = `${base}.rabbitmq`;
    const named: [string, string][] = [["vhost", rabbit.vhost], ["eventsExchange", rabbit.eventsExchange], ["deadLetterExchange", rabbit.deadLetterExchange], ["deadLetterQueue", rabbit.deadLetterQueue], ...rabbit.queues.map((q, i): [string, string] => [`queues[${i}].name`, q.name])];
    for (const [key, name] of named) if (!RABBIT_NAME.test(name)) out.push({ path: `${p}.${key}`, problem: `'${name.slice(0, 60)}' has characters RabbitMQ names cannot hold here`, allowed: "letters, digits and _ . : / -" });
    for (const key of ["appUser", "adminUser"] as const) if (rabbit[key]?.name === "guest") out.push({ path: `${p}.${key}.name`, problem: "'guest' is RabbitMQ's built-in account, which Parity removes", allowed: "any other user name" });
    if (rabbit.adminUser && rabbit.adminUser.name === rabbit.appUser.name) out.push({ path: `${p}.adminUser.name`, problem: `is the same user as appUser ('${rabbit.appUser.name}')`, allowed: "a separate operator account" });
  }
  const native = s.native;
  if (native) {
    const p = `${base}.native`;
    twice(out, `${p}.services`, native.services.map((x) => x.name), "native service");
    if (native.uv?.url && !native.uv.sha256) out.push({ path: `${p}.uv.sha256`, problem: "missing: uv.url is downloaded and must be pinned", allowed: "the sha256 (64 hex digits) of the file at uv.url" });
  }
  const backup = s.backup;
  if (backup) {
    const p = `${base}.backup`;
    if (!PLAIN_PATH.test(backup.directory) || backup.directory.split("/").includes(".."))
      out.push({ path: `${p}.directory`, problem: `'${backup.directory.slice(0, 60)}' is not a plain absolute path`, allowed: "an absolute path of letters, digits and _ . / - without '..'" });
    if (backup.keepDays === 0 && backup.keepCount === undefined)
      out.push({ path: `${p}.keepDays`, problem: "0 keeps every dump forever, and no keepCount bounds them", allowed: "keepDays of 1 or more, or a keepCount" });
  }
  return out;
}
