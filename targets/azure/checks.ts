import { AzureRealization } from "../../contract/schema/azure";
import { parseTemplate, templateRefs } from "../../contract/envTemplate";
import { Problem } from "../../contract/problems";
import { StackConfig } from "../../contract/schema/stack";
import { azureNames, NAME_RULES, NameKind, nameProblem } from "../../model/azureNames";
import { CLIENT_ID_VARIABLE, redisUsers } from "../../model/azure";
import { workerInstanceName } from "../../core/workerSlots";

function toInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0) >>> 0;
}

function range(cidr: string): [number, number] {
  const [base, prefix] = cidr.split("/");
  const size = 2 ** (32 - Number(prefix));
  const start = Math.floor(toInt(base!) / size) * size;
  return [start, start + size - 1];
}

/** The variable the Container Apps OpenTelemetry agent injects into every app (OTLP over gRPC). */
export const OTEL_AGENT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT";
/** Realizations there can be one of, with the settings key they need. */
const SINGLE: readonly [AzureRealization, "postgres" | "redis" | undefined][] = [["postgresFlexible", "postgres"], ["managedRedis", "redis"], ["serviceBus", undefined]];

/**
 * The azure target: its settings exist only there, managed realizations name real services and
 * have their settings, subnets fit the VNet and Azure's minimum sizes, every derived name fits
 * Azure's rules for this stack name, and references to address-less realizations are declared.
 */
