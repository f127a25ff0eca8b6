#!/usr/bin/env bash
# bench/run.sh — sigvisor vs strace vs native vs the bare user-notification floor,
# on the same workloads, interleaved within each round, in one run.
#
# Usage: bench/run.sh BUILD_DIR [ROUNDS=5]
#   compiles bench/*.c with gcc -O2 into BUILD_DIR/bench/, then for every workload
#   (loop kill | sigprocmask | sigaction | getppid) runs, in the same round,
#     native      BUILD_DIR/bench/loop MODE N
#     sigvisor    BUILD_DIR/sigvisor $SIGVISOR_ARGS -o /dev/null -- BUILD_DIR/bench/loop MODE N
#     strace      strace -f --seccomp-bpf -e trace=%signal -o /dev/null BUILD_DIR/bench/loop MODE N
#     kernel      the same sigvisor with --engine kernel (where it runs: root, BTF)
#   plus BUILD_DIR/bench/notify_floor N once per round, and prints the medians (ns per call)
#   and the ratios sigvisor/strace, sigvisor/floor, sigvisor/native, kernel/native.
#
# N is calibrated per (runner, workload) so one run takes about TARGET_MS (default 400 ms):
# the runners differ by ~50x per call, a single N cannot fit them all in 0.2-2 s.
#
# Environment:
#   TARGET_MS=400        wanted duration of one run
#   N_MIN=2000 N_MAX=5000000  bounds for the calibrated N
#   N=...                fixed N for every run (no calibration)
#   PIN=0                run everything under `taskset -c $PIN` (the "same CPU" numbers)
#   SIGVISOR=path        sigvisor binary (default BUILD_DIR/sigvisor)
#   SIGVISOR_ARGS="..."  extra sigvisor options (e.g. the results mode), before -o
#   RUN_TIMEOUT=120      seconds before one run is killed
#   STRACE=strace        strace binary
#   KERNEL=0             leave the kernel engine out (default: in, where it runs)
# Exit: 0 when native, strace and floor all ran; 1 otherwise. A missing or failing
# sigvisor is reported in the table and does not change the exit status.
set -u

usage() { echo "usage: $0 BUILD_DIR [ROUNDS]" >&2; exit 2; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
BUILD_DIR=$1
ROUNDS=${2:-5}
case $ROUNDS in ''|*[!0-9]*|0) usage ;; esac

HERE=$(cd "$(dirname "$0")" && pwd)
BIN="$BUILD_DIR/bench"
TARGET_MS=${TARGET_MS:-400}
N_MIN=${N_MIN:-2000}
N_MAX=${N_MAX:-5000000}
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
SIGVISOR=${SIGVISOR:-$BUILD_DIR/sigvisor}
SIGVISOR_ARGS=${SIGVISOR_ARGS:-}
STRACE=${STRACE:-strace}
WORKLOADS="kill sigprocmask sigaction getppid"

PYTHON=$(command -v python3 || true)
[ -n "$PYTHON" ] || { echo "run.sh: python3 is needed for the medians" >&2; exit 2; }

