#!/usr/bin/env bash
# check-xlsx.sh BIN — tables.xlsx as council staff use it (issue #18), on both demos (synthetic):
# printed by LibreOffice (headless, Debian libreoffice-calc-nogui) every table's cross-tab sheet
# is one A4 page (so one page wide: no table split by column), the cover's labels and values print
# side by side, the data sheet prints one page wide; read back with openpyxl every cross-tab cell
# is exactly tables.csv's estimate (and, with --xlsx-ci block, its interval bounds), a suppressed
# cell is ＊ with the footnote, the test sentence is under the table, the cover links every sheet,
# and the data sheet is tables.csv cell for cell. Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
PY3=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import openpyxl' 2>/dev/null; then PY3=$p; break; fi
done

for demo in yamagata saitama; do
    "$BIN/tsunagari-report" -q "data/$demo-2022/survey.ini" -o "$T/$demo" 2>"$T/$demo.err"
    check "$demo: the report runs" test -s "$T/$demo/tables.xlsx"
done
"$BIN/tsunagari-report" -q data/yamagata-2022/survey.ini -o "$T/block" --xlsx-ci block 2>"$T/block.err"
check "--xlsx-ci block: the report runs" test -s "$T/block/tables.xlsx"
mkdir -p "$T/m" && cp -R data/yamagata-2022 data/reference "$T/m/"
sed -i 's/^\[report\]$/[report]\nxlsx_ci = block/' "$T/m/yamagata-2022/survey.ini"
"$BIN/tsunagari-report" -q "$T/m/yamagata-2022/survey.ini" -o "$T/mblock" 2>"$T/mblock.err"
check "[report] xlsx_ci = block: the same workbook as --xlsx-ci block" \
    sh -c "grep -q '^xlsx_ci = block' '$T/m/yamagata-2022/survey.ini' && cmp -s '$T/mblock/tables.xlsx' '$T/block/tables.xlsx'"
"$BIN/tsunagari-report" -q "$T/m/yamagata-2022/survey.ini" -o "$T/munder" --xlsx-ci under 2>"$T/munder.err"
check "--xlsx-ci under overrides the manifest's block: the default workbook" cmp -s "$T/munder/tables.xlsx" "$T/yamagata/tables.xlsx"
"$BIN/tsunagari-report" -q data/yamagata-2022/survey.ini -o "$T/bad" --xlsx-ci beside 2>"$T/bad.err"
check "--xlsx-ci beside: a usage error (exit 64) naming the choices" \
    sh -c "test $? -eq 64 && grep -q 'expected under or block' '$T/bad.err' && test ! -e '$T/bad'"

