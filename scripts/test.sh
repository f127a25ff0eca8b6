#!/usr/bin/env bash
# The README's test command (and CI's, .ci/run): builds and runs every test in phases,
# names each phase as it starts, and ends with a one-screen summary of what passed,
# failed or was skipped, with each phase's wall time. A phase that fails skips the phases
# that need it (the suite needs the build); the others still run. Exit status: 0 when
# every phase that ran passed, 1 otherwise.
#
#   scripts/test.sh               every phase
#   PHASES="build suite" scripts/test.sh    only these (in the order below)
#
# Phases: deps, build, suite (unit + integration, both decision modes), package (the .deb
# installed, the demo run from it), asan-build, asan-suite (the suite under
# AddressSanitizer + UndefinedBehaviorSanitizer), fuzz (libFuzzer, SIGVISOR_FUZZ_SECONDS
# per target, default 30), kernel-smoke (a smoke selection on Debian 12's own 6.1 kernel
# under qemu: scripts/kernel-smoke.sh, skipped with the reason where qemu cannot run),
# aarch64 (the cross-build and the unit tests qemu-user can run: scripts/aarch64.sh,
# skipped with the reason where the arm64 toolchain cannot be installed).
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
all_phases=(deps build suite kernel-smoke package asan-build asan-suite fuzz aarch64)
read -r -a wanted <<<"${PHASES:-${all_phases[*]}}"

for w in "${wanted[@]}"; do
  [[ " ${all_phases[*]} " == *" $w "* ]] || {
    echo "test.sh: unknown phase '$w' (known: ${all_phases[*]})" >&2
    exit 2
  }
done

declare -A needs=([suite]=build [kernel-smoke]=build [package]=build [asan-suite]=asan-build)
declare -A result seconds detail
order=()
logs=build-logs
mkdir -p "$logs"

# One line of what a phase's log says (tests run, skipped; fuzz runs), for the summary.
summarize() {
  local p=$1 log=$logs/$1.log
  case $p in
    suite | asan-suite)
      local line skipped
      line=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$log" | tail -1)
      skipped=$(grep -cE '\(Skipped\)$' "$log")
      [[ "$line" =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]] &&
        echo "${BASH_REMATCH[2]} tests: ${BASH_REMATCH[1]} failed, $skipped skipped"
      ;;
    fuzz) grep -E '^[a-z_]+: (ok|FAILED)' "$log" | sed 's/ in [0-9]*s//' | paste -sd ';' - ;;
    package) grep -cE '^ok ' "$log" | sed 's/$/ checks ok/' ;;
    kernel-smoke | aarch64)
      grep -m1 -E '^(kernel-smoke|aarch64): skipped: ' "$log" ||
        grep -E '^\| [0-9]|^aarch64: unit tests' "$log" | tail -1 | cut -c1-100 ;;
  esac
}

phase_deps() { bash scripts/deps.sh; }
phase_build() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build -j"$jobs"
}
phase_suite() { ctest --test-dir build --output-on-failure -j"$jobs"; }
phase_package() { bash scripts/package_test.sh build; }
phase_asan-build() {
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSIGVISOR_SANITIZE=ON -DSIGVISOR_UNITY=OFF &&
    cmake --build build-asan -j"$jobs"
}
phase_asan-suite() {
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs"
}
phase_fuzz() { bash scripts/fuzz.sh "${SIGVISOR_FUZZ_SECONDS:-30}"; }
phase_kernel-smoke() { bash scripts/kernel-smoke.sh build; }
phase_aarch64() { bash scripts/aarch64.sh build-aarch64; }

run_phase() {
  local p=$1 dep=${needs[$1]:-}
  order+=("$p")
  if [[ -n "$dep" && -n "${result[$dep]:-}" && "${result[$dep]}" != ok ]]; then
    result[$p]="skipped ($dep ${result[$dep]%% *})"
    seconds[$p]=0
    echo "=== phase $p: skipped, $dep did not pass"
    return
  fi
  echo "=== phase $p: started $(date +%T)"
  local t0=$SECONDS
  if "phase_$p" 2>&1 | tee "$logs/$p.log"; then result[$p]=ok; else result[$p]="FAILED"; fi
  seconds[$p]=$((SECONDS - t0))
  detail[$p]=$(summarize "$p")
  echo "=== phase $p: ${result[$p]} in ${seconds[$p]} s"
}

total0=$SECONDS
for p in "${all_phases[@]}"; do
  for w in "${wanted[@]}"; do [[ "$w" == "$p" ]] && run_phase "$p"; done
done
status=0
echo
echo "=== scripts/test.sh summary"
printf '%-13s %-22s %7s  %s\n' phase result "wall s" "details (logs: $logs/PHASE.log)"
for p in "${order[@]}"; do
  printf '%-13s %-22s %7s  %s\n' "$p" "${result[$p]}" "${seconds[$p]}" "${detail[$p]:-}"
  [[ "${result[$p]}" == ok ]] || status=1
done
printf '%-13s %-22s %7s\n' total "" $((SECONDS - total0))
if [[ $status -ne 0 ]]; then
  failed=()
  for p in "${order[@]}"; do [[ "${result[$p]}" == FAILED ]] && failed+=("$p"); done
  echo "test.sh: FAILED in phase(s): ${failed[*]}"
fi
exit $status
