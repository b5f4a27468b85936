import { HostServicesConfig } from "../contract/schema/hostServices";
import { StackConfig } from "../contract/schema/stack";
import { guestId } from "../contract/idmap";
import type { PgBackupSpec } from "../renderers/backup";
import type { NativeServicesSpec, SecretVariable, SourceSpec } from "../renderers/nativeServices";
import type { PostgresSpec } from "../renderers/postgres";
import type { RabbitSpec } from "../renderers/rabbitmq";
import type { RedisSpec } from "../renderers/redis";
import { pgSharedBuffersMb } from "../core/postgresDefaults";
import { literalText, resolveTemplate } from "./env";

/** The cluster Debian's package creates (port 5432); Parity runs only that one. */
const PG_CLUSTER = "main";
/** That cluster's port: the backup job connects to it over its socket. */
const PG_PORT = 5432;

/** systemd of a Debian 12 guest (the only guest OS Parity provisions): no progressive restart backoff. */
const GUEST_SYSTEMD_VERSION = 252;
/** Debian 12's Python, which the native services' venvs use. */
const GUEST_PYTHON = "python3.11";
/** Where uv is installed unless the stack says otherwise. */
const UV_PATH = "/usr/local/bin/uv";
/** The ASGI application uvicorn starts when a native service names neither `asgiApp` nor `command`. */
const ASGI_APP = "main:app";
/** RabbitMQ's AMQP port (the listeners the model renders bind it). */
const RABBIT_AMQP_PORT = 5672;

/**
 * Redis defaults the schema leaves open: loopback only (a leading `-` lets Redis start without
 * IPv6), announce loopback (enough for clients in the same guest), and Redis 7's own RDB save
 * points (stock-analysis asks for RDB next to AOF, docs/SYSTEMS.md).
 */
const REDIS_BIND = ["127.0.0.1", "-::1"];
const REDIS_ANNOUNCE_IP = "127.0.0.1";
const REDIS_SAVE: ReadonlyArray<readonly [number, number]> = [[3600, 1], [300, 100], [60, 10000]];

/** The renderer specs for one guest, and which parity secret feeds each secret env name. */
export interface HostServicesModel {
  readonly host: string;
  readonly postgres?: PostgresSpec;
  readonly redis?: RedisSpec;
  readonly rabbitmq?: RabbitSpec;
  readonly native?: NativeServicesSpec;
  readonly backup?: PgBackupSpec;
  /** Step env name → `parity:secrets` name. */
  readonly secretEnv: Readonly<Record<string, string>>;
}

/** `dbPassword` → `PARITY_SECRET_DB_PASSWORD`: the name a secret has on a step's stdin. */
export function secretEnvName(secret: string): string {
  return `PARITY_SECRET_${secret.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}`;
}

export function buildHostServices(cfg: StackConfig, stack: string): HostServicesModel[] {
  return Object.entries(cfg.hostServices).map(([host, svc]) => buildOne(cfg, stack, host, svc));
}

