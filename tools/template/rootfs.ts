/**
 * The template's root filesystem: the test bed's cached debootstrap'd Debian 12 base, plus a
 * cached package layer (the steps' Debian packages installed in a chroot), plus the overlay
 * (bundles, first-boot units, metadata), packed reproducibly for Proxmox `vztmpl` storage.
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { shq } from "../../core/shell";
import { mustRunBash } from "../testbed/shell";

export const CACHE_DIR = "/var/cache/parity-template";
/** Bump when the layer script changes in a way the package list does not show. */
const LAYER_VERSION = "1";

/**
 * Not installed by any step, but a Proxmox Debian guest needs them: `pct create` writes
 * /etc/network/interfaces (DHCP or static) and ifupdown + a DHCP client bring it up; without
 * them a guest from this template has no network on Proxmox (the test bed's LXC sets the address itself).
 */
export const TEMPLATE_BASE_PACKAGES: readonly string[] = ["ifupdown", "isc-dhcp-client"];

/** Template scripts: strict-mode bash through the test bed's runner, failures labelled as the template's. */
function bash(script: string): Promise<string> {
  return mustRunBash(script, { timeoutMs: 30 * 60_000, label: "template" });
}

export interface LayerSpec {
  /** The cached base rootfs tarball (.tar.zst). */
  readonly baseTarball: string;
  readonly packages: readonly string[];
  /** Units masked before installing, e.g. Debian's redis-server.service that the Redis step replaces. */
  readonly maskUnits: readonly string[];
}

export function layerPath(spec: LayerSpec): string {
  const key = createHash("sha256")
    .update(JSON.stringify({ base: basename(spec.baseTarball), packages: [...spec.packages].sort(), masks: [...spec.maskUnits].sort(), LAYER_VERSION }))
    .digest("hex")
    .slice(0, 16);
  return `${CACHE_DIR}/layer-${key}.tar.zst`;
}

/**
 * Builds the package layer unless cached: apt in a chroot with services kept from starting
 * (policy-rc.d), downloads kept in a cache across layer builds, then everything per-guest or
 * secret that the packages created removed again — a PostgreSQL cluster (each guest must run
 * its own initdb), the snakeoil TLS key, an Erlang cookie — plus apt lists and logs.
 */
export async function ensurePackageLayer(spec: LayerSpec): Promise<{ path: string; builtSeconds: number }> {
  const layer = layerPath(spec);
  const started = Date.now();
  const out = await bash(`
cache=${shq(CACHE_DIR)}; layer=${shq(layer)}
install -d -m 0755 "$cache" "$cache/apt-archives/partial"
exec 9>"$cache/lock"; flock -x 9
[ -s "$layer" ] && { echo cached; exit 0; }
# A build killed half-way leaves its mounts: unmount them, and never let rm cross into them.
for old in "$cache"/build.*; do
  [ -e "$old" ] || continue
  findmnt -rno TARGET | grep -F "$old/" | sort -r | xargs -r -n1 umount -l || true
  rm -rf --one-file-system "$old"
done
work="$(mktemp -d "$cache/build.XXXXXX")"; root="$work/rootfs"
cleanup() { findmnt -rno TARGET | grep -F "$work/" | sort -r | xargs -r -n1 umount -l || true; rm -rf --one-file-system "$work"; }
trap cleanup EXIT
mkdir -p "$root"
zstd -q -dc ${shq(spec.baseTarball)} | tar --numeric-owner --xattrs --xattrs-include='*' -xpf - -C "$root"
mount -t proc proc "$root/proc"
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
printf '#!/bin/sh\\nexit 101\\n' > "$root/usr/sbin/policy-rc.d"; chmod 0755 "$root/usr/sbin/policy-rc.d"
for unit in ${spec.maskUnits.map(shq).join(" ")}; do ln -sfn /dev/null "$root/etc/systemd/system/$unit"; done
chroot "$root" apt-get update -q > "$work/apt.log" 2>&1 || { tail -n 30 "$work/apt.log" >&2; exit 1; }
DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -q --no-install-recommends \\
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold ${spec.packages.map(shq).join(" ")} \\
  >> "$work/apt.log" 2>&1 || { tail -n 40 "$work/apt.log" >&2; exit 1; }
for conf in "$root"/etc/postgresql/*/*/postgresql.conf; do
  [ -e "$conf" ] || continue
  d="$(dirname "$conf")"
  chroot "$root" pg_dropcluster "$(basename "$(dirname "$d")")" "$(basename "$d")"
done
rm -f "$root/etc/ssl/private/ssl-cert-snakeoil.key" "$root/etc/ssl/certs/ssl-cert-snakeoil.pem"
find "$root/etc/ssl/certs" -maxdepth 1 -lname '*snakeoil*' -delete
rm -f "$root/var/lib/rabbitmq/.erlang.cookie" "$root/root/.erlang.cookie" "$root/usr/sbin/policy-rc.d"
umount "$root/var/cache/apt/archives" "$root/proc"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/apt/* "$root"/var/cache/debconf/*-old \\
  "$root"/var/lib/systemd/random-seed "$root"/tmp/* "$root"/var/tmp/*
find "$root/var/log" -type f -delete
: > "$root/etc/resolv.conf"
tar --numeric-owner --xattrs --xattrs-include='*' -C "$root" -cf - . | zstd -q -T0 -3 -o "$layer.tmp"
mv -f "$layer.tmp" "$layer"
echo built
`);
  return { path: layer, builtSeconds: out.trim() === "cached" ? 0 : (Date.now() - started) / 1000 };
}

