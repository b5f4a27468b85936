import { GUEST_DATA_SERVICES } from "../../core/guestDataServices";
import { z } from "./zod";
import { absolutePath, envVarName, ipv4Cidr, port, secretName } from "./primitives";

/**
 * Data and application services installed inside a guest from Debian packages (no Docker),
 * keyed by host name under `parity:hostServices`. Passwords are parity secret names.
 */
const pgIdentifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "must be a lowercase PostgreSQL identifier" });

export const postgresService = z.strictObject({
  /** Major version of Debian's packages: 15, the only one Debian 12 ships (guests are Debian 12). */
  version: z.number().refine((v) => v === 15, { error: "15: Debian 12 packages PostgreSQL 15 only" }).default(15),
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
      version: z.string().regex(/^[0-9][0-9A-Za-z.+~:*-]*$/, { error: "must be an apt version or glob such as 3.13.*" }).optional(),
      erlangVersion: z.string().regex(/^[0-9][0-9A-Za-z.+~:*-]*$/, { error: "must be an apt version or glob such as 1:26.*" }).optional(),
    }),
  ]).default({ kind: "debian" }),
});

const sha40 = z.string().regex(/^[0-9a-f]{40}$/, {
  error: "must be a full 40-hex commit SHA (a branch, a short SHA or a tag alone can move; name the tag under `tag` to have it checked against this commit)",
});

/** Refuses a key that would make a source float, naming what to write instead. */
const floating = (key: string) =>
  z.unknown().refine((v) => v === undefined, { error: `'${key}' is refused: a branch or other moving ref deploys whatever it points to at the time; pin 'commit' (40 hex) and optionally 'tag'` }).optional();

/**
 * Git URLs Parity fetches from: https/http, ssh (`ssh://` or `user@host:path`), `git://` or
 * `file://`. The commit pin is what makes plain-text transports acceptable: git checks every
 * object against it. Credentials never go in the URL (they would land in logs and state).
 */
const gitUrl = z.string().refine(
  (u) => /^(https?|ssh|git|file):\/\/[^\s]+$/.test(u) || /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/.test(u),
  { error: "must be a git URL: https://, http://, ssh://, git://, file:// or user@host:path" },
).refine((u) => !/^[a-z]+:\/\/[^/@]*:[^/@]*@/.test(u), { error: "must not carry credentials (user:password@); use credentials.token with a stack secret" });

/**
 * How a private source authenticates: exactly one of `token` (https: sent as an HTTP header from
 * the environment, never on a command line) or `sshKey` (an SSH deploy key's private key text).
 * Both name `parity:secrets`, which reach the guest on the step's stdin.
 */
const sourceCredentials = z.strictObject({
  token: secretName.optional(),
  /** User name sent with the token (GitHub: `x-access-token`; GitLab: `oauth2`). */
  username: z.string().regex(/^[A-Za-z0-9._-]+$/).default("x-access-token"),
  sshKey: secretName.optional(),
  /** `known_hosts` lines of the git server (public). Without them the first key seen is kept (trust on first use). */
  knownHosts: z.array(z.string().min(1)).optional(),
});

/**
 * A pinned application source: exactly one of `git` (+ `commit`, optional `tag`) or `archive`
 * (+ `sha256`). contract/checks/hostServices.ts enforces which keys go together.
 */
export const nativeSource = z.strictObject({
  git: gitUrl.optional(),
  commit: sha40.optional(),
  /** A tag to fetch; the deployment fails unless it still points at `commit`. */
  tag: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, { error: "must be a tag name" }).optional(),
  /** A release archive (.tar.gz, .tgz, .tar.xz, .tar or .zip) over https (or http on a trusted LAN: the sha256 is checked). */
  archive: z.url({ protocol: /^https?$/ }).optional(),
  sha256: z.string().regex(/^[a-f0-9]{64}$/, { error: "must be the archive's sha256 (64 lowercase hex digits)" }).optional(),
  /** Leading path components of the archive to drop, e.g. 1 for GitHub's `<repo>-<sha>/` top directory. Default 0. */
  stripComponents: z.number().int().min(0).max(5).optional(),
  credentials: sourceCredentials.optional(),
  branch: floating("branch"),
  ref: floating("ref"),
});

