#!/bin/sh
# export-inputs.sh — (re)write the committed INPUT data of the estimation oracle.
#
# Part of tests/oracle/tab/: the R oracle for tsunagari-tab. bin/tsunagari-export turns the
# demo datasets (out/<survey>/dataset.tsd, made by `make && make demo`) into CSV of codes
# (data/yamagata.csv, data/saitama.csv); make-inputs.R writes data/apistrat.csv and
# data/apiclus1.csv from R's data(api). Margins and frames are NOT copied: scenarios name the
# weighting oracle's files (../../weight/NN-*/margin_*.csv), so both oracles use one set.
# Run from anywhere: sh tests/oracle/tab/export-inputs.sh
# Then regenerate the expected values: Rscript tests/oracle/tab/make-expected.R
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
# Codes as stored: empty = system missing; Saitama's 9 (無回答) stays 9 — scenario.ini's
# item_missing says which codes mean "no answer". events: one 0/1 column per option.
"$export_bin" --vars id,age_band,sex,lonely,ucla_score,ucla_band,consult,events \
    -o "$here/data/yamagata.csv" "$top/out/yamagata-2022/dataset.tsd"
"$export_bin" --vars id,area,age_band,sex,lonely,ucla_score,ucla_band,consult \
    -o "$here/data/saitama.csv" "$top/out/saitama-2022/dataset.tsd"
Rscript "$here/make-inputs.R"
