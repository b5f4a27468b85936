/**
 * PostgreSQL inside a Debian 12 guest (Debian packages): cluster settings, client access,
 * roles, databases, the event store schema and its scheduled materialized-view refresh.
 *
 * Pure: `renderPostgres(spec)` returns the bundle that the PostgreSQL component copies to the
 * guest and runs; the real-server tests run the very same bundle.
 */
import type { ProvisionBundle, RenderedFile } from "./bundle";
import { renderConfDropIn, renderHba } from "./postgres/conf";
import { renderEventStoreMigrations, renderRefreshUnits } from "./postgres/eventStore";
import { renderAccessSql, renderRolesSql } from "./postgres/sql";
import { postgresPackages, renderPostgresScript } from "./postgres/script";
import { pgPaths, type PgPaths } from "./postgres/paths";

/*
 * Every field is required: the contract's schema and the model (model/hostServices.ts) resolve
 * each default and check each rule (contract/schema/hostServices.ts,
 * contract/checks/hostServiceRules.ts, contract/checks/hostServices.ts), so this renderer neither
 * defaults nor validates anything. Each field's doc names where its default is set.
 */

export interface PostgresRole {
  /** Role name (lowercase identifier). */
  readonly name: string;
  /**
   * Name of the secret environment variable holding this role's password (it becomes one of
   * the bundle's `secretEnv`); `undefined` for a role that never logs in with a password.
   */
  readonly passwordSecret: string | undefined;
  /** LOGIN or NOLOGIN. Model default: `true` when the role has a password, else `false`. */
  readonly login: boolean;
  /** Bypass row-level security (e.g. LifeBuddy's `cognitive_engine_full`). Schema default `false`. */
  readonly bypassRls: boolean;
  /** Roles this role is granted (inherits their privileges). Schema default `[]`. */
  readonly memberOf: readonly string[];
  /** `CONNECTION LIMIT`; model default `-1` (unlimited, bounded by `max_connections`). */
  readonly connectionLimit: number;
}

export interface PostgresExtension {
  /** Extension name for `CREATE EXTENSION IF NOT EXISTS`. */
  readonly name: string;
  /**
   * Debian package providing it, installed when missing (e.g. `postgresql-15-pgvector`, which
   * Debian 12 does not ship: the step then fails saying so); `undefined` for core/contrib.
   */
  readonly package: string | undefined;
}

export interface PostgresDatabase {
  readonly name: string;
  /** Owning role; declared in `roles`. */
  readonly owner: string;
  /** Roles given CONNECT and SELECT/INSERT/UPDATE/DELETE on schema `public`. Schema default `[]`. */
  readonly readWriteRoles: readonly string[];
  /** Roles given CONNECT and SELECT on schema `public`. Schema default `[]`. */
  readonly readOnlyRoles: readonly string[];
  /** Extensions created in this database. Schema default `[]`. */
  readonly extensions: readonly PostgresExtension[];
}

/** A client network allowed in `pg_hba.conf` (scram-sha-256 only). */
export interface PostgresClient {
  /** e.g. `10.231.0.0/24` or `192.168.1.20/32`. */
  readonly cidr: string;
  /** Databases it may reach. Model default: every database in the spec. No line when empty. */
  readonly databases: readonly string[];
  /** Roles it may log in as. Model default: every role with a password. No line when empty. */
  readonly roles: readonly string[];
}

/** The append-only event store (stock-analysis's) deployed into one database. */
export interface EventStoreSpec {
  /** Database holding schema `event_store`; declared in `databases`. */
  readonly database: string;
  /** Roles that append events and manage snapshots. Model default: the database owner. */
  readonly writerRoles: readonly string[];
  /** Roles that only read events, snapshots and summaries. Schema default `[]`. */
  readonly readerRoles: readonly string[];
  /** systemd `OnCalendar=` of the summaries refresh. Schema default `*:0/5` (every 5 minutes). */
  readonly refreshOnCalendar: string;
}

export interface PostgresSpec {
  /** Major version of Debian's packages. Schema default `15` (the one Debian 12 ships). */
  readonly version: number;
  /** Cluster name. Model: always `main` (the one the package creates, port 5432). */
  readonly cluster: string;
  /**
   * `listen_addresses`, as rendered. Schema default `["localhost"]`; the model adds `localhost`
   * unless present or `*` is, so local services and the step's own checks work.
   */
  readonly listenAddresses: readonly string[];
  /** Networks allowed to connect over TCP besides loopback. Schema default `[]`. */
  readonly clients: readonly PostgresClient[];
  /** `max_connections`. Schema default `100`. */
  readonly maxConnections: number;
  /** `shared_buffers` in MB. Model default: a quarter of the guest's memory (contract's `pgSharedBuffersMb`). */
  readonly sharedBuffersMb: number;
  /** Further `postgresql.conf` settings, rendered verbatim as `key = value`. Schema default `{}`. */
  readonly settings: Readonly<Record<string, string>>;
  /** Schema default `[]`. */
  readonly roles: readonly PostgresRole[];
  /** Schema default `[]`. */
  readonly databases: readonly PostgresDatabase[];
  /** `undefined`: no event store. */
  readonly eventStore: EventStoreSpec | undefined;
}

/** The spec plus the paths derived from version and cluster; what the sub-renderers consume. */
export interface ResolvedPostgres extends PostgresSpec {
  readonly paths: PgPaths;
}

export function resolvePostgres(spec: PostgresSpec): ResolvedPostgres {
  return { ...spec, paths: pgPaths(spec.version, spec.cluster) };
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
  const pg = postgresPackages(r);
  return {
    name: `postgresql-${r.version}-${r.cluster}`,
    files,
    script: renderPostgresScript(r),
    secretEnv: [...new Set(r.roles.flatMap((x) => (x.passwordSecret ? [x.passwordSecret] : [])))].sort(),
    packages: [...pg.packages, ...pg.extPackages],
    maskUnits: [],
  };
}
