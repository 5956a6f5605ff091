#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Tests of tools/lib/check-reserved-registers on fixed disassembly: the trap
# vector may save and restore the reserved registers, nothing else may name
# them (by x name or ABI name), symbolic targets and comments do not count,
# undecoded code, input it cannot parse and a borrowed exempt name fail, and a
# header without the list is a usage error. Needs neither a build nor QEMU.
# Prints "N passed, M failed"; exits 1 when anything failed.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly checker=$repo_root/tools/lib/check-reserved-registers
readonly header=$repo_root/include/halyard/vm_cpu_registers_offsets.h

scratch=$(mktemp -d "${TMPDIR:-/tmp}/test_check_reserved_registers.XXXXXX")
trap 'rm -rf -- "$scratch"' EXIT

# shellcheck source=tests/tools/harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# check DISASSEMBLY [HEADER]: the checker on the given objdump text.
check() {
    printf '%s\n' "$1" >"$scratch/input.dis"
    # shellcheck disable=SC2016 # expanded by the inner bash
    run_in "$scratch" bash -c '"$1" "$2" <"$3"' _ "$checker" "${2:-$header}" "$scratch/input.dis"
}

# One function of objdump -d output: "NAME" then instructions (tab-separated
# like objdump's: address, bytes, mnemonic, operands).
function_text() {
    local name=$1
    shift
    printf '0000000080201000 <%s>:\n' "$name"
    local insn
    for insn in "$@"; do
        printf '    80201000:\t00000000          \t%s\n' "$insn"
    done
}

# The trap vector's four labels, saving and restoring the reserved registers
# as the real one does.
vector_text() {
    function_text halyard_trap_vector $'sd\tt2,56(tp)' $'sd\tt3,224(tp)'
    function_text full_exit $'sd\tx31,248(tp)'
    function_text halyard_enter_guest $'ld\tt4,232(tp)'
    function_text host_trap_entry $'sd\tt5,240(sp)' $'ld\tt5,240(sp)'
}

test_ordinary_code_passes() {
    check "$(vector_text)
$(function_text _ZN7halyard3fooEv $'addi\ta0,a0,1' $'ld\tt1,8(sp)' $'ret\t')"
    expect_status 0
    [[ -z $stderr_text ]] || flunk "printed something"
}

test_a_compiled_function_using_one_fails_and_is_named() {
    check "$(vector_text)
$(function_text _ZN7halyard3barEv $'mv\ta0,t5' $'ret\t')"
    expect_status 1
    [[ $stderr_text == *"_ZN7halyard3barEv uses a reserved register"*"mv"*"a0,t5"* ]] ||
        flunk "the offending function and line are not named"
}

test_x_names_count_too() {
    check "$(vector_text)
$(function_text helper $'add\tx7,x7,a0')"
    expect_status 1
}

test_the_trap_vector_may_only_save_and_restore_them() {
    check "$(vector_text)
$(function_text halyard_trap_vector $'li\tt3,0x77')"
    expect_status 1
    check "$(function_text halyard_trap_vector $'sd\tt2,56(tp)' $'li\tt3,0x77')
$(function_text full_exit $'sd\tt2,56(tp)')
$(function_text halyard_enter_guest $'ld\tt2,56(tp)')
$(function_text host_trap_entry $'sd\tt2,56(sp)')"
    expect_status 1
    [[ $stderr_text == *"halyard_trap_vector uses a reserved register"*"li"*"t3,0x77"* ]] ||
        flunk "the trap vector's own use was not reported"
}

test_names_inside_symbols_and_comments_do_not_count() {
    check "$(vector_text)
$(function_text helper $'jal\t80201234 <t3_helper>' $'ld\ta0,8(sp) # 80201000 <t6>' \
        $'addi\ts3,s3,1')"
    expect_status 0
    [[ -z $stderr_text ]] || flunk "a false positive"
}

test_undecoded_code_fails() {
    check "$(function_text __halyard_image_start $'.word\t0x644d5652')
$(vector_text)
$(function_text helper $'.word\t0x000e0e13')"
    expect_status 1
    [[ $stderr_text == *"helper has code objdump does not decode"* ]] ||
        flunk "the .word in code was not reported"
}

test_input_it_does_not_understand_fails() {
    check ""
    expect_status 1
    # llvm-objdump's layout: the address and the bytes in one field.
    check "$(vector_text | sed 's/:\t00000000          \t/: 00 00 00 00\t/')"
    expect_status 1
    [[ $stderr_text == *"no save or restore of a reserved register found"* ]] ||
        flunk "not told that nothing was understood"
}

test_an_exempt_name_used_twice_fails() {
    check "$(vector_text)
$(function_text full_exit $'sd\tt6,0(tp)')"
    expect_status 1
    [[ $stderr_text == *"2 symbols named full_exit, expected 1"* ]] || flunk "the duplicate was not named"
}

test_a_header_without_the_list_is_a_usage_error() {
    printf '#define SOMETHING_ELSE 1\n' >"$scratch/empty.h"
    check "$(vector_text)" "$scratch/empty.h"
    expect_status 2
    [[ $stderr_text == "check-reserved-registers: error: no '#define VCPU_RESERVED_GPRS' line in"* ]] ||
        flunk "not a one-line error naming the missing list"
}

setup() {
    [[ -x $checker ]] || { echo "missing $checker" >&2; exit 1; }
}

run_all_tests setup