# 1. Printed by LibreOffice: the pages of each sheet, told apart by the page header (the sheet's
# title, the first line of the page's text); the footer has the survey's title and the page.
if command -v soffice >/dev/null 2>&1; then
    for demo in yamagata saitama; do
        HOME=$T/lo soffice --headless --convert-to pdf --outdir "$T/$demo-pdf" "$T/$demo/tables.xlsx" >"$T/$demo-lo.log" 2>&1
        check "$demo: LibreOffice prints tables.xlsx to PDF" test -s "$T/$demo-pdf/tables.pdf"
        pages=$(pdfinfo "$T/$demo-pdf/tables.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
        check "$demo: A4 pages" sh -c "pdfinfo '$T/$demo-pdf/tables.pdf' | grep -q 'Page size:.*(A4)'"
        : >"$T/$demo-footers.txt"
        for ((i = 1; i <= ${pages:-0}; i++)); do
            pdftotext -f $i -l $i -layout "$T/$demo-pdf/tables.pdf" - | sed -n '/[^ ]/{s/^ *//; s/ *$//; p; q}' >>"$T/$demo-footers.txt"
        done
        # Each table's title (the page header of its sheet) on exactly one page.
        "$PY3" - "$T/$demo/tables.xlsx" "$T/$demo-footers.txt" >"$T/$demo-pages.txt" 2>&1 <<'PY'
import re, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
footers = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")]
bad = []
for name in wb.sheetnames[1:]:
    if name in ("data", "回帰分析"):
        continue
    title = wb[name].cell(row=1, column=1).value
    n = sum(1 for f in footers if f == title)  # the page header
    if n != 1:
        bad.append((name, title, n))
print("pages per table sheet not 1:", bad if bad else "none")
sys.exit(1 if bad else 0)
PY
        check "$demo: every table sheet prints on one A4 page (one page wide, not split by column)" test $? -eq 0
        data_ok=no n=0
        for ((i = 1; i <= ${pages:-0}; i++)); do
            t=$(pdftotext -f $i -l $i -layout "$T/$demo-pdf/tables.pdf" -)
            case $t in *'data（tables.csv と同じ内容）'*)
                n=$((n + 1))
                printf '%s\n' "$t" | grep -q '^ *table  *by .* suppression *$' || { n=-1000; break; } ;;
            esac
        done
        [ "$n" -ge 1 ] && data_ok=yes
        check "$demo: the data sheet prints one page wide (its first and last columns on every page)" test $data_ok = yes
        stitle=$(sed -n 's/^title *= *//p' "data/$demo-2022/survey.ini" | head -1)
        check "$demo: a table sheet's footer gives the survey's title beside the page" \
            sh -c "pdftotext -f 2 -l 2 -layout '$T/$demo-pdf/tables.pdf' - | grep ' 2 / [0-9]*\$' | grep -qF '$stitle'"
        check "$demo: the cover prints each label beside its value" \
            sh -c "pdftotext -f 1 -l 1 -layout '$T/$demo-pdf/tables.pdf' - | grep -q '^ *調査期間  *[0-9]'"
    done
    # The pictures a council member would look at: kept when CHECK_XLSX_KEEP names a folder.
    if [ -n "${CHECK_XLSX_KEEP:-}" ]; then
        mkdir -p "$CHECK_XLSX_KEEP" && pdftoppm -r 60 -png "$T/yamagata-pdf/tables.pdf" "$CHECK_XLSX_KEEP/yamagata" &&
            pdftoppm -r 60 -png "$T/saitama-pdf/tables.pdf" "$CHECK_XLSX_KEEP/saitama"
    fi
else
    notok "LibreOffice is not installed (apt-get install libreoffice-calc-nogui): tables.xlsx not printed"
fi

# 2. Read back: the cross-tab cells are tables.csv's estimates.
if [ -n "$PY3" ]; then
    for demo in yamagata saitama block; do
        check "$demo: every cross-tab cell is tables.csv's value, every estimate is in a cell" "$PY3" - "$T/$demo/tables.xlsx" "$T/$demo/tables.csv" "$demo" <<'PY'
import csv, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8-sig")))
block = sys.argv[3] == "block"
# libxlsxwriter stores 16 significant digits (Excel itself keeps 15): the value, not a rounding of it
def same(x, y):
    return abs(float(x) - float(y)) <= 1e-15 * max(1.0, abs(float(y)))
by_table = {}
for r in rows:
    by_table.setdefault(r["table"], []).append(r)
