/**
 * PostgreSQL inside a Debian 12 guest (Debian packages): cluster settings, client access,
 * roles, databases, the event store schema and its scheduled materialized-view refresh.
 *
 * Pure: `renderPostgres(spec)` returns the bundle that the PostgreSQL component copies to the
 * guest and runs; the real-server tests run the very same bundle.
 */
import type { ProvisionBundle, RenderedFile } from "./bundle";
import { assertEnvName, assertIdentifier } from "./common/shell";
import { renderConfDropIn, renderHba } from "./postgres/conf";
import { renderEventStoreMigrations, renderRefreshUnits } from "./postgres/eventStore";
import { renderAccessSql, renderRolesSql } from "./postgres/sql";
import { renderPostgresScript } from "./postgres/script";
import { pgPaths, type PgPaths } from "./postgres/paths";

export interface PostgresRole {
  /** Role name (lowercase identifier). */
  readonly name: string;
  /**
   * Name of the secret environment variable holding this role's password (it becomes one of
   * the bundle's `secretEnv`). Omit for a role that never logs in with a password.
   */
  readonly passwordSecret?: string;
  /** Default `true` when `passwordSecret` is set, else `false`. */
  readonly login?: boolean;
  /** Bypass row-level security (e.g. LifeBuddy's `cognitive_engine_full`). Default `false`. */
  readonly bypassRls?: boolean;
  /** Roles this role is granted (inherits their privileges). Default `[]`. */
  readonly memberOf?: readonly string[];
  /** `CONNECTION LIMIT`; default `-1` (unlimited, bounded by `max_connections`). */
  readonly connectionLimit?: number;
}

export interface PostgresExtension {
  /** Extension name for `CREATE EXTENSION IF NOT EXISTS`. */
  readonly name: string;
  /**
   * Debian package providing it, installed when missing (e.g. `postgresql-15-pgvector`, which
   * Debian 12 does not ship: the step then fails saying so). Default: none (core/contrib).
   */
  readonly package?: string;
}

export interface PostgresDatabase {
  readonly name: string;
  /** Owning role; must be declared in `roles`. */
  readonly owner: string;
  /** Roles given CONNECT and SELECT/INSERT/UPDATE/DELETE on schema `public`. Default `[]`. */
  readonly readWriteRoles?: readonly string[];
  /** Roles given CONNECT and SELECT on schema `public`. Default `[]`. */
  readonly readOnlyRoles?: readonly string[];
  /** Extensions created in this database. Default `[]`. */
  readonly extensions?: readonly PostgresExtension[];
}

/** A client network allowed in `pg_hba.conf` (scram-sha-256 only). */
export interface PostgresClient {
  /** e.g. `10.231.0.0/24` or `192.168.1.20/32`. */
  readonly cidr: string;
  /** Databases it may reach. Default: every database in the spec. */
  readonly databases?: readonly string[];
  /** Roles it may log in as. Default: every role with a password. */
  readonly roles?: readonly string[];
}

/** The append-only event store (seed 000/001) deployed into one database. */
export interface EventStoreSpec {
  /** Database holding schema `event_store`; must be declared in `databases`. */
  readonly database: string;
  /** Roles that append events and manage snapshots. Default: the database owner. */
  readonly writerRoles?: readonly string[];
  /** Roles that only read events, snapshots and summaries. Default `[]`. */
  readonly readerRoles?: readonly string[];
  /** systemd `OnCalendar=` of the summaries refresh. Default `*:0/5` (every 5 minutes). */
  readonly refreshOnCalendar?: string;
}

export interface PostgresSpec {
  /** Major version of Debian's packages. Default `15` (the one Debian 12 ships). */
  readonly version?: number;
  /** Cluster name. Default `main` (the one the package creates, port 5432). */
  readonly cluster?: string;
  /**
   * `listen_addresses`; `localhost` is always included so local services and the step's own
   * checks work. Default `["localhost"]`.
   */
  readonly listenAddresses?: readonly string[];
  /** Networks allowed to connect over TCP besides loopback. Default `[]`. */
  readonly clients?: readonly PostgresClient[];
  /** `max_connections`. Default `100`. */
  readonly maxConnections?: number;
  /** `shared_buffers` in MB; the model derives it with {@link sharedBuffersMbFor}. Required. */
  readonly sharedBuffersMb: number;
  /** Further `postgresql.conf` settings, rendered verbatim as `key = value`. Default `{}`. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Default `[]`. */
  readonly roles?: readonly PostgresRole[];
  /** Default `[]`. */
  readonly databases?: readonly PostgresDatabase[];
  /** Default: no event store. */
  readonly eventStore?: EventStoreSpec;
}

/** The 25% rule for `shared_buffers`: a quarter of the host's memory, rounded down to whole MB. */
export function sharedBuffersMbFor(memoryMb: number): number {
  if (!Number.isFinite(memoryMb) || memoryMb < 64) throw new Error(`memoryMb must be >= 64, got ${memoryMb}`);
  return Math.floor(memoryMb / 4);
}

