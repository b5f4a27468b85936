import { parseTemplate, templateRefs } from "../contract/envTemplate";
import { AzureRealization, AzureSettings } from "../contract/schema/azure";
import { healthcheck } from "../contract/schema/services";
import { ServiceConfig, StackConfig, WorkerPoolConfig } from "../contract/schema/stack";
import { AzureNames, azureNames } from "./azureNames";
import { EnvValue } from "./types";

/** Set by Parity, with Entra ID Redis authentication, on every app that uses the Managed Redis. */
export const CLIENT_ID_VARIABLE = "AZURE_CLIENT_ID";
/** Managed Redis listens with TLS on 10000 (not 6379). */
export const MANAGED_REDIS_PORT = 10000;

export interface AzureAppSettings {
  readonly appName: string;
  readonly ingress: "internal" | "external";
  readonly transport: "http" | "tcp";
  /** Port the container listens on; ingress forwards to it. */
  readonly targetPort?: number;
  /** External ingress only: IPv4 networks allowed in, by rule name (IP security restrictions). */
  readonly allowedSources: Readonly<Record<string, string>>;
  /**
   * Consumption-profile size: the CPU limit (which the contract keeps to 0.25..4 in steps of
   * 0.25, contract/checks/containers.ts) and memory at the fixed ratio of 2 GiB per CPU.
   */
  readonly resources: { readonly cpu: number; readonly memory: string };
  /**
   * Timings of the TCP liveness and readiness probes (Container Apps cannot run exec health
   * checks): the health check's, or the schema's health-check defaults when there is none. The
   * contract keeps each within what a probe takes (contract/checks/containers.ts).
   */
  readonly probe: { readonly periodSeconds: number; readonly timeoutSeconds: number; readonly failureThreshold: number; readonly initialDelaySeconds: number };
}

/** The health-check timings a container without a health check gets: the schema's own defaults, stated there once. */
const HEALTHCHECK_DEFAULTS = healthcheck.omit({ test: true }).parse({});

/** A Container App's size and probe timings from the container's limits and health check. */
export function containerAppSizing(c: Pick<ServiceConfig | WorkerPoolConfig, "limits" | "healthcheck">): Pick<AzureAppSettings, "resources" | "probe"> {
  // Rounding only absorbs float noise the contract tolerates (1e-9 of a step).
  const cpu = Math.round(c.limits.cpus * 4) / 4;
  const hc = c.healthcheck ?? HEALTHCHECK_DEFAULTS;
  return {
    resources: { cpu, memory: `${cpu * 2}Gi` },
    probe: { periodSeconds: hc.intervalSeconds, timeoutSeconds: hc.timeoutSeconds, failureThreshold: hc.retries, initialDelaySeconds: hc.startPeriodSeconds },
  };
}

/** What the azure target needs beyond the containers: pure data, names already fitted. */
export interface AzureModel {
  readonly location: string;
  readonly resourceGroupName: string;
  /** False when `parity:azure.resourceGroupName` names an existing group. */
  readonly createResourceGroup: boolean;
  readonly names: Omit<AzureNames, "app" | "resourceGroup">;
  readonly network: AzureSettings["network"];
  /** External environment (public load balancer) when any app has external ingress. */
  readonly externalEnvironment: boolean;
  readonly registry: AzureSettings["registry"];
  readonly retentionDays: number;
  readonly sharedStorageGb: number;
  /** Services realized by a managed service, and how (no Container App for them). */
  readonly realized: Readonly<Record<string, AzureRealization>>;
  readonly postgres?: NonNullable<AzureSettings["postgres"]> & { readonly service: string; readonly fqdn: string };
  readonly redis?: NonNullable<AzureSettings["redis"]> & { readonly service: string; readonly clusteringPolicy: "OSSCluster" | "EnterpriseCluster"; readonly host: string };
  readonly serviceBus?: { readonly service: string; readonly host: string };
}

export function serviceOf(cfg: StackConfig, realization: AzureRealization): string | undefined {
  return Object.entries(cfg.azure?.realize ?? {}).find(([, r]) => r === realization)?.[0];
}

export function buildAzureModel(cfg: StackConfig, stack: string): AzureModel {
  const az = cfg.azure!;
  const names = azureNames(az.namePrefix, stack);
  const { app: _app, resourceGroup, ...rest } = names;
  const pg = serviceOf(cfg, "postgresFlexible");
  const redis = serviceOf(cfg, "managedRedis");
  const bus = serviceOf(cfg, "serviceBus");
  return {
    location: az.location,
    resourceGroupName: az.resourceGroupName ?? resourceGroup,
    createResourceGroup: az.resourceGroupName === undefined,
    names: rest,
    network: az.network,
    externalEnvironment: Object.values(az.apps).some((a) => a.ingress === "external"),
    registry: az.registry,
    retentionDays: az.observability.retentionDays,
    sharedStorageGb: az.sharedStorageGb,
    realized: az.realize,
    ...(pg && az.postgres ? { postgres: { ...az.postgres, service: pg, fqdn: `${names.postgresServer}.postgres.database.azure.com` } } : {}),
    ...(redis && az.redis
      ? { redis: { ...az.redis, service: redis, clusteringPolicy: az.redis.clusteringPolicy ?? (az.redis.cluster ? "OSSCluster" : "EnterpriseCluster"), host: `${names.redisCluster}.${az.location}.redis.azure.net` } }
      : {}),
    ...(bus ? { serviceBus: { service: bus, host: `${names.serviceBus}.servicebus.windows.net` } } : {}),
  };
}

