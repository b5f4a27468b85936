import { z } from "./zod";
import { dnsLabel, isIpv4Network, secretName } from "./primitives";

/** IPv4 network in CIDR form, e.g. 10.40.0.0/16. */
export const ipv4Network = z.string().refine(isIpv4Network, { error: "must be an IPv4 network such as 10.40.0.0/16 (octets 0-255, prefix 0-32)" });

/**
 * How a service of the stack is realized on Azure when it is not a Container App. Explicit:
 * a service missing from `parity:azure.realize` is a Container App.
 * - `postgresFlexible`: PostgreSQL Flexible Server 16 (`parity:azure.postgres`); `${service.X.host}` is its FQDN.
 * - `managedRedis`: Azure Managed Redis (`parity:azure.redis`); host `<name>.<region>.redis.azure.net`, TLS port 10000.
 * - `serviceBus`: Service Bus namespace, AMQP 1.0 on 5671 (opt-in: AMQP 0-9-1 clients need changes).
 * - `applicationInsights`: traces and logs go to Application Insights through the environment's managed
 *   OpenTelemetry agent, which injects `OTEL_EXPORTER_OTLP_ENDPOINT` into every app: the one reference
 *   to it a service may hold is `OTEL_EXPORTER_OTLP_ENDPOINT: ${service.<name>.url}`.
 * - `azureMonitor`: not deployed; its role (metrics, dashboards) is Azure Monitor's (Log Analytics, workbooks).
 */
export const azureRealizations = ["postgresFlexible", "managedRedis", "serviceBus", "applicationInsights", "azureMonitor"] as const;
export type AzureRealization = (typeof azureRealizations)[number];

export const azureApp = z.strictObject({
  /** `internal` (default): reachable inside the environment's VNet only. `external`: public (needs an external environment). */
  ingress: z.enum(["internal", "external"]).default("internal"),
  /** `http` (default; reached as `http://<app>`) or `tcp` (e.g. AMQP; reached as `<app>:<port>`). */
  transport: z.enum(["http", "tcp"]).default("http"),
  /**
   * Who may reach an `external` app, by rule name: IPv4 networks (Container Apps IP security
   * restrictions, allow rules). Required for external ingress; `0.0.0.0/0` opens it to everyone.
   */
  allowedSources: z.record(dnsLabel, ipv4Network).default({}),
});

/**
 * How apps log in to Azure Managed Redis.
 * - `accessKey`: the database's access key, kept in Key Vault, is the value of `passwordSecret`
 *   on Azure, so every variable built from that secret (REDIS_PASSWORD, a REDIS_URL) carries it:
 *   the env contract is the homelab's, unchanged.
 * - `entraId`: access keys off; the apps' user-assigned identity gets the database's default access
 *   policy, and every app that uses Redis also receives AZURE_CLIENT_ID (its client id) for an
 *   Entra ID token flow. The application needs a Redis client with Entra ID authentication.
 */
export const redisAuthentication = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("accessKey"), passwordSecret: secretName }),
  z.strictObject({ kind: z.literal("entraId") }),
]);

export const azureSettings = z.strictObject({
  /** Azure region, e.g. westeurope. Also set `azure-native:location` for the provider. */
  location: z.string().regex(/^[a-z][a-z0-9]+$/, { error: "must be an Azure region name such as westeurope" }),
  /** Existing resource group to deploy into; absent means Parity creates `<namePrefix>-<stack>-rg`. */
  resourceGroupName: z.string().regex(/^[-\w._()]{1,89}[-\w_()]$/, { error: "must be 1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'" }).optional(),
  /** Short prefix of every derived name (2-8 lowercase letters/digits, starting with a letter). */
  namePrefix: z.string().regex(/^[a-z][a-z0-9]{1,7}$/, { error: "must be 2-8 lowercase letters or digits, starting with a letter" }),
  network: z.strictObject({
    vnetCidr: ipv4Network,
    /** Container Apps environment (workload profiles), delegated to Microsoft.App/environments; /27 or larger. */
    appsSubnet: ipv4Network,
    /** PostgreSQL Flexible Server, delegated to Microsoft.DBforPostgreSQL/flexibleServers; /28 or larger. */
    postgresSubnet: ipv4Network,
    /** Private endpoints (Managed Redis, Service Bus Premium); /28 or larger. */
    privateEndpointsSubnet: ipv4Network,
  }),
  /** Services realized by a managed Azure service instead of a Container App, by service name. */
  realize: z.record(dnsLabel, z.enum(azureRealizations)).default({}),
  /** Per Container App settings, by service or worker pool name. */
  apps: z.record(dnsLabel, azureApp).default({}),
  /** Settings of the service realized as `postgresFlexible`. */
  postgres: z.strictObject({
    version: z.literal("16").default("16"),
    /** Compute SKU, e.g. Standard_B2s (Burstable) or Standard_D2ds_v5 (GeneralPurpose). */
    skuName: z.string().regex(/^Standard_[A-Za-z0-9_]+$/, { error: "must be a Flexible Server SKU such as Standard_B2s" }).default("Standard_B2s"),
    tier: z.enum(["Burstable", "GeneralPurpose", "MemoryOptimized"]).default("Burstable"),
    storageGb: z.number().int().min(32).max(32768).default(64),
    backupRetentionDays: z.number().int().min(7).max(35).default(7),
    administratorLogin: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, { error: "must be a PostgreSQL role name" }),
    passwordSecret: secretName,
    databases: z.array(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "must be a PostgreSQL database name" })).min(1),
    /** `azure.extensions` allow-list (e.g. VECTOR); each database still needs CREATE EXTENSION. */
    extensions: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/, { error: "must be an extension name in upper case, e.g. VECTOR" })).default([]),
  }).optional(),
  /** Settings of the service realized as `managedRedis`. */
  redis: z.strictObject({
    /** Azure Managed Redis SKU, e.g. Balanced_B0, Balanced_B1, MemoryOptimized_M10. */
    sku: z.string().regex(/^(Balanced|MemoryOptimized|ComputeOptimized|FlashOptimized)_[A-Z]\d+$/, { error: "must be an Azure Managed Redis SKU such as Balanced_B1" }).default("Balanced_B1"),
    /** The application speaks Redis Cluster (true) or expects a single endpoint (false). */
    cluster: z.boolean(),
    /** OSSCluster for cluster clients, EnterpriseCluster for single-endpoint clients; defaults from `cluster`. */
    clusteringPolicy: z.enum(["OSSCluster", "EnterpriseCluster"]).optional(),
    evictionPolicy: z.enum(["AllKeysLRU", "VolatileLRU", "NoEviction"]).default("VolatileLRU"),
    /** How apps log in: `{ kind: accessKey, passwordSecret }` or `{ kind: entraId }`. Required (checked with the config): it decides the application code. */
    authentication: redisAuthentication.optional(),
  }).optional(),
  /** Container images: `ghcr` (default; pulled with parity:registries' credentials) or `acr` (pulled with the identity). */
  registry: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("ghcr") }),
    z.strictObject({ kind: z.literal("acr"), name: z.string() }),
  ]).default({ kind: "ghcr" }),
  observability: z.strictObject({
    /** Log Analytics retention. */
    retentionDays: z.number().int().min(30).max(730).default(30),
  }).default({ retentionDays: 30 }),
  /** Premium Azure Files NFS share size for parity:sharedStorage (premium minimum 100 GiB). */
  sharedStorageGb: z.number().int().min(100).default(100),
});

export type AzureSettings = z.infer<typeof azureSettings>;