mkdir -p "$BIN" || exit 2
for src in "$HERE"/*.c; do
    name=$(basename "$src" .c)
    if ! gcc -O2 -std=gnu11 -Wall -Wextra -o "$BIN/$name" "$src"; then
        echo "run.sh: compiling $src failed" >&2
        exit 2
    fi
done

PIN_CMD=()
[ -n "${PIN:-}" ] && PIN_CMD=(taskset -c "$PIN")

RES=$(mktemp)
ERR=$(mktemp)
trap 'rm -f "$RES" "$ERR"' EXIT

# run_one RUNNER WORKLOAD N → prints ns/call on stdout, or nothing (and returns 1) on failure;
# the failing command's last stderr line is left in $ERR
run_one() {
    local runner=$1 w=$2 n=$3 out rc
    local prog=("$BIN/loop" "$w" "$n") key=$w
    if [ "$w" = floor ]; then prog=("$BIN/notify_floor" "$n"); key=notify_floor; fi
    case $runner in
        native)   out=$(timeout -s KILL "$RUN_TIMEOUT" "${PIN_CMD[@]}" "${prog[@]}" 2>"$ERR") ;;
        sigvisor) # shellcheck disable=SC2086
                  out=$(timeout -s KILL "$RUN_TIMEOUT" "${PIN_CMD[@]}" "$SIGVISOR" $SIGVISOR_ARGS \
                          -o /dev/null -- "${prog[@]}" 2>"$ERR") ;;
        kernel)   # shellcheck disable=SC2086
                  out=$(timeout -s KILL "$RUN_TIMEOUT" "${PIN_CMD[@]}" "$SIGVISOR" --engine kernel \
                          $SIGVISOR_ARGS -o /dev/null -- "${prog[@]}" 2>"$ERR") ;;
        strace)   out=$(timeout -s KILL "$RUN_TIMEOUT" "${PIN_CMD[@]}" "$STRACE" -f --seccomp-bpf \
                          -e trace=%signal -o /dev/null "${prog[@]}" 2>"$ERR") ;;
    esac
    rc=$?
    # the program's own line: "MODE N ns_per_call"
    out=$(printf '%s\n' "$out" | awk -v k="$key" '$1 == k && NF == 3 { v = $3 } END { if (v != "") print v }')
    if [ $rc -ne 0 ] || [ -z "$out" ]; then
        [ $rc -eq 137 ] && echo "killed after ${RUN_TIMEOUT}s" >>"$ERR"
        [ $rc -ne 0 ] && echo "exit status $rc" >>"$ERR"
        return 1
    fi
    echo "$out"
}

calibrate() { # RUNNER WORKLOAD → N
    if [ -n "${N:-}" ]; then echo "$N"; return; fi
    local ns
    ns=$(run_one "$1" "$2" "$N_MIN") || { echo "$N_MIN"; return; }
    awk -v ns="$ns" -v t="$TARGET_MS" -v lo="$N_MIN" -v hi="$N_MAX" 'BEGIN {
        n = (ns > 0) ? t * 1e6 / ns : hi; if (n < lo) n = lo; if (n > hi) n = hi;
        printf "%d\n", (n >= 10000) ? int(n / 1000) * 1000 : int(n) }'
}

echo "== sigvisor benchmark: $(uname -sr), $(nproc) CPUs, ${ROUNDS} rounds${PIN:+, pinned to CPU $PIN}"

# which runners work
RUNNERS="native"
SV_NOTE=""
if [ ! -x "$SIGVISOR" ]; then
    SV_NOTE="sigvisor: NOT RUN — $SIGVISOR does not exist or is not executable"
elif ! run_one sigvisor kill 100 >/dev/null; then
    SV_NOTE="sigvisor: NOT RUN — '$SIGVISOR${SIGVISOR_ARGS:+ $SIGVISOR_ARGS} -o /dev/null -- loop kill 100' failed: $(tail -n 3 "$ERR" | tr '\n' ' ')"
else
    RUNNERS="$RUNNERS sigvisor"
fi
KE_NOTE=""
if [ "${KERNEL:-1}" = 0 ]; then
    KE_NOTE="kernel engine: left out (KERNEL=0)"
elif [ -x "$SIGVISOR" ] && run_one kernel kill 100 >/dev/null; then
    RUNNERS="$RUNNERS kernel"
else
    KE_NOTE="kernel engine: NOT RUN — $(tail -n 2 "$ERR" | tr '\n' ' ')"
fi
ST_NOTE=""
if ! command -v "$STRACE" >/dev/null; then
    ST_NOTE="strace: NOT RUN — $STRACE not found"
elif ! run_one strace kill 100 >/dev/null; then
    ST_NOTE="strace: NOT RUN — $(tail -n 3 "$ERR" | tr '\n' ' ')"
else
    RUNNERS="$RUNNERS strace"
fi
[ -n "$SV_NOTE" ] && echo "$SV_NOTE"
[ -n "$KE_NOTE" ] && echo "$KE_NOTE"
[ -n "$ST_NOTE" ] && echo "$ST_NOTE"

FLOOR_OK=1
if ! run_one native floor 100 >/dev/null; then
    FLOOR_OK=0
    echo "notify_floor: NOT RUN — $(tail -n 3 "$ERR" | tr '\n' ' ')"
else
    grep -h '^notify_floor: flags' "$ERR"
fi

# calibration (also the warm-up)
declare -A NN
for w in $WORKLOADS; do
    for r in $RUNNERS; do NN[$r.$w]=$(calibrate "$r" "$w"); done
done
[ $FLOOR_OK = 1 ] && NN[native.floor]=$(calibrate native floor)
printf 'N per run:'
for k in $(printf '%s\n' "${!NN[@]}" | sort); do printf ' %s=%s' "$k" "${NN[$k]}"; done
echo

failures=0
for ((round = 1; round <= ROUNDS; round++)); do
    # rotate the runner order every round so no runner always goes first
    read -ra rr <<<"$RUNNERS"
    k=$(( (round - 1) % ${#rr[@]} ))
    order="${rr[*]:k} ${rr[*]:0:k}"
    for w in $WORKLOADS; do
        for r in $order; do
            if v=$(run_one "$r" "$w" "${NN[$r.$w]}"); then
                echo "$r $w $v" >>"$RES"
            else
                echo "round $round: $r $w failed: $(tail -n 2 "$ERR" | tr '\n' ' ')" >&2
                echo "$r $w fail" >>"$RES"
                [ "$r" = sigvisor ] || [ "$r" = kernel ] || failures=$((failures + 1))
            fi
        done
    done
    if [ $FLOOR_OK = 1 ]; then
        if v=$(run_one native floor "${NN[native.floor]}"); then
            echo "floor floor $v" >>"$RES"
        else
            echo "round $round: notify_floor failed: $(tail -n 2 "$ERR" | tr '\n' ' ')" >&2
            failures=$((failures + 1))
        fi
    fi
    echo "round $round/$ROUNDS done" >&2
done

"$PYTHON" - "$RES" "$WORKLOADS" "$SIGVISOR_ARGS" <<'PY'
import statistics, sys
path, workloads, sv_args = sys.argv[1], sys.argv[2].split(), sys.argv[3]
vals, fails = {}, {}
for line in open(path):
    r, w, v = line.split()
    if v == "fail":
        fails[(r, w)] = fails.get((r, w), 0) + 1
    else:
        vals.setdefault((r, w), []).append(float(v))

def med(r, w):
    xs = vals.get((r, w))
    return statistics.median(xs) if xs else None

floor = med("floor", "floor")
def fmt(x):
    if x is None: return "n/a"
    return f"{x/1000:.2f}us" if x >= 10000 else f"{x:.0f}ns"
def ratio(a, b):
    return "n/a" if a is None or b is None or b == 0 else f"{a/b:.2f}x"

hdr = ["workload", "native", "sigvisor", "kernel", "strace", "floor", "sv/strace", "sv/floor",
       "sv/native", "kern/native", "kern/strace"]
rows = []
for w in workloads:
    nat, sv, st = med("native", w), med("sigvisor", w), med("strace", w)
    ke = med("kernel", w)
    fl = floor if w != "getppid" else None   # getppid is not notified: no floor
    rows.append([w, fmt(nat), fmt(sv), fmt(ke), fmt(st), fmt(fl) if w != "getppid" else "-",
                 ratio(sv, st), ratio(sv, fl) if w != "getppid" else "-", ratio(sv, nat),
                 ratio(ke, nat), ratio(ke, st)])
widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(hdr)]
print()
print("median per call" + (f"   (sigvisor options: {sv_args})" if sv_args else ""))
print("  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(hdr)))
for r in rows:
    print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)))
print("floor = bare user-notif round trip (RECV + SEND CONTINUE) for kill(getpid(),0); "
      "getppid is not a signal syscall: it costs the filter only")
spread = []
for (r, w), xs in sorted(vals.items()):
    if len(xs) > 1:
        spread.append(f"{r}/{w} {min(xs)/1000:.2f}-{max(xs)/1000:.2f}us")
if spread:
    print("range over rounds (min-max): " + ", ".join(spread))
for (r, w), n in sorted(fails.items()):
    print(f"FAILED runs: {r} {w}: {n}")
PY

[ -n "$SV_NOTE" ] && echo "$SV_NOTE"
[ $failures -eq 0 ] && [ -z "$ST_NOTE" ] && [ $FLOOR_OK = 1 ]
