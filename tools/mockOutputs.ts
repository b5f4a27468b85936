import type { MockCallArgs, MockCallResult, MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/mocks";

/**
 * Plausible provider outputs for the offline engine: ids shaped like the real ones where later
 * inputs consume them (template file ids, image ids), everything else echoes the inputs.
 */
export function mockOutputs(args: MockResourceArgs): MockResourceResult {
  const inputs = args.inputs as Record<string, unknown>;
  switch (args.type) {
    case "proxmoxve:index/fileLegacy:FileLegacy":
      return { id: `${shown(inputs["datastoreId"])}:${shown(inputs["contentType"])}/${(inputs["sourceFile"] as { fileName?: string } | undefined)?.fileName}`, state: inputs };
    case "proxmoxve:download/fileLegacy:FileLegacy":
      return { id: `${shown(inputs["datastoreId"])}:vztmpl/${shown(inputs["fileName"])}`, state: inputs };
    case "proxmoxve:index/containerLegacy:ContainerLegacy":
      return { id: `${shown(inputs["nodeName"])}/${shown(inputs["vmId"])}`, state: { ...inputs, ipv4: {} } };
    case "docker:index/remoteImage:RemoteImage":
      return { id: `${shown(inputs["name"])}-id`, state: { ...inputs, imageId: shown(inputs["name"]), repoDigest: `${shown(inputs["name"])}@sha256:${"0".repeat(64)}` } };
    case "random:index/randomPassword:RandomPassword":
      return { id: `${args.name}-id`, state: { ...inputs, result: `mock-${args.name}-value`, bcryptHash: "mock-hash" } };
    case "command:remote:Command":
      return { id: `${args.name}-id`, state: { ...inputs, stdout: "", stderr: "" } };
    default:
      return args.type.startsWith("azure-native:") ? azureOutputs(args, inputs) : { id: `${args.name}-id`, state: inputs };
  }
}

/** Function calls (invokes): the inputs echoed, plus the results later inputs read. */
export function mockCall(args: MockCallArgs): MockCallResult {
  const inputs = args.inputs as Record<string, unknown>;
  if (args.token === "azure-native:redisenterprise:listDatabaseKeys")
    return { ...inputs, primaryKey: `mock-${shown(inputs["clusterName"])}-primary-key`, secondaryKey: `mock-${shown(inputs["clusterName"])}-secondary-key` };
  return inputs;
}

/** An input as it shows in a mock id or value: a string as it is, anything else as JSON. */
function shown(value: unknown): string {
  if (value === undefined) return "undefined";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Keys that hold a resource's own name, child resources' keys before their parents'. */
const OWN_NAME_KEYS = ["shareName", "secretName", "subnetName", "databaseName", "configurationName", "virtualNetworkLinkName", "privateDnsZoneGroupName", "privateEndpointName", "storageName", "privateZoneName", "namespaceName", "registryName", "workspaceName", "virtualNetworkName", "environmentName", "resourceName", "accountName"];
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

/** Azure resources: ARM-shaped ids (subscription and group parsable) and the outputs later inputs read. */
function azureOutputs(args: MockResourceArgs, inputs: Record<string, unknown>): MockResourceResult {
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
