#!/usr/bin/env bash
# Builds and runs every test twice: a normal build, then the whole suite under
# AddressSanitizer + UndefinedBehaviorSanitizer. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

# The .deb: installs with apt, the installed binary runs the demo, then it is removed.
bash scripts/package_test.sh build

# The sanitizer build: the supervisor, the examples and the tests all instrumented.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSIGVISOR_SANITIZE=ON
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"

# Fuzz the policy loader and the decoders for a bounded time (clang + libFuzzer).
bash scripts/fuzz.sh "${SIGVISOR_FUZZ_SECONDS:-30}"
