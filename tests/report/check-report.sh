#!/usr/bin/env bash
# check-report.sh BIN — tsunagari-report end to end on the demo surveys: outputs present, a
# rerun byte-identical, respondent-level files only in restricted/ and only with
# --with-microdata, work folders of killed runs removed by the next run, the xlsx read back by
# a real reader (python3-openpyxl), the PDF's pages and embedded CJK fonts (poppler-utils), a failing stage stops the run with its message and
# leaves no OUTDIR, --quiet is quiet. Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

R="$BIN/tsunagari-report"
Y=data/yamagata-2022/survey.ini
S=data/saitama-2022/survey.ini

# 1. --quiet: a successful run prints nothing.
mkdir -p "$T/a"
"$R" --quiet "$Y" -o "$T/a/out" >"$T/q.out" 2>"$T/q.err"
rc=$?
check "yamagata: exit 0" test $rc -eq 0
check "--quiet prints nothing on success" test ! -s "$T/q.out" -a ! -s "$T/q.err"
for f in report.pdf tables.xlsx tables.csv tables.txt weighting-report.txt weighting-report.csv \
    reproducibility.txt charts/lonely_age.png charts/lonely_age.pdf charts/lonely_age.svg; do
    check "yamagata: $f written" test -s "$T/a/out/$f"
done
# Without --with-microdata nothing respondent-level is written (issue #12): no restricted/, no
# dataset, no rejects, no labelled answers, and no respondent's answer time in any file.
check "no --with-microdata: no respondent-level file in OUTDIR" \
    test -z "$(find "$T/a/out" \( -name '*.tsd' -o -name 'rejects.csv' -o -name 'answers-labelled.csv' -o -name restricted \) -print)"
first_time=$(iconv -f CP932 -t UTF-8 data/yamagata-2022/raw.csv | sed -n '2p' | cut -d, -f2)
check "no --with-microdata: no respondent's answer time ($first_time) in any output" \
    sh -c "! grep -rlF '$first_time' '$T/a/out' >/dev/null"
check "no --with-microdata: the record says the microdata were not written" \
    grep -q "^  with_microdata  *no: the respondent-level files .* were not written" "$T/a/out/reproducibility.txt"
check "no --with-microdata: the record lists no restricted file" sh -c "! grep -q '^  output .* restricted/' '$T/a/out/reproducibility.txt'"
check "no pid file left in OUTDIR" test ! -e "$T/a/out/.tsunagari-report.pid"
check "no temporary folder left beside OUTDIR" test -z "$(ls -d "$T"/a/out.tmp* "$T"/a/out.old* 2>/dev/null)"
check "no stage logs left in OUTDIR" test ! -e "$T/a/out/.log"
check "tables.csv starts with a UTF-8 BOM" test "$(head -c 3 "$T/a/out/tables.csv" | od -An -tx1 | tr -d ' ')" = efbbbf

# 2. A second run into the same OUTDIR gives the same bytes, file for file.
mv "$T/a/out" "$T/first"
"$R" -q "$Y" -o "$T/a/out" 2>/dev/null
check "rerun: byte-identical outputs (diff -r)" diff -r "$T/first" "$T/a/out"
check "rerun: same file list" test "$(cd "$T/first" && find . | sort)" = "$(cd "$T/a/out" && find . | sort)"
# ... and replaces the earlier report in place.
# (a stray file in the old report must go: the folder is replaced, not written over)
: >"$T/a/out/stray-from-an-earlier-run.txt"
"$R" -q "$Y" -o "$T/a/out" 2>"$T/third.err"
check "a third run exits 0" test $? -eq 0
check "a third run replaces the earlier report: the same files as the first, the stray one gone" \
    sh -c "diff -r '$T/first' '$T/a/out' && test ! -e '$T/a/out/stray-from-an-earlier-run.txt'"
check "replacing: no OUTDIR.old folder or pid file left" \
    test -z "$(ls -d "$T"/a/out.old* "$T"/a/out.tmp* "$T/a/out/.tsunagari-report.pid" 2>/dev/null)"

