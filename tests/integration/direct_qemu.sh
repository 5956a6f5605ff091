# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# For the tests that start QEMU themselves rather than through tools/run: the QEMU and OpenSBI of
# the QEMU under test (HALYARD_RUN_QEMU, system by default, as tools/run chooses). Source it; it
# sets qemu and firmware, or exits 77 (CTest's skip) when that QEMU is not there.
direct_qemu_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
repo_root=$direct_qemu_root
# shellcheck source=tools/lib/qemu.sh
source "$direct_qemu_root/tools/lib/qemu.sh"
if ! select_qemu "${HALYARD_RUN_QEMU:-system}"; then
    echo "SKIP: $qemu_problem"
    exit 77
fi
# shellcheck disable=SC2034 # read by the sourcing script
qemu=$qemu_binary
# shellcheck disable=SC2034
firmware=$qemu_firmware
