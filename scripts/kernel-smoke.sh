#!/usr/bin/env bash
# scripts/test.sh's phase kernel-smoke: a smoke selection of the suite on Debian 12's own
# kernel (6.1) under qemu (scripts/kernel-matrix.sh), so that the README's test command
# proves the kernel a fresh Debian 12 machine boots, not only the one this machine runs.
# Skips (exit 0, "kernel-smoke: skipped: REASON") where qemu cannot run here; fails when a
# test fails or the guest does not finish.
#
#   scripts/kernel-smoke.sh [BUILD_DIR]
#
# The selection: the tests that depend on the kernel's features (what sigvisor says of
# the kernel, Landlock, the kernel trace, interrupted waits, cancel), and a sample of the
# send family, in both decision modes; the events they wrote are checked against the
# schema. The stress and renaming tests (30-70 s each under TCG) are left to the matrix.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
selection='Cancel\.|KernelRecord|Doctor|KernelNotes|RouteControls\.Landlock|InterruptedWait|KernelTrace\.(Outside|Sandbox|WithoutIt|Sibling)|SendFamily\.(KillOf|KnowThe|Pidfd)'
kernel=${SIGVISOR_SMOKE_KERNEL:-6.1}

skip() { echo "kernel-smoke: skipped: $*"; exit 0; }
[[ $(uname -m) == x86_64 ]] || skip "the guest is x86_64, this machine is $(uname -m)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (scripts/deps.sh installs qemu-system-x86)"
[[ -x /bin/busybox ]] || skip "busybox-static is not installed (scripts/deps.sh installs it)"
[[ $(id -u) -eq 0 ]] || skip "needs root (the suite's kernel-trace tests, and 9p as root)"
apt-cache show linux-image-amd64 >/dev/null 2>&1 || skip "apt knows no linux-image-amd64 (no Debian archive here?)"

bash "$here/scripts/kernel-matrix.sh" --build "$build" --select "-R '($selection)'" \
  --timeout "${SIGVISOR_SMOKE_TIMEOUT:-1500}" --no-running "$kernel"
rc=$?
[[ $rc -eq 3 ]] && skip "the guest could not run (see above)"
exit $rc
