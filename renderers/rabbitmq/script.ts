/** The RabbitMQ step's script: package, restart on config change, topology, users, no guest. */
import type { ResolvedRabbit } from "../rabbitmq";
import { RABBIT_CONF, RABBIT_DEFINITIONS } from "./paths";
import { scriptPrelude } from "../common/shell";
import { shq } from "../../core/shell";
import { renderRabbitInstallScript } from "./aptSource";

export function renderRabbitScript(r: ResolvedRabbit): string {
  const exchanges = [r.eventsExchange, r.deadLetterExchange];
  const queues = [...r.queues.map((q) => q.name), r.deadLetterQueue];
  const userLines = r.users
    .map((u) => `ensure_user ${shq(u.name)} ${shq(u.passwordSecret)} ${shq([...u.tags].sort().join(" "))}`)
    .join("\n");
  return `${scriptPrelude("rabbitmq")}
VHOST=${shq(r.vhost)}
APP_USER=${shq(r.appUser)}
rmq() { rabbitmqctl -s "$@"; }

${renderRabbitInstallScript(r)}
systemctl is-enabled --quiet rabbitmq-server.service || systemctl enable --quiet rabbitmq-server.service
if ! systemctl is-active --quiet rabbitmq-server.service; then
  log "starting rabbitmq-server"
  systemctl start rabbitmq-server.service
elif { ! freshly_installed rabbitmq-server && changed ${shq(RABBIT_CONF)}; } || newer_than_unit ${shq(RABBIT_CONF)} rabbitmq-server.service; then
  # On a fresh install the package started the node after these files were in place already.
  log "configuration changed: restarting rabbitmq-server"
  systemctl restart rabbitmq-server.service
fi
rabbitmqctl -q await_startup --timeout 120 >/dev/null

# Plugins are enabled online; is_enabled keeps a re-run from touching anything.
for plugin in ${r.plugins.map(shq).join(" ")}; do
  if ! rabbitmq-plugins -q is_enabled "$plugin" >/dev/null 2>&1; then
    log "enabling plugin $plugin"
    rabbitmq-plugins -q enable "$plugin" >/dev/null
  fi
done

# Topology: import when the definitions changed or anything declared is missing.
need_import=0
changed ${shq(RABBIT_DEFINITIONS)} && need_import=1
if ! rmq list_vhosts name | grep -qxF -- "$VHOST"; then
  need_import=1
else
  present_exchanges="$(rmq list_exchanges -p "$VHOST" name)"
  present_queues="$(rmq list_queues -p "$VHOST" name)"
  present_policies="$(rmq list_policies -p "$VHOST" | cut -f2)"
  for x in ${exchanges.map(shq).join(" ")}; do grep -qxF -- "$x" <<<"$present_exchanges" || need_import=1; done
  for q in ${queues.map(shq).join(" ")}; do grep -qxF -- "$q" <<<"$present_queues" || need_import=1; done
  grep -qxF parity-dead-letter <<<"$present_policies" || need_import=1
fi
if [ "$need_import" = 1 ]; then
  log "importing definitions into $VHOST"
  rmq import_definitions ${shq(RABBIT_DEFINITIONS)} >/dev/null
fi

# Users: passwords go to rabbitmqctl on stdin; a correct password is left as it is.
# (Each rabbitmqctl call costs most of a second: list users once.)
users_tsv="$(rmq list_users)"
ensure_user() {
  local name="$1" var="$2" want_tags="$3" have_tags perms have other
  if cut -f1 <<<"$users_tsv" | grep -qxF -- "$name"; then
    if ! printf '%s\\n' "\${!var}" | rabbitmqctl -s authenticate_user "$name" >/dev/null 2>&1; then
      log "updating password of $name"
      printf '%s\\n' "\${!var}" | rmq change_password "$name" >/dev/null
    fi
  else
    log "adding user $name"
    printf '%s\\n' "\${!var}" | rmq add_user "$name" >/dev/null
  fi
  have_tags="$(awk -F'\\t' -v n="$name" '$1 == n { gsub(/[][,]/, "", $2); print $2 }' <<<"$users_tsv" | tr ' ' '\\n' | sed '/^$/d' | sort | tr '\\n' ' ' | sed 's/ $//')"
  if [ "$have_tags" != "$want_tags" ]; then
    log "setting tags of $name: \${want_tags:-none}"
    # shellcheck disable=SC2086
    rmq set_user_tags "$name" $want_tags >/dev/null
  fi
  # Permissions on the application vhost only; any other vhost's grant is removed.
  perms="$(rmq list_user_permissions "$name")"
  have="$(awk -F'\\t' -v v="$VHOST" '$1 == v { print $2 " " $3 " " $4 }' <<<"$perms")"
  if [ "$have" != ".* .* .*" ]; then
    log "granting $name configure/write/read on $VHOST"
    rmq set_permissions -p "$VHOST" "$name" '.*' '.*' '.*' >/dev/null
  fi
  while read -r other; do
    [ -z "$other" ] || [ "$other" = "$VHOST" ] && continue
    log "removing $name's permissions on vhost $other"
    rmq clear_permissions -p "$other" "$name" >/dev/null
  done < <(cut -f1 <<<"$perms")
}
${userLines}

if cut -f1 <<<"$users_tsv" | grep -qxF guest; then
  log "deleting the default guest user"
  rmq delete_user guest >/dev/null
fi
log "rabbitmq ready: vhost $VHOST, exchanges ${exchanges.join(", ")}, user $APP_USER"
`;
}
