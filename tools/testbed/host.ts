/**
 * Host side of the test bed: the bridge guests plug into, dnsmasq for DHCP/DNS on it, NAT to
 * Debian's mirror, and the harness's SSH key. Every step checks before it changes anything,
 * so it is safe after an earlier run, next to a running dockerd, or twice in a row.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { STATE_DIR, mustRunLocked, run, shq } from "./shell";

export const BRIDGE = "parbr0";
export const GATEWAY = "10.231.0.1";
export const SUBNET = "10.231.0.0/24";
export const PREFIX_LEN = 24;
/** dnsmasq serves this domain from {@link HOSTS_FILE}: guests resolve `<hostname>.parity-testbed`. */
export const DOMAIN = "parity-testbed";
/** dnsmasq drops root for user nobody, so its files live outside the private STATE_DIR. */
const DNS_DIR = `${STATE_DIR}/dns`;
export const HOSTS_FILE = `${DNS_DIR}/hosts`;
const DNSMASQ_PID = `${DNS_DIR}/dnsmasq.pid`;
/** Tags our iptables rules so they are recognisable (and removable by hand) later. */
const RULE_COMMENT = "parity-testbed";

const REQUIRED_COMMANDS = ["lxc-start", "lxc-stop", "lxc-destroy", "lxc-info", "lxc-attach", "debootstrap",
  "dnsmasq", "iptables", "ip", "ssh", "ssh-keygen", "zstd", "flock", "tar"];

/** Fails early with one clear message instead of a cryptic ENOENT deep inside a test. */
export async function checkHostPrerequisites(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error("[testbed] the system tests must run as root (LXC, bridges, iptables)");
  }
  const missing: string[] = [];
  for (const c of REQUIRED_COMMANDS) {
    if ((await run("bash", ["-c", `command -v ${shq(c)}`])).code !== 0) missing.push(c);
  }
  if (missing.length > 0) {
    throw new Error(`[testbed] missing host commands: ${missing.join(", ")}. Run: sudo scripts/install-system-deps.sh`);
  }
}

/** Bridge, forwarding, NAT, FORWARD/INPUT accept rules and dnsmasq, all idempotent. */
export async function ensureNetwork(): Promise<void> {
  await mustRunLocked(`
br=${BRIDGE}; gw=${GATEWAY}; net=${SUBNET}; dns=${shq(DNS_DIR)}
sysctl -qw net.ipv4.ip_forward=1
new_bridge=0
ip link show "$br" >/dev/null 2>&1 || { ip link add "$br" type bridge; new_bridge=1; }
ip -4 -o addr show dev "$br" | grep -qF " $gw/${PREFIX_LEN} " || ip addr add "$gw/${PREFIX_LEN}" dev "$br"
ip link set "$br" up

defif="$(ip -4 route show default | awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}')"
[ -n "$defif" ] || { echo "no IPv4 default route on this host: guests could not reach the mirror" >&2; exit 1; }

# -C first so re-runs never duplicate a rule; FORWARD/INPUT rules go to the top because a
# running dockerd sets the FORWARD policy to DROP and may add its own rules.
ensure_rule() {
  local table="$1" chain="$2" where="$3"; shift 3
  iptables -w -t "$table" -C "$chain" "$@" -m comment --comment ${RULE_COMMENT} 2>/dev/null && return 0
  if [ "$where" = top ]; then
    iptables -w -t "$table" -I "$chain" 1 "$@" -m comment --comment ${RULE_COMMENT}
  else
    iptables -w -t "$table" -A "$chain" "$@" -m comment --comment ${RULE_COMMENT}
  fi
}
ensure_rule nat POSTROUTING end -s "$net" ! -d "$net" -o "$defif" -j MASQUERADE
ensure_rule filter FORWARD top -i "$br" -j ACCEPT
ensure_rule filter FORWARD top -o "$br" -j ACCEPT
ensure_rule filter INPUT top -i "$br" -j ACCEPT

chmod 0711 ${shq(STATE_DIR)}  # nobody (dnsmasq) must traverse it to reach dns/
install -d -m 0755 "$dns"
touch "$dns/hosts"; chmod 0644 "$dns/hosts"
pid="$(cat "$dns/dnsmasq.pid" 2>/dev/null || true)"
# A pid file can outlive its process (reboot) and the pid can be reused: trust it only
# when that process really is our dnsmasq.
if [ -n "$pid" ] && tr '\\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--pid-file=$dns/dnsmasq.pid"; then
  # DNS follows a re-created bridge (--bind-dynamic) but the DHCP socket stays bound to the
  # old device: restart dnsmasq when the bridge is new.
  [ "$new_bridge" = 1 ] || exit 0
  kill "$pid"; sleep 0.5
fi
# A test-bed dnsmasq started by an older harness (other file paths) would hold the ports:
# stop exactly those, recognised by their arguments, and nothing else.
for c in /proc/[0-9]*/cmdline; do
  args="$(tr '\\0' ' ' < "$c" 2>/dev/null || true)"
  if [[ "$args" == "dnsmasq --conf-file=/dev/null --pid-file=${STATE_DIR}/"* && "$args" == *" --interface=$br "* ]]; then
    p="\${c#/proc/}"; kill "\${p%/cmdline}" 2>/dev/null || true; sleep 0.5
  fi
done
# --bind-dynamic (not --bind-interfaces): survives the bridge being deleted and re-created,
# and never touches other interfaces, so it coexists with lxc-net's or Docker's dnsmasq.
dnsmasq --conf-file=/dev/null --pid-file="$dns/dnsmasq.pid" \\
  --interface="$br" --except-interface=lo --bind-dynamic \\
  --dhcp-range=10.231.0.100,10.231.0.199,1h --dhcp-authoritative \\
  --dhcp-leasefile="$dns/dnsmasq.leases" \\
  --domain=${DOMAIN} --local=/${DOMAIN}/ --expand-hosts --addn-hosts="$dns/hosts" \\
  --log-facility="$dns/dnsmasq.log"
`);
}

