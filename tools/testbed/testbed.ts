/**
 * Debian 12 LXC test bed: real guests with systemd as PID 1, reached over SSH, standing in
 * for the Proxmox LXCs that Parity provisions. See docs/TESTBED.md for the layout and for
 * what it cannot reproduce.
 *
 * Typical use:
 *   beforeAll(ensureTestbed); afterAll(destroyAllGuests);
 *   const g = await createGuest({ name: "parity-t-core" });
 *   const run = await g.runBundle(bundle, { PG_PASSWORD: "…" });
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { BRIDGE, GATEWAY, PREFIX_LEN, checkHostPrerequisites, cpuControllerNeedsOwnMount, ensureNetwork, memoryLimitConfig,
  registerHost, testbedSshKey, unregisterHost } from "./host";
import { ensureBaseRootfs } from "./rootfs";
import { Guest, LxcGuest, waitForGuest } from "./guest";
import { mustRun, mustRunLocked, run, shq } from "./shell";

export type { ExecResult } from "./shell";
export type { BundleRun, Guest } from "./guest";
export { registerDnsName, testbedSshKey, unregisterDnsName } from "./host";

export interface GuestSpec {
  /** LXC name; must start with "parity-t-" so cleanup never touches anything else. */
  name: string;
  /** Default: name. */
  hostname?: string;
  /** "10.231.0.11/24" style; default: allocated deterministically from name in .200–.249. */
  ipv4?: string;
  /** Memory limit of the guest's cgroup; default: none. */
  memoryMb?: number;
  /** Added to root's authorized_keys next to the harness key. */
  sshAuthorizedKeys?: string[];
  /**
   * Default false: unprivileged (idmapped rootfs, root = host uid 100000) like Proxmox
   * guests. Set true only for what Proxmox also needs a privileged LXC for.
   */
  privileged?: boolean;
  /** Like Proxmox `features.nesting` (e.g. Docker inside the guest). Default false. */
  nesting?: boolean;
  /**
   * Host directories bind-mounted into the guest, like Proxmox mount points with a host path
   * (`mp0: /srv/x,mp=/mnt/x`). Not idmapped, as on Proxmox: host uid 101000 is guest uid 1000.
   */
  binds?: readonly GuestBind[];
}

export interface GuestBind {
  /** Absolute directory on this host; must exist. */
  hostPath: string;
  /** Absolute path inside the guest; created when missing. */
  guestPath: string;
  readOnly?: boolean;
}

const LXC_PATH = "/var/lib/lxc";
const NAME_PREFIX = "parity-t-";
/** Outside dnsmasq's DHCP range (.100–.199) and away from the low addresses tests pick by hand. */
const AUTO_FIRST = 200;
const AUTO_COUNT = 50;

/**
 * This VM's kernel keeps the v1 `cpu` and `cpuacct` controllers in separate hierarchies; the
 * guest's systemd only tries the usual joint `cpu,cpuacct` mount, fails, and leaves Docker
 * without CPU quotas ("NanoCPUs can not be set"). A Proxmox 8 host (pure cgroup v2) delegates
 * the cpu controller, so nesting guests get it mounted here too, before containerd and Docker.
 */
const CPU_CGROUP_UNIT_SCRIPT = `unit=parity-testbed-cpu-cgroup.service
cat > "$root/etc/systemd/system/$unit" <<'UNIT'
[Unit]
Description=Mount the cpu cgroup controller (test bed host keeps cpu and cpuacct apart)
DefaultDependencies=no
Before=containerd.service docker.service sysinit.target
ConditionPathIsMountPoint=!/sys/fs/cgroup/cpu,cpuacct

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/mount -t cgroup -o cpu cgroup /sys/fs/cgroup/cpu,cpuacct

[Install]
WantedBy=sysinit.target
UNIT
mkdir -p "$root/etc/systemd/system/sysinit.target.wants"
ln -sf "/etc/systemd/system/$unit" "$root/etc/systemd/system/sysinit.target.wants/$unit"`;

/** Seconds this process spent building the base rootfs (0 when it was cached), for reports. */
export const testbedTimings = { baseRootfsBuildSeconds: 0 };

let ready: Promise<void> | undefined;

/** Host side: prerequisites, bridge, dnsmasq, NAT, FORWARD rules, cached base rootfs. Idempotent. */
export function ensureTestbed(): Promise<void> {
  ready ??= (async () => {
    await checkHostPrerequisites();
    testbedSshKey();
    await ensureNetwork();
    testbedTimings.baseRootfsBuildSeconds = (await ensureBaseRootfs()).builtSeconds;
  })().catch((e: unknown) => {
    ready = undefined; // let a later call retry instead of replaying the failure
    throw e;
  });
  return ready;
}

