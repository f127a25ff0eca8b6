#!/usr/bin/env bash
# The main job: build sigvisor and run it on a bundled example under the default
# policy — "who killed my process?": sender SIGKILLs receiver; sigvisor names both.
# Builds only what it runs (sigvisor, sender, receiver) into build/, the directory
# scripts/test.sh goes on from.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
start=$(date +%s)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target sigvisor sender receiver >/dev/null
echo "== built sigvisor and the example in $(($(date +%s) - start)) s"
echo "== sigvisor -- build/examples/sender   (text trace on stderr, as strace prints it)"
build/sigvisor -- build/examples/sender
echo
echo "== the same run as JSON Lines events"
build/sigvisor --format json -- build/examples/sender
