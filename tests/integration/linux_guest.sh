#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots Debian's pinned riscv64 Linux kernel under Halyard with a BusyBox
# initramfs (tools/lib/initramfs.sh) whose extra init script reports the
# online CPUs, runs a small parallel workload and powers off.
# Usage: linux_guest.sh VCPUS [--vm-keys KEYS] [tools/run options...]
# KEYS: --vm keys for the guest instead of the default mem=256M (e.g.
# mem=1G,mmu=sv48).
# Uses the pinned packages (../shared/guests) when they are there, else what
# tools/fetch-guests gets; exits 77 (CTest: skipped) when neither works.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/lib/guests.sh
source "$repo_root/tools/lib/guests.sh"
# shellcheck source=tools/lib/initramfs.sh
source "$repo_root/tools/lib/initramfs.sh"
# shellcheck source=tests/integration/linux_test_guest.sh
source "$repo_root/tests/integration/linux_test_guest.sh"

vcpus=$1
shift
vm_keys=mem=256M
if [[ ${1:-} == --vm-keys ]]; then
    vm_keys=$2
    shift 2
fi
work=""

# The extra init script: runs after /init has mounted proc, sysfs and devtmpfs.
write_workload_script() {
    cat <<'SCRIPT'
echo "init: $(grep -c ^processor /proc/cpuinfo) CPUs online"
grep -m1 '^isa' /proc/cpuinfo
grep -m1 '^mmu' /proc/cpuinfo
# A small parallel workload: one md5sum of 4 MiB per CPU.
for i in $(seq "$(nproc)"); do
    (dd if=/dev/zero bs=1M count=4 2>/dev/null | md5sum > /tmp/sum$i) &
done
wait
echo "init: workload sums $(cat /tmp/sum* | sort -u | wc -l) distinct, $(ls /tmp/sum* | wc -l) done"
poweroff -f
SCRIPT
}

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
    [[ -z $work ]] || rm -rf -- "$work"
}

# die TEXT: the guest cannot be prepared.
die() {
    echo "linux_guest: $*" >&2
    exit 1
}

main() {
    trap cleanup EXIT
    work=$(mktemp -d "${TMPDIR:-/tmp}/halyard-linux.XXXXXX")
    prepare_linux_guest linux_guest "$work"
    write_workload_script >"$work/workload.sh"
    build_initramfs "$work/busybox" "$work/initrd.cpio.gz" "$work/workload.sh" || die "no initramfs"

    # Not exec: the EXIT trap removes the work folder once tools/run is done with it.
    "$repo_root/tools/run" --no-build --timeout 300 --smp "$vcpus" "$@" \
        --vm "kernel=$work/Image,initrd=$work/initrd.cpio.gz,$vm_keys,vcpus=$vcpus,append=console=ttyS0" </dev/null
}

main "$@"
