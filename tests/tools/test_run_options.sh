#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Tests of tools/run's command line: every error path (exit 2 and a one-line message before QEMU
# starts), the --dry-run output (QEMU arguments, VM bundle nodes, memory layout) and, with a stand-in
# QEMU, the exit status and --timeout. Needs qemu-system-riscv64 and dtc (tools/run asks QEMU for
# the machine's device tree to check the H extension), not a built Halyard: the image and guests
# are dummy files. Prints "N passed, M failed"; exits 1 when anything failed.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly run_tool=$repo_root/tools/run
readonly firmware=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

scratch=$(mktemp -d "${TMPDIR:-/tmp}/test_run_options.XXXXXX")
trap 'rm -rf -- "$scratch"' EXIT
# tools/run writes its VM bundle under TMPDIR: keep it here to check that it cleans up.
export TMPDIR=$scratch/tmp
mkdir -p "$TMPDIR"

# shellcheck source=tests/tools/harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# ---------------------------------------------------------------------------------------------
# Fixtures: dummy images in the scratch folder; tools/run only reads their sizes and bytes.

make_file() {
    local path=$1 bytes=$2
    mkdir -p "$(dirname "$path")"
    head -c "$bytes" /dev/zero >"$path"
}

make_fixtures() {
    make_file "$scratch/halyard.bin" 4096
    make_file "$scratch/guests/kernel.bin" 4096
    make_file "$scratch/guests/other.bin" 8192
    make_file "$scratch/guests/rootfs.cpio" 2048
    make_file "$scratch/guests/guest.dtb" 1024
    make_file "$scratch/guests/demo.bin" 512
    make_file "$scratch/guests/big.bin" $((3 * 1024 * 1024))
    mkdir -p "$scratch/guests/a-directory"
}

