import { aptInstallSnippet } from "./aptInstall";
import { ProvisionBundle } from "./bundle";

export interface DockerEngineSpec {
  /** json-file log rotation: size per file. Default "10m". */
  readonly logMaxSize?: string;
  /** json-file log rotation: files kept. Default 3. */
  readonly logMaxFiles?: number;
}

/**
 * Docker engine from Debian's own `docker.io` package: it comes from the mirror the guest
 * already trusts (no third-party apt key), and its version moves only with Debian's security
 * updates. `live-restore` keeps containers running while the daemon restarts.
 */
export function renderDockerEngine(spec: DockerEngineSpec = {}): ProvisionBundle {
  const daemon = {
    "log-driver": "json-file",
    "log-opts": { "max-size": spec.logMaxSize ?? "10m", "max-file": String(spec.logMaxFiles ?? 3) },
    "live-restore": true,
  };
  const script = `set -euo pipefail
${aptInstallSnippet(["docker.io"])}

systemctl enable --quiet docker.service
if printf '%s' "$PARITY_CHANGED_FILES" | grep -qx /etc/docker/daemon.json; then
  systemctl restart docker.service
else
  systemctl is-active --quiet docker.service || systemctl start docker.service
fi
# Wait for the API: the Docker provider connects right after this step.
for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
docker info --format 'parity: docker {{.ServerVersion}} ready' 
`;
  return {
    name: "docker-engine",
    files: [{ path: "/etc/docker/daemon.json", content: JSON.stringify(daemon, null, 2) + "\n", mode: "0644" }],
    script,
    secretEnv: [],
  };
}
