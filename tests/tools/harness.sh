# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# The small test harness shared by the tests of the tools (test_*.sh here).
# A test script defines test_* functions, sets status/stdout_text/stderr_text
# when it runs a command, and ends with `run_all_tests SETUP_FUNCTION`.
# Each case passes unless it calls flunk (fails) or skip (counts as neither).

passed=0
failed=0
case_name=""
case_failed=false
case_skipped=false
output_shown=false
status=0
stdout_text=""
stderr_text=""

# indent PREFIX TEXT: prints each line of TEXT after PREFIX.
indent() {
    local line
    while IFS= read -r line; do
        echo "$1$line"
    done <<<"$2"
}

# skip REASON: the current case cannot run here.
skip() {
    echo "skip $case_name: $1"
    case_skipped=true
}

# flunk MESSAGE: the current case fails; the command's output is shown once.
flunk() {
    echo "FAIL $case_name: $*"
    if [[ $output_shown == false ]]; then
        echo "  exit status: $status"
        indent "  stdout: " "$stdout_text"
        indent "  stderr: " "$stderr_text"
        output_shown=true
    fi
    case_failed=true
}

expect_status() {
    ((status == $1)) || flunk "exit status $status, expected $1"
}

expect_stdout_has() {
    local text
    for text in "$@"; do
        [[ $stdout_text == *"$text"* ]] || flunk "stdout lacks: $text"
    done
}

expect_stdout_lacks() {
    [[ $stdout_text != *"$1"* ]] || flunk "stdout has: $1"
}

# run_in DIR COMMAND...: runs COMMAND in DIR, recording its exit status and
# output (files under $scratch, which the test script provides).
run_in() {
    local dir=$1
    shift
    status=0
    output_shown=false
    (cd "$dir" && "$@") >"$scratch/stdout" 2>"$scratch/stderr" </dev/null || status=$?
    stdout_text=$(<"$scratch/stdout")
    stderr_text=$(<"$scratch/stderr")
}

run_case() {
    case_name=$1
    case_failed=false
    case_skipped=false
    output_shown=false
    "$case_name"
    if [[ $case_failed == true ]]; then
        failed=$((failed + 1))
    elif [[ $case_skipped == false ]]; then
        passed=$((passed + 1))
        echo "ok   $case_name"
    fi
}

# run_all_tests SETUP: runs SETUP, then every test_* function; prints the
# counts and fails when a case failed.
run_all_tests() {
    "$1"
    local name
    for name in $(declare -F | awk '$3 ~ /^test_/ { print $3 }'); do
        run_case "$name"
    done
    echo "$passed passed, $failed failed"
    ((failed == 0))
}
