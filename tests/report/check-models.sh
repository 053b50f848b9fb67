#!/usr/bin/env bash
# check-models.sh BIN — [model.NAME] through tsunagari-report (issue #15): the Yamagata demo
# manifest (synthetic) with a logistic and a linear model added runs tsunagari-model and a
# forest chart of the logistic model as stages; the output folder has models.csv (equal to
# tsunagari-model's own run on the weighted dataset), models.txt, charts/forest_lonely.*, the
# sheet 回帰分析 in tables.xlsx (openpyxl: the odds ratios of models.csv), both stages in
# reproducibility.txt, the section 回帰分析 of report.pdf (each model's table and the forest
# chart, no text over other text); a rerun gives the same bytes; a model that cannot be fitted stops the
# report with its manifest line (exit 65) and no output folder; the demo without models has none
# of these files. Issue #15's gaps: [model.NAME] title names the model in the forest chart, the
# PDF and the sheet; 回帰分析 is in the contents with its page; the intro paragraph's lines are
# filled (none ends early); [privacy] min_cell withholds a small level (＊ in the PDF, the sheet
# and the forest chart, suppressed rows in models.csv, the rule under the table); the Saitama
# demo's forest chart carries its title; a table's differences are a table under its grid.
# Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

D=$ROOT/data/yamagata-2022
# the demo's manifest with its files made absolute, and two models
sed -e "s|^raw      = raw.csv|raw      = $D/raw.csv|; s|^codebook = codebook.csv|codebook = $D/codebook.csv|" \
    -e "s|^expected_rejects = planted.csv|expected_rejects = $D/planted.csv|" \
    -e "s|^file  = margins_age_sex.csv|file  = $D/margins_age_sex.csv|; s|^reference = ../reference/|reference = $D/../reference/|" \
    "$D/survey.ini" > "$T/survey.ini"
cat >> "$T/survey.ini" <<'INI'

[model.lonely]
title         = 孤独感と年代・性別
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
    check "report.pdf: both models' headings (the title, else モデル NAME)" sh -c "grep -q '^孤独感と年代・性別：ロジスティック回帰（n = ' '$T/r.txt' && grep -q 'モデル ucla：線形回帰（n = ' '$T/r.txt' && ! grep -q 'モデル lonely：' '$T/r.txt'"
    check "report.pdf: the forest chart's title is the model's title" sh -c "grep -q '^孤独感と年代・性別：オッズ比と95%信頼区間' '$T/r.txt' && ! grep -q 'lonely：オッズ比' '$T/r.txt'"
    check "charts/forest_lonely.pdf: the model's title" sh -c "pdftotext '$T/out/charts/forest_lonely.pdf' - | grep -q '^孤独感と年代・性別：オッズ比と95%信頼区間'"
    # the contents: 回帰分析 between the last item and 集計の方法, with the page the section is on
    sec=$(for i in $(seq 1 "$(pdfinfo "$T/out/report.pdf" | awk '/^Pages:/ {print $2}')"); do pdftotext -f "$i" -l "$i" "$T/out/report.pdf" - | grep -qx '回帰分析' && [ "$i" -gt 1 ] && echo "$i"; done | tail -1)
    check "report.pdf: the contents list 回帰分析 with its page ($sec)" python3 - "$T/out/report.pdf" "$sec" <<'PY'
import subprocess, sys
pdf, page = sys.argv[1], sys.argv[2]
cover = "".join(subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), pdf, "-"], capture_output=True, text=True).stdout
                for p in (1, 2))
lines = [l.split() for l in cover.splitlines() if "目次" in cover]
assert any(l[:1] == ["回帰分析"] and l[-1] == page for l in lines), "回帰分析 " + page
order = [l[0] for l in lines if l and l[0] in ("回帰分析", "集計の方法")]
assert order == ["回帰分析", "集計の方法"], order
PY
    # the intro paragraph: every line but its last reaches the right edge of the column (the
    # old wrap broke after a space or 、 half-way across)
    check "report.pdf: the 回帰分析 intro paragraph's lines are full" python3 - "$T/out/report.pdf" "$sec" <<'PY'
