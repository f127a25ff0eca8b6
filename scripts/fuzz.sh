#!/usr/bin/env bash
# Bounded libFuzzer run of the fuzz targets in fuzz/ (policy loader, syscall decoders).
#
#   scripts/fuzz.sh [SECONDS]     SECONDS per target, default 30
#
# Configures build-fuzz/ with clang (-DSIGVISOR_FUZZ=ON: the library is built with
# -fsanitize=fuzzer-no-link,address,undefined), builds only the fuzz targets, then runs
# each on a copy of its seed corpus (fuzz/corpus/<target>/) in a temporary directory, so
# the source tree is never written to. Prints the number of runs per target. Exits
# non-zero if any target finds a crash, leak, timeout (-timeout=5) or UBSan report; the
# temporary directory is then kept and its path printed (crash-* files reproduce with
# `build-fuzz/fuzz/<target> FILE`). Without clang (or its libFuzzer runtime) it prints
# one line starting with SKIP and exits 0. JOBS=N sets the build parallelism (default 2).
set -euo pipefail

secs="${1:-30}"
if ! [[ "$secs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS]  (a positive number of seconds per target)" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v clang >/dev/null || ! command -v clang++ >/dev/null; then
  echo "SKIP: clang/clang++ not found (libFuzzer needs Clang)"
  exit 0
fi
# clang without compiler-rt's libFuzzer would fail much later, at link time.
probe="$(mktemp -d)"
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
  clang++ -fsanitize=fuzzer,address,undefined -x c++ - -o "$probe/probe" 2>/dev/null; then
  rm -rf "$probe"
  echo "SKIP: clang++ cannot link -fsanitize=fuzzer,address,undefined (libFuzzer runtime missing)"
  exit 0
fi
rm -rf "$probe"

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DSIGVISOR_FUZZ=ON -DSIGVISOR_TESTS=OFF >/dev/null
targets=(policy_fuzz decode_fuzz)
cmake --build build-fuzz -j"${JOBS:-2}" --target "${targets[@]}"

work="$(mktemp -d "${TMPDIR:-/tmp}/sigvisor-fuzz.XXXXXX")"
# halt_on_error: the first UBSan report must fail the run, not scroll by.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"

failed=()
for t in "${targets[@]}"; do
  name="${t%_fuzz}"
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  cp -R "fuzz/corpus/$name/." "$work/$t/corpus/"
  extra=()
  if [[ -f "fuzz/$name.dict" ]]; then extra+=("-dict=fuzz/$name.dict"); fi
  echo "== $t: ${secs}s"
  rc=0
  "build-fuzz/fuzz/$t" "$work/$t/corpus" "${extra[@]}" -max_total_time="$secs" -timeout=5 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" \
    >"$work/$t/log" 2>&1 || rc=$?
  # "Done N runs" ends a clean run; after a crash only the final stats give the count.
  runs="$( (grep -o 'Done [0-9]* runs' "$work/$t/log" | awk '{print $2}';
    grep -o 'number_of_executed_units: [0-9]*' "$work/$t/log" | awk '{print $2}') | head -n1 || true)"
  if [[ $rc -ne 0 ]]; then
    failed+=("$t")
    echo "$t: FAILED (exit $rc) after ${runs:-?} runs; log and reproducer in $work/$t/"
    grep -E 'ERROR:|runtime error:|violated:|SUMMARY:|Test unit written' "$work/$t/log" | head -n 20 || true
  else
    echo "$t: ok, ${runs:-?} runs in ${secs}s"
  fi
done

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]} (kept $work)"
  exit 1
fi
rm -rf "$work"
echo "fuzz: ok"
