#!/usr/bin/env bash
# check-census.sh BIN — censuses (issue #16): [design] type = census gives exact counts and
# percentages with no sampling error anywhere. Runs the report on the synthetic census of 86
# support organisations (tests/fixtures/census-orgs/report.ini: [privacy] units = organisations,
# min_cell = 0) and on the synthetic three-school census (tests/fixtures/school-census: the
# enrolment of each school level as [design] drawn_frame), and checks: no CI, SE, design effect
# or test in tables.csv, tables.txt, report.pdf or tables.xlsx; counts as whole numbers with
# separators; the cover's census, units and response rates (per school level); zeros shown as 0
# with min_cell = 1; a tables-only manifest gives a report; under ci = none a sample's tables are
# not headed [95%信頼区間]. Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

# the text of report.pdf on one line (pdftotext breaks lines where the PDF does)
pdftext() { pdftotext "$1" - 2>/dev/null | tr -d '\n'; }
# every string of a workbook (shared strings and inline ones)
xlsxtext() {
    python3 - "$1" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for name in z.namelist():
    if name.endswith(".xml") and (name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"):
        print(re.sub(r"<[^>]+>", " ", z.read(name).decode()))
PY
}
# no row of tables.csv with an SE, interval, level, df, deff, cv or p, or a test; ci_method none
exact_csv() {
    python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
bad = [r for r in rows if r["statistic"].startswith("rao_scott") or r["ci_method"] != "none"
       or any(r[k] for k in ("se", "ci_low", "ci_high", "ci_level", "df", "df2", "deff", "cv", "p_value"))]
sys.exit(1 if bad or not rows else 0)
PY
}

# 1. The census of 86 organisations.
cp -R tests/fixtures/census-orgs "$T/orgs"
O=$T/orgs-out
check "organisations: the report runs" "$BIN/tsunagari-report" -q "$T/orgs/report.ini" -o "$O"
P=$(pdftext "$O/report.pdf")
check "organisations: tables.csv has no SE, interval, df, deff, cv, p or test row; ci_method none" exact_csv "$O/tables.csv"
check "organisations: tables.txt says a census and has no (±se)" \
    sh -c "head -1 '$O/tables.txt' | grep -q 'a census' && ! grep -q '±' '$O/tables.txt'"
check "organisations: report.pdf has no interval, SE, design effect or test" \
    sh -c "! printf '%s' \"\$1\" | grep -qE '信頼区間\]|\[95%|Rao–Scott|設計効果と有効|有効標本サイズ|ウェイトの範囲|±'" _ "$P"
check "organisations: the charts have no error bars (no ヒゲ note) and say 全数調査" \
    sh -c "! printf '%s' \"\$1\" | grep -q 'ヒゲ' && printf '%s' \"\$1\" | grep -q 'n=86、全数調査（回答した団体の割合）'" _ "$P"
check "organisations: the cover says a census of the 98 organisations, 86 answered (87.8%)" \
    sh -c "printf '%s' \"\$1\" | grep -q '全数調査：対象 98 団体のすべてに依頼' && printf '%s' \"\$1\" | grep -q '対象 98 団体、回答 86 団体、回答率 87.8%'" _ "$P"
check "organisations: the cover names the units (団体)" \
    sh -c "printf '%s' \"\$1\" | grep -q '集計の単位団体（1 団体 1 回答'" _ "$P"
check "organisations: the methods page says there is no sampling error" \
    sh -c "printf '%s' \"\$1\" | grep -q '全数調査の集計' && printf '%s' \"\$1\" | grep -q '標本誤差）はありません'" _ "$P"
check "organisations: share cells give their counts as whole numbers (37 団体 of 86 in 1～4人)" \
    sh -c "printf '%s' \"\$1\" | grep -q '37 団体' && printf '%s' \"\$1\" | grep -q '43.0'" _ "$P"
check "organisations: a total of users as a whole number with separators (7,533), not an estimate" \
    sh -c "printf '%s' \"\$1\" | grep -q '7,533' && printf '%s' \"\$1\" | grep -q '合計（回答の値の合計、整数）' && ! printf '%s' \"\$1\" | grep -q '推定総数'" _ "$P"
check "organisations: a mean of a whole-number item with one decimal (6.3 volunteers, not 6.31)" \
    sh -c "pdftotext -layout '$O/report.pdf' - | grep -qE '^ *全体 +86 +6\.3\$'"
xlsxtext "$O/tables.xlsx" > "$T/orgs.xlsx.txt"
check "organisations: tables.xlsx has no interval or SE column" \
    sh -c "! grep -qE '信頼区間|標準誤差|設計効果' '$T/orgs.xlsx.txt'"
check "organisations: tables.xlsx says a census of organisations" \
    sh -c "grep -q '全数調査' '$T/orgs.xlsx.txt' && grep -q '団体' '$T/orgs.xlsx.txt'"
rm -f "$T"/orgs-*.png
pdftoppm -r 60 -png "$O/report.pdf" "$T/orgs-page" 2>/dev/null
check "organisations: every page renders ($(ls "$T"/orgs-page*.png 2>/dev/null | wc -l) pages)" \
    sh -c "ls '$T'/orgs-page*.png > /dev/null 2>&1"

# zeros: with min_cell = 1 a category no organisation chose is 0, not ＊ 「1 団体未満」
sed -i 's/^min_cell = 0$/min_cell = 1/' "$T/orgs/report.ini"
check "min_cell = 1: the report runs" "$BIN/tsunagari-report" -q "$T/orgs/report.ini" -o "$T/orgs1"
check "min_cell = 1: zero counts are published as 0 (there are some), nothing withheld" \
    python3 - "$T/orgs1/tables.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
zeros = [r for r in rows if r["n_category"] == "0" and r["estimate"] == "0" and r["suppressed"] == "no"]
sys.exit(0 if zeros and not any(r["suppressed"] == "yes" for r in rows) else 1)
PY
P1=$(pdftext "$T/orgs1/report.pdf")
check "min_cell = 1: no cell withheld in report.pdf (no 「＊ 回答団体が 1 団体未満」 under a table)" \
    sh -c "! printf '%s' \"\$1\" | grep -qE '＊ 回答団体が|非表示の回答'" _ "$P1"

# a tables-only manifest: no [chart.NAME], still a report (no plot stage)
sed -i '/^\[chart\./,/^title = /d' "$T/orgs/report.ini"
check "tables only: no [chart.NAME] section left" sh -c "! grep -q '^\[chart' '$T/orgs/report.ini'"
check "tables only: the report runs (not 'nothing to draw')" "$BIN/tsunagari-report" -q "$T/orgs/report.ini" -o "$T/orgs2"
P2=$(pdftext "$T/orgs2/report.pdf")
check "tables only: report.pdf with its six tables and no chart" sh -c "printf '%s' \"\$1\" | grep -q '表6' && ! printf '%s' \"\$1\" | grep -q '図1'" _ "$P2"

# 2. The three-school census.
cp -R tests/fixtures/school-census "$T/sc"
O=$T/sc-out
check "schools: the report runs" "$BIN/tsunagari-report" -q "$T/sc/survey.ini" -o "$O"
P=$(pdftext "$O/report.pdf")
check "schools: tables.csv has no SE, interval or test" exact_csv "$O/tables.csv"
check "schools: not described as a stratified sample of persons drawn" \
    sh -c "! printf '%s' \"\$1\" | grep -qE '層化無作為抽出|単純無作為抽出|抽出 [0-9]|回収率'" _ "$P"
check "schools: the cover says a census of the 131 pupils, 95 answered" \
    sh -c "printf '%s' \"\$1\" | grep -q '対象 131 人、回答 95 人、回答率 72.5%'" _ "$P"
check "schools: the response rate of each school level, from its enrolment" \
    sh -c "printf '%s' \"\$1\" | grep -q '小学生 対象 52 人・回答 40 人（76.9%）、中学生 対象 41 人・回答 30 人（73.2%）、高校生 対象 38 人・回答 25 人（65.8%）'" _ "$P"
check "schools: the cover names the units (人)" sh -c "printf '%s' \"\$1\" | grep -q '集計の単位人（1 人 1 回答'" _ "$P"
check "schools: no interval or test in report.pdf" \
    sh -c "! printf '%s' \"\$1\" | grep -qE '信頼区間\]|\[95%|Rao–Scott|±'" _ "$P"
check "schools: counts under the shares (43 人 of 75 are 男: 57.3%)" \
    sh -c "printf '%s' \"\$1\" | grep -q '43 人' && printf '%s' \"\$1\" | grep -q '57.3'" _ "$P"
xlsxtext "$O/tables.xlsx" > "$T/sc.xlsx.txt"
check "schools: tables.xlsx gives the response rate of each level and no interval" \
    sh -c "grep -q '76.9' '$T/sc.xlsx.txt' && ! grep -qE '信頼区間|標準誤差' '$T/sc.xlsx.txt'"

# 3. A sample with ci = none: its table is not headed with an interval it does not have.
cp -R tests/fixtures/census-orgs "$T/srs"
sed -i 's/^type = census$/type = srs/; s/^\[table.staff_type\]$/[table.staff_type]\nci = none/' "$T/srs/report.ini"
check "ci = none: the report runs on a sample" "$BIN/tsunagari-report" -q "$T/srs/report.ini" -o "$T/srs-out"
P3=$(pdftext "$T/srs-out/report.pdf")
check "ci = none: 表1 is 割合（%）（信頼区間なし）, 表2 keeps its [95%信頼区間]" \
    sh -c "printf '%s' \"\$1\" | grep -q '職員数 × 団体の種類割合（%）（信頼区間なし）。' && printf '%s' \"\$1\" | grep -q '職員数 × 活動地域 × 団体の種類割合（%）と \[95%信頼区間\]'" _ "$P3"

# The census in English ([report] language = en): the census's own fixed texts, on the cover, the
# tables' notes, the methods page and the xlsx cover, are English (the fixture's labels have no
# label_en, so they stay Japanese, as they should).
mkdir -p "$T/en" && cp -R tests/fixtures/census-orgs "$T/en/"
sed -i 's/^\[report\]$/[report]\nlanguage = en/' "$T/en/census-orgs/report.ini"
check "English census: the report runs" "$BIN/tsunagari-report" -q "$T/en/census-orgs/report.ini" -o "$T/en/out"
PE=$(pdftotext -layout "$T/en/out/report.pdf" - 2>/dev/null)
check "English census: cover, notes and methods page in English" \
    sh -c "printf '%s' \"\$1\" | grep -q 'Unit of analysis' && printf '%s' \"\$1\" | grep -q 'Population and answers' && printf '%s' \"\$1\" | grep -q 'Tabulating a census' && printf '%s' \"\$1\" | grep -q 'n counts the units that answered'" _ "$PE"
check "English census: none of the census's Japanese fixed texts left" \
    sh -c "! printf '%s' \"\$1\" | grep -q -e '集計の単位' -e '対象と回答' -e '全数調査の集計' -e '回答した団体の数' -e '上段は割合'" _ "$PE"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