import re, subprocess, sys
pdf, page = sys.argv[1], sys.argv[2]
html = subprocess.run(["pdftotext", "-bbox-layout", "-f", page, "-l", page, pdf, "-"], capture_output=True, text=True).stdout
lines = []
for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</line>', html, re.S):
    words = "".join(re.findall(r'>([^<]*)</word>', m.group(4)))
    lines.append((float(m.group(2)), float(m.group(1)), float(m.group(3)), words))
lines.sort()
i = next(k for k, l in enumerate(lines) if l[3] == "回帰分析")
para = []
for l in lines[i + 1:]:
    if l[3].startswith("モデル") or l[3].startswith("孤独感と年代"):
        break
    para.append(l)
assert len(para) >= 3, para
right = max(l[2] for l in para)
short = [l[3] for l in para[:-1] if l[2] < right - 20]
assert not short, short
PY
    pdftoppm -r 60 -png -f "$sec" -l "$sec" "$T/out/report.pdf" "$T/models-page" 2> /dev/null
    # the demo's differences (lonely_sex: 男性 - 女性) as a table under 表2, not a paragraph:
    # its caption, a header row of the five answers, the comparison's row with five intervals
    check "report.pdf: 表2の差 is a table (header, 男性 - 女性 with five intervals and p)" python3 - "$T/out/report.pdf" <<'PY'
import re, subprocess, sys
txt = subprocess.run(["pdftotext", "-layout", sys.argv[1], "-"], capture_output=True, text=True).stdout.splitlines()
i = next(k for k, l in enumerate(txt) if l.startswith("表2の差（割合はポイント）と [95%信頼区間]"))
head = next(l for l in txt[i + 1:i + 4] if l.startswith("差 "))
assert all(a in head for a in ("決してない", "ほとんどない", "たまにある", "時々ある")), head
row = next(k for k in range(i, i + 12) if txt[k].startswith("男性 - 女性"))
assert len(re.findall(r"\[[-+]?[\d.]+, [-+]?[\d.]+\]", txt[row])) == 5, txt[row]
assert len(re.findall(r"p = [\d.]+|p < 0\.001", txt[row + 1])) == 5, txt[row + 1]
assert not any("差（割合はポイント、[信頼区間]" in l for l in txt), "the old paragraph"
PY
    pdftotext -bbox "$T/out/report.pdf" "$T/r.html"
    check "report.pdf: no text overprints other text" python3 tests/report/overprint.py "$T/r.html"
else
    ok "skipped: no pdftotext for report.pdf"
fi
# [privacy] min_cell on the models: 160 withholds 16～19歳 (157 respondents, the reference of
# age_band) — its row and every age_band coefficient, the other age bands' n, the test
sed 's/^min_cell  = 10$/min_cell  = 160/' "$T/survey.ini" > "$T/small.ini"
check "min_cell 160: the report runs" "$BIN/tsunagari-report" -q "$T/small.ini" -o "$T/small"
check "min_cell 160: models.csv withholds 16～19歳 (primary), the other age bands (secondary), keeps sex" python3 - "$T/small/models.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if r["model"] == "lonely"]
ref = [r for r in rows if r["term"] == "age_band" and r["statistic"] == "reference"][0]
assert ref["suppressed"] == "yes" and ref["suppression"] == "primary" and ref["level_n"] == "" and ref["odds_ratio"] == ""
coef = [r for r in rows if r["term"] == "age_band" and r["statistic"] == "coefficient"]
assert coef and all(r["suppressed"] == "yes" and r["estimate"] == "" and r["level_n"] == "" for r in coef)
assert all(r["suppressed"] == "yes" for r in rows if r["term"] == "age_band" and r["statistic"].startswith("wald"))
sex = [r for r in rows if r["term"] == "sex"]
assert all(r["suppressed"] == "" and r["suppression"] == "" for r in sex) and all(r["level_n"] for r in sex if r["level"])
PY
# the attacker's arithmetic: a factor's level counts add up to n, so no factor may have exactly
# one count withheld; and one with any withheld publishes none (tables.csv publishes the same
# variable's counts: lonely_age's domain n equal the fit's here, nobody being missing)
check "min_cell 160: no withheld level count is n minus the published ones" python3 - "$T/small/models.csv" "$T/small/tables.csv" <<'PY'
import csv, sys
from collections import defaultdict
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
lv = defaultdict(list)
for r in rows:
    if r["level"] and r["statistic"] in ("reference", "coefficient"):
        lv[(r["model"], r["term"])].append(r["level_n"])
