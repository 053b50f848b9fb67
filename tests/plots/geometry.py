#!/usr/bin/env python3
"""geometry.py CHART PNG — bar geometry of a fixture chart (tests/plots/fixtures) sampled at
the top pixel row of each bar, where no text is drawn: widths must follow the fixture's
shares, whatever the font rasteriser does. Prints what it checked; exits 1 on a mismatch."""
import subprocess, sys, os

HERE = os.path.dirname(os.path.abspath(__file__))
VIRIDIS = [(0.267004, 0.004874, 0.329415), (0.282623, 0.140926, 0.457517), (0.253935, 0.265254, 0.529983),
           (0.206756, 0.371758, 0.553117), (0.163625, 0.471133, 0.558148), (0.127568, 0.566949, 0.550556),
           (0.134692, 0.658636, 0.517649), (0.266941, 0.748751, 0.440573), (0.477504, 0.821444, 0.318195),
           (0.741388, 0.873449, 0.149561), (0.993248, 0.906157, 0.143936)]

def seq(i, n):  # as plots/palette.c
    t = 0.90 - (0.90 - 0.12) * i / (n - 1)
    k = min(int(t * 10), 9); f = t * 10 - k
    return ','.join(str(int(round(255 * (VIRIDIS[k][j] + f * (VIRIDIS[k + 1][j] - VIRIDIS[k][j]))))) for j in range(3))

BLUE, GREY_TOTAL, GREY_MUTED = '0,114,178', '84,84,84', '158,158,158'
ORANGE = '230,159,0'

def bars(png, colour, axis=False):
    """[(y, x0, x1)] of the top row of each bar of COLOUR, top to bottom."""
    out = subprocess.run([sys.executable, os.path.join(HERE, 'pngcheck.py'), 'runs', png, colour],
                         capture_output=True, text=True, check=True).stdout.split('\n')
    rows = [tuple(map(int, l.split())) for l in out if l]
    rows = [(y, a, b) for y, a, b in rows if b - a + 1 >= 6]  # text antialiasing is narrower
    if axis and rows:  # bars all start at the axis: drop runs elsewhere (swatches, grey text)
        starts = [a for _, a, _ in rows]
        x0 = max(set(starts), key=starts.count)
        rows = [(y, a, b) for y, a, b in rows if abs(a - x0) <= 3]
    tops, last = [], None
    for y, a, b in rows:
        # A whisker's white halo cuts a bar in two: the part below it has the same extent.
        if last is None or (y != last + 1 and not (y - last < 12 and abs(a - tops[-1][1]) <= 2 and abs(b - tops[-1][2]) <= 2)):
            tops.append((y, a, b))
        last = y
    return tops

def width(t):
    return t[2] - t[1] + 1

def near(a, b, tol=0.03):
    return abs(a - b) <= tol * max(abs(b), 1e-9) + 2e-3

def nearw(wa, wb, ratio):
    """Width WA is RATIO × width WB, give or take 2 pixels (edges, hairlines)."""
    return abs(wa - ratio * wb) <= 2.5 + 0.01 * wa

fails = []
def check(what, ok):
    print(('ok   ' if ok else 'FAIL ') + what)
    if not ok:
        fails.append(what)

chart, png = sys.argv[1], sys.argv[2]
if chart == 'stacked':
    b = [t for t in bars(png, seq(0, 5)) if width(t) > 20]  # legend swatch is narrower
    check('4 bars of 決してない (全体 + 3 domains)', len(b) == 4)
    if len(b) == 4:
        w0 = width(b[0])
        for (share, t, name) in zip([0.10, 0.25, 0.30], b[1:], ['16～39歳', '40～69歳', '70歳以上']):
            check(f'{name} 決してない width / 全体 = {width(t) / w0:.3f} (expect {share / 0.20:.3f})', near(width(t) / w0, share / 0.20))
        check('bars start at the same x', len({t[1] for t in b}) == 1)
    d = [t for t in bars(png, seq(4, 5)) if width(t) > 20]
    check('しばしばある・常にある drawn in 3 bars (70歳以上 suppressed)', len(d) == 3)
    if len(d) == 3 and len(b) == 4:
        check(f'全体 しばしば / 決してない = {width(d[0]) / width(b[0]):.3f} (expect 0.25)', nearw(width(d[0]), width(b[0]), 0.25))
        check('全体 bar ends where the others end (100%)', abs(d[0][2] - d[1][2]) <= 2)
