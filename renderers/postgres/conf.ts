/** `postgresql.conf` drop-in and `pg_hba.conf` for the PostgreSQL step. */
import type { ResolvedPostgres } from "../postgres";

function pgString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

/**
 * The drop-in. `shared_buffers`, `max_connections`, `listen_addresses` and `hba_file` need a
 * restart; the script finds that out from `pg_settings.pending_restart` after a reload instead of
 * hard-coding which keys need what.
 */
export function renderConfDropIn(r: ResolvedPostgres): string {
  const lines = [
    `# PostgreSQL ${r.version}/${r.cluster}: settings managed by Parity (overrides postgresql.conf).`,
    `listen_addresses = ${pgString(r.listenAddresses.join(","))}`,
    `max_connections = ${r.maxConnections}`,
    `shared_buffers = ${r.sharedBuffersMb}MB`,
    `password_encryption = 'scram-sha-256'`,
    `hba_file = ${pgString(r.paths.hba)}`,
  ];
  for (const [k, v] of Object.entries(r.settings).sort(([a], [b]) => a.localeCompare(b))) lines.push(`${k} = ${v}`);
  return `${lines.join("\n")}\n`;
}

/**
 * Client access: the superuser only over the local socket (peer), every other role with
 * scram-sha-256 over the local socket, loopback, and the declared client networks; nothing else.
 */
export function renderHba(r: ResolvedPostgres): string {
  const lines = [
    `# pg_hba.conf for PostgreSQL ${r.version}/${r.cluster}, managed by Parity. First match wins.`,
    "# TYPE  DATABASE  USER  ADDRESS  METHOD",
    "local   all       postgres            peer",
    "host    all       postgres  0.0.0.0/0 reject",
    "host    all       postgres  ::/0      reject",
    "local   all       all                 scram-sha-256",
    "host    all       all       127.0.0.1/32  scram-sha-256",
    "host    all       all       ::1/128       scram-sha-256",
  ];
  for (const c of r.clients) {
    if (c.databases.length === 0 || c.roles.length === 0) continue;
    lines.push(`host    ${c.databases.join(",")}  ${c.roles.join(",")}  ${c.cidr}  scram-sha-256`);
  }
  return `${lines.join("\n")}\n`;
}
