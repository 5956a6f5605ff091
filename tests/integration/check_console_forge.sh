#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Checker for the console_forge test (run_and_check.sh --check-with): the
# raw console output holds no control byte a guest could use to move the
# cursor or rewrite a line (C0 controls other than TAB, LF and the CR of a
# CR LF; DEL; the 8-bit CSI 0x9b), and from Halyard's first line on every
# line is Halyard's own or starts with a VM's "vmN| " prefix.
# usage: check_console_forge.sh CLEAN RAW
set -euo pipefail
clean=$1
raw=$2
status=0

if hits=$(LC_ALL=C grep -anP '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x9b]' "$raw" | cut -c1-120); then
    echo "raw control bytes on the console, line(s): $(echo "$hits" | cut -d: -f1 | paste -sd, -)"
    status=1
fi
if hits=$(LC_ALL=C grep -anP '\r(?!$)' "$raw" | cut -c1-120); then
    echo "carriage return inside a line, line(s): $(echo "$hits" | cut -d: -f1 | paste -sd, -)"
    status=1
fi
if ! awk '
    !started && /^halyard: / { started = 1 }
    started && !/^(halyard: |vm[0-9]+\| )/ { print "line " NR " has no prefix: " substr($0, 1, 100); bad = 1 }
    END { exit bad }
' "$clean"; then
    status=1
fi
exit $status
