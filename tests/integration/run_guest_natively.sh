#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs a bare-metal test guest natively: on QEMU virt with the QEMU under test's OpenSBI alone,
# no Halyard, as tools/bench's second run does. The guests are plain S-mode programs, and this is
# how a test checks that one still works where it talks to QEMU's own devices and firmware.
# usage: run_guest_natively.sh GUEST_IMAGE [QEMU-ARG...]
set -euo pipefail
# shellcheck source=tests/integration/direct_qemu.sh
source "$(dirname "${BASH_SOURCE[0]}")/direct_qemu.sh"
image=$1
shift
timeout 60 "$qemu" -machine virt -cpu rv64,h=true -m 256M -nographic -bios "$firmware" \
    -kernel "$image" "$@" </dev/null
