import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as resources from "@pulumi/azure-native/resources";
import { AppEnvironment } from "../components/azure/appEnvironment";
import { AzureFiles } from "../components/azure/azureFiles";
import { ContainerAppEnv, ContainerAppService, ContainerAppVolume } from "../components/azure/containerApp";
import { ManagedRedis } from "../components/azure/managedRedis";
import { VirtualNetwork } from "../components/azure/network";
import { Observability } from "../components/azure/observability";
import { PostgresFlexible } from "../components/azure/postgresFlexible";
import { ROLES, SecretVault } from "../components/azure/secretVault";
import { ServiceBusBroker } from "../components/azure/serviceBus";
import { StackSecrets } from "../components/secrets/stackSecrets";
import { literalText } from "../model/env";
import { ContainerModel, PlatformModel } from "../model/types";
import { DeployOptions } from "./proxmox";

/** Key Vault and Container App secret names: `dbPassword` → `db-password`. */
export function vaultSecretName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/_/g, "-").toLowerCase();
}

/** One env var's Key Vault secret: a stack secret as is, or the whole composed value (e.g. a URL with a password). */
function envSecretName(c: ContainerModel, variable: string): string | undefined {
  const v = c.env[variable]!;
  if (!v.secret) return undefined;
  const only = v.parts.length === 1 ? v.parts[0] : undefined;
  return only !== undefined && typeof only !== "string" ? vaultSecretName(only.secret) : `${c.name}-${vaultSecretName(variable)}`;
}

/**
 * Azure: one Container Apps environment on a VNet; every service and worker slot a Container
 * App; PostgreSQL, Redis and observability on managed services; every secret in Key Vault,
 * read by a user-assigned identity whose roles exist before any app.
 */
