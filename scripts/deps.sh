#!/usr/bin/env bash
# Installs what sigvisor needs to build and test on Debian 12 (run as root; a no-op
# otherwise when everything is already there).
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libseccomp-dev libboost-program-options-dev nlohmann-json3-dev libgtest-dev
  strace procps util-linux python3 python3-jsonschema stress-ng
  groff-base bash-completion clang
  libbpf-dev bpftool llvm
  qemu-system-x86 busybox-static  # kernel-smoke, scripts/kernel-matrix.sh: Debian's 6.1 under qemu
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages (${missing[*]}); run as root to install them" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
