import * as pulumi from "@pulumi/pulumi";
import * as insights from "@pulumi/azure-native/applicationinsights";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";

export interface ObservabilityArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly workspaceName: string;
  readonly appInsightsName: string;
  /** Log Analytics retention in days (schema default 30, the free retention). */
  readonly retentionDays: number;
}

/**
 * Log Analytics (container stdout/stderr and platform logs of the environment) and a
 * workspace-based Application Insights (traces and logs the environment's OpenTelemetry
 * agent forwards): Azure's stand-ins for Prometheus, Grafana and Jaeger.
 */
export class Observability extends pulumi.ComponentResource {
  public readonly workspace: operationalinsights.Workspace;
  public readonly appInsights: insights.Component;
  /** Shared key of the workspace, for the environment's log destination (secret). */
  public readonly workspaceSharedKey: pulumi.Output<string | undefined>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:azure:Observability", name, {}, opts);
    this.workspace = new operationalinsights.Workspace(`${name}-logs`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      workspaceName: args.workspaceName,
      sku: { name: "PerGB2018" },
      retentionInDays: args.retentionDays,
    }, { parent: this });
    this.appInsights = new insights.Component(`${name}-insights`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      resourceName: args.appInsightsName,
      kind: "web",
      applicationType: "web",
      ingestionMode: "LogAnalytics",
      workspaceResourceId: this.workspace.id,
      // The environment's OpenTelemetry agent sends with the connection string only: it needs local auth.
      disableLocalAuth: false,
    }, { parent: this });
    this.workspaceSharedKey = pulumi.secret(
      operationalinsights.getSharedKeysOutput({ resourceGroupName: args.resourceGroupName, workspaceName: this.workspace.name }, { parent: this }).primarySharedKey,
    );
    this.registerOutputs({ workspaceId: this.workspace.id, appInsightsId: this.appInsights.id });
  }
}
