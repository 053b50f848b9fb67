#!/usr/bin/env bash
# check-saitama.sh BIN — issue #14's "done when" on the Saitama demo (synthetic): its answers as
# an SPSS .sav that R's haven writes here (saitama-sav.R: value labels, user-missing codes, the
# multiple answers as 0/1 variables; nothing binary committed) go through tsunagari-report with
# [input] codebook = embedded, derived.csv, and as an .xlsx (rawlayout-xlsx.py, openpyxl) with
# the demo's codebook; both give tables.csv byte-identical to the CSV route, and the workbook
# the same dataset. Prints ok / not ok lines and "N passed, N failed".
set -u
BIN=${1:-bin}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/check-saitama.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/checklib.sh"
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/plots/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS
HERE=$ROOT/tests/stat
# a Python with openpyxl: CI's Debian python3 (python3-openpyxl); else the system one
PY=python3
$PY -c 'import openpyxl' 2> /dev/null || PY=/usr/bin/python3

cp -R data/saitama-2022 "$T/csv" && cp -R data/reference "$T/reference"
"$BIN/tsunagari-report" -q --with-microdata "$T/csv/survey.ini" -o "$T/csv-out"
check "the CSV route: the demo's report" test -s "$T/csv-out/tables.csv"
"$BIN/tsunagari-export" -o "$T/answers.csv" "$T/csv-out/restricted/dataset.tsd"

# SPSS: the answers written by haven, read with their embedded codebook
mkdir "$T/sav" && cp data/saitama-2022/frame_*.csv data/saitama-2022/survey.ini "$T/sav/"
Rscript "$HERE/saitama-sav.R" data/saitama-2022/codebook.csv "$T/answers.csv" "$T/sav/raw.sav" "$T/sav/derived.csv" \
    2> "$T/sav.Rerr"
check "R's haven writes the demo's answers as raw.sav" test -s "$T/sav/raw.sav"
sed -i 's/^raw *= raw.csv$/raw      = raw.sav/; s/^codebook *= codebook.csv$/codebook = embedded, derived.csv/' \
    "$T/sav/survey.ini"
check "the manifest reads raw.sav with codebook = embedded, derived.csv" \
    sh -c "grep -q '^raw *= raw.sav' '$T/sav/survey.ini' && grep -q '^codebook = embedded, derived.csv' '$T/sav/survey.ini'"
"$BIN/tsunagari-report" -q "$T/sav/survey.ini" -o "$T/sav-out" 2> "$T/sav.err"
rc=$?
check "the .sav route: the report runs" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/# /' "$T/sav.err"
check "the .sav route: tables.csv byte-identical to the CSV route's" cmp "$T/sav-out/tables.csv" "$T/csv-out/tables.csv"
check "the .sav route: tables.txt too" cmp "$T/sav-out/tables.txt" "$T/csv-out/tables.txt"

# Excel: the same answers in a workbook, read with the demo's codebook
mkdir "$T/xlsx" && cp data/saitama-2022/frame_*.csv data/saitama-2022/codebook.csv data/saitama-2022/survey.ini "$T/xlsx/"
"$BIN/tsunagari-export" --raw-layout -o "$T/rawlayout.csv" "$T/csv-out/restricted/dataset.tsd"
$PY "$HERE/rawlayout-xlsx.py" "$T/rawlayout.csv" "$T/xlsx/raw.xlsx" "問12 自由記述"
check "the answers as raw.xlsx" test -s "$T/xlsx/raw.xlsx"
"$BIN/tsunagari-ingest" -q -c data/saitama-2022/codebook.csv -o "$T/x.tsd" "$T/xlsx/raw.xlsx"
"$BIN/tsunagari-export" -o "$T/x.csv" "$T/x.tsd"
check "the .xlsx gives the same dataset (every variable of every respondent)" cmp "$T/x.csv" "$T/answers.csv"
sed -i 's/^raw *= raw.csv$/raw      = raw.xlsx/' "$T/xlsx/survey.ini"
"$BIN/tsunagari-report" -q "$T/xlsx/survey.ini" -o "$T/xlsx-out" 2> "$T/xlsx.err"
check "the .xlsx route: tables.csv byte-identical to the CSV route's" cmp "$T/xlsx-out/tables.csv" "$T/csv-out/tables.csv"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
