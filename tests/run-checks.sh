#!/usr/bin/env bash
# run-checks.sh BIN NAME=SCRIPT... — runs check scripts (tests/report/check-*.sh and the like,
# each called as `SCRIPT BIN`; SCRIPT may be a program and its arguments, split at spaces) CHECK_JOBS at a time (default: the cores there are), and prints
# each one's output whole, in the order given, whatever order they finish in; "PASS NAME" or
# "FAIL NAME" goes to $RESULTS in that order. Exit 1 if any failed. The scripts must not share
# files: each works in its own scratch folder (tests/report/lib.sh's T, LibreOffice's HOME).
# Why: make check runs fifteen report scripts in each of two builds, one at a time they were
# the largest share of CI's time on a 2-core machine, and each spends much of it in one
# single-threaded program.
set -u
bin=$1
shift
results=${RESULTS:-/dev/null}
[ "$results" = /dev/null ] || mkdir -p "$(dirname "$results")"
. "$(dirname "$0")/pool.sh"
jobs=$(pool_jobs "${CHECK_JOBS:-}")
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
specs=("$@")
failed=0 printed=0

# flush — prints the finished scripts that come next in the order given.
flush() {
    local name
    while [ "$printed" -lt "${#specs[@]}" ] && [ -e "$logs/$printed.rc" ]; do
        name=${specs[$printed]%%=*}
        cat "$logs/$printed.log"
        if [ "$(cat "$logs/$printed.rc")" = 0 ]; then
            echo "PASS $name" >> "$results"
        else
            echo "not ok - $name: ${specs[$printed]#*=} exited $(cat "$logs/$printed.rc")"
            echo "FAIL $name" >> "$results"
            failed=1
        fi
        printed=$((printed + 1))
    done
}

# start_check I — runs the I-th script, its output to I.log, its exit status to I.rc (last)
start_check() {
    local i=$1 command
    read -r -a command <<< "${specs[$i]#*=}"
    "${command[@]}" "$bin" > "$logs/$i.log" 2>&1 < /dev/null
    echo $? > "$logs/$i.rc.tmp" && mv "$logs/$i.rc.tmp" "$logs/$i.rc"
}
pool_run "$jobs" "${#specs[@]}" start_check flush
exit "$failed"