/**
 * Addressing on Azure: every service and worker slot is one Container App in one environment.
 * Apps reach an HTTP app by its name through the environment's ingress (`http://<app>`, port 80,
 * forwarded to the container port) and a TCP app at `<app>:<port>`; managed realizations by
 * their FQDN (`<server>.postgres.database.azure.com:5432`, Managed Redis on TLS 10000).
 */
export function azureAddressing(cfg: StackConfig, stack: string) {
  const az = cfg.azure!;
  const names = azureNames(az.namePrefix, stack);
  const model = buildAzureModel(cfg, stack);
  const services = new Map(cfg.services.map((s) => [s.name, s]));
  const pools = new Map(cfg.workers.map((w) => [w.name, w]));
  const appSettings = (service: string, instance: string, targetPort?: number): AzureAppSettings => ({
    appName: names.app(instance),
    ...containerAppSizing((services.get(service) ?? pools.get(service))!),
    ingress: az.apps[service]?.ingress ?? "internal",
    transport: az.apps[service]?.transport ?? "http",
    allowedSources: az.apps[service]?.allowedSources ?? {},
    ...(targetPort !== undefined ? { targetPort } : {}),
  });
  const address = (a: AzureAppSettings): { host: string; port?: number; url: string } =>
    a.transport === "tcp" && a.targetPort !== undefined
      ? { host: a.appName, port: a.targetPort, url: `http://${a.appName}:${a.targetPort}` }
      : { host: a.appName, port: 80, url: `http://${a.appName}` };
  const reach = (name: string): { host: string; port?: number; url?: string } => {
    const realization = az.realize[name];
    if (realization === "postgresFlexible") return { host: model.postgres!.fqdn, port: 5432 };
    if (realization === "managedRedis") return { host: model.redis!.host, port: MANAGED_REDIS_PORT };
    if (realization === "serviceBus") return { host: model.serviceBus!.host, port: 5671 };
    // applicationInsights / azureMonitor have no address: the contract admits only the OTLP
    // endpoint of the agent (see azureEnv), whose value the platform supplies.
    if (realization) return { host: "", url: "" };
    return address(appSettings(name, name, services.get(name)?.ports[0]?.container));
  };
  return { model, appSettings, address, reach, isContainerApp: (name: string) => az.realize[name] === undefined };
}

/** Services and worker pools that use the Managed Redis: they reference it in env or have a flow to it. */
export function redisUsers(cfg: StackConfig): Set<string> {
  const redis = cfg.azure ? serviceOf(cfg, "managedRedis") : undefined;
  const users = new Set<string>();
  if (!redis) return users;
  for (const f of cfg.flows ?? []) if (f.to === redis) users.add(f.from);
  for (const c of [...cfg.services, ...cfg.workers]) {
    for (const template of Object.values(c.env)) {
      const parsed = parseTemplate(template);
      if (!("error" in parsed) && templateRefs(parsed.parts).some((r) => r.kind === "service" && r.service === redis)) users.add(c.name);
    }
  }
  users.delete(redis);
  return users;
}

/**
 * One container's env on its target: its templates, resolved — the same names everywhere. On
 * Azure the platform supplies two values: OTEL_EXPORTER_OTLP_ENDPOINT when it points at the
 * service realized as Application Insights (the environment's OpenTelemetry agent injects its own
 * endpoint, which Parity does not know and must not override), and, with Entra ID Redis
 * authentication only, AZURE_CLIENT_ID on each app that uses Redis (a token flow needs the
 * identity; no static value can stand in for an hourly token).
 */
export function azureEnv(
  cfg: StackConfig,
  service: string,
  templates: Readonly<Record<string, string>>,
  resolve: (template: string) => EnvValue,
): Record<string, EnvValue> {
  const out: Record<string, EnvValue> = {};
  for (const [name, template] of Object.entries(templates)) {
    const parsed = parseTemplate(template);
    const refs = "error" in parsed ? [] : templateRefs(parsed.parts);
    const toInsights = refs.some((r) => r.kind === "service" && cfg.azure?.realize[r.service] === "applicationInsights");
    out[name] = toInsights ? { parts: [], secret: false, platform: "openTelemetryAgent" } : resolve(template);
  }
  if (cfg.azure?.redis?.authentication?.kind === "entraId" && redisUsers(cfg).has(service))
    out[CLIENT_ID_VARIABLE] = { parts: [], secret: false, platform: "identityClientId" };
  return out;
}
