#!/bin/bash
# Installs on this host what the system tests (tests/system/) need: LXC + debootstrap for the
# Debian 12 test bed (tools/testbed/testbed.ts), dnsmasq for the bridge's DHCP/DNS, iptables
# for NAT, and the SSH client that the harness drives guests with.
#
# Idempotent: packages already installed are skipped, and `apt-get update` runs only when
# something is missing (at most once). Safe to re-run on a machine an earlier run left behind.
set -euo pipefail

log() { printf 'install-system-deps: %s\n' "$*"; }
die() { printf 'install-system-deps: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it installs Debian packages); try: sudo $0"

[ -r /etc/os-release ] || die "/etc/os-release not found: this script supports Debian 12 (bookworm) only"
# shellcheck disable=SC1091
os_id="$(. /etc/os-release && echo "${ID:-}")"
os_version="$(. /etc/os-release && echo "${VERSION_ID:-}")"
if [ "$os_id" != "debian" ] || [ "$os_version" != "12" ]; then
  die "this host is '${os_id:-unknown} ${os_version:-?}'; the test bed needs Debian 12 (bookworm)"
fi

# Why each package:
#   lxc, debootstrap       - test-bed guests (Debian 12 with systemd as PID 1) and their rootfs
#   dnsmasq-base           - DHCP + DNS on the test-bed bridge (no system-wide dnsmasq service)
#   iptables               - NAT and FORWARD rules so guests reach Debian's mirror
#   iproute2               - bridge management (`ip link add ... type bridge`)
#   openssh-client         - the harness reaches guests only over SSH, like Pulumi does
#   zstd, tar              - the cached base rootfs is a .tar.zst
#   ca-certificates, debian-archive-keyring - debootstrap verifies the mirror's signatures
#   procps, coreutils      - ps/sha256sum used by tests and the harness
#   prometheus             - promtool, to check every rendered prometheus.yml (tests/system/real);
#                            its service is not started on a host without systemd as PID 1
packages=(
  lxc debootstrap dnsmasq-base iptables iproute2 openssh-client
  zstd tar ca-certificates debian-archive-keyring procps coreutils prometheus
)

missing=()
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    continue
  fi
  missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  log "all ${#packages[@]} packages already installed: ${packages[*]}"
else
  log "missing: ${missing[*]}"
  log "running apt-get update"
  # Third-party sources configured on a host may be unreachable; apt reports them as warnings
  # and still refreshes Debian's lists, which is all we need. A real failure shows up below.
  apt-get update -q || log "apt-get update reported errors (continuing; install will fail loudly if lists are unusable)"
  log "installing: ${missing[*]}"
  # lxc recommends apparmor, libvirt bits, etc.; none are needed (this kernel has no AppArmor).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]}"
fi

# The Debian lxc package may ship lxc-net (its own bridge lxcbr0 + dnsmasq). The test bed uses
# its own bridge, so lxc-net is not required; we only report it, never reconfigure it.
# Only promtool is wanted from the prometheus package: a host server on :9090 would collide
# with the stacks' published port in the Docker suites.
if [ -d /run/systemd/system ] && systemctl is-enabled --quiet prometheus.service 2>/dev/null; then
  systemctl disable --now --quiet prometheus.service && log "disabled the host's prometheus.service (only promtool is used)"
fi

for cmd in lxc-start lxc-attach debootstrap dnsmasq iptables ip ssh ssh-keygen zstd promtool; do
  command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is still not on PATH after installing"
done
log "ok: $(lxc-start --version 2>/dev/null | sed 's/^/lxc /'), $(debootstrap --version 2>/dev/null), $(iptables --version)"