# 2b. --with-microdata: the respondent-level files, and only they, in restricted/ (0700, files
#     0600, a README in Japanese and English); every file's checksum in the record; a rerun gives
#     the same bytes. (Into a folder as deep as the first: the weighting report names the margin
#     files relative to it.)
"$R" -q --with-microdata "$Y" -o "$T/a/mi" 2>"$T/mi.err"
check "--with-microdata: exit 0" test $? -eq 0
for f in dataset.tsd weighted.tsd rejects.csv answers-labelled.csv README.txt; do
    check "--with-microdata: restricted/$f written" test -s "$T/a/mi/restricted/$f"
done
check "--with-microdata: no respondent-level file outside restricted/" \
    test -z "$(find "$T/a/mi" -path "$T/a/mi/restricted" -prune -o \( -name '*.tsd' -o -name 'rejects.csv' -o -name 'answers-labelled.csv' \) -print)"
check "--with-microdata: outside restricted/ the same files as without it" \
    test "$(cd "$T/a/mi" && find . -path ./restricted -prune -o -print | sort)" = "$(cd "$T/first" && find . | sort)"
check "--with-microdata: the published files are those of a run without it" \
    sh -c "cd '$T/a/mi' && for f in tables.csv tables.txt tables.xlsx weighting-report.txt weighting-report.csv; do cmp -s \$f '$T/first/'\$f || exit 1; done"
check "--with-microdata: restricted/ is mode 0700" test "$(stat -c %a "$T/a/mi/restricted")" = 700
check "--with-microdata: every file in restricted/ is mode 0600" \
    test -z "$(find "$T/a/mi/restricted" -type f ! -perm 0600 -print)" -a -n "$(find "$T/a/mi/restricted" -type f -print)"
check "--with-microdata: README.txt says, in Japanese and English, not to publish" \
    sh -c "grep -q '公開しないでください' '$T/a/mi/restricted/README.txt' && grep -q 'Do not publish them' '$T/a/mi/restricted/README.txt'"
check "--with-microdata: the record says so and gives the option in the command" \
    sh -c "grep -q '^  with_microdata  *yes' '$T/a/mi/reproducibility.txt' && grep -q -- ' -o $T/a/mi --with-microdata\$' '$T/a/mi/reproducibility.txt'"
check "--with-microdata: the record lists every file with its SHA-256, restricted/ included" \
    sh -c "cd '$T/a/mi' && find . -type f ! -name reproducibility.txt | sed 's#^\./##' | sort | while read -r f; do
               grep -q \"^  output  *\$(sha256sum \"\$f\" | cut -d' ' -f1)  \$f\\\$\" reproducibility.txt || { echo \"missing: \$f\"; exit 1; }
           done"
mv "$T/a/mi" "$T/mi1"
"$R" -q --with-microdata "$Y" -o "$T/a/mi" 2>/dev/null
check "--with-microdata: rerun byte-identical, restricted/ included (diff -r)" diff -r "$T/mi1" "$T/a/mi"
"$R" -q "$Y" -o "$T/a/mi" 2>/dev/null
check "a run without --with-microdata over one with it leaves no restricted/" test ! -e "$T/a/mi/restricted"

# 2c. Work folders of killed runs (issue #12). Made by hand: one whose run has ended (a pid that
#     exited), one whose pid is alive but another process (a different start time), one of a live
#     run (this shell, its true start time), one without a pid file, and a file of that name. The
#     next run removes the first two only.
mkdir -p "$T/st"
sh -c 'exit 0' & dead=$!
wait $dead
me_start=$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f20)
for d in DEADaa RECYCL LIVEaa NOPIDa; do mkdir "$T/st/out.tmp$d" && echo x >"$T/st/out.tmp$d/dataset.tsd"; done
echo "tsunagari-report pid $dead start 1" >"$T/st/out.tmpDEADaa/.tsunagari-report.pid"
mkdir "$T/st/out.oldDEADaa" && cp "$T/st/out.tmpDEADaa/.tsunagari-report.pid" "$T/st/out.oldDEADaa/"
mkdir "$T/st/out.oldNOPIDa"
echo "tsunagari-report pid $$ start $((me_start + 1))" >"$T/st/out.tmpRECYCL/.tsunagari-report.pid"
echo "tsunagari-report pid $$ start $me_start" >"$T/st/out.tmpLIVEaa/.tsunagari-report.pid"
echo keep >"$T/st/out.tmpFILEaa"
mkdir "$T/st/other.tmpDEADaa" && cp "$T/st/out.tmpDEADaa/.tsunagari-report.pid" "$T/st/other.tmpDEADaa/"
"$R" "$Y" -o "$T/st/out" >/dev/null 2>"$T/st.err"
check "stale work folders: the run succeeds" test $? -eq 0
check "stale: a folder whose run has ended is removed, and said so" \
    sh -c "test ! -e '$T/st/out.tmpDEADaa' && grep -q 'removed $T/st/out.tmpDEADaa, left by an earlier run that was killed' '$T/st.err'"
