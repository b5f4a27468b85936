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
import { renderRedisConf, renderRedisTunables, renderRedisUnit } from "./redis/conf";
import { DEBIAN_REDIS_UNIT, REDIS_PACKAGES, renderRedisScript } from "./redis/script";
import { REDIS_UNIT_FILE, redisConfPath, redisTunablesPath } from "./redis/paths";

export * from "./redis/paths";

/**
 * A fully resolved Redis spec: the schema (contract/schema/hostServices.ts) and the model
 * (model/hostServices.ts) apply every default, and the contract (contract/checks/hostServices.ts,
 * contract/checks/hostServiceRules.ts) holds every rule: ports distinct and in 1024-55535, one port
 * when standalone, masters x (1 + replicas) >= 3 masters for a cluster, bind addresses, the policy.
 */
export interface RedisSpec {
  /** `cluster` runs every port as a master of one Redis Cluster. */
  readonly mode: "standalone" | "cluster";
  /** One node per port. */
  readonly ports: readonly number[];
  /**
   * `bind` addresses (a leading `-` lets Redis start when that address is missing). The first
   * non-`*` IPv4 address is also where the step's own checks connect.
   */
  readonly bind: readonly string[];
  /** Address a cluster node announces (in MOVED redirects and to its peers). */
  readonly announceIp: string;
  /** `maxmemory` per node, in MB. */
  readonly maxmemoryMb: number;
  /** `maxmemory-policy`. */
  readonly maxmemoryPolicy: string;
  /** RDB `save` points as `[seconds, changes]`. */
  readonly save: ReadonlyArray<readonly [number, number]>;
  /** AOF persistence. */
  readonly appendonly: boolean;
  /** Environment variable holding the password (`requirepass` and `masterauth`). */
  readonly passwordSecret: string;
  /** Replicas per master in cluster mode. */
  readonly clusterReplicas: number;
  /** `cluster-node-timeout` in ms. */
  readonly clusterNodeTimeoutMs: number;
  /** systemd version of the guest, for restart backoff keys. */
  readonly systemdVersion: number;
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

/** Derives what the templates need (bytes, the checks' address); no defaults, no checks. */
export function resolveRedis(spec: RedisSpec): ResolvedRedis {
  return {
    mode: spec.mode,
    ports: spec.ports,
    bind: spec.bind,
    announceIp: spec.announceIp,
    maxmemoryBytes: spec.maxmemoryMb * 1024 * 1024,
    maxmemoryPolicy: spec.maxmemoryPolicy,
    save: spec.save,
    appendonly: spec.appendonly,
    passwordSecret: spec.passwordSecret,
    clusterReplicas: spec.clusterReplicas,
    clusterNodeTimeoutMs: spec.clusterNodeTimeoutMs,
    systemdVersion: spec.systemdVersion,
    // Only wildcards (or IPv6) bound: Redis still answers on loopback.
    cliHost: spec.bind.map((b) => b.replace(/^-/, "")).find((b) => b !== "*" && b !== "::*" && !b.includes(":")) ?? "127.0.0.1",
  };
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
  return { name: "redis", files, script: renderRedisScript(r), secretEnv: [r.passwordSecret], packages: REDIS_PACKAGES, maskUnits: [DEBIAN_REDIS_UNIT] };
}
