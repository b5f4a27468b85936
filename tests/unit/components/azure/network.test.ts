import { construct, tree } from "../../../helpers/componentRun";

const args = { resourceGroupName: "rg", location: "westeurope", vnetName: "vnet-parity", vnetCidr: "10.40.0.0/16", appsSubnet: "10.40.0.0/23", postgresSubnet: "10.40.2.0/24", privateEndpointsSubnet: "10.40.3.0/24" };
const urn = (type: string, name: string) => `urn:pulumi:unit::parity::parity:azure:VirtualNetwork$${type}::${name}`;
const VNET = urn("azure-native:network:VirtualNetwork", "net-vnet");
const subnetUrn = (name: string) => urn("azure-native:network:Subnet", name);
/** The provider's defaults on every subnet. */
const subnetDefaults = { resourceGroupName: "rg", virtualNetworkName: "vnet-parity", privateEndpointNetworkPolicies: "Disabled", privateLinkServiceNetworkPolicies: "Enabled" };

describe("VirtualNetwork", () => {
  it("is the VNet and three subnets, created one after another (Azure refuses concurrent updates of a VNet)", async () => {
    const run = await construct({ module: "components/azure/network", export: "VirtualNetwork", name: "net", args });
    expect(tree(run)).toEqual([
      ["parity:azure:VirtualNetwork", "net", "parity-unit"],
      ["azure-native:network:Subnet", "net-apps", "net"],
      ["azure-native:network:Subnet", "net-postgres", "net"],
      ["azure-native:network:Subnet", "net-private-endpoints", "net"],
      ["azure-native:network:VirtualNetwork", "net-vnet", "net"],
    ]);
    const vnet = run.one("net-vnet");
    expect(vnet.inputs).toEqual({ resourceGroupName: "rg", location: "westeurope", virtualNetworkName: "vnet-parity", addressSpace: { addressPrefixes: ["10.40.0.0/16"] }, enableDdosProtection: false, enableVmProtection: false });
    // The subnets are resources of their own: the VNet's inline list would fight them.
    expect(vnet.ignoreChanges).toEqual(["subnets"]);

    expect(run.one("net-apps").inputs).toEqual({
      ...subnetDefaults,
      subnetName: "apps",
      addressPrefix: "10.40.0.0/23",
      delegations: [{ name: "container-apps", serviceName: "Microsoft.App/environments" }],
      serviceEndpoints: [{ service: "Microsoft.Storage" }],
    });
    expect(run.one("net-postgres").inputs).toEqual({
      ...subnetDefaults,
      subnetName: "postgres",
      addressPrefix: "10.40.2.0/24",
      delegations: [{ name: "flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
    });
    expect(run.one("net-private-endpoints").inputs).toEqual({ ...subnetDefaults, subnetName: "private-endpoints", addressPrefix: "10.40.3.0/24" });

    // Each subnet waits for the VNet (its name is an output of it) and for the subnet before it.
    expect(run.one("net-apps").dependencies).toEqual([VNET]);
    expect([...run.one("net-postgres").dependencies].sort()).toEqual([subnetUrn("net-apps"), VNET].sort());
    expect([...run.one("net-private-endpoints").dependencies].sort()).toEqual([subnetUrn("net-postgres"), VNET].sort());
    expect(run.resources.flatMap((r) => r.secretInputs)).toEqual([]);
  });
});