check "stale: a folder whose pid is now another process is removed" test ! -e "$T/st/out.tmpRECYCL"
check "stale: an earlier OUTDIR moved aside by a run that has ended is removed" test ! -e "$T/st/out.oldDEADaa"
check "stale: an OUTDIR.old folder without a pid file is kept" test -d "$T/st/out.oldNOPIDa"
check "stale: the folder of a live run is kept" test -f "$T/st/out.tmpLIVEaa/dataset.tsd"
check "stale: a folder without a pid file is kept" test -f "$T/st/out.tmpNOPIDa/dataset.tsd"
check "stale: a file of that name is kept" test -f "$T/st/out.tmpFILEaa"
check "stale: another OUTDIR's folder is kept" test -d "$T/st/other.tmpDEADaa"

# 2d. kill -9 for real: the run's process group is killed while the stages work, its work folder
#     (with respondent-level files) stays; the next run removes it. No fixed sleep: poll (up to
#     120 s) until ingest has written restricted/dataset.tsd.
mkdir -p "$T/k9"
setsid "$R" -q --with-microdata "$Y" -o "$T/k9/out" 2>/dev/null &
k9=$!
for ((i = 0; i < 12000; i++)); do
    compgen -G "$T/k9/out.tmp*/restricted/dataset.tsd" >/dev/null && break
    kill -0 $k9 2>/dev/null || break
    sleep 0.01
done
kill -KILL -- -$k9 2>/dev/null
wait $k9 2>/dev/null
left=$(compgen -G "$T/k9/out.tmp*")
if [ -n "$left" ] && [ -f "$left/.tsunagari-report.pid" ]; then
    ok "kill -9: the work folder stays, with its pid file"
    "$R" -q "$Y" -o "$T/k9/out" 2>"$T/k9.err"
    check "kill -9: the next run succeeds and removes it" sh -c "test $? -eq 0 && test ! -e '$left'"
    check "kill -9: no temporary folder left at all" test -z "$(compgen -G "$T/k9/out.tmp*")"
else
    notok "kill -9: the run was killed while its stages worked (work folder: ${left:-none})"
fi

# 3. The reproducibility record: checksums that match, the command, the stages.
rec="$T/a/out/reproducibility.txt"
raw_sum=$(sha256sum data/yamagata-2022/raw.csv | cut -d' ' -f1)
cb_sum=$(sha256sum data/yamagata-2022/codebook.csv | cut -d' ' -f1)
mf_sum=$(sha256sum "$Y" | cut -d' ' -f1)
check "record: raw.csv SHA-256" grep -q "input.raw  *$raw_sum" "$rec"
check "record: codebook SHA-256" grep -q "input.codebook  *$cb_sum" "$rec"
check "record: manifest SHA-256" grep -q "manifest  *$mf_sum" "$rec"
check "record: margins file listed" grep -q "margin.age_band.file" "$rec"
check "record: the command" grep -q "tsunagari-report $Y -o $T/a/out" "$rec"
check "record: the tool version" grep -q "tsunagari-report $(cat VERSION)" "$rec"
check "record: the stage commands" grep -q "^  tsunagari-weight -s " "$rec"
check "record: outputs with checksums" grep -q "output .* report.pdf" "$rec"

