/**
 * The script that gates a rollout on a new container's health (pure: spec → text). It runs
 * where the Docker CLI reaches the engine (the guest over SSH, or the machine running Pulumi
 * with DOCKER_HOST), waits for Docker's own health status, and fails with a message naming
 * the service, the container and the check — so `pulumi up` halts there, with every
 * container not yet replaced still on its old version.
 */
export interface HealthGateSpec {
  /** Service or pool name, as users know it. */
  readonly service: string;
  /** The container to wait for (its version's name). */
  readonly container: string;
  /** The health check's test, as declared. */
  readonly check: readonly string[];
  readonly timeoutSeconds: number;
  /**
   * Seconds to wait after Docker reports healthy before the next step may stop an old
   * container: the proxy's own checks need `rise × inter` plus one DNS refresh to route to
   * the new one. 0 when no proxy fronts the service.
   */
  readonly settleSeconds: number;
}

/** POSIX single quotes: the value is inert however it reads. */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function renderHealthGate(spec: HealthGateSpec): string {
  const check = spec.check.join(" ");
  return `set -u
name=${q(spec.container)}
service=${q(spec.service)}
check=${q(check)}
deadline=$(( $(date +%s) + ${spec.timeoutSeconds} ))
state=missing
while :; do
  state=$(docker inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$name" 2>/dev/null || echo missing)
  case "$state" in
    "running healthy")
      sleep ${spec.settleSeconds}
      echo "parity: service $service: $name is healthy"
      exit 0 ;;
    *unhealthy|exited*|dead*|missing|"running none") break ;;
  esac
  [ "$(date +%s)" -ge "$deadline" ] && break
  sleep 1
done
# The last probe's exit code and output, one JSON-quoted line per probe.
last=$(docker inspect --format '{{if .State.Health}}{{range .State.Health.Log}}exit {{.ExitCode}}: {{json .Output}}{{"\\n"}}{{end}}{{end}}' "$name" 2>/dev/null | grep -v '^$' | tail -n 1 | cut -c1-400)
# printf, not echo: dash's echo would expand the escapes in the probe's output.
printf '%s\\n' "parity: rollout of service $service halted: new container $name failed its health check [$check] within ${spec.timeoutSeconds}s (state: $state; last result: \${last:-none}). Containers not yet replaced keep the previous version; set the previous image tag to roll back." >&2
exit 1
`;
}
