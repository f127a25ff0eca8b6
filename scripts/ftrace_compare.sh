#!/usr/bin/env bash
# Compares the senders sigvisor reports with the kernel's own record of the same run:
# ftrace's signal:signal_generate (the task that generated each signal, in its context),
# signal:signal_deliver and task:task_newtask/task_rename (names as they change), recorded
# in a tracefs instance of this script's own (instances/ftrace-compare-PID, removed on
# exit; the top-level buffer and its settings are not touched).
# Each scenario runs under `sigvisor --json`; scripts/sender_compare.py matches every
# delivery and every SIGKILL death with the kernel's generate record and prints a table
# (agreeing, disagreeing, missing, other), then a summary over all runs.
#
# Scenarios (default: all):
#   stress  sigvisor -- stress-ng --kill 1 --kill-ops 500 -q   (skipped without stress-ng)
#   attach  sigvisor -p on a running examples/attach_target (3 threads), signalled from
#           outside: SIGUSR1 x3 (/bin/kill), SIGUSR1 by sigqueue (procps kill -q), a fork
#           (SIGCHLD), a SIGUSR2 held blocked then unblocked, a SIGKILL at the end
#   tree    sigvisor -- examples/signal_tree (senders inside the tree)
#   wait    sigvisor -- examples/wait_signals, signalled from outside, then SIGKILLed
#   cmd     sigvisor -- sh -c COMMAND, with -c COMMAND (any program: other stress-ng
#           stressors, a build, ...)
#
# Needs root. Waits on conditions (files, events, pids), bounded by -t seconds each.
# Exit: 0 when every scenario agrees; 1 when a sender disagrees or is missing; 2 on error.
set -euo pipefail

usage() {
  echo "usage: $0 [-b BUILD_DIR] [-n RUNS] [-t TIMEOUT_S] [-c COMMAND] [-d] [-k] [stress|attach|tree|wait|cmd]..." >&2
  exit 2
}
die() {
  echo "ftrace_compare: $*" >&2
  exit 2
}

here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
runs=1
timeout=120
details=()
keep=0
cmd=''
while getopts b:n:t:c:dkh opt; do
  case $opt in
    b) build=$OPTARG ;;
    n) runs=$OPTARG ;;
    t) timeout=$OPTARG ;;
    c) cmd=$OPTARG ;;
    d) details=(--details) ;;
    k) keep=1 ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
  scenarios=(stress attach tree wait)
  [ -z "$cmd" ] || scenarios=(cmd)
fi
for s in "${scenarios[@]}"; do
  case $s in stress | attach | tree | wait) ;; cmd) [ -n "$cmd" ] || die "cmd needs -c COMMAND" ;; *) usage ;; esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "-n wants a positive count, not '$runs'"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "-t wants seconds, not '$timeout'"

bin=$build/sigvisor
ex=$build/examples
compare=$here/scripts/sender_compare.py
[ -x "$bin" ] || die "no $bin: build first"
[ "$(id -u)" = 0 ] || die "ftrace needs root"
command -v python3 > /dev/null || die "python3 is needed"

T=/sys/kernel/tracing
if [ ! -d $T/instances ]; then
  mount -t tracefs nodev $T 2> /dev/null || die "cannot mount tracefs on $T"
fi
[ -e $T/events/signal/signal_generate ] || die "the kernel has no signal:signal_generate event"

inst=$T/instances/ftrace-compare-$$
work=$(mktemp -d /tmp/ftrace-compare.XXXXXX)
results=$work/results.jsonl
svpid='' tpid='' recpid=''

# stop_child PID SIG: sends SIG to a child of this script, SIGKILL if it has not ended
# 10 s later (a sigvisor whose program hangs on), and reaps it.
# shellcheck disable=SC2317  # called from cleanup
stop_child() {
  local i state
  kill "-$2" "$1" 2> /dev/null || true
  for ((i = 0; i < 500; i++)); do
    state=$(ps -o stat= -p "$1" 2> /dev/null) || break
    [[ $state != Z* ]] || break
    sleep 0.02
  done
  kill -KILL "$1" 2> /dev/null || true
  wait "$1" 2> /dev/null || true
}
# Ends what this script started (by pid), removes its instance and its files.
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  exec 3>&-
  [ -z "$svpid" ] || stop_child "$svpid" TERM # sigvisor removes its own instance
  [ -z "$tpid" ] || stop_child "$tpid" KILL
  [ -z "$recpid" ] || stop_child "$recpid" KILL
  if [ -d "$inst" ]; then
    echo 0 > "$inst/tracing_on" || true
    # The kernel records tgids for everyone while any instance asks: stop asking.
    echo norecord-tgid > "$inst/trace_options" || true
    rmdir "$inst" || echo "ftrace_compare: could not remove $inst" >&2
  fi
  if [ "$keep" = 1 ]; then
    echo "ftrace_compare: kept $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir "$inst"
