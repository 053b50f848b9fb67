#!/usr/bin/env bash
# run-unit.sh TEST_BINARY... — run the unit test programs; each prints "N passed, N failed".
set -u
results=${RESULTS:-/dev/null}
status=0
for t in "$@"; do
    if out=$(cd tests/unit && "../../$t" 2>&1); then
        echo "ok - unit $(basename "$t")"
        echo "PASS unit $(basename "$t")" >> "$results"
    else
        status=1
        echo "not ok - unit $(basename "$t")"
        echo "FAIL unit $(basename "$t")" >> "$results"
    fi
    printf '%s\n' "$out" | grep -v '^ok ' | sed 's/^/#   /'
done
exit $status