# 4. The PDF: pages, embedded Japanese fonts, the synthetic notice, the methods page.
pages=$(pdfinfo "$T/a/out/report.pdf" | sed -n 's/^Pages: *//p')
check "report.pdf has more than 3 pages ($pages)" test "${pages:-0}" -gt 3
check "report.pdf embeds a CJK font" sh -c "pdffonts '$T/a/out/report.pdf' | grep -i 'NotoSansCJK' | grep -q ' yes '"
pdftotext "$T/a/out/report.pdf" "$T/y.txt"
check "report.pdf says 合成データ" grep -q "合成データ" "$T/y.txt"
check "report.pdf has the methods page" grep -q "集計の方法" "$T/y.txt"
check "report.pdf names Taylor linearisation" grep -q "テイラー線形化" "$T/y.txt"
check "report.pdf marks suppressed cells" grep -q "＊" "$T/y.txt"

# 5. The workbook, read by openpyxl: one sheet per table, Japanese headers, numbers as numbers.
# Debian's python3-openpyxl lives in /usr/bin/python3's path; a pyenv python3 first on PATH lacks it.
PY3=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import openpyxl' 2>/dev/null; then PY3=$p; break; fi
done
if [ -n "$PY3" ]; then
    check "tables.xlsx opens in openpyxl: a cross-tab sheet per table, then data" "$PY3" - "$T/a/out/tables.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
want = ["lonely_age", "lonely_sex", "lonely_consult", "ucla_age", "goout_age", "events", "help_age", "channel"]
missing = [s for s in want if s not in wb.sheetnames]
assert not missing, ("missing sheets", missing, wb.sheetnames)
assert wb.sheetnames[0] == "概要" and wb.sheetnames[-1] == "data", wb.sheetnames
ws = wb["lonely_age"]
head = [c.value for c in ws[4]]
assert head[:3] == ["年齢(8区分)", "n", "決してない"], head
row = [c.value for c in ws[5]]
assert row[0] == "全体" and isinstance(row[1], int), row
assert isinstance(row[2], float) and 0 < row[2] < 1 and ws.cell(row=5, column=3).number_format == "0.0%", row
assert ws.cell(row=6, column=3).value.startswith("["), ws.cell(row=6, column=3).value  # the interval under it
assert ws.freeze_panes == "B5", ws.freeze_panes
assert ws.page_setup.paperSize in (9, "9") and ws.sheet_properties.pageSetUpPr.fitToPage, ws.page_setup.paperSize
assert ws.page_setup.fitToWidth in (None, 1, "1"), ws.page_setup.fitToWidth  # absent: Excel's default 1
# a suppressed cell: ＊, with the footnote under the table
assert any(c.value == "＊" for r in ws.iter_rows(min_row=5) for c in r)
assert any(isinstance(c.value, str) and c.value.startswith("＊ 回答者が 10 人未満") for r in ws.iter_rows() for c in r)
d = wb["data"]
dh = [c.value for c in d[1]]
assert dh[:2] == ["table", "by"] and "estimate" in dh, dh
assert isinstance(d.cell(row=2, column=dh.index("estimate") + 1).value, float)
PY
else
    notok "python3-openpyxl is not installed (apt-get install python3-openpyxl)"
fi

# 6. Saitama: a frame, so a response rate; progress on stderr and the summary.
"$R" "$S" -o "$T/s" >"$T/s.out" 2>"$T/s.err"
check "saitama: exit 0" test $? -eq 0
# (its [model.lonely_factors] adds tsunagari-model and the forest chart: 7 steps)
check "saitama: progress for each stage (no export without --with-microdata)" \
    sh -c "grep -q '\[1/7\] ingest' '$T/s.err' && grep -q '\[4/7\] plot' '$T/s.err' && grep -q '\[5/7\] model' '$T/s.err' && grep -q '\[6/7\] forest' '$T/s.err' && ! grep -q 'export' '$T/s.err'"
check "saitama: the summary says the microdata were not written" grep -q "microdata:  not written" "$T/s.err"
check "saitama: summary names report.pdf" grep -q "open first: $T/s/report.pdf" "$T/s.err"
check "saitama: summary gives the response rate" grep -q "response rate 51.1%" "$T/s.err"
pdftotext "$T/s/report.pdf" "$T/s.txt"
check "saitama: cover gives 回収率" grep -q "回収率 51.1%" "$T/s.txt"
check "saitama: methods mention the finite population correction" grep -q "有限母集団修正" "$T/s.txt"
check "nothing on stdout" test ! -s "$T/s.out"

