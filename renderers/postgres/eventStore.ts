/**
 * stock-analysis's event store schema as versioned migrations, and the systemd timer that
 * refreshes its materialized view.
 *
 * Migrations are immutable once released: each file carries the SHA-256 of its body, the script
 * records it in `parity.schema_migrations`, and refuses to continue if an applied migration's
 * checksum differs. New schema changes are new migrations appended to {@link MIGRATIONS}.
 */
import { createHash } from "node:crypto";
import type { RenderedFile } from "../bundle";
import type { ResolvedPostgres } from "../postgres";
import { HARDENING, renderUnit } from "../common/systemd";
import type { PgPaths } from "./paths";

export const EVENT_STORE_SCHEMA = "event_store";

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const S = EVENT_STORE_SCHEMA;

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "events",
    sql: `CREATE SCHEMA ${S};

-- One row per event. global_position orders all events; (stream_id, stream_version) is the
-- optimistic-concurrency key: a writer appending version n+1 twice gets a unique violation.
CREATE TABLE ${S}.events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id        uuid        NOT NULL DEFAULT gen_random_uuid() UNIQUE,
  stream_id       text        NOT NULL,
  stream_version  integer     NOT NULL CHECK (stream_version >= 1),
  event_type      text        NOT NULL,
  payload         jsonb       NOT NULL,
  metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_event_type_position_idx ON ${S}.events (event_type, global_position);
CREATE INDEX events_recorded_at_idx ON ${S}.events (recorded_at);

-- Append-only even for the owner and superusers (privileges alone do not bind them).
CREATE FUNCTION ${S}.reject_event_mutation() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '${S}.events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation';
END
$fn$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ${S}.events
  FOR EACH ROW EXECUTE FUNCTION ${S}.reject_event_mutation();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${S}.events
  FOR EACH STATEMENT EXECUTE FUNCTION ${S}.reject_event_mutation();
`,
  },
  {
    version: 2,
    name: "snapshots",
    sql: `-- Snapshots are a cache of folded state; replacing or deleting one loses nothing.
CREATE TABLE ${S}.snapshots (
  stream_id      text        NOT NULL,
  stream_version integer     NOT NULL CHECK (stream_version >= 1),
  snapshot_type  text        NOT NULL,
  state          jsonb       NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream_id, stream_version)
);
`,
  },
  {
    version: 3,
    name: "stream_summaries",
    sql: `-- Per-stream summary for dashboards; refreshed CONCURRENTLY by a timer, which needs the
-- unique index below.
CREATE MATERIALIZED VIEW ${S}.stream_summaries AS
  SELECT stream_id,
         count(*)             AS event_count,
         max(stream_version)  AS current_version,
         max(global_position) AS last_global_position,
         min(recorded_at)     AS first_recorded_at,
         max(recorded_at)     AS last_recorded_at
    FROM ${S}.events
   GROUP BY stream_id
  WITH DATA;
CREATE UNIQUE INDEX stream_summaries_stream_id_idx ON ${S}.stream_summaries (stream_id);
`,
  },
];

export interface RenderedMigration {
  readonly database: string;
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  readonly file: RenderedFile;
}

/** Migration files for `database`, each ending with its own bookkeeping insert. */
export function renderEventStoreMigrations(database: string, paths: PgPaths): RenderedMigration[] {
  return MIGRATIONS.map((m) => {
    const checksum = createHash("sha256").update(m.sql).digest("hex");
    const id = String(m.version).padStart(4, "0");
    const content = `-- Parity migration ${id} "${m.name}" for database ${database}. sha256(body)=${checksum}
-- Applied once, in one transaction, by the PostgreSQL step (psql --single-transaction).
${m.sql}
INSERT INTO parity.schema_migrations (version, name, checksum) VALUES (${m.version}, '${m.name}', '${checksum}');
`;
    return {
      database,
      version: m.version,
      name: m.name,
      checksum,
      file: { path: `${paths.migrationsDir}/${database}/${id}_${m.name}.sql`, content, mode: "0644" },
    };
  });
}

/** Unit name stem of the refresh job for `database`. */
export function refreshUnitName(database: string): string {
  return `parity-pg-refresh-${database.replace(/_/g, "-")}`;
}

/** A oneshot service (as `postgres`, over the local socket) and its timer. */
export function renderRefreshUnits(r: ResolvedPostgres): RenderedFile[] {
  const es = r.eventStore;
  if (!es) return [];
  const name = refreshUnitName(es.database);
  const service = renderUnit(`Refreshes ${S}.stream_summaries in ${es.database}.`, [
    [
      "Unit",
      [
        `Description=Parity: refresh ${S}.stream_summaries (${es.database})`,
        `After=${r.paths.unit}`,
        `Requisite=${r.paths.unit}`,
      ],
    ],
    [
      "Service",
      [
        "Type=oneshot",
        "User=postgres",
        "Group=postgres",
        `ExecStart=/usr/bin/psql -X -q -v ON_ERROR_STOP=1 -d ${es.database} -c "REFRESH MATERIALIZED VIEW CONCURRENTLY ${S}.stream_summaries"`,
        // The local socket is a file: a private network namespace still reaches it.
        "PrivateNetwork=yes",
        "IPAddressDeny=any",
        "RestrictAddressFamilies=AF_UNIX",
        "MemoryDenyWriteExecute=yes",
        ...HARDENING,
      ],
    ],
  ]);
  const timer = renderUnit(`Schedule of ${name}.service.`, [
    ["Unit", [`Description=Parity: periodic refresh of ${S}.stream_summaries (${es.database})`]],
    ["Timer", [`OnCalendar=${es.refreshOnCalendar}`, "AccuracySec=30s", "Persistent=false"]],
    ["Install", ["WantedBy=timers.target"]],
  ]);
  return [
    { path: `/etc/systemd/system/${name}.service`, content: service, mode: "0644" },
    { path: `/etc/systemd/system/${name}.timer`, content: timer, mode: "0644" },
  ];
}
