import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as resources from "@pulumi/azure-native/resources";
import { AppEnvironment } from "../../components/azure/appEnvironment";
import { AzureFiles } from "../../components/azure/azureFiles";
import { ContainerAppEnv, ContainerAppService } from "../../components/azure/containerApp";
import { ManagedRedis } from "../../components/azure/managedRedis";
import { VirtualNetwork } from "../../components/azure/network";
import { Observability } from "../../components/azure/observability";
import { PostgresFlexible } from "../../components/azure/postgresFlexible";
import { ROLES, SecretVault } from "../../components/azure/secretVault";
import { ServiceBusBroker } from "../../components/azure/serviceBus";
import { StackSecrets } from "../../components/secrets/stackSecrets";
import { PlatformModel } from "../../model/types";
import type { DeployOptions } from "../types";
import { yieldToSdk } from "../shared/yieldToSdk";
import { appInputs, envSecretName, vaultSecretName, volumeStorage } from "./appInputs";

/**
 * Azure: one Container Apps environment on a VNet; every service and worker slot a Container
 * App; PostgreSQL, Redis and observability on managed services; every secret in Key Vault,
 * read by a user-assigned identity whose roles exist before any app.
 */
export async function deployAzure(model: PlatformModel, opts: DeployOptions): Promise<Record<string, ContainerAppService>> {
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
  const smbShares = model.containers.flatMap((c) => c.volumes.map((v) => volumeStorage(c, v.name)));
  const files = sharedName || smbShares.length
    ? new AzureFiles("files", {
      ...base, accountName: az.names.storageAccount, appsSubnetId: net.appsSubnet.id, environmentName: environment.environment.name,
      ...(sharedName ? { nfsShare: { storageName: sharedName, quotaGb: az.sharedStorageGb } } : {}), smbShares,
    })
    : undefined;

  const apps: Record<string, ContainerAppService> = {};
  for (const c of model.containers) {
    const inputs = appInputs(model, c);
    const env: ContainerAppEnv[] = inputs.env.map((e) => ("identityClientId" in e ? { name: e.name, value: vault.identity.clientId } : e));
    apps[c.name] = new ContainerAppService(c.name, {
      container: c, ...base, environmentId: environment.environment.id, identityId: vault.identity.id, env,
      secrets: inputs.secretNames.map((name) => ({ name, keyVaultUrl: vault.secretUrl(name) })),
      ...(inputs.registry ? { registry: inputs.registry } : {}),
      volumes: inputs.volumes, minReplicas: 1, maxReplicas: 1, after: [...vault.ready, ...(files?.storages ?? [])],
    });
    await yieldToSdk();
  }
  return apps;
}
