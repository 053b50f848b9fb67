#!/usr/bin/env bash
# make-tsunagari-boot.sh BIN — data/households-boot-tsunagari.csv: the 50 bootstrap replicate
# weights tsunagari-weight makes for the SYNTHETIC households.csv (strata area, PSUs point,
# weights pw, [design] variance = bootstrap, seed 20261217) as scenario 52 asks for them, with
# the ids, exported by tsunagari-export. Scenario 52's R (created.R) reads them as the
# replicates of its svrepdesign: tsunagari's generator is its own, so R is given its columns;
# run-c.sh makes them again from the seed, and only the same columns give R's numbers.
# Usage: sh tests/oracle/tab/make-tsunagari-boot.sh bin (after make)
set -eu
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
grep -v '^#' "$here/data/households.csv" > "$t/d.csv"
"$bin/tsunagari-ingest" -q --max-reject-rate 0 -c "$here/codebooks/households.csv" -o "$t/d.tsd" "$t/d.csv"
"$bin/tsunagari-weight" -q --set design.weight=pw --set design.strata=area --set design.cluster=point \
    --set design.variance=bootstrap --set design.replicates=50 --set design.seed=20261217 -o "$t/w.tsd" "$t/d.tsd"
vars=id,weight$(seq 1 50 | sed 's/^/,repw_/' | tr -d '\n')
# the multipliers (how often each row's PSU was drawn: whole numbers) = replicate / weight,
# which the CSV's six significant digits give exactly
{
    echo "# tsunagari-weight's 50 bootstrap replicates of SYNTHETIC households.csv as multipliers m_1..m_50 of the"
    echo "# weight (strata area, PSUs point, weights pw, seed 20261217; make-tsunagari-boot.sh, scenario 52)"
    "$bin/tsunagari-export" --vars "$vars" "$t/w.tsd" | awk -F, -v OFS=, '
        NR == 1 { printf "id"; for (k = 3; k <= NF; k++) printf ",m_%d", k - 2; print ""; next }
        { printf "%s", $1; for (k = 3; k <= NF; k++) printf ",%d", int($k / $2 + 0.5); print "" }'
} > "$here/data/households-boot-tsunagari.csv"
