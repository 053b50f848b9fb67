#!/bin/sh
# cases-live.sh — rerun the R scripts that CLI cases carry (tests/cases/*/*/make-expected.R,
# each writing its expected-r.csv to stdout) and compare with the committed expected-r.csv:
# numbers within 1e-12 relative, text equal (tests/oracle/csv-same.awk). One "ok"/"not ok"
# line per case, then "N passed, N failed"; exit 1 when anything failed. CI runs it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/oracle-cases.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for script in "$here"/../cases/*/*/make-expected.R; do
    [ -f "$script" ] || continue
    dir=$(dirname "$script")
    name=$(basename "$(dirname "$dir")")/$(basename "$dir")
    if (cd "$dir" && Rscript make-expected.R) >"$tmp/got.csv" 2>"$tmp/err" &&
       awk -F, -v tol=1e-12 -f "$here/csv-same.awk" "$dir/expected-r.csv" "$tmp/got.csv" >"$tmp/diff" 2>&1; then
        echo "ok - R values of case $name"; pass=$((pass + 1))
    else
        echo "not ok - R values of case $name"; sed 's/^/#   /' "$tmp/err" "$tmp/diff" | head -20
        fail=$((fail + 1))
    fi
done
echo "cases oracle live: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
