#!/usr/bin/env bash
# check-language.sh BIN — the report in English (issue #16, [report] language = en, docs/report.md
# "Language"): the Yamagata demo's English manifest (data/yamagata-2022/survey-en.ini) gives a
# report.pdf whose cover, contents, table captions and methods page are English, with the
# codebook's label_en labels in tables.csv, the table grids and the charts; tables.xlsx's cover
# and cross-tab sheets are English (openpyxl); no Japanese fixed text is left in the PDF; a rerun
# is byte-identical; the estimates equal the Japanese run's. The Japanese demo stays Japanese,
# and `language = ja` written out gives the same bytes as the default. A codebook's label_vi
# column reaches a chart (tests/fixtures/foreign-residents, [report] labels = vi: the Vietnamese
# labels are in the chart's PDF text, a code without one shows its English label); tab --labels
# and --lang are refused with a clear message for a malformed value; tsunagari-plot --lang en
# draws an ad hoc chart's fixed texts in English; the Saitama demo in English has its regression
# section (and forest chart) in English with the model's title_en.
# Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
# Japanese script (kana, kanji, full-width forms): what an English page must not show
export LC_ALL=C.UTF-8
JA='[\x{3040}-\x{30ff}\x{4e00}-\x{9fff}\x{ff00}-\x{ffef}]'

"$BIN/tsunagari-report" -q data/yamagata-2022/survey-en.ini -o "$T/en" 2>"$T/en.err"
check "the English demo runs (exit 0)" test -s "$T/en/report.pdf"
pdftotext -layout "$T/en/report.pdf" "$T/en.txt"
tr -d '\n ' <"$T/en.txt" >"$T/en.flat"
check "cover: English title and About the survey" \
    sh -c "grep -q 'Yamagata City loneliness and isolation web' '$T/en.txt' && grep -q 'About the survey' '$T/en.txt'"
check "cover: sample design, weighting and checks in English" \
    sh -c "grep -q 'nonprobability sample (self-selected)' '$T/en.txt' && grep -q 'raking (iterative proportional fitting)' '$T/en.txt' && grep -q 'Of 2,583 rows read, 2 rejected' '$T/en.txt'"
check "contents: Contents, Figure 1 and Table 1 with English titles, Methods" \
    sh -c "grep -q '^ *Contents' '$T/en.txt' && grep -q 'Figure 1  *Loneliness (direct question) by age' '$T/en.txt' && grep -q 'Table 1  *Loneliness (direct question) × Age band' '$T/en.txt' && grep -qE '^ *Methods +[0-9]+' '$T/en.txt'"
check "table caption: Share (%) and [95% confidence interval]. Weighted." \
    grep -q 'Share (%) and \[95% confidence interval\]. Weighted.' "$T/en.txt"
check "table notes: n is the number of respondents; the Rao–Scott sentence" \
    sh -c "grep -q 'n is the number of respondents (before weighting).' '$T/en.txt' && grep -q 'AssociationwithAgeband(Rao–Scottsecond-orderFtest)' '$T/en.flat'"
check "methods page: its sections in English" \
    sh -c "grep -q '1. Data checks' '$T/en.txt' && grep -q '2. How the weights were made' '$T/en.txt' && grep -q '3. How the standard errors were computed' '$T/en.txt' && grep -q '4. Confidence intervals and tests' '$T/en.txt' && grep -q '5. What is withheld (suppression)' '$T/en.txt'"
check "labels are label_en's (Never, Often or always, 16-19, Female; All for 全体)" \
    sh -c "grep -q 'Often or always' '$T/en.txt' && grep -q '16-19' '$T/en.txt' && grep -q 'Female' '$T/en.txt' && grep -q '^lonely_age,age_band,,All,lonely,1,Never,share,' '$T/en/tables.csv'"
