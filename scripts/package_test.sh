#!/usr/bin/env bash
# Builds the .deb with CPack, installs it with apt (which pulls its dependencies), runs
# the demo with the installed binary and a shipped policy found by name, checks the man
# page and the completion are in place, then removes the package again.
# Usage: scripts/package_test.sh [BUILD_DIR]   (root only: it installs a package)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
if [ "$(id -u)" -ne 0 ]; then
  echo "package_test.sh: SKIP: installing a .deb needs root"
  exit 0
fi
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls -t "$build"/sigvisor_*.deb | head -1)
echo "package_test.sh: built $deb"
dpkg-deb --info "$deb" | grep -E '^ (Package|Version|Depends):'

cleanup() { dpkg -r sigvisor >/dev/null 2>&1 || true; }
trap cleanup EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "./$deb" >/dev/null

fail=0
check() {  # description, command...
  local what=$1
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}
check "installed at /usr/bin/sigvisor" test -x /usr/bin/sigvisor
check "--version runs" /usr/bin/sigvisor --version
check "man page installed" test -f /usr/share/man/man1/sigvisor.1.gz
check "policies installed" test -f /usr/share/sigvisor/policies/ci-isolation.json
check "bash completion installed" test -f /usr/share/bash-completion/completions/sigvisor
# The kernel engine's library: a build that links libbpf must make a package that pulls it.
if ldd "$build/sigvisor" | grep -q 'libbpf\.so'; then
  check "the package depends on libbpf (the kernel engine)" \
    bash -c "dpkg-deb -f '$deb' Depends | grep -q 'libbpf1'"
  if /usr/bin/sigvisor --engine kernel -o /dev/null -- true 2>/dev/null; then
    check "the installed binary runs the kernel engine" \
      bash -c "/usr/bin/sigvisor --engine kernel -- /bin/true 2>&1 | grep -q 'engine kernel'"
  else
    echo "skip the kernel engine's run: $(/usr/bin/sigvisor --engine kernel -o /dev/null -- true 2>&1 | head -1)"
  fi
fi

# The demo, with the installed binary, under a shipped policy found by name.
out=$(/usr/bin/sigvisor -P ci-isolation -- "$build/examples/sender" 2>&1) || {
  echo "FAIL demo exit status $?: $out"
  fail=1
}
check "demo names the killer" grep -q 'kill([0-9]*, SIGKILL) .*(SIGKILL: sender([0-9]*) -> receiver([0-9]*), child)' <<<"$out"
check "demo records the policy by its installed path" \
  grep -q '/usr/share/sigvisor/policies/ci-isolation.json' < <(/usr/bin/sigvisor --format json -P ci-isolation -- true 2>&1)
exit $fail
