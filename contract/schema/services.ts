import { z } from "./zod";
import { absolutePath, dnsLabel, envVarName, memoryMb, port } from "./primitives";
import { hardeningFields } from "./hardening";

/**
 * Environment values are templates: a literal, or text with `${...}` references that the
 * model resolves per target — `${service.db.host}`, `${service.backend.url}`, `${self.url}`,
 * `${self.port}`, `${shared.path}`, `${stack.environment}`, `${secret.NAME}`.
 */
export const envTemplate = z.string();

export const healthcheck = z.strictObject({
  /** Docker HEALTHCHECK test, e.g. ["CMD", "curl", "-fsS", "http://localhost:8000/health"]. */
  test: z.array(z.string()).min(2),
  /** Timings are at most a day: beyond that they are typos (and overflow Docker's nanoseconds). */
  intervalSeconds: z.number().int().min(1).max(86400).default(30),
  timeoutSeconds: z.number().int().min(1).max(86400).default(5),
  retries: z.number().int().min(1).max(1000).default(3),
  startPeriodSeconds: z.number().int().min(0).max(86400).default(20),
});

export const limits = z.strictObject({
  /** Hard memory limit of the container in MiB. */
  memoryMb,
  /** CPU quota in cores, e.g. 1.5. */
  cpus: z.number().positive(),
});

export const publishedPort = z.strictObject({
  /** Port the process listens on inside the container. */
  container: port,
  /** Host port; absent means reachable only on the host's Docker network. */
  host: port.optional(),
});

export const volume = z.strictObject({
  /** Named volume, created as `<service>-<name>`. */
  name: dnsLabel,
  /** Mount path inside the container. */
  path: absolutePath,
});

/**
 * A name a container is also reached by on its Docker networks (a network alias): lowercase
 * letters, digits, '-' and '_' (aliases may hold '_', hostnames may not), e.g. `prod_db`.
 */
export const networkAlias = z.string().regex(/^[a-z]([a-z0-9_-]{0,61}[a-z0-9])?$/, {
  error: "must be a network alias: a-z, 0-9, '-' and '_', starting with a letter, at most 63 characters",
});

/** Overrides applied when `parity:profile` is `dev` (bind-mounted source, reload). */
export const devOverrides = z.strictObject({
  command: z.array(z.string()).optional(),
  /**
   * Bind the source tree into the container so edits reload without a rebuild. A relative
   * `hostPath` is relative to the project root (the directory of Pulumi.yaml); only on a local
   * engine (unix://): on ssh:// or tcp:// it would name a path on the remote host.
   */
  sourceMount: z.strictObject({ hostPath: z.string().min(1), containerPath: absolutePath }).optional(),
  env: z.record(envVarName, z.string()).default({}),
  /** Network aliases in the dev profile, instead of the service's `aliases` (e.g. `dev_db` for `prod_db`). */
  aliases: z.array(networkAlias).optional(),
  /**
   * Extra published ports for local debugging (e.g. a database on 5432), only in the dev
   * profile; checked for host-port clashes like every other port. Default none.
   */
  ports: z.array(z.strictObject({ container: port, host: port })).default([]),
});

/** What a container exposes to Prometheus. */
export const metricsEndpoint = z.strictObject({
  /** Container port serving metrics; default the service's first port. Worker pools: omit (each replica's own port). */
  port: port.optional(),
  /** HTTP path of the metrics. */
  path: z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, { error: "must be an absolute URL path such as /metrics" }).default("/metrics"),
});

