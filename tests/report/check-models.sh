#!/usr/bin/env bash
# check-models.sh BIN — [model.NAME] through tsunagari-report (issue #15): the Yamagata demo
# manifest (synthetic) with a logistic and a linear model added runs tsunagari-model and a
# forest chart of the logistic model as stages; the output folder has models.csv (equal to
# tsunagari-model's own run on the weighted dataset), models.txt, charts/forest_lonely.*, the
# sheet 回帰分析 in tables.xlsx (openpyxl: the odds ratios of models.csv), both stages in
# reproducibility.txt, the section 回帰分析 of report.pdf (each model's table and the forest
# chart, no text over other text); a rerun gives the same bytes; a model that cannot be fitted stops the
# report with its manifest line (exit 65) and no output folder; the demo without models has none
# of these files. Prints ok / not ok lines and "N passed, N failed".
set -u
BIN=${1:-bin}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/check-models.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/checklib.sh"
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/plots/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS

D=$ROOT/data/yamagata-2022
# the demo's manifest with its files made absolute, and two models
sed -e "s|^raw      = raw.csv|raw      = $D/raw.csv|; s|^codebook = codebook.csv|codebook = $D/codebook.csv|" \
    -e "s|^expected_rejects = planted.csv|expected_rejects = $D/planted.csv|" \
    -e "s|^file  = margins_age_sex.csv|file  = $D/margins_age_sex.csv|; s|^reference = ../reference/|reference = $D/../reference/|" \
    "$D/survey.ini" > "$T/survey.ini"
cat >> "$T/survey.ini" <<'INI'

[model.lonely]
outcome       = lonely
predictors    = age_band, sex
family        = logistic
outcome_codes = 4, 5

[model.ucla]
outcome    = ucla_score
predictors = age_band, sex
INI
check "the report with two models: exit 0" "$BIN/tsunagari-report" -q "$T/survey.ini" -o "$T/out"
for f in models.csv models.txt charts/forest_lonely.png charts/forest_lonely.pdf charts/forest_lonely.svg; do
    check "out/$f written" test -s "$T/out/$f"
done
check "no forest chart of the linear model" test ! -e "$T/out/charts/forest_ucla.png"
check "reproducibility.txt: the model stage" grep -q '^  tsunagari-model -s .* -o models.csv --text models.txt restricted/weighted.tsd' "$T/out/reproducibility.txt"
check "reproducibility.txt: the forest stage" grep -q '^  tsunagari-plot -q -s .* --forest lonely -o charts models.csv' "$T/out/reproducibility.txt"
check "reproducibility.txt: models.csv's SHA-256" grep -q ' models.csv$' "$T/out/reproducibility.txt"
# models.csv is tsunagari-model's on the weighted dataset (ingest + weight as the report runs them)
"$BIN/tsunagari-report" -q --with-microdata "$T/survey.ini" -o "$T/micro" > /dev/null 2>&1
check "models.csv equals tsunagari-model on restricted/weighted.tsd" \
    sh -c "'$BIN/tsunagari-model' -q -s '$T/survey.ini' -o '$T/own.csv' '$T/micro/restricted/weighted.tsd' && cmp -s '$T/own.csv' '$T/out/models.csv'"
check "a rerun: the same models.csv, models.txt, tables.xlsx, report.pdf and forest chart" \
    sh -c "'$BIN/tsunagari-report' -q '$T/survey.ini' -o '$T/again' && for f in models.csv models.txt tables.xlsx report.pdf charts/forest_lonely.png charts/forest_lonely.pdf; do cmp -s '$T/out/'\$f '$T/again/'\$f || exit 1; done"
PY3=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import openpyxl' 2>/dev/null; then PY3=$p; break; fi
done
if [ -n "$PY3" ]; then
    check "tables.xlsx: the sheet 回帰分析 holds models.csv's odds ratios and ns" "$PY3" - "$T/out/tables.xlsx" "$T/out/models.csv" <<'PY'
import csv, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["回帰分析"]
cells = [r for r in ws.iter_rows(values_only=True)]
rows = [r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")) if r["model"] == "lonely" and r["statistic"] == "coefficient" and r["level"]]
ors = [c[4] for c in cells if isinstance(c[4], float)]
assert rows and all(any(abs(o - float(r["odds_ratio"])) < 1e-12 for o in ors) for r in rows), "odds ratios"
assert any(c[1] == "16～19歳（基準）" and c[4] == 1 and c[8] == 157 for c in cells), "reference row"
assert any(isinstance(c[0], str) and c[0].startswith("モデル ucla（線形回帰") for c in cells), "linear model heading"
PY
else
    ok "skipped: no python3 with openpyxl for the workbook"
fi
# report.pdf: the section, each model's table, the forest chart; no text over other text
if command -v pdftotext > /dev/null; then
    pdftotext "$T/out/report.pdf" "$T/r.txt"
    check "report.pdf: the section 回帰分析" grep -q '^回帰分析$' "$T/r.txt"
    check "report.pdf: both models' headings" sh -c "grep -q 'モデル lonely：ロジスティック回帰（n = ' '$T/r.txt' && grep -q 'モデル ucla：線形回帰（n = ' '$T/r.txt'"
    check "report.pdf: the forest chart's title" grep -q 'lonely：オッズ比と95%信頼区間' "$T/r.txt"
    pdftotext -bbox "$T/out/report.pdf" "$T/r.html"
    check "report.pdf: no text overprints other text" python3 tests/report/overprint.py "$T/r.html"
else
    ok "skipped: no pdftotext for report.pdf"
fi
# a model that cannot be fitted stops the report, naming the manifest's line
sed 's/^outcome_codes = 4, 5$/outcome_codes = 4, 7/' "$T/survey.ini" > "$T/bad.ini"
"$BIN/tsunagari-report" -q "$T/bad.ini" -o "$T/bad" > "$T/bad.out" 2> "$T/bad.err"
rc=$?
check "an outcome code that does not exist: exit 65" test "$rc" = 65
check "... the message names bad.ini's line" grep -q 'bad.ini:[0-9]*: \[model.lonely\] outcome_codes = 4, 7: lonely (孤独感' "$T/bad.err"
check "... and no output folder" test ! -e "$T/bad"
# the demo without models: none of it
"$BIN/tsunagari-report" -q "$D/survey.ini" -o "$T/demo" > /dev/null 2>&1
check "the demo without [model.NAME]: no models.csv, no forest chart, no sheet, no section" \
    sh -c "test ! -e '$T/demo/models.csv' && ! ls '$T/demo/charts' | grep -q forest && ! grep -q tsunagari-model '$T/demo/reproducibility.txt' && { ! command -v pdftotext > /dev/null || ! pdftotext '$T/demo/report.pdf' - | grep -q '^回帰分析$'; }"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
