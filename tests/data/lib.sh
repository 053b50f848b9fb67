# tests/data/lib.sh — shared by the data checks: TAP-like lines, results for `make check`.
# Each check prints "ok - NAME" or "not ok - NAME", appends "PASS data NAME" or
# "FAIL data NAME" to $RESULTS, and the script ends with "N passed, N failed".
results=${RESULTS:-/dev/null}
pass=0
fail=0

ok() {   # ok NAME
    pass=$((pass + 1))
    echo "ok - $1"
    echo "PASS data $1" >> "$results"
}

not_ok() {   # not_ok NAME [DETAIL...]
    local name=$1
    fail=$((fail + 1))
    echo "not ok - $name"
    shift
    [ $# -gt 0 ] && printf '#   %s\n' "$@"
    echo "FAIL data $name" >> "$results"
}

check() {   # check NAME COMMAND... — pass when COMMAND succeeds
    local name=$1
    shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}

finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit $?
}
