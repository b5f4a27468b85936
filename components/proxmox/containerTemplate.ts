import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";

export interface ContainerTemplateArgs {
  readonly node: string;
  readonly url: string;
  readonly fileName: string;
  /** The file's digest (Proxmox's aplinfo publishes sha512): the node rejects other bytes. */
  readonly checksum: string;
  /** Default "sha512" (what Proxmox's aplinfo publishes). */
  readonly checksumAlgorithm?: "sha256" | "sha512";
  /** Storage with `vztmpl` content on that node. */
  readonly datastore: string;
}

/** The pinned Debian 12 template, downloaded once per node that hosts a guest. */
export class ContainerTemplate extends pulumi.ComponentResource {
  public readonly fileId: pulumi.Output<string>;

  constructor(name: string, args: ContainerTemplateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:proxmox:ContainerTemplate", name, {}, opts);
    const file = new proxmox.download.File(
      `${name}-file`,
      {
        contentType: "vztmpl",
        datastoreId: args.datastore,
        nodeName: args.node,
        url: args.url,
        fileName: args.fileName,
        checksum: args.checksum,
        checksumAlgorithm: args.checksumAlgorithm ?? "sha512",
        overwrite: false,
        overwriteUnmanaged: false,
      },
      // Guests ignore template changes (see LxcHost), so deleting an old template never touches them.
      { parent: this, retainOnDelete: true },
    );
    this.fileId = file.id;
    this.registerOutputs({ fileId: this.fileId });
  }
}
