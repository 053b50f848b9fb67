#!/usr/bin/env python3
"""rawlayout-xlsx.py RAWLAYOUT.csv OUT.xlsx [EXTRA_HEADER...] — used by check-saitama.sh: the
answers of tsunagari-export --raw-layout (the raw export's own headers) as the workbook a form
tool or Excel would hand over (openpyxl): numbers as number cells, text as text, empty cells
absent, the sheet named 回答; EXTRA_HEADER names columns the export leaves out (free text not
kept), added empty so that the codebook finds them."""
import csv, sys
import openpyxl

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "回答"
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    for i, row in enumerate(csv.reader(f)):
        out = []
        for c in row:
            if i > 0 and c != "":
                try:
                    v = float(c)
                    out.append(int(v) if v == int(v) else v)
                    continue
                except ValueError:
                    pass
            out.append(c if c != "" else None)
        ws.append(out + (sys.argv[3:] if i == 0 else []))
wb.save(sys.argv[2])
