#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Checker (run_and_check.sh --check-with): once Halyard says VM is stopped
# ("halyard: VM: stopped: ...") and another VM has printed a line after that,
# VM prints nothing more: a line of VM's then means one of its vCPUs kept
# running guest code after the VM stopped. (Output of a console call that was
# under way when the VM stopped may still appear just after the line; the
# other VM's next line is the point by which it must all be out.)
# usage: check_stopped_vm_silent.sh CLEAN RAW VM
set -euo pipefail
clean=$1
vm=$3

awk -v vm="$vm" '
    index($0, "halyard: " vm ": stopped: ") == 1 { stopped = NR; next }
    stopped && !settled && /^vm[0-9]+\| / && index($0, vm "| ") != 1 { settled = NR; next }
    settled && index($0, vm "| ") == 1 {
        print "line " NR ": " vm " still prints after it stopped (line " stopped "): " substr($0, 1, 100)
        bad = 1
        exit
    }
    END { exit bad }
' "$clean"
