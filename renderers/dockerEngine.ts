import { aptInstallSnippet } from "./aptInstall";
import { ProvisionBundle } from "./bundle";

/**
 * json-file log rotation of every container on a Docker guest: 3 files of 10 MB. A fixed part of
 * the engine's configuration, not a setting (no stack key sets it), so the renderer takes no spec.
 */
export const DOCKER_LOG_ROTATION = { maxSize: "10m", maxFiles: 3 } as const;

/**
 * Docker engine from Debian's own `docker.io` package: it comes from the mirror the guest
 * already trusts (no third-party apt key), and its version moves only with Debian's security
 * updates. `live-restore` keeps containers running while the daemon restarts.
 */
/** Debian's Docker engine: what the step installs, and what a template pre-installs. */
export const DOCKER_ENGINE_PACKAGES: readonly string[] = ["docker.io"];

export function renderDockerEngine(): ProvisionBundle {
  const daemon = {
    "log-driver": "json-file",
    "log-opts": { "max-size": DOCKER_LOG_ROTATION.maxSize, "max-file": String(DOCKER_LOG_ROTATION.maxFiles) },
    "live-restore": true,
  };
  const script = `set -euo pipefail
${aptInstallSnippet(DOCKER_ENGINE_PACKAGES)}

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
    packages: DOCKER_ENGINE_PACKAGES,
    maskUnits: [],
  };
}
