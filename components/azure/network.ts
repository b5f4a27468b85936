import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";

export interface VirtualNetworkArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly vnetName: string;
  readonly vnetCidr: string;
  /** Container Apps environment subnet; delegated to Microsoft.App/environments, with a Microsoft.Storage service endpoint for Azure Files. */
  readonly appsSubnet: string;
  /** Flexible Server subnet; delegated to Microsoft.DBforPostgreSQL/flexibleServers. */
  readonly postgresSubnet: string;
  /** Private endpoints (Managed Redis). */
  readonly privateEndpointsSubnet: string;
}

/**
 * The VNet and its three subnets. Subnets are separate resources created one after another:
 * Azure refuses concurrent updates of one VNet (AnotherOperationInProgress).
 */
export class VirtualNetwork extends pulumi.ComponentResource {
  public readonly vnet: network.VirtualNetwork;
  public readonly appsSubnet: network.Subnet;
  public readonly postgresSubnet: network.Subnet;
  public readonly privateEndpointsSubnet: network.Subnet;

  constructor(name: string, args: VirtualNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:azure:VirtualNetwork", name, {}, opts);
    this.vnet = new network.VirtualNetwork(`${name}-vnet`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      virtualNetworkName: args.vnetName,
      addressSpace: { addressPrefixes: [args.vnetCidr] },
    }, { parent: this, ignoreChanges: ["subnets"] });
    const subnet = (suffix: string, prefix: string, extra: Partial<network.SubnetArgs>, after: pulumi.Resource[]) =>
      new network.Subnet(`${name}-${suffix}`, {
        resourceGroupName: args.resourceGroupName,
        virtualNetworkName: this.vnet.name,
        subnetName: suffix,
        addressPrefix: prefix,
        ...extra,
      }, { parent: this, dependsOn: after });
    this.appsSubnet = subnet("apps", args.appsSubnet, {
      delegations: [{ name: "container-apps", serviceName: "Microsoft.App/environments" }],
      serviceEndpoints: [{ service: "Microsoft.Storage" }],
    }, []);
    this.postgresSubnet = subnet("postgres", args.postgresSubnet, {
      delegations: [{ name: "flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
    }, [this.appsSubnet]);
    this.privateEndpointsSubnet = subnet("private-endpoints", args.privateEndpointsSubnet, {
      privateEndpointNetworkPolicies: "Disabled",
    }, [this.postgresSubnet]);
    this.registerOutputs({ vnetId: this.vnet.id });
  }
}
