#!/usr/bin/env python3
"""tables-compare.py R.csv TABLES.csv — used by check-read-stat.sh: every row of R.csv (table,
by code, code, estimate, se; contractor-tables.R) has its row in tsunagari's tables.csv (the
全体 row where the by code is empty) with the same estimate and SE to 1e-10 relative; a row
tsunagari withheld ([privacy] min_cell) has no numbers to compare and is counted apart.
Prints the differences and "N estimates compared, N withheld, N differ"; exits 1 when any
differ or none was compared."""
import csv, sys

with open(sys.argv[1], encoding="utf-8", newline="") as f:
    want = list(csv.DictReader(f))
with open(sys.argv[2], encoding="utf-8-sig", newline="") as f:
    have = list(csv.DictReader(f))
bad = n = withheld = 0
for w in want:
    rows = [h for h in have if h["table"] == w["table"] and h["by_codes"] == w["by"] and h["code"] == w["code"]]
    if len(rows) == 1 and rows[0]["suppressed"] == "yes":
        withheld += 1
        continue
    n += 1
    if len(rows) != 1:
        print(f"{w['table']} by {w['by'] or '全体'} code {w['code']}: {len(rows)} rows in tables.csv")
        bad += 1
        continue
    for k, col in (("est", "estimate"), ("se", "se")):
        a, b = float(w[k]), float(rows[0][col])
        if abs(a - b) > 1e-10 * max(1.0, abs(a)):
            print(f"{w['table']} by {w['by'] or '全体'} code {w['code']} {col}: R {a!r}, tsunagari {b!r}")
            bad += 1
print(f"{n} estimates compared, {withheld} withheld, {bad} differ")
sys.exit(1 if bad or n == 0 else 0)
