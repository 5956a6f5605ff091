#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Starts Halyard on QEMU directly, without tools/run and its checks, for the tests of what
# Halyard itself does with a hart or a boot it cannot use (no H extension, no VM bundle).
# usage: run_halyard_directly.sh HALYARD_IMAGE QEMU-ARG...
set -euo pipefail
# shellcheck source=tests/integration/direct_qemu.sh
source "$(dirname "${BASH_SOURCE[0]}")/direct_qemu.sh"
image=$1
shift
timeout 30 "$qemu" -machine virt -m 256M -nographic -bios "$firmware" -kernel "$image" "$@" \
    </dev/null