export function deployAzure(model: PlatformModel, opts: DeployOptions): Record<string, ContainerAppService> {
  const az = model.azure!;
  const { location } = az;
  // With access-key Redis authentication the database's key is that secret's value on Azure.
  const redisKeySecret = az.redis?.authentication?.kind === "accessKey" ? az.redis.authentication.passwordSecret : undefined;
  const stackSecrets = Object.fromEntries(Object.entries(model.secrets).filter(([name]) => name !== redisKeySecret));
  const secrets = new StackSecrets("secrets", { secrets: stackSecrets, environment: opts.environment, placeholderForMissing: opts.offlinePlan });
  const resourceGroupName: pulumi.Input<string> = az.createResourceGroup
    ? new resources.ResourceGroup("resource-group", { resourceGroupName: az.resourceGroupName, location }).name
    : az.resourceGroupName;
  const base = { resourceGroupName, location };

  const observability = new Observability("observability", { ...base, workspaceName: az.names.logAnalytics, appInsightsName: az.names.appInsights, retentionDays: az.retentionDays });
  const net = new VirtualNetwork("network", { ...base, vnetName: az.names.vnet, ...az.network });
  const environment = new AppEnvironment("apps", {
    ...base, environmentName: az.names.environment, subnetId: net.appsSubnet.id, internal: !az.externalEnvironment,
    logAnalyticsCustomerId: observability.workspace.customerId, logAnalyticsSharedKey: observability.workspaceSharedKey,
    // A service realized as Application Insights: apps send OTLP to the environment's agent.
    ...(Object.values(az.realized).includes("applicationInsights") ? { openTelemetryToAppInsights: { connectionString: observability.appInsights.connectionString } } : {}),
  });

  const registry = az.registry.kind === "acr"
    ? new containerregistry.Registry("registry", { ...base, registryName: az.registry.name, sku: { name: "Basic" }, adminUserEnabled: false })
    : undefined;
  const bus = az.serviceBus ? new ServiceBusBroker("broker", { ...base, namespaceName: az.names.serviceBus }) : undefined;

  const redisArgs = az.redis
    ? {
      ...base, clusterName: az.names.redisCluster, sku: az.redis.sku, clusteringPolicy: az.redis.clusteringPolicy,
      evictionPolicy: az.redis.evictionPolicy, privateEndpointsSubnetId: net.privateEndpointsSubnet.id, vnetId: net.vnet.id,
    }
    : undefined;
  // Access keys: Redis first, its key goes into Key Vault. Entra ID: after the identity it grants.
  const keyedRedis = redisArgs && redisKeySecret ? new ManagedRedis("redis", { ...redisArgs, authentication: { kind: "accessKey" } }) : undefined;

  // Every value an app reads as a secret: stack secrets (the Redis key among them), composed values.
  const vaultValues: Record<string, pulumi.Input<string>> = {};
  const stackSecret = (name: string): pulumi.Input<string> => (name === redisKeySecret ? keyedRedis!.primaryKey! : secrets.values[name]!);
  for (const name of Object.keys(model.secrets)) vaultValues[vaultSecretName(name)] = stackSecret(name);
  for (const c of model.containers) {
    for (const [variable, v] of Object.entries(c.env)) {
      const name = envSecretName(c, variable);
      if (name && !(name in vaultValues))
        vaultValues[name] = pulumi.secret(pulumi.all(v.parts.map((p) => (typeof p === "string" ? p : stackSecret(p.secret)))).apply((xs) => xs.join("")));
    }
  }
  const vault = new SecretVault("vault", {
    ...base, vaultName: az.names.keyVault, identityName: az.names.identity, secrets: vaultValues,
    extraRoles: [
      ...(registry ? [{ name: "acr-pull", roleId: ROLES.acrPull, scope: registry.id }] : []),
      ...(bus ? [{ name: "bus-data-owner", roleId: ROLES.serviceBusDataOwner, scope: bus.namespace.id }] : []),
    ],
  });

  if (az.postgres) {
    new PostgresFlexible("postgres", {
      ...base, serverName: az.names.postgresServer, version: az.postgres.version, skuName: az.postgres.skuName, tier: az.postgres.tier,
      storageGb: az.postgres.storageGb, backupRetentionDays: az.postgres.backupRetentionDays, administratorLogin: az.postgres.administratorLogin,
      administratorPassword: secrets.values[az.postgres.passwordSecret]!, databases: az.postgres.databases, extensions: az.postgres.extensions,
      subnetId: net.postgresSubnet.id, vnetId: net.vnet.id,
    });
  }
  if (redisArgs && !keyedRedis) new ManagedRedis("redis", { ...redisArgs, authentication: { kind: "entraId", appIdentityPrincipalId: vault.identity.principalId } });

  const sharedName = model.containers.find((c) => c.sharedMount?.type === "nfs")?.sharedMount!.source;
  const volumeStorage = (c: ContainerModel, volume: string) => `${c.name}-${volume}`;
  const smbShares = model.containers.flatMap((c) => c.volumes.map((v) => volumeStorage(c, v.name)));
  const files = sharedName || smbShares.length
    ? new AzureFiles("files", {
      ...base, accountName: az.names.storageAccount, appsSubnetId: net.appsSubnet.id, environmentName: environment.environment.name,
      ...(sharedName ? { nfsShare: { storageName: sharedName, quotaGb: az.sharedStorageGb } } : {}), smbShares,
    })
    : undefined;

  const acrServer = az.registry.kind === "acr" ? `${az.registry.name}.azurecr.io` : undefined;
  const apps: Record<string, ContainerAppService> = {};
  for (const c of model.containers) {
    // The agent's OTLP endpoint is the platform's to inject: setting it would override the agent.
    const env: ContainerAppEnv[] = Object.keys(c.env).sort().filter((name) => c.env[name]!.platform !== "openTelemetryAgent").map((name) => {
      const secretRef = envSecretName(c, name);
      if (c.env[name]!.platform === "identityClientId") return { name, value: vault.identity.clientId };
      return secretRef ? { name, secretRef } : { name, value: literalText(c.env[name]!) };
    });
    const login = model.registries.find((r) => r.server === c.image.registry);
    const registrySettings = c.image.registry && c.image.registry === acrServer
      ? { server: acrServer, useIdentity: true }
      : login ? { server: login.server, username: login.username, passwordSecretRef: vaultSecretName(login.passwordSecret) } : undefined;
    const secretNames = [...new Set([...env.flatMap((e) => (e.secretRef ? [e.secretRef] : [])), ...(registrySettings?.passwordSecretRef ? [registrySettings.passwordSecretRef] : [])])];
    const volumes: ContainerAppVolume[] = [
      ...(c.sharedMount?.type === "nfs" ? [{ name: "shared", storageName: c.sharedMount.source, storageType: "NfsAzureFile" as const, mountPath: c.sharedMount.target }] : []),
      ...c.volumes.map((v) => ({ name: v.name, storageName: volumeStorage(c, v.name), storageType: "AzureFile" as const, mountPath: v.path })),
    ];
    apps[c.name] = new ContainerAppService(c.name, {
      container: c, ...base, environmentId: environment.environment.id, identityId: vault.identity.id, env,
      secrets: secretNames.map((name) => ({ name, keyVaultUrl: vault.secretUrl(name) })),
      ...(registrySettings ? { registry: registrySettings } : {}),
      volumes, minReplicas: 1, maxReplicas: 1, after: [...vault.ready, ...(files?.storages ?? [])],
    });
  }
  return apps;
}