function assertGuestName(name: string): void {
  if (!name.startsWith(NAME_PREFIX) || !/^[a-z0-9-]{1,63}$/.test(name)) {
    throw new Error(`[testbed] guest name '${name}' must match ${NAME_PREFIX}[a-z0-9-]+ (at most 63 chars)`);
  }
}

/** Candidate addresses in order: the requested one only, or a name-derived start in the auto range. */
function candidateAddresses(spec: GuestSpec): string[] {
  if (spec.ipv4 !== undefined) {
    const m = /^10\.231\.0\.(\d{1,3})\/24$/.exec(spec.ipv4);
    const host = m?.[1] === undefined ? NaN : Number(m[1]);
    if (!(host >= 2 && host <= 254)) {
      throw new Error(`[testbed] ipv4 '${spec.ipv4}' must be 10.231.0.2/24 … 10.231.0.254/24`);
    }
    return [`10.231.0.${host}`];
  }
  const start = createHash("sha256").update(spec.name).digest().readUInt32BE(0) % AUTO_COUNT;
  return Array.from({ length: AUTO_COUNT }, (_, i) => `10.231.0.${AUTO_FIRST + ((start + i) % AUTO_COUNT)}`);
}

/** Locally administered MAC from the name: stable across re-creation, so leases and ARP stay sane. */
function macFor(name: string): string {
  const h = createHash("sha256").update(`mac:${name}`).digest();
  return ["02", ...[0, 1, 2, 3, 4].map((i) => (h[i] ?? 0).toString(16).padStart(2, "0"))].join(":");
}

/**
 * A test-bed guest's LXC config: unprivileged and idmapped like a Proxmox guest (unless
 * `privileged`), on the bridge with a static address LXC sets before init, its binds as
 * Proxmox mount points. `ipv4` is written as given ("10.231.0.11/24", or a placeholder the
 * caller replaces under the host lock). Used for every guest the test bed and its suites create.
 */
export function lxcGuestConfig(spec: Omit<GuestSpec, "hostname" | "ipv4" | "sshAuthorizedKeys">, hostname: string, ipv4: string): string {
  const dir = `${LXC_PATH}/${spec.name}`;
  return [
    `# Written by the test bed (tools/testbed); removed by destroyGuest().`,
    `lxc.include = /usr/share/lxc/config/common.conf`,
    ...(spec.privileged ? [] : [`lxc.include = /usr/share/lxc/config/userns.conf`]),
    ...(spec.nesting ? [`lxc.include = /usr/share/lxc/config/nesting.conf`] : []),
    `lxc.arch = linux64`,
    `lxc.uts.name = ${hostname}`,
    `lxc.rootfs.path = dir:${dir}/rootfs`,
    // Unprivileged without shifting files on disk: the kernel maps ids at mount time.
    ...(spec.privileged ? [] : [
      `lxc.rootfs.options = idmap=container`,
      `lxc.idmap = u 0 100000 65536`,
      `lxc.idmap = g 0 100000 65536`,
    ]),
    // This kernel has no AppArmor; last assignment wins over the includes above.
    `lxc.apparmor.profile = unconfined`,
    `lxc.autodev = 1`,
    `lxc.signal.halt = SIGRTMIN+3`,
    `lxc.net.0.type = veth`,
    `lxc.net.0.link = ${BRIDGE}`,
    `lxc.net.0.flags = up`,
    `lxc.net.0.name = eth0`,
    `lxc.net.0.hwaddr = ${macFor(spec.name)}`,
    // LXC configures the static address before init; the guest runs no network manager.
    `lxc.net.0.ipv4.address = ${ipv4}`,
    `lxc.net.0.ipv4.gateway = ${GATEWAY}`,
    ...(spec.memoryMb ? [memoryLimitConfig(spec.memoryMb)] : []),
    ...(spec.binds ?? []).map((b) => {
      if (!b.hostPath.startsWith("/") || !b.guestPath.startsWith("/") || /\s/.test(b.hostPath + b.guestPath)) {
        throw new Error(`[testbed] bind ${b.hostPath} -> ${b.guestPath}: absolute paths without spaces only`);
      }
      return `lxc.mount.entry = ${b.hostPath} ${b.guestPath.slice(1)} none bind,create=dir${b.readOnly ? ",ro" : ""} 0 0`;
    }),
    `lxc.console.logfile = ${dir}/console.log`,
    `lxc.log.file = ${dir}/lxc.log`,
    `lxc.log.level = ERROR`,
    ``,
  ].join("\n");
}

