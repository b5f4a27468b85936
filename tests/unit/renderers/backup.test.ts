import { renderPgBackup } from "../../../renderers/backup";
import { backupSpec } from "../../fixtures/serviceSpecs";
import { fileOf, lines } from "./secrets";

describe("renderPgBackup", () => {
  const b = renderPgBackup(backupSpec());

  test("commands and units", () => {
    expect(b.files.map((f) => [f.path, f.mode])).toEqual([
      ["/usr/local/sbin/parity-pg-backup", "0755"],
      ["/usr/local/sbin/parity-pg-restore", "0755"],
      ["/etc/systemd/system/parity-pg-backup.service", "0644"],
      ["/etc/systemd/system/parity-pg-backup.timer", "0644"],
    ]);
    expect(b.secretEnv).toEqual([]);
    const svc = lines(fileOf(b, "/etc/systemd/system/parity-pg-backup.service").content);
    expect(svc).toContain(
      "ExecStart=/usr/local/sbin/parity-pg-backup --dir /mnt/shared/backups/postgresql --port 5432 --keep-days 14 --keep-count 10 stock_analysis_event_store lifebuddy",
    );
    expect(svc).toContain("ReadWritePaths=/mnt/shared/backups/postgresql");
    expect(svc).toContain("User=postgres");
    expect(svc).toContain("PrivateNetwork=yes");
    const timer = lines(fileOf(b, "/etc/systemd/system/parity-pg-backup.timer").content);
    expect(timer).toContain("OnCalendar=*-*-* 02:30:00");
    expect(timer).toContain("Persistent=true");
  });

  test("dump is custom format, atomic, pruned; restore refuses non-empty databases", () => {
    const dump = fileOf(b, "/usr/local/sbin/parity-pg-backup").content;
    expect(dump).toContain('pg_dump --format=custom --no-password --port="$port" --dbname="$db" --file="$out.partial"');
    expect(dump).toContain('mv -f "$out.partial" "$out"');
    expect(dump).toContain("-mtime +\"$keep_days\"");
    const restore = fileOf(b, "/usr/local/sbin/parity-pg-restore").content;
    expect(restore).toContain("is not empty");
    expect(restore).toContain("pg_restore --exit-on-error --single-transaction");
  });

  test("on the shared storage, postgres joins the share's group and the job runs with it", () => {
    const shared = renderPgBackup({ ...backupSpec(), sharedGroup: 1000 });
    expect(lines(fileOf(shared, "/etc/systemd/system/parity-pg-backup.service").content)).toContain("SupplementaryGroups=1000");
    expect(shared.script).toContain("getent group 1000 >/dev/null || groupadd --gid 1000 parity-shared");
    expect(shared.script).toContain('usermod -aG "$shared_group" postgres');
    expect(shared.script).toContain('install -d -m 2750 -o postgres -g "$DIR_GROUP" "$DIR"');
    expect(b.script).not.toContain("usermod");
  });
});
