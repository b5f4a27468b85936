import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as storage from "@pulumi/azure-native/storage";

export interface AzureFilesArgs {
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly accountName: string;
  /** Subnet of the Container Apps environment (has the Microsoft.Storage service endpoint). */
  readonly appsSubnetId: pulumi.Input<string>;
  readonly environmentName: pulumi.Input<string>;
  /** NFS share for parity:sharedStorage, registered in the environment as this storage name. */
  readonly nfsShare?: { readonly storageName: string; readonly quotaGb: number };
  /** SMB shares for app volumes (e.g. RabbitMQ's data), by environment storage name; may be empty. Quota 100 GiB each. */
  readonly smbShares: readonly string[];
}

/**
 * Azure Files on one premium FileStorage account (protected): an NFS 4.1 share for the shared
 * directory and SMB shares for app volumes, each registered in the Container Apps environment.
 * NFS needs secure transfer off on the account; the account accepts traffic only from the
 * apps subnet.
 */
export class AzureFiles extends pulumi.ComponentResource {
  public readonly account: storage.StorageAccount;
  /** Environment storages, for apps to depend on. */
  public readonly storages: app.ManagedEnvironmentsStorage[] = [];

  constructor(name: string, args: AzureFilesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:azure:AzureFiles", name, {}, opts);
    this.account = new storage.StorageAccount(`${name}-account`, {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      accountName: args.accountName,
      kind: "FileStorage",
      sku: { name: "Premium_LRS" },
      enableHttpsTrafficOnly: false,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", virtualNetworkRules: [{ virtualNetworkResourceId: args.appsSubnetId }] },
    }, { parent: this, protect: true });
    const share = (storageName: string, protocol: "NFS" | "SMB", quotaGb: number) =>
      new storage.FileShare(`${name}-${storageName}`, {
        resourceGroupName: args.resourceGroupName,
        accountName: this.account.name,
        shareName: storageName,
        enabledProtocols: protocol,
        shareQuota: quotaGb,
        ...(protocol === "NFS" ? { rootSquash: "NoRootSquash" } : {}),
      }, { parent: this });
    if (args.nfsShare) {
      const nfs = share(args.nfsShare.storageName, "NFS", args.nfsShare.quotaGb);
      this.storages.push(new app.ManagedEnvironmentsStorage(`${name}-${args.nfsShare.storageName}-env`, {
        resourceGroupName: args.resourceGroupName,
        environmentName: args.environmentName,
        storageName: args.nfsShare.storageName,
        properties: { nfsAzureFile: { server: `${args.accountName}.file.core.windows.net`, shareName: `/${args.accountName}/${args.nfsShare.storageName}`, accessMode: "ReadWrite" } },
      }, { parent: this, dependsOn: [nfs] }));
    }
    if (args.smbShares.length) {
      const keys = storage.listStorageAccountKeysOutput({ resourceGroupName: args.resourceGroupName, accountName: this.account.name }, { parent: this });
      // The SDK types keys as always there; the offline plan's mock engine answers without them.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      const accountKey = pulumi.secret(keys.apply((k) => k.keys?.[0]?.value ?? ""));
      for (const storageName of args.smbShares) {
        const smb = share(storageName, "SMB", 100);
        this.storages.push(new app.ManagedEnvironmentsStorage(`${name}-${storageName}-env`, {
          resourceGroupName: args.resourceGroupName,
          environmentName: args.environmentName,
          storageName,
          properties: { azureFile: { accountName: args.accountName, accountKey, shareName: storageName, accessMode: "ReadWrite" } },
        }, { parent: this, dependsOn: [smb] }));
      }
    }
    this.registerOutputs({ accountId: this.account.id });
  }
}