echo 0 > "$inst/tracing_on"
echo record-tgid > "$inst/trace_options"
echo 8192 > "$inst/buffer_size_kb" # per cpu; the recorder drains it as it fills
echo 1 > "$inst/events/signal/signal_generate/enable"
echo 1 > "$inst/events/signal/signal_deliver/enable"
# Names as they change (fork, exec, prctl): the comm in a line's prefix is looked up when
# the line is read, and may be the sender's name from before an exec.
echo 1 > "$inst/events/task/task_newtask/enable"
echo 1 > "$inst/events/task/task_rename/enable"

# wait_until WHAT COMMAND...: polls COMMAND until it succeeds; dies after $timeout s.
wait_until() {
  local what=$1
  shift
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out after ${timeout}s waiting for $what"
    if [ -n "$svpid" ] && ! kill -0 "$svpid" 2> /dev/null; then
      "$@" || die "sigvisor ended while waiting for $what"
      return 0
    fi
    sleep 0.02
  done
}
# events_at_least FILE N [count filters...]: FILE has at least N matching events.
# shellcheck disable=SC2317  # a condition for wait_until
events_at_least() {
  local file=$1 n=$2
  shift 2
  [ "$(python3 "$compare" count "$file" "$@")" -ge "$n" ]
}
# progress_at_least FILE N: wait_signals has caught N signals.
# shellcheck disable=SC2317  # a condition for wait_until
progress_at_least() {
  [ -s "$1" ] && [ "$(cut -d' ' -f2 "$1")" -ge "$2" ]
}
# shellcheck disable=SC2317  # a condition for wait_until
file_has() {
  grep -q -- "$2" "$1" 2> /dev/null
}
# shellcheck disable=SC2317  # a condition for wait_until
trace_enabled() { # sigvisor's own kernel trace is recording
  local link dir=""
  for fd in /proc/"$1"/fd/*; do # the instance (slot) sigvisor PID holds
    link=$(readlink "$fd" 2> /dev/null) || continue
    case $link in */instances/sigvisor-slot-*) dir=${link%/trace_pipe} ;; esac
  done
  [ -n "$dir" ] && [ "$(cat "$dir/events/signal/signal_generate/enable" 2> /dev/null)" = 1 ]
}
# outside_kill ARGS...: /bin/kill ARGS; sets kpid to its pid (the sender to look for).
outside_kill() {
  /bin/kill "$@" &
  kpid=$!
  { wait "$kpid"; } 2> /dev/null || die "/bin/kill $* failed"
}

# begin_trace NAME RUN / end_trace: a fresh buffer, copied to $trace by a recorder.
begin_trace() {
  trace=$work/$1.$2.trace
  events=$work/$1.$2.events
  : > "$inst/trace"
  rm -f "$work/stop"
  python3 "$compare" record "$inst/trace_pipe" "$trace" "$work/stop" &
  recpid=$!
  echo 1 > "$inst/tracing_on"
  echo "ftrace-compare start" > "$inst/trace_marker"
}
end_trace() {
  echo 0 > "$inst/tracing_on"
  touch "$work/stop"
  wait "$recpid" || die "the trace recorder failed"
  recpid=''
}
compared=0
verdict=0
compare_run() { # NAME RUN
  compared=$((compared + 1))
  python3 "$compare" compare --scenario "$1" --run "$2" --trace "$trace" --events "$events" \
    --sigvisor-pid "$svpid" --results "$results" "${details[@]}" || verdict=1
  svpid=''
}

run_stress() { # RUN
  if ! command -v stress-ng > /dev/null; then
    echo "stress: skipped: stress-ng is not installed"
    return 0
  fi
  begin_trace stress "$1"
  (cd "$work" && exec "$bin" --json "$events" -o /dev/null -- stress-ng --kill 1 --kill-ops 500 -q) &
  svpid=$!
  wait "$svpid" || die "sigvisor -- stress-ng failed"
  end_trace
  compare_run stress "$1"
}

