import { ProvisionBundle } from "./bundle";

/** Where a built template's first boot leaves its marker and reads pushed secrets. */
export const FIRSTBOOT_DONE = "/var/lib/parity/firstboot.done";
export const PUSHED_SECRETS = "/etc/parity/secrets.env";

/**
 * For a guest created from a built template: wait until its first boot has provisioned it
 * (never race it with the stack's own steps), then replace the locally generated secrets with
 * the stack's, in the template's `NAME=<base64>` format, so a later first-boot re-run agrees
 * with Pulumi. The stack's steps that follow apply the stack's passwords to the services.
 */
export function renderFirstbootWait(secretEnv: readonly string[], timeoutSeconds = 1200): ProvisionBundle {
  const names = [...secretEnv].sort();
  const script = `set -euo pipefail
deadline=$(( $(date +%s) + ${timeoutSeconds} ))
until [ -f ${FIRSTBOOT_DONE} ]; do
  if systemctl is-failed --quiet parity-firstboot.service; then
    echo "parity: first boot failed:" >&2
    journalctl -u parity-firstboot.service --no-pager -n 40 >&2 || true
    exit 1
  fi
  [ "$(date +%s)" -lt "$deadline" ] || { echo "parity: first boot did not finish within ${timeoutSeconds} s" >&2; exit 1; }
  sleep 2
done
echo "parity: first boot finished"
${names.length ? `install -d -m 0700 /etc/parity
tmp="$(mktemp /etc/parity/.secrets.XXXXXX)"
for name in ${names.join(" ")}; do
  printf '%s=%s\\n' "$name" "$(printf '%s' "\${!name}" | base64 -w0)" >> "$tmp"
done
if ! cmp -s "$tmp" ${PUSHED_SECRETS}; then
  chmod 0600 "$tmp"
  mv -f "$tmp" ${PUSHED_SECRETS}
  echo "parity: stack secrets written to ${PUSHED_SECRETS}"
else
  rm -f "$tmp"
fi` : ""}
`;
  return { name: "firstboot-wait", files: [], script, secretEnv: names, packages: [], maskUnits: [] };
}
