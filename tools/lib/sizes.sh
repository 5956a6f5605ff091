# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# Memory sizes as written on command lines ("64M", "1G", "512K", "4096") and back. Source this
# file; it defines functions and constants only. Sizes are bytes in bash's 64-bit arithmetic.

readonly KIB=$((1 << 10))
readonly MIB=$((1 << 20))
readonly GIB=$((1 << 30))
# Far above any machine QEMU runs here, far below 64-bit overflow.
readonly MAX_SIZE=$((1 << 44))

# parse_size TEXT: prints TEXT in bytes. TEXT is a whole number with an optional K, M or G suffix
# (either case, powers of 1024). Returns 1 on bad syntax, 2 when larger than MAX_SIZE.
parse_size() {
    local text=$1
    [[ $text =~ ^([0-9]{1,16})([KkMmGg]?)$ ]] || return 1
    local number=$((10#${BASH_REMATCH[1]})) unit=1
    case ${BASH_REMATCH[2]} in
        K | k) unit=$KIB ;;
        M | m) unit=$MIB ;;
        G | g) unit=$GIB ;;
    esac
    ((number <= MAX_SIZE / unit)) || return 2
    echo $((number * unit))
}

# parse_count TEXT: prints TEXT as a number when it is a whole decimal number; returns 1 otherwise.
parse_count() {
    [[ $1 =~ ^[0-9]{1,9}$ ]] || return 1
    echo $((10#$1))
}

# size_with_suffix BYTES: the shortest exact spelling QEMU and parse_size accept ("1G", "96M").
size_with_suffix() {
    local bytes=$1
    if ((bytes % GIB == 0)); then
        echo "$((bytes / GIB))G"
    elif ((bytes % MIB == 0)); then
        echo "$((bytes / MIB))M"
    elif ((bytes % KIB == 0)); then
        echo "$((bytes / KIB))K"
    else
        echo "$bytes"
    fi
}

# describe_size BYTES: the size for people to read in messages ("128 MiB", "4097 bytes").
describe_size() {
    local bytes=$1
    if ((bytes != 0 && bytes % GIB == 0)); then
        echo "$((bytes / GIB)) GiB"
    elif ((bytes != 0 && bytes % MIB == 0)); then
        echo "$((bytes / MIB)) MiB"
    elif ((bytes != 0 && bytes % KIB == 0)); then
        echo "$((bytes / KIB)) KiB"
    else
        echo "$bytes bytes"
    fi
}

# align_up VALUE ALIGNMENT / align_down VALUE ALIGNMENT: ALIGNMENT is a power of two.
align_up() { echo $((($1 + $2 - 1) & ~($2 - 1))); }
align_down() { echo $(($1 & ~($2 - 1))); }

# hex ADDRESS: 0x-prefixed lowercase hexadecimal.
hex() { printf '0x%x\n' "$1"; }
