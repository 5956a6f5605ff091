# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# tools/bench-linux's guest workload and the reading of its runs' console logs, apart from the
# tool so that tests/tools/test_bench_linux.sh can check them without QEMU. Source this file; it
# defines functions only.
#
#   bench_linux_workload_script          the extra init script (tools/lib/initramfs.sh) to run
#   bench_linux_timestamp_lines          copies stdin to stdout, each line after its arrival time
#   bench_linux_read_log LOG             what one run's timestamped log says, as KEY=VALUE lines

# bench_linux_fork_loop: how many times the workload runs /bin/true.
readonly bench_linux_fork_loop=200

# bench_linux_workload_script: the user workload, run by /init once it has mounted /proc, /sys and
# /dev (tools/lib/initramfs.sh). The end of the work is stamped by the kernel's own clock: a line
# written to /dev/kmsg comes out on the console as "[ SECONDS] BENCH-WORKLOAD-DONE", which under
# -icount shift=0 counts instructions; that clock starts when the kernel's timer driver registers,
# so the workload also reads the machine's clock from QEMU's start (/bin/rdtime, tools/lib/rdtime.cpp,
# which the initramfs must hold) at its start and end. What it found is printed after the end
# line, so printing it is not part of the work.
bench_linux_workload_script() {
    cat <<EOF
# tools/bench-linux's workload (tools/lib/bench_linux.sh).
start_ticks=\$(/bin/rdtime)
forks_before=\$(awk '/^processes/ { print \$2 }' /proc/stat)
cpus=\$(nproc)
# 4 MiB from /dev/urandom through md5sum, once per CPU, all at the same time.
i=1
while [ \$i -le \$cpus ]; do
    (dd if=/dev/urandom bs=1M count=4 2>/dev/null | md5sum >/tmp/sum\$i) &
    i=\$((i + 1))
done
wait
# Fork and exec: /bin/true by its path is never a shell builtin or a BusyBox NOFORK applet, so
# each one is a new process that execs /bin/busybox.
i=0
while [ \$i -lt $bench_linux_fork_loop ]; do
    /bin/true
    i=\$((i + 1))
done
end_ticks=\$(/bin/rdtime)
echo BENCH-WORKLOAD-DONE >/dev/kmsg
forks_after=\$(awk '/^processes/ { print \$2 }' /proc/stat)
echo "bench: machine ticks \$start_ticks \$end_ticks"
echo "bench: cpus \$cpus"
echo "bench: memtotal \$(awk '/^MemTotal:/ { print \$2 }' /proc/meminfo) kB"
echo "bench: thp \$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo absent)"
echo "bench: forks \$((forks_after - forks_before))"
echo "bench: sums \$(cat /tmp/sum* | sort -u | wc -l) distinct of \$(ls /tmp/sum* | wc -l)"
poweroff -f
EOF
}

# bench_linux_timestamp_lines: copies standard input to standard output, each line preceded by the
# time it arrived (seconds since the epoch, to the microsecond) and a space; carriage returns go.
bench_linux_timestamp_lines() {
    local line
    while IFS= read -r line || [[ -n $line ]]; do
        printf '%s %s\n' "$EPOCHREALTIME" "${line//$'\r'/}"
    done
}

