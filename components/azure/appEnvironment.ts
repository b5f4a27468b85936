import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";

export interface AppEnvironmentArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly environmentName: string;
  /** Subnet delegated to Microsoft.App/environments. */
  readonly subnetId: pulumi.Input<string>;
  /** Internal (default): the environment's load balancer has only a VNet address. */
  readonly internal?: boolean;
  readonly logAnalyticsCustomerId: pulumi.Input<string>;
  readonly logAnalyticsSharedKey: pulumi.Input<string | undefined>;
}

/**
 * One Container Apps environment (workload profiles, Consumption) on the VNet. Apps inside
 * reach each other by app name; stdout/stderr go to Log Analytics.
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
      vnetConfiguration: { infrastructureSubnetId: args.subnetId, internal: args.internal ?? true },
      appLogsConfiguration: {
        destination: "log-analytics",
        logAnalyticsConfiguration: { customerId: args.logAnalyticsCustomerId, sharedKey: args.logAnalyticsSharedKey },
      },
      zoneRedundant: false,
    }, { parent: this });
    this.registerOutputs({ environmentId: this.environment.id });
  }
}
