#!/usr/bin/env python3
"""compare.py [--labels R_VALUES.csv] R.csv TSUNAGARI.csv — used by check-read-stat.sh.

Every column of TSUNAGARI.csv (tsunagari-export of a dataset ingested from an SPSS or Stata
file, --raw-layout so the columns have the file's names) that R.csv (readback.R) also has must
agree cell by cell: the same text, or both missing — R's "" or a Stata missing ".a".. against
tsunagari's empty cell or, for a labelled Stata missing value, its code (-1001 for .a down to
-1026 for .z; -1101.. when that value carries a label of its own: docs/spss-stata.md). Columns
only one side has are listed. With --labels (both files with value labels): a missing code the
file left unlabelled is labelled 「欠損値 99」 (「欠損値 .a」) by tsunagari, and a multiple
answer's 0/1 option columns stay 0/1 in tsunagari's export, which R.csv's value reading
(R_VALUES.csv) must then give. Prints the differences and "N cells compared, N differ"; exits 1
when any differ or nothing was compared."""
import csv, sys


def table(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def stata_code(tag):
    return {str(-1001 - k) for k in range(26) if chr(ord("a") + k) == tag[1:]} | \
           {str(-1101 - k) for k in range(26) if chr(ord("a") + k) == tag[1:]}


args = sys.argv[1:]
rvalues = None
if args[0] == "--labels":
    vh, vrows = table(args[1])
    rvalues = (vh, vrows)
    args = args[2:]
rh, rrows = table(args[0])
th, trows = table(args[1])
# tsunagari's 0/1 option columns of a multiple answer (with --labels, still 0/1)
binary = {c for c in th if all(t[th.index(c)] in ("0", "1", "") for t in trows)}
if len(rrows) != len(trows):
    print(f"R has {len(rrows)} cases, tsunagari {len(trows)}")
    sys.exit(1)
common = [c for c in th if c in rh]
for c in th:
    if c not in rh:
        print(f"column {c}: not in R's read (a string or a date there?)")
bad = n = 0
for i, (r, t) in enumerate(zip(rrows, trows), 1):
    for c in common:
        want, got = r[rh.index(c)], t[th.index(c)]
        n += 1
        if want == got:
            continue
        if want.startswith(".") and len(want) == 2 and (got == "" or got in stata_code(want)):
            continue
        if rvalues and got == "欠損値 " + want:
            continue
        if rvalues and c in binary and c in rvalues[0] and rvalues[1][i - 1][rvalues[0].index(c)] == got:
            continue
        bad += 1
        if bad <= 20:
            print(f"case {i}, {c}: R {want!r}, tsunagari {got!r}")
print(f"{n} cells compared, {bad} differ")
sys.exit(1 if bad or n == 0 else 0)
