#!/usr/bin/env bash
# check-trend.sh BIN — trends through tsunagari-report (issue #16): the synthetic four-wave trend
# (tests/fixtures/trend-waves: four raw files, one per wave, the wave a stratum) gives the wave
# table — each wave's shares and the difference from the previous wave with se = √(se₁² + se₂²)
# (independent samples) — in tables.csv, report.pdf and tables.xlsx, and a line chart with CI
# bands; a rerun is byte-identical. Then the other line and grouped charts: a counts file of years
# (a line of counts, no band), the Yamagata demo's 全体 beside the national reference as grouped
# bars, and the refusals (a line of one point, value on a chart type without it).
# Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

cp -R tests/fixtures/trend-waves "$T/w"
"$BIN/tsunagari-report" -q "$T/w/survey.ini" -o "$T/a" 2>"$T/a.err"
check "the four-wave report runs (exit 0)" test -s "$T/a/report.pdf"
check "tables.csv: the four waves' shares of lonely" \
    sh -c "for k in 1 2 3 4; do grep -q \"^lonely_wave,wave,\$k,令和[3-6]年,lonely,5,\" '$T/a/tables.csv' || exit 1; done"
check "tables.csv: 3 differences from the previous wave × 5 answers" \
    sh -c "grep -cE '^lonely_wave,wave,(2 - 1|3 - 2|4 - 3),令和[4-6]年 - 令和[3-5]年,lonely,[1-5],.*,difference,' '$T/a/tables.csv' | grep -qx 15"
# independent samples: the difference's se is the root of the sum of the two waves' variances
check "each difference's se = √(se₁² + se₂²) (independent waves, 1e-12)" awk -F, '
    $8 == "share" && $3 ~ /^[1-4]$/ { se[$3 "," $6] = $13; est[$3 "," $6] = $12 }
    $8 == "difference" { split($3, ab, " - "); a = ab[1] "," $6; b = ab[2] "," $6
        want = sqrt(se[a] ^ 2 + se[b] ^ 2); d = $13 - want; if (d < 0) d = -d
        if (d > 1e-12 * want) bad++
        e = $12 - (est[a] - est[b]); if (e < 0) e = -e; if (e > 1e-12) bad++; n++ }
    END { exit !(n == 15 && !bad) }' "$T/a/tables.csv"
check "charts/lonely_trend.png (the line chart) is drawn" test -s "$T/a/charts/lonely_trend.png"
pdftotext "$T/a/report.pdf" "$T/a.txt"
tr -d '\n ' <"$T/a.txt" >"$T/a.flat"
check "report.pdf: the line chart with its title and bands" \
    sh -c "grep -q '図1孤独感「しばしばある・常にある」「時々ある」の推移' '$T/a.flat' && grep -q '帯は95%信頼区間' '$T/a.flat'"
check "report.pdf: the waves on the x axis and the shares over the points" \
    sh -c "grep -q '令和3年' '$T/a.txt' && grep -q '令和6年' '$T/a.txt'"
check "report.pdf: the wave table's differences (令和6年 - 令和5年)" grep -q '令和6年-令和5年' "$T/a.flat"
pdftotext -bbox "$T/a/report.pdf" "$T/a.bbox.html"
check "report.pdf: no text overprints another (overprint.py)" python3 tests/report/overprint.py "$T/a.bbox.html"
mkdir -p "$T/x" && (cd "$T/x" && unzip -q "$T/a/tables.xlsx")
check "tables.xlsx: the differences from the previous wave" grep -q '令和5年 - 令和4年' "$T/x/xl/sharedStrings.xml"
"$BIN/tsunagari-report" -q "$T/w/survey.ini" -o "$T/b" 2>/dev/null
check "a rerun: report.pdf, tables.csv, tables.xlsx and the line chart byte-identical" \
    sh -c "cmp -s '$T/a/report.pdf' '$T/b/report.pdf' && cmp -s '$T/a/tables.csv' '$T/b/tables.csv' && cmp -s '$T/a/tables.xlsx' '$T/b/tables.xlsx' && cmp -s '$T/a/charts/lonely_trend.svg' '$T/b/charts/lonely_trend.svg'"

# waves given as earlier tables.csv files: each wave reported on its own, then the last with
# [chart] waves = the three earlier tables.csv and [table] previous = the last of them
mkdir -p "$T/v"
cp tests/fixtures/trend-waves/r?.csv tests/fixtures/trend-waves/codebook.csv "$T/v/"
for w in r3 r4 r5 r6; do
    printf '[survey]\nid = %s\ntitle = 孤独感（%s、合成データ）\nsynthetic = yes\n[input]\nraw = %s.csv\ncodebook = codebook.csv\n[design]\ntype = srs\n[table.lonely]\nvar = lonely\n' "$w" "$w" "$w" >"$T/v/$w.ini"
done
printf 'previous = out-r5/tables.csv\nprevious_label = 令和5年\n' >>"$T/v/r6.ini"
for w in r3 r4 r5 r6; do printf '[privacy]\nmin_cell = 10\n' >>"$T/v/$w.ini"; done
for w in r3 r4 r5; do
    printf '[chart.lonely]\ntype = stacked\ntable = lonely\n' >>"$T/v/$w.ini"
    "$BIN/tsunagari-report" -q "$T/v/$w.ini" -o "$T/v/out-$w" 2>>"$T/v.err"
