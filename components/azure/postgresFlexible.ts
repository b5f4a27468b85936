import * as pulumi from "@pulumi/pulumi";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as privatedns from "@pulumi/azure-native/privatedns";

export interface PostgresFlexibleArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly serverName: string;
  /** Major version (schema default "16"). */
  readonly version: string;
  readonly skuName: string;
  readonly tier: string;
  readonly storageGb: number;
  readonly backupRetentionDays: number;
  readonly administratorLogin: string;
  readonly administratorPassword: pulumi.Input<string>;
  readonly databases: readonly string[];
  /** `azure.extensions` allow-list; empty means the setting is left alone. */
  readonly extensions: readonly string[];
  /** Subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers. */
  readonly subnetId: pulumi.Input<string>;
  readonly vnetId: pulumi.Input<string>;
}

/**
 * PostgreSQL Flexible Server with private access only: a delegated subnet and a private DNS
 * zone linked to the VNet, so `<server>.postgres.database.azure.com` resolves to a VNet address.
 * The server is protected. Configuration and databases are chained one after another: the
 * server answers ServerBusy to concurrent changes right after creation.
 */
export class PostgresFlexible extends pulumi.ComponentResource {
  public readonly server: dbforpostgresql.Server;
  public readonly fqdn: string;

  constructor(name: string, args: PostgresFlexibleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:azure:PostgresFlexible", name, {}, opts);
    this.fqdn = `${args.serverName}.postgres.database.azure.com`;
    const zone = new privatedns.PrivateZone(`${name}-dns`, {
      resourceGroupName: args.resourceGroupName,
      location: "global",
      privateZoneName: `${args.serverName}.private.postgres.database.azure.com`,
    }, { parent: this });
    const link = new privatedns.VirtualNetworkLink(`${name}-dns-link`, {
      resourceGroupName: args.resourceGroupName,
      location: "global",
      privateZoneName: zone.name,
      virtualNetworkLinkName: `${args.serverName}-vnet`,
      virtualNetwork: { id: args.vnetId },
      registrationEnabled: false,
    }, { parent: this });
    this.server = new dbforpostgresql.Server(`${name}-server`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      serverName: args.serverName,
      version: args.version,
      sku: { name: args.skuName, tier: args.tier },
      storage: { storageSizeGB: args.storageGb, autoGrow: "Enabled" },
      backup: { backupRetentionDays: args.backupRetentionDays, geoRedundantBackup: "Disabled" },
      highAvailability: { mode: "Disabled" },
      authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
      administratorLogin: args.administratorLogin,
      administratorLoginPassword: pulumi.secret(args.administratorPassword),
      network: { delegatedSubnetResourceId: args.subnetId, privateDnsZoneArmResourceId: zone.id, publicNetworkAccess: "Disabled" },
    }, { parent: this, protect: true, dependsOn: [link] });
    let previous: pulumi.Resource = this.server;
    if (args.extensions.length) {
      previous = new dbforpostgresql.Configuration(`${name}-extensions`, {
        resourceGroupName: args.resourceGroupName,
        serverName: this.server.name,
        configurationName: "azure.extensions",
        value: args.extensions.join(","),
        source: "user-override",
      }, { parent: this, dependsOn: [previous] });
    }
    for (const db of args.databases) {
      previous = new dbforpostgresql.Database(`${name}-${db}`, {
        resourceGroupName: args.resourceGroupName,
        serverName: this.server.name,
        databaseName: db,
        charset: "UTF8",
        collation: "en_US.utf8",
      }, { parent: this, dependsOn: [previous] });
    }
    this.registerOutputs({ fqdn: this.fqdn });
  }
}
