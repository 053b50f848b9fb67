#!/usr/bin/env bash
# check-twostage.sh BIN — a two-stage sample through the whole report (issue #15): 調査地点
# within areas, persons within points (the SYNTHETIC data of tests/oracle/tab/13-japanese-twostage).
# The cover and tables.xlsx give the number drawn and the response rate — from the PSU frame
# (persons drawn per point), from [design] drawn, and per area from [design] drawn_frame —
# where a two-stage sample used to say 「抽出枠がないため回収率は定義できません」; the estimates'
# standard errors are R's multistage ones (the oracle's expected.csv); a drawn_frame label the
# codebook does not know stops the report (exit 65, naming the file and line).
# Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

O=$ROOT/tests/oracle/tab
S=$T/survey
mkdir -p "$S"
grep -v '^#' "$O/data/twostage.csv" > "$S/raw.csv"
cp "$O/codebooks/twostage.csv" "$S/codebook.csv"
cp "$O/13-japanese-twostage/frame_strata.csv" "$O/13-japanese-twostage/frame_points.csv" "$S/"
# persons drawn per area: the PSU frame's sample column summed by area (6·20, 8·20, 6·20, 3·20)
printf '# persons drawn in each area\narea,sample\n北部,120\n中部,160\n南部,120\n島しょ部,60\n' > "$S/drawn_area.csv"
cat > "$S/survey.ini" <<'INI'
[survey]
id        = twostage-check
title     = 二段抽出の検査（合成データ）
period    = 2026-10-01/2026-10-31
mode      = mail
population = 合成の地域に住む18歳以上の人
synthetic = yes

[input]
raw      = raw.csv
codebook = codebook.csv
encoding = utf-8

[design]
strata    = area
cluster   = point, id
frame     = frame_strata.csv
psu_frame = frame_points.csv
fpc       = yes
weight    = base

[table.lonely_area]
var = lonely
by  = area

[table.ucla_sex]
var = ucla_score
by  = sex

[chart.lonely_area]
type  = stacked
table = lonely_area
title = 地域別 孤独感

[privacy]
min_cell = 0

[report]
sections = lonely_area, ucla_sex
INI
cover() { pdftotext -l 1 "$1/report.pdf" - 2>/dev/null | tr -d '\n'; }
xlsx_strings() { unzip -p "$1/tables.xlsx" xl/sharedStrings.xml 2>/dev/null; }

check "two stages: the report runs" "$BIN/tsunagari-report" -q "$S/survey.ini" -o "$T/out"
check "the cover gives the persons drawn from the PSU frame (23 points × 20) and the rate" \
    sh -c "$(declare -f cover); cover '$T/out' | grep -q '抽出 460 人、有効回答 254 人、回収率 55.2%'"
check "the cover no longer says the rate cannot be defined" \
    sh -c "$(declare -f cover); ! cover '$T/out' | grep -q '回収率は定義できません'"
check "the cover names the design" sh -c "$(declare -f cover); cover '$T/out' | grep -q '層化二段抽出'"
check "tables.xlsx gives the number drawn" sh -c "$(declare -f xlsx_strings); xlsx_strings '$T/out' | grep -q '抽出数'"
# the standard errors are R's multistage ones (tests/oracle/tab/13-japanese-twostage)
se() { awk -F, -v by="$2" '$1 == "ucla_by_sex" && $2 == by { print $6 }' "$1"; }
for sex in 1 2; do
    r=$(se "$O/13-japanese-twostage/expected.csv" $sex)
    c=$(awk -F, -v by=$sex '$1 == "ucla_sex" && $3 == by && $8 == "mean" { print $13 }' "$T/out/tables.csv")
    check "ucla_score mean, sex $sex: SE $c is R's $r" awk -v a="$c" -v b="$r" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 1e-9 * b) }'
done

sed -i 's/^weight    = base$/weight    = base\ndrawn     = 500\ndrawn_frame = drawn_area.csv/' "$S/survey.ini"
sed -i 's/^drawn_frame = drawn_area.csv$//' "$S/survey.ini"
check "[design] drawn = 500: the report runs" "$BIN/tsunagari-report" -q "$S/survey.ini" -o "$T/out2"
check "the cover gives drawn = 500" sh -c "$(declare -f cover); cover '$T/out2' | grep -q '抽出 500 人、有効回答 254 人、回収率 50.8%'"

sed -i 's/^drawn     = 500$/drawn_frame = drawn_area.csv/' "$S/survey.ini"
check "[design] drawn_frame: the report runs" "$BIN/tsunagari-report" -q "$S/survey.ini" -o "$T/out3"
check "the cover gives each area's response rate" \
    sh -c "$(declare -f cover); cover '$T/out3' | grep -q '地域別の回収率.*北部 抽出 120 人・有効回答 .* 人（.*%）.*島しょ部 抽出 60 人'"
check "the cover's total is drawn_frame's sum" sh -c "$(declare -f cover); cover '$T/out3' | grep -q '抽出 460 人'"
check "tables.xlsx gives each area's response rate" \
    sh -c "$(declare -f xlsx_strings); xlsx_strings '$T/out3' | grep -q '回収率(%)：地域 島しょ部（抽出 60、有効回答'"

printf '# persons drawn in each area\narea,sample\n北部,120\n東部,160\n' > "$S/drawn_area.csv"
"$BIN/tsunagari-report" -q "$S/survey.ini" -o "$T/out4" 2> "$T/err4"; rc=$?
check "a drawn_frame label the codebook does not know: exit 65" test "$rc" -eq 65
check "... naming the file and line" grep -q 'drawn_area.csv:4: area "東部" is no code or label of the codebook' "$T/err4"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
