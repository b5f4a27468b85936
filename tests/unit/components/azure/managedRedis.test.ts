import { construct, tree } from "../../../helpers/componentRun";

const args = { resourceGroupName: "rg", location: "westeurope", clusterName: "redis-parity", sku: "Balanced_B0", clusteringPolicy: "EnterpriseCluster", evictionPolicy: "NoEviction", privateEndpointsSubnetId: "/subnets/pe", vnetId: "/vnets/parity" };
const redis = (authentication: object) => construct({ module: "components/azure/managedRedis", export: "ManagedRedis", name: "redis", args: { ...args, authentication }, outputs: ["primaryKey"] });
const ID = (provider: string, name: string) => `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/${provider}/${name}`;
const URN = (type: string, name: string) => `urn:pulumi:unit::parity::parity:azure:ManagedRedis$${type}::${name}`;
const database = { resourceGroupName: "rg", clusterName: "redis-parity", databaseName: "default", clientProtocol: "Encrypted", port: 10000, clusteringPolicy: "EnterpriseCluster", evictionPolicy: "NoEviction" };

describe("ManagedRedis", () => {
  it("Entra ID: a private cluster, its default database without access keys, the apps' identity granted the default policy", async () => {
    const run = await redis({ kind: "entraId", appIdentityPrincipalId: "principal-1" });
    expect(tree(run)).toEqual([
      ["parity:azure:ManagedRedis", "redis", "parity-unit"],
      ["azure-native:redisenterprise:AccessPolicyAssignment", "redis-apps-access", "redis"],
      ["azure-native:redisenterprise:RedisEnterprise", "redis-cluster", "redis"],
      ["azure-native:redisenterprise:Database", "redis-database", "redis"],
      ["azure-native:privatedns:PrivateZone", "redis-dns", "redis"],
      ["azure-native:network:PrivateDnsZoneGroup", "redis-dns-group", "redis"],
      ["azure-native:privatedns:VirtualNetworkLink", "redis-dns-link", "redis"],
      ["azure-native:network:PrivateEndpoint", "redis-endpoint", "redis"],
    ]);
    expect(Object.fromEntries(run.resources.filter((r) => r.parent === "redis").map((r) => [r.name, r.inputs]))).toEqual({
      "redis-cluster": { resourceGroupName: "rg", location: "westeurope", clusterName: "redis-parity", sku: { name: "Balanced_B0" }, minimumTlsVersion: "1.2", publicNetworkAccess: "Disabled" },
      "redis-database": { ...database, accessKeysAuthentication: "Disabled" },
      "redis-apps-access": { resourceGroupName: "rg", clusterName: "redis-parity", databaseName: "default", accessPolicyAssignmentName: "parity-apps", accessPolicyName: "default", user: { objectId: "principal-1" } },
      "redis-dns": { resourceGroupName: "rg", location: "global", privateZoneName: "privatelink.redis.azure.net" },
      "redis-dns-link": { resourceGroupName: "rg", location: "global", privateZoneName: "privatelink.redis.azure.net", virtualNetworkLinkName: "redis-parity-vnet", virtualNetwork: { id: "/vnets/parity" }, registrationEnabled: false },
      "redis-endpoint": {
        resourceGroupName: "rg", location: "westeurope", privateEndpointName: "redis-parity-pe",
        // The subnet's network policies: the provider's defaults.
        subnet: { id: "/subnets/pe", privateEndpointNetworkPolicies: "Disabled", privateLinkServiceNetworkPolicies: "Enabled" },
        privateLinkServiceConnections: [{ name: "redis-parity", privateLinkServiceId: ID("redisenterprise", "redis-cluster"), groupIds: ["redisEnterprise"] }],
      },
      "redis-dns-group": { resourceGroupName: "rg", privateEndpointName: "redis-parity-pe", privateDnsZoneGroupName: "default", privateDnsZoneConfigs: [{ name: "redis", privateDnsZoneId: ID("privatedns", "redis-dns") }] },
    });
    // The endpoint waits for the database as well as for the cluster it links to.
    expect([...run.one("redis-endpoint").dependencies].sort()).toEqual([URN("azure-native:redisenterprise:Database", "redis-database"), URN("azure-native:redisenterprise:RedisEnterprise", "redis-cluster")].sort());
    expect(run.resources.flatMap((r) => r.secretInputs)).toEqual([]);
    expect(run.outputs).toEqual({});
  });

  it("access key: keys on, no access policy, the primary key read once the database exists and kept secret", async () => {
    const run = await redis({ kind: "accessKey" });
    expect(run.resources.map((r) => r.name)).not.toContain("redis-apps-access");
    expect(run.one("redis-database").inputs).toEqual({ ...database, accessKeysAuthentication: "Enabled" });
    expect(run.outputs["primaryKey"]).toEqual({ value: "mock-redis-parity-primary-key", secret: true });
  });
});
