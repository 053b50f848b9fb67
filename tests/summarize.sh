#!/usr/bin/env bash
# summarize.sh RESULTS... — one closing line for `make check`: "N passed, N failed".
set -u
cat "$@" 2>/dev/null > /tmp/tsunagari-results.$$ || true
pass=$(grep -c '^PASS' /tmp/tsunagari-results.$$ || true)
fail=$(grep -c '^FAIL' /tmp/tsunagari-results.$$ || true)
rm -f /tmp/tsunagari-results.$$
echo "make check: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
