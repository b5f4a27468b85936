/**
 * A network namespace on the test-bed bridge that stands in for a machine on the LAN (an
 * operator's workstation, a monitor, another host): a veth pair with one end on the bridge and
 * the other, addressed, in the namespace. Probes run from inside it with bash's /dev/tcp.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { BRIDGE, PREFIX_LEN } from "../../../tools/testbed/host";

export class LanNamespace {
  private constructor(readonly name: string, readonly address: string) {}

  /** The veth pair is named after the address (unique on the bridge): `lan<last octet>` and `…b` on the bridge. */
  private static veth(address: string): string {
    return `lan${address.split(".")[3]}`;
  }

  /** `address` must be on the bridge's subnet and outside the guests' (.200–.249) and DHCP (.100–.199) ranges. */
  static create(name: string, address: string): LanNamespace {
    LanNamespace.remove(name, address);
    const veth = LanNamespace.veth(address);
    const sh = (script: string) => execFileSync("bash", ["-euo", "pipefail", "-c", script], { stdio: ["ignore", "pipe", "pipe"] });
    sh(`ip netns add ${name}
ip link add ${veth} type veth peer name ${veth}b
ip link set ${veth}b master ${BRIDGE} up
ip link set ${veth} netns ${name}
ip -n ${name} addr add ${address}/${PREFIX_LEN} dev ${veth}
ip -n ${name} link set lo up
ip -n ${name} link set ${veth} up`);
    return new LanNamespace(name, address);
  }

  /** Removes the namespace and its veth pair (deleting the namespace deletes both ends). Idempotent. */
  static remove(name: string, address: string): void {
    spawnSync("ip", ["netns", "del", name], { stdio: "ignore" });
    spawnSync("ip", ["link", "del", `${LanNamespace.veth(address)}b`], { stdio: "ignore" });
  }

  /** Whether a TCP connection to host:port opens within `seconds` (a refusal and a drop both count as no). */
  connects(host: string, port: number, seconds = 2): boolean {
    return spawnSync("ip", ["netns", "exec", this.name, "timeout", String(seconds), "bash", "-c", `exec 3<>/dev/tcp/${host}/${port}`], { stdio: "ignore" }).status === 0;
  }

  /** The ports of `ports` on host that accept a TCP connection within `seconds`, probed in parallel. */
  reachable(host: string, ports: readonly number[], seconds = 2): Promise<number[]> {
    return new Promise((done, fail) => {
      execFile("ip", ["netns", "exec", this.name, "bash", "-c", probeScript(host, ports, seconds)], { timeout: (seconds + 10) * 1000 }, (e, stdout) => (e ? fail(new Error(`probe from ${this.name} to ${host} failed: ${e.message}`)) : done(parseProbe(stdout))));
    });
  }

  remove(): void {
    LanNamespace.remove(this.name, this.address);
  }
}

/**
 * A bash script that tries every port at once with /dev/tcp and prints, one a line, those that
 * accept within `seconds`; a refusal and a drop both print nothing. Runs in a namespace or a guest.
 */
export function probeScript(host: string, ports: readonly number[], seconds = 2): string {
  if (!/^[\d.]+$/.test(host)) throw new Error(`probe host ${host} is not an IPv4 address`);
  const list = ports.map((p) => String(Math.trunc(p))).join(" ");
  return `for p in ${list}; do ( timeout ${seconds} bash -c "exec 3<>/dev/tcp/${host}/$p" 2>/dev/null && echo "$p" ) & done; wait`;
}

/** The ports a {@link probeScript} printed, ascending. */
export function parseProbe(stdout: string): number[] {
  return stdout.split("\n").filter((l) => /^\d+$/.test(l.trim())).map(Number).sort((a, b) => a - b);
}

/** The command that lists a machine's listening TCP sockets for {@link parseListening}. */
export const LISTENING_COMMAND = "ss -Hltn";

/**
 * `ss -Hltn` output → listening TCP ports; a port is "wide" (true) when any of its sockets is
 * bound beyond loopback, so it is one the firewall must decide about.
 */
export function parseListening(ssOutput: string): Map<number, boolean> {
  const out = new Map<number, boolean>();
  for (const line of ssOutput.split("\n").filter(Boolean)) {
    const local = line.trim().split(/\s+/)[3]!;
    const port = Number(local.slice(local.lastIndexOf(":") + 1));
    const wide = !/^(127\.|\[::1\]|\[::ffff:127\.)/.test(local);
    out.set(port, (out.get(port) ?? false) || wide);
  }
  return out;
}
