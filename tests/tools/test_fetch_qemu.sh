#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Tests of tools/fetch-qemu and tools/lib/qemu.sh that need no network: the command line, the
# one-line error when no mirror can be reached (kept in build/qemu/unavailable for the tests that
# run on the backports QEMU), QEMU version parsing and the initrd placement rule per version.
# A copy of tools/ in a scratch checkout keeps the real build/qemu out of it. Prints
# "N passed, M failed"; exits 1 when anything failed.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/lib/qemu.sh
source "$repo_root/tools/lib/qemu.sh"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/test_fetch_qemu.XXXXXX")
trap 'rm -rf -- "$scratch"' EXIT
readonly checkout=$scratch/checkout

# shellcheck source=tests/tools/harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

setup() {
    mkdir -p "$checkout" "$scratch/empty-apt"
    cp -r "$repo_root/tools" "$checkout/"
}

# fetch_qemu ARG...: the checkout's tools/fetch-qemu, off the network: no apt sources, and a
# mirror that does not exist.
fetch_qemu() {
    run_in "$scratch" env HALYARD_APT_CONFIG_DIR="$scratch/empty-apt" \
        HALYARD_DEBIAN_MIRROR="file://$scratch/no-mirror/debian" "$checkout/tools/fetch-qemu" "$@"
}

test_help() {
    fetch_qemu --help
    expect_status 0
    expect_stdout_has "bookworm-backports"
    expect_stdout_has "QEMU_MODULE_DIR"
    expect_stdout_has "-audio none"
}

test_bad_option() {
    fetch_qemu --frobnicate
    expect_status 2
    [[ $stderr_text == "tools/fetch-qemu: error: unknown option '--frobnicate'"* ]] ||
        flunk "no one-line error naming the option"
}

test_unreachable_mirror_fails_with_one_line_kept_for_the_tests() {
    fetch_qemu
    expect_status 1
    local last
    last=$(tail -n 1 <<<"$stderr_text")
    [[ $last == "tools/fetch-qemu: error: cannot download QEMU from Debian bookworm-backports: apt"* ]] ||
        flunk "last stderr line is not the download error: $last"
    [[ -f $checkout/build/qemu/unavailable ]] || flunk "no build/qemu/unavailable"
    [[ ! -e $checkout/build/qemu/qemu-system-riscv64 ]] || flunk "a launcher was left behind"
    # What the tests on the backports QEMU then report.
    (
        repo_root=$checkout
        select_qemu backports && exit 1
        [[ $qemu_problem == *"no bookworm-backports QEMU in $checkout/build/qemu"*"its last run failed: cannot download QEMU"* ]]
    ) || flunk "select_qemu backports does not say why it cannot run"
}

test_version_and_initrd_rule() {
    local fake=$scratch/fake-qemu-version
    printf '#!/bin/sh\necho "QEMU emulator version 9.0.2 (Debian 1:9.0.2+ds-4)"\n' >"$fake"
    chmod +x "$fake"
    [[ $(qemu_version_of "$fake") == 9.0.2 ]] || flunk "version of 9.0.2 misread"
    [[ $(initrd_max_offset_for 7.2.22) == $((128 << 20)) ]] || flunk "7.2 cap is not 128 MiB"
    [[ $(initrd_max_offset_for 9.0.2) == $((128 << 20)) ]] || flunk "9.0 cap is not 128 MiB"
    [[ $(initrd_max_offset_for 9.1.0) == $((512 << 20)) ]] || flunk "9.1 cap is not 512 MiB"
    [[ $(initrd_max_offset_for 10.0.2) == $((512 << 20)) ]] || flunk "10.0 cap is not 512 MiB"
    [[ $(fdt_ceiling_for 7.2.22) == $((0xC0000000)) ]] || flunk "7.2 does not keep the FDT below 3 GiB"
    [[ $(fdt_ceiling_for 10.0.2) == 0 ]] || flunk "10.0 puts the FDT at the end of RAM"
    printf '#!/bin/sh\necho garbage\n' >"$fake"
    ! qemu_version_of "$fake" >/dev/null || flunk "a QEMU without a version was accepted"
}

run_all_tests setup
