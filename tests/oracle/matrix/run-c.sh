#!/usr/bin/env bash
# run-c.sh BIN — the option-matrix oracle, C side (make check-oracle): coverage.sh (every
# documented combination has a scenario or a stated exclusion; exclusions refused by
# tsunagari-weight), then every scenario of scenarios/ through tests/oracle/tab/run-c.sh against
# its committed expected.csv: 1e-8 relative, standard errors (and CIs, deff) 1e-6.
set -u
here=$(cd "$(dirname "$0")" && pwd)
results=${RESULTS:-/dev/null}
status=0
if "$here/coverage.sh" "$1" > "${TMPDIR:-/tmp}/matrix-coverage.$$" 2>&1; then
    echo "PASS oracle-matrix coverage" >> "$results"
    tail -1 "${TMPDIR:-/tmp}/matrix-coverage.$$"
else
    echo "FAIL oracle-matrix coverage" >> "$results"
    grep -v '^ok' "${TMPDIR:-/tmp}/matrix-coverage.$$"
    status=1
fi
rm -f "${TMPDIR:-/tmp}/matrix-coverage.$$"
# two halves side by side (make check runs on 2 cores); only the "not ok" lines are shown
out=${TMPDIR:-/tmp}/matrix-run.$$
for i in 0 1; do
    ORACLE_SHARD=$i/2 ORACLE_NAME=matrix ORACLE_SE_TOL=1e-6 "$here/../tab/run-c.sh" "$1" "$here/scenarios" > "$out.$i" 2>&1 &
done
wait
grep -hv '^ok\|^matrix oracle:' "$out.0" "$out.1"
p=$(sed -n 's/^matrix oracle: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$out.0" "$out.1" |
    awk '{ p += $1; f += $2 } END { print p + 0, f + 0, NR }')
rm -f "$out.0" "$out.1"
set -- $p
[ "$3" -eq 2 ] || { echo "matrix oracle: a half did not finish"; status=1; }
echo "matrix oracle: $1 passed, $2 failed"
[ "$2" -eq 0 ] || status=1
exit $status
