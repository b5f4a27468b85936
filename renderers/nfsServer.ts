import { aptInstallSnippet } from "./aptInstall";
import { ProvisionBundle } from "./bundle";
import { renderSharedDirectoryScript } from "./sharedDirectory";

export interface NfsExportSpec {
  /** Proxmox storage ID; names the exports file. */
  readonly name: string;
  readonly exportPath: string;
  /** Node addresses allowed to mount it. */
  readonly clients: readonly string[];
  /** Host UID/GID that owns the export (an unprivileged LXC's mapped app user and common group; see sharedDirectory.ts). */
  readonly ownerUid: number;
  readonly ownerGid: number;
}

/**
 * Runs on the Proxmox node that holds the data (not in a guest: an unprivileged LXC can neither
 * run nfsd nor mount NFS). Other nodes mount it as Proxmox NFS storage and bind it into guests.
 *
 * `all_squash` to the owner UID: whatever UID a guest writes as, files land owned by the mapped
 * app user, so every guest — each with its own idmap — can read and write them.
 */
const NFS_SERVER_PACKAGES: readonly string[] = ["nfs-kernel-server"];

export function renderNfsExport(spec: NfsExportSpec): ProvisionBundle {
  const directory = renderSharedDirectoryScript({ path: spec.exportPath, ownerUid: spec.ownerUid, ownerGid: spec.ownerGid });
  // Every guest on the exporting node: a bind mount of the directory is all they need.
  if (spec.clients.length === 0) {
    return {
      name: `shared-dir-${spec.name}`,
      files: [],
      script: `set -euo pipefail
${directory}
`,
      secretEnv: [],
      packages: [],
      maskUnits: [],
    };
  }
  const opts = `rw,sync,no_subtree_check,all_squash,anonuid=${spec.ownerUid},anongid=${spec.ownerGid}`;
  const exportsFile = `# Managed by Parity: shared storage "${spec.name}".
${spec.exportPath} ${spec.clients.map((c) => `${c}(${opts})`).join(" ")}
`;
  const script = `set -euo pipefail
${aptInstallSnippet(NFS_SERVER_PACKAGES)}

${directory}
systemctl enable --quiet --now nfs-server.service
if printf '%s' "$PARITY_CHANGED_FILES" | grep -qx /etc/exports.d/parity-${spec.name}.exports; then
  exportfs -ra
fi
exportfs -v | grep -q "^${spec.exportPath}" || { echo "parity: ${spec.exportPath} is not exported" >&2; exit 1; }
`;
  return {
    name: `nfs-export-${spec.name}`,
    files: [{ path: `/etc/exports.d/parity-${spec.name}.exports`, content: exportsFile, mode: "0644" }],
    script,
    secretEnv: [],
    packages: NFS_SERVER_PACKAGES,
    maskUnits: [],
  };
}
