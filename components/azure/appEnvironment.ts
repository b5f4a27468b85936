import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";

export interface AppEnvironmentArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly environmentName: string;
  /** Subnet delegated to Microsoft.App/environments. */
  readonly subnetId: pulumi.Input<string>;
  /** Internal: the environment's load balancer has only a VNet address. The model decides (`AzureModel.externalEnvironment`). */
  readonly internal: boolean;
  readonly logAnalyticsCustomerId: pulumi.Input<string>;
  readonly logAnalyticsSharedKey: pulumi.Input<string | undefined>;
  /**
   * Runs the environment's managed OpenTelemetry agent with Application Insights as the traces
   * and logs destination. Default: no agent. The agent injects OTEL_EXPORTER_OTLP_ENDPOINT (its
   * own gRPC endpoint) and OTEL_EXPORTER_OTLP_PROTOCOL=grpc into every app; an app that sets
   * either itself overrides the agent, so Parity never does. Application Insights takes no
   * metrics from the agent, and must keep local authentication on to accept its data.
   */
  readonly openTelemetryToAppInsights?: { readonly connectionString: pulumi.Input<string> };
}

/**
 * One Container Apps environment (workload profiles, Consumption) on the VNet. Apps inside
 * reach each other by app name; stdout/stderr go to Log Analytics; OpenTelemetry traces and
 * logs, when asked, through the managed agent to Application Insights.
 */
export class AppEnvironment extends pulumi.ComponentResource {
  public readonly environment: app.ManagedEnvironment;

  constructor(name: string, args: AppEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:azure:AppEnvironment", name, {}, opts);
    this.environment = new app.ManagedEnvironment(`${name}-environment`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      environmentName: args.environmentName,
      workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
      vnetConfiguration: { infrastructureSubnetId: args.subnetId, internal: args.internal },
      appLogsConfiguration: {
        destination: "log-analytics",
        logAnalyticsConfiguration: { customerId: args.logAnalyticsCustomerId, sharedKey: args.logAnalyticsSharedKey },
      },
      ...(args.openTelemetryToAppInsights
        ? {
          appInsightsConfiguration: { connectionString: pulumi.secret(args.openTelemetryToAppInsights.connectionString) },
          openTelemetryConfiguration: {
            tracesConfiguration: { destinations: ["appInsights"] },
            logsConfiguration: { destinations: ["appInsights"] },
          },
        }
        : {}),
      zoneRedundant: false,
    }, { parent: this });
    this.registerOutputs({ environmentId: this.environment.id });
  }
}
