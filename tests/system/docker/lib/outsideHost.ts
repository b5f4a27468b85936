/**
 * A host outside the Docker engine's networks, made by this test: a network namespace on a
 * veth pair with a TCP listener. Reaching it needs forwarding through this machine, which is
 * exactly what an internal Docker network must not have.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { STANDIN_PY } from "../../../../tools/testbed/deploy/standins";

const NS = "parity-it-outside";
const HOST_IF = "parity-it-o0";
export const OUTSIDE_ADDRESS = "10.232.0.2";
export const OUTSIDE_PORT = 18766;

function sh(script: string): void {
  execFileSync("bash", ["-c", script], { stdio: "pipe" });
}

export function startOutsideHost(): ChildProcess {
  stopOutsideHost();
  sh(`ip netns add ${NS}
ip link add ${HOST_IF} type veth peer name eth0 netns ${NS}
ip addr add 10.232.0.1/30 dev ${HOST_IF}
ip link set ${HOST_IF} up
ip netns exec ${NS} ip addr add ${OUTSIDE_ADDRESS}/30 dev eth0
ip netns exec ${NS} ip link set eth0 up
ip netns exec ${NS} ip link set lo up
ip netns exec ${NS} ip route add default via 10.232.0.1
sysctl -qw net.ipv4.ip_forward=1`);
  return spawn("ip", ["netns", "exec", NS, "python3", STANDIN_PY, String(OUTSIDE_PORT)], { stdio: "ignore" });
}

/** Idempotent: also clears what an interrupted run left. */
export function stopOutsideHost(listener?: ChildProcess): void {
  listener?.kill("SIGKILL");
  sh(`ip netns pids ${NS} 2>/dev/null | xargs -r kill -9 || true
ip link del ${HOST_IF} 2>/dev/null || true
ip netns del ${NS} 2>/dev/null || true`);
}