/** Adds or replaces `ip hostname hostname.domain` for a guest and makes dnsmasq reload it. */
export async function registerHost(ip: string, hostname: string): Promise<void> {
  await updateHosts(hostname, `${ip} ${hostname}.${DOMAIN} ${hostname}`);
}

export async function unregisterHost(hostname: string): Promise<void> {
  await updateHosts(hostname, "");
}

/**
 * Publishes one extra name (e.g. a stack's `backend.<domain>`) in the test bed's DNS. Names
 * under `parity-testbed` are answered locally; others would be forwarded, so keep to those.
 */
export async function registerDnsName(fqdn: string, ip: string): Promise<void> {
  if (!/^[a-z0-9.-]+$/.test(fqdn) || !/^10\.231\.0\.\d{1,3}$/.test(ip)) {
    throw new Error(`[testbed] DNS record ${fqdn} -> ${ip}: a lowercase name and a test-bed address only`);
  }
  await updateHosts(fqdn, `${ip} ${fqdn}`);
}

export async function unregisterDnsName(fqdn: string): Promise<void> {
  await updateHosts(fqdn, "");
}

/** True when the host's v1 `cpu` controller has a hierarchy of its own (not joint with cpuacct). */
export function cpuControllerNeedsOwnMount(): boolean {
  if (existsSync("/sys/fs/cgroup/cgroup.controllers")) return false; // pure cgroup v2
  const ids = new Map<string, string>();
  for (const line of readFileSync("/proc/cgroups", "utf8").split("\n")) {
    const [name, hierarchy] = line.split(/\s+/);
    if (name && hierarchy && !name.startsWith("#")) ids.set(name, hierarchy);
  }
  const cpu = ids.get("cpu");
  return cpu !== undefined && cpu !== "0" && cpu !== ids.get("cpuacct");
}

async function updateHosts(hostname: string, line: string): Promise<void> {
  await mustRunLocked(`
f=${shq(HOSTS_FILE)}; touch "$f"
awk -v h=${shq(hostname)} '$NF != h' "$f" > "$f.tmp"
[ -z ${shq(line)} ] || echo ${shq(line)} >> "$f.tmp"
chmod 0644 "$f.tmp"; mv -f "$f.tmp" "$f"
pid="$(cat ${shq(DNSMASQ_PID)} 2>/dev/null || true)"
[ -z "$pid" ] || kill -HUP "$pid" 2>/dev/null || true
`);
}

/** The harness's own SSH identity, generated once and kept across runs. */
export function testbedSshKey(): { privateKeyPath: string; publicKey: string } {
  const privateKeyPath = `${STATE_DIR}/id_ed25519`;
  if (!existsSync(privateKeyPath) || !existsSync(`${privateKeyPath}.pub`)) {
    // Synchronous because the API is; it runs once per machine. The lock keeps two jest
    // processes from generating two different keys.
    mkdirSync(STATE_DIR, { recursive: true, mode: 0o711 });
    execFileSync("flock", ["-x", `${STATE_DIR}/host.lock`, "bash", "-euo", "pipefail", "-c",
      `[ -s ${shq(privateKeyPath)} ] && [ -s ${shq(`${privateKeyPath}.pub`)} ] && exit 0
rm -f ${shq(privateKeyPath)} ${shq(`${privateKeyPath}.pub`)}
ssh-keygen -q -t ed25519 -N '' -C parity-testbed -f ${shq(privateKeyPath)}`], { stdio: "pipe" });
  }
  return { privateKeyPath, publicKey: readFileSync(`${privateKeyPath}.pub`, "utf8").trim() };
}

/** Which cgroup key limits memory here: hybrid/legacy hosts (like this VM) need the v1 key. */
export function memoryLimitConfig(memoryMb: number): string {
  const bytes = memoryMb * 1024 * 1024;
  return existsSync("/sys/fs/cgroup/cgroup.controllers")
    ? `lxc.cgroup2.memory.max = ${bytes}`
    : `lxc.cgroup.memory.limit_in_bytes = ${bytes}`;
}
