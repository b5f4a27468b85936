/**
 * The node's shared directory on the test bed: the directory part of the node-side step's own
 * rendered script (renderers/sharedDirectory.ts) runs as root on this host — which stands in for
 * the Proxmox node — and guests get the result as an LXC bind mount, not idmapped, as on Proxmox.
 *
 * The script names the node's path (e.g. /srv/ktrdr-shared). It runs unchanged in a private
 * mount namespace in which a scratch directory is bound over that path's parent, so the
 * directory lands in the scratch directory and nothing else on this host changes.
 */
import { mkdirSync } from "node:fs";
import { dirname, basename } from "node:path";
import { extractSharedDirectoryScript } from "../../renderers/sharedDirectory";
import { mustRun, shq, STATE_DIR } from "./shell";

const SHARED_ROOT = `${STATE_DIR}/shared`;

export interface NodeSharedDirectory {
  /** The directory on this host, to bind into guests. */
  readonly hostPath: string;
  /** Removes it (after the guests that bind it are gone). */
  remove(): Promise<void>;
}

/**
 * Runs the shared-directory part of `nodeScript` (a node step's script) for `nodePath`;
 * `label` keeps concurrent suites apart. A leftover of an earlier run is replaced.
 */
export async function createNodeSharedDirectory(label: string, nodeScript: string, nodePath: string): Promise<NodeSharedDirectory> {
  if (!/^[a-z0-9-]+$/.test(label)) throw new Error(`[testbed] shared-directory label '${label}' must be [a-z0-9-]+`);
  if (dirname(nodePath) === "/") throw new Error(`[testbed] ${nodePath}: a shared directory directly under / cannot be redirected`);
  const scratch = `${SHARED_ROOT}/${label}`;
  const part = extractSharedDirectoryScript(nodeScript);
  mkdirSync(SHARED_ROOT, { recursive: true });
  await mustRun("bash", ["-euo", "pipefail", "-c", `
rm -rf --one-file-system ${shq(scratch)} && mkdir -p ${shq(scratch)} ${shq(dirname(nodePath))}
unshare --mount --propagation private bash -euo pipefail -c ${shq(`mount --bind ${shq(scratch)} ${shq(dirname(nodePath))}\n${part}`)}
`]);
  const hostPath = `${scratch}/${basename(nodePath)}`;
  return {
    hostPath,
    remove: async () => { await mustRun("rm", ["-rf", "--one-file-system", scratch]); },
  };
}
