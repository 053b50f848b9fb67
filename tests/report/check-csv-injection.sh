#!/usr/bin/env bash
# check-csv-injection.sh BIN — labels a spreadsheet would run as formulas (issue #12): the
# report's tables.csv writes them as text (a leading ' and quotes), and the PDF and tables.xlsx,
# which read tables.csv back, show the label itself, without that quote; --raw-csv writes
# tables.csv as it is. Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

# The Yamagata demo with two of its recruitment channels relabelled as formulas.
mkdir -p "$T/data" && cp -R data/yamagata-2022 data/reference "$T/data/"
Y=$T/data/yamagata-2022/survey.ini
sed -i -e 's/^,,,チラシ(QRコード),/,,,"=HYPERLINK(""http:\/\/x"",""y"")",/' -e 's/^,,,市公式SNS,/,,,-cmd,/' \
    "$T/data/yamagata-2022/codebook.csv"
check "the codebook copy has the formula labels" grep -q '^,,,-cmd,' "$T/data/yamagata-2022/codebook.csv"
check "the report runs" "$BIN/tsunagari-report" -q "$Y" -o "$T/out"
check "tables.csv: the labels are text" \
    grep -q ',channel,1,"'"'"'=HYPERLINK(""http://x"",""y"")",share,.*,channel,2,"'"'"'-cmd",share,' \
    <(tr '\n' ' ' < "$T/out/tables.csv")
check "tables.csv: no cell starts a formula" \
    sh -c "! grep -q ',=HYPERLINK\|,\"=HYPERLINK\|,-cmd,' '$T/out/tables.csv'"
pdftotext "$T/out/report.pdf" "$T/report.txt" 2>/dev/null
# (the table column wraps the long label: =HYPERLINK / ("http://x","y"))
check "report.pdf: the labels themselves" sh -c "grep -qx -- '-cmd' '$T/report.txt' && tr -d '\\n' < '$T/report.txt' | grep -qF '=HYPERLINK(\"http://x\",\"y\")'"
check "report.pdf: no quote added" sh -c "! grep -q \"'=HYPERLINK\|'-cmd\" '$T/report.txt'"
python3 - "$T/out/tables.xlsx" > "$T/strings.txt" 2>&1 <<'PY'
import html, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for si in re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S):
    print(html.unescape(re.sub(r"<[^>]+>", "", si)))
PY
check "tables.xlsx: the label itself, as a string" grep -qx '=HYPERLINK("http://x","y")' "$T/strings.txt"
check "tables.xlsx: no quote added" sh -c "! grep -q \"^'=HYPERLINK\|^'-cmd\" '$T/strings.txt'"
check "tables.xlsx: no formula cell" python3 -c "import re, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); sys.exit(any(re.search(r\"<f[ >]\", z.read(n).decode()) for n in z.namelist() if n.startswith(\"xl/worksheets/\")))" "$T/out/tables.xlsx"

check "--raw-csv: the report runs" "$BIN/tsunagari-report" -q --raw-csv "$Y" -o "$T/raw"
check "--raw-csv: tables.csv as it is" \
    grep -q ',channel,1,"=HYPERLINK(""http://x"",""y"")",share,.*,channel,2,-cmd,share,' <(tr '\n' ' ' < "$T/raw/tables.csv")
check "--raw-csv: the record has the option" grep -q -- '--raw-csv' "$T/raw/reproducibility.txt"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
