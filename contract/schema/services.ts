import { z } from "zod";
import { absolutePath, dnsLabel, envVarName, memoryMb, port } from "./primitives";

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
  memoryMb,
  /** CPU quota in cores, e.g. 1.5. */
  cpus: z.number().positive(),
});

export const publishedPort = z.strictObject({
  container: port,
  /** Host port; absent means reachable only on the host's Docker network. */
  host: port.optional(),
});

export const volume = z.strictObject({
  name: dnsLabel,
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
  command: z.array(z.string()).optional(),
  env: z.record(envVarName, envTemplate).default({}),
  limits,
  healthcheck: healthcheck.optional(),
  restart: z.enum(["always", "unless-stopped", "on-failure"]).default("unless-stopped"),
  /** `uid:gid` inside the container; root is refused unless `allowRoot` says why it is needed. */
  user: z.string().regex(/^\d+(:\d+)?$/, { message: "must be a numeric uid or uid:gid such as 1000:1000" }).optional(),
  allowRoot: z.string().min(10, { message: "must explain why the container needs root (at least 10 characters)" }).optional(),
  readOnlyRootFs: z.boolean().default(false),
  /** Bind the shared storage at its container path. */
  sharedStorage: z.boolean().default(false),
  /** Needs outbound connections beyond declared flows (e.g. ollama pulling models). */
  egress: z.boolean().default(false),
  /** Variables the application refuses to start without; each must be declared in `env`. */
  requiredEnv: z.array(envVarName).default([]),
  dev: devOverrides.optional(),
};

export const service = z.strictObject({
  name: dnsLabel,
  host: dnsLabel,
  /** DNS label under `parity:domain` for this service; cross-host references use it. */
  dnsName: dnsLabel.optional(),
  ports: z.array(publishedPort).default([]),
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
  name: dnsLabel,
  /** Hosts the replicas are spread over, round-robin in this order (replica 1 on the first). */
  hosts: z.array(dnsLabel).min(1),
  replicas: z.number().int(),
  maxReplicas: z.number().int().min(1).max(100),
  /** Ports of replicas 1..n, in order; replicas beyond get overflowPortBase, +1, +2, … */
  ports: z.array(port).min(1),
  overflowPortBase: port,
  ...containerFields,
});