# A copy of tools/ in an otherwise empty checkout, to see what happens without a build.
make_bare_checkout() {
    rm -rf -- "$scratch/checkout"
    mkdir -p "$scratch/checkout/tools/lib"
    cp "$run_tool" "$scratch/checkout/tools/run"
    cp "$repo_root"/tools/lib/*.sh "$scratch/checkout/tools/lib/"
}

# ---------------------------------------------------------------------------------------------
# Running tools/run and checking what it did

# run_tools_run ARG...: tools/run --no-build with the dummy Halyard image, from the guests folder.
run_tools_run() {
    run_in "$scratch/guests" env HALYARD_IMAGE="$scratch/halyard.bin" "$run_tool" --no-build "$@"
}

# expect_error_line TEXT: stderr is one line, a tools/run error that contains TEXT.
expect_error_line() {
    local lines
    lines=$(wc -l <"$scratch/stderr")
    ((lines == 1)) || flunk "stderr has $lines lines, expected 1"
    [[ $stderr_text == "tools/run: error: "* ]] || flunk "stderr does not start with 'tools/run: error: '"
    [[ $stderr_text == *"$1"* ]] || flunk "stderr lacks: $1"
}

# expect_layout LINE...: the --dry-run memory layout has these lines (spaces squeezed).
expect_layout() {
    local layout line
    layout=$(grep '^#   ' <<<"$stdout_text" | tr -s ' ')
    for line in "$@"; do
        grep --quiet --fixed-strings --line-regexp -- "# $line" <<<"$layout" ||
            flunk "memory layout lacks: $line"
    done
}

# expect_error TEXT ARG...: tools/run ARG... exits 2 with a one-line error containing TEXT.
expect_error() {
    local text=$1
    shift
    run_tools_run "$@"
    expect_status 2
    expect_error_line "$text"
}

# dry_run ARG...: tools/run --dry-run ARG..., which must succeed.
dry_run() {
    run_tools_run --dry-run "$@"
    expect_status 0
    [[ -z $stderr_text ]] || flunk "stderr is not empty"
}

# The QEMU command line --dry-run prints, up to -initrd (whose file name is random).
qemu_prefix() {
    local cpu=$1 smp=$2 mem=$3
    echo "qemu-system-riscv64 -machine virt -cpu $cpu -smp $smp -m $mem -nographic" \
        "-bios $firmware -kernel $scratch/halyard.bin -initrd $TMPDIR/halyard-run."
}

qemu_line() {
    grep '^qemu-system-riscv64 ' <<<"$stdout_text" || true
}

# ---------------------------------------------------------------------------------------------
# Command-line errors

test_unknown_option() {
    expect_error "unknown option '--colour'" --colour
    expect_error "unknown option '-x'" -x
}

test_stray_argument() {
    expect_error "unexpected argument 'kernel.bin'" kernel.bin
}

test_missing_option_values() {
    local option
    for option in --vm --smp --mem --cpu --timeout; do
        expect_error "option $option needs a value" "$option"
    done
    expect_error "option --smp needs a value" --smp --dry-run
    expect_error "option --mem needs a value" --mem=
}

test_vm_without_kernel() {
    expect_error "--vm without kernel= in vm@0" --vm mem=64M
    expect_error "--vm without kernel= in vm@1" --vm kernel=kernel.bin --vm vcpus=1,mem=64M
}

test_unknown_vm_key() {
    expect_error "unknown --vm key 'memory' in vm@0" --vm kernel=kernel.bin,memory=64M
}

test_duplicate_vm_key() {
    expect_error "duplicate --vm key 'mem' in vm@0" --vm kernel=kernel.bin,mem=64M,mem=32M
    expect_error "duplicate --vm key 'kernel' in vm@0" --vm kernel=kernel.bin,kernel=other.bin
}

test_malformed_vm_items() {
    expect_error "--vm item 'rootfs.cpio' of vm@0 is not KEY=VALUE" --vm kernel=kernel.bin,rootfs.cpio
    expect_error "ends with a comma" --vm kernel=kernel.bin,
    expect_error "has an empty item" --vm kernel=kernel.bin,,mem=64M
    expect_error "--vm key 'initrd' in vm@0 has an empty value" --vm kernel=kernel.bin,initrd=
}

test_missing_guest_files() {
    expect_error "kernel file 'missing.bin' of vm@0 does not exist" --vm kernel=missing.bin
    expect_error "initrd file 'missing.cpio' of vm@0 does not exist" \
        --vm kernel=kernel.bin,initrd=missing.cpio
    expect_error "dtb file '$scratch/missing.dtb' of vm@1 does not exist" \
        --vm kernel=kernel.bin --vm kernel=kernel.bin,dtb="$scratch/missing.dtb"
    expect_error "kernel file 'a-directory' of vm@0 is not a regular file" --vm kernel=a-directory
}

test_unreadable_guest_file() {
    if ((EUID == 0)); then
        skip "root reads every file"
        return 0
    fi
    make_file "$scratch/guests/secret.bin" 16
    chmod 000 "$scratch/guests/secret.bin"
    expect_error "kernel file 'secret.bin' of vm@0 is not readable" --vm kernel=secret.bin
}

test_bad_sizes() {
    expect_error "bad size '64MB' for mem= of vm@0" --vm kernel=kernel.bin,mem=64MB
    expect_error "bad size '-1' for mem= of vm@0" --vm kernel=kernel.bin,mem=-1
    expect_error "bad size 'lots' for --mem" --mem lots
    expect_error "bad size '1.5G' for --mem" --mem 1.5G
    expect_error "size '99999999999G' for --mem is too large" --mem 99999999999G
    expect_error "--mem 1000000 is not a whole number of MiB" --mem 1000000
    expect_error "mem=0 in vm@0: a VM needs some memory" --vm kernel=kernel.bin,mem=0
}

test_bad_numbers() {
    expect_error "bad number 'two' for vcpus= of vm@0" --vm kernel=kernel.bin,vcpus=two
    expect_error "bad number 'many' for --smp" --smp many
    expect_error "bad number '1.5' for --timeout" --timeout 1.5
    expect_error "--timeout must be at least 1 second" --timeout 0
}

test_vcpu_limits() {
    expect_error "vcpus=0 in vm@0: a VM needs at least 1 vCPU" --vm kernel=kernel.bin,vcpus=0
    expect_error "vm@0 has vcpus=3, more than the 2 host harts (--smp 2)" \
        --smp 2 --vm kernel=kernel.bin,vcpus=3
    expect_error "vm@1 has vcpus=2, more than the 1 host harts" \
        --smp 1 --vm kernel=kernel.bin --vm kernel=kernel.bin,vcpus=2
}

test_hart_limits() {
    expect_error "--smp 9: Halyard supports at most 8 harts" --smp 9 --vm kernel=kernel.bin
    expect_error "--smp 0: the host needs at least 1 hart" --smp 0 --vm kernel=kernel.bin
    expect_error "the VMs have 9 vCPUs in total, more than the 8 harts Halyard supports" \
        --vm kernel=kernel.bin,vcpus=5 --vm kernel=kernel.bin,vcpus=4
}

# ---------------------------------------------------------------------------------------------
# Setup errors: missing build outputs, CPU without the H extension, memory that does not fit

test_missing_image_from_environment() {
    run_in "$scratch/guests" env HALYARD_IMAGE="$scratch/none.bin" "$run_tool" --no-build \
        --dry-run --vm kernel=kernel.bin
    expect_status 2
    expect_error_line "Halyard image '$scratch/none.bin' (HALYARD_IMAGE) does not exist"
}

test_missing_image_without_build() {
    make_bare_checkout
    run_in "$scratch/guests" env -u HALYARD_IMAGE "$scratch/checkout/tools/run" --no-build \
        --dry-run --vm kernel=kernel.bin
    expect_status 2
    expect_error_line "Halyard image '$scratch/checkout/build/cross/arch/riscv64/halyard.bin' does not exist; drop --no-build or run \`cmake --build --preset cross\`"
}

test_missing_demo_guest_without_build() {
    make_bare_checkout
    make_file "$scratch/checkout/build/cross/arch/riscv64/halyard.bin" 4096
    run_in "$scratch/guests" env -u HALYARD_IMAGE -u HALYARD_DEMO_GUEST \
        "$scratch/checkout/tools/run" --no-build --dry-run --demo
    expect_status 2
    expect_error_line "demo guest '$scratch/checkout/build/cross/guests/demo/demo.bin' does not exist; drop --no-build or run \`cmake --build --preset cross\`"
}

test_missing_demo_guest_from_environment() {
    run_in "$scratch/guests" env HALYARD_DEMO_GUEST="$scratch/none.bin" \
        HALYARD_IMAGE="$scratch/halyard.bin" "$run_tool" --no-build --dry-run --demo
    expect_status 2
    expect_error_line "demo guest '$scratch/none.bin' (HALYARD_DEMO_GUEST) does not exist"
}

test_cpu_without_h_extension() {
    expect_error "CPU model 'rv64,h=false' has no H extension (riscv,isa = rv64imafdc" \
        --dry-run --cpu rv64,h=false --vm kernel=kernel.bin
    expect_error_line "); Halyard needs -cpu with h=true"
}

test_invalid_cpu_model() {
    expect_error "QEMU cannot build the machine (-cpu no-such-cpu -smp 1 -m 1G): unable to find CPU model 'no-such-cpu'" \
        --dry-run --cpu no-such-cpu --vm kernel=kernel.bin
}

test_vm_larger_than_free_memory() {
    expect_error "vm@0 (kernel.bin) does not fit in host memory: it needs 900 MiB (mem=900M rounded up to 2 MiB) but the largest free range is 876 MiB" \
        --dry-run --mem 1G --vm kernel=kernel.bin,mem=900M
    # 1536M is not enough: QEMU puts the host DT just below 3 GiB, which
    # splits the free memory above the bundle.
    expect_error_line "pass a larger --mem, e.g. --mem 2G"
}

# Without --mem the host RAM grows from 1G to the smallest round size that holds every VM.
test_default_memory_grows_to_fit() {
    dry_run --vm kernel=kernel.bin,mem=900M
    expect_stdout_has " -m 2G "
    dry_run --vm kernel=kernel.bin,mem=128M
    expect_stdout_has " -m 1G "
}

# The QEMU comes from --qemu, else HALYARD_RUN_QEMU, else the system's; --dry-run names it.
test_qemu_choice() {
    dry_run --vm kernel=kernel.bin
    expect_stdout_has "# QEMU: system, QEMU "
    expect_error "unknown QEMU 'qemu9' for --qemu (choose one of: system backports)" \
        --dry-run --qemu qemu9 --vm kernel=kernel.bin
    run_in "$scratch/guests" env HALYARD_RUN_QEMU=nonsense HALYARD_IMAGE="$scratch/halyard.bin" \
        "$run_tool" --no-build --dry-run --vm kernel=kernel.bin
    expect_status 2
    [[ $stderr_text == *"unknown QEMU 'nonsense' for --qemu"* ]] || flunk "stderr lacks the bad HALYARD_RUN_QEMU"
}

# 512M of host RAM: the bundle sits at 0x8820_0000, leaving free [0x8040_0000, 0x8820_0000)
# (126 MiB) below it and [0x8840_0000, 0x9f00_0000) (364 MiB) above, up to the 16 MiB kept for the host device tree.
test_memory_fills_exactly() {
    dry_run --mem 512M --vm kernel=kernel.bin,mem=126M --vm kernel=other.bin,mem=364M
    expect_layout "OpenSBI + Halyard 0x80000000-0x80400000" \
        "vm@0 (kernel.bin) 0x80400000-0x88200000 (126 MiB; G-stage pages 0 x 1G + 63 x 2M)" \
        "vm@1 (other.bin) 0x88400000-0x9f000000 (364 MiB; G-stage pages 0 x 1G + 182 x 2M)" \
        "host device tree (reserved) 0x9f000000-0xa0000000"
    [[ $(tr -s ' ' <<<"$stdout_text") == *"# VM bundle (initrd) 0x88200000-0x"* ]] ||
        flunk "the bundle is not at 0x88200000"
}

test_second_vm_does_not_fit() {
    expect_error "vm@1 (other.bin) does not fit in host memory: it needs 366 MiB (mem=365M rounded up to 2 MiB) but the largest free range is 364 MiB" \
        --dry-run --mem 512M --vm kernel=kernel.bin,mem=126M --vm kernel=other.bin,mem=365M
}

test_first_fit_order() {
    # vm@0 does not fit below the bundle, so it goes above; the small vm@1 then takes the low range.
    dry_run --vm kernel=kernel.bin,mem=200M --vm kernel=other.bin,mem=16M
    expect_layout "vm@0 (kernel.bin) 0x88400000-0x94c00000 (200 MiB; G-stage pages 0 x 1G + 100 x 2M)" \
        "vm@1 (other.bin) 0x80400000-0x81400000 (16 MiB; G-stage pages 0 x 1G + 8 x 2M)"
}

# A VM of 1 GiB or more goes on a host GiB boundary, for 1 GiB G-stage pages; without --mem the
# host RAM grows until there is room for that (QEMU 7.2 keeps its device tree below 3 GiB, so 2G
# leaves [3 GiB, 4 GiB) free). A smaller VM later takes the gap below, first fit.
test_gigapage_placement() {
    dry_run --vm kernel=kernel.bin,mem=1G --vm kernel=other.bin,mem=64M
    expect_stdout_has " -m 2G "
    expect_layout "vm@0 (kernel.bin) 0xc0000000-0x100000000 (1 GiB; G-stage pages 1 x 1G + 0 x 2M)" \
        "vm@1 (other.bin) 0x80400000-0x84400000 (64 MiB; G-stage pages 0 x 1G + 32 x 2M)"
    dry_run --vm kernel=kernel.bin,mem=1536M
    expect_stdout_has " -m 3G "
    expect_layout "vm@0 (kernel.bin) 0xc0000000-0x120000000 (1536 MiB; G-stage pages 1 x 1G + 256 x 2M)"
}

# With --mem given there is no growing: a VM with no room on a GiB boundary goes 2 MiB aligned, as
# Halyard places it. (--mem 3G: the bundle at 0x8820_0000 and the host DT below 3 GiB leave
# [0x8840_0000, 0xbf00_0000) and [3 GiB, 5 GiB). vm@0 (900M) takes 3 GiB on, vm@1 (1124M) does not
# fit from 4 GiB, so it follows vm@0.)
test_gigapage_fallback() {
    dry_run --mem 3G --vm kernel=kernel.bin,mem=900M --vm kernel=other.bin,mem=1124M
    expect_layout "vm@0 (kernel.bin) 0xc0000000-0xf8400000 (900 MiB; G-stage pages 0 x 1G + 450 x 2M)" \
        "vm@1 (other.bin) 0xf8400000-0x13e800000 (1124 MiB; G-stage pages 0 x 1G + 562 x 2M)"
}

# Large pages never cost a VM its place: with --mem 4G, vm@1 on the GiB boundary at 4 GiB would
# split [3 GiB + 900 MiB, 6 GiB) so that vm@2 fits nowhere; so every VM goes 2 MiB aligned.
test_gigapages_never_cost_a_vm_its_place() {
    dry_run --mem 4G --vm kernel=kernel.bin,mem=900M --vm kernel=other.bin,mem=1G \
        --vm kernel=kernel.bin,mem=1124M
    expect_layout "vm@0 (kernel.bin) 0xc0000000-0xf8400000 (900 MiB; G-stage pages 0 x 1G + 450 x 2M)" \
        "vm@1 (other.bin) 0xf8400000-0x138400000 (1 GiB; G-stage pages 0 x 1G + 512 x 2M)" \
        "vm@2 (kernel.bin) 0x138400000-0x17e800000 (1124 MiB; G-stage pages 0 x 1G + 562 x 2M)"
}

# mmu= names the guest's page-table mode (default sv39), written to the bundle as mmu-type; a
# mode the CPU model lacks (QEMU 7.2's rv64 has up to Sv48) or no mode at all is refused.
test_mmu() {
    dry_run --vm kernel=kernel.bin,mmu=sv48 --vm kernel=other.bin
    local modes
    modes=$(grep -o 'mmu-type = "[^"]*";' <<<"$stdout_text" | tr '\n' ' ')
    [[ $modes == 'mmu-type = "riscv,sv48"; mmu-type = "riscv,sv39"; ' ]] ||
        flunk "unexpected mmu-types: $modes"
    expect_error "mmu=sv64 in vm@0: not a guest page-table mode (choose one of: sv39 sv48 sv57)" \
        --dry-run --vm kernel=kernel.bin,mmu=sv64
    expect_error "mmu=Sv48 in vm@0: not a guest page-table mode" \
        --dry-run --vm kernel=kernel.bin,mmu=Sv48
    expect_error "duplicate --vm key 'mmu' in vm@0" --dry-run --vm kernel=kernel.bin,mmu=sv39,mmu=sv48
    expect_error "--vm key 'mmu' in vm@0 has an empty value" --dry-run --vm kernel=kernel.bin,mmu=
    if [[ $(qemu-system-riscv64 --version) == *"version 7."* ]]; then
        expect_error "vm@1 has mmu=sv57, but CPU model 'rv64,h=true' on QEMU 7." \
            --dry-run --vm kernel=kernel.bin --vm kernel=other.bin,mmu=sv57
        expect_error_line 'offers at most sv48 (its mmu-type is "riscv,sv48"); choose mmu=sv48 or less'
    fi
}

# irqchip= chooses the guest's interrupt controller (default plic), written to the bundle; aia
# gives QEMU's machine AIA with a guest interrupt file per hart.
test_irqchip() {
    dry_run --vm kernel=kernel.bin,irqchip=aia --vm kernel=other.bin
    local chips
    chips=$(grep -o 'irqchip = "[^"]*";' <<<"$stdout_text" | tr '\n' ' ')
    [[ $chips == 'irqchip = "aia"; irqchip = "plic"; ' ]] || flunk "unexpected irqchips: $chips"
    [[ $(qemu_line) == "qemu-system-riscv64 -machine virt,aia=aplic-imsic,aia-guests=1 -cpu "* ]] ||
        flunk "no AIA machine: $(qemu_line)"
    dry_run --vm kernel=kernel.bin,irqchip=plic
    [[ $(qemu_line) == "$(qemu_prefix 'rv64,h=true' 1 1G)"*/bundle.dtb ]] ||
        flunk "a machine without AIA expected: $(qemu_line)"
    expect_error "irqchip=gic in vm@0: not an interrupt controller Halyard offers (choose one of: plic aia)" \
        --dry-run --vm kernel=kernel.bin,irqchip=gic
    expect_error "irqchip=AIA in vm@0: not an interrupt controller" \
        --dry-run --vm kernel=kernel.bin,irqchip=AIA
    expect_error "--vm key 'irqchip' in vm@0 has an empty value" --dry-run --vm kernel=kernel.bin,irqchip=
}

