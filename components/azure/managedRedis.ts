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
  /**
   * `entraId`: access keys off, the apps' user-assigned identity (principal id) gets the
   * database's `default` access policy. `accessKey`: access keys on; `primaryKey` carries the key.
   */
  readonly authentication: { readonly kind: "entraId"; readonly appIdentityPrincipalId: pulumi.Input<string> } | { readonly kind: "accessKey" };
}

/**
 * Azure Managed Redis (the successor of Azure Cache for Redis, which is being retired): one
 * cluster and its `default` database on TLS port 10000, reachable only through a private
 * endpoint in the VNet. Clients authenticate either with Entra ID as the apps' user-assigned
 * identity (access keys off; the identity gets the database's `default` access policy) or with
 * the database's access key, which the caller keeps in Key Vault.
 */
export class ManagedRedis extends pulumi.ComponentResource {
  public readonly cluster: redisenterprise.RedisEnterprise;
  public readonly database: redisenterprise.Database;
  /** The database's primary access key (secret); only with `accessKey` authentication. */
  public readonly primaryKey?: pulumi.Output<string>;

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
      accessKeysAuthentication: args.authentication.kind === "accessKey" ? "Enabled" : "Disabled",
    }, { parent: this });
    if (args.authentication.kind === "entraId") {
      new redisenterprise.AccessPolicyAssignment(`${name}-apps-access`, {
        resourceGroupName: args.resourceGroupName,
        clusterName: this.cluster.name,
        databaseName: this.database.name,
        accessPolicyAssignmentName: "parity-apps",
        accessPolicyName: "default",
        user: { objectId: args.authentication.appIdentityPrincipalId },
      }, { parent: this });
    } else {
      // Read from the database's outputs, so the key is listed only once the database exists.
      this.primaryKey = pulumi.secret(redisenterprise.listDatabaseKeysOutput({
        resourceGroupName: args.resourceGroupName, clusterName: this.cluster.name, databaseName: this.database.name,
      }, { parent: this }).primaryKey);
    }
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
