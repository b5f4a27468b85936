/**
 * Proxmox's default idmap for unprivileged guests: guest id N is node id 100000 + N. Bind mounts
 * keep the node's numeric owners, so the shared storage's owner and group are node ids in this
 * range and guests see them as `guestId(...)`.
 */
export const UNPRIVILEGED_ID_BASE = 100000;
export const UNPRIVILEGED_ID_COUNT = 65536;

/** Guest-side id of a node id under the default unprivileged idmap. */
export function guestId(nodeId: number): number {
  return nodeId - UNPRIVILEGED_ID_BASE;
}
