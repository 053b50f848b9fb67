#!/usr/bin/env bash
# check-school-census.sh BIN — several raw files as one survey (issue #13): the synthetic
# three-file school census in tests/fixtures/school-census/ ([input] raw = three files, an
# encoding and a label each, source_variable = school) goes from the three exports to the report.
# Checks the per-file accounting (read = accepted + rejected + blank for each file, in the
# dataset's provenance), the source variable in the tables and the labelled answers, the cover's
# sentences on the files and the blank rows, the record's three input files; then [input]
# id = row (the cover says the ids are row numbers) and a sources list of the wrong length
# (refused before any stage). Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

cp -R tests/fixtures/school-census "$T/sc"
S=$T/sc/survey.ini
CMP=$ROOT/tests/report/form-exports-compare.py
# The codebook is the draft of the three files with label cells edited, nothing else.
(cd "$T/sc" && "$BIN/tsunagari-codebook" draft --encoding utf-8,cp932,utf-8 -o draft.csv 小学生.csv 中学生.csv 高校生.csv \
    > /dev/null 2> draft.err)
check "tsunagari-codebook draft of the three files gives the committed codebook.draft.csv" \
    cmp -s "$T/sc/draft.csv" "$T/sc/codebook.draft.csv"
check "codebook.csv differs from the draft only in label cells" \
    python3 "$CMP" labels-only "$T/sc/codebook.draft.csv" "$T/sc/codebook.csv"
check "three raw files: the report runs" "$BIN/tsunagari-report" -q --with-microdata "$S" -o "$T/out"
O=$T/out
"$BIN/tsunagari-export" --labels --multi=list -o "$T/labels.csv" "$O/restricted/dataset.tsd"
check "every answer tsunagari-export --labels gives back is the raw cell's text, in all three files" \
    python3 "$CMP" answers "$T/sc/小学生.csv:utf-8,$T/sc/中学生.csv:cp932,$T/sc/高校生.csv:utf-8" 1 \
    "$T/sc/codebook.csv" "$T/labels.csv" column
"$BIN/tsunagari-export" --describe "$O/restricted/weighted.tsd" > "$T/describe.txt" 2>&1
prov() { sed -n "s/^  $1 = //p" "$T/describe.txt"; }
SCHOOL='NR == 1 { for (i = 1; i <= NF; i++) if ($i == "school") c = i }' # its column in answers-labelled.csv
check "provenance: three files, the source variable school" \
    test "$(prov source.files)/$(prov source.variable)" = "3/school"
for f in 1 2 3; do
    read=$(prov "source.$f.rows_read") rej=$(prov "source.$f.rows_rejected") blank=$(prov "source.$f.rows_blank")
    label=$(prov "source.$f.label")
    n=$(awk -F, -v l="$label" "$SCHOOL"' NR > 1 && $c == l' "$O/restricted/answers-labelled.csv" | wc -l)
    check "file $f ($label): read $read = accepted $n + rejected $rej + blank $blank" \
        test -n "$read" -a "$read" -eq $((n + rej + blank))
done
check "provenance: 中学生.csv read as CP932, its three empty rows blank, not rejects" \
    test "$(prov source.2.encoding)/$(prov source.2.rows_blank)/$(prov source.2.rows_rejected)" = "cp932/3/0"
check "provenance: 高校生.csv's second copy of respondent 3005 rejected" test "$(prov source.3.rows_rejected)" = 1
check "provenance: the totals add up (99 read = 95 + 1 + 3)" \
    test "$(prov source.rows_read)/$(prov source.rows_rejected)/$(prov source.rows_blank)" = "99/1/3"
check "answers-labelled.csv: 40, 30 and 25 answers from 小学生, 中学生, 高校生" \
    test "$(awk -F, "$SCHOOL"' NR > 1 { n[$c]++ } END { print n["小学生"] "/" n["中学生"] "/" n["高校生"] }' "$O/restricted/answers-labelled.csv")" = "40/30/25"
