/**
 * The shared directory on the Proxmox node that holds it, and the ownership model every consumer
 * relies on (docs/SERVICES.md, "Shared storage ownership").
 *
 * Bind mounts into unprivileged guests keep the node's numeric owners: guest id N is node id
 * 100000 + N (Proxmox's default idmap). The directory is owned by the app user and a common
 * group (both mapped), mode 2770: the setgid bit makes everything created below it belong to
 * that group, so every consumer that is a member — containers (their `group_add`), PostgreSQL's
 * backup job (`SupplementaryGroups=`), guest root — can write, and nobody else. Never 0777.
 */

/** Mode of the shared directory: setgid, owner and group rwx, nothing for others. */
export const SHARED_DIRECTORY_MODE = "2770";
/** Name of the common group inside guests when no group has its gid yet. */
export const SHARED_GROUP_NAME = "parity-shared";

/** Markers around the directory part of the node's script: the test bed runs exactly that part. */
export const SHARED_DIRECTORY_BEGIN = "# parity: shared directory (begin)";
export const SHARED_DIRECTORY_END = "# parity: shared directory (end)";

export interface SharedDirectorySpec {
  readonly path: string;
  /** Node UID that owns it (the app user of an unprivileged guest, e.g. 101000 = guest 1000). */
  readonly ownerUid: number;
  /** Node GID of the common group (e.g. 101000 = guest gid 1000). */
  readonly ownerGid: number;
}

/**
 * Shell (bash, `set -e`) that creates or repairs the directory: owner, group and mode are
 * enforced on every run, without touching what consumers stored in it.
 */
export function renderSharedDirectoryScript(spec: SharedDirectorySpec): string {
  if (!/^\/[A-Za-z0-9_./-]+$/.test(spec.path) || spec.path.includes("..")) throw new Error(`shared directory "${spec.path}" must be an absolute plain path`);
  const owner = `${spec.ownerUid}:${spec.ownerGid}`;
  return `${SHARED_DIRECTORY_BEGIN}
install -d -m ${SHARED_DIRECTORY_MODE} -o ${spec.ownerUid} -g ${spec.ownerGid} ${spec.path}
[ "$(stat -c '%u:%g' ${spec.path})" = "${owner}" ] || chown ${owner} ${spec.path}
# chown clears setgid; chmod last. An older Parity made it 0770 without setgid: repaired here.
[ "$(stat -c '%a' ${spec.path})" = "${SHARED_DIRECTORY_MODE}" ] || chmod ${SHARED_DIRECTORY_MODE} ${spec.path}
${SHARED_DIRECTORY_END}`;
}

/** The directory part of a node script rendered by renderSharedDirectoryScript (for the test bed). */
export function extractSharedDirectoryScript(script: string): string {
  const begin = script.indexOf(SHARED_DIRECTORY_BEGIN);
  const end = script.indexOf(SHARED_DIRECTORY_END);
  if (begin < 0 || end < begin) throw new Error("script has no shared-directory part");
  return script.slice(begin, end + SHARED_DIRECTORY_END.length) + "\n";
}
