#!/bin/bash
# Installs Debian's Docker engine (docker.io) on this machine when missing and starts dockerd
# when it is not answering. For the real isolation test of the docker target; idempotent.
# This machine's PID 1 is not always systemd, so dockerd is started directly when needed.
set -euo pipefail
log() { printf 'install-docker-engine: %s\n' "$*"; }
[ "$(id -u)" -eq 0 ] || { echo "install-docker-engine: must run as root" >&2; exit 1; }

if ! dpkg-query -W -f='${Status}' docker.io 2>/dev/null | grep -q '^install ok installed$'; then
  log "installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends docker.io >/dev/null
fi

if /usr/bin/docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  log "dockerd already answering ($(/usr/bin/docker version --format '{{.Server.Version}}'))"
else
  if [ -d /run/systemd/system ]; then
    systemctl start docker.service
  else
    log "starting dockerd in the background (log: /var/log/parity-dockerd.log)"
    nohup /usr/sbin/dockerd >/var/log/parity-dockerd.log 2>&1 &
  fi
  for _ in $(seq 1 60); do /usr/bin/docker version >/dev/null 2>&1 && break; sleep 1; done
  /usr/bin/docker version --format 'install-docker-engine: dockerd {{.Server.Version}} ready' || { tail -20 /var/log/parity-dockerd.log >&2; exit 1; }
fi

# dockerd sets the FORWARD policy to DROP; the LXC test bed's bridge keeps its own ACCEPT rules.
