#!/usr/bin/env bash
# start-containerd.sh — a standalone containerd of its own (no systemd), all of it under DIR:
#   socket DIR/containerd.sock, --root DIR/root, --state DIR/state, log DIR/containerd.log, pid DIR/containerd.pid
# Waits until `ctr --address DIR/containerd.sock version` answers, then prints the CTR to use, e.g.
#   make image-build CTR="ctr --address DIR/containerd.sock -n k8s.io"
# Stop it with: kill "$(cat DIR/containerd.pid)". Needs root and Debian's containerd package.
# The CRI plugin is disabled: images are imported with ctr, nothing is run by Kubernetes here.
set -euo pipefail
dir=${1:?usage: scripts/start-containerd.sh DIR}
wait_s=${CONTAINERD_WAIT_S:-30}
command -v containerd >/dev/null 2>&1 || { echo "containerd not found: apt-get install containerd" >&2; exit 1; }
command -v ctr >/dev/null 2>&1 || { echo "ctr not found: apt-get install containerd" >&2; exit 1; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
sock=$dir/containerd.sock
ctr="ctr --address $sock"

if [[ -S $sock ]] && $ctr version >/dev/null 2>&1; then
    echo "containerd: already running at $sock" >&2
else
    cat >"$dir/config.toml" <<TOML
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  address = "$dir/debug.sock"
TOML
    setsid nohup containerd --config "$dir/config.toml" --address "$sock" --root "$dir/root" --state "$dir/state" \
        >"$dir/containerd.log" 2>&1 </dev/null &
    echo $! >"$dir/containerd.pid"
    echo "containerd: started (pid $!), log $dir/containerd.log" >&2
fi
for ((i = 0; i < wait_s * 4; i++)); do
    if $ctr version >/dev/null 2>&1; then
        echo "$ctr -n k8s.io"
        exit 0
    fi
    sleep 0.25
done
echo "containerd did not answer within ${wait_s}s; last lines of $dir/containerd.log:" >&2
tail -n 20 "$dir/containerd.log" >&2 || true
exit 1
