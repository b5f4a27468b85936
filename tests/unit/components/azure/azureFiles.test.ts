import { construct, tree } from "../../../helpers/componentRun";

const args = { resourceGroupName: "rg", location: "westeurope", accountName: "stparity", appsSubnetId: "/subnets/apps", environmentName: "cae-parity" };
const files = (over: object) => construct({ module: "components/azure/azureFiles", export: "AzureFiles", name: "files", args: { ...args, ...over } });
const URN = (type: string, name: string) => `urn:pulumi:unit::parity::parity:azure:AzureFiles$azure-native:${type}::${name}`;

describe("AzureFiles", () => {
  it("a protected Premium file account open to the apps subnet only, an NFS share and an SMB share, each registered in the environment", async () => {
    const run = await files({ nfsShare: { storageName: "shared", quotaGb: 100 }, smbShares: ["grafana"] });
    expect(tree(run)).toEqual([
      ["parity:azure:AzureFiles", "files", "parity-unit"],
      ["azure-native:storage:StorageAccount", "files-account", "files"],
      ["azure-native:storage:FileShare", "files-grafana", "files"],
      ["azure-native:app:ManagedEnvironmentsStorage", "files-grafana-env", "files"],
      ["azure-native:storage:FileShare", "files-shared", "files"],
      ["azure-native:app:ManagedEnvironmentsStorage", "files-shared-env", "files"],
    ]);
    const account = run.one("files-account");
    expect(account.inputs).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      accountName: "stparity",
      kind: "FileStorage",
      sku: { name: "Premium_LRS" },
      // NFS needs secure transfer off.
      enableHttpsTrafficOnly: false,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", virtualNetworkRules: [{ virtualNetworkResourceId: "/subnets/apps" }] },
    });
    expect(account.protect).toBe(true);
    expect(run.one("files-shared").inputs).toEqual({ resourceGroupName: "rg", accountName: "stparity", shareName: "shared", enabledProtocols: "NFS", shareQuota: 100, rootSquash: "NoRootSquash" });
    expect(run.one("files-grafana").inputs).toEqual({ resourceGroupName: "rg", accountName: "stparity", shareName: "grafana", enabledProtocols: "SMB", shareQuota: 100 });

    const nfs = run.one("files-shared-env");
    expect(nfs.inputs).toEqual({ resourceGroupName: "rg", environmentName: "cae-parity", storageName: "shared", properties: { nfsAzureFile: { server: "stparity.file.core.windows.net", shareName: "/stparity/shared", accessMode: "ReadWrite" } } });
    expect(nfs.secretInputs).toEqual([]);
    expect(nfs.dependencies).toEqual([URN("storage:FileShare", "files-shared")]);

    // The SMB share is mounted with the account's key, read from the account and kept secret.
    const smb = run.one("files-grafana-env");
    expect(smb.inputs).toEqual({ resourceGroupName: "rg", environmentName: "cae-parity", storageName: "grafana", properties: { azureFile: { accountName: "stparity", accountKey: "[secret]", shareName: "grafana", accessMode: "ReadWrite" } } });
    expect(smb.secretInputs).toEqual(["properties"]);
    expect([...smb.dependencies].sort()).toEqual([URN("storage:FileShare", "files-grafana"), URN("storage:StorageAccount", "files-account")].sort());
  });

  it("no shares asked for: the account alone", async () => {
    const run = await files({ smbShares: [] });
    expect(tree(run)).toEqual([
      ["parity:azure:AzureFiles", "files", "parity-unit"],
      ["azure-native:storage:StorageAccount", "files-account", "files"],
    ]);
  });
});
