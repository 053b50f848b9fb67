#!/bin/sh
# check-live.sh — rerun the option-matrix oracle's R scripts and compare with what is committed.
#
# Part of tests/oracle/matrix/. In a temporary folder: make-inputs.R writes data/ (compared
# with data/*.csv), make-scenarios.R writes scenarios/*/scenario.ini from it and excluded.txt
# (compared byte for byte: the bounds it chose), tests/oracle/tab/make-expected.R writes each
# expected.csv (compared as tests/oracle/tab/check-live.sh does: numbers within 1e-12
# relative, tests/oracle/csv-same.awk). About 5 minutes. Prints one "ok"/"not ok" line per
# step and per failing file, then "N passed, N failed"; exit 1 when anything failed.
# Usage: sh tests/oracle/matrix/check-live.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/oracle-matrix.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }
csv_same() { awk -F, -v tol=1e-12 -f "$here/../csv-same.awk" "$1" "$2"; }

cp "$here/excluded.txt" "$tmp/"
mkdir "$tmp/data"
for step in "make-inputs.R $tmp" "make-scenarios.R $tmp" "../tab/make-expected.R $tmp/scenarios $tmp/scenarios"; do
    set -- $step
    script=$1; shift
    if Rscript "$here/$script" "$@" > "$tmp/log" 2>&1; then
        echo "ok - $script ran"; ok
    else
        notok "$script failed:"; sed 's/^/#   /' "$tmp/log" | tail -20
    fi
done
for f in "$here"/data/*.csv; do
    new=$tmp/data/$(basename "$f")
    if [ ! -f "$new" ]; then notok "data/$(basename "$f"): not regenerated"
    elif msg=$(csv_same "$f" "$new"); then ok
    else notok "data/$(basename "$f")"; echo "$msg"; fi
done
n=0
for dir in "$here"/scenarios/*/; do
    name=$(basename "$dir")
    n=$((n + 1))
    if [ ! -f "$tmp/scenarios/$name/scenario.ini" ]; then notok "$name: not regenerated"; continue; fi
    if cmp -s "$dir/scenario.ini" "$tmp/scenarios/$name/scenario.ini"; then ok
    else notok "$name/scenario.ini changed"; diff "$dir/scenario.ini" "$tmp/scenarios/$name/scenario.ini" | sed 's/^/#   /' | head -10; fi
    if [ ! -f "$tmp/scenarios/$name/expected.csv" ]; then notok "$name/expected.csv: not regenerated"
    elif msg=$(csv_same "$dir/expected.csv" "$tmp/scenarios/$name/expected.csv"); then ok
    else notok "$name/expected.csv"; echo "$msg"; fi
done
m=$(ls "$tmp/scenarios" | wc -l)
[ "$m" -eq "$n" ] && ok || notok "$m scenarios regenerated, $n committed"
echo "# matrix: $n scenarios; $(grep -h '^R version\|^survey' "$tmp"/scenarios/*/VERSION 2>/dev/null | sort -u | tr '\n' ' ')"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
