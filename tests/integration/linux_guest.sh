#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots Debian's pinned riscv64 Linux kernel under Halyard with a BusyBox
# initramfs (tools/lib/initramfs.sh) whose extra init script reports the
# online CPUs, runs a small parallel workload and powers off.
# Usage: linux_guest.sh VCPUS [tools/run options...]
# Uses the pinned packages (../shared/guests) when they are there, else what
# tools/fetch-guests gets; exits 77 (CTest: skipped) when neither works.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/lib/guests.sh
source "$repo_root/tools/lib/guests.sh"
# shellcheck source=tools/lib/initramfs.sh
source "$repo_root/tools/lib/initramfs.sh"

guests=${HALYARD_PINNED_GUESTS:-$repo_root/../shared/guests/debian}
vcpus=$1
shift
work=""

# The extra init script: runs after /init has mounted proc, sysfs and devtmpfs.
write_workload_script() {
    cat <<'SCRIPT'
echo "init: $(grep -c ^processor /proc/cpuinfo) CPUs online"
grep -m1 '^isa' /proc/cpuinfo
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
    local kernel_deb busybox_deb
    kernel_deb=$(compgen -G "$guests/linux-binary-*_riscv64.deb" | head -n 1 || true)
    busybox_deb=$(compgen -G "$guests/busybox-static_*_riscv64.deb" | head -n 1 || true)
    trap cleanup EXIT
    work=$(mktemp -d "${TMPDIR:-/tmp}/halyard-linux.XXXXXX")
    if [[ -n $kernel_deb && -n $busybox_deb ]]; then
        find_kernel_release "$kernel_deb" || die "$guests_problem"
        extract_kernel_image "$kernel_deb" "$found_kernel_release" "$work/Image" || die "$guests_problem"
        extract_busybox "$busybox_deb" "$work/busybox" || die "$guests_problem"
    else
        # No pinned copies next to this checkout: Debian's current packages,
        # as tools/fetch-guests gets them (it caches them in build/guests).
        echo "linux_guest: pinned Debian packages not found in $guests; using tools/fetch-guests" >&2
        [[ -f $repo_root/build/guests/Image && -f $repo_root/build/guests/busybox ]] ||
            "$repo_root/tools/fetch-guests" >&2 || exit 77
        cp "$repo_root/build/guests/Image" "$work/Image"
        cp "$repo_root/build/guests/busybox" "$work/busybox"
    fi
    write_workload_script >"$work/workload.sh"
    build_initramfs "$work/busybox" "$work/initrd.cpio.gz" "$work/workload.sh" || die "no initramfs"

    # Not exec: the EXIT trap removes the work folder once tools/run is done with it.
    "$repo_root/tools/run" --no-build --timeout 300 --smp "$vcpus" "$@" \
        --vm "kernel=$work/Image,initrd=$work/initrd.cpio.gz,mem=256M,vcpus=$vcpus,append=console=ttyS0" </dev/null
}

main "$@"