test_bundle_larger_than_memory() {
    expect_error "the VM bundle (" --dry-run --mem 24M --vm kernel=big.bin,mem=8M
    expect_error_line "does not fit in host RAM of 24M"
}

test_guest_images_larger_than_vm_memory() {
    expect_error "vm@0 has mem=4M but its kernel, initrd and dtb need" --vm kernel=big.bin,mem=4M \
        --mem 64M
}

# ---------------------------------------------------------------------------------------------
# --dry-run output

test_dry_run_single_vm() {
    dry_run --vm "kernel=kernel.bin,initrd=rootfs.cpio,dtb=$scratch/guests/guest.dtb,vcpus=2,mem=64M,append=console=ttyS0"
    [[ $(qemu_line) == "$(qemu_prefix 'rv64,h=true' 2 1G)"*/bundle.dtb ]] ||
        flunk "unexpected QEMU command line: $(qemu_line)"
    expect_stdout_has '/dts-v1/;' 'compatible = "halyard,vm-bundle";' 'vm@0 {' \
        'compatible = "halyard,vm";' 'vcpus = <2>;' 'memory-size = /bits/ 64 <0x4000000>;' \
        "kernel = /incbin/(\"$scratch/guests/kernel.bin\");" \
        "initrd = /incbin/(\"$scratch/guests/rootfs.cpio\");" \
        "dtb = /incbin/(\"$scratch/guests/guest.dtb\");" 'bootargs = "console=ttyS0";'
    expect_stdout_lacks 'vm@1'
}

