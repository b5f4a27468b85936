import { z } from "zod";
import { absolutePath, envVarName, ipv4Cidr, port, secretName } from "./primitives";

/**
 * Data and application services installed inside a guest from Debian packages (no Docker),
 * keyed by host name under `parity:hostServices`. Passwords are parity secret names.
 */
const pgIdentifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { message: "must be a lowercase PostgreSQL identifier" });

export const postgresService = z.strictObject({
  /** Major version of Debian's packages; Debian 12 ships 15. */
  version: z.number().int().min(12).max(17).default(15),
  listenAddresses: z.array(z.string()).default(["localhost"]),
  /** Networks allowed in pg_hba.conf (scram-sha-256), besides local connections. */
  clients: z.array(z.strictObject({ cidr: ipv4Cidr, databases: z.array(pgIdentifier).optional(), roles: z.array(pgIdentifier).optional() })).default([]),
  maxConnections: z.number().int().min(10).max(10000).default(100),
  /** Default: 25% of the guest's memory. */
  sharedBuffersMb: z.number().int().min(16).optional(),
  settings: z.record(z.string().regex(/^[a-z_.]+$/), z.string()).default({}),
  roles: z.array(z.strictObject({
    name: pgIdentifier,
    passwordSecret: secretName.optional(),
    login: z.boolean().optional(),
    bypassRls: z.boolean().default(false),
    memberOf: z.array(pgIdentifier).default([]),
  })).default([]),
  databases: z.array(z.strictObject({
    name: pgIdentifier,
    owner: pgIdentifier,
    readWriteRoles: z.array(pgIdentifier).default([]),
    readOnlyRoles: z.array(pgIdentifier).default([]),
    extensions: z.array(z.strictObject({ name: z.string().min(1), package: z.string().optional() })).default([]),
  })).default([]),
  eventStore: z.strictObject({
    database: pgIdentifier,
    writerRoles: z.array(pgIdentifier).optional(),
    readerRoles: z.array(pgIdentifier).default([]),
    refreshOnCalendar: z.string().default("*:0/5"),
  }).optional(),
});

export const redisService = z.strictObject({
  mode: z.enum(["standalone", "cluster"]).default("standalone"),
  ports: z.array(port).min(1).default([6379]),
  bind: z.array(z.string()).optional(),
  announceIp: z.string().optional(),
  maxmemoryMb: z.number().int().min(16).default(2048),
  maxmemoryPolicy: z.enum(["noeviction", "allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl"]).default("allkeys-lru"),
  appendonly: z.boolean().default(true),
  passwordSecret: secretName,
  /**
   * Replicas per master in mode `cluster`: 0 (masters only: losing a node loses its third of
   * the keyspace) or 1 and more (a replica is promoted when its master is unreachable for
   * `clusterNodeTimeoutMs`). `ports` lists every node, masters × (1 + clusterReplicas) of them;
   * every node reserves `maxmemoryMb`. Default 0.
   */
  clusterReplicas: z.number().int().min(0).max(5).default(0),
  /** `cluster-node-timeout`: how long a master may be unreachable before its replica takes over. Default 5000 ms. */
  clusterNodeTimeoutMs: z.number().int().min(1000).max(60000).default(5000),
});

const rabbitUser = z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9_-]*$/), passwordSecret: secretName });

