import { construct, tree } from "../../../helpers/componentRun";

const args = { resourceGroupName: "rg", location: "westeurope", serverName: "psql-parity", version: "16", skuName: "Standard_B1ms", tier: "Burstable", storageGb: 32, backupRetentionDays: 7, administratorLogin: "parity", administratorPassword: "pw", databases: ["app", "stock"], extensions: ["PG_TRGM", "VECTOR"], subnetId: "/subnets/pg", vnetId: "/vnets/parity" };
const postgres = (over: object = {}) => construct({ module: "components/azure/postgresFlexible", export: "PostgresFlexible", name: "pg", args: { ...args, ...over }, outputs: ["fqdn"] });
const URN = (type: string, name: string) => `urn:pulumi:unit::parity::parity:azure:PostgresFlexible$azure-native:${type}::${name}`;
const SERVER = URN("dbforpostgresql:Server", "pg-server");
const ZONE = "psql-parity.private.postgres.database.azure.com";

describe("PostgresFlexible", () => {
  it("a protected private server on its delegated subnet, then extensions and databases one after another", async () => {
    const run = await postgres();
    expect(tree(run)).toEqual([
      ["parity:azure:PostgresFlexible", "pg", "parity-unit"],
      ["azure-native:dbforpostgresql:Database", "pg-app", "pg"],
      ["azure-native:privatedns:PrivateZone", "pg-dns", "pg"],
      ["azure-native:privatedns:VirtualNetworkLink", "pg-dns-link", "pg"],
      ["azure-native:dbforpostgresql:Configuration", "pg-extensions", "pg"],
      ["azure-native:dbforpostgresql:Server", "pg-server", "pg"],
      ["azure-native:dbforpostgresql:Database", "pg-stock", "pg"],
    ]);
    const server = run.one("pg-server");
    expect(server.inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      serverName: "psql-parity",
      version: "16",
      sku: { name: "Standard_B1ms", tier: "Burstable" },
      storage: { storageSizeGB: 32, autoGrow: "Enabled" },
      backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" },
      // tenantId, availabilityZone, standbyAvailabilityZone: the provider's defaults.
      highAvailability: { mode: "Disabled", standbyAvailabilityZone: "" },
      availabilityZone: "",
      authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled", tenantId: "" },
      administratorLogin: "parity",
      administratorLoginPassword: "[secret]",
      network: { delegatedSubnetResourceId: "/subnets/pg", privateDnsZoneArmResourceId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/privatedns/pg-dns", publicNetworkAccess: "Disabled" },
    });
    // The password is secret even when the caller passes it plain.
    expect(server.secretInputs).toEqual(["administratorLoginPassword"]);
    expect(server.rawInputs["administratorLoginPassword"]).toBe("pw");
    expect(server.protect).toBe(true);
    expect([...server.dependencies].sort()).toEqual([URN("privatedns:PrivateZone", "pg-dns"), URN("privatedns:VirtualNetworkLink", "pg-dns-link")]);

    expect(run.one("pg-dns").inputs).toEqual({ resourceGroupName: "rg", location: "global", privateZoneName: ZONE });
    expect(run.one("pg-dns-link").inputs).toEqual({ resourceGroupName: "rg", location: "global", privateZoneName: ZONE, virtualNetworkLinkName: "psql-parity-vnet", virtualNetwork: { id: "/vnets/parity" }, registrationEnabled: false });
    expect(run.one("pg-extensions").inputs).toEqual({ resourceGroupName: "rg", serverName: "psql-parity", configurationName: "azure.extensions", value: "PG_TRGM,VECTOR", source: "user-override" });
    for (const db of ["app", "stock"]) expect(run.one(`pg-${db}`).inputs).toEqual({ resourceGroupName: "rg", serverName: "psql-parity", databaseName: db, charset: "UTF8", collation: "en_US.utf8" });
    // One change at a time: the server answers ServerBusy to concurrent ones right after creation.
    expect([...run.one("pg-extensions").dependencies]).toEqual([SERVER]);
    expect([...run.one("pg-app").dependencies].sort()).toEqual([URN("dbforpostgresql:Configuration", "pg-extensions"), SERVER]);
    expect([...run.one("pg-stock").dependencies].sort()).toEqual([URN("dbforpostgresql:Database", "pg-app"), SERVER]);
    expect(run.outputs["fqdn"]).toBe("psql-parity.postgres.database.azure.com");
  });

  it("without extensions, the first database follows the server directly", async () => {
    const run = await postgres({ extensions: [], databases: ["app"] });
    expect(run.resources.map((r) => r.name)).not.toContain("pg-extensions");
    expect([...run.one("pg-app").dependencies]).toEqual([SERVER]);
  });
});