/** Fields every container (singleton or worker) has. */
const containerFields = {
  /** Key of `parity:images`. */
  image: dnsLabel,
  /** Command (argv), with `${self.port}`-style references; default the image's own. */
  command: z.array(z.string()).optional(),
  /** The service's environment: each variable declared once, as a literal or a template. */
  env: z.record(envVarName, envTemplate).default({}),
  limits,
  healthcheck: healthcheck.optional(),
  /** Docker restart policy. */
  restart: z.enum(["always", "unless-stopped", "on-failure"]).default("unless-stopped"),
  /** `uid:gid` inside the container; root is refused unless `allowRoot` says why it is needed. */
  user: z.string().regex(/^\d+(:\d+)?$/, { error: "must be a numeric uid or uid:gid such as 1000:1000" }).optional(),
  allowRoot: z.string().min(10, { error: "must explain why the container needs root (at least 10 characters)" }).optional(),
  /**
   * Mount the root filesystem read-only (a tmpfs /tmp is added, and `tmpfs` paths). Default
   * `true`; `false` needs `writableRootReason`.
   */
  readOnlyRootFs: z.boolean().default(true),
  /** Bind the shared storage at its container path. */
  sharedStorage: z.boolean().default(false),
  /** Needs outbound connections beyond declared flows (e.g. ollama pulling models). */
  egress: z.boolean().default(false),
  /** Variables the application refuses to start without; each must be declared in `env`. */
  requiredEnv: z.array(envVarName).default([]),
  /** Prometheus scrapes it (a job per service, one per worker replica); needs a flow from the Prometheus service. */
  metrics: metricsEndpoint.optional(),
  dev: devOverrides.optional(),
  rollout: z.strictObject({
    /**
     * Replace delete-first even when the container could be rolled out without downtime
     * (a process that must never run twice at once). Default false; always true in the dev profile.
     */
    recreate: z.boolean().default(false),
    /**
     * An HTTP service's health path (e.g. `/health`). Given on a stateless service with a
     * published port and a health check, the host's proxy takes over the port and the service
     * rolls out with no lost request; the proxy routes only to containers answering it with
     * 2xx/3xx. Absent: the port is published by the container itself, replaced delete-first.
     */
    healthPath: z.string().regex(/^\/[\x21-\x7e]*$/, { error: "must be an absolute URL path such as /health" }).optional(),
    /**
     * Seconds a stopping container gets after SIGTERM to finish or checkpoint its work before
     * Docker kills it. Default 30 for services, 300 for worker pools.
     */
    stopTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
  }).prefault({}),
  ...hardeningFields,
};

export const service = z.strictObject({
  /** Container name and its DNS name on shared networks. */
  name: dnsLabel,
  /** Guest (target proxmox) that runs it; `local` on single-host targets. */
  host: dnsLabel,
  /** DNS label under `parity:domain` for this service; cross-host references use it. */
  dnsName: dnsLabel.optional(),
  /**
   * Further names it is reached by on its Docker networks, for applications that expect them
   * (e.g. `prod_db`); the first is what `${service.X.host}` gives containers on the same
   * host. Default none: reached by `name`. Docker targets only (proxmox, docker).
   */
  aliases: z.array(networkAlias).default([]),
  /** Ports it listens on; the first is what `${service.X.port}` and `.url` refer to. */
  ports: z.array(publishedPort).default([]),
  /** Named volumes (protected when `stateful`). */
  volumes: z.array(volume).default([]),
  /**
   * Files placed in the container before it starts (e.g. an init script in
   * /docker-entrypoint-initdb.d). Literal text: secrets belong in env, which scripts read.
   */
  files: z.array(z.strictObject({ path: absolutePath, content: z.string(), executable: z.boolean().default(false) })).default([]),
  /** Holds data: its volumes are protected and never deleted by a plan. */
  stateful: z.boolean().default(false),
  ...containerFields,
});

/** A permitted connection: `from` may open connections to `to` on `port`. */
export const flow = z.strictObject({
  from: dnsLabel,
  to: dnsLabel,
  /** A container port of `to`; omit for a worker pool to mean each replica's own port. */
  port: port.optional(),
});

/** A pool of identical workers, one container per replica, each with its own port and URL. */
export const workerPool = z.strictObject({
  /** Pool name; replica n is the container `<name>-<n>`. */
  name: dnsLabel,
  /** Hosts the replicas are spread over, round-robin in this order (replica 1 on the first). */
  hosts: z.array(dnsLabel).min(1),
  /** How many replicas run: scale by editing this. */
  replicas: z.number().int(),
  /** Upper bound the contract checks ports and replicas against. */
  maxReplicas: z.number().int().min(1).max(100),
  /** Ports of replicas 1..n, in order; replicas beyond get overflowPortBase, +1, +2, … */
  ports: z.array(port).min(1),
  overflowPortBase: port,
  ...containerFields,
});