# bench_linux_read_log LOG: reads a run's log (bench_linux_timestamp_lines' output; the run's
# start is the line "bench-linux: starting QEMU" or, later and so preferred, tools/run's "booting
# Halyard" note, written just before it starts QEMU) and prints what it found, one KEY=VALUE a
# line, keys absent when the log lacks them:
#   init_wall, init_guest   seconds from the start, and the guest's clock, at "Run /init"
#   end_wall, end_guest     the same at the workload's BENCH-WORKLOAD-DONE
#   machine_start, machine_end   the machine's clock (seconds since QEMU started it, from the
#                           10 MHz time CSR) at the workload's start and end
#   cpus, memtotal_kb, thp, forks, sums   the workload's report ("bench: ..." lines); thp is the
#                           selected word of /sys/kernel/mm/transparent_hugepage/enabled
#   exits                   Halyard's exit counts: "REASON=N ..." in its order
#   exits_total, exits_full "exits total N" and "exits that took the full path N"
bench_linux_read_log() {
    awk '
        function stamp(text) {
            if (!match(text, /\[ *[0-9]+\.[0-9]+\]/)) return ""
            text = substr(text, RSTART + 1, RLENGTH - 2)
            gsub(/ /, "", text)
            return text
        }
        function since_start(t) { return sprintf("%.2f", t - start) }
        {
            t = $1
            line = $0
            sub(/^[^ ]* /, "", line)
        }
        line ~ /^bench-linux: starting QEMU/ { start = t; next }
        line ~ /^tools\/run: booting Halyard/ { start = t; next }
        !("init_wall" in found) && line ~ /Run \/init as init process/ {
            found["init_wall"] = since_start(t)
            found["init_guest"] = stamp(line)
        }
        !("end_wall" in found) && line ~ /\] BENCH-WORKLOAD-DONE/ {
            found["end_wall"] = since_start(t)
            found["end_guest"] = stamp(line)
        }
        match(line, /bench: machine ticks [0-9]+ [0-9]+/) {
            split(substr(line, RSTART, RLENGTH), word, " ")
            found["machine_start"] = sprintf("%.7f", word[4] / 1e7)
            found["machine_end"] = sprintf("%.7f", word[5] / 1e7)
        }
        match(line, /bench: cpus [0-9]+/) { found["cpus"] = substr(line, RSTART + 12, RLENGTH - 12) }
        match(line, /bench: memtotal [0-9]+/) {
            found["memtotal_kb"] = substr(line, RSTART + 16, RLENGTH - 16)
        }
        match(line, /bench: thp .*/) {
            thp = substr(line, RSTART + 11)
            found["thp"] = match(thp, /\[[a-z]+\]/) ? substr(thp, RSTART + 1, RLENGTH - 2) : thp
        }
        match(line, /bench: forks -?[0-9]+/) { found["forks"] = substr(line, RSTART + 13, RLENGTH - 13) }
        match(line, /bench: sums [0-9]+ distinct of [0-9]+/) {
            found["sums"] = substr(line, RSTART + 12, RLENGTH - 12)
        }
        match(line, /halyard: vm0: exits [a-z_]+ [0-9]+$/) {
            n = split(substr(line, RSTART, RLENGTH), word, " ")
            if (word[4] == "total") found["exits_total"] = word[5]
            else exits = exits (exits == "" ? "" : " ") word[4] "=" word[5]
        }
        match(line, /halyard: vm0: exits that took the full path [0-9]+$/) {
            n = split(substr(line, RSTART, RLENGTH), word, " ")
            found["exits_full"] = word[n]
        }
        END {
            if (exits != "") found["exits"] = exits
            order = "init_wall init_guest end_wall end_guest machine_start machine_end cpus memtotal_kb thp forks sums exits exits_total exits_full"
            n = split(order, key, " ")
            for (i = 1; i <= n; i++)
                if (key[i] in found && found[key[i]] != "") print key[i] "=" found[key[i]]
        }
    ' "$1"
}

# bench_linux_append_file ARCHIVE FILE GUEST_PATH: appends to the gzipped initramfs ARCHIVE a
# second cpio archive holding FILE as GUEST_PATH (mode 0755, owner root), e.g. bin/rdtime; Linux
# unpacks concatenated archives in order. GUEST_PATH's folder must be in ARCHIVE already.
bench_linux_append_file() {
    local archive=$1 file=$2 guest_path=${3#/} root status=0
    root=$(mktemp -d "${TMPDIR:-/tmp}/bench-linux-append.XXXXXX") || return 1
    if ! mkdir -p -- "$root/$(dirname -- "$guest_path")" ||
        ! install -m 0755 -- "$file" "$root/$guest_path" ||
        ! (cd -- "$root" && echo "$guest_path" |
            cpio --create --format=newc --owner=0:0 --reproducible --quiet) |
        gzip -9 --no-name >>"$archive"; then
        status=1
    fi
    rm -rf -- "$root"
    return "$status"
}