for key, ns in lv.items():
    hidden = sum(1 for n in ns if n == "")
    assert hidden in (0, len(ns)), (key, ns)
tab = [r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8-sig")) if r["table"] == "lonely_age" and r["by_codes"] and " - " not in r["by_codes"]]
assert any(r["suppressed"] == "yes" and r["by_codes"] == "1" for r in tab), "tab withholds 16～19歳 as well"
PY
if command -v pdftotext > /dev/null; then
    pdftotext "$T/small/report.pdf" "$T/s.txt"
    check "min_cell 160: report.pdf shows ＊ and the rule under the model's table" sh -c "grep -q '^＊ 回答者が 160 人未満のカテゴリー' '$T/s.txt' && grep -q '＊ 非表示' '$T/s.txt'"
    check "min_cell 160: the forest chart draws ＊ 非表示 and its footnote" sh -c "pdftotext '$T/small/charts/forest_lonely.pdf' - | grep -q '＊ 非表示' && pdftotext '$T/small/charts/forest_lonely.pdf' - | grep -q '^＊ 回答者が少ないため'"
    pdftotext -bbox "$T/small/report.pdf" "$T/s.html"
    check "min_cell 160: no text overprints other text" python3 tests/report/overprint.py "$T/s.html"
fi
if [ -n "$PY3" ]; then
    check "min_cell 160: the sheet 回帰分析 has ＊ for the withheld rows" "$PY3" - "$T/small/tables.xlsx" <<'PY'
import sys, openpyxl
cells = list(openpyxl.load_workbook(sys.argv[1])["回帰分析"].iter_rows(values_only=True))
assert any(c[1] == "16～19歳（基準）" and c[2] == "＊" and c[8] == "＊" for c in cells), "reference row"
assert any(isinstance(c[0], str) and c[0].startswith("＊ 回答者の少ない") for c in cells), "the rule"
assert any(isinstance(c[0], str) and c[0].startswith("孤独感と年代・性別（ロジスティック回帰") for c in cells), "title"
PY
fi
# min_cell = 0: the section says nothing is withheld, and nothing is
sed 's/^min_cell  = 10$/min_cell  = 0/' "$T/survey.ini" > "$T/none.ini"
if "$BIN/tsunagari-report" -q "$T/none.ini" -o "$T/none" > /dev/null 2>&1 && command -v pdftotext > /dev/null; then
    check "min_cell 0: 回帰分析 says that nothing is withheld, and models.csv withholds nothing" \
        sh -c "pdftotext '$T/none/report.pdf' - | tr -d '\n' | grep -q '回答者の少ないカテゴリーも非表示にしていない（\[privacy\] min_cell = 0）' && ! grep -q ',yes,\|,primary,\|,secondary,' '$T/none/models.csv'"
else
    check "min_cell 0: the report runs" false
fi
# the Saitama demo: its model's title in the forest chart and report.pdf
S=$ROOT/data/saitama-2022
if (cd "$S" && "$BIN/tsunagari-report" -q survey.ini -o "$T/saitama") > /dev/null 2>&1 && command -v pdftotext > /dev/null; then
    check "the Saitama demo: the forest chart is titled 孤独感と関連する要因" sh -c "pdftotext '$T/saitama/charts/forest_lonely_factors.pdf' - | grep -q '^孤独感と関連する要因：オッズ比と95%信頼区間' && pdftotext '$T/saitama/report.pdf' - | grep -q '^孤独感と関連する要因：ロジスティック回帰（n = '"
else
    check "the Saitama demo's report runs" false
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
