#!/usr/bin/env bash
# check-form-exports.sh BIN — a form tool's export end to end (issues #13, #14): the synthetic
# Google Forms, SurveyMonkey and Microsoft Forms (.xlsx) exports in tests/fixtures/google-forms/,
# tests/fixtures/surveymonkey/ and tests/fixtures/ms-forms/
# go through tsunagari-codebook draft, then tsunagari-report. For each: the draft is the committed
# codebook.draft.csv byte for byte, the committed codebook.csv differs from it only in label
# cells (what an analyst edits), the report runs (exit 0) with the tables of its survey.ini in
# tables.csv, and every single and multi answer that tsunagari-export --labels gives back from
# the ingested dataset is the raw cell's text (form-exports-compare.py). Prints ok / not ok
# lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
CMP=$ROOT/tests/report/form-exports-compare.py

# form NAME HEADER_ROWS ID RAW ANSWERS TABLES...: ID is row (id = row) or column; RAW the export
# the draft reads, ANSWERS the CSV of its cells as text (the export itself, or a workbook's twin)
form() {
    name=$1 rows=$2 id=$3 raw=$4 answers=$5
    shift 5
    cp -R "tests/fixtures/$name" "$T/$name"
    D=$T/$name
    (cd "$D" && "$BIN/tsunagari-codebook" draft --header-rows "$rows" -o draft.csv "$raw" > /dev/null 2> draft.err)
    check "$name: tsunagari-codebook draft gives the committed codebook.draft.csv" cmp -s "$D/draft.csv" "$D/codebook.draft.csv"
    check "$name: codebook.csv differs from the draft only in label cells" \
        python3 "$CMP" labels-only "$D/codebook.draft.csv" "$D/codebook.csv"
    "$BIN/tsunagari-report" -q --with-microdata "$D/survey.ini" -o "$D/out" 2> "$D/report.err"
    rc=$?
    check "$name: tsunagari-report exits 0" test "$rc" = 0
    [ "$rc" = 0 ] || sed 's/^/# /' "$D/report.err"
    check "$name: tables.csv is not empty" test -s "$D/out/tables.csv"
    for t in "$@"; do
        check "$name: tables.csv has the table $t" grep -q "^$t," "$D/out/tables.csv"
    done
    check "$name: nothing rejected" test "$(tail -n +2 "$D/out/restricted/rejects.csv" | grep -c .)" = 0
    "$BIN/tsunagari-export" --labels --multi=list -o "$D/labels.csv" "$D/out/restricted/dataset.tsd"
    check "$name: every answer's label (a multi's labels as a set) is the raw cell" \
        python3 "$CMP" answers "$D/$answers" "$rows" "$D/codebook.csv" "$D/labels.csv" "$id"
}

form google-forms 1 row raw.csv raw.csv lonely consult
check "google-forms: the record says id = row" grep -q -- "--id row" "$T/google-forms/out/reproducibility.txt"
form surveymonkey 2 column raw.csv raw.csv satisfied_sex consult
check "surveymonkey: the record says two header rows" grep -q -- "--header-rows 2" "$T/surveymonkey/out/reproducibility.txt"
# Microsoft Forms as Excel downloads it: the workbook itself goes in; 回答.csv holds its cells
# as text (the dates as the reader gives them), to compare the answers with
form ms-forms 1 column 回答.xlsx 回答.csv lonely consult
check "ms-forms: the dataset says it came from the workbook's sheet" \
    sh -c "'$BIN/tsunagari-export' --describe '$T/ms-forms/out/restricted/dataset.tsd' | grep -qx '  source.sheet = Sheet1'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
