import { construct, tree } from "../../../helpers/componentRun";

describe("ServiceBusBroker", () => {
  it("is one Standard namespace, TLS 1.2, local (SAS) auth off", async () => {
    const run = await construct({ module: "components/azure/serviceBus", export: "ServiceBusBroker", name: "bus", args: { resourceGroupName: "rg-parity", location: "westeurope", namespaceName: "sb-parity" } });
    expect(tree(run)).toEqual([
      ["parity:azure:ServiceBusBroker", "bus", "parity-unit"],
      ["azure-native:servicebus:Namespace", "bus-namespace", "bus"],
    ]);
    const ns = run.one("bus-namespace");
    expect(ns.inputs).toEqual({
      resourceGroupName: "rg-parity",
      location: "westeurope",
      namespaceName: "sb-parity",
      sku: { name: "Standard", tier: "Standard" },
      minimumTlsVersion: "1.2",
      disableLocalAuth: true,
      publicNetworkAccess: "Enabled", // the provider's default
    });
    expect(ns.secretInputs).toEqual([]);
    expect(ns.dependencies).toEqual([]);
  });
});
