import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import { SharedStorageModel } from "../../model/types";
import { renderNfsExport } from "../../renderers/nfsServer";
import { ProvisionStep, SshConnection } from "../remote/provisionStep";

export interface NfsSharedStorageArgs {
  readonly storage: SharedStorageModel;
  /** SSH to the exporting node as root. */
  readonly serverConnection: pulumi.Input<SshConnection>;
}

/**
 * Shared storage that unprivileged LXCs can use: the exporting Proxmox node serves the
 * directory over NFS; the export is registered as Proxmox NFS storage on the other nodes (Proxmox
 * mounts it at /mnt/pve/<id>); guests get it as a bind mount point. Guests never run or mount NFS.
 */
export class NfsSharedStorage extends pulumi.ComponentResource {
  /** Resources guests with the bind mount must wait for. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: NfsSharedStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:proxmox:NfsSharedStorage", name, {}, opts);
    const s = args.storage;
    const exportStep = new ProvisionStep(
      `${name}-export`,
      {
        connection: args.serverConnection,
        bundle: renderNfsExport({ name: s.name, exportPath: s.exportPath, clients: s.clientNodes.map((n) => n.address), ownerUid: s.ownerUid, ownerGid: s.ownerGid }),
      },
      { parent: this },
    );
    this.ready = [exportStep];
    if (s.clientNodes.length > 0) {
      const registration = new proxmox.storage.Nfs(
        `${name}-storage`,
        {
          resourceId: s.name,
          server: s.serverAddress,
          export: s.exportPath,
          nodes: s.clientNodes.map((n) => n.name),
          // Proxmox wants a content type; "backup" adds only a dump/ subdirectory.
          contents: ["backup"],
          options: "vers=4.2,hard",
        },
        { parent: this, dependsOn: [exportStep] },
      );
      this.ready.push(registration);
    }
    this.registerOutputs({});
  }
}
