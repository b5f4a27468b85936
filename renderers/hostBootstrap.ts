import { aptInstallSnippet } from "./aptInstall";
import { ProvisionBundle } from "./bundle";

export interface HostBootstrapSpec {
  readonly hostname: string;
  readonly fqdn: string;
  /** Keys for root's authorized_keys. Managed here, not at LXC creation, so rotating one never replaces the guest. */
  readonly authorizedKeys: readonly string[];
  /**
   * Shared storage path inside the guest, checked (not created: it is a bind mount from the
   * node). Absent when the guest mounts no shared storage: not a default, the model's
   * `HostModel.sharedMount` decides.
   */
  readonly sharedPath?: string;
}

/**
 * Base packages every guest gets. A fixed part of the bootstrap, not a setting: no stack key and
 * no caller chooses them, so the spec has no field for them.
 */
export const BASE_PACKAGES: readonly string[] = ["ca-certificates", "curl", "gnupg"];

/** First step on every guest: base packages, SSH access policy, and a check of the shared mount. */
export function renderHostBootstrap(spec: HostBootstrapSpec): ProvisionBundle {
  const sshdDropIn = `# Managed by Parity: key-only root login for automation.
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
`;
  const script = `set -euo pipefail
${aptInstallSnippet(BASE_PACKAGES)}

if printf '%s' "$PARITY_CHANGED_FILES" | grep -qx /etc/ssh/sshd_config.d/50-parity.conf; then
  sshd -t
  systemctl reload ssh 2>/dev/null || systemctl reload sshd
  # A reload re-executes sshd: wait until it listens again so the next step can connect.
  for _ in $(seq 1 20); do ss -Hltn 'sport = :22' | grep -q . && break; sleep 0.5; done
fi
${spec.sharedPath ? `
# The shared path is a Proxmox bind mount: if it is missing, the guest was created without it.
if ! mountpoint -q ${spec.sharedPath} && [ ! -d ${spec.sharedPath} ]; then
  echo "parity: shared storage ${spec.sharedPath} is not mounted in this guest" >&2
  exit 1
fi` : ""}
echo "parity: ${spec.hostname} bootstrapped"
`;
  return {
    name: "bootstrap",
    files: [
      { path: "/root/.ssh/authorized_keys", content: spec.authorizedKeys.join("\n") + "\n", mode: "0600" },
      { path: "/etc/ssh/sshd_config.d/50-parity.conf", content: sshdDropIn, mode: "0644" },
      { path: "/etc/parity/host", content: `hostname=${spec.hostname}\nfqdn=${spec.fqdn}\n`, mode: "0644" },
    ],
    script,
    secretEnv: [],
    packages: BASE_PACKAGES,
    maskUnits: [],
  };
}
