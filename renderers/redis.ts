/**
 * Redis inside a Debian 12 guest: standalone, or a cluster of N masters (stock-analysis: three
 * nodes on 6379–6381), one systemd instance per node of the template unit `parity-redis@.service`.
 *
 * Settings are split by how they change: `<port>.conf` holds what needs a restart (port, bind,
 * cluster mode, directories), `<port>.tunables.conf` what `CONFIG SET` applies live (memory
 * limit and policy, persistence). The password lives in a file the script writes from the secret,
 * so no rendered byte contains it.
 */
import type { ProvisionBundle, RenderedFile } from "./bundle";
import { assertEnvName } from "./common/shell";
import { renderRedisConf, renderRedisTunables, renderRedisUnit } from "./redis/conf";
import { renderRedisScript } from "./redis/script";
import { REDIS_UNIT_FILE, redisConfPath, redisTunablesPath } from "./redis/paths";

export * from "./redis/paths";

export interface RedisSpec {
  /** `cluster` runs every port as a master of one Redis Cluster. Default `standalone`. */
  readonly mode?: "standalone" | "cluster";
  /** One node per port. Default `[6379]`; a cluster needs at least 3 masters. */
  readonly ports?: readonly number[];
  /**
   * `bind` addresses. Default `["127.0.0.1", "-::1"]` (a leading `-` lets Redis start when that
   * address is missing). The first non-`*` address is also where the step's own checks connect.
   */
  readonly bind?: readonly string[];
  /**
   * Address a cluster node announces (in MOVED redirects and to its peers). Clients outside the
   * guest need the guest's address here. Default `127.0.0.1`, enough for clients in the same guest.
   */
  readonly announceIp?: string;
  /** `maxmemory` per node, in MB. Default `2048` (seed: 2 GB per node). */
  readonly maxmemoryMb?: number;
  /** `maxmemory-policy`. Default `allkeys-lru`. */
  readonly maxmemoryPolicy?: string;
  /** RDB `save` points as `[seconds, changes]`. Default Redis 7's `[[3600,1],[300,100],[60,10000]]`. */
  readonly save?: ReadonlyArray<readonly [number, number]>;
  /** AOF persistence. Default `true` (RDB + AOF, seed 000). */
  readonly appendonly?: boolean;
  /** Secret environment variable holding the password (`requirepass` and `masterauth`). Required. */
  readonly passwordSecret: string;
  /** Replicas per master in cluster mode. Default `0` (needs `ports.length >= 3 * (1 + replicas)`). */
  readonly clusterReplicas?: number;
  /** `cluster-node-timeout` in ms. Default `5000`. */
  readonly clusterNodeTimeoutMs?: number;
  /** systemd version of the guest, for restart backoff keys. Default `252` (Debian 12). */
  readonly systemdVersion?: number;
}

export interface ResolvedRedis {
  readonly mode: "standalone" | "cluster";
  readonly ports: readonly number[];
  readonly bind: readonly string[];
  readonly announceIp: string;
  readonly maxmemoryBytes: number;
  readonly maxmemoryPolicy: string;
  readonly save: ReadonlyArray<readonly [number, number]>;
  readonly appendonly: boolean;
  readonly passwordSecret: string;
  readonly clusterReplicas: number;
  readonly clusterNodeTimeoutMs: number;
  readonly systemdVersion: number;
  /** Where the step's checks and `redis-cli --cluster create` connect. */
  readonly cliHost: string;
}


const POLICIES = ["noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"];

export function resolveRedis(spec: RedisSpec): ResolvedRedis {
  const mode = spec.mode ?? "standalone";
  const ports = spec.ports ?? [6379];
  const bind = spec.bind ?? ["127.0.0.1", "-::1"];
  const replicas = spec.clusterReplicas ?? 0;
  const r: ResolvedRedis = {
    mode,
    ports,
    bind,
    announceIp: spec.announceIp ?? "127.0.0.1",
    maxmemoryBytes: (spec.maxmemoryMb ?? 2048) * 1024 * 1024,
    maxmemoryPolicy: spec.maxmemoryPolicy ?? "allkeys-lru",
    save: spec.save ?? [[3600, 1], [300, 100], [60, 10000]],
    appendonly: spec.appendonly ?? true,
    passwordSecret: spec.passwordSecret,
    clusterReplicas: replicas,
    clusterNodeTimeoutMs: spec.clusterNodeTimeoutMs ?? 5000,
    systemdVersion: spec.systemdVersion ?? 252,
    cliHost: bind.map((b) => b.replace(/^-/, "")).find((b) => b !== "*" && b !== "::*" && !b.includes(":")) ?? "127.0.0.1",
  };
  assertEnvName(r.passwordSecret, "redis passwordSecret");
  if (ports.length === 0 || new Set(ports).size !== ports.length) throw new Error("redis ports must be non-empty and distinct");
  for (const p of ports) if (!Number.isInteger(p) || p < 1024 || p > 55535) throw new Error(`redis port ${p} out of range (cluster bus uses port+10000)`);
  if (mode === "standalone" && ports.length !== 1) throw new Error("standalone redis takes exactly one port");
  if (mode === "cluster" && ports.length < 3 * (1 + replicas)) {
    throw new Error(`a redis cluster with ${replicas} replicas per master needs at least ${3 * (1 + replicas)} nodes`);
  }
  if (!POLICIES.includes(r.maxmemoryPolicy)) throw new Error(`maxmemoryPolicy must be one of ${POLICIES.join(", ")}`);
  if (!Number.isInteger(spec.maxmemoryMb ?? 2048) || (spec.maxmemoryMb ?? 2048) < 1) throw new Error("maxmemoryMb must be a positive integer");
  for (const b of bind) if (!/^-?[0-9a-fA-F.:*]+$/.test(b)) throw new Error(`redis bind address "${b}" is not an IP`);
  return r;
}

/** Renders the Redis provisioning step. */
export function renderRedis(spec: RedisSpec): ProvisionBundle {
  const r = resolveRedis(spec);
  const files: RenderedFile[] = [{ path: REDIS_UNIT_FILE, content: renderRedisUnit(r), mode: "0644" }];
  for (const port of r.ports) {
    files.push(
      { path: redisConfPath(port), content: renderRedisConf(r, port), mode: "0644" },
      { path: redisTunablesPath(port), content: renderRedisTunables(r), mode: "0644" },
    );
  }
  return { name: "redis", files, script: renderRedisScript(r), secretEnv: [r.passwordSecret] };
}