function buildOne(cfg: StackConfig, stack: string, host: string, s: HostServicesConfig): HostServicesModel {
  const secretEnv: Record<string, string> = {};
  const env = (secret: string) => {
    const name = secretEnvName(secret);
    secretEnv[name] = secret;
    return name;
  };
  const memoryMb = cfg.hosts.find((h) => h.name === host)?.memoryMb ?? 0;
  const pg = s.postgres;
  // Every default the PostgreSQL renderer needs is resolved here or by the schema (see
  // PostgresSpec); the rules are the contract's (contract/checks/hostServiceRules.ts).
  const passwordRoles = pg ? pg.roles.filter((r) => r.passwordSecret !== undefined).map((r) => r.name) : [];
  const postgres: PostgresSpec | undefined = pg && {
    version: pg.version,
    cluster: PG_CLUSTER,
    // localhost always: local services and the step's own checks connect over it.
    listenAddresses: pg.listenAddresses.includes("*") || pg.listenAddresses.includes("localhost") ? pg.listenAddresses : ["localhost", ...pg.listenAddresses],
    clients: pg.clients.map((c) => ({ cidr: c.cidr, databases: c.databases ?? pg.databases.map((d) => d.name), roles: c.roles ?? passwordRoles })),
    maxConnections: pg.maxConnections,
    // stock-analysis's rule: shared_buffers is 25% of the guest's memory unless the stack says otherwise.
    sharedBuffersMb: pgSharedBuffersMb(pg, memoryMb),
    settings: pg.settings,
    roles: pg.roles.map((r) => ({
      name: r.name,
      passwordSecret: r.passwordSecret ? env(r.passwordSecret) : undefined,
      login: r.login ?? r.passwordSecret !== undefined,
      bypassRls: r.bypassRls,
      memberOf: r.memberOf,
      connectionLimit: -1,
    })),
    databases: pg.databases.map((d) => ({ ...d, extensions: d.extensions.map((e) => ({ name: e.name, package: e.package })) })),
    eventStore: pg.eventStore && {
      database: pg.eventStore.database,
      writerRoles: pg.eventStore.writerRoles ?? pg.databases.filter((d) => d.name === pg.eventStore!.database).map((d) => d.owner),
      readerRoles: pg.eventStore.readerRoles,
      refreshOnCalendar: pg.eventStore.refreshOnCalendar,
    },
  };
  // Every default the Redis renderer needs is resolved here or by the schema (see RedisSpec).
  const redis: RedisSpec | undefined = s.redis && {
    mode: s.redis.mode,
    ports: s.redis.ports,
    bind: s.redis.bind ?? REDIS_BIND,
    announceIp: s.redis.announceIp ?? REDIS_ANNOUNCE_IP,
    maxmemoryMb: s.redis.maxmemoryMb,
    maxmemoryPolicy: s.redis.maxmemoryPolicy,
    save: REDIS_SAVE,
    appendonly: s.redis.appendonly,
    passwordSecret: env(s.redis.passwordSecret),
    clusterReplicas: s.redis.clusterReplicas,
    clusterNodeTimeoutMs: s.redis.clusterNodeTimeoutMs,
    systemdVersion: GUEST_SYSTEMD_VERSION,
  };
  // Every default the RabbitMQ renderer needs is resolved here or by the schema (see RabbitSpec).
  const rabbitmq: RabbitSpec | undefined = s.rabbitmq && {
    vhost: s.rabbitmq.vhost,
    eventsExchange: s.rabbitmq.eventsExchange,
    deadLetterExchange: s.rabbitmq.deadLetterExchange,
    deadLetterQueue: s.rabbitmq.deadLetterQueue,
    queues: s.rabbitmq.queues,
    // The app user may use the HTTP API for its own vhost only; the operator for all of them.
    appUser: { name: s.rabbitmq.appUser.name, passwordSecret: env(s.rabbitmq.appUser.passwordSecret), tags: ["management"] },
    adminUser: s.rabbitmq.adminUser && { name: s.rabbitmq.adminUser.name, passwordSecret: env(s.rabbitmq.adminUser.passwordSecret), tags: ["administrator"] },
    // The UI and HTTP API on managementPort.
    plugins: ["rabbitmq_management"],
    // Listeners bind only as wide as the guest's firewall admits them (model/guestFirewall.ts).
    amqpListeners: [`${s.rabbitmq.amqpListen === "admin" ? "0.0.0.0" : "127.0.0.1"}:5672`],
    managementPort: s.rabbitmq.managementPort,
    managementIp: s.rabbitmq.managementListen === "admin" ? "0.0.0.0" : "127.0.0.1",
    source: s.rabbitmq.source,
  };
  const pgUnit = `postgresql@${postgres?.version ?? 15}-${PG_CLUSTER}.service`;
  // Every default the native-services renderer needs is resolved here or by the schema (see
  // NativeServicesSpec); the rules are the contract's.
  const onlySource = s.native ? Object.keys(s.native.sources)[0] ?? "" : "";
  const native: NativeServicesSpec | undefined = s.native && {
    project: s.native.project,
    sources: Object.entries(s.native.sources).map(([name, src]) => nativeSource(name, src, env)),
    keepReleases: s.native.keepReleases,
    wheelhouse: s.native.wheelhouse,
    extraPackages: s.native.extraPackages,
    uv: { path: s.native.uv?.path ?? UV_PATH, sourcePath: s.native.uv?.sourcePath, url: s.native.uv?.url, sha256: s.native.uv?.sha256 },
    dependencyUnits: {
      postgresql: [pgUnit],
      redis: (s.redis?.ports ?? [6379]).map((p) => `parity-redis@${p}.service`),
      rabbitmq: ["rabbitmq-server.service"],
    },
    python: GUEST_PYTHON,
    denyWriteExecute: true,
    systemdVersion: GUEST_SYSTEMD_VERSION,
    services: s.native.services.map((n) => {
      const plain: Record<string, string> = {};
      const secret: SecretVariable[] = [];
      for (const [k, v] of Object.entries(n.env)) {
        const value = resolveTemplate(v, { stack: { environment: cfg.environment, domain: cfg.domain, logLevel: cfg.logLevel, name: stack }, self: { name: n.name, host, port: n.port }, reach: () => ({ host: "127.0.0.1" }) });
        if (!value.secret) plain[k] = literalText(value);
        else {
          const ref = value.parts.find((p) => typeof p !== "string") as { secret: string };
          // URLs carry the secret percent-encoded; anything else verbatim.
          const placeholder = value.parts.some((p) => typeof p === "string" && p.includes("://")) ? "{secret:url}" : "{secret}";
          secret.push({ variable: k, secret: env(ref.secret), template: value.parts.map((p) => (typeof p === "string" ? p : placeholder)).join("") });
        }
      }
      return {
        name: n.name, description: n.description, port: n.port, path: n.path,
        // With several sources the contract requires `source` (checks/nativeDelivery.ts).
        source: n.source ?? onlySource,
        requirements: n.requirements,
        asgiApp: n.asgiApp ?? ASGI_APP,
        command: n.command,
        preStart: n.preStart,
        health: { timeoutSeconds: n.health.timeoutSeconds, ...(n.health.http !== undefined ? { http: n.health.http, command: undefined } : { http: undefined, command: n.health.command ?? [] }) },
        uses: n.uses, env: plain, secretEnv: secret,
        bindHost: n.listen === "loopback" ? "127.0.0.1" : s.native!.bindHost,
      };
    }),
    health: s.native.health && {
      port: s.native.health.port,
      // `admin`: the monitor polls it from outside the guest.
      bind: s.native.health.listen === "loopback" ? "127.0.0.1" : "0.0.0.0",
      postgres: s.native.health.postgres && pg
        ? { host: "127.0.0.1", port: PG_PORT, database: s.native.health.postgres.database, user: s.native.health.postgres.user, passwordSecret: env(pg.roles.find((r) => r.name === s.native!.health!.postgres!.user)!.passwordSecret!) }
        : undefined,
      redis: s.redis ? { host: "127.0.0.1", ports: s.redis.ports, cluster: s.redis.mode === "cluster", passwordSecret: env(s.redis.passwordSecret) } : undefined,
      rabbitmq: s.rabbitmq ? { host: "127.0.0.1", port: RABBIT_AMQP_PORT, vhost: s.rabbitmq.vhost, user: s.rabbitmq.appUser.name, passwordSecret: env(s.rabbitmq.appUser.passwordSecret) } : undefined,
    },
  };
  // The contract puts backups on the shared storage: the job needs the share's common group.
  const sharedGroup = cfg.sharedStorage?.hosts?.includes(host) ? guestId(cfg.sharedStorage.ownerGid) : undefined;
  // Every default the backup renderer needs is resolved here or by the schema (see PgBackupSpec).
  const backup: PgBackupSpec | undefined = s.backup && {
    databases: s.backup.databases,
    directory: s.backup.directory,
    onCalendar: s.backup.onCalendar,
    keepDays: s.backup.keepDays,
    keepCount: s.backup.keepCount,
    port: PG_PORT,
    sharedGroup,
  };
  return { host, ...(postgres ? { postgres } : {}), ...(redis ? { redis } : {}), ...(rabbitmq ? { rabbitmq } : {}), ...(native ? { native } : {}), ...(backup ? { backup } : {}), secretEnv };
}

type NativeSourceConfig = NonNullable<HostServicesConfig["native"]>["sources"][string];

/** A contract source (checked: exactly one form) as the renderer's spec; credentials by secret env name. */
function nativeSource(name: string, src: NativeSourceConfig, env: (secret: string) => string): SourceSpec {
  const c = src.credentials;
  const credentials: SourceSpec["credentials"] = c?.token !== undefined
    ? { kind: "token", secret: env(c.token), username: c.username }
    : c?.sshKey !== undefined ? { kind: "sshKey", secret: env(c.sshKey), knownHosts: c.knownHosts } : undefined;
  const pin: Pick<SourceSpec, "git" | "archive"> = src.git !== undefined
    ? { git: { url: src.git, commit: src.commit ?? "", tag: src.tag } }
    : { archive: { url: src.archive ?? "", sha256: src.sha256 ?? "", stripComponents: src.stripComponents ?? 0 } };
  return { name, ...pin, credentials };
}
