import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";

export interface BuiltTemplateArgs {
  readonly node: string;
  /** Local path of the archive from `npm run build:template`. */
  readonly path: string;
  readonly fileName: string;
  /** sha256 of the archive: the provider verifies the upload, and a rebuild changes the plan. */
  readonly sha256: string;
  /** Storage with `vztmpl` content on the node. */
  readonly datastore: string;
}

/**
 * A template built by Parity, uploaded to a node's template storage through the API (needs
 * Datastore.AllocateTemplate and local temp space of about twice the archive).
 */
export class BuiltTemplate extends pulumi.ComponentResource {
  public readonly fileId: pulumi.Output<string>;

  constructor(name: string, args: BuiltTemplateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("parity:proxmox:BuiltTemplate", name, {}, opts);
    // The provider (8.6.0) has no non-legacy upload resource yet and does not mark this one
    // deprecated: download.File only fetches by URL, which a locally built archive has none of.
    const file = new proxmox.FileLegacy(
      `${name}-file`,
      {
        nodeName: args.node,
        datastoreId: args.datastore,
        contentType: "vztmpl",
        sourceFile: { path: args.path, fileName: args.fileName, checksum: args.sha256 },
        overwrite: false,
        timeoutUpload: 1800,
      },
      // Guests ignore template changes after creation, so an old template is never needed by Parity again — but keep it: a guest's rebuild may want it.
      { parent: this, retainOnDelete: true },
    );
    this.fileId = file.id;
    this.registerOutputs({ fileId: this.fileId });
  }
}
