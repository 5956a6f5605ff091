#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Tests of tools/bench's chart: the PNG writer (tools/lib/bench_chart.py) on fixed input (a valid
# PNG of the expected size, every chunk's CRC and the image data checked by an independent reader,
# bars as long as their values, the same bytes every time) and its errors, and tools/bench's
# --chart option errors, which come before any build or QEMU run. Needs python3, not a build.
# Prints "N passed, M failed"; exits 1 when anything failed.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly chart_writer=$repo_root/tools/lib/bench_chart.py
readonly bench_tool=$repo_root/tools/bench

scratch=$(mktemp -d "${TMPDIR:-/tmp}/test_bench_chart.XXXXXX")
trap 'rm -rf -- "$scratch"' EXIT

# shellcheck source=tests/tools/harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# The bars tools/bench draws, with fixed figures: 5 groups, 15 bars, one n/a.
write_rows() {
    local sbi="SBI call round trip" uart="Emulated UART register access"
    printf '%s\t%s\t%s\t%s\n' \
        "$sbi" halyard Halyard 104.00 \
        "$sbi" native "OpenSBI alone" 249.00 \
        "$sbi" bao Bao 241 \
        "$sbi" xvisor Xvisor 738 \
        "$sbi" kvm "KVM RISC-V" 1010 \
        "$uart" halyard "Halyard read" 339.00 \
        "$uart" halyard "Halyard write" 284.00 \
        "$uart" xvisor Xvisor 1125 \
        "$uart" kvmtool "KVM + kvmtool" 3851 \
        "UART interrupt" halyard Halyard 2248.00 \
        "UART interrupt" native "OpenSBI alone" n/a \
        "Timer" halyard Halyard 244.00 \
        "Timer" native "OpenSBI alone" 592.00 \
        "Self-IPI" halyard Halyard 970.00 \
        "Self-IPI" native "OpenSBI alone" 826.00 >"$scratch/rows.tsv"
}

# draw OUTPUT [ROWS_FILE]: the chart writer on the fixed rows.
draw() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    run_in "$scratch" bash -c 'python3 "$1" "$2" "A title" "A subtitle" "A footnote" <"$3"' _ \
        "$chart_writer" "$1" "${2:-$scratch/rows.tsv}"
}

# png_facts FILE: an independent reading of the PNG (signature, chunk CRCs, IHDR, the inflated
# image data's length and filter bytes); prints "WIDTH HEIGHT" and the number of pixels of each
# colour named on the command line, or one line saying what is wrong (exit 1).
png_facts() {
    python3 - "$@" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("no PNG signature")
pos, chunks = 8, []
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
    if crc != zlib.crc32(kind + body) & 0xFFFFFFFF:
        sys.exit(f"bad CRC in {kind!r}")
    chunks.append((kind, body))
    pos += 12 + length
kinds = [kind for kind, _ in chunks]
if kinds[0] != b"IHDR" or kinds[-1] != b"IEND" or b"IDAT" not in kinds:
    sys.exit(f"chunks out of order: {kinds}")
width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
if (depth, colour, interlace) != (8, 2, 0):
    sys.exit(f"not 8-bit RGB without interlace: {depth} {colour} {interlace}")
raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
stride = 1 + 3 * width
if len(raw) != stride * height:
    sys.exit(f"image data is {len(raw)} bytes, expected {stride * height}")
if any(raw[y * stride] != 0 for y in range(height)):
    sys.exit("a row with a filter other than none")
pixels = b"".join(raw[y * stride + 1:(y + 1) * stride] for y in range(height))
counts = {}
for i in range(0, len(pixels), 3):
    counts[pixels[i:i + 3]] = counts.get(pixels[i:i + 3], 0) + 1
print(width, height, *(counts.get(bytes.fromhex(c), 0) for c in sys.argv[2:]))
PY
}

# Series colours in tools/lib/bench_chart.py.
readonly halyard_blue=1f77b4 xvisor_orange=ff7f0e kvmtool_purple=9467bd

