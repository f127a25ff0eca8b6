#!/usr/bin/env bash
# bench/deliveries.sh — what the kernel trace (src/engine/notify/ktrace/) costs, in one run, interleaved:
#   1. per delivery: bench/deliver N (kill(self, SIGUSR1) + handler) natively, under
#      sigvisor, and under sigvisor --no-kernel-trace;
#   2. per signal elsewhere on the machine: bench/deliver N natively while a sigvisor with
#      (and then without) the kernel trace supervises `sleep` (the trace is not filtered in
#      the kernel: every signal of the system is recorded);
#   3. idle: sigvisor's own CPU time (user+sys, from /proc) over `sleep IDLE_S`, with and
#      without the kernel trace.
# Usage: bench/deliveries.sh BUILD_DIR [ROUNDS=5]   (root, for the kernel trace)
# Environment: N=20000 deliveries per run; IDLE_S=3.
set -u
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [ROUNDS]" >&2; exit 2; }
BUILD_DIR=$1
ROUNDS=${2:-5}
N=${N:-20000}
IDLE_S=${IDLE_S:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
SV=$BUILD_DIR/sigvisor
mkdir -p "$BUILD_DIR/bench"
gcc -O2 -std=gnu11 -Wall -Wextra -o "$BUILD_DIR/bench/deliver" "$HERE/deliver.c" || exit 2
D=$BUILD_DIR/bench/deliver
out=$(mktemp)
trap 'rm -f "$out"' EXIT

ns() { "$@" 2>/dev/null | awk '$1 == "deliver" {print $3}'; }
# CPU seconds (user+sys) sigvisor used supervising `sleep IDLE_S`.
idle_cpu() {
    "$SV" "$@" -o /dev/null -- sleep "$IDLE_S" &
    local pid=$! ticks
    sleep "$(echo "$IDLE_S - 0.5" | bc)"
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    wait $pid
    echo "scale=4; $ticks / $(getconf CLK_TCK)" | bc
}
# A native deliver run while a sigvisor supervises sleep in the background.
beside() {
    "$SV" "$@" -o /dev/null -- sleep 30 &
    local pid=$!
    sleep 0.3
    ns "$D" "$N"
    kill -TERM $pid
    wait $pid 2>/dev/null
}
for r in $(seq "$ROUNDS"); do
    echo "native $(ns "$D" "$N")" >> "$out"
    echo "sigvisor $(ns "$SV" -o /dev/null -- "$D" "$N")" >> "$out"
    echo "sigvisor_no_ktrace $(ns "$SV" --no-kernel-trace -o /dev/null -- "$D" "$N")" >> "$out"
    echo "native_beside_ktrace $(beside)" >> "$out"
    echo "native_beside_no_ktrace $(beside --no-kernel-trace)" >> "$out"
    echo "idle_cpu_s $(idle_cpu)" >> "$out"
    echo "idle_cpu_s_no_ktrace $(idle_cpu --no-kernel-trace)" >> "$out"
done
python3 - "$out" <<'PY'
import sys, statistics, collections
v = collections.defaultdict(list)
for line in open(sys.argv[1]):
    k, _, x = line.partition(" ")
    if x.strip():
        v[k].append(float(x))
for k, xs in v.items():
    unit = "s" if k.startswith("idle") else "ns"
    print(f"{k:26s} median {statistics.median(xs):10.4g} {unit}  (runs: {' '.join(f'{x:g}' for x in xs)})")
PY