check "tables.csv: the table by school has the three labels" \
    sh -c "grep '^care_school,' '$O/tables.csv' | grep -q 小学生 && grep '^care_school,' '$O/tables.csv' | grep -q 中学生 && grep '^care_school,' '$O/tables.csv' | grep -q 高校生"
pdftotext -l 1 "$O/report.pdf" "$T/cover.txt" 2>/dev/null
check "cover: 3 files read as one dataset, each with its answers" \
    sh -c "tr -d '\n' < '$T/cover.txt' | grep -q '3 ファイルを1つのデータとして集計（小学生 有効回答 40 件、中学生 有効回答 30 件、高校生 有効回答 25 件）'"
check "cover: the rows read are the rows with data, the blank ones said apart" \
    sh -c "tr -d '\n' < '$T/cover.txt' | grep -q '読み込み 96 行のうち 1 行を除外.*すべて空欄の行 3 行は読み飛ばし'"
# the xlsx's cover sheet: its strings and numbers row by row (no openpyxl needed)
sheet1() {
    python3 - "$1" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
strings = [re.sub(r"<[^>]+>", "", si) for si in re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
for row in re.findall(r"<row[^>]*>(.*?)</row>", z.read("xl/worksheets/sheet1.xml").decode(), re.S):
    out = []
    for attrs, v in re.findall(r"<c ([^>]*)><v>([^<]*)</v>", row):
        out.append(strings[int(v)] if 't="s"' in attrs else v)
    print("\t".join(out))
PY
}
sheet1 "$O/tables.xlsx" > "$T/xlsx.txt" 2>&1
check "xlsx cover sheet: the three files and the blank rows" \
    sh -c "grep -q '^元データ	3 ファイルを1つのデータとして集計（小学生 有効回答 40 件' '$T/xlsx.txt' && grep -qx 'すべて空欄で読み飛ばした行	3' '$T/xlsx.txt' && grep -qx '回答数（読み込み）	96' '$T/xlsx.txt'"
check "record: each raw file with its SHA-256" test "$(grep -c '^  input.raw  ' "$O/reproducibility.txt")" = 3
check "record: ingest got the sources and the source variable" \
    grep -q -- "--sources '小学生, 中学生, 高校生' --source-variable school" "$O/reproducibility.txt"

# [input] id = row: the ids are the data row numbers (the duplicate is no longer one)
sed -i 's/^codebook = codebook.csv$/codebook = codebook.csv\nid = row/' "$S"
check "id = row: the report runs" "$BIN/tsunagari-report" -q --with-microdata "$S" -o "$T/out-row"
pdftotext -l 1 "$T/out-row/report.pdf" "$T/cover-row.txt" 2>/dev/null
check "id = row: the cover says the ids are row numbers" \
    sh -c "tr -d '\n' < '$T/cover-row.txt' | grep -q 'データの行番号.*を回答者IDとしています'"
sheet1 "$T/out-row/tables.xlsx" > "$T/xlsx-row.txt" 2>&1
check "id = row: the xlsx cover sheet says so too" grep -q '^回答者ID	元データに回答者IDの列がないため' "$T/xlsx-row.txt"
check "id = row: the default xlsx does not" sh -c "! grep -q '^回答者ID' '$T/xlsx.txt'"
check "id = row: ids 1..96 over the three files, nothing rejected" \
    test "$(awk -F, 'NR > 1 { n++; if ($1 != n) bad = 1 } END { print n, bad + 0 }' "$T/out-row/restricted/answers-labelled.csv")" = "96 0"
check "id = row: the default report does not say so" sh -c "! grep -q 'id = row' '$T/cover.txt'"

# a label per raw file, or the report stops before any stage
sed -i 's/^sources = .*/sources = 小学生, 中学生/' "$S"
"$BIN/tsunagari-report" -q "$S" -o "$T/out-bad" 2> "$T/bad.err"
rc=$?
check "two labels for three raw files: refused (65) before any stage, naming the line" \
    sh -c "test $rc = 65 && grep -q 'survey.ini:[0-9]*: \[input\] sources: 2 labels for 3 raw files' '$T/bad.err' && test ! -e '$T/out-bad'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
