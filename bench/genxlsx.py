#!/usr/bin/env python3
"""genxlsx.py OUT.xlsx MB — a synthetic survey export as an .xlsx whose sheet XML is about MB
megabytes (for bench/xlsx.sh; written to a scratch folder, never committed). Streamed with the
standard library's zipfile, so it needs no package and little memory: an ID, a date-time,
label answers and a multiple answer as shared strings (a small table, as a form's options
are), five 1-5 numbers, and a free-text answer in one row of ten (a shared string of its own,
so the table grows with the sheet)."""
import random
import sys
import zipfile

out, mb = sys.argv[1], float(sys.argv[2])
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = ["ID", "開始時刻", "年代", "性別", "Q1", "Q2", "Q3", "Q4", "Q5", "相談できる相手", "ご意見"]
AGES = ["10代", "20代", "30代", "40代", "50代", "60代", "70代以上"]
SEX = ["男性", "女性", "その他", "回答しない"]
MULTI = ["家族;", "友人;", "家族;友人;", "行政の窓口;", "家族;職場・学校の人;", "いない;"]
rng = random.Random(14)
strings, index = [], {}


def sst(s):
    if s not in index:
        index[s] = len(strings)
        strings.append(s)
    return index[s]


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    z.writestr("[Content_Types].xml",
               '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
               '<Default Extension="xml" ContentType="application/xml"/></Types>')
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
               '<sheets><sheet name="回答" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
               f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
               f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    z.writestr("xl/styles.xml", f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
               '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/m/d h:mm:ss"/></numFmts>'
               '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')
    limit = int(mb * 1e6)
    written = 0
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
                '<sheetData><row r="1">' + "".join(f'<c r="{chr(65 + k)}1" t="s"><v>{sst(h)}</v></c>' for k, h in enumerate(HEADER))
                + "</row>")
        f.write(head.encode())
        r = 1
        buf = []
        while written < limit:
            r += 1
            t = 46000 + r / 1000 + rng.random() / 1000
            cells = [f'<c r="A{r}"><v>{r - 1}</v></c><c r="B{r}" s="1"><v>{t:.10f}</v></c>',
                     f'<c r="C{r}" t="s"><v>{sst(rng.choice(AGES))}</v></c><c r="D{r}" t="s"><v>{sst(rng.choice(SEX))}</v></c>']
            cells += [f'<c r="{chr(69 + k)}{r}"><v>{rng.randint(1, 5)}</v></c>' for k in range(5)]
            cells.append(f'<c r="J{r}" t="s"><v>{sst(rng.choice(MULTI))}</v></c>')
            if r % 10 == 0:
                cells.append(f'<c r="K{r}" t="s"><v>{sst(f"自由記述の回答 {r}: 駅前に集まれる場所がほしい")}</v></c>')
            line = f'<row r="{r}">' + "".join(cells) + "</row>\n"
            buf.append(line)
            written += len(line.encode())
            if len(buf) >= 2000:
                f.write("".join(buf).encode())
                buf = []
        f.write(("".join(buf) + "</sheetData></worksheet>").encode())
    with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" uniqueCount="{len(strings)}">'.encode())
        for i in range(0, len(strings), 5000):
            f.write("".join(f"<si><t>{esc(s)}</t></si>" for s in strings[i:i + 5000]).encode())
        f.write(b"</sst>")
print(f"{r} rows, {len(strings)} shared strings")