/** GNU tar options that make the archive a function of the files alone (order, times, owners, pax headers). */
export function reproducibleTarOptions(sourceDateEpoch: number): string {
  return [
    "--sort=name", "--format=posix", "--numeric-owner", "--xattrs", "--xattrs-include='*'",
    "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
    `--mtime=@${sourceDateEpoch}`, "--clamp-mtime",
    // Device nodes: an unprivileged container cannot create them; LXC/Proxmox populate /dev at start.
    "--exclude='./dev/*'",
  ].join(" ");
}

export interface AssembleSpec {
  readonly layer: string;
  /** Directory whose tree is laid over the layer (existing directories keep their metadata). */
  readonly overlay: string;
  /** Scratch directory (same file system as the cache keeps this fast); emptied by the caller. */
  readonly work: string;
  readonly archive: string;
  readonly sourceDateEpoch: number;
  /** Globs relative to the rootfs that must not exist (see guard.ts). */
  readonly forbidden: readonly { readonly glob: string; readonly why: string }[];
}

/** Layer + overlay → checked rootfs → `<archive>` (gzip -n) and `<archive>.sha256`. Returns the sha256. */
export async function assembleArchive(a: AssembleSpec): Promise<string> {
  const checks = a.forbidden
    .map((f) => `for p in "$root"/${f.glob}; do [ -e "$p" ] || [ -L "$p" ] || continue; echo "template would contain \${p#"$root"/}: ${f.why.replace(/["$`\\]/g, "")}" >&2; exit 1; done`)
    .join("\n");
  const out = await bash(`
root=${shq(`${a.work}/rootfs`)}; archive=${shq(a.archive)}
mkdir -p "$root"
zstd -q -dc ${shq(a.layer)} | tar --numeric-owner --xattrs --xattrs-include='*' -xpf - -C "$root"
tar --numeric-owner -C ${shq(a.overlay)} -cf - . | tar --numeric-owner --no-overwrite-dir -xpf - -C "$root"
${checks}
[ ! -s "$root/etc/machine-id" ] || { echo "template would contain a machine-id: every guest would share it" >&2; exit 1; }
tar ${reproducibleTarOptions(a.sourceDateEpoch)} -C "$root" -cf - . | gzip -n -6 > "$archive.tmp"
mv -f "$archive.tmp" "$archive"
( cd "$(dirname "$archive")" && sha256sum "$(basename "$archive")" > "$(basename "$archive").sha256" )
cut -d' ' -f1 "$archive.sha256"
`);
  return out.trim();
}
