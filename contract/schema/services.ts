import { z } from "zod";
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
  intervalSeconds: z.number().int().min(1).default(30),
  timeoutSeconds: z.number().int().min(1).default(5),
  retries: z.number().int().min(1).default(3),
  startPeriodSeconds: z.number().int().min(0).default(20),
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

/** Overrides applied when `parity:profile` is `dev` (seed 002: bind-mounted source, reload). */
export const devOverrides = z.strictObject({
  command: z.array(z.string()).optional(),
  /** Bind the source tree into the container so edits reload without a rebuild. */
  sourceMount: z.strictObject({ hostPath: z.string().min(1), containerPath: absolutePath }).optional(),
  env: z.record(envVarName, z.string()).default({}),
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
  user: z.string().regex(/^\d+(:\d+)?$/, { message: "must be a numeric uid or uid:gid such as 1000:1000" }).optional(),
  allowRoot: z.string().min(10, { message: "must explain why the container needs root (at least 10 characters)" }).optional(),
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
  dev: devOverrides.optional(),
  ...hardeningFields,
};

export const service = z.strictObject({
  /** Container name and its DNS name on shared networks. */
  name: dnsLabel,
  /** Guest (target proxmox) that runs it; `local` on single-host targets. */
  host: dnsLabel,
  /** DNS label under `parity:domain` for this service; cross-host references use it. */
  dnsName: dnsLabel.optional(),
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