/**
 * Creates and boots a guest from the cached base rootfs (destroying a leftover of the same
 * name first) and returns once systemd is running/degraded and sshd accepts the harness key.
 */
export async function createGuest(spec: GuestSpec): Promise<Guest> {
  assertGuestName(spec.name);
  const hostname = spec.hostname ?? spec.name;
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(hostname)) {
    throw new Error(`[testbed] hostname '${hostname}' is not a valid DNS label`);
  }
  await ensureTestbed();
  await destroyGuest(spec.name);
  const tarball = (await ensureBaseRootfs()).path;
  const dir = `${LXC_PATH}/${spec.name}`;
  const keys = [testbedSshKey().publicKey, ...(spec.sshAuthorizedKeys ?? [])].join("\n") + "\n";

  // Address allocation and writing the config (which reserves the address) happen under the
  // host lock, so two processes creating guests at once never pick the same address.
  const ipv4 = (await mustRunLocked(`
dir=${shq(dir)}
for ip in ${candidateAddresses(spec).join(" ")}; do
  if ! grep -qsxF "lxc.net.0.ipv4.address = $ip/${PREFIX_LEN}" ${LXC_PATH}/${NAME_PREFIX}*/config; then
    mkdir -p "$dir"
    printf '%s' ${shq(lxcGuestConfig(spec, hostname, `@IP@/${PREFIX_LEN}`))} | sed "s|@IP@|$ip|" > "$dir/config"
    echo "$ip"; exit 0
  fi
done
echo "no free test-bed address among: ${candidateAddresses(spec).join(" ")}" >&2; exit 1
`)).trim();

  const root = `${dir}/rootfs`;
  await mustRun("bash", ["-euo", "pipefail", "-c", `
root=${shq(root)}
mkdir -p "$root"
zstd -q -dc ${shq(tarball)} | tar --numeric-owner --xattrs --xattrs-include='*' -xpf - -C "$root"
echo ${shq(hostname)} > "$root/etc/hostname"
printf '127.0.0.1\\tlocalhost\\n127.0.1.1\\t%s\\n::1\\tlocalhost ip6-localhost ip6-loopback\\n' ${shq(hostname)} > "$root/etc/hosts"
echo ${randomBytes(16).toString("hex")} > "$root/etc/machine-id"
ssh-keygen -q -A -f "$root"
install -d -m 0700 "$root/root/.ssh"
printf '%s' ${shq(keys)} > "$root/root/.ssh/authorized_keys"
chmod 0600 "$root/root/.ssh/authorized_keys"
${spec.nesting && cpuControllerNeedsOwnMount() ? CPU_CGROUP_UNIT_SCRIPT : ""}
`], { timeoutMs: 300_000 });

  const consoleLog = `${dir}/console.log`;
  const waitReady = () => waitForGuest(spec.name, ipv4, consoleLog);
  await mustRun("lxc-start", ["-n", spec.name, "-d"], { timeoutMs: 60_000 });
  await waitReady();
  await registerHost(ipv4, hostname);
  return new LxcGuest(spec.name, ipv4, waitReady, () => destroyGuest(spec.name));
}

/** Stops and deletes one parity-t-* guest and its DNS entry; a missing guest is fine. */
export async function destroyGuest(name: string): Promise<void> {
  assertGuestName(name);
  const dir = `${LXC_PATH}/${name}`;
  if (!existsSync(dir)) return;
  const uts = /^lxc\.uts\.name\s*=\s*(\S+)/m.exec(existsSync(`${dir}/config`) ? readFileSync(`${dir}/config`, "utf8") : "");
  await run("lxc-stop", ["-n", name, "-k"], { timeoutMs: 60_000 });
  await run("lxc-destroy", ["-n", name], { timeoutMs: 120_000 });
  // lxc-destroy refuses a directory without a valid config (a crashed half-created guest).
  await mustRun("rm", ["-rf", "--one-file-system", dir]);
  if (uts?.[1]) await unregisterHost(uts[1]);
}

/** Destroys every parity-t-* container, running or not, and nothing else. */
export async function destroyAllGuests(): Promise<void> {
  if (!existsSync(LXC_PATH)) return;
  for (const name of readdirSync(LXC_PATH).sort()) {
    if (name.startsWith(NAME_PREFIX) && /^[a-z0-9-]+$/.test(name)) await destroyGuest(name);
  }
}