export function checkAzure(cfg: StackConfig, stack = "stack"): Problem[] {
  const out: Problem[] = [];
  const az = cfg.azure;
  if (!az) return [{ path: "parity:azure", problem: "missing required key for target 'azure'", allowed: "a map with location, namePrefix, network (see docs/CONFIG.md)" }];

  const services = new Map(cfg.services.map((s) => [s.name, s]));
  const pools = new Map(cfg.workers.map((w) => [w.name, w]));
  const secrets = Object.keys(cfg.secrets);

  for (const name of Object.keys(az.realize)) {
    if (!services.has(name)) out.push({ path: `parity:azure.realize.${name}`, problem: `names unknown service '${name}'`, allowed: `one of ${[...services.keys()].join(", ") || "no services"}` });
  }
  for (const [realization, key] of SINGLE) {
    const users = Object.entries(az.realize).filter(([, r]) => r === realization).map(([n]) => n);
    if (users.length > 1) out.push({ path: "parity:azure.realize", problem: `realizes ${users.join(", ")} all as ${realization}`, allowed: `at most one service as ${realization}` });
    if (key && users.length && !az[key]) out.push({ path: `parity:azure.${key}`, problem: `is missing, but '${users[0]}' is realized as ${realization}`, allowed: `a map of ${key} settings` });
    if (key && !users.length && az[key]) out.push({ path: `parity:azure.${key}`, problem: `is set but no service is realized as ${realization}`, allowed: `remove it, or add a service to parity:azure.realize as ${realization}` });
  }
  if (az.postgres && !secrets.includes(az.postgres.passwordSecret))
    out.push({ path: "parity:azure.postgres.passwordSecret", problem: `names unknown secret '${az.postgres.passwordSecret}'`, allowed: secrets.length ? `one of ${secrets.join(", ")}` : "declare it under parity:secrets" });
  // Each database (and allow-listed extension) becomes one resource: a name twice is the same resource twice.
  for (const key of ["databases", "extensions"] as const)
    az.postgres?.[key].forEach((name, i, all) => {
      const first = all.indexOf(name);
      if (first !== i) out.push({ path: `parity:azure.postgres.${key}[${i}]`, problem: `'${name}' is listed twice (also ${key}[${first}])`, allowed: `each ${key === "databases" ? "database" : "extension"} once` });
    });
  const redisAuth = az.redis?.authentication;
  if (az.redis && !redisAuth)
    out.push({ path: "parity:azure.redis.authentication", problem: "missing: how the apps log in to Azure Managed Redis", allowed: "{ kind: accessKey, passwordSecret: <the Redis password secret> } (env unchanged) or { kind: entraId } (the application uses an Entra ID Redis client; Parity adds AZURE_CLIENT_ID)" });
  if (redisAuth?.kind === "accessKey" && !secrets.includes(redisAuth.passwordSecret))
    out.push({ path: "parity:azure.redis.authentication.passwordSecret", problem: `names unknown secret '${redisAuth.passwordSecret}'`, allowed: secrets.length ? `the Redis password secret, one of ${secrets.join(", ")}` : "declare it under parity:secrets" });
  if (redisAuth?.kind === "entraId") {
    const users = redisUsers(cfg);
    [...cfg.services.map((c, i) => ({ c, path: `parity:services[${i}]` })), ...cfg.workers.map((c, i) => ({ c, path: `parity:workers[${i}]` }))].forEach(({ c, path }) => {
      if (users.has(c.name) && CLIENT_ID_VARIABLE in c.env)
        out.push({ path: `${path}.env.${CLIENT_ID_VARIABLE}`, problem: `is declared, but with Entra ID Redis authentication Parity sets it to the apps' identity on Azure`, allowed: `remove it, or use parity:azure.redis.authentication { kind: accessKey }` });
    });
  }
  if (az.redis?.clusteringPolicy) {
    const wanted = az.redis.cluster ? "OSSCluster" : "EnterpriseCluster";
    if (az.redis.clusteringPolicy !== wanted)
      out.push({ path: "parity:azure.redis.clusteringPolicy", problem: `${az.redis.clusteringPolicy} does not match cluster: ${az.redis.cluster}`, allowed: `${wanted} (cluster clients need OSSCluster, single-endpoint clients EnterpriseCluster)` });
  }

  for (const [name, app] of Object.entries(az.apps)) {
    const svc = services.get(name);
    if (!svc && !pools.has(name)) out.push({ path: `parity:azure.apps.${name}`, problem: `names unknown service or worker pool '${name}'`, allowed: `one of ${[...services.keys(), ...pools.keys()].join(", ")}` });
    else if (az.realize[name]) out.push({ path: `parity:azure.apps.${name}`, problem: `'${name}' is realized as ${az.realize[name]}, not as a Container App`, allowed: "settings only for Container Apps" });
    else if (app.transport === "tcp" && svc && svc.ports.length === 0) out.push({ path: `parity:azure.apps.${name}.transport`, problem: `'${name}' declares no port for TCP ingress`, allowed: "declare a port, or use transport http" });
    if (app.ingress === "external" && svc && svc.ports.length === 0 && !az.realize[name])
      out.push({ path: `parity:azure.apps.${name}.ingress`, problem: `is external, but '${name}' declares no port, so it has no ingress`, allowed: "declare a port, or ingress: internal" });
    const sources = Object.keys(app.allowedSources).length;
    if (app.ingress === "external" && sources === 0)
      out.push({ path: `parity:azure.apps.${name}.allowedSources`, problem: `is empty, but '${name}' has external ingress`, allowed: "the IPv4 networks that may reach it, by rule name (e.g. { office: 203.0.113.0/24 }); { anywhere: 0.0.0.0/0 } opens it to everyone" });
    if (app.ingress === "internal" && sources > 0)
      out.push({ path: `parity:azure.apps.${name}.allowedSources`, problem: `is set, but '${name}' has internal ingress, which nothing outside the environment reaches`, allowed: "remove it, or set ingress: external" });
  }

  // Subnets: inside the VNet, disjoint, at least Azure's minimum size.
  const net = az.network;
  const vnet = range(net.vnetCidr);
  const subnets = [["appsSubnet", 27, "Container Apps workload-profiles environments need /27 or larger"], ["postgresSubnet", 28, "Flexible Server needs /28 or larger"], ["privateEndpointsSubnet", 28, "keep /28 or larger for private endpoints"]] as const;
  subnets.forEach(([key, maxPrefix, why], i) => {
    const cidr = net[key];
    const [lo, hi] = range(cidr);
    if (lo < vnet[0] || hi > vnet[1]) out.push({ path: `parity:azure.network.${key}`, problem: `${cidr} is outside the VNet ${net.vnetCidr}`, allowed: `a network inside ${net.vnetCidr}` });
    if (Number(cidr.split("/")[1]) > maxPrefix) out.push({ path: `parity:azure.network.${key}`, problem: `${cidr} is too small`, allowed: `/${maxPrefix} or larger (${why})` });
    subnets.slice(i + 1).forEach(([other]) => {
      const [olo, ohi] = range(net[other]);
      if (lo <= ohi && olo <= hi) out.push({ path: `parity:azure.network.${key}`, problem: `${cidr} overlaps ${other} ${net[other]}`, allowed: "disjoint subnets" });
    });
  });

  // Names: every derived name must fit its rule for this stack name.
  const names = azureNames(az.namePrefix, stack);
  const check = (path: string, kind: NameKind, name: string) => {
    const why = nameProblem(kind, name);
    if (why) out.push({ path, problem: `derives the ${NAME_RULES[kind].kind} name '${name}', which ${why}`, allowed: `${NAME_RULES[kind].text}; shorten parity:azure.namePrefix or the stack name` });
  };
  check("parity:azure.namePrefix", "keyVault", names.keyVault);
  check("parity:azure.namePrefix", "storageAccount", names.storageAccount);
  check("parity:azure.namePrefix", "postgresServer", names.postgresServer);
  check("parity:azure.namePrefix", "redisCluster", names.redisCluster);
  check("parity:azure.namePrefix", "serviceBus", names.serviceBus);
  for (const key of ["environment", "identity", "logAnalytics", "appInsights", "vnet", "resourceGroup"] as const) check("parity:azure.namePrefix", "generic", names[key]);
  if (az.registry.kind === "acr") check("parity:azure.registry.name", "containerRegistry", az.registry.name);
  const appNames = new Map<string, string>();
  const addApp = (path: string, instance: string) => {
    const name = names.app(instance);
    check(path, "containerApp", name);
    const clash = appNames.get(name);
    if (clash) out.push({ path, problem: `derives Container App name '${name}', the same as '${clash}'`, allowed: "distinct service names" });
    appNames.set(name, instance);
  };
  cfg.services.forEach((s, i) => { if (!az.realize[s.name]) addApp(`parity:services[${i}].name`, s.name); });
  cfg.workers.forEach((w, i) => { for (let r = 1; r <= w.maxReplicas; r++) addApp(`parity:workers[${i}].name`, workerInstanceName(w.name, r)); });

  // What Container Apps cannot do, refused rather than ignored.
  cfg.services.forEach((s, i) => {
    if (!az.realize[s.name] && s.files.length) out.push({ path: `parity:services[${i}].files`, problem: `'${s.name}' places files in its container, which a Container App cannot`, allowed: "bake them into the image, or realize the service as a managed service" });
  });

  // Observability realizations have no address. Traces: the environment's OpenTelemetry agent
  // injects OTEL_EXPORTER_OTLP_ENDPOINT, so that variable, as the URL of the traces service, is
  // the one reference that keeps its meaning; every other would get a value that reaches nothing.
  const containers = [...cfg.services.map((s, i) => ({ c: s, path: `parity:services[${i}]` })), ...cfg.workers.map((w, i) => ({ c: w, path: `parity:workers[${i}]` }))];
  for (const { c, path } of containers) {
    if (az.realize[c.name]) continue;
    for (const [variable, template] of Object.entries(c.env)) {
      const parsed = parseTemplate(template);
      if ("error" in parsed) continue;
      for (const r of templateRefs(parsed.parts)) {
        const realization: AzureRealization | undefined = r.kind === "service" ? az.realize[r.service] : undefined;
        if (r.kind !== "service" || (realization !== "applicationInsights" && realization !== "azureMonitor")) continue;
        const only = parsed.parts.length === 1 ? parsed.parts[0] : undefined;
        const agentEndpoint = variable === OTEL_AGENT_VARIABLE && typeof only === "object" && only.kind === "service" && only.attr === "url";
        if (realization === "applicationInsights" && agentEndpoint) continue;
        out.push({
          path: `${path}.env.${variable}`,
          problem: `references '${r.service}', realized as ${realization}, which has no address on Azure`,
          allowed: realization === "applicationInsights"
            ? `only ${OTEL_AGENT_VARIABLE}: \${service.${r.service}.url} (the environment's OpenTelemetry agent injects it), or run '${r.service}' as a Container App (remove it from parity:azure.realize)`
            : `remove the reference, or run '${r.service}' as a Container App (remove it from parity:azure.realize)`,
        });
      }
    }
  }
  return out;
}
