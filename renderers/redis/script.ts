/** The Redis step's script: packages, auth file, per-node restart or live CONFIG SET, cluster creation. */
import type { ResolvedRedis } from "../redis";
import { scriptPrelude } from "../common/shell";
import { shq } from "../../core/shell";
import { REDIS_AUTH_FILE, REDIS_CONF_DIR, REDIS_UNIT_FILE } from "./paths";

/** Debian's packages for the Redis step. */
export const REDIS_PACKAGES: readonly string[] = ["redis-server", "redis-tools"];
/** Debian's own unit, masked before the package is installed: Parity runs parity-redis@<port> instead. */
export const DEBIAN_REDIS_UNIT = "redis-server.service";

export function renderRedisScript(r: ResolvedRedis): string {
  const unit = DEBIAN_REDIS_UNIT;
  const cluster = r.mode === "cluster";
  return `${scriptPrelude("redis")}
PASSWORD_VAR=${shq(r.passwordSecret)}
CLI_HOST=${shq(r.cliHost)}
PORTS=(${r.ports.join(" ")})
# The password reaches redis-cli through its environment (REDISCLI_AUTH), never argv.
cli() { local port="$1"; shift; REDISCLI_AUTH="\${!PASSWORD_VAR}" redis-cli --no-auth-warning -h "$CLI_HOST" -p "$port" "$@"; }

# Debian's own ${unit} would take port 6379: mask it before the package can start it.
if [ "$(systemctl is-enabled ${unit} 2>/dev/null || true)" != masked ]; then
  systemctl stop ${unit} >/dev/null 2>&1 || true
  systemctl disable --quiet ${unit} >/dev/null 2>&1 || true
  systemctl mask --quiet ${unit} 2>/dev/null  # "does not exist, proceeding anyway" before install
  log "masked Debian's ${unit}"
fi
ensure_packages ${REDIS_PACKAGES.join(" ")}

# requirepass/masterauth, quoted for Redis's config parser. printf is a builtin: no argv.
redis_quote() { local v="\${1//\\\\/\\\\\\\\}"; v="\${v//\\"/\\\\\\"}"; printf '"%s"' "$v"; }
install -d -m 0755 ${shq(REDIS_CONF_DIR)}
auth_changed=0
{
  printf '# Written by Parity from a secret; not part of the rendered bundle.\\n'
  printf 'requirepass %s\\n' "$(redis_quote "\${!PASSWORD_VAR}")"
  printf 'masterauth %s\\n' "$(redis_quote "\${!PASSWORD_VAR}")"
} | write_if_changed ${shq(REDIS_AUTH_FILE)} 0640 root:redis && auth_changed=1

unit_changed=0
if changed ${shq(REDIS_UNIT_FILE)}; then systemctl daemon-reload; unit_changed=1; fi

wait_pong() {
  local port="$1" i
  for i in $(seq 1 30); do
    [ "$(cli "$port" PING 2>/dev/null || true)" = PONG ] && return 0
    sleep 1
  done
  die "redis :$port does not answer PING (journalctl -u parity-redis@$port)"
}

# Tunables: CONFIG SET only what differs from the running node (no restart, nothing on a re-run).
apply_tunables() {
  local port="$1" key value live
  while read -r key value; do
    case "$key" in ''|'#'*) continue ;; esac
    live="$(cli "$port" CONFIG GET "$key" | sed -n 2p)"
    if [ "$live" != "$value" ]; then
      log ":$port CONFIG SET $key $value (was: $live)"
      [ "$(cli "$port" CONFIG SET "$key" "$value")" = OK ] || die ":$port CONFIG SET $key failed"
    fi
  done < "${REDIS_CONF_DIR}/$port.tunables.conf"
}

for port in "\${PORTS[@]}"; do
  unit="parity-redis@$port.service"
  systemctl is-enabled --quiet "$unit" || systemctl enable --quiet "$unit"
  if ! systemctl is-active --quiet "$unit"; then
    log "starting $unit"
    systemctl start "$unit"
  elif [ "$unit_changed" = 1 ] || [ "$auth_changed" = 1 ] || changed "${REDIS_CONF_DIR}/$port.conf" \\
       || newer_than_unit "${REDIS_CONF_DIR}/$port.conf" "$unit" || newer_than_unit ${shq(REDIS_AUTH_FILE)} "$unit"; then
    log "restarting $unit (restart-only settings or password changed)"
    systemctl restart "$unit"
  fi
  wait_pong "$port"
  apply_tunables "$port"
done
${cluster ? clusterBlock(r) : ""}
log "redis ready: ${r.mode} on ports ${r.ports.join(", ")}"
`;
}

/** Creates the cluster once, from empty nodes only; a healthy cluster is left alone. */
function clusterBlock(r: ResolvedRedis): string {
  const nodes = r.ports.map((p) => `${r.cliHost}:${p}`).join(" ");
  return `
info_field() { cli "$1" CLUSTER INFO | tr -d '\\r' | sed -n "s/^$2://p"; }
cluster_ok_everywhere() {
  local port
  for port in "\${PORTS[@]}"; do [ "$(info_field "$port" cluster_state)" = ok ] || return 1; done
}
wait_cluster_ok() {
  local i
  for i in $(seq 1 "$1"); do cluster_ok_everywhere && return 0; sleep 1; done
  return 1
}

all_fresh() {
  local port
  for port in "\${PORTS[@]}"; do
    [ "$(info_field "$port" cluster_known_nodes)" = 1 ] && [ "$(info_field "$port" cluster_slots_assigned)" = 0 ] || return 1
  done
}

if ! cluster_ok_everywhere; then
  if all_fresh; then
    log "creating the cluster: ${nodes} (replicas per master: ${r.clusterReplicas})"
    REDISCLI_AUTH="\${!PASSWORD_VAR}" redis-cli --no-auth-warning --cluster create ${nodes} \\
      --cluster-replicas ${r.clusterReplicas} --cluster-yes >/dev/null
    wait_cluster_ok 60 || die "cluster created but cluster_state is not ok on every node after 60 s"
  elif ! wait_cluster_ok 30; then
    # A node restarted above gets 30 s to rejoin. Parity never reshapes a cluster that already
    # holds slots: that would move or lose data.
    for port in "\${PORTS[@]}"; do
      log ":$port cluster_state=$(info_field "$port" cluster_state) known_nodes=$(info_field "$port" cluster_known_nodes) slots=$(info_field "$port" cluster_slots_assigned)"
    done
    die "the redis cluster is not healthy and its nodes are not empty; repair it by hand (redis-cli --cluster check/fix ${r.cliHost}:${r.ports[0]})"
  fi
fi`;
}
