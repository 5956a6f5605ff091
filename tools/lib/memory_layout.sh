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
#                                    or, before QEMU 9.1, below 3 GiB when RAM reaches further:
#                                    fdt_ceiling)
# Each VM's memory, rounded up to 2 MiB, goes first-fit in command-line order into the lowest free
# range that does not overlap the bundle: 1 GiB aligned when it is at least 1 GiB (guest RAM starts
# at 2 GiB guest-physical, so the G-stage can then map each whole GiB with one 1 GiB page) and such
# room exists, else 2 MiB aligned. When the 1 GiB-aligned placements would leave a later VM without
# room, every VM is placed 2 MiB aligned instead. (Halyard's allocator: allocate_guest_ram and
# choose_ram_placement.)

readonly HOST_RAM_BASE=$((0x80000000))
readonly HOST_KERNEL_LOAD=$((HOST_RAM_BASE + 2 * MIB))
readonly HOST_FIRMWARE_END=$((HOST_RAM_BASE + 4 * MIB))
readonly HOST_TOP_RESERVED=$((16 * MIB))
readonly VM_MEMORY_ALIGN=$((2 * MIB))
readonly VM_GIGAPAGE=$GIB
# How far past the kernel QEMU puts the -initrd file at most; the sourcing script sets it for the
# QEMU it runs (see initrd_max_offset_for in qemu.sh).
initrd_max_offset=$((128 * MIB))
# The address below which QEMU puts the host device tree when RAM reaches further (0: none); set
# like initrd_max_offset (fdt_ceiling_for in qemu.sh).
fdt_ceiling=$((0xC0000000))

# Results of plan_host_memory, read by the sourcing script.
layout_ram_end=0
layout_reserved_start=0     # start of the 16 MiB kept for the host device tree
layout_bundle_start=0
layout_bundle_end=0
layout_vm_start=()          # per VM, in command-line order
layout_vm_size=()           # per VM, rounded up to VM_MEMORY_ALIGN
layout_vm_gigapages=()      # per VM, the 1 GiB G-stage pages its placement allows
layout_gigapages_missed=0   # VMs of 1 GiB or more placed where they get no 1 GiB page
layout_problem=""           # "" when everything fits, else "bundle" or "vm"
layout_failed_vm=-1         # index of the first VM that did not fit
layout_largest_free=0       # when a VM did not fit: the largest free range left
layout_total_free=0         # ... and all free memory left

# Free ranges, sorted by address: [_free_start[i], _free_end[i]).
_free_start=()
_free_end=()
_taken_start=0
_fdt_end=0

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

# _take_first_fit SIZE ALIGNMENT: carves SIZE bytes starting on an ALIGNMENT boundary from the
# lowest free range that holds them and sets _taken_start to where they begin; what lies below them
# in that range stays free. Returns 1 when no range has room.
_take_first_fit() {
    local size=$1 alignment=$2 i start
    for i in "${!_free_start[@]}"; do
        start=$(align_up "${_free_start[i]}" "$alignment")
        if ((start < _free_end[i] && _free_end[i] - start >= size)); then
            _taken_start=$start
            _free_start=("${_free_start[@]:0:i}" "${_free_start[i]}" $((start + size)) "${_free_start[@]:i+1}")
            _free_end=("${_free_end[@]:0:i}" "$start" "${_free_end[@]:i}")
            return 0
        fi
    done
    return 1
}

# _place_vms PREFER_GIGAPAGES VM_MEM...: places every VM into the free ranges (true: 1 GiB aligned
# where the VM holds a whole GiB and there is room, as Halyard's kPreferGigapages); fills
# layout_vm_*; returns 1 with layout_failed_vm set when one does not fit.
_place_vms() {
    local prefer=$1 vm_mem size
    shift
    layout_vm_start=()
    layout_vm_size=()
    layout_vm_gigapages=()
    layout_gigapages_missed=0
    for vm_mem in "$@"; do
        size=$(align_up "$vm_mem" "$VM_MEMORY_ALIGN")
        if ! { [[ $prefer == true ]] && ((size >= VM_GIGAPAGE)) &&
            _take_first_fit "$size" "$VM_GIGAPAGE"; } &&
            ! _take_first_fit "$size" "$VM_MEMORY_ALIGN"; then
            layout_failed_vm=${#layout_vm_start[@]}
            return 1
        fi
        layout_vm_start+=("$_taken_start")
        layout_vm_size+=("$size")
        if ((_taken_start % VM_GIGAPAGE == 0)); then
            layout_vm_gigapages+=($((size / VM_GIGAPAGE)))
        else
            layout_vm_gigapages+=(0)
            ((size < VM_GIGAPAGE)) || layout_gigapages_missed=$((layout_gigapages_missed + 1))
        fi
    done
}

# _reset_free_ranges: the free ranges of the current plan, before any VM is placed.
_reset_free_ranges() {
    _free_start=()
    _free_end=()
    _add_free_range "$HOST_FIRMWARE_END" "$(align_down "$layout_bundle_start" "$VM_MEMORY_ALIGN")"
    _add_free_range "$(align_up "$layout_bundle_end" "$VM_MEMORY_ALIGN")" \
        "$(align_down "$layout_reserved_start" "$VM_MEMORY_ALIGN")"
    ((_fdt_end == layout_ram_end)) || _add_free_range "$_fdt_end" "$layout_ram_end"
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
    _fdt_end=$layout_ram_end
    ((fdt_ceiling == 0 || _fdt_end <= fdt_ceiling)) || _fdt_end=$fdt_ceiling
    layout_reserved_start=$((_fdt_end - HOST_TOP_RESERVED))
    layout_bundle_start=$(bundle_load_address "$host_mem")
    layout_bundle_end=$((layout_bundle_start + bundle_size))
    layout_vm_start=()
    layout_vm_size=()
    layout_vm_gigapages=()
    layout_gigapages_missed=0
    layout_problem=""
    layout_failed_vm=-1
    if ((layout_bundle_start < HOST_FIRMWARE_END || layout_bundle_end > layout_reserved_start)); then
        layout_problem=bundle
        return 1
    fi

    _reset_free_ranges
    if ! _place_vms true "$@"; then
        _reset_free_ranges
        if ! _place_vms false "$@"; then
            layout_problem=vm
            _measure_free_ranges
            return 1
        fi
    fi
    _measure_free_ranges
}

# suggest_host_memory [--gigapages] CURRENT_MEM BUNDLE_SIZE VM_MEM...: prints the smallest round
# host memory size above CURRENT_MEM (64M, 96M, 128M, 192M, ... 64G) that holds the bundle and
# every VM (with --gigapages: and gives every VM of 1 GiB or more its 1 GiB pages); returns 1 when
# none does. Leaves the layout_* results of the last size tried.
suggest_host_memory() {
    local gigapages=false
    if [[ $1 == --gigapages ]]; then
        gigapages=true
        shift
    fi
    local current=$1
    shift
    local power candidate
    for ((power = 64 * MIB; power <= 64 * GIB; power *= 2)); do
        for candidate in "$power" $((power * 3 / 2)); do
            ((candidate > current)) || continue
            if plan_host_memory "$candidate" "$@" &&
                { [[ $gigapages == false ]] || ((layout_gigapages_missed == 0)); }; then
                echo "$candidate"
                return 0
            fi
        done
    done
    return 1
}