run_attach() { # RUN
  local in=$work/attach.in out=$work/attach.$1.out err=$work/attach.$1.err queue=0
  rm -f "$in"
  mkfifo "$in"
  # Two more threads (group signals may go to any of them). A tick (a kill() to itself)
  # only when poll() returns (a command on stdin, a signal): nothing signals it unseen
  # between the trace's start and the attach.
  "$ex/attach_target" 2 600000 < "$in" > "$out" &
  tpid=$!
  exec 3> "$in"
  wait_until "attach_target to start" file_has "$out" '^tick 0 '
  begin_trace attach "$1"
  "$bin" -p "$tpid" --json "$events" -o /dev/null 2> "$err" &
  svpid=$!
  wait_until "sigvisor to attach" file_has "$err" "Process $tpid attached"
  wait_until "sigvisor's kernel trace" trace_enabled "$svpid"
  for i in 1 2 3; do
    outside_kill -USR1 "$tpid"
    wait_until "SIGUSR1 #$i's delivery" events_at_least "$events" 1 --sig SIGUSR1 --sender-pid "$kpid"
  done
  if /bin/kill --help 2>&1 | grep -q -- '--queue'; then
    queue=1
    outside_kill -q 42 -s USR1 "$tpid"
    wait_until "the queued SIGUSR1's delivery" events_at_least "$events" 1 --sig SIGUSR1 \
      --code SI_QUEUE --sender-pid "$kpid"
  fi
  echo fork >&3
  wait_until "the fork command" file_has "$out" '^tick 1 '
  wait_until "SIGCHLD's delivery" events_at_least "$events" 1 --sig SIGCHLD
  outside_kill -USR2 "$tpid" # blocked: pending until unblocked
  echo unblock >&3
  wait_until "SIGUSR2's delivery" file_has "$out" '^got SIGUSR2'
  outside_kill -KILL "$tpid"
  local killer=$kpid
  { wait "$tpid"; } 2> /dev/null || true # killed by SIGKILL
  tpid=''
  wait "$svpid" || true
  exec 3>&-
  end_trace
  [ "$queue" = 1 ] || echo "attach: procps kill has no --queue: no SI_QUEUE sender tested"
  echo "attach: target SIGKILLed by /bin/kill $killer"
  compare_run attach "$1"
}

run_cmd() { # RUN
  local rc=0
  begin_trace cmd "$1"
  (cd "$work" && exec "$bin" --json "$events" -o /dev/null -- sh -c "$cmd") &
  svpid=$!
  wait "$svpid" || rc=$?
  end_trace
  [ "$rc" = 0 ] || echo "cmd: sigvisor -- sh -c '$cmd' exited with $rc"
  compare_run "$cmd" "$1"
}

run_tree() { # RUN
  begin_trace tree "$1"
  "$bin" -o /dev/null --json "$events" -- "$ex/signal_tree" > /dev/null &
  svpid=$!
  wait "$svpid" || die "sigvisor -- signal_tree failed"
  end_trace
  compare_run tree "$1"
}

run_wait() { # RUN
  local progress=$work/wait.$1.progress target
  begin_trace wait "$1"
  "$bin" -o /dev/null --json "$events" -- "$ex/wait_signals" "$progress" 3 > /dev/null &
  svpid=$!
  wait_until "wait_signals to start" progress_at_least "$progress" 0
  target=$(cut -d' ' -f1 "$progress")
  outside_kill -USR1 "$target"
  wait_until "wait_signals to catch SIGUSR1" progress_at_least "$progress" 1
  if /bin/kill --help 2>&1 | grep -q -- '--queue'; then
    outside_kill -q 5 -s USR1 "$target"
  else
    outside_kill -USR2 "$target"
  fi
  wait_until "wait_signals to catch the second signal" progress_at_least "$progress" 2
  outside_kill -KILL "$target"
  { wait "$svpid"; } 2> /dev/null || true # sigvisor exits as its program did: 137
  end_trace
  compare_run wait "$1"
}

for ((run = 1; run <= runs; run++)); do
  for s in "${scenarios[@]}"; do
    case $s in
      stress) run_stress "$run" ;;
      attach) run_attach "$run" ;;
      tree) run_tree "$run" ;;
      wait) run_wait "$run" ;;
      cmd) run_cmd "$run" ;;
    esac
  done
done
if [ "$compared" -gt 0 ]; then
  echo
  echo "summary:"
  python3 "$compare" summary "$results"
fi
if [ "$verdict" = 0 ]; then
  echo "verdict: MATCH: every delivery and SIGKILL death has the kernel's sender"
else
  echo "verdict: DIFFER: see the tables above"
fi
exit "$verdict"