/** Spec with every default applied; what the sub-renderers consume. */
export interface ResolvedPostgres {
  readonly version: number;
  readonly cluster: string;
  readonly listenAddresses: readonly string[];
  readonly clients: readonly PostgresClient[];
  readonly maxConnections: number;
  readonly sharedBuffersMb: number;
  readonly settings: Readonly<Record<string, string>>;
  readonly roles: readonly PostgresRole[];
  readonly databases: readonly PostgresDatabase[];
  readonly eventStore: EventStoreSpec | undefined;
  readonly paths: PgPaths;
}

export function resolvePostgres(spec: PostgresSpec): ResolvedPostgres {
  const version = spec.version ?? 15;
  const cluster = spec.cluster ?? "main";
  const roles = spec.roles ?? [];
  const databases = spec.databases ?? [];
  const listen = spec.listenAddresses ?? ["localhost"];
  const r: ResolvedPostgres = {
    version,
    cluster,
    listenAddresses: listen.includes("*") || listen.includes("localhost") ? listen : ["localhost", ...listen],
    clients: spec.clients ?? [],
    maxConnections: spec.maxConnections ?? 100,
    sharedBuffersMb: spec.sharedBuffersMb,
    settings: spec.settings ?? {},
    roles,
    databases,
    eventStore: spec.eventStore,
    paths: pgPaths(version, cluster),
  };
  validate(r);
  return r;
}

function validate(r: ResolvedPostgres): void {
  if (!Number.isInteger(r.version) || r.version < 13) throw new Error(`postgres version must be an integer >= 13`);
  assertIdentifier(r.cluster, "postgres cluster");
  if (!Number.isInteger(r.sharedBuffersMb) || r.sharedBuffersMb < 16) throw new Error("sharedBuffersMb must be an integer >= 16");
  if (!Number.isInteger(r.maxConnections) || r.maxConnections < 5) throw new Error("maxConnections must be an integer >= 5");
  const roleNames = new Set(r.roles.map((x) => x.name));
  for (const role of r.roles) {
    assertIdentifier(role.name, "postgres role");
    if (role.passwordSecret !== undefined) assertEnvName(role.passwordSecret, `role ${role.name} passwordSecret`);
    for (const m of role.memberOf ?? []) if (!roleNames.has(m)) throw new Error(`role ${role.name}: memberOf ${m} is not declared`);
  }
  if (roleNames.size !== r.roles.length) throw new Error("postgres roles: duplicate role name");
  const dbNames = new Set<string>();
  for (const db of r.databases) {
    assertIdentifier(db.name, "postgres database");
    if (dbNames.has(db.name)) throw new Error(`postgres databases: duplicate ${db.name}`);
    dbNames.add(db.name);
    for (const role of [db.owner, ...(db.readWriteRoles ?? []), ...(db.readOnlyRoles ?? [])]) {
      if (!roleNames.has(role)) throw new Error(`database ${db.name}: role ${role} is not declared`);
    }
    for (const ext of db.extensions ?? []) assertIdentifier(ext.name, `database ${db.name} extension`);
  }
  for (const c of r.clients) {
    if (!/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(c.cidr)) throw new Error(`postgres client cidr "${c.cidr}" is not a CIDR`);
    for (const d of c.databases ?? []) if (!dbNames.has(d)) throw new Error(`client ${c.cidr}: database ${d} is not declared`);
    for (const x of c.roles ?? []) if (!roleNames.has(x)) throw new Error(`client ${c.cidr}: role ${x} is not declared`);
  }
  for (const [k] of Object.entries(r.settings)) assertIdentifier(k, "postgres setting", /^[a-z_][a-z0-9_.]*$/);
  const es = r.eventStore;
  if (es) {
    if (!dbNames.has(es.database)) throw new Error(`eventStore.database ${es.database} is not declared`);
    for (const x of [...(es.writerRoles ?? []), ...(es.readerRoles ?? [])]) {
      if (!roleNames.has(x)) throw new Error(`eventStore: role ${x} is not declared`);
    }
  }
}

/** Renders the PostgreSQL provisioning step. */
export function renderPostgres(spec: PostgresSpec): ProvisionBundle {
  const r = resolvePostgres(spec);
  const files: RenderedFile[] = [
    { path: r.paths.confDropIn, content: renderConfDropIn(r), mode: "0644" },
    { path: r.paths.hba, content: renderHba(r), mode: "0644" },
    { path: r.paths.rolesSql, content: renderRolesSql(r), mode: "0644" },
    { path: r.paths.accessSql, content: renderAccessSql(r), mode: "0644" },
  ];
  if (r.eventStore) {
    for (const m of renderEventStoreMigrations(r.eventStore.database, r.paths)) files.push(m.file);
    files.push(...renderRefreshUnits(r));
  }
  return {
    name: `postgresql-${r.version}-${r.cluster}`,
    files,
    script: renderPostgresScript(r),
    secretEnv: [...new Set(r.roles.flatMap((x) => (x.passwordSecret ? [x.passwordSecret] : [])))].sort(),
  };
}
