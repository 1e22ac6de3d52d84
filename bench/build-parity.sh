#!/usr/bin/env bash
# build-parity.sh — do the debian (dynamic) and static builds of mmb run at the same speed?
# Runs build/mmb-debian and build/mmb-static alternately (interleaved, so drift in the machine's speed hits
# both alike), prints each run, the median throughput of each and the ratio static/debian.
# Usage: bench/build-parity.sh [SIZE [DURATION_S [RUNS [WARMUP_S]]]]   (defaults 256 2 7 0.5)
# Env:   MAX_RATIO_DIFF=0.05  exit 1 when |ratio - 1| is larger (the goal on this machine: within 5%)
#        PARITY_STAT=median   which ratio decides the exit status: median (default) or best (the fastest run of
#                             each binary: other processes only ever slow a run down, so on a busy machine the
#                             best runs are the least disturbed ones)
#        SKIP_BUILD=1         use build/ as it is instead of running `make build` first
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-256} duration=${2:-2} runs=${3:-7} warmup=${4:-0.5}
max=${MAX_RATIO_DIFF:-0.05}
stat=${PARITY_STAT:-median}
[[ $stat == median || $stat == best ]] || { echo "PARITY_STAT must be median or best" >&2; exit 2; }
[[ ${SKIP_BUILD:-} == 1 ]] || make --no-print-directory -s build >/dev/null
for b in build/mmb-debian build/mmb-static; do [[ -x $b ]] || { echo "$b missing: run make build" >&2; exit 2; }; done

mflops() { "$1" "$size" "$duration" "$warmup" | sed -n 's/^throughput_mflops=//p'; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
best() { sort -g | tail -n 1; }
ratio() { awk -v s="$1" -v d="$2" 'BEGIN {printf "%.3f", s / d}'; }

echo "mmb build parity: size=$size duration=${duration}s warmup=${warmup}s runs=$runs (interleaved)"
build/mmb-debian 1 0.001 | sed -n 's/^MMB_READY /debian: /p'
build/mmb-static 1 0.001 | sed -n 's/^MMB_READY /static: /p'
deb=() sta=()
for ((r = 1; r <= runs; r++)); do
    if ((r % 2)); then d=$(mflops build/mmb-debian); s=$(mflops build/mmb-static)
    else s=$(mflops build/mmb-static); d=$(mflops build/mmb-debian); fi
    deb+=("$d") sta+=("$s")
    printf 'run %d: debian %10.1f MFLOPS   static %10.1f MFLOPS\n' "$r" "$d" "$s"
done
md=$(printf '%s\n' "${deb[@]}" | median) ms=$(printf '%s\n' "${sta[@]}" | median)
bd=$(printf '%s\n' "${deb[@]}" | best) bs=$(printf '%s\n' "${sta[@]}" | best)
printf 'median: debian %.1f MFLOPS, static %.1f MFLOPS, ratio static/debian %s\n' "$md" "$ms" "$(ratio "$ms" "$md")"
printf 'best:   debian %.1f MFLOPS, static %.1f MFLOPS, ratio static/debian %s\n' "$bd" "$bs" "$(ratio "$bs" "$bd")"
if [[ $stat == median ]]; then ratio=$(ratio "$ms" "$md"); else ratio=$(ratio "$bs" "$bd"); fi
if awk -v r="$ratio" -v m="$max" 'BEGIN {exit !((r - 1 > m) || (1 - r > m))}'; then
    echo "parity ($stat): FAIL (differ by more than $(awk -v m="$max" 'BEGIN {print m * 100}')%)"
    exit 1
fi
echo "parity ($stat): OK (within $(awk -v m="$max" 'BEGIN {print m * 100}')%)"
