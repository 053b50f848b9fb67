#!/usr/bin/env bash
# check-statfiles.sh BIN — tsunagari-export --format sav|zsav|dta read back by R (issue #14):
# the Saitama demo weighted (ingest + weight), the basic fixture (free text, every variable
# type), the skip-logic fixture (非該当) and tests/fixtures/stat-out/ (the writers' corners: four
# missing codes in a range, five that SPSS cannot all declare, names SPSS or Stata reserve, a
# negative option code, an id of 2^53 - 1, a text longer than a Stata str) are each exported as
# CSV, .sav, .zsav and .dta, and readback.R (beside this script) reads the files with haven and
# foreign::read.spss and checks every value against the CSV and every label and missing code
# against `tsunagari-export --describe` (docs/export.md). Also: the same bytes on a rerun and in
# another time zone, --labels=en, --file-label, and the warnings. Needs Rscript with r-cran-haven
# and r-cran-foreign (CI installs them). Prints ok / not ok lines and "N passed, N failed".
set -u
BIN=${1:-bin}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/check-statfiles.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/checklib.sh"
export LC_ALL=C.UTF-8

if ! Rscript -e 'library(haven); library(foreign)' > /dev/null 2>&1; then
    notok "Rscript with haven and foreign (Debian r-cran-haven, r-cran-foreign) is needed"
    echo "$pass passed, $fail failed"
    exit 1
fi

S=data/saitama-2022
F=tests/fixtures
check "saitama: ingest" "$BIN/tsunagari-ingest" -q -c $S/codebook.csv -o "$T/saitama-in.tsd" $S/raw.csv
check "saitama: weight" sh -c "'$BIN/tsunagari-weight' -s $S/survey.ini -o '$T/saitama.tsd' '$T/saitama-in.tsd' > /dev/null 2>&1"
check "basic: ingest" "$BIN/tsunagari-ingest" -q -c $F/basic/codebook.csv -o "$T/basic.tsd" $F/basic/raw.csv
check "skiplogic: ingest" sh -c "'$BIN/tsunagari-ingest' -q -c $F/skiplogic/codebook.csv -o '$T/skip.tsd' $F/skiplogic/raw.csv 2> /dev/null"
# stat-out's raw file: written here, as its long answer is awkward to commit (README.md there)
python3 - "$T/stat-out.csv" <<'PY'
import csv, sys
rows = [["ID", "問1", "問2", "問3 人数", "問4 時間", "問5", "問6 自由記述"],
        ["1", "1", "1", "3", "0.5", "1;2", "短い"],
        ["2", "96", "3", "-8", "1.25", "-1", ""],
        ["3", "99", "8", "-9", "", "", "長い" + "あ" * 800],
        ["9007199254740991", "2", "9", "20", "0.1", "2", "=SUM(A1)"],
        ["5", "", "0", "", "24", "1", ""],
        ["6", "97", "4", "1", "2.5", "1", "改行\nを含む"],
        ["7", "98", "7", "2", "0", "-1", " 前後に空白 "]]
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
PY
check "stat-out: ingest" "$BIN/tsunagari-ingest" -q -c $F/stat-out/codebook.csv -o "$T/so.tsd" "$T/stat-out.csv"

for d in saitama basic skip so; do
    "$BIN/tsunagari-export" --raw-csv -o "$T/$d.csv" "$T/$d.tsd"
    "$BIN/tsunagari-export" --describe "$T/$d.tsd" > "$T/$d.describe"
    for f in sav zsav dta; do
        check "$d: --format $f" sh -c "'$BIN/tsunagari-export' --format $f -o '$T/$d.$f' '$T/$d.tsd' 2> '$T/$d.$f.err'"
    done
    partial=
    [ $d = so ] && partial=q2
    if Rscript tests/export/readback.R "$T" $d $partial > "$T/$d.R.out" 2>&1; then
        ok "$d: read back by haven and foreign ($(tail -1 "$T/$d.R.out"))"
    else
        notok "$d: read back by haven and foreign"
        grep -v '^ok' "$T/$d.R.out" | sed 's/^/#   /'
    fi
    for f in sav zsav dta; do
        TZ=Asia/Tokyo "$BIN/tsunagari-export" --format $f -o "$T/$d.again.$f" "$T/$d.tsd" 2> /dev/null
        check "$d: .$f byte-identical on a rerun in another time zone" cmp -s "$T/$d.$f" "$T/$d.again.$f"
    done
done

# the warnings say what was changed
check "saitama: the .sav warns that _cal_1 is written as v_cal_1" \
    grep -qx 'tsunagari-export: warning: _cal_1 is written as v_cal_1 (an SPSS name begins with a letter)' "$T/saitama.sav.err"
check "saitama: the .dta has no warning" test ! -s "$T/saitama.dta.err"
check "stat-out: .sav warns of q2's missing codes it cannot declare" \
    grep -q '^tsunagari-export: warning: q2: 5 missing codes .* the .sav declares 0, 3 and 4 user-missing; 8, 9 stay ordinary' "$T/so.sav.err"
check "stat-out: .dta warns that a text is cut" \
    grep -qx 'tsunagari-export: warning: note: 1 answer longer than 2045 bytes, which a Stata str holds: cut to 2045 bytes' "$T/so.dta.err"
check "stat-out: .dta renames long (reserved)" grep -qx 'tsunagari-export: warning: long is written as vlong (Stata reserves the name)' "$T/so.dta.err"

# a .dta keeps a missing code's label on its tag, and its code in a note (_dta[noteN])
check "skip: the .dta's notes give the code behind each tag" \
    python3 -c "import sys; sys.exit(b'duration: .a = 8 \xe9\x9d\x9e\xe8\xa9\xb2\xe5\xbd\x93, .b = 9 \xe7\x84\xa1\xe5\x9b\x9e\xe7\xad\x94\x00' not in open('$T/skip.dta', 'rb').read())"

# --labels=en, --file-label
"$BIN/tsunagari-export" --format dta --labels=en -o "$T/en.dta" "$T/basic.tsd"
"$BIN/tsunagari-export" --format sav --labels=en -o "$T/en.sav" "$T/basic.tsd"
"$BIN/tsunagari-export" --format dta --file-label '埼玉県人々のつながりに関する基礎調査 2022（合成データ）' -o "$T/fl.dta" "$T/saitama.tsd"
cat > "$T/en.R" <<'R'
suppressPackageStartupMessages(library(haven))
args <- commandArgs(trailingOnly = TRUE)
for (f in list(read_dta(args[1]), read_sav(args[2]))) {
    stopifnot(identical(attr(f$sex, "label"), "Sex"),
              identical(names(attr(f$sex, "labels"))[1:2], c("Male", "Female")),
              identical(attr(f$consult_1, "label"), "Whom to consult: Family"),
              identical(names(attr(f$consult_1, "labels")), c("not chosen", "chosen")))
}
stopifnot(identical(attr(read_dta(args[3]), "label"), "埼玉県人々のつながりに関する基礎調査 2022（合成データ）"))
R
check "--labels=en: English variable and value labels; --file-label: the .dta's label" \
    Rscript "$T/en.R" "$T/en.dta" "$T/en.sav" "$T/fl.dta"
check "--labels (Japanese) changes nothing in a .sav" \
    sh -c "'$BIN/tsunagari-export' --format sav --labels -o '$T/ja.sav' '$T/basic.tsd' && cmp -s '$T/ja.sav' '$T/basic.sav'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
