#!/usr/bin/env bash
# check-differences.sh BIN — 「前回調査との差」 through tsunagari-report (issue #15): the Yamagata
# demo (synthetic) run once gives a tables.csv that stands for the previous wave; the demo again
# with [table.lonely_sex] previous = that file: the run succeeds, tables.csv has the rows
# 'CODES - previous' labelled with previous_label, report.pdf says them under the table,
# reproducibility.txt lists the previous file with its SHA-256, a rerun gives the same bytes;
# a previous file without the table stops the report with the manifest line (exit 65); the
# demo's own difference chart (its tables' differences = ..., [chart] type = difference) is in
# charts/ and report.pdf. Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/data" && cp -R data/yamagata-2022 data/reference "$T/data/"
Y=$T/data/yamagata-2022
"$BIN/tsunagari-report" -q "$Y/survey.ini" -o "$T/first" 2>"$T/first.err"
check "the demo runs" test -s "$T/first/tables.csv"
check "the demo's difference chart is drawn" test -s "$T/first/charts/lonely_often_age_diff.png"
check "report.pdf shows the difference chart" sh -c "pdftotext '$T/first/report.pdf' - | grep -q '年齢別の全体との差'"
check "tables.csv: 男性 - 女性 rows of lonely_sex" sh -c "grep -c '^lonely_sex,sex,1 - 2,男性 - 女性,lonely,[1-5],.*,difference,' '$T/first/tables.csv' | grep -qx 5"
cp "$T/first/tables.csv" "$Y/tables-2021.csv"
sed -i '/^\[table.lonely_sex\]/a previous = tables-2021.csv\nprevious_label = 前回調査（2021年）' "$Y/survey.ini"
"$BIN/tsunagari-report" -q "$Y/survey.ini" -o "$T/a" 2>"$T/a.err"
check "with previous = tables-2021.csv: exit 0" test -s "$T/a/report.pdf"
# the same survey against itself: every difference 0, se = √2 × its own
check "15 rows 'CODES - previous' (全体, 男性, 女性 × 5 answers), each 0" \
    sh -c "awk -F, '\$3 ~ / - previous\$/ && \$8 == \"difference\" { n++; if (\$12 != 0) bad++ } END { exit !(n == 15 && !bad) }' '$T/a/tables.csv'"
check "labelled with previous_label" grep -q ',全体 - 前回調査（2021年）,lonely,' "$T/a/tables.csv"
check "report.pdf gives them under the table" sh -c "pdftotext '$T/a/report.pdf' - | tr -d '\n' | grep -q '男性 - 前回調査（2021年）'"
sum=$(sha256sum "$Y/tables-2021.csv" | cut -d' ' -f1)
check "reproducibility.txt lists the previous file" grep -q "table.lonely_sex.previous $sum" "$T/a/reproducibility.txt"
"$BIN/tsunagari-report" -q "$Y/survey.ini" -o "$T/b" 2>/dev/null
check "a rerun: report.pdf, tables.csv and tables.xlsx byte-identical" \
    sh -c "cmp -s '$T/a/report.pdf' '$T/b/report.pdf' && cmp -s '$T/a/tables.csv' '$T/b/tables.csv' && cmp -s '$T/a/tables.xlsx' '$T/b/tables.xlsx'"
grep -v '^lonely_sex,' "$Y/tables-2021.csv" > "$Y/t.csv" && mv "$Y/t.csv" "$Y/tables-2021.csv"
"$BIN/tsunagari-report" -q "$Y/survey.ini" -o "$T/c" 2>"$T/c.err"
rc=$?
check "a previous file without the table: exit 65" test $rc -eq 65
check "... naming the manifest line and the table" grep -q 'survey.ini:[0-9]*: \[table.lonely_sex\] previous = tables-2021.csv: .*has no table lonely_sex' "$T/c.err"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
