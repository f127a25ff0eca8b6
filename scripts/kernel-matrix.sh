#!/usr/bin/env bash
# The kernel matrix: runs a ctest selection of the built tree on each kernel of a list and
# prints one table (kernel x passed / failed / skipped, the skip reasons, the timings).
#
#   scripts/kernel-matrix.sh [options] [KERNEL...]
#
# KERNEL: 6.1 (Debian 12's kernel: the package linux-image-amd64 depends on), 6.12
# (Debian 12's linux-image-6.12-amd64), running (the host's own kernel: the suite runs
# natively, there is no image of it here), or a Debian package name (linux-image-...).
# Default: 6.1 6.12 running.
#
# A Debian kernel boots under qemu-system-x86_64 from its own package (apt-get download,
# cached under BUILD/kernel-matrix/cache) with a small initramfs: busybox-static, and that
# package's virtio, 9p, netfs and overlay modules. The host's / is shared read-only over
# 9p; the guest lays a tmpfs over it (overlayfs), so nothing the tests write reaches the
# host, and runs ctest in a chroot of it. KVM is used where a guest boots with it within
# --boot-timeout (nested KVM on some hosts hangs after "Probing EDD"), TCG otherwise.
#
# Options:
#   --build DIR         the built tree (default: build)
#   --select 'ARGS'     ctest arguments choosing the tests, as shell words (quote a regex:
#                       --select "-R 'Cancel|Doctor'"); default: the whole suite
#   --jobs N            ctest -j inside (default: 2)
#   --timeout SEC       per guest, boot to power-off (default: 7200)
#   --boot-timeout SEC  how long a KVM guest may take to come up before TCG is tried (30)
#   --accel auto|kvm|tcg  (default: auto)
#   --memory MB         guest memory (default: 3072)
#   --table FILE        also write the table (Markdown) to FILE
#   --no-running        same as leaving `running` out of the list
#
# Exit status: 0 when every kernel ran and no test failed; 1 when a test failed or a
# guest did not finish; 2 for bad usage; 3 when nothing could run (no qemu, no KVM/TCG
# image, no package): the reason is one line on stderr.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=build
select_args=""
jobs=2
guest_timeout=7200
boot_timeout=30
accel=auto
memory=3072
table_file=""
kernels=()
no_running=0

die() { echo "kernel-matrix: $*" >&2; exit "${2:-2}"; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --select) select_args=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --timeout) guest_timeout=$2; shift 2 ;;
    --boot-timeout) boot_timeout=$2; shift 2 ;;
    --accel) accel=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    --table) table_file=$2; shift 2 ;;
    --no-running) no_running=1; shift ;;
    -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) kernels+=("$1"); shift ;;
  esac
