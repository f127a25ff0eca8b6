#!/usr/bin/env bash
# scripts/test.sh's phase aarch64: cross-builds sigvisor for aarch64 (Debian's
# g++-aarch64-linux-gnu, the arm64 multiarch -dev packages: scripts/aarch64-toolchain.cmake)
# and its unit tests, and runs the ones qemu-user can run. Tests that touch the kernel (seccomp
# filters, ptrace, ptys, /proc of a traced process) are left out by the one list in
# tests/unit/qemu_user_skips.txt, each with its reason, printed here; the integration
# suite needs an arm64 kernel (not run: an arm64 guest is the matrix's next step).
#
#   scripts/aarch64.sh [BUILD_DIR]     (default build-aarch64)
#
# Skips (exit 0, "aarch64: skipped: REASON") where the toolchain cannot be installed:
# not root, no Debian archive, or installing the arm64 libraries would remove a host
# package (checked with apt-get -s first). Fails when the build or a unit test fails.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-aarch64}
skip() { echo "aarch64: skipped: $*"; exit 0; }
[[ $(uname -m) == x86_64 ]] || skip "the cross-build is set up for an x86_64 host, this is $(uname -m)"

packages=(g++-aarch64-linux-gnu qemu-user nlohmann-json3-dev
  libseccomp-dev:arm64 libboost-program-options-dev:arm64 libgtest-dev:arm64)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  [[ $(id -u) -eq 0 ]] || skip "missing ${missing[*]}, and installing them needs root"
  export DEBIAN_FRONTEND=noninteractive
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64 || skip "dpkg --add-architecture arm64 failed"
  fi
  apt-get update -qq >/dev/null 2>&1 || skip "apt-get update failed (no Debian archive?)"
  removes=$(apt-get install -s --no-install-recommends "${missing[@]}" 2>&1 | grep '^Remv' | cut -d' ' -f2 | paste -sd' ' -)
  [[ -z $removes ]] || skip "installing the arm64 libraries would remove host packages: $removes"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    skip "apt-get install ${missing[*]} failed"
fi

t0=$SECONDS
cmake -S "$here" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$here/scripts/aarch64-toolchain.cmake" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || { echo "aarch64: cmake configure failed"; exit 1; }
cmake --build "$build" -j"$(nproc)" --target sigvisor unit_tests ||
  { echo "aarch64: the cross-build failed"; exit 1; }
echo "aarch64: cross-built sigvisor and unit_tests in $((SECONDS - t0)) s"

# The one list of what qemu-user cannot run: "PATTERN  # reason" per line.
filter=""
while IFS= read -r line; do
  pattern=${line%%#*}
  pattern=${pattern//[[:space:]]/}
  [[ -z $pattern ]] && continue
  echo "aarch64: skipped under qemu-user: $pattern (${line#*# })"
  filter+="${filter:+:}$pattern"
done <"$here/tests/unit/qemu_user_skips.txt"

t1=$SECONDS
qemu-aarch64 -L /usr/aarch64-linux-gnu "$build/tests/unit_tests" --gtest_brief=1 \
  --gtest_filter="-$filter" >"$build/unit-tests.log" 2>&1
rc=$?
tail -3 "$build/unit-tests.log"
passed=$(grep -oE '^\[  PASSED  \] [0-9]+' "$build/unit-tests.log" | grep -oE '[0-9]+$')
failed=$(grep -oE '^\[  FAILED  \] [0-9]+ tests?,' "$build/unit-tests.log" | grep -oE '[0-9]+')
echo "aarch64: unit tests under qemu-user: ${passed:-0} passed, ${failed:-0} failed in $((SECONDS - t1)) s"
[[ $rc -eq 0 ]] || { grep -E '^\[  FAILED  \] [A-Z]' "$build/unit-tests.log" | head -20; exit 1; }
