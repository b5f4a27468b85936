import { bundleHash } from "../../../renderers/bundle";
import { renderPostgres } from "../../../renderers/postgres";
import { postgresSpec } from "../../fixtures/serviceSpecs";
import { expectNoSecrets, fileOf, lines } from "./secrets";

const CONF = "/etc/postgresql/15/main/conf.d/50-parity.conf";
const HBA = "/etc/postgresql/15/main/parity_hba.conf";

describe("renderPostgres", () => {
  const b = renderPostgres(postgresSpec({ memoryMb: 8192, clients: ["10.231.0.1/32"] }));

  test("files, modes and names", () => {
    expect(b.name).toBe("postgresql-15-main");
    expect(b.files.map((f) => [f.path, f.mode])).toEqual([
      [CONF, "0644"],
      [HBA, "0644"],
      ["/etc/parity/postgresql/15-main/10-roles-databases.sql", "0644"],
      ["/etc/parity/postgresql/15-main/30-access.sql", "0644"],
      ["/etc/parity/postgresql/15-main/migrations/stock_analysis_event_store/0001_events.sql", "0644"],
      ["/etc/parity/postgresql/15-main/migrations/stock_analysis_event_store/0002_snapshots.sql", "0644"],
      ["/etc/parity/postgresql/15-main/migrations/stock_analysis_event_store/0003_stream_summaries.sql", "0644"],
      ["/etc/systemd/system/parity-pg-refresh-stock-analysis-event-store.service", "0644"],
      ["/etc/systemd/system/parity-pg-refresh-stock-analysis-event-store.timer", "0644"],
    ]);
    expect(b.secretEnv).toEqual(["PG_LIFEBUDDY_RW_PASSWORD", "PG_STOCK_ANALYSIS_PASSWORD", "POSTGRES_USER_FULL_PASS", "POSTGRES_USER_RLS_PASS"]);
  });

  test("conf.d drop-in carries the sized settings and points at our hba", () => {
    expect(lines(fileOf(b, CONF).content)).toEqual([
      "# PostgreSQL 15/main: settings managed by Parity (overrides postgresql.conf).",
      "listen_addresses = '*'",
      "max_connections = 100",
      "shared_buffers = 2048MB",
      "password_encryption = 'scram-sha-256'",
      `hba_file = '${HBA}'`,
      "",
    ]);
  });

  test("pg_hba: peer for postgres, scram for the rest, declared clients only", () => {
    const hba = fileOf(b, HBA).content;
    expect(hba).toContain("local   all       postgres            peer");
    expect(hba).toContain("host    all       all       127.0.0.1/32  scram-sha-256");
    expect(hba).toContain(
      "host    stock_analysis_event_store,lifebuddy  stock_analysis_user,lifebuddy_rw,cognitive_engine_full,cognitive_engine_rls  10.231.0.1/32  scram-sha-256",
    );
    expect(hba).not.toMatch(/\b(trust|md5|password)\b/);
    expect(hba.match(/^host\s/gm)).toHaveLength(5);
  });

  test("roles: BYPASSRLS only for the full role; databases owned and closed to PUBLIC", () => {
    const sql = fileOf(b, "/etc/parity/postgresql/15-main/10-roles-databases.sql").content;
    expect(sql).toContain('ALTER ROLE "cognitive_engine_full" WITH LOGIN BYPASSRLS');
    expect(sql).toContain('ALTER ROLE "cognitive_engine_rls" WITH LOGIN NOBYPASSRLS');
    expect(sql).toContain("SELECT format('CREATE DATABASE %I OWNER %I', 'stock_analysis_event_store', 'stock_analysis_user')");
    expect(sql).toContain('REVOKE CONNECT, TEMPORARY ON DATABASE "lifebuddy" FROM PUBLIC;');
    expect(sql).toContain('CREATE EXTENSION IF NOT EXISTS "pgcrypto";');
    expect(sql).not.toMatch(/PASSWORD/);
  });

  test("event store: unique stream version, append-only trigger, summaries with unique index", () => {
    const m1 = fileOf(b, "/etc/parity/postgresql/15-main/migrations/stock_analysis_event_store/0001_events.sql").content;
    expect(m1).toContain("CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)");
    expect(m1).toContain("global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY");
    expect(m1).toContain("BEFORE UPDATE OR DELETE ON event_store.events");
    expect(m1).toMatch(/INSERT INTO parity\.schema_migrations \(version, name, checksum\) VALUES \(1, 'events', '[0-9a-f]{64}'\);\n$/);
    const m3 = fileOf(b, "/etc/parity/postgresql/15-main/migrations/stock_analysis_event_store/0003_stream_summaries.sql").content;
    expect(m3).toContain("CREATE UNIQUE INDEX stream_summaries_stream_id_idx ON event_store.stream_summaries (stream_id);");
    const access = fileOf(b, "/etc/parity/postgresql/15-main/30-access.sql").content;
    expect(access).toContain('GRANT INSERT ON event_store.events TO "stock_analysis_user";');
    expect(access).not.toMatch(/GRANT[^;]*UPDATE[^;]*event_store\.events/);
    const timer = fileOf(b, "/etc/systemd/system/parity-pg-refresh-stock-analysis-event-store.timer").content;
    expect(timer).toContain("OnCalendar=*:0/5");
    const svc = fileOf(b, "/etc/systemd/system/parity-pg-refresh-stock-analysis-event-store.service").content;
    expect(svc).toContain('REFRESH MATERIALIZED VIEW CONCURRENTLY event_store.stream_summaries"');
    expect(svc).toContain("User=postgres");
  });

  test("script: installs only when missing, reloads/restarts only on change, passwords via stdin", () => {
    expect(b.script).toContain("ensure_packages 'postgresql-15' 'postgresql-client-15'");
    expect(b.script).toContain('if any_changed "$DROPIN" "$HBA"');
    expect(b.script).toContain("WHERE pending_restart");
    expect(b.script).toContain("\\set pw `printenv PARITY_PG_PASSWORD`");
    expect(b.script).not.toMatch(/set -x|-v pw=|PASSWORD '\$/);
    expect(b.script).toContain("set_password 'cognitive_engine_rls' 'POSTGRES_USER_RLS_PASS'");
  });

  test("no secret in any rendered text", () => expectNoSecrets(b));

  test("deterministic; the hash moves only with a setting", () => {
    const same = renderPostgres(postgresSpec({ memoryMb: 8192, clients: ["10.231.0.1/32"] }));
    expect(bundleHash(same)).toBe(bundleHash(b));
    const bigger = renderPostgres({ ...postgresSpec({ memoryMb: 8192, clients: ["10.231.0.1/32"] }), maxConnections: 150 });
    expect(bundleHash(bigger)).not.toBe(bundleHash(b));
    const changedPaths = bigger.files.filter((f, i) => f.content !== b.files[i]?.content).map((f) => f.path);
    expect(changedPaths).toEqual([CONF]);
  });

  // The rules this renderer used to assert (undeclared roles, names, CIDRs, the 25% rule) are the
  // contract's now: tests/unit/contract/holes.test.ts and tests/unit/model/hostServices.test.ts.
  test("renders a client line only when the client may reach a database as a role", () => {
    const spec = postgresSpec({ clients: ["10.231.0.1/32"] });
    const none = renderPostgres({ ...spec, clients: [{ cidr: "10.9.0.0/24", databases: ["lifebuddy"], roles: [] }] });
    expect(fileOf(none, HBA).content).not.toContain("10.9.0.0/24");
    const one = renderPostgres({ ...spec, clients: [{ cidr: "10.9.0.0/24", databases: ["lifebuddy"], roles: ["lifebuddy_rw"] }] });
    expect(lines(fileOf(one, HBA).content)).toContain("host    lifebuddy  lifebuddy_rw  10.9.0.0/24  scram-sha-256");
  });
});
