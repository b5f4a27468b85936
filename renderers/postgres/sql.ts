/**
 * Roles, databases and grants as idempotent SQL run by `psql` as the `postgres` superuser.
 * No passwords here: the script sets them from secret environment variables.
 */
import type { ResolvedPostgres } from "../postgres";
import { EVENT_STORE_SCHEMA } from "./eventStore";

const q = (ident: string): string => `"${ident}"`;
const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Creates missing roles, syncs their attributes and memberships, creates and owns databases. */
export function renderRolesSql(r: ResolvedPostgres): string {
  const out: string[] = ["-- Roles and databases managed by Parity. Safe to run repeatedly.", "\\set ON_ERROR_STOP on"];
  for (const role of r.roles) {
    out.push(
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${lit(role.name)}) THEN CREATE ROLE ${q(role.name)}; END IF; END $$;`,
      `ALTER ROLE ${q(role.name)} WITH ${role.login ? "LOGIN" : "NOLOGIN"} ${role.bypassRls ? "BYPASSRLS" : "NOBYPASSRLS"} NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION CONNECTION LIMIT ${role.connectionLimit};`,
    );
  }
  for (const role of r.roles) {
    for (const parent of role.memberOf) {
      out.push(
        `DO $$ BEGIN IF NOT pg_has_role(${lit(role.name)}, ${lit(parent)}, 'MEMBER') THEN GRANT ${q(parent)} TO ${q(role.name)}; END IF; END $$;`,
      );
    }
  }
  for (const db of r.databases) {
    out.push(
      `SELECT format('CREATE DATABASE %I OWNER %I', ${lit(db.name)}, ${lit(db.owner)}) WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${lit(db.name)}) \\gexec`,
      `ALTER DATABASE ${q(db.name)} OWNER TO ${q(db.owner)};`,
      // Only declared roles may connect: PUBLIC gets CONNECT/TEMP on every new database by default.
      `REVOKE CONNECT, TEMPORARY ON DATABASE ${q(db.name)} FROM PUBLIC;`,
    );
    const connectors = [...new Set([db.owner, ...db.readWriteRoles, ...db.readOnlyRoles, ...eventStoreRoles(r, db.name)])];
    out.push(`GRANT CONNECT ON DATABASE ${q(db.name)} TO ${connectors.map(q).join(", ")};`);
    if (db.extensions.length > 0) {
      out.push(`\\connect ${db.name}`);
      for (const ext of db.extensions) out.push(`CREATE EXTENSION IF NOT EXISTS ${q(ext.name)};`);
      out.push("\\connect postgres");
    }
  }
  return `${out.join("\n")}\n`;
}

function eventStoreRoles(r: ResolvedPostgres, db: string): string[] {
  const es = r.eventStore;
  if (!es || es.database !== db) return [];
  return [...es.writerRoles, ...es.readerRoles];
}

/** Table privileges on `public` (and the event store), including defaults for future tables. */
export function renderAccessSql(r: ResolvedPostgres): string {
  const out: string[] = ["-- Grants managed by Parity (after migrations). Safe to run repeatedly.", "\\set ON_ERROR_STOP on"];
  for (const db of r.databases) {
    const rw = db.readWriteRoles;
    const ro = db.readOnlyRoles;
    const es = r.eventStore?.database === db.name ? r.eventStore : undefined;
    if (rw.length === 0 && ro.length === 0 && !es) continue;
    out.push(`\\connect ${db.name}`);
    const grant = (roles: readonly string[], tablePrivs: string, seqPrivs: string): void => {
      if (roles.length === 0) return;
      const to = roles.map(q).join(", ");
      out.push(
        `GRANT USAGE ON SCHEMA public TO ${to};`,
        `GRANT ${tablePrivs} ON ALL TABLES IN SCHEMA public TO ${to};`,
        `GRANT ${seqPrivs} ON ALL SEQUENCES IN SCHEMA public TO ${to};`,
        // Tables the owner (the application's migrations) creates later get the same grants.
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${q(db.owner)} IN SCHEMA public GRANT ${tablePrivs} ON TABLES TO ${to};`,
        `ALTER DEFAULT PRIVILEGES FOR ROLE ${q(db.owner)} IN SCHEMA public GRANT ${seqPrivs} ON SEQUENCES TO ${to};`,
      );
    };
    grant(rw, "SELECT, INSERT, UPDATE, DELETE", "USAGE, SELECT");
    grant(ro, "SELECT", "SELECT");
    if (es) {
      const s = EVENT_STORE_SCHEMA;
      const writers = es.writerRoles;
      const readers = es.readerRoles;
      const all = [...new Set([...writers, ...readers])].map(q).join(", ");
      const w = writers.map(q).join(", ");
      // Writers get INSERT but never UPDATE/DELETE on events: append-only by privilege, and the
      // trigger from migration 1 stops even the table owner and superusers.
      out.push(
        `GRANT USAGE ON SCHEMA ${s} TO ${all};`,
        `GRANT SELECT ON ${s}.events, ${s}.snapshots, ${s}.stream_summaries TO ${all};`,
        `GRANT INSERT ON ${s}.events TO ${w};`,
        `GRANT INSERT, UPDATE, DELETE ON ${s}.snapshots TO ${w};`,
      );
    }
  }
  return `${out.join("\n")}\n`;
}
