#!/usr/bin/env python3
"""form-exports-compare.py — used by check-form-exports.sh.

  form-exports-compare.py labels-only DRAFT CODEBOOK
      the codebook differs from the draft only in its label and label_en cells
  form-exports-compare.py answers RAW[:ENC][,RAW2[:ENC]..] HEADER_ROWS CODEBOOK EXPORTED ID
      (several raw files: read in order as ingest reads them, each matched by its own header;
      a repeated id's later rows are skipped, as ingest rejects them)
      every single and multi answer of the export (tsunagari-export --labels --multi=list)
      is the raw cell's text: a single's label is the cell (answers=codes: the label is the
      cell's code's), a multi's labels are the cell's
      options (list form) or the texts of its non-empty option columns (0/1-column form), as
      sets; both sides folded as ingest folds (NFKC here: width, then spaces). ID is `row`
      (the export's id is the data row number) or `column` (the codebook's id column).
Prints what differs and exits 1, or exits 0."""
import csv, re, sys, unicodedata


def fold(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip()


def rows(path, encoding="utf-8-sig"):
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.reader(f))


def labels_only(draft, codebook):
    a = open(draft, encoding="utf-8").read().split("\n")
    b = open(codebook, encoding="utf-8").read().split("\n")
    if len(a) != len(b):
        print(f"{codebook}: {len(b)} lines, the draft {len(a)}")
        return 1
    header = None
    bad = 0
    for n, (x, y) in enumerate(zip(a, b), 1):
        if x == y:
            if x and not x.startswith("#") and header is None:
                header = next(csv.reader([x]))
            continue
        if x.startswith("#") or y.startswith("#") or header is None:
            print(f"{codebook}:{n}: differs from the draft outside a label: {y!r}")
            bad = 1
            continue
        rx, ry = next(csv.reader([x])), next(csv.reader([y]))
        keep = [i for i, h in enumerate(header) if h not in ("label", "label_en")]
        if len(rx) != len(ry) or any(rx[i] != ry[i] for i in keep):
            print(f"{codebook}:{n}: differs from the draft outside the label cells: {y!r}")
            bad = 1
    return bad


def split_labels(cell, sep, labels):
    """The options of a folded list cell, by longest match against the folded labels."""
    out, i, fsep = set(), 0, fold(sep) or " "
    cell = fold(cell)
    while i < len(cell):
        while i < len(cell) and cell[i] == " ":
            i += 1
        best = None
        for l in labels:
            j = i + len(l)
            if cell.startswith(l, i) and (j == len(cell) or cell.startswith(fsep, j)):
                if best is None or len(l) > len(best):
                    best = l
        if best is None:
            j = cell.find(fsep, i)
            best = cell[i:] if j < 0 else cell[i:j]
        out.add(best.strip())
        i += len(best)
        if cell.startswith(fsep, i):
            i += len(fsep)
    return out


def read_raw(spec, header_rows):
    """[(column index by name, data row)] over every raw file of SPEC, blank rows left out."""
    out = []
    for item in spec.split(","):
        path, _, enc = item.partition(":")
        r = rows(path, {"": "utf-8-sig", "utf-8": "utf-8-sig"}.get(enc, enc))
        names = r[0]
        if header_rows == 2:
            carried, names = "", []
            for q, o in zip(r[0], r[1]):
                carried = q.strip() or carried
                names.append(" / ".join(p for p in (carried, o.strip()) if p))
        col = {n.strip(): i for i, n in enumerate(names)}
        # a workbook's rows end at their last non-empty cell: pad them to the header
        out += [(col, x + [""] * (len(names) - len(x))) for x in r[header_rows:] if any(c.strip() for c in x)]
    return out


def answers(raw, header_rows, codebook, exported, id_mode):
    data = read_raw(raw, header_rows)
    # the codebook: variable -> (type, column, separator, labels, option columns)
    cb = [x for x in rows(codebook) if x and not x[0].startswith("#")]
    h = {n: i for i, n in enumerate(cb[0])}
    get = lambda x, k: x[h[k]] if k in h and h[k] < len(x) else ""
    vars_, cur, idcol = {}, None, None
    for x in cb[1:]:
        if get(x, "variable"):
            cur = get(x, "variable")
            t = get(x, "type")
            if t == "id":
                idcol = get(x, "column")
            vars_[cur] = {"type": t, "column": get(x, "column"), "sep": get(x, "separator") or ";",
                          "labels": [], "options": [], "answers": get(x, "answers") or "codes", "code": {}}
        elif cur and get(x, "code"):
            vars_[cur]["labels"].append(fold(get(x, "label")))
            vars_[cur]["code"][fold(get(x, "label"))] = get(x, "code")
            vars_[cur]["options"].append(get(x, "column"))
    ex = rows(exported)
    eh = ex[0]
    out = {x[0]: dict(zip(eh, x)) for x in ex[1:]}
    bad = checked = 0
    seen = set()
    for n, (col, x) in enumerate(data, 1):
        key = str(n) if id_mode == "row" else x[col[idcol]].strip()
        if key in seen:
            continue
        seen.add(key)
        e = out.get(key)
        if e is None:
            print(f"respondent {key}: not in the export")
            bad += 1
            continue
        for v, d in vars_.items():
            if v not in e or d["type"] not in ("single", "multi"):
                continue
            got = e[v]
            if d["type"] == "single" and d["answers"] == "codes":
                # a code in the raw cell: the exported label must be that code's
                want, have = x[col[d["column"]]].strip(), d["code"].get(fold(got), got)
            elif d["type"] == "single":
                want, have = fold(x[col[d["column"]]]), fold(got)
            elif d["column"]:
                want = split_labels(x[col[d["column"]]], d["sep"], d["labels"])
                have = split_labels(got, d["sep"], d["labels"])
            else:
                want = {fold(x[col[c]]) for c in d["options"] if x[col[c]].strip()}
                have = split_labels(got, ";", d["labels"]) if got else set()
            checked += 1
            if want != have:
                print(f"respondent {key}, {v}: raw {want!r}, exported {have!r}")
                bad += 1
    print(f"{checked} answers compared, {bad} differ")
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    if sys.argv[1] == "labels-only":
        sys.exit(labels_only(sys.argv[2], sys.argv[3]))
    sys.exit(answers(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]))
