/**
 * The cached Debian 12 base rootfs every test-bed guest is copied from. Built once with
 * debootstrap from the host's own Debian mirror, stored as a .tar.zst keyed by everything
 * that shapes it, so a changed package list or setup step rebuilds and nothing else does.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mustRunLocked, shq } from "./shell";

export const CACHE_DIR = "/var/cache/parity-testbed";

/**
 * What a Proxmox Debian 12 template offers and provisioning scripts assume (systemd, sshd,
 * curl, python3, sudo, ps). minbase keeps the build near a minute; locales-all is left out
 * because C.UTF-8 is built into Debian 12's glibc and keeps apt and perl quiet.
 */
export const BASE_PACKAGES: readonly string[] = [
  "systemd", "systemd-sysv", "dbus", "openssh-server", "ca-certificates", "curl", "iproute2",
  "iputils-ping", "python3", "sudo", "procps", "less", "netbase", "gnupg", "apt-transport-https",
];

/**
 * Units that cannot work inside an unprivileged container and would only turn
 * `systemctl is-system-running` into "degraded" (debugfs/tracefs mounts need the host).
 */
const MASKED_UNITS = ["sys-kernel-debug.mount", "sys-kernel-tracing.mount", "systemd-journald-audit.socket"];

/** Bump when the setup script below changes in a way the package list does not show. */
const SETUP_VERSION = "3";

export interface DebianMirror {
  /** e.g. http://deb.debian.org/debian */
  readonly main: string;
  /** e.g. http://deb.debian.org/debian-security; absent when the host has none configured. */
  readonly security?: string;
}

/**
 * Reads the host's apt sources (one-line and deb822) and returns the URIs that serve
 * bookworm and bookworm-security, so the test bed uses whatever mirror this host may reach.
 */
export function hostDebianMirror(): DebianMirror {
  const files: string[] = [];
  if (existsSync("/etc/apt/sources.list")) files.push("/etc/apt/sources.list");
  if (existsSync("/etc/apt/sources.list.d")) {
    for (const f of readdirSync("/etc/apt/sources.list.d").sort()) {
      if (f.endsWith(".list") || f.endsWith(".sources")) files.push(`/etc/apt/sources.list.d/${f}`);
    }
  }
  const entries: { uri: string; suites: string[] }[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    if (file.endsWith(".sources")) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (k: string): string[] => {
          const m = new RegExp(`^${k}:\\s*(.*)$`, "im").exec(stanza);
          return m?.[1] ? m[1].trim().split(/\s+/) : [];
        };
        if (!field("Types").includes("deb") || /^Enabled:\s*no/im.test(stanza)) continue;
        for (const uri of field("URIs")) entries.push({ uri, suites: field("Suites") });
      }
    } else {
      for (const line of text.split("\n")) {
        const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (m?.[1] && m[2]) entries.push({ uri: m[1], suites: [m[2]] });
      }
    }
  }
  const find = (suite: string): string | undefined =>
    entries.find((e) => e.suites.includes(suite))?.uri.replace(/\/+$/, "");
  const main = find("bookworm");
  if (!main) {
    throw new Error("[testbed] no apt source for 'bookworm' in /etc/apt/sources.list(.d): cannot pick a Debian mirror");
  }
  const security = find("bookworm-security");
  return security ? { main, security } : { main };
}

/** Path of the cached tarball for this package list, mirror and setup version. */
export function baseRootfsPath(mirror: DebianMirror = hostDebianMirror()): string {
  const key = createHash("sha256")
    .update(JSON.stringify({ BASE_PACKAGES, MASKED_UNITS, SETUP_VERSION, mirror }))
    .digest("hex")
    .slice(0, 16);
  return `${CACHE_DIR}/bookworm-${key}.tar.zst`;
}

/** Builds the base tarball unless it is cached. Returns its path and the build time (0 if cached). */
export async function ensureBaseRootfs(): Promise<{ path: string; builtSeconds: number }> {
  const mirror = hostDebianMirror();
  const tarball = baseRootfsPath(mirror);
  if (existsSync(tarball)) return { path: tarball, builtSeconds: 0 };
  const started = Date.now();
  const sources = [
    `Types: deb\nURIs: ${mirror.main}\nSuites: bookworm bookworm-updates\nComponents: main\n` +
      `Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
    ...(mirror.security
      ? [`Types: deb\nURIs: ${mirror.security}\nSuites: bookworm-security\nComponents: main\n` +
          `Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`]
      : []),
  ].join("\n");
  // Runs under the host lock: a second process waiting here finds the tarball done.
  const script = `
tarball=${shq(tarball)}
[ -s "$tarball" ] && exit 0
mkdir -p ${shq(CACHE_DIR)}
# A build killed half-way may leave debootstrap's /proc and /sys mounts behind: unmount
# them before deleting, and never let rm cross into another file system.
for old in ${shq(CACHE_DIR)}/build.*; do
  [ -e "$old" ] || continue
  findmnt -rno TARGET | grep -F "$old/" | sort -r | xargs -r -n1 umount -l || true
  rm -rf --one-file-system "$old"
done
work="$(mktemp -d ${shq(CACHE_DIR)}/build.XXXXXX)"
root="$work/rootfs"
debootstrap --variant=minbase --include=${shq(BASE_PACKAGES.join(","))} bookworm "$root" ${shq(mirror.main)} \\
  > "$work/debootstrap.log" 2>&1 || { tail -n 40 "$work/debootstrap.log" >&2; exit 1; }
rm -f "$root/etc/apt/sources.list"
printf '%s' ${shq(sources)} > "$root/etc/apt/sources.list.d/debian.sources"
echo 'LANG=C.UTF-8' > "$root/etc/default/locale"
# Per-guest identity is written at guest creation: host keys, machine-id, hostname.
rm -f "$root"/etc/ssh/ssh_host_*
: > "$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
chroot "$root" systemctl mask ${MASKED_UNITS.join(" ")} >/dev/null 2>&1
# Guests get a fixed resolver (dnsmasq on the bridge) and a static address from LXC.
printf 'nameserver 10.231.0.1\\nsearch parity-testbed\\n' > "$root/etc/resolv.conf"
# Like a fresh template: no package lists, so provisioning must run apt-get update itself.
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/var/cache/debconf/*-old
tar --numeric-owner --xattrs --xattrs-include='*' -C "$root" -cf - . | zstd -q -T0 -3 -o "$tarball.tmp"
mv -f "$tarball.tmp" "$tarball"
rm -rf --one-file-system "$work"
`;
  await mustRunLocked(script, { timeoutMs: 15 * 60_000 });
  return { path: tarball, builtSeconds: (Date.now() - started) / 1000 };
}
