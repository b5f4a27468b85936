import { HostServicesConfig } from "../contract/schema/hostServices";
import { StackConfig } from "../contract/schema/stack";
import type { PgBackupSpec } from "../renderers/backup";
import type { NativeServicesSpec, SecretVariable } from "../renderers/nativeServices";
import type { PostgresSpec } from "../renderers/postgres";
import type { RabbitSpec } from "../renderers/rabbitmq";
import type { RedisSpec } from "../renderers/redis";
import { resolveTemplate } from "./env";

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
  const postgres: PostgresSpec | undefined = pg && {
    version: pg.version,
    listenAddresses: pg.listenAddresses,
    clients: pg.clients,
    maxConnections: pg.maxConnections,
    // Seed 000: shared_buffers is 25% of the guest's memory unless the stack says otherwise.
    sharedBuffersMb: pg.sharedBuffersMb ?? Math.floor(memoryMb / 4),
    settings: pg.settings,
    roles: pg.roles.map((r) => ({ name: r.name, ...(r.passwordSecret ? { passwordSecret: env(r.passwordSecret) } : {}), ...(r.login !== undefined ? { login: r.login } : {}), bypassRls: r.bypassRls, memberOf: r.memberOf })),
    databases: pg.databases,
    ...(pg.eventStore ? { eventStore: pg.eventStore } : {}),
  };
  const redis: RedisSpec | undefined = s.redis && { ...s.redis, passwordSecret: env(s.redis.passwordSecret) };
  const rabbitmq: RabbitSpec | undefined = s.rabbitmq && {
    ...s.rabbitmq,
    // Listeners bind only as wide as the guest's firewall admits them (model/guestFirewall.ts).
    amqpListeners: [`${s.rabbitmq.amqpListen === "admin" ? "0.0.0.0" : "127.0.0.1"}:5672`],
    managementIp: s.rabbitmq.managementListen === "admin" ? "0.0.0.0" : "127.0.0.1",
    appUser: { name: s.rabbitmq.appUser.name, passwordSecret: env(s.rabbitmq.appUser.passwordSecret) },
    ...(s.rabbitmq.adminUser ? { adminUser: { name: s.rabbitmq.adminUser.name, passwordSecret: env(s.rabbitmq.adminUser.passwordSecret) } } : {}),
  };
  const pgUnit = `postgresql@${pg?.version ?? 15}-main.service`;
  const native: NativeServicesSpec | undefined = s.native && {
    project: s.native.project,
    bindHost: s.native.bindHost,
    extraPackages: s.native.extraPackages,
    ...(s.native.uv ? { uv: s.native.uv } : {}),
    dependencyUnits: {
      postgresql: [pgUnit],
      redis: (s.redis?.ports ?? [6379]).map((p) => `parity-redis@${p}.service`),
      rabbitmq: ["rabbitmq-server.service"],
    },
    services: s.native.services.map((n) => {
      const plain: Record<string, string> = {};
      const secret: SecretVariable[] = [];
      for (const [k, v] of Object.entries(n.env)) {
        const value = resolveTemplate(v, { stack: { environment: cfg.environment, domain: cfg.domain, logLevel: cfg.logLevel, name: stack }, self: { name: n.name, host, port: n.port }, reach: () => ({ host: "127.0.0.1" }) });
        if (!value.secret) plain[k] = value.parts.join("");
        else {
          const ref = value.parts.find((p) => typeof p !== "string") as { secret: string };
          // URLs carry the secret percent-encoded; anything else verbatim.
          const placeholder = value.parts.some((p) => typeof p === "string" && p.includes("://")) ? "{secret:url}" : "{secret}";
          secret.push({ variable: k, secret: env(ref.secret), template: value.parts.map((p) => (typeof p === "string" ? p : placeholder)).join("") });
        }
      }
      return { name: n.name, description: n.description, port: n.port, ...(n.asgiApp ? { asgiApp: n.asgiApp } : {}), uses: n.uses, env: plain, secretEnv: secret,
        ...(n.listen === "loopback" ? { bindHost: "127.0.0.1" } : {}) };
    }),
    ...(s.native.health
      ? {
          health: {
            port: s.native.health.port,
            ...(s.native.health.listen === "loopback" ? { bind: "127.0.0.1" } : {}),
            ...(s.native.health.postgres && pg
              ? { postgres: { database: s.native.health.postgres.database, user: s.native.health.postgres.user, passwordSecret: env(pg.roles.find((r) => r.name === s.native!.health!.postgres!.user)!.passwordSecret!) } }
              : {}),
            ...(s.redis ? { redis: { ports: s.redis.ports, cluster: s.redis.mode === "cluster", passwordSecret: env(s.redis.passwordSecret) } } : {}),
            ...(s.rabbitmq ? { rabbitmq: { vhost: s.rabbitmq.vhost, user: s.rabbitmq.appUser.name, passwordSecret: env(s.rabbitmq.appUser.passwordSecret) } } : {}),
          },
        }
      : {}),
  };
  const backup: PgBackupSpec | undefined = s.backup && { ...s.backup, ...(s.backup.keepCount !== undefined ? { keepCount: s.backup.keepCount } : {}) };
  return { host, ...(postgres ? { postgres } : {}), ...(redis ? { redis } : {}), ...(rabbitmq ? { rabbitmq } : {}), ...(native ? { native } : {}), ...(backup ? { backup } : {}), secretEnv };
}
