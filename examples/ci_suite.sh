#!/bin/sh
# ci_suite — scenario for `sigvisor -P ci-isolation`: a "test suite" of three tests, two
# of which misbehave the way real tests do: one signals the process that launched the
# suite (here sigvisor; in CI the runner), one probes pid 1. Both are harmless probes
# or aimed at the supervisor, so running this without sigvisor does no damage to others.
pass=0
fail=0
run() {  # name, shell code
    if sh -c "$2" 2>/dev/null; then echo "ok   $1"; pass=$((pass + 1)); else echo "FAIL $1"; fail=$((fail + 1)); fi
}
run "signals-itself" 'trap "exit 0" USR1; kill -USR1 $$; sleep 5; exit 1'
run "stops-the-runner" "kill -TERM $PPID"
run "probes-init" 'kill -0 1'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