# 7. A failing stage: a manifest whose raw file is missing.
mkdir -p "$T/bad"
cp data/yamagata-2022/* "$T/bad/"
sed -i 's/^raw *=.*/raw = nothere.csv/' "$T/bad/survey.ini"
"$R" "$T/bad/survey.ini" -o "$T/badout" >"$T/b.out" 2>"$T/b.err"
rc=$?
check "failing stage: exit status is ingest's (66), got $rc" test $rc -eq 66
check "failing stage: names the stage" grep -q "stage ingest failed" "$T/b.err"
check "failing stage: ingest's own message" grep -q "nothere.csv" "$T/b.err"
check "failing stage: no OUTDIR" test ! -e "$T/badout"
check "failing stage: no temporary folder left" test -z "$(ls -d "$T"/badout.* 2>/dev/null)"
# ... and an earlier report in OUTDIR is left as it was.
"$R" -q "$T/bad/survey.ini" -o "$T/a/out" 2>/dev/null
check "failing stage: the earlier OUTDIR is untouched" diff -r "$T/first" "$T/a/out"
# A failing weight stage (a margin file that is missing).
cp "$T/bad/survey.ini" "$T/bad/w.ini"
sed -i 's/^raw *=.*/raw = raw.csv/; s/^file *= *margins_age_sex.csv/file = gone.csv/' "$T/bad/w.ini"
"$R" "$T/bad/w.ini" -o "$T/wout" >/dev/null 2>"$T/w.err"
rc=$?
check "failing weight stage: non-zero exit ($rc), its message, no OUTDIR" \
    sh -c "test $rc -ne 0 && grep -q 'stage weight failed' '$T/w.err' && grep -q 'gone.csv' '$T/w.err' && test ! -e '$T/wout'"

# 8. An existing folder that is not a report is not replaced.
mkdir -p "$T/mine" && echo keep >"$T/mine/notes.txt"
"$R" -q "$Y" -o "$T/mine" 2>"$T/m.err"
check "a folder that is not a report is refused (73)" sh -c "test $? -eq 73 && test -f '$T/mine/notes.txt'"
check "usage error without -o (64)" sh -c "'$R' '$Y' 2>/dev/null; test \$? -eq 64"

# 9. [privacy] min_cell: one rule in every stage (lib/privacy.c). 0 = no suppression runs
#    through all stages (plot refused it, stopping the report at stage 4); abc is refused at once.
mkdir -p "$T/mc/data" && cp -R data/yamagata-2022 data/reference "$T/mc/data/"
sed -i 's/^min_cell *=.*/min_cell = 0/' "$T/mc/data/yamagata-2022/survey.ini"
"$R" -q "$T/mc/data/yamagata-2022/survey.ini" -o "$T/mc/out0" 2>"$T/mc0.err"
check "min_cell = 0: every stage runs, the record says 0" \
    sh -c "test $? -eq 0 && grep -q 'privacy.min_cell  *0\$' '$T/mc/out0/reproducibility.txt'"
sed -i 's/^min_cell *=.*/min_cell = abc/' "$T/mc/data/yamagata-2022/survey.ini"
"$R" -q "$T/mc/data/yamagata-2022/survey.ini" -o "$T/mc/outx" 2>"$T/mcx.err"
check "min_cell = abc: refused (65) naming file:line, no OUTDIR" \
    sh -c "test $? -eq 65 && grep -q 'survey.ini:[0-9]*: \[privacy\] min_cell: expected a whole number 0..1000000, got \"abc\"' '$T/mcx.err' && test ! -e '$T/mc/outx'"

