import { construct, secret, tree } from "../../../helpers/componentRun";

const args = { resourceGroupName: "rg", location: "westeurope", environmentName: "cae-parity", subnetId: "/subnets/apps", internal: false, logAnalyticsCustomerId: "customer", logAnalyticsSharedKey: secret("KEY") };
const environment = (extra: object) => construct({ module: "components/azure/appEnvironment", export: "AppEnvironment", name: "apps", args: { ...args, ...extra } });
const common = {
  resourceGroupName: "rg",
  location: "westeurope",
  environmentName: "cae-parity",
  workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
  vnetConfiguration: { infrastructureSubnetId: "/subnets/apps", internal: false },
  appLogsConfiguration: { destination: "log-analytics", logAnalyticsConfiguration: { customerId: "customer", sharedKey: "[secret]" } },
  zoneRedundant: false,
};

describe("AppEnvironment", () => {
  it("is one Consumption environment on the apps subnet, logging to Log Analytics with a secret key", async () => {
    const run = await environment({});
    expect(tree(run)).toEqual([
      ["parity:azure:AppEnvironment", "apps", "parity-unit"],
      ["azure-native:app:ManagedEnvironment", "apps-environment", "apps"],
    ]);
    const env = run.one("apps-environment");
    expect(env.inputs).toEqual(common);
    expect(env.secretInputs).toEqual(["appLogsConfiguration"]);
    expect(env.rawInputs["appLogsConfiguration"]).toEqual({ destination: "log-analytics", logAnalyticsConfiguration: { customerId: "customer", sharedKey: "KEY" } });
  });

  it("forwards OpenTelemetry traces and logs to Application Insights when asked, its connection string secret", async () => {
    const env = (await environment({ openTelemetryToAppInsights: { connectionString: "InstrumentationKey=k" } })).one("apps-environment");
    expect(env.inputs).toEqual({
      ...common,
      appInsightsConfiguration: { connectionString: "[secret]" },
      openTelemetryConfiguration: { tracesConfiguration: { destinations: ["appInsights"] }, logsConfiguration: { destinations: ["appInsights"] } },
    });
    expect(env.secretInputs).toEqual(["appInsightsConfiguration", "appLogsConfiguration"]);
    expect(env.rawInputs["appInsightsConfiguration"]).toEqual({ connectionString: "InstrumentationKey=k" });
  });
});
