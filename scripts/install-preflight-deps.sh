#!/bin/bash
# Installs what tests/system/preflight needs: an SSH server binary (run by the test as a child
# process on a loopback port, never as a system service), a Docker engine (started by the test
# with a private socket and no iptables changes), and openssl for the throwaway HTTPS
# certificate of the fake Proxmox API.
#
# Idempotent: installed packages are skipped; `apt-get update` runs only when something is
# missing. Package maintainer scripts are told not to start services (policy-rc.d exit 101):
# an sshd on port 22 or a dockerd rewriting iptables would outlive the tests and disturb the
# LXC test bed's NAT rules.
set -euo pipefail

log() { printf 'install-preflight-deps: %s\n' "$*"; }
die() { printf 'install-preflight-deps: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it installs Debian packages); try: sudo $0"

#   openssh-server  - /usr/sbin/sshd, run by the test on 127.0.0.x:<high port> with a temp config
#   openssh-client  - ssh and ssh-keygen (the preflight's own transport)
#   docker.io       - dockerd, so "Docker answers" is checked against a real engine
#   openssl         - self-signed certificate for the fake Proxmox API on loopback
packages=(openssh-server openssh-client docker.io openssl)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  log "all packages already installed: ${packages[*]}"
else
  log "missing: ${missing[*]}"
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  trap '[ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -q || log "apt-get update reported errors (continuing; install fails loudly if lists are unusable)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]}"
fi

for bin in /usr/sbin/sshd /usr/bin/ssh /usr/bin/ssh-keygen /usr/sbin/dockerd /usr/bin/openssl; do
  [ -x "$bin" ] || die "$bin is still missing after installing"
done
# sshd refuses to start without its privilege-separation directory (normally made by the service unit).
mkdir -p /run/sshd
log "ok: $(/usr/sbin/sshd -V 2>&1 | head -1), $(/usr/sbin/dockerd --version)"
