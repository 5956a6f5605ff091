# SPDX-License-Identifier: Apache-2.0
# Shared by the Linux integration tests (sourced): Debian's kernel Image and
# BusyBox for a test initramfs, from the pinned packages next to this checkout
# (../shared/guests/debian, or HALYARD_PINNED_GUESTS) when they are there, else
# as tools/fetch-guests gets them (cached in build/guests). The caller has
# sourced tools/lib/guests.sh and set repo_root.

# prepare_linux_guest NAME WORK: writes WORK/Image and WORK/busybox. NAME
# prefixes messages; exits 77 (skip) when no guest can be had at all.
prepare_linux_guest() {
    local name=$1 work=$2
    local guests=${HALYARD_PINNED_GUESTS:-$repo_root/../shared/guests/debian}
    local kernel_deb busybox_deb
    kernel_deb=$(compgen -G "$guests/linux-binary-*_riscv64.deb" | head -n 1 || true)
    busybox_deb=$(compgen -G "$guests/busybox-static_*_riscv64.deb" | head -n 1 || true)
    if [[ -n $kernel_deb && -n $busybox_deb ]]; then
        if ! find_kernel_release "$kernel_deb" ||
            ! extract_kernel_image "$kernel_deb" "$found_kernel_release" "$work/Image" ||
            ! extract_busybox "$busybox_deb" "$work/busybox"; then
            echo "$name: $guests_problem" >&2
            exit 1
        fi
        return 0
    fi
    echo "$name: pinned Debian packages not found in $guests; using tools/fetch-guests" >&2
    [[ -f $repo_root/build/guests/Image && -f $repo_root/build/guests/busybox ]] ||
        "$repo_root/tools/fetch-guests" >&2 || exit 77
    cp "$repo_root/build/guests/Image" "$work/Image"
    cp "$repo_root/build/guests/busybox" "$work/busybox"
}
