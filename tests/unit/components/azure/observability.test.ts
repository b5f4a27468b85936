import { construct, tree } from "../../../helpers/componentRun";

const args = { resourceGroupName: "rg", location: "westeurope", workspaceName: "log-parity", appInsightsName: "appi-parity", retentionDays: 30 };

describe("Observability", () => {
  it("is a Log Analytics workspace and a workspace-based Application Insights that accepts the agent's connection string", async () => {
    const run = await construct({ module: "components/azure/observability", export: "Observability", name: "obs", args, outputs: ["workspaceSharedKey"] });
    expect(tree(run)).toEqual([
      ["parity:azure:Observability", "obs", "parity-unit"],
      ["azure-native:applicationinsights:Component", "obs-insights", "obs"],
      ["azure-native:operationalinsights:Workspace", "obs-logs", "obs"],
    ]);
    expect(run.one("obs-logs").inputs).toEqual({ resourceGroupName: "rg", location: "westeurope", workspaceName: "log-parity", sku: { name: "PerGB2018" }, retentionInDays: 30 });
    const insights = run.one("obs-insights");
    expect(insights.inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      resourceName: "appi-parity",
      kind: "web",
      applicationType: "web",
      ingestionMode: "LogAnalytics",
      workspaceResourceId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/operationalinsights/obs-logs",
      disableLocalAuth: false,
      // The provider's defaults.
      flowType: "Bluefield",
      requestSource: "rest",
      publicNetworkAccessForIngestion: "Enabled",
      publicNetworkAccessForQuery: "Enabled",
    });
    expect(insights.dependencies).toEqual(["urn:pulumi:unit::parity::parity:azure:Observability$azure-native:operationalinsights:Workspace::obs-logs"]);
    expect(run.resources.flatMap((r) => r.secretInputs)).toEqual([]);
    // The workspace's shared key, for the environment's log destination, comes out secret.
    expect(run.outputs["workspaceSharedKey"]).toMatchObject({ secret: true });
  });
});
