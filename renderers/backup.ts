/**
 * PostgreSQL backups to shared storage: a systemd timer runs `pg_dump -Fc` per database,
 * writing `<db>-<UTC timestamp>.dump` atomically (`.partial`, fsync, rename) and pruning by age
 * and/or count; `parity-pg-restore <dump> <db>` restores one into an empty database.
 */
import type { ProvisionBundle } from "./bundle";
import { scriptPrelude } from "./common/shell";
import { shq } from "../core/shell";
import { HARDENING, renderUnit } from "./common/systemd";
import { renderBackupCommand, renderRestoreCommand } from "./backup/commands";
import { SHARED_GROUP_NAME } from "./sharedDirectory";

/**
 * A fully resolved backup spec: the schema (contract/schema/hostServices.ts) and the model
 * (model/hostServices.ts) apply every default, and the contract holds every rule: at least one
 * database, each a PostgreSQL identifier (schema) the guest declares (checks/hostServices.ts); a
 * plain absolute directory and a bounded retention (checks/hostServiceRules.ts) on the shared
 * storage, whose group is not the guests' root group (checks/hostServices.ts).
 */
export interface PgBackupSpec {
  /** Databases to dump, each to its own file. */
  readonly databases: readonly string[];
  /** Directory on shared storage. */
  readonly directory: string;
  /** systemd `OnCalendar=`. */
  readonly onCalendar: string;
  /** Delete dumps older than this many days; `0` keeps all (then `keepCount` bounds them). */
  readonly keepDays: number;
  /** Keep at most this many dumps per database; `undefined`: no count limit. */
  readonly keepCount: number | undefined;
  /** Port of the local cluster (dumps connect over its socket as `postgres`). */
  readonly port: number;
  /**
   * The shared storage's common group (guest gid) when `directory` is on it: postgres joins it
   * (created as `parity-shared` when no group has that gid) and the job runs with it, so it can
   * write the setgid share. `undefined`: a local directory.
   */
  readonly sharedGroup: number | undefined;
}

export const BACKUP_COMMAND = "/usr/local/sbin/parity-pg-backup";
export const RESTORE_COMMAND = "/usr/local/sbin/parity-pg-restore";
export const BACKUP_SERVICE = "/etc/systemd/system/parity-pg-backup.service";
export const BACKUP_TIMER = "/etc/systemd/system/parity-pg-backup.timer";

export function renderPgBackup(spec: PgBackupSpec): ProvisionBundle {
  const dir = spec.directory;
  const keepDays = spec.keepDays;
  // `--keep-count 0` is the command's "no count limit".
  const keepCount = spec.keepCount ?? 0;
  const port = spec.port;
  const group = spec.sharedGroup;

  const service = renderUnit("PostgreSQL dumps to shared storage (Parity).", [
    ["Unit", ["Description=Parity: pg_dump to shared storage", "After=postgresql.service", "Requisite=postgresql.service"]],
    [
      "Service",
      [
        "Type=oneshot",
        "User=postgres",
        "Group=postgres",
        ...(group !== undefined ? [`SupplementaryGroups=${group}`] : []),
        `ExecStart=${BACKUP_COMMAND} --dir ${dir} --port ${port} --keep-days ${keepDays} --keep-count ${keepCount} ${spec.databases.join(" ")}`,
        `ReadWritePaths=${dir}`,
        // Dumps go through the local socket: no network at all.
        "PrivateNetwork=yes",
        "IPAddressDeny=any",
        "RestrictAddressFamilies=AF_UNIX",
        "MemoryDenyWriteExecute=yes",
        "Nice=10",
        "IOSchedulingClass=idle",
        ...HARDENING.filter((l) => l !== "UMask=0077"),
        "UMask=0027",
      ],
    ],
  ]);
  const timer = renderUnit("Schedule of parity-pg-backup.service.", [
    ["Unit", ["Description=Parity: scheduled PostgreSQL dumps"]],
    ["Timer", [`OnCalendar=${spec.onCalendar}`, "Persistent=true", "RandomizedDelaySec=10min"]],
    ["Install", ["WantedBy=timers.target"]],
  ]);

  const script = `${scriptPrelude("pg-backup")}
DIR=${shq(dir)}
command -v pg_dump >/dev/null || die "pg_dump not found: the PostgreSQL step must run first"
id postgres >/dev/null 2>&1 || die "user postgres missing: the PostgreSQL step must run first"
${group !== undefined ? `# The share is the node's setgid directory of this group (mode 2770): postgres writes through it.
getent group ${group} >/dev/null || groupadd --gid ${group} ${SHARED_GROUP_NAME}
shared_group="$(getent group ${group} | cut -d: -f1)"
id -nG postgres | tr ' ' '\\n' | grep -qx "$shared_group" || { usermod -aG "$shared_group" postgres; log "postgres joined group $shared_group (gid ${group})"; }
DIR_GROUP=${group}` : "DIR_GROUP=postgres"}
if [ ! -d "$DIR" ]; then
  # Parents as root; the share's setgid bit gives them its group. The dumps' directory: postgres
  # writes, the group reads (restores), others nothing.
  install -d -m 2750 -o postgres -g "$DIR_GROUP" "$DIR"
  log "created $DIR"
elif [ "$(stat -c %U "$DIR")" != postgres ]; then
  # On a squashed NFS share chown fails; what matters is that postgres can write there.
  chown "postgres:$DIR_GROUP" "$DIR" 2>/dev/null || true
fi
runuser -u postgres -- test -w "$DIR" || die "$DIR is not writable by postgres (shared storage mounted read-only or squashed?)"
if any_changed ${shq(BACKUP_SERVICE)} ${shq(BACKUP_TIMER)}; then
  systemctl daemon-reload
  systemctl is-active --quiet parity-pg-backup.timer && systemctl restart parity-pg-backup.timer
fi
systemctl is-enabled --quiet parity-pg-backup.timer || systemctl enable --quiet parity-pg-backup.timer
systemctl is-active --quiet parity-pg-backup.timer || systemctl start parity-pg-backup.timer
log "backups of ${spec.databases.join(", ")} to $DIR on '${spec.onCalendar}'"
`;
  return {
    name: "pg-backup",
    files: [
      { path: BACKUP_COMMAND, content: renderBackupCommand(), mode: "0755" },
      { path: RESTORE_COMMAND, content: renderRestoreCommand(), mode: "0755" },
      { path: BACKUP_SERVICE, content: service, mode: "0644" },
      { path: BACKUP_TIMER, content: timer, mode: "0644" },
    ],
    script,
    secretEnv: [],
    packages: [],
    maskUnits: [],
  };
}