test_writes_a_valid_png_of_the_expected_size() {
    write_rows
    draw "$scratch/chart.png"
    expect_status 0
    [[ -z $stdout_text && -z $stderr_text ]] || flunk "the writer printed something"
    local facts
    facts=$(png_facts "$scratch/chart.png" "$halyard_blue") || { flunk "$facts"; return; }
    # 1100 wide; 20 + 2 * 26 + 5 * (26 + 14) + 15 * 24 + 60 + 24 + 20 high.
    read -r width height blue <<<"$facts"
    [[ "$width x $height" == "1100 x 736" ]] || flunk "size $width x $height, expected 1100 x 736"
    ((blue > 0)) || flunk "no Halyard-blue bar"
}

test_bars_are_as_long_as_their_values() {
    write_rows
    draw "$scratch/chart.png"
    local facts orange purple
    facts=$(png_facts "$scratch/chart.png" "$xvisor_orange" "$kvmtool_purple") ||
        { flunk "$facts"; return; }
    # Bars of one height: the pixel counts of Xvisor's two bars (738 + 1125) and of
    # KVM + kvmtool's (3851) stand in the ratio of the values, give or take rounding.
    read -r _ _ orange purple <<<"$facts"
    python3 -c 'import sys; o, p = map(int, sys.argv[1:]); r = p / o / (3851 / 1863)
sys.exit(0 if abs(r - 1) < 0.01 else f"purple/orange pixel ratio off by {r - 1:+.2%}")' \
        "$orange" "$purple" || flunk "bar lengths are not proportional to the values"
}

test_same_input_same_bytes() {
    write_rows
    draw "$scratch/one.png"
    draw "$scratch/two.png"
    cmp -s "$scratch/one.png" "$scratch/two.png" || flunk "two runs wrote different files"
}

test_bad_rows_give_one_line() {
    printf 'group\tseries\tonly three fields\n' >"$scratch/bad.tsv"
    draw "$scratch/bad.png" "$scratch/bad.tsv"
    expect_status 1
    [[ $stderr_text == "bench_chart.py: error: line 1: expected group, series, label and value"* &&
        $stderr_text != *$'\n'* ]] || flunk "not a one-line error naming the line"
    [[ ! -e $scratch/bad.png ]] || flunk "a file was written anyway"
}

test_no_rows() {
    : >"$scratch/empty.tsv"
    draw "$scratch/empty.png" "$scratch/empty.tsv"
    expect_status 1
    [[ $stderr_text == "bench_chart.py: error: no bars to draw" ]] || flunk "unexpected error"
}

test_unwritable_output() {
    write_rows
    draw "$scratch/no-such-folder/chart.png"
    expect_status 1
    [[ $stderr_text == "bench_chart.py: error: cannot write $scratch/no-such-folder/chart.png:"* &&
        $stderr_text != *$'\n'* ]] || flunk "not a one-line error naming the file"
}

test_writer_usage() {
    run_in "$scratch" python3 "$chart_writer" only-one-argument
    expect_status 2
    [[ $stderr_text == "usage: bench_chart.py"* ]] || flunk "no usage line"
}

test_bench_chart_needs_a_file_name() {
    run_in "$scratch" "$bench_tool" --no-build --chart
    expect_status 2
    [[ $stderr_text == "tools/bench: error: --chart needs a file name" ]] || flunk "unexpected error"
}

test_bench_chart_folder_must_exist() {
    run_in "$scratch" "$bench_tool" --no-build --chart "$scratch/no-such-folder/chart.png"
    expect_status 2
    [[ $stderr_text == "tools/bench: error: no folder for the chart: $scratch/no-such-folder" ]] ||
        flunk "unexpected error"
    expect_stdout_lacks "running the bench guest"
}

test_bench_help_names_the_chart() {
    run_in "$scratch" "$bench_tool" --help
    expect_status 0
    expect_stdout_has "--chart FILE" "Bao, Xvisor and KVM RISC-V" "python3-minimal"
}

run_all_tests write_rows