export const rabbitService = z.strictObject({
  vhost: z.string().startsWith("/").default("/stock-analysis"),
  eventsExchange: z.string().min(1).default("stock-analysis-events"),
  deadLetterExchange: z.string().min(1).default("stock-analysis-dlx"),
  deadLetterQueue: z.string().min(1).default("stock-analysis-dlq"),
  queues: z.array(z.strictObject({ name: z.string().min(1), routingKeys: z.array(z.string()).default(["#"]) })).default([{ name: "stock-analysis-main", routingKeys: ["#"] }]),
  appUser: rabbitUser,
  adminUser: rabbitUser.optional(),
  managementPort: port.default(15672),
  /**
   * Who reaches AMQP (5672): `loopback` (default; the listener binds 127.0.0.1, for clients in
   * this guest) or `admin` (binds 0.0.0.0, admitted from `proxmox.network.adminSources`).
   */
  amqpListen: z.enum(["loopback", "admin"]).default("loopback"),
  /** Who reaches the management UI/API: `admin` (default; 0.0.0.0, from adminSources) or `loopback`. */
  managementListen: z.enum(["loopback", "admin"]).default("admin"),
  /**
   * Where rabbitmq-server comes from. Default `{ kind: debian }`: Debian 12's 3.10, no
   * third-party repository. `{ kind: rabbitmq }` installs >= 3.12 (with its Erlang) from Team
   * RabbitMQ's own apt repositories, whose signing key is pinned by fingerprint; `version`
   * (e.g. `3.13.*`) and `erlangVersion` (e.g. `1:26.*`) pin apt versions. A guest that already
   * runs Debian's 3.10 is not upgraded in place: the step stops and says why.
   */
  source: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("debian") }),
    z.strictObject({
      kind: z.literal("rabbitmq"),
      version: z.string().regex(/^[0-9][0-9A-Za-z.+~:*-]*$/, { message: "must be an apt version or glob such as 3.13.*" }).optional(),
      erlangVersion: z.string().regex(/^[0-9][0-9A-Za-z.+~:*-]*$/, { message: "must be an apt version or glob such as 1:26.*" }).optional(),
    }),
  ]).default({ kind: "debian" }),
});

export const nativeServices = z.strictObject({
  /** Prefix of units, users and directories. */
  project: z.string().regex(/^[a-z][a-z0-9-]*$/).default("stock-analysis"),
  bindHost: z.string().default("0.0.0.0"),
  extraPackages: z.array(z.string()).default([]),
  uv: z.strictObject({ path: absolutePath.optional(), sourcePath: absolutePath.optional(), url: z.url({ protocol: /^https$/ }).optional(), sha256: z.string().regex(/^[a-f0-9]{64}$/).optional() }).optional(),
  /** The unified `/health` endpoint (for Zabbix): checks the data services this guest runs. */
  health: z.strictObject({
    port: port.default(8010),
    postgres: z.strictObject({ database: pgIdentifier, user: pgIdentifier }).optional(),
    /** `admin` (default: the monitor, e.g. Zabbix, polls it from adminSources) or `loopback`. */
    listen: z.enum(["loopback", "admin"]).default("admin"),
  }).optional(),
  services: z.array(z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    description: z.string().min(1),
    port,
    asgiApp: z.string().regex(/^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/).optional(),
    uses: z.array(z.enum(["postgresql", "redis", "rabbitmq"])).default([]),
    /**
     * `admin` (default): binds `bindHost` and is admitted from `proxmox.network.adminSources`;
     * `loopback`: binds 127.0.0.1, for callers inside this guest only.
     */
    listen: z.enum(["loopback", "admin"]).default("admin"),
    /** Templates like Docker services' env: literals, `${stack.*}` and `${secret.NAME}` (one secret per value). */
    env: z.record(envVarName, z.string()).default({}),
  })).min(1),
});

export const backupService = z.strictObject({
  databases: z.array(pgIdentifier).min(1),
  directory: absolutePath.default("/mnt/shared/backups/postgresql"),
  onCalendar: z.string().default("*-*-* 02:30:00"),
  keepDays: z.number().int().min(0).default(14),
  keepCount: z.number().int().min(1).optional(),
});

export const hostServices = z.strictObject({
  postgres: postgresService.optional(),
  redis: redisService.optional(),
  rabbitmq: rabbitService.optional(),
  native: nativeServices.optional(),
  backup: backupService.optional(),
});

export type HostServicesConfig = z.infer<typeof hostServices>;
