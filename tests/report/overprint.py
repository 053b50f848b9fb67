#!/usr/bin/env python3
"""overprint.py BBOX.html — words of a PDF (`pdftotext -bbox` output) whose boxes overprint
each other: on the same line (their heights overlap by more than 40% of the smaller) and
overlapping sideways by more than half a point. Prints each pair with its page; exits 1 when
there is any. Catches table cells and headers drawn into their neighbours."""
import html, re, sys

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
bad = []
for pno, page in enumerate(open(sys.argv[1], encoding='utf-8').read().split('<page ')[1:], 1):
    ws = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in WORD.findall(page)]
    for i, (x0, y0, x1, y1, t) in enumerate(ws):
        for u0, v0, u1, v1, s in ws[i + 1:]:
            if min(x1, u1) - max(x0, u0) > 0.5 and min(y1, v1) - max(y0, v0) > 0.4 * min(y1 - y0, v1 - v0):
                bad.append(f'page {pno}: "{t}" and "{s}" overprint')
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