test_dry_run_defaults_and_optional_keys() {
    dry_run --vm kernel=kernel.bin
    [[ $(qemu_line) == "$(qemu_prefix 'rv64,h=true' 1 1G)"*/bundle.dtb ]] ||
        flunk "unexpected QEMU command line: $(qemu_line)"
    expect_stdout_has 'vcpus = <1>;' 'memory-size = /bits/ 64 <0x8000000>;' \
        'mmu-type = "riscv,sv39";'
    expect_stdout_lacks 'initrd ='
    expect_stdout_lacks 'dtb ='
    expect_stdout_lacks 'bootargs'
}

test_dry_run_append_keeps_commas() {
    dry_run --vm 'kernel=kernel.bin,mem=64M,append=console=ttyS0,115200 earlycon=sbi root=/dev/vda,mem=1'
    expect_stdout_has 'bootargs = "console=ttyS0,115200 earlycon=sbi root=/dev/vda,mem=1";' \
        'memory-size = /bits/ 64 <0x4000000>;'
}

test_dry_run_escapes_strings() {
    dry_run --vm 'kernel=kernel.bin,append=say "hi" C:\guest'
    expect_stdout_has 'bootargs = "say \"hi\" C:\\guest";'
}

test_dry_run_empty_append() {
    dry_run --vm kernel=kernel.bin,append=
    expect_stdout_has 'bootargs = "";'
}

