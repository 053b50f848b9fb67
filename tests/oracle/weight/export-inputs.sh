#!/bin/sh
# export-inputs.sh — (re)write the committed INPUT files of the weighting oracle.
#
# Part of tests/oracle/weight/ (issue #4): the R oracle for tsunagari's weighting stage.
# 1. bin/tsunagari-export turns the demo datasets (out/<survey>/dataset.tsd, made by
#    `make && make demo`) into CSV of codes: one data.csv per demo scenario.
# 2. make-inputs.R writes the margin, frame and totals files (codes + labels, from
#    data/<survey>/ and the codebooks) and the data.csv of the R `api` scenarios.
# Run from anywhere: sh tests/oracle/weight/export-inputs.sh
# Then regenerate the expected values: Rscript tests/oracle/weight/make-expected.R
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
export_bin="$top/bin/tsunagari-export"
for s in yamagata-2022 saitama-2022; do
    if [ ! -f "$top/out/$s/dataset.tsd" ]; then
        echo "export-inputs.sh: $top/out/$s/dataset.tsd missing: run make && make demo" >&2
        exit 66
    fi
done
for d in 01-yamagata-rake 02-yamagata-poststratify 03-yamagata-linear \
         04-yamagata-raking-bounded 04b-yamagata-linear-bounded; do
    "$export_bin" --vars id,age_band,sex -o "$here/$d/data.csv" \
        "$top/out/yamagata-2022/dataset.tsd"
done
"$export_bin" --vars id,area,age_band,sex -o "$here/06-saitama-design/data.csv" \
    "$top/out/saitama-2022/dataset.tsd"
Rscript "$here/make-inputs.R"