/** Per service, exactly one of `http` or `command`: what the readiness gate and the aggregate /health probe. */
const nativeHealth = z.strictObject({
  /** `GET http://127.0.0.1:<port><path>` must answer 2xx. */
  http: z.string().regex(/^\/[^\s]*$/, { error: "must be an absolute URL path such as /health" }).optional(),
  /** argv run in the service's release and venv (a bare first word is looked up in the venv); exit 0 means healthy. */
  command: z.array(z.string().min(1)).min(1).optional(),
  /** How long a (re)start may take to become healthy before systemd counts it as failed. Default 60. */
  timeoutSeconds: z.number().int().min(5).max(600).default(60),
});

/** Source names become directories beside these. */
const RESERVED_SOURCE_NAMES = ["bin", "lib", "venvs", "services", "cache", "releases", "current"];

const relativePath = z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\0]*$/, { error: "must be a path inside the release (relative, no '..')" });

export const nativeServices = z.strictObject({
  /** Prefix of units, users and directories. */
  project: z.string().regex(/^[a-z][a-z0-9-]*$/).default("stock-analysis"),
  bindHost: z.string().default("0.0.0.0"),
  extraPackages: z.array(z.string()).default([]),
  /** uv (Astral): a binary on the guest (`sourcePath`) or an https download (`url`), both checked against `sha256`. */
  uv: z.strictObject({ path: absolutePath.optional(), sourcePath: absolutePath.optional(), url: z.url({ protocol: /^https$/ }).optional(), sha256: z.string().regex(/^[a-f0-9]{64}$/).optional() }).optional(),
  /** The unified `/health` endpoint (for Zabbix): checks the data services this guest runs, and each service's own health. */
  health: z.strictObject({
    port: port.default(8010),
    postgres: z.strictObject({ database: pgIdentifier, user: pgIdentifier }).optional(),
    /** `admin` (default: the monitor, e.g. Zabbix, polls it from adminSources) or `loopback`. */
    listen: z.enum(["loopback", "admin"]).default("admin"),
  }).optional(),
  /** Pinned application sources by name; services name theirs with `source` (default: the only one). */
  sources: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/).refine((n) => !RESERVED_SOURCE_NAMES.includes(n), { error: `must not be one of ${RESERVED_SOURCE_NAMES.join(", ")}` }), nativeSource)
    .refine((r) => Object.keys(r).length > 0, { error: "needs at least one source" }),
  /** Releases kept per source (the current one included) for instant roll back. */
  keepReleases: z.number().int().min(2).max(20).default(3),
  /** Directory of wheels for offline installs (`--no-index --find-links`): relative to the release, or absolute on the guest. Default: the package index. */
  wheelhouse: z.string().min(1).optional(),
  services: z.array(z.strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    description: z.string().min(1),
    port,
    /** Name under `sources`; default the only source. */
    source: z.string().optional(),
    /** The service's directory in its release; default the release root. */
    path: relativePath.default("."),
    /** Requirements file (relative to `path`) for pip/uv pip when the service has no `uv.lock`. Default `requirements.txt` if present. */
    requirements: relativePath.optional(),
    asgiApp: z.string().regex(/^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/).optional(),
    /** argv run in the service's directory; a bare first word is looked up in the venv's bin. Default: uvicorn `asgiApp`. */
    command: z.array(z.string().min(1)).min(1).optional(),
    /** argv run once per new release, as the service would run (its env, its venv), before `current` switches; non-zero keeps the old release. */
    preStart: z.array(z.string().min(1)).min(1).optional(),
    health: nativeHealth,
    uses: z.array(z.enum(GUEST_DATA_SERVICES)).default([]),
    /**
     * `admin` (default): binds `bindHost` and is admitted from `proxmox.network.adminSources`;
     * `loopback`: binds 127.0.0.1, for callers inside this guest only. A service with its own
     * `command` must bind the address the unit hands it as BIND_HOST (and listen on PORT).
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
