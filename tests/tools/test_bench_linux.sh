#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Tests of tools/bench-linux that need no QEMU: its command line (usage, and every option error
# as exit 2 with one line before anything runs), the guest workload script, and the reading of
# the runs' console logs (tools/lib/bench_linux.sh) on fixed logs of a Halyard run, a native run
# and a run that stopped early. Never checks a timing. Prints "N passed, M failed"; exits 1 when
# anything failed.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly bench_tool=$repo_root/tools/bench-linux
# shellcheck source=tools/lib/bench_linux.sh
source "$repo_root/tools/lib/bench_linux.sh"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/test_bench_linux.XXXXXX")
trap 'rm -rf -- "$scratch"' EXIT

# shellcheck source=tests/tools/harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

setup() {
    :
}

# bench ARG...: tools/bench-linux with an image that does not exist, so that nothing past the
# command line can run.
bench() {
    run_in "$scratch" env HALYARD_IMAGE="$scratch/no-halyard.bin" "$bench_tool" "$@"
}

# expect_usage_error TEXT: exit 2 and one stderr line, a tools/bench-linux error containing TEXT.
expect_usage_error() {
    expect_status 2
    [[ $stderr_text == "tools/bench-linux: error: "*"$1"* ]] || flunk "no error containing: $1"
    [[ $stderr_text != *$'\n'* ]] || flunk "the error is more than one line"
    [[ -z $stdout_text ]] || flunk "stdout is not empty"
}

test_help_is_the_header_comment() {
    bench --help
    expect_status 0
    expect_stdout_has "usage: tools/bench-linux [--runs N]" "--logs DIR" "--irqchip" "mem=1G" "-m 1G" \
        "/dev/urandom" "fork/execs"
    expect_stdout_lacks "set -euo pipefail"
}

test_unknown_option() {
    bench --frobnicate
    expect_usage_error "unknown option '--frobnicate'"
}

test_option_without_value() {
    local option
    for option in --runs --vcpus --modes --qemu --irqchip --logs; do
        bench "$option"
        expect_usage_error "$option needs a value"
    done
}

test_bad_runs() {
    local value
    for value in 0 -1 two 1.5; do
        bench --runs "$value"
        expect_usage_error "--runs must be a number from 1 up, not '$value'"
    done
}

test_bad_vcpus() {
    bench --vcpus "1 four"
    expect_usage_error "--vcpus takes vCPU counts from 1 up, not 'four'"
    bench --vcpus " "
    expect_usage_error "--vcpus needs at least one vCPU count"
}

test_bad_modes() {
    bench --modes "plain fast"
    expect_usage_error "unknown mode 'fast' for --modes (choose from: plain icount)"
    bench --modes " "
    expect_usage_error "--modes needs at least one of: plain icount"
}

test_bad_irqchip() {
    bench --irqchip gic
    expect_usage_error "unknown interrupt controller 'gic' for --irqchip (choose one of: plic aia)"
}

test_bad_qemu() {
    bench --qemu qemu9
    expect_usage_error "unknown QEMU 'qemu9' for --qemu (choose one of: system backports)"
}

test_missing_image_after_the_options() {
    bench --runs 1 --vcpus 1 --modes icount --logs "$scratch/logs"
    expect_status 1
    [[ $stderr_text == "tools/bench-linux: error: no Halyard image at $scratch/no-halyard.bin"* ]] ||
        flunk "no error about the missing image"
    [[ -d $scratch/logs ]] || flunk "--logs did not make its folder"
}

test_workload_script_is_sh_and_marks_its_end() {
    bench_linux_workload_script >"$scratch/workload.sh"
    status=0
    stdout_text=$(<"$scratch/workload.sh")
    stderr_text=""
    sh -n "$scratch/workload.sh" || flunk "the workload is not valid sh"
    expect_stdout_has "dd if=/dev/urandom bs=1M count=4" "md5sum" "while [ \$i -lt 200 ]" \
        "    /bin/true" "end_ticks=\$(/bin/rdtime)" "echo BENCH-WORKLOAD-DONE >/dev/kmsg" "/proc/meminfo" \
        "/sys/kernel/mm/transparent_hugepage/enabled" "poweroff -f"
    # The report comes after the end marker, so printing it is not timed.
    local marker report
    marker=$(grep -n BENCH-WORKLOAD-DONE "$scratch/workload.sh" | cut -d: -f1)
    report=$(grep -n 'echo "bench: ' "$scratch/workload.sh" | head -n 1 | cut -d: -f1)
    ((marker < report)) || flunk "the report comes before the end marker"
}

test_append_file_adds_a_second_archive() {
    printf 'first' >"$scratch/first"
    printf 'second' >"$scratch/second"
    (cd "$scratch" && echo first | cpio --create --format=newc --quiet | gzip >"$scratch/archive.gz")
    local size
    size=$(stat -c %s "$scratch/archive.gz")
    status=0
    bench_linux_append_file "$scratch/archive.gz" "$scratch/second" /bin/rdtime || status=$?
    # The first archive is untouched; what follows it is a gzipped cpio archive of its own.
    stdout_text=$(head -c "$size" "$scratch/archive.gz" | zcat | cpio --list --quiet 2>&1 || true)
    stderr_text=""
    [[ $stdout_text == first ]] || flunk "the first archive changed"
    stdout_text=$(tail -c "+$((size + 1))" "$scratch/archive.gz" | zcat | cpio --list --verbose --quiet 2>&1 || true)
    expect_status 0
    expect_stdout_has " bin/rdtime"
    [[ $stdout_text == *"-rwxr-xr-x"*"root"*"bin/rdtime"* ]] || flunk "bin/rdtime is not 0755 and root's"
}