# 9b. The whole manifest is checked against lib/schema.c before any stage runs: [survey], [input]
#     and [report] are read by no stage program, so a misspelt key there was never caught.
for sk in 'survey:titel' 'input:encodng' 'report:captions'; do
    sec=${sk%%:*} key=${sk#*:}
    sed "/^\[$sec\]/a $key = x" "$T/mc/data/yamagata-2022/survey.ini" | sed 's/^min_cell *=.*/min_cell = 10/' \
        >"$T/mc/data/yamagata-2022/k.ini"
    "$R" -q "$T/mc/data/yamagata-2022/k.ini" -o "$T/mc/outk" 2>"$T/mck.err"
    check "[$sec] $key: refused (65) naming file:line, no OUTDIR" \
        sh -c "test $? -eq 65 && grep -q '^tsunagari-report: .*k.ini:[0-9]*: \[$sec\] $key: unknown key (known: ' '$T/mck.err' && test ! -e '$T/mc/outk'"
done
{ sed 's/^min_cell *=.*/min_cell = 10/' "$T/mc/data/yamagata-2022/survey.ini"; printf '[reprot]\ntitle = x\n'; } \
    >"$T/mc/data/yamagata-2022/k.ini"
"$R" -q "$T/mc/data/yamagata-2022/k.ini" -o "$T/mc/outk" 2>"$T/mck.err"
check "[reprot]: an unknown section refused (65) naming file:line" \
    sh -c "test $? -eq 65 && grep -q 'k.ini:[0-9]*: \[reprot\]: unknown section' '$T/mck.err' && test ! -e '$T/mc/outk'"

# 9. Totals, means and another interval (tests/report/fixtures/estimates.ini appended to a copy
# of the Saitama demo): whole numbers with separators under their own caption, nothing drawn
# over anything in the PDF, number formats in the workbook, the methods page and the record
# saying what was computed.
mkdir -p "$T/est"
cp data/saitama-2022/* "$T/est/"
sed -i "s#\.\./reference/#$ROOT/data/reference/#" "$T/est/survey.ini"
cat tests/report/fixtures/estimates.ini >>"$T/est/survey.ini"
"$R" -q "$T/est/survey.ini" -o "$T/eo" 2>"$T/e.err"
check "estimates fixture: exit 0" test $? -eq 0
pdftotext "$T/eo/report.pdf" "$T/e.txt"
pdftotext -bbox "$T/eo/report.pdf" "$T/e.html"
tr -d '\n' <"$T/e.txt" >"$T/e1.txt"
check "totals captioned 推定総数, not 推定値（%）" sh -c "grep -q '推定総数と \[95%信頼区間\]' '$T/e.txt' && ! grep -q '推定値（%）' '$T/e.txt'"
check "means captioned 平均値" grep -q '平均値と \[95%信頼区間\]' "$T/e.txt"
check "totals as whole numbers with thousands separators (n,nnn,nnn)" grep -Eq '^[0-9]{1,3},[0-9]{3},[0-9]{3}$' "$T/e.txt"
check "no total printed as 20313811.76" sh -c "! grep -Eq '[0-9]{5,}\.[0-9]' '$T/e.txt'"
check "means with two significant digits of the standard error (SE 0.10: x.xx)" grep -Eq '^[0-9]\.[0-9]{2}$' "$T/e.txt"
if out=$(python3 tests/report/overprint.py "$T/e.html"); then ok "report.pdf: no text overprints other text (pdftotext -bbox)"
else notok "report.pdf: no text overprints other text"; printf '%s\n' "$out" | head -5 | sed 's/^/#   /'; fi
check "methods: the 90% level of lonely_beta" grep -Eq '割合の 90% ?信頼区間は' "$T/e1.txt"
check "methods: the Korn–Graubard method" grep -q 'Korn–Graubard の区間' "$T/e1.txt"
check "methods: the other tables' 95% logit intervals" grep -Eq '割合の 95% ?信頼区間は.*ロジット変換した区間' "$T/e1.txt"
check "methods: means and totals ± t × SE" grep -Eq '平均値・推定総数（表[0-9・表]*）の ?95% ?信頼区間は ?推定値 ± t × 標準誤差' "$T/e1.txt"
check "methods: the fpc from the frame" grep -q '抽出枠（frame_area.csv）の母集団の人数から求めた有限母集団修正' "$T/e1.txt"
check "methods: the lonely-PSU setting tsunagari-tab ran with" grep -Eq 'tsunagari-tab ?--lonely-psu ?fail、既定' "$T/e1.txt"
pdftotext "$T/a/out/report.pdf" "$T/y1.txt"
check "yamagata methods: 95% logit, no Korn–Graubard" sh -c "tr -d '\n' <'$T/y1.txt' | grep -Eq '割合の 95% ?信頼区間はロジット変換した区間です' && ! grep -q 'Korn' '$T/y1.txt'"
erec="$T/eo/reproducibility.txt"
check "record: the lonely-PSU setting of the tab command actually run" \
    sh -c "grep '^  tsunagari-tab ' '$erec' | grep -vq -- '--lonely-psu' && grep -q \"tab.lonely_psu  *fail (tsunagari-tab's default: no --lonely-psu given)\" '$erec'"
check "record: fpc from the frame" grep -q 'design.fpc  *yes (N_h from the frame frame_area.csv)' "$erec"
check "record: lonely_beta with ci=beta level=0.9" grep -q 'table.lonely_beta .* ci=beta level=0.9 ' "$erec"
check "record: ucla_mean with statistic=mean ci=t (what tab computed)" grep -q 'table.ucla_mean .* statistic=mean ci=t level=0.95 ' "$erec"
if [ -n "$PY3" ]; then
    check "tables.xlsx: totals and means as numbers with their own caption and #,##0 formats" "$PY3" - "$T/eo/tables.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for sheet, caption, fmt, col in (("lonely_total", "推定総数", "#,##0", 3), ("ucla_total", "推定総数", "#,##0", 3),
                                 ("ucla_mean", "平均値", "#,##0.00", 3), ("lonely_beta", "割合（%）と [90%信頼区間]", "0.0%", 3)):
    ws = wb[sheet]
    cap = ws.cell(row=2, column=1).value
    assert cap.startswith(caption) and "推定値（%）" not in cap, (sheet, cap)
    cell = ws.cell(row=5, column=col)
    assert isinstance(cell.value, float), (sheet, cell.value)
    assert cell.number_format == fmt, (sheet, cell.number_format)
ws = wb["lonely_total"]
assert ws.cell(row=5, column=3).value > 100000, ws.cell(row=5, column=3).value
PY
fi

# 10. The design named is the one the variance used: without [design] type, the Saitama demo's
# strata make it stratified (tsunagari-weight records that), never 単純無作為抽出 (issue #10).
mkdir -p "$T/nt"
cp data/saitama-2022/* "$T/nt/"
sed -i "s#\.\./reference/#$ROOT/data/reference/#; /^\[design\]/,/^\[/{/^type *=/d}" "$T/nt/survey.ini"
"$R" -q "$T/nt/survey.ini" -o "$T/nto" 2>"$T/nt.err"
check "no [design] type: exit 0" test $? -eq 0
check "no [design] type: the manifest copy really has none" sh -c "! sed -n '/^\[design\]/,/^\[/p' '$T/nt/survey.ini' | grep -q '^type'"
pdftotext "$T/nto/report.pdf" "$T/nt.txt" 2>/dev/null
check "no [design] type: the cover says 層化無作為抽出" sh -c "grep -q '^層化無作為抽出' '$T/nt.txt' && ! grep -q '^単純無作為抽出' '$T/nt.txt'"
check "no [design] type: the record says stratified" grep -q "design.type  *stratified" "$T/nto/reproducibility.txt"

# 11. A synthetic survey without [report] caveat: the PDF cover and the workbook's overview give
# the same sentence, the schema's default (they had two different fallbacks).
mkdir -p "$T/cv"
cp data/saitama-2022/* "$T/cv/"
sed -i "s#\.\./reference/#$ROOT/data/reference/#; /^caveat *=/d" "$T/cv/survey.ini"
"$R" -q "$T/cv/survey.ini" -o "$T/cvo" 2>"$T/cv.err"
check "no [report] caveat: exit 0" test $? -eq 0
pdftotext "$T/cvo/report.pdf" "$T/cv.txt" 2>/dev/null
check "no [report] caveat: the cover has the default sentence" grep -q '合成データによるデモです。実際の調査結果ではありません。' "$T/cv.txt"
if [ -n "$PY3" ]; then
    check "no [report] caveat: the workbook has the same sentence" "$PY3" -c "
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
sys.exit(0 if any(c.value == '合成データによるデモです。実際の調査結果ではありません。' for r in ws.iter_rows() for c in r) else 1)" "$T/cvo/tables.xlsx"
fi

echo "$pass passed, $fail failed"
test "$fail" -eq 0
