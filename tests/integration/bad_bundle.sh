#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots Halyard on QEMU directly (not through tools/run, which would refuse or
# rewrite these) with a hand-made, hostile VM bundle as the initrd:
#   overflow-write HUGE_IMAGE MEMCHECK
#       vm@0: 4 MiB of RAM and a 6 MiB kernel (HUGE_IMAGE padded) whose Linux
#       Image header claims image_size 0xffff_ffff_ffff_f000, so that
#       "load address + image_size" wraps and a size check that adds without
#       care passes while the copy runs 4 MiB past the VM's RAM, into the
#       memory of vm@1 (MEMCHECK, the bystander, allocated right after it).
#   fdt-tail-prop
#       one VM whose node ends the structure block with an FDT_PROP token in
#       its last 4 bytes: the property's length and name offset lie beyond
#       the block (here: the first bytes of the strings block, saying 16 MiB
#       and "kernel"). A reader that does not check offset + 12 against the
#       block copies 16 MiB of host memory into the VM as its kernel.
#   mmu-beyond-host KERNEL
#       one VM whose mmu-type is riscv,sv57 on a hart that has at most Sv48
#       (QEMU 7.2's rv64 says Sv48; newer QEMUs get -cpu ...,sv57=off):
#       tools/run refuses that, Halyard must too.
#   mmu-garbage KERNEL
#       one VM whose mmu-type is no mode at all, with an escape sequence in
#       it that must not reach the console.
# Prints QEMU's output; QEMU's exit status is the script's (124: timeout).
set -euo pipefail

# shellcheck source=tests/integration/direct_qemu.sh
source "$(dirname "${BASH_SOURCE[0]}")/direct_qemu.sh"
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
image=${HALYARD_IMAGE:-$repo_root/build/cross/arch/riscv64/halyard.bin}
work=$(mktemp -d "${TMPDIR:-/tmp}/bad_bundle.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

# be32 VALUE: four bytes, big-endian, as printf escapes.
be32() {
    printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) \
        $(($1 >> 8 & 255)) $(($1 & 255))
}

# emit ESCAPES: writes the bytes (printf %b escapes) to stdout.
emit() {
    printf '%b' "$1"
}

overflow_write() {
    local huge=$1 memcheck=$2
    cp -- "$huge" "$work/kernel.bin"
    truncate -s 6M "$work/kernel.bin"
    cat >"$work/bundle.dts" <<DTS
/dts-v1/;
/ {
    compatible = "halyard,vm-bundle";
    vm@0 {
        compatible = "halyard,vm";
        vcpus = <1>;
        memory-size = /bits/ 64 <0x400000>;
        kernel = /incbin/("$work/kernel.bin");
    };
    vm@1 {
        compatible = "halyard,vm";
        vcpus = <1>;
        memory-size = /bits/ 64 <0x2000000>;
        kernel = /incbin/("$memcheck");
        bootargs = "seconds=3";
    };
};
DTS
    dtc -q -I dts -O dtb -o "$work/bundle.dtb" "$work/bundle.dts"
}

fdt_tail_prop() {
    local kernel_name_offset=8
    # Strings block: first the 8 bytes the runaway property header reads
    # (length 16 MiB, name offset 8), then the names.
    local strings
    strings="$(be32 0x1000000)$(be32 $kernel_name_offset)kernel\\0compatible\\0vcpus\\0memory-size\\0"
    local compatible=15 vcpus=26 memory_size=32
    local begin=1 prop=3
    local structure
    structure="$(be32 $begin)\\0\\0\\0\\0"
    structure+="$(be32 $prop)$(be32 18)$(be32 $compatible)halyard,vm-bundle\\0\\0\\0"
    structure+="$(be32 $begin)vm@0\\0\\0\\0\\0"
    structure+="$(be32 $prop)$(be32 11)$(be32 $compatible)halyard,vm\\0\\0"
    structure+="$(be32 $prop)$(be32 4)$(be32 $vcpus)$(be32 1)"
    structure+="$(be32 $prop)$(be32 8)$(be32 $memory_size)$(be32 0)$(be32 0x4000000)"
    structure+="$(be32 $prop)" # the last 4 bytes of the block: no room for a header
    emit "$structure" >"$work/struct.bin"
    emit "$strings" >"$work/strings.bin"
    local size_struct size_strings off_struct=56
    size_struct=$(stat --format=%s "$work/struct.bin")
    size_strings=$(stat --format=%s "$work/strings.bin")
    local off_strings=$((off_struct + size_struct))
    local total=$((off_strings + size_strings))
    {
        emit "$(be32 0xd00dfeed)$(be32 $total)$(be32 $off_struct)$(be32 $off_strings)"
        emit "$(be32 40)$(be32 17)$(be32 16)$(be32 0)$(be32 "$size_strings")$(be32 "$size_struct")"
        head -c 16 /dev/zero # the memory reservation map: its terminating entry
        cat "$work/struct.bin" "$work/strings.bin"
    } >"$work/bundle.dtb"
}

# one_vm_with_mmu KERNEL MMU_TYPE: a bundle of one VM whose mmu-type is MMU_TYPE (dts text).
one_vm_with_mmu() {
    local kernel
    kernel=$(realpath -- "$1") # dtc finds /incbin/ files from the .dts's folder
    cat >"$work/bundle.dts" <<DTS
/dts-v1/;
/ {
    compatible = "halyard,vm-bundle";
    vm@0 {
        compatible = "halyard,vm";
        vcpus = <1>;
        memory-size = /bits/ 64 <0x2000000>;
        mmu-type = $2;
        kernel = /incbin/("$kernel");
    };
};
DTS
    dtc -q -I dts -O dtb -o "$work/bundle.dtb" "$work/bundle.dts"
}

cpu=rv64,h=true
case ${1:-} in
    overflow-write) overflow_write "$2" "$3"; smp=2 ;;
    fdt-tail-prop) fdt_tail_prop; smp=1 ;;
    mmu-beyond-host)
        one_vm_with_mmu "$2" '"riscv,sv57"'
        smp=1
        # QEMU 7.2 has no sv57 property (its rv64 is described as Sv48, though its vsatp keeps
        # Sv57); later QEMUs offer Sv57 unless told otherwise.
        [[ ${qemu_version%%.*} -lt 8 ]] || cpu+=,sv57=off
        ;;
    mmu-garbage) one_vm_with_mmu "$2" '"riscv,sv64\x1b[2J"'; smp=1 ;;
    *)
        echo "usage: bad_bundle.sh overflow-write HUGE_IMAGE MEMCHECK | fdt-tail-prop |" \
            "mmu-beyond-host KERNEL | mmu-garbage KERNEL" >&2
        exit 2
        ;;
esac

timeout 20 "$qemu" -machine virt -cpu "$cpu" -smp "$smp" -m 1G -nographic \
    -bios "$firmware" -kernel "$image" -initrd "$work/bundle.dtb" </dev/null
