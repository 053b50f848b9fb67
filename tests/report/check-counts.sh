#!/usr/bin/env bash
# check-counts.sh BIN — a counts file through tsunagari-report (issue #16, docs/counts.md): the
# synthetic consultations by age (tests/fixtures/counts-consultations) give tables.csv rows of
# counts and shares with no SE, interval or test; report.pdf says 合計 6,057 件 and that there is
# no sampling error, and never 有効回答, 回答者数, 標準誤差 of an estimate or 単純無作為抽出; the
# chart of counts is drawn; reproducibility.txt lists the counts file with its SHA-256; a rerun is
# byte-identical; a total row that disagrees stops the report naming file:line:column (exit 65);
# with min_cell = 10 the small count and the one that would give it away are withheld (＊).
# Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

cp -R tests/fixtures/counts-consultations "$T/c"
"$BIN/tsunagari-report" -q "$T/c/survey.ini" -o "$T/a" 2>"$T/a.err"
check "the counts report runs (exit 0)" test -s "$T/a/report.pdf"
check "no dataset, no weighting report, no restricted/" sh -c "test ! -e '$T/a/restricted' && test ! -e '$T/a/weighting-report.txt'"
check "tables.csv: 7 share rows of by_age (the 合計 row left out)" \
    sh -c "grep -c '^by_age,,,全体,age,[1-7],.*,share,6057,' '$T/a/tables.csv' | grep -qx 7"
check "tables.csv: 20代 2,037 of 6,057, no SE, no interval, ci_method none" \
    grep -q '^by_age,,,全体,age,2,20代,share,6057,2037,,0.3363051015354136,,,,none,,,,,,,no,,,$' "$T/a/tables.csv"
check "tables.csv: no test rows" sh -c "! grep -q 'rao_scott' '$T/a/tables.csv'"
pdftotext "$T/a/report.pdf" "$T/a.txt"
tr -d '\n ' <"$T/a.txt" >"$T/a.flat"
check "report.pdf: the cover says 合計 6,057 件" grep -q '合計6,057件' "$T/a.flat"
check "report.pdf: the total row was checked" grep -q '合計行（11行目）' "$T/a.flat"
check "report.pdf: no sampling error, no SE, interval or test" grep -q '標本誤差はなく' "$T/a.flat"
check "report.pdf: never 有効回答, 回答者数, 単純無作為抽出, 信頼区間] or ウェイト付け集計" \
    sh -c "! grep -qE '有効回答|回答者数|単純無作為抽出|信頼区間\]|ウェイト付け集計|設計効果' '$T/a.flat'"
check "report.pdf: the table of counts with shares (2,037（33.6%）)" grep -q '2,037（33.6%）' "$T/a.flat"
check "report.pdf: the chart (図1 年代別 相談件数)" grep -q '図1年代別相談件数' "$T/a.flat"
check "charts/by_age.png is drawn" test -s "$T/a/charts/by_age.png"
pdftotext -bbox "$T/a/report.pdf" "$T/a.bbox.html"
check "report.pdf: no text overprints another (overprint.py)" python3 tests/report/overprint.py "$T/a.bbox.html"
mkdir -p "$T/x" && (cd "$T/x" && unzip -q "$T/a/tables.xlsx")
check "tables.xlsx: the counts sheet (件数 and 割合, no interval) and the cover's 合計（件）" \
    sh -c "grep -q '全体 件数' '$T/x/xl/sharedStrings.xml' && grep -q '合計（件）' '$T/x/xl/sharedStrings.xml' && ! grep -qE '\[95%信頼区間|回答者数|ウェイト付き推定|有効回答' '$T/x/xl/sharedStrings.xml'"
sum=$(sha256sum "$T/c/consultations.csv" | cut -d' ' -f1)
check "reproducibility.txt lists the counts file" grep -q "input.counts .*$sum" "$T/a/reproducibility.txt"
"$BIN/tsunagari-report" -q "$T/c/survey.ini" -o "$T/b" 2>/dev/null
check "a rerun: report.pdf, tables.csv and tables.xlsx byte-identical" \
    sh -c "cmp -s '$T/a/report.pdf' '$T/b/report.pdf' && cmp -s '$T/a/tables.csv' '$T/b/tables.csv' && cmp -s '$T/a/tables.xlsx' '$T/b/tables.xlsx'"