done
[[ ${#kernels[@]} -gt 0 ]] || kernels=(6.1 6.12 running)
if [[ $no_running -eq 1 ]]; then
  k2=(); for k in "${kernels[@]}"; do [[ $k == running ]] || k2+=("$k"); done; kernels=("${k2[@]}")
fi
[[ $accel =~ ^(auto|kvm|tcg)$ ]] || die "--accel $accel: use auto, kvm or tcg"
for n in "$jobs" "$guest_timeout" "$boot_timeout" "$memory"; do
  [[ $n =~ ^[0-9]+$ ]] || die "'$n' is not a number of seconds / jobs / MB"
done
[[ "$build" = /* ]] || build="$here/$build"
[[ -f "$build/CTestTestfile.cmake" ]] || die "$build is not a built tree (cmake --build it first)"
work="$build/kernel-matrix"
cache="$work/cache"
mkdir -p "$cache" || die "cannot create $cache"

needs_guest=0
for k in "${kernels[@]}"; do [[ $k == running ]] || needs_guest=1; done
if [[ $needs_guest -eq 1 ]]; then
  command -v qemu-system-x86_64 >/dev/null ||
    die "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)" 3
  # (grep -q would close the pipe early: busybox's SIGPIPE fails the test under pipefail)
  [[ -x /bin/busybox ]] && /bin/busybox --list | grep -x cpio >/dev/null ||
    die "busybox-static is not installed (apt-get install busybox-static)" 3
  [[ $(uname -m) == x86_64 ]] || die "the guests are x86_64: this host is $(uname -m)" 3
fi

# The package a KERNEL word names.
package_of() {
  local meta
  case $1 in
    6.1) meta=linux-image-amd64 ;;
    6.12) meta=linux-image-6.12-amd64 ;;
    linux-image-*) echo "$1"; return 0 ;;
    *) echo "unknown kernel '$1' (6.1, 6.12, running or a linux-image-... package)" >&2; return 1 ;;
  esac
  local dep
  dep=$(apt-cache depends "$meta" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -1)
  [[ -n $dep ]] || { echo "apt-cache knows no $meta (apt-get update first?)" >&2; return 1; }
  echo "$dep"
}

# Unpacks `pkg` (downloaded once into the cache) and prints the directory.
unpack() {
  local pkg=$1 dir="$cache/$1"
  if [[ ! -f "$dir/.unpacked" ]]; then
    local deb
    deb=$(ls "$cache"/"${pkg}"_*.deb 2>/dev/null | head -1)
    if [[ -z $deb ]]; then
      (cd "$cache" && apt-get download -o APT::Sandbox::User=root "$pkg" >/dev/null 2>"$cache/$pkg.err") ||
        { echo "apt-get download $pkg failed: $(tail -1 "$cache/$pkg.err")" >&2; return 1; }
      deb=$(ls "$cache"/"${pkg}"_*.deb | head -1)
    fi
    rm -rf "$dir" && mkdir -p "$dir" && dpkg-deb -x "$deb" "$dir" ||
      { echo "dpkg-deb -x $deb failed" >&2; return 1; }
    touch "$dir/.unpacked"
  fi
  echo "$dir"
}

# A module's file under `moddir`, and the modules it depends on (its .modinfo section).
module_file() { find "$1" -name "$2.ko" -o -name "$2.ko.xz" -o -name "$2.ko.zst" | head -1; }
module_bytes() {
  case $1 in
    *.xz) xz -dc "$1" ;;
    *.zst) zstd -qdc "$1" ;;
    *) cat "$1" ;;
  esac
}

# Builds the initramfs for the unpacked package in `root`: prints its path.
make_initramfs() {
  local root=$1 out=$2 ver moddir
  ver=$(ls "$root/lib/modules" | head -1)
  moddir="$root/lib/modules/$ver"
  local tree="$out/initramfs"
  rm -rf "$tree" && mkdir -p "$tree"/{bin,mods,proc,sys,dev,host,upper,newroot} || return 1
  cp /bin/busybox "$tree/bin/busybox" && ln -s busybox "$tree/bin/sh"
  # Depth-first over the dependencies: a module is listed after the ones it needs.
  local -A seen=()
  local order=()
  visit() {
    local name=${1//-/_} file deps d
    [[ -n ${seen[$name]:-} ]] && return 0
    seen[$name]=1
    file=$(module_file "$moddir" "$name")
    [[ -z $file ]] && file=$(module_file "$moddir" "${name//_/-}")
    # None: built into this kernel (6.12 has virtio_pci built in), nothing to load; a
    # module that is really missing shows as the guest's failed 9p mount.
    [[ -z $file ]] && return 0
    deps=$(module_bytes "$file" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -1)
    for d in ${deps//,/ }; do visit "$d"; done
    module_bytes "$file" >"$tree/mods/$name.ko"
    order+=("$name")
  }
  local m
  for m in virtio_pci virtio_console 9pnet_virtio 9p overlay; do visit "$m"; done
  printf '%s\n' "${order[@]}" >"$tree/mods/order"
  cat >"$tree/init" <<'EOF'
#!/bin/sh
# The guest: modules, the host's / (9p, read-only) under a tmpfs (overlayfs), a chroot
# running /matrix/run.sh (written by the host into the shared output directory).
export PATH=/bin
busybox mount -t proc proc /proc
busybox mount -t sysfs sys /sys
busybox mount -t devtmpfs dev /dev
for m in $(busybox cat /mods/order); do busybox insmod /mods/$m.ko 2>/dev/null; done
echo "kernel-matrix: guest up ($(busybox uname -r))"
fail() { echo "kernel-matrix: guest: $*"; busybox poweroff -f; }
busybox mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro hostroot /host || fail "cannot mount the host's / over 9p"
busybox mount -t tmpfs -o size=75% tmpfs /upper || fail "tmpfs"
busybox mkdir -p /upper/u /upper/w
busybox mount -t overlay -o lowerdir=/host,upperdir=/upper/u,workdir=/upper/w overlay /newroot || fail "cannot lay overlayfs over the host's /"
R=/newroot
busybox mount -t proc proc $R/proc
busybox mount -t sysfs sys $R/sys
busybox mount -t devtmpfs dev $R/dev
busybox mkdir -p $R/dev/pts $R/dev/shm $R/matrix
busybox mount -t devpts -o newinstance,ptmxmode=0666 devpts $R/dev/pts
# What udev would have made: bash's process substitution needs /dev/fd.
busybox ln -sf /proc/self/fd $R/dev/fd
busybox ln -sf /proc/self/fd/0 $R/dev/stdin
busybox ln -sf /proc/self/fd/1 $R/dev/stdout
busybox ln -sf /proc/self/fd/2 $R/dev/stderr
busybox mount -t tmpfs tmpfs $R/dev/shm
busybox mount -t tmpfs tmpfs $R/tmp
busybox mount -t tmpfs tmpfs $R/run
# As systemd mounts it on a Debian machine (two sigvisors that both find it unmounted race
# to mount it, and one then runs without the kernel trace).
busybox mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null
busybox mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 matrix $R/matrix || fail "cannot mount the output directory"
busybox hostname kernel-matrix
busybox chroot $R /bin/bash /matrix/run.sh /matrix >/newroot/matrix/guest.log 2>&1
echo "kernel-matrix: guest done ($?)"
busybox sync
busybox poweroff -f
EOF
  chmod +x "$tree/init"
  (cd "$tree" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1 >"$out/initramfs.gz") || return 1
  echo "$ver"
}

# What the guest (or the host, for `running`) runs: ctest, its log and exit status kept.
write_run_script() {
  local out=$1
  cat >"$out/run.sh" <<EOF
#!/bin/bash
# Written by scripts/kernel-matrix.sh: the test run inside the guest (or on the host);
# \$1 is where the results go (the guest's /matrix, shared with the host).
out=\$1
cd "$build" || exit 90
start=\$(date +%s)
echo "kernel: \$(uname -r)"
"$build/sigvisor" --doctor >"\$out/doctor.txt" 2>&1
# What the kernel engine (in progress) will need, for docs/kernels.md: BTF and the kfunc.
{ echo "btf: \$(test -e /sys/kernel/btf/vmlinux && echo yes || echo no)"
  echo "bpf_task_from_pid: \$(grep -qw bpf_task_from_pid /proc/kallsyms && echo yes || echo no)"
} >"\$out/facts.txt"
ctest --test-dir "$build" -j$jobs --output-on-failure $select_args >"\$out/ctest.log" 2>&1
echo \$? >"\$out/ctest.status"
cp Testing/Temporary/LastTest.log "\$out/LastTest.log" 2>/dev/null
echo \$(( \$(date +%s) - start )) >"\$out/tests.seconds"
EOF
}

# Boots `pkg`'s kernel with `accel`; returns 0 once the guest powered off by itself.
# `limit`: seconds for the whole run; `up_limit`: seconds to come up (0: no separate limit).
boot() {
  local root=$1 out=$2 acc=$3 limit=$4 up_limit=$5
  local vmlinuz cpu
  vmlinuz=$(ls "$root"/boot/vmlinuz-* | head -1)
  cpu=max
  [[ $acc == kvm ]] && cpu=host
  : >"$out/console.log"
  qemu-system-x86_64 -accel "$acc" -cpu "$cpu" -smp 2 -m "$memory" -nographic -no-reboot \
    -kernel "$vmlinuz" -initrd "$out/initramfs.gz" \
    -append "console=ttyS0 panic=-1 oops=panic loglevel=4" \
    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
    -virtfs "local,path=$out,mount_tag=matrix,security_model=none,multidevs=remap" \
    -nic none -serial "file:$out/console.log" -monitor none -display none \
    </dev/null >"$out/qemu.log" 2>&1 &
  local qpid=$! t0=$SECONDS up=0
  while kill -0 "$qpid" 2>/dev/null; do
    if [[ $up -eq 0 ]] && grep -q "kernel-matrix: guest up" "$out/console.log"; then
      up=1
      echo $((SECONDS - t0)) >"$out/boot.seconds"
    fi
    if [[ $up -eq 0 && $up_limit -gt 0 && $((SECONDS - t0)) -ge $up_limit ]]; then
      kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null
      echo "did not come up within ${up_limit}s ($(tail -c 300 "$out/console.log" | tr -d '\r' | grep -v '^$' | tail -1))"
      return 1
    fi
    if [[ $((SECONDS - t0)) -ge $limit ]]; then
      kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null
      echo "timed out after ${limit}s"
      return 1
    fi
    sleep 1
  done
  wait "$qpid"
  local rc=$?
  [[ $rc -eq 0 ]] || { echo "qemu exited $rc: $(tail -1 "$out/qemu.log")"; return 1; }
  grep -q "kernel-matrix: guest done" "$out/console.log" ||
    { echo "$(grep -a 'kernel-matrix: guest:\|Kernel panic' "$out/console.log" | tail -1 | tr -d '\r')"; return 1; }
  return 0
}

# One row: counts from ctest's summary, skip reasons from LastTest.log.
declare -A row_status row_accel row_boot row_tests row_pass row_fail row_skip row_reasons row_ver
summarize_run() {
  local k=$1 out=$2 line total failed
  if [[ ! -f "$out/ctest.log" ]]; then
    row_status[$k]="ctest did not run: $(tail -1 "$out/guest.log" 2>/dev/null)"; return
  fi
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$out/ctest.log" | tail -1)
  if [[ $line =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]]; then
    failed=${BASH_REMATCH[1]}; total=${BASH_REMATCH[2]}
  else
    row_status[$k]="no ctest summary (see $out/ctest.log)"; return
  fi
  local skipped
  skipped=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .*\*\*\*Skipped' "$out/ctest.log")
  row_fail[$k]=$failed
  row_skip[$k]=$skipped
  row_pass[$k]=$((total - failed - skipped))
  row_tests[$k]=$(cat "$out/tests.seconds" 2>/dev/null || echo "?")
  row_reasons[$k]=$(python3 "$here/scripts/matrix_skips.py" "$out/LastTest.log" 2>/dev/null)
  if [[ $failed -ne 0 ]]; then
    row_reasons[$k]="FAILED: $(sed -n '/The following tests FAILED:/,/^$/p' "$out/ctest.log" |
      grep -E '^\s+[0-9]+ - ' | sed 's/^ *[0-9]* - //; s/ (.*//' | head -5 | paste -sd, -)${row_reasons[$k]:+; skipped: ${row_reasons[$k]}}"
    row_status[$k]=failed
  fi
}

status=0
any_ran=0
for k in "${kernels[@]}"; do
  out="$work/runs/$k"
  rm -rf "$out" && mkdir -p "$out"
  write_run_script "$out"
  echo "=== kernel $k"
  if [[ $k == running ]]; then
    row_ver[$k]=$(uname -r)
    row_accel[$k]="native"
    row_boot[$k]=0
    bash "$out/run.sh" "$out" >"$out/guest.log" 2>&1
    any_ran=1
    summarize_run "$k" "$out"
  else
    pkg=$(package_of "$k" 2>"$out/error") || { row_status[$k]=$(tail -1 "$out/error"); status=1; continue; }
    root=$(unpack "$pkg" 2>"$out/error") || { row_status[$k]=$(tail -1 "$out/error"); status=1; continue; }
    ver=$(make_initramfs "$root" "$out" 2>"$out/error") ||
      { row_status[$k]="initramfs: $(tail -1 "$out/error")"; status=1; continue; }
    row_ver[$k]=$ver
    tried=()
    ok=1
    [[ $accel == tcg ]] || tried+=(kvm)
    [[ $accel == kvm ]] || tried+=(tcg)
    for acc in "${tried[@]}"; do
      if [[ $acc == kvm && ! -w /dev/kvm ]]; then
        echo "  kvm: /dev/kvm is not usable here"; continue
      fi
      echo "  booting $pkg with $acc"
      up_limit=0
      [[ $acc == kvm && $accel == auto ]] && up_limit=$boot_timeout
      if why=$(boot "$root" "$out" "$acc" "$guest_timeout" "$up_limit"); then
        ok=0; row_accel[$k]=$acc; break
      fi
      echo "  $acc: $why"
      row_status[$k]="$acc: $why"
    done
    if [[ $ok -ne 0 ]]; then status=1; continue; fi
    any_ran=1
    unset "row_status[$k]"
    summarize_run "$k" "$out"
    row_boot[$k]=$(cat "$out/boot.seconds" 2>/dev/null || echo "?")
  fi
  [[ -z ${row_status[$k]:-} ]] || status=1
done

# The table (Markdown, readable as text).
table() {
  echo "| kernel | run on | passed | failed | skipped | boot s | tests s | skipped because |"
  echo "|---|---|---|---|---|---|---|---|"
  local k
  for k in "${kernels[@]}"; do
    if [[ -n ${row_pass[$k]:-} ]]; then
      echo "| ${row_ver[$k]:-$k} | ${row_accel[$k]} | ${row_pass[$k]} | ${row_fail[$k]} | ${row_skip[$k]} | ${row_boot[$k]} | ${row_tests[$k]} | ${row_reasons[$k]:-} |"
    fi
    [[ -z ${row_status[$k]:-} || ${row_status[$k]} == failed ]] ||
      echo "| ${row_ver[$k]:-$k} | ${row_accel[$k]:--} | - | - | - | - | - | ${row_status[$k]} |"
  done
}
echo
table
[[ -z $table_file ]] || table >"$table_file"
[[ $any_ran -eq 1 ]] || exit 3
exit $status