elif chart == 'indicator':
    tot = [t for t in bars(png, GREY_TOTAL) if width(t) > 20]
    dom = [t for t in bars(png, BLUE) if width(t) > 20]
    check('one 全体 bar and 2 domain bars (70歳以上 suppressed)', len(tot) == 1 and len(dom) == 2)
    if len(tot) == 1 and len(dom) == 2:
        check(f'16～39歳 / 全体 = {width(dom[0]) / width(tot[0]):.3f} (expect 2)', near(width(dom[0]) / width(tot[0]), 2))
        check(f'40～69歳 / 全体 = {width(dom[1]) / width(tot[0]):.3f} (expect 1)', near(width(dom[1]) / width(tot[0]), 1))
        check('全体 above the domains', tot[0][0] < dom[0][0])
elif chart == 'multi':
    dom = [t for t in bars(png, BLUE, True) if width(t) > 10]
    mut = [t for t in bars(png, GREY_MUTED, True) if width(t) > 10]
    check('4 ranked options and 2 residual ones (その他, 特にない)', len(dom) == 4 and len(mut) == 2)
    if len(dom) == 4 and len(mut) == 2:
        w = [width(t) for t in dom]
        check(f'sorted by share: {w}', w == sorted(w, reverse=True))
        check(f'shares 0.35:0.25:0.15:0.05 -> {[round(x / w[0], 3) for x in w]}',
              all(near(x / w[0], e) for x, e in zip(w, [1, 0.25 / 0.35, 0.15 / 0.35, 0.05 / 0.35])))
        check('residual options below the ranked ones, その他 before 特にない',
              mut[0][0] > dom[-1][0] and near(width(mut[1]) / width(mut[0]), 0.30 / 0.04, 0.06))
elif chart == 'compare':
    b = [t for t in bars(png, seq(0, 5)) if width(t) > 20]
    check('2 bars (本調査, 全国)', len(b) == 2)
    if len(b) == 2:
        # reference: 19 of the 99 answered points (1.0 無回答 left out)
        check(f'全国 / 本調査 決してない = {width(b[1]) / width(b[0]):.3f} (expect {19 / 99 / 0.20:.3f})',
              near(width(b[1]) / width(b[0]), 19 / 99 / 0.20))
elif chart == 'compare_multi':
    # events is a multiple answer: grouped bars, survey (blue) above reference (orange) for
    # each option in file order; the reference is published / (1 - 0.02 無回答).
    sv = [t for t in bars(png, BLUE, True) if width(t) > 14]  # the legend swatch is narrower
    rf = [t for t in bars(png, ORANGE, True) if width(t) > 14]
    check(f'6 survey bars and 6 reference bars ({len(sv)}, {len(rf)})', len(sv) == 6 and len(rf) == 6)
    if len(sv) == 6 and len(rf) == 6:
        ws, wr = [width(t) for t in sv], [width(t) for t in rf]
        want_s = [0.15, 0.25, 0.35, 0.05, 0.04, 0.30]
        want_r = [x / 98 for x in [20.0, 20.0, 30.0, 10.0, 5.0, 25.0]]
        check(f'survey widths follow the shares: {[round(x / ws[2], 3) for x in ws]}',
              all(nearw(x, ws[2], e / 0.35) for x, e in zip(ws, want_s)))
        check(f'reference widths follow published / 0.98: {[round(x / ws[2], 3) for x in wr]}',
              all(nearw(x, ws[2], e / 0.35) for x, e in zip(wr, want_r)))
        check('each reference bar just below its survey bar',
              all(0 < r[0] - s[0] < 20 for s, r in zip(sv, rf)))
sys.exit(1 if fails else 0)
