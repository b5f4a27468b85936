import type { MockCallArgs, MockCallResult, MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/mocks";
import { shown } from "../../core/shown";
import type { TargetMocks } from "../types";

/** Keys that hold a resource's own name, child resources' keys before their parents'. */
const OWN_NAME_KEYS = ["shareName", "secretName", "subnetName", "databaseName", "configurationName", "virtualNetworkLinkName", "privateDnsZoneGroupName", "privateEndpointName", "storageName", "privateZoneName", "namespaceName", "registryName", "workspaceName", "virtualNetworkName", "environmentName", "resourceName", "accountName"];
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

/** Azure resources: ARM-shaped ids (subscription and group parsable) and the outputs later inputs read. */
function azureOutputs(args: MockResourceArgs): MockResourceResult | undefined {
  if (!args.type.startsWith("azure-native:")) return undefined;
  const inputs = args.inputs as Record<string, unknown>;
  const name = shown(inputs["containerAppName"] ?? inputs["vaultName"] ?? inputs["serverName"] ?? inputs["clusterName"] ?? inputs["accountName"] ?? inputs["resourceName"] ?? inputs["resourceGroupName"] ?? args.name);
  const group = shown(inputs["resourceGroupName"] ?? args.name);
  const id = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}/providers/${args.type.split(":")[1]}/${args.name}`;
  switch (args.type) {
    case "azure-native:resources:ResourceGroup":
      return { id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}`, state: { ...inputs, name: group } };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return { id, state: { ...inputs, principalId: `${args.name}-principal`, clientId: `${args.name}-client`, tenantId: "11111111-1111-1111-1111-111111111111" } };
    case "azure-native:keyvault:Vault":
      return { id, state: { ...inputs, name, properties: { ...(inputs["properties"] as object), vaultUri: `https://${name}.vault.azure.net/` } } };
    case "azure-native:applicationinsights:Component":
      return { id, state: { ...inputs, name, connectionString: `InstrumentationKey=mock-${name};IngestionEndpoint=https://${shown(inputs["location"])}.in.applicationinsights.azure.com/` } };
    case "azure-native:operationalinsights:Workspace":
      return { id, state: { ...inputs, name: inputs["workspaceName"], customerId: `${args.name}-customer-id` } };
    case "azure-native:dbforpostgresql:Server":
      return { id, state: { ...inputs, name, fullyQualifiedDomainName: `${name}.postgres.database.azure.com` } };
    case "azure-native:redisenterprise:RedisEnterprise":
      return { id, state: { ...inputs, name, hostName: `${name}.${shown(inputs["location"])}.redis.azure.net` } };
    case "azure-native:app:ContainerApp":
      return { id, state: { ...inputs, name, latestRevisionFqdn: `${name}--mock.internal.example.azurecontainerapps.io` } };
    default:
      return { id, state: { ...inputs, name: OWN_NAME_KEYS.map((k) => inputs[k]).find((v) => typeof v === "string") ?? name } };
  }
}

/** Function calls (invokes) whose results later inputs read. */
function azureCall(args: MockCallArgs): MockCallResult | undefined {
  if (args.token === "azure-native:redisenterprise:listDatabaseKeys")
  {
    const inputs = args.inputs as Record<string, unknown>;
    return { ...inputs, primaryKey: `mock-${shown(inputs["clusterName"])}-primary-key`, secondaryKey: `mock-${shown(inputs["clusterName"])}-secondary-key` };
  }
  return undefined;
}

export const azureMocks: TargetMocks = { outputs: azureOutputs, call: azureCall };
