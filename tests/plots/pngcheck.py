#!/usr/bin/env python3
"""pngcheck.py — reads the 8-bit RGB/RGBA non-interlaced PNGs cairo writes, with the
standard library only (zlib + struct), for tests/plots/check-plots.sh.

  pngcheck.py size FILE                 print "WIDTH HEIGHT DPI" (DPI from pHYs, 0 if none)
  pngcheck.py runs FILE R,G,B           print, per pixel row holding a run of that colour
                                        (±3), "y x0 x1" of its longest run
  pngcheck.py compare A B               exit 1 unless A and B match within the tolerance
"""
import struct, sys, zlib

def read(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, dpi = 8, b'', 0
    while pos < len(data):
        n, typ = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, 'unsupported PNG'
        elif typ == b'pHYs':
            ppm, _, unit = struct.unpack('>IIB', body)
            dpi = round(ppm * 0.0254) if unit == 1 else 0
        elif typ == b'IDAT':
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, dpi, bpp, rows

def main():
    cmd = sys.argv[1]
    if cmd == 'size':
        w, h, dpi, _, _ = read(sys.argv[2])
        print(w, h, dpi)
    elif cmd == 'runs':
        w, h, _, bpp, rows = read(sys.argv[2])
        want = [int(v) for v in sys.argv[3].split(',')]
        for y, row in enumerate(rows):
            best, start = (0, 0, -1), None
            for x in range(w + 1):
                ok = x < w and all(abs(row[x * bpp + k] - want[k]) <= 3 for k in range(3))
                if ok and start is None:
                    start = x
                if not ok and start is not None:
                    if x - start > best[0]:
                        best = (x - start, start, x - 1)
                    start = None
            if best[0] >= 3:
                print(y, best[1], best[2])
    elif cmd == 'compare':
        wa, ha, _, ba, ra = read(sys.argv[2])
        wb, hb, _, bb, rb = read(sys.argv[3])
        if (wa, ha) != (wb, hb):
            print(f'size differs: {wa}x{ha} vs {wb}x{hb}')
            sys.exit(1)
        total, far, n = 0, 0, wa * ha
        for y in range(ha):
            for x in range(wa):
                d = max(abs(ra[y][x * ba + k] - rb[y][x * bb + k]) for k in range(3))
                total += sum(abs(ra[y][x * ba + k] - rb[y][x * bb + k]) for k in range(3))
                far += d > 64
        mad = total / (3 * n)
        print(f'mean abs diff {mad:.3f}/255, {far} pixels ({100 * far / n:.2f}%) differ by more than 64')
        sys.exit(0 if mad < 2 and far < 0.01 * n else 1)

main()
