#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Checker for the console_flood test (run_and_check.sh --check-with): the
# flooding VM vm0 announces "console_flood: expect N of each of LETTERS";
# every console line from Halyard's first line on must be Halyard's own
# ("halyard: ...") or a VM's ("vm0| ...", "vm1| ..."); a vm0 line holds only
# flood letters or is one of console_flood's own report lines; a vm1 line is
# one of memcheck's; and vm0's lines hold exactly N of each letter, no more
# (duplicated or foreign bytes) and no less (lost bytes).
# usage: check_console_flood.sh CLEAN RAW
set -euo pipefail
clean=$1

awk '
    function complain(text) {
        if (complaints++ < 8) print text
    }
    !started && /^halyard: / { started = 1 }
    !started { next }
    /^halyard: / { next }
    /^vm1\| / {
        if ($0 !~ /^vm1\| memcheck: [ -~]*$/) complain("line " NR " is no whole memcheck line: " substr($0, 1, 100))
        next
    }
    /^vm0\| / {
        rest = substr($0, 6)
        if (rest ~ /^console_flood: /) {
            if (match(rest, /expect [0-9]+ of each of [a-z]+$/)) {
                split(substr(rest, RSTART), words, " ")
                expected = words[2]
                letters = words[6]
            }
            next
        }
        if (rest !~ /^[a-p]*$/) {
            complain("line " NR " holds more than flood letters: " substr($0, 1, 100))
            next
        }
        for (i = 1; i <= length(rest); i++) count[substr(rest, i, 1)]++
        next
    }
    { complain("line " NR " is neither Halyard'"'"'s nor a VM'"'"'s: " substr($0, 1, 100)) }
    END {
        if (letters == "") complain("no \"expect N of each of\" line from vm0")
        for (i = 1; i <= length(letters); i++) {
            c = substr(letters, i, 1)
            if (count[c] + 0 != expected) complain("letter " c ": " count[c] + 0 " bytes, expected " expected)
            delete count[c]
        }
        for (c in count) complain("letter " c " that no vCPU sent: " count[c] " bytes")
        exit complaints > 0
    }
' "$clean"
