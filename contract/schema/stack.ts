import { z } from "./zod";
import { dnsLabel, dnsName, secretName } from "./primitives";
import { lxcHost, proxmoxSettings, sharedStorage } from "./proxmox";
import { flow, service, workerPool } from "./services";
import { hostServices } from "./hostServices";
import { azureSettings } from "./azure";
import { containerLogs } from "./hardening";

/** How a secret's value is obtained. Values never live in a stack file. */
export const secretSource = z.union([
  /** Generated once by @pulumi/random and kept only in the encrypted state. */
  z.strictObject({ generate: z.strictObject({ length: z.number().int().min(16).max(256).default(32), special: z.boolean().default(false) }) }),
  /** Read from an environment variable at deploy time, e.g. injected by `op run` from 1Password. */
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: "must be an environment variable name" }) }),
]);

export const registry = z.strictObject({
  server: dnsName,
  username: z.string().min(1),
  passwordSecret: secretName,
});

/**
 * The whole stack contract. Keys are the `parity:` config keys without the namespace.
 * One schema for every target: a target ignores nothing silently — keys it cannot use are errors.
 */
export const stackConfig = z.strictObject({
  /** Which target deploys the stack. */
  target: z.string(),
  /** Value of ENVIRONMENT for every service. */
  environment: dnsLabel,
  domain: dnsName,
  logLevel: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
  proxmox: proxmoxSettings.optional(),
  hosts: z.array(lxcHost).default([]),
  sharedStorage: sharedStorage.optional(),
  registries: z.array(registry).default([]),
  images: z.record(dnsLabel, z.string()),
  secrets: z.record(secretName, secretSource).default({}),
  services: z.array(service).default([]),
  /** Services installed from Debian packages inside a guest, by host name (target proxmox). */
  hostServices: z.record(z.string(), hostServices).default({}),
  workers: z.array(workerPool).default([]),
  /**
   * Who may open connections to whom. When present, containers share a Docker network only
   * with the services they have a flow with, and every `${service.X...}` reference needs a flow.
   * When absent, all containers on a host share one network.
   */
  flows: z.array(flow).optional(),
  /** `prod` (default) or `dev`: dev applies each service's `dev:` overrides (source mounts, reload). */
  profile: z.enum(["prod", "dev"]).default("prod"),
  /** Settings of the `docker` target. */
  docker: z.strictObject({
    /** Docker API endpoint: `unix:///var/run/docker.sock` (default) or `ssh://user@host`. */
    host: z.string().regex(/^(unix:\/\/\/|ssh:\/\/|tcp:\/\/)/, { error: "must be unix:///path, ssh://user@host or tcp://host:port" }).default("unix:///var/run/docker.sock"),
  }).optional(),
  /** Settings of the `azure` target: region, names, network, managed realizations (see contract/schema/azure.ts). */
  azure: azureSettings.optional(),
  /**
   * Which services are the platform's observability tools: Parity renders Prometheus's scrape
   * configuration (every `metrics:` target) and Grafana's provisioning (Prometheus and Jaeger
   * data sources, a platform-health dashboard) into them. Targets proxmox and docker.
   */
  observability: z.strictObject({
    /** The Prometheus service; scrapes every service and worker replica that declares `metrics`. */
    prometheus: dnsLabel,
    /** The Grafana service, provisioned with data sources and a dashboard. */
    grafana: dnsLabel.optional(),
    /** The Jaeger service; Grafana's Jaeger data source uses the port of the flow grafana → jaeger (default 16686). */
    jaeger: dnsLabel.optional(),
    scrapeIntervalSeconds: z.number().int().min(5).max(600).default(15),
  }).optional(),
  /** Log rotation of every Docker container (json-file `max-size`, `max-file`). */
  containerLogs,
});

export type StackConfig = z.infer<typeof stackConfig>;
export type LxcHostConfig = z.infer<typeof lxcHost>;
export type ServiceConfig = z.infer<typeof service>;
export type WorkerPoolConfig = z.infer<typeof workerPool>;
export type SecretSource = z.infer<typeof secretSource>;
export type FlowConfig = z.infer<typeof flow>;
/** The name of a target module, e.g. `proxmox`. */
export type Target = string;
