#!/usr/bin/env bash
# start-dockerd.sh — make sure a Docker engine answers; start Debian's dockerd in the background if none does.
# Idempotent: returns at once when `docker info` already works. No systemd needed (run as root).
# Waits until `docker info` answers (up to DOCKERD_WAIT_S seconds, default 60). The log goes to
# DOCKERD_LOG (default /var/log/mmb-dockerd.log). Extra dockerd flags: DOCKERD_FLAGS.
set -euo pipefail
docker=${DOCKER:-docker}
wait_s=${DOCKERD_WAIT_S:-60}
log=${DOCKERD_LOG:-/var/log/mmb-dockerd.log}

if $docker info >/dev/null 2>&1; then
    echo "dockerd: already running"
    exit 0
fi
command -v dockerd >/dev/null 2>&1 || { echo "dockerd not found: apt-get install docker.io" >&2; exit 1; }
command -v "${docker%% *}" >/dev/null 2>&1 || { echo "docker not found: apt-get install docker.io" >&2; exit 1; }
if [[ $(id -u) != 0 ]]; then echo "start-dockerd.sh: dockerd must be started as root (sudo $0)" >&2; exit 1; fi

# A dockerd that is starting (pid file present, process alive) is waited for, not started twice.
pidfile=/var/run/docker.pid
if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "dockerd: pid $(cat "$pidfile") is starting; waiting"
else
    mkdir -p "$(dirname "$log")"
    # setsid + nohup: dockerd outlives this script and the shell that ran it.
    # shellcheck disable=SC2086
    setsid nohup dockerd ${DOCKERD_FLAGS:-} >>"$log" 2>&1 </dev/null &
    echo "dockerd: started (pid $!), log $log"
fi
for ((i = 0; i < wait_s * 4; i++)); do
    if $docker info >/dev/null 2>&1; then
        echo "dockerd: ready after $((i / 4)).$(((i % 4) * 25))s"
        exit 0
    fi
    sleep 0.25
done
echo "dockerd did not answer within ${wait_s}s; last lines of $log:" >&2
tail -n 20 "$log" >&2 || true
exit 1
