#!/usr/bin/env bash
# check-read-stat.sh BIN — SPSS and Stata files read as R reads them (issue #14). For every
# synthetic .sav, .zsav, .por and .dta in tests/fixtures/stat/ and tests/fixtures/spss-contractor/:
# tsunagari-ingest --embedded-codebook (the file's own metadata as the codebook), then
# tsunagari-export --raw-layout (the file's own variable names) with codes and with --labels,
# compared cell by cell with what R's haven reads from the same file (readback.R, compare.py):
# every number, every user-missing code, every value label. Prints ok / not ok lines and
# "N passed, N failed".
set -u
BIN=${1:-bin}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/check-read-stat.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/checklib.sh"
# Under ASan the chart programs' font libraries leak by design (the report runs tsunagari-plot).
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/plots/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS
HERE=$ROOT/tests/stat

for f in tests/fixtures/spss-contractor/raw.sav tests/fixtures/stat/survey.sav tests/fixtures/stat/survey.zsav \
         tests/fixtures/stat/survey-uncompressed.sav tests/fixtures/stat/ascii.sav tests/fixtures/stat/ascii.por \
         tests/fixtures/stat/survey-118.dta tests/fixtures/stat/old-114.dta; do
    n=$(echo "$f" | tr '/' '_')
    "$BIN/tsunagari-ingest" -q --max-item-warning-rate 100 --embedded-codebook -o "$T/$n.tsd" "$f" 2> "$T/$n.err"
    rc=$?
    check "$f: ingested with its embedded codebook" test "$rc" = 0
    [ "$rc" = 0 ] || { sed 's/^/# /' "$T/$n.err"; continue; }
    Rscript "$HERE/readback.R" "$f" "$T/$n.R.csv" values 2> "$T/$n.Rerr" &&
        Rscript "$HERE/readback.R" "$f" "$T/$n.Rl.csv" labels 2>> "$T/$n.Rerr"
    check "$f: R's haven reads it" test -s "$T/$n.R.csv" -a -s "$T/$n.Rl.csv"
    "$BIN/tsunagari-export" --raw-layout -o "$T/$n.ts.csv" "$T/$n.tsd"
    "$BIN/tsunagari-export" --raw-layout --labels -o "$T/$n.tsl.csv" "$T/$n.tsd"
    check "$f: every value is the one R reads" python3 "$HERE/compare.py" "$T/$n.R.csv" "$T/$n.ts.csv"
    check "$f: every value label is the one R reads" python3 "$HERE/compare.py" --labels "$T/$n.R.csv" "$T/$n.Rl.csv" "$T/$n.tsl.csv"
done
# A round trip: what tsunagari-export --format sav/zsav writes, ingest reads back with its
# embedded codebook to the same values (text not kept is left out on both sides: compare.py
# compares the columns both have), a multiple answer with its own option codes (consult_8).
for fx in basic skiplogic; do
    "$BIN/tsunagari-ingest" -q --max-item-warning-rate 100 --max-reject-rate 100 -c "tests/fixtures/$fx/codebook.csv" \
        -o "$T/$fx.tsd" "tests/fixtures/$fx/raw.csv" 2> /dev/null
    "$BIN/tsunagari-export" -o "$T/$fx.csv" "$T/$fx.tsd"
    for fmt in sav zsav; do
        "$BIN/tsunagari-export" --format $fmt -o "$T/$fx.$fmt" "$T/$fx.tsd" 2> /dev/null
        "$BIN/tsunagari-ingest" -q --max-item-warning-rate 100 --embedded-codebook -o "$T/$fx-$fmt.tsd" "$T/$fx.$fmt" \
            2> "$T/$fx-$fmt.err"
        "$BIN/tsunagari-export" -o "$T/$fx-$fmt.csv" "$T/$fx-$fmt.tsd"
        check "round trip $fx → .$fmt → ingest --embedded-codebook: the same values" \
            python3 "$HERE/compare.py" "$T/$fx.csv" "$T/$fx-$fmt.csv"
        check "round trip $fx → .$fmt: the same columns but free text" \
            test "$(head -1 "$T/$fx-$fmt.csv")" = "$(head -1 "$T/$fx.csv" | tr ',' '\n' | grep -vx 'comment\|other_text\|free' | paste -sd,)"
    done
done

# The contractor's delivery through the whole report (survey.ini: [input] codebook = embedded,
# derived.csv): its tables against R survey on the .sav as haven reads it (contractor-tables.R).
cp -R tests/fixtures/spss-contractor "$T/sc"
"$BIN/tsunagari-report" -q --with-microdata "$T/sc/survey.ini" -o "$T/sc/out" 2> "$T/sc.err"
rc=$?
check "spss-contractor: the report runs on the .sav with its embedded codebook and derived.csv" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/# /' "$T/sc.err"
check "spss-contractor: ingest got --embedded-codebook and -c derived.csv" \
    grep -q -- "--embedded-codebook .*-c ../derived.csv ../raw.sav" "$T/sc/out/reproducibility.txt"
check "spss-contractor: the record lists derived.csv with its checksum" grep -q "^  input.codebook .*derived.csv" "$T/sc/out/reproducibility.txt"
Rscript "$HERE/contractor-tables.R" tests/fixtures/spss-contractor/raw.sav "$T/sc/r.csv" 2> "$T/sc.Rerr"
check "spss-contractor: every share, mean and SE is R survey's on the .sav" \
    python3 "$HERE/tables-compare.py" "$T/sc/r.csv" "$T/sc/out/tables.csv"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
