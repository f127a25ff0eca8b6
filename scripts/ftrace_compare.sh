#!/usr/bin/env bash
# Compares the senders sigvisor reports with the kernel's own record of the same run:
# ftrace's signal/signal_generate event (the task that generated each signal). Runs two
# programs under `sigvisor --json`: examples/signal_tree (senders inside the sandbox) and
# examples/wait_signals signalled by /bin/kill from outside. Prints both lists of
# (sender pid, comm, sig, receiver pid) side by side and a verdict. Needs root.
# Usage: scripts/ftrace_compare.sh [BUILD_DIR]   (default: build)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
bin=$build/sigvisor
ex=$build/examples
[ -x "$bin" ] || { echo "no $bin: build first" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "ftrace needs root" >&2; exit 2; }

T=/sys/kernel/tracing
if [ ! -e $T/trace ]; then
  mount -t tracefs nodev $T || { echo "cannot mount tracefs on $T" >&2; exit 2; }
fi
[ -e $T/events/signal/signal_generate/enable ] || { echo "no signal_generate event" >&2; exit 2; }

work=$(mktemp -d)
cleanup() {
  echo 0 > $T/events/signal/signal_generate/enable || true
  rm -rf "$work"
}
trap cleanup EXIT
echo 0 > $T/tracing_on
echo > $T/trace
echo 1 > $T/events/signal/signal_generate/enable
echo 1 > $T/tracing_on

# 1. Senders inside: a parent and two children.
"$bin" -o /dev/null --json "$work/tree.json" -- "$ex/signal_tree" > /dev/null
# 2. Senders outside: /bin/kill twice (SI_USER, then SI_QUEUE if procps has --queue).
"$bin" -o /dev/null --json "$work/wait.json" -- "$ex/wait_signals" "$work/progress" 2 > /dev/null &
svpid=$!
progress() { # wait (bounded) until the count in the progress file reaches $1
  for _ in $(seq 2000); do
    if [ -s "$work/progress" ] && [ "$(cut -d' ' -f2 "$work/progress")" -ge "$1" ]; then return 0; fi
    sleep 0.01
  done
  echo "wait_signals did not reach $1" >&2
  exit 1
}
progress 0
target=$(cut -d' ' -f1 "$work/progress")
/bin/kill -USR1 "$target"
progress 1
/bin/kill -q 5 -s USR1 "$target" 2> /dev/null || /bin/kill -USR1 "$target"
wait $svpid
echo 0 > $T/tracing_on
cp $T/trace "$work/ftrace.txt"

python3 - "$work/tree.json" "$work/wait.json" "$work/ftrace.txt" <<'EOF'
import json, re, sys, collections
SIGS = {1: "SIGHUP", 2: "SIGINT", 9: "SIGKILL", 10: "SIGUSR1", 12: "SIGUSR2", 15: "SIGTERM",
        17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP"}
ours, sandbox = [], set()
for path in sys.argv[1:3]:
    for line in open(path):
        e = json.loads(line)
        if e["event"] in ("spawn", "exec"):
            sandbox.add(e["pid"])
            if e["event"] == "spawn":
                sandbox.add(e["child"]["pid"])
        if e["event"] == "syscall" and e.get("target") and e["action"] == "allow":
            sig = e["args"].get("sig")
            if isinstance(sig, str) and e["target"]["pid"] > 0:
                ours.append((e["pid"], e["comm"], sig, e["target"]["pid"]))
        if e["event"] == "signal" and e["sender"]["scope"] == "outside":
            s = e["sender"]
            ours.append((s["pid"], s["comm"] or "unknown", e["sig"], e["pid"]))
# ftrace: "  comm-pid  [cpu] flags ts: signal_generate: sig=10 errno=0 code=0 comm=x pid=N grp=1 res=0"
pat = re.compile(r"^\s*(.+)-(\d+)\s+\[\d+\].*signal_generate: sig=(\d+) .*comm=(.*) pid=(\d+) grp=\d+ res=(\d+)")
kernel = []
for line in open(sys.argv[3]):
    m = pat.match(line)
    if not m:
        continue
    comm, spid, sig, _, rpid, res = m.groups()
    sig, rpid = int(sig), int(rpid)
    if rpid not in sandbox or sig == 17:  # SIGCHLD is the kernel's, not a sender's
        continue
    kernel.append((int(spid), comm.strip()[:15], SIGS.get(sig, str(sig)), rpid))
a, b = sorted(ours), sorted(kernel)
width = 44
print(f"{'sigvisor (sender pid, comm, sig, receiver)':<{width}} | ftrace signal_generate")
for i in range(max(len(a), len(b))):
    left = str(a[i]) if i < len(a) else ""
    right = str(b[i]) if i < len(b) else ""
    print(f"{left:<{width}} | {right}")
same = collections.Counter(a) == collections.Counter(b)
# An outside sender that exited before its signal's delivery stop has no /proc entry left:
# sigvisor says "unknown" rather than guess (a recycled pid could name someone else).
# That is a sender less known, not a wrong one: same pid, signal and receiver.
def key(t):
    return (t[0], t[2], t[3])
unknown = sum(1 for t in a if t[1] == "unknown")
same_but_unknown = collections.Counter(map(key, a)) == collections.Counter(map(key, b)) and all(
    t[1] == "unknown" or t in b for t in a)
if same:
    print("verdict: MATCH: same senders, signals and receivers")
elif same_but_unknown:
    print(f"verdict: MATCH: same sender pids, signals and receivers; {unknown} outside "
          "sender(s) had exited before the delivery stop and are named 'unknown'")
else:
    print("verdict: DIFFER")
sys.exit(0 if same or same_but_unknown else 1)
EOF