test_rdtime_builds_when_the_cross_compiler_is_there() {
    if ! command -v riscv64-linux-gnu-g++ >/dev/null; then
        skip "no riscv64-linux-gnu-g++"
        return
    fi
    run_in "$scratch" riscv64-linux-gnu-g++ -std=c++20 -O2 -static -nostdlib -ffreestanding -fno-exceptions \
        -fno-rtti -fno-stack-protector -Wall -Wextra -Werror -o "$scratch/rdtime" "$repo_root/tools/lib/rdtime.cpp"
    expect_status 0
    [[ -x $scratch/rdtime ]] || flunk "no program"
}

test_timestamp_lines() {
    printf 'first\r\nsecond\nno newline' | bench_linux_timestamp_lines >"$scratch/stamped"
    status=0
    stdout_text=$(<"$scratch/stamped")
    stderr_text=""
    (($(wc -l <"$scratch/stamped") == 3)) || flunk "not three lines"
    grep -qx '[0-9]*\.[0-9]\{6\} first' "$scratch/stamped" || flunk "first line not stamped, or CR kept"
    grep -qx '[0-9]*\.[0-9]\{6\} no newline' "$scratch/stamped" || flunk "last line lost"
}

# A Halyard run's log as bench_linux_timestamp_lines writes it (abridged).
write_halyard_log() {
    cat >"$scratch/halyard.log" <<'EOF'
100.000000 tools/run: booting Halyard with 1 VM(s) (quit QEMU with Ctrl-A X)
100.400000 OpenSBI v1.5
101.100000 halyard: vm0: 1 vCPU, 1024 MiB RAM at host 0xc0000000, kernel 36652544 bytes + initrd
104.000000 [    0.000000] Linux version 7.2.13+deb14-riscv64
106.490000 [    0.711146] Run /init as init process
106.500000 init: Linux 7.2.13+deb14-riscv64 is up; BusyBox shell on the console
112.034000 [    2.143890] BENCH-WORKLOAD-DONE
112.040000 bench: machine ticks 15341234 22012345
112.050000 bench: cpus 1
112.060000 bench: memtotal 960584 kB
112.070000 bench: thp [always] madvise never
112.080000 bench: forks 205
112.090000 bench: sums 1 distinct of 1
112.100000 [    2.200000] reboot: Power down
112.200000 halyard: vm0: stopped: the guest asked to shut down
112.200001 halyard: vm0: exits sbi_base 22
112.200002 halyard: vm0: exits sbi_ipi 1
112.200003 halyard: vm0: exits mmio_uart 23950
112.200004 halyard: vm0: exits mmio_plic 252
112.200005 halyard: vm0: exits total 24225
112.200006 halyard: vm0: exits that took the full path 91
112.200007 halyard: vm0: mmio decoded from htinst 24202
EOF
}

# read_log LOG: bench_linux_read_log's output as the test's stdout.
read_log() {
    status=0
    stdout_text=$(bench_linux_read_log "$1") || status=$?
    stderr_text=""
}

test_read_halyard_log() {
    write_halyard_log
    read_log "$scratch/halyard.log"
    expect_status 0
    local expected
    expected=$(printf '%s\n' init_wall=6.49 init_guest=0.711146 end_wall=12.03 end_guest=2.143890 \
        machine_start=1.5341234 machine_end=2.2012345 cpus=1 \
        memtotal_kb=960584 thp=always forks=205 "sums=1 distinct of 1" \
        "exits=sbi_base=22 sbi_ipi=1 mmio_uart=23950 mmio_plic=252" exits_total=24225 exits_full=91)
    [[ $stdout_text == "$expected" ]] || flunk "not what the log says"
}

test_read_native_log() {
    cat >"$scratch/native.log" <<'EOF'
200.000000 bench-linux: starting QEMU
200.250000 OpenSBI v1.1
204.580000 [    0.712222] Run /init as init process
207.860000 [    2.132896] BENCH-WORKLOAD-DONE
207.870000 bench: cpus 4
207.880000 bench: memtotal 960144 kB
207.890000 bench: thp always madvise [never]
207.900000 bench: forks 209
207.910000 bench: sums 4 distinct of 4
EOF
    read_log "$scratch/native.log"
    expect_status 0
    local expected
    expected=$(printf '%s\n' init_wall=4.58 init_guest=0.712222 end_wall=7.86 end_guest=2.132896 cpus=4 \
        memtotal_kb=960144 thp=never forks=209 "sums=4 distinct of 4")
    [[ $stdout_text == "$expected" ]] || flunk "not what the log says"
}

test_read_log_of_a_run_that_stopped_early() {
    printf '%s\n' "300.000000 bench-linux: starting QEMU" "305.000000 [    0.800000] Run /init as init process" \
        "310.000000 [    1.000000] Kernel panic - not syncing: Attempted to kill init!" >"$scratch/early.log"
    read_log "$scratch/early.log"
    expect_status 0
    [[ $stdout_text == $'init_wall=5.00\ninit_guest=0.800000' ]] || flunk "more than /init, or not /init"
}

test_read_log_ignores_the_marker_without_a_stamp() {
    # The workload's own text, were it ever echoed, is not the kernel's stamped line.
    printf '%s\n' "1.000000 bench-linux: starting QEMU" "2.000000 echo BENCH-WORKLOAD-DONE >/dev/kmsg" \
        >"$scratch/echoed.log"
    read_log "$scratch/echoed.log"
    [[ -z $stdout_text ]] || flunk "found something in a log without results"
}

run_all_tests setup
