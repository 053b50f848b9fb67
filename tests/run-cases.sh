#!/usr/bin/env bash
# run-cases.sh BIN CASES_DIR — the CLI contract as data (tests/README.md).
#
# Each case is a folder CASES_DIR/<stage>/<nnn-name>/ holding:
#   cmd            one shell command line, run with bash in a scratch copy of the folder;
#                  $BIN is the folder of the programs, $FIXTURES is tests/fixtures (absolute)
#   setup          optional: a bash script run first in the scratch folder (to make inputs that
#                  are awkward to commit: NUL bytes, 1 MB fields, truncated gzip)
#   expected.rc    the exit status (default 0)
#   expected.out   optional: stdout, exactly
#   expected.err   optional: stderr, exactly
#   check          optional: a bash script run afterwards in the scratch folder; exit 0 = pass
#   valgrind-no-leak-check  optional (its text says why): under VALGRIND=1 no leak check — for
#                  a case whose program is killed by a signal mid-run, when the memory it holds
#                  cannot be freed and is no leak; memory errors are still reported
#   valgrind-inexact  optional (its text says why): under VALGRIND=1 stdout is not compared —
#                  valgrind does long double arithmetic in 64 bits, so a number summed in long
#                  double (R's mean(), lib/replicate.c) can differ in its last digit there; the
#                  exit status, stderr (valgrind's reports) and memory errors still are
# With VALGRIND=1 every program runs under valgrind; any memory error fails the case.
set -u
bin=$(cd "$1" && pwd)
cases=$2
fixtures=$(cd tests/fixtures && pwd)
results=${RESULTS:-/dev/null}
pass=0 fail=0

if [ "${VALGRIND:-0}" = 1 ]; then
    supp=$(cd tests && pwd)/valgrind.supp # the drawing libraries' own leaks (see the file)
    wrapped=$(mktemp -d)
    for p in "$bin"/*; do
        printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=${TS_VALGRIND_LEAK_CHECK:-full} --errors-for-leak-kinds=definite,indirect --suppressions=%s "%s" "$@"\n' "$supp" "$p" > "$wrapped/$(basename "$p")"
        chmod +x "$wrapped/$(basename "$p")"
    done
    bin=$wrapped
fi

# run_case DIR REPORT — runs one case; its lines go to REPORT.log, its PASS/FAIL line to
# REPORT.result, and REPORT.done marks it finished (written last, so a reader never sees half).
run_case() {
    local dir=$1 report=$2 name scratch problems want_rc got_rc s out
    exec > "$report.log"
    name=${dir#"$cases"/}
    name=${name%/}
    scratch=$(mktemp -d)
    cp -R "$dir". "$scratch"/
    problems=""
    (
        cd "$scratch" || exit 1
        export BIN="$bin" FIXTURES="$fixtures" LC_ALL=C.UTF-8
        [ -f valgrind-no-leak-check ] && export TS_VALGRIND_LEAK_CHECK=no
        if [ -f setup ]; then bash ./setup || exit 98; fi
        bash -c "$(cat cmd)" > actual.out 2> actual.err < /dev/null
        echo $? > actual.rc
    )
    want_rc=0
    [ -f "$dir/expected.rc" ] && want_rc=$(tr -d ' \n' < "$dir/expected.rc")
    got_rc=$(cat "$scratch/actual.rc" 2>/dev/null || echo "setup failed")
    [ "$got_rc" = "$want_rc" ] || problems+="exit status $got_rc, expected $want_rc"$'\n'
    for s in out err; do
        [ "$s" = out ] && [ "${VALGRIND:-0}" = 1 ] && [ -f "$dir/valgrind-inexact" ] && continue
        if [ -f "$dir/expected.$s" ] && ! diff -u "$dir/expected.$s" "$scratch/actual.$s" > "$scratch/diff.$s"; then
            problems+="std$s differs:"$'\n'"$(head -40 "$scratch/diff.$s")"$'\n'
        fi
    done
    if [ -z "$problems" ] && [ -f "$dir/check" ]; then
        if ! out=$(cd "$scratch" && BIN="$bin" FIXTURES="$fixtures" bash ./check 2>&1); then
            problems+="check failed: $out"$'\n'
        fi
    fi
    if [ -z "$problems" ]; then
        echo "ok - $name"
        echo "PASS case $name" > "$report.result"
    else
        echo "not ok - $name"
        printf '%s' "$problems" | sed 's/^/#   /'
        [ -s "$scratch/actual.err" ] && sed 's/^/#   stderr: /' "$scratch/actual.err" | head -10
        echo "FAIL case $name" > "$report.result"
    fi
    rm -rf "$scratch"
    touch "$report.done"
}

# Cases run CASE_JOBS at a time (default: the cores this process may use), each in its own
# scratch folder, and are reported in their catalogue order whatever order they finish in, so
# the output is the same for any CASE_JOBS. A case must not depend on another's running.
. "$(dirname "$0")/pool.sh"
jobs=$(pool_jobs "${CASE_JOBS:-}")
reports=$(mktemp -d)
trap 'rm -rf "$reports"; [ "${VALGRIND:-0}" = 1 ] && rm -rf "$bin"' EXIT
dirs=()
for dir in "$cases"/*/*/; do
    [ -f "$dir/cmd" ] && dirs+=("$dir")
done
printed=0
# flush_reports — prints the finished cases that come next in catalogue order.
flush_reports() {
    while [ "$printed" -lt "${#dirs[@]}" ] && [ -e "$reports/$printed.done" ]; do
        cat "$reports/$printed.log"
        cat "$reports/$printed.result" >> "$results"
        if grep -q '^PASS' "$reports/$printed.result"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
        printed=$((printed + 1))
    done
}
start_case() { run_case "${dirs[$1]}" "$reports/$1"; }
pool_run "$jobs" "${#dirs[@]}" start_case flush_reports
echo "cases: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