done
cat >>"$T/v/r6.ini" <<'INI'
[chart.trend]
type = line
table = lonely
codes = 5, 4
waves = out-r3/tables.csv, out-r4/tables.csv, out-r5/tables.csv
wave_labels = 令和3年, 令和4年, 令和5年, 令和6年
title = 孤独感の推移（各回の集計から）
INI
"$BIN/tsunagari-report" -q "$T/v/r6.ini" -o "$T/v/out-r6" 2>>"$T/v.err"
check "waves from earlier tables.csv: the line chart over 令和3年 … 令和6年" \
    sh -c "test -s '$T/v/out-r6/charts/trend.svg' && pdftotext '$T/v/out-r6/report.pdf' - | tr -d '\n ' | grep -q '令和3年～令和5年は各回の集計（3回分のtables.csv）の値、令和6年は本調査'"
check "... the earlier waves' shares drawn (令和3年's 3.4 of 「しばしばある・常にある」) and the difference from 令和5年 in tables.csv" \
    sh -c "pdftotext '$T/v/out-r6/report.pdf' - | grep -q '^3.4$' && grep -q '^lonely,,all - previous,全体 - 令和5年,lonely,5,' '$T/v/out-r6/tables.csv'"
printf '[chart.bad]\ntype = line\ntable = lonely\nwaves = out-r3/tables.csv\nwave_labels = 令和3年\n' >>"$T/v/r6.ini"
"$BIN/tsunagari-report" -q "$T/v/r6.ini" -o "$T/v/out-bad" 2>"$T/v-bad.err"
rc=$?
check "waves with too few wave_labels: exit 65 naming the line" \
    sh -c "test $rc -eq 65 && grep -q 'r6.ini:[0-9]*: \[chart.bad\] wave_labels: 1 labels for 1 earlier waves and this survey: give 2' '$T/v-bad.err'"

# a line of counts over years: a counts file, value = count, no band
mkdir -p "$T/y"
cat >"$T/y/years.csv" <<'CSV'
# 合成データ: 年別の件数
年,件数
2019,"1,210"
2020,"1,305"
2021,"1,287"
2022,"1,402"
2023,"1,366"
CSV
cat >"$T/y/survey.ini" <<'INI'
[survey]
id = years
title = 年別の件数（合成データ）
synthetic = yes
[input]
counts = years.csv
counts_columns = year, n
[table.by_year]
var = year
[chart.by_year]
type = line
table = by_year
value = count
title = 件数の推移
[chart.by_year_bars]
type = grouped
table = by_year
value = count
title = 年別の件数
[privacy]
min_cell = 0
INI
"$BIN/tsunagari-report" -q "$T/y/survey.ini" -o "$T/y/out" 2>"$T/y.err"
check "a counts file of years: the report runs" test -s "$T/y/out/report.pdf"
check "... a line of counts over the years (charts/by_year.svg) and bars of counts" \
    sh -c "test -s '$T/y/out/charts/by_year.svg' && test -s '$T/y/out/charts/by_year_bars.png'"
pdftotext "$T/y/out/report.pdf" - | tr -d '\n ' >"$T/y.flat"
check "... the counts printed over the points (1,402), no band, no n" \
    sh -c "grep -q '1,402' '$T/y.flat' && grep -q '値は件数' '$T/y.flat' && ! grep -q '帯は' '$T/y.flat' && grep -q '合計6,570件' '$T/y.flat'"

# grouped: the Yamagata demo's 全体 beside the national survey (data/reference, R4)
mkdir -p "$T/d/data" && cp -R data/yamagata-2022 data/reference "$T/d/data/"
Y=$T/d/data/yamagata-2022
"$BIN/tsunagari-report" -q "$Y/survey.ini" -o "$T/d/demo" 2>/dev/null
cat >>"$Y/survey.ini" <<'INI'

[chart.national_grouped]
type = grouped
table = lonely_age
reference = ../reference/national-direct-question.csv
reference_row = R4
title = 孤独感 本調査と全国（令和4年）
INI
"$BIN/tsunagari-plot" -q -s "$Y/survey.ini" --chart national_grouped -o "$T/d/charts" "$T/d/demo/tables.csv" 2>"$T/d.err"
rc=$?
check "grouped with a reference: tsunagari-plot draws it (exit 0)" sh -c "test $rc -eq 0 && test -s '$T/d/charts/national_grouped.svg'"
check "... with the reference's label and source in the chart" \
    sh -c "grep -q '全国' '$T/d/charts/national_grouped.svg' || pdftotext '$T/d/charts/national_grouped.pdf' - | grep -q '全国'"

# refusals
sed -i 's/^type = line$/type = stacked/' "$T/y/survey.ini"
"$BIN/tsunagari-report" -q "$T/y/survey.ini" -o "$T/y/out2" 2>"$T/y2.err"
rc=$?
check "value on a stacked chart: exit 65 naming the line" sh -c "test $rc -eq 65 && grep -q 'survey.ini:[0-9]*: \[chart.by_year\] value: only line and grouped charts take value' '$T/y2.err'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
