import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as redisenterprise from "@pulumi/azure-native/redisenterprise";

export interface ManagedRedisArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly clusterName: string;
  /** e.g. Balanced_B1. */
  readonly sku: string;
  /** OSSCluster (cluster-aware clients) or EnterpriseCluster (one endpoint). */
  readonly clusteringPolicy: "OSSCluster" | "EnterpriseCluster";
  readonly evictionPolicy: string;
  readonly privateEndpointsSubnetId: pulumi.Input<string>;
  readonly vnetId: pulumi.Input<string>;
  /** Principal (object) id of the apps' user-assigned identity: granted the `default` access policy. */
  readonly appIdentityPrincipalId: pulumi.Input<string>;
}

/**
 * Azure Managed Redis (the successor of Azure Cache for Redis, which is being retired): one
 * cluster and its `default` database on TLS port 10000, reachable only through a private
 * endpoint in the VNet. Access keys are off: clients authenticate with Entra ID as the apps'
 * user-assigned identity, which gets the database's `default` access policy.
 */
export class ManagedRedis extends pulumi.ComponentResource {
  public readonly cluster: redisenterprise.RedisEnterprise;
  public readonly database: redisenterprise.Database;

  constructor(name: string, args: ManagedRedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:azure:ManagedRedis", name, {}, opts);
    this.cluster = new redisenterprise.RedisEnterprise(`${name}-cluster`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      clusterName: args.clusterName,
      sku: { name: args.sku },
      minimumTlsVersion: "1.2",
      publicNetworkAccess: "Disabled",
    }, { parent: this });
    this.database = new redisenterprise.Database(`${name}-database`, {
      resourceGroupName: args.resourceGroupName,
      clusterName: this.cluster.name,
      databaseName: "default",
      clientProtocol: "Encrypted",
      port: 10000,
      clusteringPolicy: args.clusteringPolicy,
      evictionPolicy: args.evictionPolicy,
      accessKeysAuthentication: "Disabled",
    }, { parent: this });
    new redisenterprise.AccessPolicyAssignment(`${name}-apps-access`, {
      resourceGroupName: args.resourceGroupName,
      clusterName: this.cluster.name,
      databaseName: this.database.name,
      accessPolicyAssignmentName: "parity-apps",
      accessPolicyName: "default",
      user: { objectId: args.appIdentityPrincipalId },
    }, { parent: this });
    const zone = new privatedns.PrivateZone(`${name}-dns`, {
      resourceGroupName: args.resourceGroupName,
      location: "global",
      privateZoneName: "privatelink.redis.azure.net",
    }, { parent: this });
    new privatedns.VirtualNetworkLink(`${name}-dns-link`, {
      resourceGroupName: args.resourceGroupName,
      location: "global",
      privateZoneName: zone.name,
      virtualNetworkLinkName: `${args.clusterName}-vnet`,
      virtualNetwork: { id: args.vnetId },
      registrationEnabled: false,
    }, { parent: this });
    const endpoint = new network.PrivateEndpoint(`${name}-endpoint`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      privateEndpointName: `${args.clusterName}-pe`,
      subnet: { id: args.privateEndpointsSubnetId },
      privateLinkServiceConnections: [{ name: args.clusterName, privateLinkServiceId: this.cluster.id, groupIds: ["redisEnterprise"] }],
    }, { parent: this, dependsOn: [this.database] });
    new network.PrivateDnsZoneGroup(`${name}-dns-group`, {
      resourceGroupName: args.resourceGroupName,
      privateEndpointName: endpoint.name,
      privateDnsZoneGroupName: "default",
      privateDnsZoneConfigs: [{ name: "redis", privateDnsZoneId: zone.id }],
    }, { parent: this });
    this.registerOutputs({ hostName: this.cluster.hostName });
  }
}