# a total row that disagrees
sed -i 's/^合計,"6,057"/合計,"6,058"/' "$T/c/consultations.csv"
"$BIN/tsunagari-report" -q "$T/c/survey.ini" -o "$T/d" 2>"$T/d.err"
rc=$?
check "a total row that disagrees: exit 65" test $rc -eq 65
check "... naming file:line:column and both numbers" grep -q 'consultations.csv:11:2: the total row 合計 says 6,058, but the 7 rows above it add up to 6,057' "$T/d.err"
# small counts withheld
sed -i 's/^合計,"6,058"/合計,"6,057"/; s/^min_cell = 0/min_cell = 30/' "$T/c/consultations.csv" "$T/c/survey.ini"
"$BIN/tsunagari-report" -q "$T/c/survey.ini" -o "$T/e" 2>"$T/e.err"
check "min_cell = 30: 不明 (22) primary, the smallest other (60代以上, 301) secondary" \
    sh -c "grep -q ',7,不明,share,6057,,,,,,,none,,,,,,,yes,,,primary' '$T/e/tables.csv' && grep -q ',6,60代以上,share,6057,,,,,,,none,,,,,,,yes,,,secondary' '$T/e/tables.csv'"
check "... shown as ＊ in report.pdf" sh -c "pdftotext '$T/e/report.pdf' - | grep -q '＊'"
# in English ([report] language = en): the fixed texts of the counts report, the labels as the file gives them
cp -R tests/fixtures/counts-consultations "$T/en"
sed -i 's/^\[report\]$/[report]\nlanguage = en/' "$T/en/survey.ini"
"$BIN/tsunagari-report" -q "$T/en/survey.ini" -o "$T/g" 2>"$T/g.err"
pdftotext "$T/g/report.pdf" - | tr -d '\n ' >"$T/g.flat"
check "language = en: About the data, 6,057 in all, no sampling error, the table's All and Total" \
    sh -c "grep -q 'Aboutthedata' '$T/g.flat' && grep -q '6,057inall' '$T/g.flat' && grep -q 'Completecountshavenosamplingerror' '$T/g.flat' && grep -q 'All' '$T/g.flat' && grep -q '6,057(100%)' '$T/g.flat'"
check "... and none of the Japanese fixed texts (データの概要, 集計の方法, 件数と, 全体)" \
    sh -c "! grep -qE 'データの概要|集計の方法|件数と|全体|標本誤差' '$T/g.flat'"

# tables only (no [chart.NAME]) and a domain column with more domains than one grid holds
cat >"$T/c/area.csv" <<'CSV'
年代,地区,件数
10代,北部,141
10代,南部,323
10代,東部,298
10代,西部,86
10代,中央,209
20代,北部,340
20代,南部,317
20代,東部,53
20代,西部,330
20代,中央,26
CSV
cat >"$T/c/area.ini" <<'INI'
[survey]
id = area
title = 地区別の相談件数（合成データ）
synthetic = yes
[input]
counts = area.csv
counts_columns = age, area, n
[table.age_area]
var = age
by = area
[privacy]
min_cell = 0
INI
"$BIN/tsunagari-report" -q "$T/c/area.ini" -o "$T/f" 2>"$T/f.err"
check "a tables-only counts manifest runs (no plot stage, no charts/)" sh -c "test -s '$T/f/report.pdf' && test ! -e '$T/f/charts'"
check "... every domain's column in report.pdf (全体 and 5 地区, over two grids)" \
    sh -c "pdftotext '$T/f/report.pdf' - | tr -d '\n ' | grep -q '中央' && pdftotext '$T/f/report.pdf' - | tr -d '\n ' | grep -q '26（11.1%）'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
