# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Which QEMU and OpenSBI Halyard boots on. Two are known:
#   system     Debian's qemu-system-riscv64 and opensbi packages (Debian 12: QEMU 7.2, OpenSBI 1.1),
#              or the QEMU binary HALYARD_QEMU names
#   backports  QEMU and OpenSBI from bookworm-backports (QEMU 10.0, OpenSBI 1.5), unpacked under
#              build/qemu by tools/fetch-qemu
# Used by tools/run, tools/bench, tools/bench-linux and the tests. Source this file, set repo_root
# first; select_qemu fills the qemu_* variables below.

readonly qemu_choices="system backports"
readonly system_qemu_firmware=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
# tools/fetch-qemu's output: a launcher that runs the unpacked QEMU with its own modules and data,
# the unpacked OpenSBI, and, when the last fetch failed, why.
backports_qemu_dir() { echo "$repo_root/build/qemu"; }
backports_qemu_launcher() { echo "$(backports_qemu_dir)/qemu-system-riscv64"; }
backports_qemu_firmware() { echo "$(backports_qemu_dir)/root/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"; }
backports_qemu_failure_file() { echo "$(backports_qemu_dir)/unavailable"; }

qemu_choice=""             # system or backports
qemu_binary=""             # what to run
qemu_firmware=""           # the OpenSBI fw_dynamic.bin to pass as -bios
qemu_version=""            # e.g. 10.0.2
qemu_label=""              # qemu7, qemu10, ...: the CTest label and the figures' column
qemu_initrd_max_offset=0   # how far past the kernel QEMU puts the -initrd file at most
qemu_fdt_ceiling=0         # the address below which QEMU puts the device tree (0: RAM's end)
qemu_problem=""            # why select_qemu failed

# is_qemu_choice WORD: true for system or backports.
is_qemu_choice() {
    [[ " $qemu_choices " == *" $1 "* ]]
}

# qemu_version_of BINARY: prints the x.y.z of BINARY --version; returns 1 when it does not run.
qemu_version_of() {
    local output
    output=$("$1" --version 2>&1) || return 1
    [[ $output =~ version\ ([0-9]+\.[0-9]+(\.[0-9]+)?) ]] || return 1
    echo "${BASH_REMATCH[1]}"
}

# initrd_max_offset_for VERSION: QEMU's virt machine loads -initrd at the kernel's address plus
# min(RAM/2, this). QEMU 9.1 raised the cap from 128 MiB to 512 MiB so that large kernels fit
# below it (hw/riscv/boot.c, riscv_load_initrd).
initrd_max_offset_for() {
    local major=${1%%.*} rest=${1#*.} minor
    minor=${rest%%.*}
    if ((major > 9 || (major == 9 && minor >= 1))); then
        echo $((512 * 1024 * 1024))
    else
        echo $((128 * 1024 * 1024))
    fi
}

# fdt_ceiling_for VERSION: QEMU's virt machine puts the device tree just below the end of RAM, or
# below 3 GiB when RAM reaches further; for 64-bit harts newer QEMUs drop the 3 GiB limit. Seen:
# QEMU 7.2 at 0xbfe00000 with 2G and more of RAM, QEMU 10.0 at 2 MiB below the end of RAM. The
# change is taken to be 9.1's, with the other RISC-V boot changes (QEMUs between 7.2 and 10.0 are
# not run here). Prints the ceiling, 0 for none.
fdt_ceiling_for() {
    local major=${1%%.*} rest=${1#*.} minor
    minor=${rest%%.*}
    if ((major > 9 || (major == 9 && minor >= 1))); then
        echo 0
    else
        echo $((0xC0000000))
    fi
}

# select_qemu CHOICE: fills the qemu_* variables for system or backports; returns 1 with the
# reason in qemu_problem when that QEMU cannot be used.
select_qemu() {
    qemu_choice=$1
    case $1 in
        system)
            qemu_binary=${HALYARD_QEMU:-qemu-system-riscv64}
            qemu_firmware=$system_qemu_firmware
            if ! command -v "$qemu_binary" >/dev/null; then
                qemu_problem="QEMU '$qemu_binary' not found (install the Debian package qemu-system-misc, or set HALYARD_QEMU)"
                return 1
            fi
            ;;
        backports)
            qemu_binary=$(backports_qemu_launcher)
            qemu_firmware=$(backports_qemu_firmware)
            if [[ ! -x $qemu_binary ]]; then
                qemu_problem="no bookworm-backports QEMU in ${qemu_binary%/*} (tools/fetch-qemu gets it)"
                local failure
                failure=$(backports_qemu_failure_file)
                [[ ! -f $failure ]] || qemu_problem+="; its last run failed: $(<"$failure")"
                return 1
            fi
            ;;
        *)
            qemu_problem="unknown QEMU '$1' (choose one of: $qemu_choices)"
            return 1
            ;;
    esac
    if ! qemu_version=$(qemu_version_of "$qemu_binary"); then
        qemu_problem="QEMU '$qemu_binary' does not run: $("$qemu_binary" --version 2>&1 | head -n 1)"
        return 1
    fi
    qemu_label=qemu${qemu_version%%.*}
    qemu_initrd_max_offset=$(initrd_max_offset_for "$qemu_version")
    qemu_fdt_ceiling=$(fdt_ceiling_for "$qemu_version")
}

# select_or_fetch_qemu CHOICE: select_qemu, after running tools/fetch-qemu (its output on stderr)
# when the backports QEMU has not been unpacked yet; returns 1 with the reason in qemu_problem.
select_or_fetch_qemu() {
    select_qemu "$1" && return 0
    [[ $1 == backports && ! -x $(backports_qemu_launcher) ]] || return 1
    echo "no bookworm-backports QEMU in build/qemu yet: running tools/fetch-qemu" >&2
    if ! "$repo_root/tools/fetch-qemu" >&2; then
        qemu_problem="--qemu backports: tools/fetch-qemu failed (above)"
        return 1
    fi
    select_qemu "$1"
}
