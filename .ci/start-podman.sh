#!/usr/bin/env bash
# Configures Debian's podman to serve the Docker API (testcontainers' engine here) and starts it.
# Prints the DOCKER_HOST to export. Facts: crun fails here, so runc; container ulimits must not exceed
# the current hard limits; the reaper (ryuk) image cannot be pulled, so it is disabled by the caller.
set -euo pipefail
sock=${PODMAN_SOCKET:-/run/podman-harness/podman.sock}
mkdir -p "$(dirname "$sock")" /etc/containers
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=16384
nofile=$(( hard < 16384 ? hard : 16384 ))
cat > /etc/containers/containers.conf <<CONF
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=16384:16384"]
[engine]
runtime = "runc"
CONF
if ! curl -s --unix-socket "$sock" http://d/_ping 2>/dev/null | grep -q OK; then
  rm -f "$sock"
  nohup podman system service --time=0 "unix://$sock" >/tmp/podman-service.log 2>&1 &
  for _ in $(seq 1 100); do
    curl -s --unix-socket "$sock" http://d/_ping 2>/dev/null | grep -q OK && break
    sleep 0.1
  done
fi
curl -s --unix-socket "$sock" http://d/_ping | grep -q OK || { echo "podman service did not answer on $sock" >&2; cat /tmp/podman-service.log >&2; exit 1; }
echo "unix://$sock"
