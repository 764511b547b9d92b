#!/usr/bin/env bash
# A Docker engine for `npm run images` and the container suite on a Debian machine (CI's, or yours
# without Docker Desktop): Debian's docker.io (Docker 20.10, BuildKit built in) and debootstrap for
# the stand-in base images. dockerd runs with no bridge and no iptables rules, so it never creates a
# private-range network; every container the suite starts uses the host's network. Run as root;
# safe to run again.
set -euo pipefail

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
# Installed without starting docker.io's daemon with its default bridge; it starts below with ours.
bash "$(dirname "$0")/../../.ci/apt-install" ${missing[@]+"${missing[@]}"}

if /usr/bin/docker info >/dev/null 2>&1; then exit 0; fi
echo "--- starting dockerd (no bridge, no iptables)"
log=/var/log/parley-dockerd.log
nohup dockerd --bridge=none --iptables=false >"$log" 2>&1 &
for _ in $(seq 1 60); do
  /usr/bin/docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "dockerd did not start; its log ($log) ends with:" >&2
tail -20 "$log" >&2
exit 1
