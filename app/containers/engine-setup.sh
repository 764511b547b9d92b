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
if [ ${#missing[@]} -gt 0 ]; then
  echo "--- installing ${missing[*]}"
  apt-get update -qq
  # policy-rc.d exit code 101 keeps docker.io's post-install script from starting the daemon with
  # its default bridge; it is started below with ours.
  policy=/usr/sbin/policy-rc.d
  created_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$created_policy" = true ]; then rm -f "$policy"; fi
fi

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