test_dry_run_multiple_vms() {
    dry_run --vm kernel=kernel.bin,mem=64M --vm kernel=other.bin,vcpus=2,mem=32M,append=quiet
    [[ $(qemu_line) == "$(qemu_prefix 'rv64,h=true' 3 1G)"*/bundle.dtb ]] ||
        flunk "-smp is not the total vCPUs: $(qemu_line)"
    local expected_order
    expected_order=$(grep -E '^\s*(vm@|kernel|vcpus|bootargs)' <<<"$stdout_text" | tr -s ' ')
    [[ $expected_order == " vm@0 {
 vcpus = <1>;
 kernel = /incbin/(\"$scratch/guests/kernel.bin\");
 vm@1 {
 vcpus = <2>;
 kernel = /incbin/(\"$scratch/guests/other.bin\");
 bootargs = \"quiet\";" ]] || flunk "VM nodes out of order: $expected_order"
}

test_dry_run_host_options() {
    dry_run --smp 4 --mem 2048M --cpu rv64,h=true,sstc=true --icount --gdb \
        --vm kernel=kernel.bin -- -d guest_errors -D 'qemu log.txt'
    [[ $(qemu_line) == "$(qemu_prefix 'rv64,h=true,sstc=true' 4 2G)"*"/bundle.dtb -icount shift=0 -s -S -d guest_errors -D 'qemu log.txt'" ]] ||
        flunk "unexpected QEMU command line: $(qemu_line)"
}

test_dry_run_option_equals_form() {
    dry_run --smp=2 --mem=256M --vm=kernel=kernel.bin,vcpus=2,mem=64M
    [[ $(qemu_line) == "$(qemu_prefix 'rv64,h=true' 2 256M)"* ]] ||
        flunk "unexpected QEMU command line: $(qemu_line)"
}

test_dry_run_demo_guest() {
    run_in "$scratch" env HALYARD_IMAGE="$scratch/halyard.bin" \
        HALYARD_DEMO_GUEST="$scratch/guests/demo.bin" "$run_tool" --no-build --dry-run --demo
    expect_status 0
    expect_stdout_has "kernel = /incbin/(\"$scratch/guests/demo.bin\");" 'vcpus = <1>;' \
        'memory-size = /bits/ 64 <0x8000000>;' ' -smp 1 '
    expect_stdout_lacks 'vm@1'
}

test_dry_run_cleans_up() {
    dry_run --vm kernel=kernel.bin
    local leftovers
    leftovers=$(find "$TMPDIR" -mindepth 1 -print -quit)
    [[ -z $leftovers ]] || flunk "tools/run left $leftovers behind"
}

test_help() {
    run_in "$scratch" "$run_tool" --help
    expect_status 0
    local word
    for word in --vm kernel= initrd= dtb= vcpus= mem= mmu= irqchip= append= --smp --mem --cpu --icount \
        --timeout --qemu --gdb --no-build --dry-run --help ' -- ' HALYARD_IMAGE HALYARD_DEMO_GUEST \
        HALYARD_QEMU HALYARD_RUN_QEMU; do
        expect_stdout_has "$word"
    done
}

# ---------------------------------------------------------------------------------------------
# Running a stand-in QEMU: it answers the device-tree query with the real QEMU and otherwise
# records its arguments and the bundle, then exits with FAKE_QEMU_STATUS or sleeps.

make_fake_qemu() {
    cat >"$scratch/fake-qemu" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
for arg in "$@"; do
    [[ $arg != *dumpdtb=* && $arg != --version ]] || exec qemu-system-riscv64 "$@"
done
printf '%s\n' "$@" >"$FAKE_QEMU_RECORD/args"
previous=""
for arg in "$@"; do
    [[ $previous != -initrd ]] || cp "$arg" "$FAKE_QEMU_RECORD/bundle.dtb"
    previous=$arg
done
if [[ ${FAKE_QEMU_SLEEP:-} ]]; then
    sleep "$FAKE_QEMU_SLEEP"
fi
exit "${FAKE_QEMU_STATUS:-0}"
EOF
    chmod +x "$scratch/fake-qemu"
    mkdir -p "$scratch/record"
}

# run_with_fake_qemu VAR=VALUE... -- ARG...: tools/run with the stand-in QEMU.
run_with_fake_qemu() {
    local settings=()
    while [[ $1 != -- ]]; do
        settings+=("$1")
        shift
    done
    shift
    run_in "$scratch/guests" env HALYARD_QEMU="$scratch/fake-qemu" \
        FAKE_QEMU_RECORD="$scratch/record" HALYARD_IMAGE="$scratch/halyard.bin" \
        "${settings[@]}" "$run_tool" --no-build "$@"
}

test_exit_status_is_qemus() {
    make_fake_qemu
    run_with_fake_qemu FAKE_QEMU_STATUS=7 -- --vm kernel=kernel.bin,append=quiet
    expect_status 7
    grep --quiet --line-regexp -- -initrd "$scratch/record/args" || flunk "QEMU got no -initrd"
    local bundle
    bundle=$(dtc -q -I dtb -O dts "$scratch/record/bundle.dtb" 2>&1) || flunk "the bundle is no DTB"
    [[ $bundle == *'bootargs = "quiet";'* ]] || flunk "the bundle QEMU got lacks the bootargs"
    run_with_fake_qemu FAKE_QEMU_STATUS=0 -- --vm kernel=kernel.bin
    expect_status 0
}

test_timeout_exits_124() {
    make_fake_qemu
    run_with_fake_qemu FAKE_QEMU_SLEEP=30 -- --timeout 1 --vm kernel=kernel.bin
    expect_status 124
    [[ $stderr_text == *"QEMU timed out after 1 s"* ]] || flunk "no timeout message"
}

# The real QEMU boots a stand-in "Halyard" that asks OpenSBI to power off: the command line is
# accepted, and a powered-off machine makes tools/run exit 0.
test_boot_and_power_off() {
    if ! command -v riscv64-linux-gnu-as >/dev/null; then
        skip "riscv64-linux-gnu-as is not installed"
        return 0
    fi
    cat >"$scratch/power-off.S" <<'EOF'
    .globl _start
_start:
    li a7, 0x53525354   /* SBI system reset extension */
    li a6, 0            /* sbi_system_reset */
    li a0, 0            /* shutdown */
    li a1, 0            /* no reason */
    ecall
1:  j 1b
EOF
    riscv64-linux-gnu-as -march=rv64imac -o "$scratch/power-off.o" "$scratch/power-off.S"
    riscv64-linux-gnu-objcopy -O binary "$scratch/power-off.o" "$scratch/power-off.bin"
    run_in "$scratch/guests" env HALYARD_IMAGE="$scratch/power-off.bin" "$run_tool" --no-build \
        --timeout 60 --vm kernel=kernel.bin
    expect_status 0
}

# ---------------------------------------------------------------------------------------------

run_all_tests make_fixtures
