#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs one command, captures its output (stdout and stderr together) and
# checks it: exit status, regular expressions that must appear, ones that must
# not, optionally the exact number of lines. On failure it says why and prints
# the whole output, so a CTest log is enough to debug a failing QEMU run.
#
# usage: run_and_check.sh [options] -- COMMAND [ARG...]
#   --status N             expected exit status (default 0; an ERE such as '0|1'
#                          accepts any status it matches whole)
#   --require REGEX        a line must match (grep -E; repeatable)
#   --forbid REGEX         no line may match (repeatable)
#   --lines N              the output must be exactly N lines
#   --check-with SCRIPT [ARG...] ;
#                          also run `bash SCRIPT CLEAN RAW ARG...` (CLEAN: the
#                          output without carriage returns, RAW: as it came);
#                          it prints what is wrong and exits non-zero to fail
#                          the test (repeatable; the list of ARGs ends at ';')
#   --send-after REGEX TEXT
#                          once the output matches REGEX, write TEXT (printf %b
#                          escapes, e.g. '\n') to the command's stdin; without
#                          it stdin is /dev/null
#
# Carriage returns are removed before matching (guests print "\r\n").
# The QEMU under test is HALYARD_RUN_QEMU's (tools/run's --qemu default); when
# that QEMU is not there (tools/fetch-qemu failed or never ran) the test is
# skipped with the reason.
# Exit status: 0 all checks passed, 1 a check failed, 2 bad usage, 77 skipped.

set -u

if [[ -n ${HALYARD_RUN_QEMU:-} ]]; then
    # shellcheck source=tests/integration/direct_qemu.sh
    source "$(dirname "${BASH_SOURCE[0]}")/direct_qemu.sh" # exits 77 without that QEMU
fi

usage() {
    # The comment block at the top of this file, without the '#'.
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
    exit 2
}

expected_status=0
expected_lines=
requires=()
forbids=()
send_regex=
send_text=
checkers=() # each entry: the checker's words joined by the unit separator

while [[ $# -gt 0 ]]; do
    case "$1" in
        --status) [[ $# -ge 2 ]] || usage; expected_status=$2; shift 2 ;;
        --require) [[ $# -ge 2 ]] || usage; requires+=("$2"); shift 2 ;;
        --forbid) [[ $# -ge 2 ]] || usage; forbids+=("$2"); shift 2 ;;
        --lines) [[ $# -ge 2 ]] || usage; expected_lines=$2; shift 2 ;;
        --send-after) [[ $# -ge 3 ]] || usage; send_regex=$2; send_text=$3; shift 3 ;;
        --check-with)
            [[ $# -ge 2 ]] || usage
            shift
            words=()
            while [[ $# -gt 0 && $1 != ";" ]]; do words+=("$1"); shift; done
            [[ $# -gt 0 ]] || usage
            shift
            checkers+=("$(IFS=$'\x1f'; echo "${words[*]}")")
            ;;
        --) shift; break ;;
        -h|--help) usage ;;
        *) echo "run_and_check: unknown option '$1'" >&2; usage ;;
    esac
done
[[ $# -ge 1 ]] || usage

workdir=$(mktemp -d "${TMPDIR:-/tmp}/run_and_check.XXXXXX")
trap 'rm -rf "$workdir"' EXIT
raw="$workdir/output.raw"
clean="$workdir/output"

echo "run_and_check: running: $*"
if [[ -z "$send_regex" ]]; then
    "$@" </dev/null >"$raw" 2>&1
    status=$?
else
    # Feed stdin through a FIFO kept open by this shell, so the text can be
    # sent when the command is ready for it (a guest printing its prompt).
    fifo="$workdir/stdin"
    mkfifo "$fifo"
    "$@" <"$fifo" >"$raw" 2>&1 &
    pid=$!
    exec 3>"$fifo"
    sent=no
    while kill -0 "$pid" 2>/dev/null; do
        if tr -d '\r' <"$raw" | grep -Eq -- "$send_regex"; then
            printf '%b' "$send_text" >&3
            sent=yes
            break
        fi
        sleep 0.2
    done
    wait "$pid"
    status=$?
    exec 3>&-
    [[ $sent == yes ]] || echo "run_and_check: note: never saw /$send_regex/, sent nothing"
fi
tr -d '\r' <"$raw" >"$clean"

failures=()
if ! [[ "$status" =~ ^($expected_status)$ ]]; then
    failures+=("exit status $status, expected $expected_status")
fi
for regex in "${requires[@]+"${requires[@]}"}"; do
    grep -Eq -- "$regex" "$clean" || failures+=("missing required output /$regex/")
done
for regex in "${forbids[@]+"${forbids[@]}"}"; do
    if matches=$(grep -En -- "$regex" "$clean"); then
        failures+=("forbidden output /$regex/ at line(s): $(echo "$matches" | cut -d: -f1 | paste -sd, -)")
    fi
done
lines=$(wc -l <"$clean")
# A last line without a newline still counts as a line.
[[ -s "$clean" && -n "$(tail -c1 "$clean")" ]] && lines=$((lines + 1))
if [[ -n "$expected_lines" && "$lines" != "$expected_lines" ]]; then
    failures+=("$lines line(s) of output, expected $expected_lines")
fi

for checker in "${checkers[@]+"${checkers[@]}"}"; do
    IFS=$'\x1f' read -r -a words <<<"$checker"
    if ! verdict=$(bash "${words[0]}" "$clean" "$raw" "${words[@]:1}" 2>&1); then
        failures+=("$(basename "${words[0]}"): ${verdict:-failed}")
    fi
done
if [[ ${#failures[@]} -eq 0 ]]; then
    echo "run_and_check: PASS (exit status $status, $lines line(s) of output)"
    exit 0
fi
echo "run_and_check: FAILED: $*"
for f in "${failures[@]}"; do echo "run_and_check:   - $f"; done
echo "run_and_check: ----- output ($lines line(s)) -----"
cat "$clean"
echo "run_and_check: ----- end of output -----"
exit 1