checked = 0
for table, rs in by_table.items():
    ws = wb[table]
    grid = [[c.value for c in row] for row in ws.iter_rows()]
    head = grid[3]
    assert head[1] == "n", (table, head)
    est = [r for r in rs if not r["statistic"].startswith("rao_scott") and r["statistic"] != "difference"]
    cats, doms = [], []
    for r in est:
        lab = r["label"] if r["code"] else {"mean": "平均", "ratio": "比"}.get(r["statistic"], "合計")
        if lab not in cats: cats.append(lab)
        if r["by_labels"] not in doms: doms.append(r["by_labels"])
    assert head[2:2 + len(cats)] == cats, (table, head, cats)
    step = 1 if block or not any(r["ci_low"] for r in est) else 2
    rowof = {grid[4 + step * i][0]: 4 + step * i for i in range(len(doms))}
    assert list(rowof) == doms, (table, list(rowof), doms)
    for r in est:
        lab = r["label"] if r["code"] else {"mean": "平均", "ratio": "比"}.get(r["statistic"], "合計")
        i, j = rowof[r["by_labels"]], 2 + cats.index(lab)
        v = grid[i][j]
        if r["suppressed"] == "yes":
            assert v == "＊", (table, r["by_labels"], lab, v)
            continue
        assert isinstance(v, (int, float)) and same(v, r["estimate"]), (table, r["by_labels"], lab, v, r["estimate"])
        assert grid[i][1] == int(r["n"]), (table, r["by_labels"], grid[i][1], r["n"])
        checked += 1
        if block and r["ci_low"]:
            # the 下限 and 上限 blocks: the same layout below, each after its caption and head row
            lo_cap = next(k for k, g in enumerate(grid) if g[0] and str(g[0]).endswith("信頼区間 下限"))
            hi_cap = next(k for k, g in enumerate(grid) if g[0] and str(g[0]).endswith("信頼区間 上限"))
            off = i - 4
            assert same(grid[lo_cap + 2 + off][j], r["ci_low"]), (table, "lo", grid[lo_cap + 2 + off][j], r["ci_low"])
            assert same(grid[hi_cap + 2 + off][j], r["ci_high"]), (table, "hi", grid[hi_cap + 2 + off][j], r["ci_high"])
        elif r["ci_low"]:
            assert str(grid[i + 1][j]).startswith("["), (table, "interval under", grid[i + 1][j])
    if any(r["suppressed"] == "yes" for r in est):
        assert any(isinstance(g[0], str) and g[0].startswith("＊ 回答者が") for g in grid), (table, "footnote")
    if any(r["statistic"] == "rao_scott_f" for r in rs):
        assert any(isinstance(g[0], str) and "Rao–Scott 二次補正 F 検定" in g[0] for g in grid), (table, "test")
    assert any(isinstance(g[0], str) and g[0].startswith("出典：") and "合成データ" in g[0] for g in grid), (table, "source")
assert checked > 100, checked
PY
        check "$demo: the data sheet is tables.csv cell for cell, numbers as numbers" "$PY3" - "$T/$demo/tables.xlsx" "$T/$demo/tables.csv" <<'PY'
import csv, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
rows = list(csv.reader(open(sys.argv[2], encoding="utf-8-sig")))
d = [[c.value for c in r] for r in wb["data"].iter_rows()]
assert len(d) == len(rows), (len(d), len(rows))
numeric = {"n", "n_category", "weighted_n", "estimate", "se", "ci_low", "ci_high", "ci_level", "df", "df2", "deff", "cv", "p_value", "missing_n", "skipped_n"}
for i, (a, b) in enumerate(zip(d, rows)):
    a = (a + [None] * len(b))[:len(b)]
    for name, x, y in zip(rows[0], a, b):
        if y == "":
            assert x is None, (name, x)
        elif name in numeric and i > 0:  # 16 significant digits, as the cross-tab's
            assert isinstance(x, (int, float)) and abs(float(x) - float(y)) <= 1e-15 * max(1.0, abs(float(y))), (name, x, y)
        else:
            assert str(x) == y, (name, x, y)
PY
        check "$demo: the cover links every sheet" "$PY3" - "$T/$demo/tables.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["概要"]
links = {c.hyperlink.location for r in ws.iter_rows() for c in r if c.hyperlink is not None}
want = {"'%s'!A1" % n for n in wb.sheetnames[1:]}
assert links == want, (sorted(links), sorted(want))
PY
    done
else
    notok "python3-openpyxl is not installed (apt-get install python3-openpyxl)"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
