/** The PostgreSQL step's script: packages, cluster, config reload/restart, roles, migrations. */
import { APT_GET } from "../aptInstall";
import type { ResolvedPostgres } from "../postgres";
import { scriptPrelude } from "../common/shell";
import { bashArray, shq } from "../../core/shell";
import { refreshUnitName, renderEventStoreMigrations } from "./eventStore";

/** The server and client packages, then the extensions' packages (which the script checks apt can provide). */
export function postgresPackages(r: ResolvedPostgres): { readonly packages: readonly string[]; readonly extPackages: readonly string[] } {
  return {
    packages: [`postgresql-${r.version}`, `postgresql-client-${r.version}`],
    extPackages: [...new Set(r.databases.flatMap((d) => d.extensions.flatMap((e) => (e.package ? [e.package] : []))))],
  };
}

export function renderPostgresScript(r: ResolvedPostgres): string {
  const p = r.paths;
  const { packages, extPackages } = postgresPackages(r);
  const passwords = r.roles.flatMap((x) => (x.passwordSecret !== undefined ? [{ name: x.name, secret: x.passwordSecret }] : []));
  const migrations = r.eventStore ? renderEventStoreMigrations(r.eventStore.database, p) : [];
  const timer = r.eventStore ? `${refreshUnitName(r.eventStore.database)}.timer` : "";
  const unitFiles = r.eventStore
    ? [`/etc/systemd/system/${refreshUnitName(r.eventStore.database)}.service`, `/etc/systemd/system/${timer}`]
    : [];

  return `${scriptPrelude(`postgresql-${r.version}-${r.cluster}`)}
PG_VERSION=${r.version}
PG_CLUSTER=${shq(r.cluster)}
PG_UNIT=${shq(p.unit)}
DROPIN=${shq(p.confDropIn)}
HBA=${shq(p.hba)}
# Quiet NOTICEs ("already exists") so the step's output shows only what matters.
export PGOPTIONS='-c client_min_messages=warning'

ensure_packages ${packages.map(shq).join(" ")}

# Extension packages: say plainly when the configured apt sources cannot provide one
# (Debian 12 ships no pgvector package, for example) instead of failing inside apt.
for pkg in ${bashArray(extPackages).slice(1, -1)}; do
  package_installed "$pkg" && continue
  if [ -z "\${PARITY_APT_UPDATED:-}" ]; then ${APT_GET} update -q >/dev/null; PARITY_APT_UPDATED=1; fi
  apt-cache show "$pkg" >/dev/null 2>&1 \\
    || die "extension package $pkg is not available from this guest's apt sources (Debian 12 does not ship it); add a repository that provides it or remove the extension"
  ensure_packages "$pkg"
done

# The package creates the cluster on first install; create it here when it does not exist
# (e.g. another major version was installed first, or the cluster was dropped).
if [ ! -f "/etc/postgresql/$PG_VERSION/$PG_CLUSTER/postgresql.conf" ]; then
  log "creating cluster $PG_VERSION/$PG_CLUSTER"
  pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >/dev/null
fi
PG_PORT="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c { print $3 }')"
[ -n "$PG_PORT" ] || die "cluster $PG_VERSION/$PG_CLUSTER not found by pg_lsclusters"

psql_as_postgres() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"; }
wait_ready() {
  local i
  for i in $(seq 1 60); do
    psql_as_postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "PostgreSQL $PG_VERSION/$PG_CLUSTER did not accept connections within 60 s (see journalctl -u $PG_UNIT)"
}

systemctl is-enabled --quiet postgresql.service || systemctl enable --quiet postgresql.service
if ! systemctl is-active --quiet "$PG_UNIT"; then
  log "starting $PG_UNIT"
  systemctl start "$PG_UNIT"
fi
wait_ready

# Configuration: validate, reload, then restart only if PostgreSQL itself reports a setting
# that cannot change without one (shared_buffers, max_connections, listen_addresses, hba_file).
# Besides this run's changes, a file newer than the last configuration load means an earlier run
# failed before it could reload.
conf_loaded_at="$(psql_as_postgres -d postgres -tAc 'SELECT extract(epoch FROM pg_conf_load_time())::bigint')"
newer_than_load() { [ "$(stat -c %Y "$1")" -gt "$conf_loaded_at" ]; }
if any_changed "$DROPIN" "$HBA" || newer_than_load "$DROPIN" || newer_than_load "$HBA"; then
  # "setting could not be applied" only means "needs a restart", which is handled below.
  bad="$(psql_as_postgres -d postgres -tAc "SELECT count(*) FROM pg_file_settings WHERE error IS NOT NULL AND error <> 'setting could not be applied'")"
  if [ "$bad" != 0 ]; then
    psql_as_postgres -d postgres -c "SELECT sourcefile, sourceline, name, error FROM pg_file_settings WHERE error IS NOT NULL AND error <> 'setting could not be applied'" >&2
    die "postgresql configuration has errors; not reloading"
  fi
  loaded="$(psql_as_postgres -d postgres -tAc 'SELECT pg_conf_load_time()')"
  log "configuration changed: reloading $PG_UNIT"
  systemctl reload "$PG_UNIT"
  for _ in $(seq 1 20); do
    [ "$(psql_as_postgres -d postgres -tAc 'SELECT pg_conf_load_time()')" != "$loaded" ] && break
    sleep 0.5
  done
  pending="$(psql_as_postgres -d postgres -tAc "SELECT string_agg(name, ',') FROM pg_settings WHERE pending_restart")"
  if [ -n "$pending" ]; then
    log "restarting $PG_UNIT for: $pending"
    systemctl restart "$PG_UNIT"
    wait_ready
  fi
  bad_hba="$(psql_as_postgres -d postgres -tAc "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL")"
  [ "$bad_hba" = 0 ] || die "$HBA has errors (SELECT * FROM pg_hba_file_rules WHERE error IS NOT NULL)"
fi

psql_as_postgres -d postgres -f ${shq(p.rolesSql)}

# Passwords: tried first with a real SCRAM login over loopback; set only when that fails, so a
# re-run changes nothing. The value travels in the environment and psql's stdin, never argv, and
# the session turns statement logging off so it cannot reach the server log either.
set_password() {
  local role="$1" var="$2"
  if PGPASSWORD="\${!var}" PGCONNECT_TIMEOUT=5 psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$role" -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
    return 0
  fi
  log "setting password of role $role"
  PARITY_PG_PASSWORD="\${!var}" psql_as_postgres -d postgres -v role="$role" <<'SQL'
SET log_statement = 'none';
SET log_min_error_statement = 'panic';
SET log_min_duration_statement = -1;
\\set pw \`printenv PARITY_PG_PASSWORD\`
ALTER ROLE :"role" PASSWORD :'pw';
SQL
}
${passwords.map((x) => `set_password ${shq(x.name)} ${shq(x.secret)}`).join("\n")}

# Versioned migrations: each applied once, in one transaction, and never edited afterwards.
ensure_migrations_table() {
  psql_as_postgres -d "$1" -c "CREATE SCHEMA IF NOT EXISTS parity; REVOKE ALL ON SCHEMA parity FROM PUBLIC; CREATE TABLE IF NOT EXISTS parity.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());"
}
apply_migration() {
  local db="$1" version="$2" name="$3" checksum="$4" file="$5" current
  current="$(psql_as_postgres -d "$db" -tAc "SELECT checksum FROM parity.schema_migrations WHERE version = $version")"
  if [ -z "$current" ]; then
    log "applying migration $version ($name) to $db"
    psql_as_postgres -d "$db" --single-transaction -f "$file"
  elif [ "$current" != "$checksum" ]; then
    die "migration $version ($name) in $db was applied with checksum $current, the rendered one is $checksum: applied migrations are immutable, add a new one instead"
  fi
}
${migrations.length > 0 ? `ensure_migrations_table ${shq(migrations[0]?.database ?? "")}` : ""}
${migrations.map((m) => `apply_migration ${shq(m.database)} ${m.version} ${shq(m.name)} ${m.checksum} ${shq(m.file.path)}`).join("\n")}

psql_as_postgres -d postgres -f ${shq(p.accessSql)}
${
  timer
    ? `
# Scheduled REFRESH MATERIALIZED VIEW CONCURRENTLY of the event store's summaries.
if any_changed ${unitFiles.map(shq).join(" ")}; then
  systemctl daemon-reload
  systemctl is-active --quiet ${shq(timer)} && systemctl restart ${shq(timer)}
fi
systemctl is-enabled --quiet ${shq(timer)} || systemctl enable --quiet ${shq(timer)}
systemctl is-active --quiet ${shq(timer)} || systemctl start ${shq(timer)}
`
    : ""
}
log "PostgreSQL $PG_VERSION/$PG_CLUSTER ready on port $PG_PORT"
`;
}