check "report.pdf: no Japanese text left (pdftotext)" sh -c "! grep -qP '$JA' '$T/en.txt'"
bad=""
for f in "$T"/en/charts/*.pdf; do pdftotext "$f" - | grep -qP "$JA" && bad="$bad $(basename "$f")"; done
check "charts: no Japanese text in any chart PDF${bad:+ (not:$bad)}" test -z "$bad"
check "charts: English axis and notes (n=2,580, weighted; Source: ...)" \
    sh -c "pdftotext '$T/en/charts/lonely_age.pdf' - | tr -d '\n' | grep -q 'n=2,580, weighted' && pdftotext '$T/en/charts/lonely_age.pdf' - | grep -q 'Source: Yamagata City'"
PY3=python3
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import openpyxl' 2>/dev/null; then PY3=$p; break; fi
done
"$PY3" - "$T/en/tables.xlsx" >"$T/xlsx.out" 2>&1 <<'PY'
import re, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ja = re.compile('[\u3040-\u30ff\u4e00-\u9fff\uff00-\uffef]')
cover = wb[wb.sheetnames[0]]
texts = [str(c.value) for row in cover.iter_rows() for c in row if c.value is not None]
print('cover:', ' | '.join(texts[:12]))
assert any(t == 'Overview' or t.startswith('Overview') for t in texts) or any('Survey' == t for t in texts), 'no English cover'
left = [t for t in texts if ja.search(t)]
assert not left, 'Japanese on the cover: %r' % left[:5]
for name in wb.sheetnames[1:]:
    if name == 'data':
        continue
    ws = wb[name]
    vals = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    left = [t for t in vals if ja.search(t)]
    assert not left, 'Japanese on sheet %s: %r' % (name, left[:5])
data = wb['data']
head = [c.value for c in next(data.iter_rows(max_row=1))]
assert head[:7] == ['table', 'by', 'by_codes', 'by_labels', 'variable', 'code', 'label'], head
print('ok')
PY
check "tables.xlsx: cover and cross-tab sheets English, the data sheet's head as tables.csv's (openpyxl)" grep -qx ok "$T/xlsx.out"
"$BIN/tsunagari-report" -q data/yamagata-2022/survey-en.ini -o "$T/en2" 2>/dev/null
same=1
for f in report.pdf tables.xlsx tables.csv tables.txt; do cmp -s "$T/en/$f" "$T/en2/$f" || same=0; done
for f in "$T"/en/charts/*; do cmp -s "$f" "$T/en2/charts/$(basename "$f")" || same=0; done
check "a rerun of the English report is byte-identical" test "$same" = 1

# the Japanese demo: still Japanese; language = ja written out = the default, byte for byte
"$BIN/tsunagari-report" -q data/yamagata-2022/survey.ini -o "$T/ja" 2>/dev/null
pdftotext "$T/ja/report.pdf" - | tr -d '\n ' >"$T/ja.flat"
check "the Japanese demo: 目次, 集計の方法, 全体 and Japanese labels, no English fixed text" \
    sh -c "grep -q '目次' '$T/ja.flat' && grep -q '集計の方法' '$T/ja.flat' && grep -q '^lonely_age,age_band,,全体,lonely,1,決してない,share,' '$T/ja/tables.csv' && ! grep -q 'Contents' '$T/ja.flat'"
# every column but the labels (differences are named by labels in one manifest, codes in the other)
nolabels() { python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")):
    if r["statistic"] != "difference":
        print([v for k, v in r.items() if k not in ("by_labels", "label")])' "$1"; }
nolabels "$T/ja/tables.csv" >"$T/ja.num"
nolabels "$T/en/tables.csv" >"$T/en.num"
check "the English tables.csv has the Japanese run's estimates (only labels differ)" \
    sh -c "test -s '$T/ja.num' && cmp -s '$T/ja.num' '$T/en.num'"
sed 's/^\[report\]$/[report]\nlanguage = ja/' data/yamagata-2022/survey.ini >data/yamagata-2022/.check-language-ja.ini
"$BIN/tsunagari-report" -q data/yamagata-2022/.check-language-ja.ini -o "$T/ja2" 2>/dev/null
rm -f data/yamagata-2022/.check-language-ja.ini
same=1
for f in report.pdf tables.xlsx tables.csv tables.txt; do cmp -s "$T/ja/$f" "$T/ja2/$f" || same=0; done
check "[report] language = ja written out gives the default's bytes" test "$same" = 1

# the regression section in English: the Saitama demo with language = en and the model's title_en
sed 's/^\[report\]$/[report]\nlanguage = en/; s/^title         = 孤独感と関連する要因$/&\ntitle_en      = Factors associated with loneliness/' \
    data/saitama-2022/survey.ini >data/saitama-2022/.check-language-en.ini
"$BIN/tsunagari-report" -q data/saitama-2022/.check-language-en.ini -o "$T/sa" 2>/dev/null
rm -f data/saitama-2022/.check-language-en.ini
pdftotext -layout "$T/sa/report.pdf" "$T/sa.txt"
check "regression section: Regression analysis, the model's title_en, English columns and labels" \
    sh -c "grep -q '^ *Regression analysis *$' '$T/sa.txt' && grep -q 'Factors associated with loneliness: logistic regression (n = 734' '$T/sa.txt' && grep -q 'Variable, category  *Odds ratio  *95% CI' '$T/sa.txt' && grep -q 'Lives alone (reference)' '$T/sa.txt'"
check "the forest chart: the model's title_en and English notes" \
    sh -c "pdftotext '$T/sa/charts/forest_lonely_factors.pdf' - | grep -q 'Factors associated with loneliness: odds ratios and 95% confidence intervals' && ! pdftotext '$T/sa/charts/forest_lonely_factors.pdf' - | grep -qP '$JA'"

# a label_vi column reaches a chart
cp -R tests/fixtures/foreign-residents "$T/vi"
"$BIN/tsunagari-report" -q "$T/vi/survey.ini" -o "$T/vo" 2>"$T/vo.err"
check "the foreign-residents fixture runs ([report] labels = vi)" test -s "$T/vo/charts/lonely_years.pdf"
pdftotext "$T/vo/charts/lonely_years.pdf" "$T/vi.txt"
check "the chart's text has the label_vi labels (Không bao giờ, Thường xuyên hoặc luôn luôn, Dưới 1 năm)" \
    sh -c "grep -q 'Không bao giờ' '$T/vi.txt' && grep -q 'Thường xuyên hoặc luôn luôn' '$T/vi.txt' && grep -q 'Dưới 1 năm' '$T/vi.txt'"
check "a code without a Vietnamese label shows its English one (5 years or more)" grep -q '5 years or more' "$T/vi.txt"
check "the chart's fixed texts are English (Loneliness by years in Japan, Source:)" \
    sh -c "grep -q 'Loneliness by years in Japan' '$T/vi.txt' && grep -q 'Source: Survey of foreign residents' '$T/vi.txt'"
sed -i '/^caveat/d' "$T/vi/survey.ini"
"$BIN/tsunagari-report" -q "$T/vi/survey.ini" -o "$T/vd" 2>/dev/null
pdftotext -layout "$T/vd/report.pdf" "$T/vd.txt"
check "no [report] caveat: the default sentence in English; no Japanese in that report.pdf" \
    sh -c "grep -q 'A demonstration on synthetic data. These are not the results of a real survey.' '$T/vd.txt' && ! grep -qP '$JA' '$T/vd.txt'"
check "tables.csv carries the Vietnamese labels" grep -q '^lonely_years,years,1,Dưới 1 năm,lonely,1,Không bao giờ,share,' "$T/vo/tables.csv"
"$BIN/tsunagari-plot" -q --lang en --type stacked --table lonely_years -o "$T/adhoc" "$T/vo/tables.csv" 2>/dev/null
check "tsunagari-plot --lang en: an ad hoc chart without a manifest has English notes" \
    sh -c "pdftotext '$T/adhoc/lonely_years.pdf' - | grep -q 'Source: This survey (table lonely_years'"
"$BIN/tsunagari-tab" --var lonely -o "$T/x.csv" --labels VI "$T/vo/tables.csv" >/dev/null 2>"$T/lab.err"; rc=$?
check "tab --labels VI: usage error (exit 64) naming the rule" sh -c "test $rc = 64 && grep -q 'expected ja, en or 2-3 lowercase letters' '$T/lab.err'"
"$BIN/tsunagari-tab" --var lonely -o "$T/x.csv" --lang fr "$T/vo/tables.csv" >/dev/null 2>"$T/lang.err"; rc=$?
check "tab --lang fr: usage error (exit 64)" sh -c "test $rc = 64 && grep -q -- '--lang: expected ja or en' '$T/lang.err'"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
