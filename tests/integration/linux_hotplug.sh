#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Debian's Linux (the pinned riscv64 kernel, or tools/fetch-guests' copy) with
# VCPUS vCPUs takes every CPU, CPU 0 included, offline and online again
# ROUNDS times through sysfs, checking /sys/devices/system/cpu/online and the
# CPU's own "online" file each time, then powers off. Beside it runs a second
# VM, the bare-metal memcheck guest (MEMCHECK), which checks its RAM
# throughout. Usage: linux_hotplug.sh VCPUS MEMCHECK [ROUNDS]
# Exits 77 (CTest: skipped) when no Linux guest can be had.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/lib/guests.sh
source "$repo_root/tools/lib/guests.sh"
# shellcheck source=tools/lib/initramfs.sh
source "$repo_root/tools/lib/initramfs.sh"
# shellcheck source=tests/integration/linux_test_guest.sh
source "$repo_root/tests/integration/linux_test_guest.sh"

vcpus=$1
memcheck=$2
rounds=${3:-3}
work=""

# The extra init script (run after /init mounted proc, sysfs and devtmpfs).
# "hotplug: FAIL ..." lines are what the test forbids; the summary line is
# what it requires.
write_hotplug_script() {
    cat <<SCRIPT
vcpus=$vcpus
rounds=$rounds
SCRIPT
    cat <<'SCRIPT'
# The kernel's range list of the CPUs 0..vcpus-1 without $1 (e.g. 0,2-3).
expected_online() {
    list="" start="" prev=""
    for c in $(seq 0 $((vcpus - 1))); do
        [ "$c" = "$1" ] && continue
        if [ -n "$prev" ] && [ "$c" -eq $((prev + 1)) ]; then prev=$c; continue; fi
        [ -n "$start" ] && list="$list$(range "$start" "$prev"),"
        start=$c prev=$c
    done
    echo "$list$(range "$start" "$prev")"
}
range() { if [ "$1" = "$2" ]; then echo "$1"; else echo "$1-$2"; fi; }
fail() { echo "hotplug: FAIL $*"; failures=$((failures + 1)); }

failures=0
cycles=0
echo "hotplug: online at start: $(cat /sys/devices/system/cpu/online)"
for c in $(seq 0 $((vcpus - 1))); do
    f=/sys/devices/system/cpu/cpu$c/online
    if [ -e "$f" ]; then echo "hotplug: cpu$c can be taken offline ($f exists)"
    else fail "cpu$c has no $f: this kernel does not let it go offline"; fi
done
for round in $(seq "$rounds"); do
    for c in $(seq 0 $((vcpus - 1))); do
        f=/sys/devices/system/cpu/cpu$c/online
        [ -e "$f" ] || continue
        echo 0 >"$f" || fail "round $round: echo 0 > $f"
        got=$(cat /sys/devices/system/cpu/online)
        want=$(expected_online "$c")
        [ "$got" = "$want" ] || fail "round $round: cpu$c offline: online is $got, expected $want"
        [ "$(cat "$f")" = 0 ] || fail "round $round: $f is not 0"
        echo 1 >"$f" || fail "round $round: echo 1 > $f"
        got=$(cat /sys/devices/system/cpu/online)
        want=$(expected_online none)
        [ "$got" = "$want" ] || fail "round $round: cpu$c back: online is $got, expected $want"
        [ "$(cat "$f")" = 1 ] || fail "round $round: $f is not 1"
        cycles=$((cycles + 1))
    done
    echo "hotplug: round $round done, online $(cat /sys/devices/system/cpu/online)"
done
# Work on every CPU after all that: each must still run processes.
busy_cpus=$vcpus
command -v taskset >/dev/null || { echo "hotplug: no taskset, per-CPU work skipped"; busy_cpus=0; }
for c in $(seq 0 $((busy_cpus - 1))); do
    (taskset -c "$c" sh -c 'i=0; while [ $i -lt 2000 ]; do i=$((i + 1)); done' ||
        fail "cpu$c runs no task") &
done
wait
echo "hotplug: $cycles offline/online cycles on $vcpus CPUs, $failures failures"
poweroff -f
SCRIPT
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
    [[ -z $work ]] || rm -rf -- "$work"
}

die() {
    echo "linux_hotplug: $*" >&2
    exit 1
}

main() {
    trap cleanup EXIT
    work=$(mktemp -d "${TMPDIR:-/tmp}/halyard-hotplug.XXXXXX")
    prepare_linux_guest linux_hotplug "$work"
    write_hotplug_script >"$work/hotplug.sh"
    build_initramfs "$work/busybox" "$work/initrd.cpio.gz" "$work/hotplug.sh" || die "no initramfs"

    # memcheck runs about as long as Linux needs to boot and hotplug.
    "$repo_root/tools/run" --no-build --timeout 300 --smp $((vcpus + 1)) \
        --vm "kernel=$work/Image,initrd=$work/initrd.cpio.gz,mem=256M,vcpus=$vcpus,append=console=ttyS0" \
        --vm "kernel=$memcheck,mem=32M,append=seconds=40" </dev/null
}

main "$@"
