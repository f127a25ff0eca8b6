#!/usr/bin/env bash
# The main job: build sigvisor and run it on a bundled example under the default
# policy — "who killed my process?": sender SIGKILLs receiver; sigvisor names both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "== sigvisor -- build/examples/sender   (text trace on stderr, as strace prints it)"
build/sigvisor -- build/examples/sender
echo
echo "== the same run as JSON Lines events"
build/sigvisor --format json -- build/examples/sender
