# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034 # the layout_* results are read by the sourcing script
# Where things land in host RAM when tools/run boots Halyard on QEMU virt, mirroring Halyard's
# allocator so a VM set that cannot fit is rejected before QEMU starts. Source after sizes.sh.
#
#   0x8000_0000                      host RAM base
#   [base, base + 4 MiB)             OpenSBI and Halyard (QEMU loads -kernel at base + 2 MiB)
#   base + 2 MiB + min(RAM/2, cap)   the VM bundle (QEMU's -initrd placement rule; the cap is
#                                    128 MiB before QEMU 9.1, 512 MiB since: initrd_max_offset)
#   16 MiB below min(RAM end, 3 GiB) the host device tree (QEMU puts it just below RAM's end,
#                                    or below 3 GiB when RAM reaches further)
# Each VM's memory, rounded up to 2 MiB, goes first-fit in command-line order into the lowest
# 2 MiB-aligned free range that does not overlap the bundle.

readonly HOST_RAM_BASE=$((0x80000000))
readonly HOST_KERNEL_LOAD=$((HOST_RAM_BASE + 2 * MIB))
readonly HOST_FIRMWARE_END=$((HOST_RAM_BASE + 4 * MIB))
readonly HOST_TOP_RESERVED=$((16 * MIB))
readonly HOST_FDT_CEILING=$((0xC0000000))
readonly VM_MEMORY_ALIGN=$((2 * MIB))
# How far past the kernel QEMU puts the -initrd file at most; the sourcing script sets it for the
# QEMU it runs (see initrd_max_offset_for in qemu.sh).
initrd_max_offset=$((128 * MIB))

# Results of plan_host_memory, read by the sourcing script.
layout_ram_end=0
layout_reserved_start=0     # start of the 16 MiB kept for the host device tree
layout_bundle_start=0
layout_bundle_end=0
layout_vm_start=()          # per VM, in command-line order
layout_vm_size=()           # per VM, rounded up to VM_MEMORY_ALIGN
layout_problem=""           # "" when everything fits, else "bundle" or "vm"
layout_failed_vm=-1         # index of the first VM that did not fit
layout_largest_free=0       # when a VM did not fit: the largest free range left
layout_total_free=0         # ... and all free memory left

# Free ranges, sorted by address: [_free_start[i], _free_end[i]).
_free_start=()
_free_end=()
_taken_start=0

# bundle_load_address HOST_MEM: where QEMU puts the -initrd file.
bundle_load_address() {
    local offset=$(($1 / 2))
    ((offset <= initrd_max_offset)) || offset=$initrd_max_offset
    echo $((HOST_KERNEL_LOAD + offset))
}

_add_free_range() {
    local start=$1 end=$2
    ((end > start)) || return 0
    _free_start+=("$start")
    _free_end+=("$end")
}

# _take_first_fit SIZE: carves SIZE bytes from the lowest free range that holds them and sets
# _taken_start to where they begin; returns 1 when no range is large enough.
_take_first_fit() {
    local size=$1 i
    for i in "${!_free_start[@]}"; do
        if ((_free_end[i] - _free_start[i] >= size)); then
            _taken_start=${_free_start[i]}
            _free_start[i]=$((_free_start[i] + size))
            return 0
        fi
    done
    return 1
}

_measure_free_ranges() {
    local i length
    layout_largest_free=0
    layout_total_free=0
    for i in "${!_free_start[@]}"; do
        length=$((_free_end[i] - _free_start[i]))
        ((length <= layout_largest_free)) || layout_largest_free=$length
        layout_total_free=$((layout_total_free + length))
    done
}

# plan_host_memory HOST_MEM BUNDLE_SIZE VM_MEM...: fills the layout_* results; returns 0 when the
# bundle and every VM fit, 1 otherwise (layout_problem says what did not).
plan_host_memory() {
    local host_mem=$1 bundle_size=$2
    shift 2
    layout_ram_end=$((HOST_RAM_BASE + host_mem))
    local fdt_end=$layout_ram_end
    ((fdt_end <= HOST_FDT_CEILING)) || fdt_end=$HOST_FDT_CEILING
    layout_reserved_start=$((fdt_end - HOST_TOP_RESERVED))
    layout_bundle_start=$(bundle_load_address "$host_mem")
    layout_bundle_end=$((layout_bundle_start + bundle_size))
    layout_vm_start=()
    layout_vm_size=()
    layout_problem=""
    layout_failed_vm=-1
    if ((layout_bundle_start < HOST_FIRMWARE_END || layout_bundle_end > layout_reserved_start)); then
        layout_problem=bundle
        return 1
    fi

    _free_start=()
    _free_end=()
    _add_free_range "$HOST_FIRMWARE_END" "$(align_down "$layout_bundle_start" "$VM_MEMORY_ALIGN")"
    _add_free_range "$(align_up "$layout_bundle_end" "$VM_MEMORY_ALIGN")" \
        "$(align_down "$layout_reserved_start" "$VM_MEMORY_ALIGN")"
    ((fdt_end == layout_ram_end)) || _add_free_range "$fdt_end" "$layout_ram_end"

    local vm_mem size
    for vm_mem in "$@"; do
        size=$(align_up "$vm_mem" "$VM_MEMORY_ALIGN")
        if ! _take_first_fit "$size"; then
            layout_problem=vm
            layout_failed_vm=${#layout_vm_start[@]}
            _measure_free_ranges
            return 1
        fi
        layout_vm_start+=("$_taken_start")
        layout_vm_size+=("$size")
    done
    _measure_free_ranges
}

# suggest_host_memory CURRENT_MEM BUNDLE_SIZE VM_MEM...: prints the smallest round host memory
# size above CURRENT_MEM (64M, 96M, 128M, 192M, ... 64G) that holds the bundle and every VM;
# returns 1 when none does. Leaves the layout_* results of the last size tried.
suggest_host_memory() {
    local current=$1
    shift
    local power candidate
    for ((power = 64 * MIB; power <= 64 * GIB; power *= 2)); do
        for candidate in "$power" $((power * 3 / 2)); do
            ((candidate > current)) || continue
            if plan_host_memory "$candidate" "$@"; then
                echo "$candidate"
                return 0
            fi
        done
    done
    return 1
}
