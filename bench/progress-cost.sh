#!/usr/bin/env bash
# progress-cost.sh — what do mmb's BENCH_PROGRESS lines cost the throughput?
#  1. A/B: the same binary with its lines (default) and without them (MMB_PROGRESS=0), in interleaved pairs
#     whose order alternates (with→without, then without→with), so drift in the machine's speed hits both
#     alike; the ratio with/without of the program's throughput_mflops per pair, then the median over the pairs
#     and its interquartile range (IQR). stdout goes through a pipe, as under the harness.
#  2. What one line costs, amplified: a build that prints a line after every multiplication
#     (-DMMB_PROGRESS_S=0, into a temporary folder) at a tiny size, against itself with MMB_PROGRESS=0, pairs
#     interleaved the same way; per pair the extra seconds per multiplication = the cost of one line. At the
#     real cadence (at most 2 lines a second) the lines cost 2 × that per second of loop: far below what the
#     A/B can resolve on a busy machine, and a check on it.
# Usage: bench/progress-cost.sh [SIZE [DURATION_S [PAIRS [WARMUP_S]]]]   (defaults 256 2 15 0.5)
# Verdict (exit 1 on FAIL): the lines cost more than MAX_COST when the amplified cost says so, or when the A/B
# says so and is precise enough to: the standard error of its median (≈ 0.93 × IQR / √PAIRS) at most MAX_COST / 2.
# A noisier A/B (a busy machine) is reported as inconclusive and decides nothing.
# Env:   BINARY=build/mmb-static  the build of part 1 (native: Wasm runtimes do not all pass MMB_PROGRESS)
#        MAX_COST=0.005           the goal: the lines cost at most 0.5 % of the throughput
#        SKIP_BUILD=1             use build/ as it is instead of running `make build` first
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-256} duration=${2:-2} pairs=${3:-15} warmup=${4:-0.5}
bin=${BINARY:-build/mmb-static} max=${MAX_COST:-0.005}
[[ ${SKIP_BUILD:-} == 1 ]] || make --no-print-directory -s build >/dev/null
[[ -x $bin ]] || { echo "$bin missing: run make build" >&2; exit 2; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

# One run through a pipe; prints "throughput_mflops iterations elapsed_s progress_lines".
run() { # PROGRESS BINARY SIZE DURATION WARMUP
    MMB_PROGRESS=$1 "$2" "$3" "$4" "$5" 2>/dev/null | cat >"$tmp/out"
    awk -F= '/^iterations=/ {it = $2} /^throughput_mflops=/ {mf = $2} /^elapsed_s=/ {el = $2} /^BENCH_PROGRESS/ {n++}
             END {printf "%s %s %s %d\n", mf, it, el, n}' "$tmp/out"
}
quartiles() { sort -g | awk '{v[NR]=$1} END {q=(NR-1)/4; for (i=1;i<=3;i++) {k=int(q*i)+1; f=q*i-int(q*i); printf "%.4f ", v[k]+f*(v[k+1]-v[k])} print ""}'; }
pct() { awk -v r="$1" 'BEGIN {printf "%+.2f", (r - 1) * 100}'; }

echo "mmb progress-line cost: $bin size=$size duration=${duration}s warmup=${warmup}s pairs=$pairs (interleaved, order alternating)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
ratios=()
for ((p = 1; p <= pairs; p++)); do
    if ((p % 2)); then read -r wm _ _ wl < <(run 1 "$bin" "$size" "$duration" "$warmup"); read -r om _ _ ol < <(run 0 "$bin" "$size" "$duration" "$warmup")
    else read -r om _ _ ol < <(run 0 "$bin" "$size" "$duration" "$warmup"); read -r wm _ _ wl < <(run 1 "$bin" "$size" "$duration" "$warmup"); fi
    ((ol == 0)) || { echo "MMB_PROGRESS=0 still printed $ol progress lines" >&2; exit 2; }
    r=$(awk -v a="$wm" -v b="$om" 'BEGIN {printf "%.4f", a / b}')
    ratios+=("$r")
    printf 'pair %2d: with %d lines %8.1f MFLOPS   without %8.1f MFLOPS   ratio %s\n' "$p" "$wl" "$wm" "$om" "$r"
done
read -r q1 med q3 < <(printf '%s\n' "${ratios[@]}" | quartiles)

# 2. one line's cost, amplified: a line after every multiplication at N=16 (a few microseconds each)
make --no-print-directory -s -f build.mk BUILD_DIR="$tmp" MMB_EXTRA="-DMMB_PROGRESS_S=0 -DMMB_PROGRESS_QUIET_S=0" "$tmp/mmb-static" >/dev/null
per_line=()
for ((p = 1; p <= pairs; p++)); do
    if ((p % 2)); then read -r _ wi we wl < <(run 1 "$tmp/mmb-static" 16 0.5 0); read -r _ oi oe _ < <(run 0 "$tmp/mmb-static" 16 0.5 0)
    else read -r _ oi oe _ < <(run 0 "$tmp/mmb-static" 16 0.5 0); read -r _ wi we wl < <(run 1 "$tmp/mmb-static" 16 0.5 0); fi
    per_line+=("$(awk -v wi="$wi" -v we="$we" -v oi="$oi" -v oe="$oe" 'BEGIN {printf "%.3f", (we / wi - oe / oi) * 1e6}')")
done
read -r l1 lmed l3 < <(printf '%s\n' "${per_line[@]}" | quartiles)

echo "load average at end:   $(cut -d' ' -f1-3 /proc/loadavg)"
se=$(awk -v a="$q1" -v b="$q3" -v n="$pairs" 'BEGIN {printf "%.4f", 0.93 * (b - a) / sqrt(n)}')
echo "A/B median ratio with/without: $med (IQR $q1–$q3; standard error of the median ≈ $se), i.e. $(pct "$med") %"
amplified=$(awk -v c="$lmed" 'BEGIN {printf "%.6f", 2 * c / 1e6}')
echo "one line costs $lmed µs (median of $pairs pairs, IQR $l1–$l3 µs; a line after every multiplication at N=16):"
echo "  at most 2 lines per second of loop → $(awk -v a="$amplified" 'BEGIN {printf "%.4f", a * 100}') % of the throughput"
limit=$(awk -v m="$max" 'BEGIN {print m * 100}')
if awk -v a="$amplified" -v m="$max" 'BEGIN {exit !(a > m)}'; then
    echo "cost: FAIL (the amplified cost is over $limit %)"; exit 1
fi
if awk -v se="$se" -v m="$max" 'BEGIN {exit !(se > m / 2)}'; then
    echo "cost: OK by the amplified cost (under $limit %); the A/B is inconclusive here (its noise is over $(awk -v m="$max" 'BEGIN {print m * 50}') %)"
elif awk -v r="$med" -v m="$max" 'BEGIN {exit !(r < 1 - m)}'; then
    echo "cost: FAIL (the A/B shows more than $limit %)"; exit 1
else
    echo "cost: OK (A/B and amplified cost both under $limit %)"
fi
