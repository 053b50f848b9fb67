#!/usr/bin/env python3
"""compare-summary.py SCENARIO.ini EXPECTED-SUMMARY.csv GOT.csv [BASE.csv] — the weighting
oracle's summary and step files against what tsunagari-weight wrote (issue #19: every value R
committed is compared with the C output).

GOT.csv is `tsunagari-export --vars id,weight,design_weight,VARS...` of the weighted dataset
(every ingested row, weight 0 for the dropped ones; VARS the margins' and totals' variables).
Every row of expected-summary.csv is recomputed from it: rows, dropped, sum_weights, each
margin cell's respondents and weighted sum, each total, the range of g = weight / design weight
and how many rows sit at its bounds, the trimming's input mean, bounds, sums, extremes and
counts at the bounds, and R's calibration vector (population.*: N, every level's count, the
numeric totals). For a scenario with the design and nonresponse steps the step files are
compared too: expected-nonresponse.csv with design_weight, expected-base.csv with BASE.csv
(the weights of the same run without nonresponse and calibration), and
expected-nonresponse-classes.csv (respondents and factor per class). Counts must be equal,
numbers within 1e-8 relative. Prints nothing and exits 0 when all agree; else one line per
difference (at most 5) and exits 1.
"""
import csv
import math
import os
import sys

TOL = 1e-8


def read_ini(path):
    sec, out = None, {}
    for line in open(path, encoding="utf-8"):
        s = line.strip()
        if not s or s[0] in ";#":
            continue
        if s.startswith("[") and s.endswith("]"):
            sec = s[1:-1]
            continue
        if "=" in s:
            k, v = s.split("=", 1)
            v = v.split(" ;")[0].strip()
            out[(sec, k.strip())] = v
    return out


def read_csv(path):
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def num(s):
    return float(s) if s not in ("", "NA", None) else None


def main():
    ini, summ_path, got_path = sys.argv[1:4]
    base_path = sys.argv[4] if len(sys.argv) > 4 else None
    cfg = read_ini(ini)
    here = os.path.dirname(summ_path)
    got = read_csv(got_path)
    w = [float(r["weight"]) for r in got]
    dw = [float(r["design_weight"]) if r["design_weight"] else 0.0 for r in got]
    kept = [i for i in range(len(got)) if w[i] > 0]
    problems = []
    # base_scale = population: R's g is relative to the design weights scaled to the population
    # (Σ d = N), which calibration with an intercept also reaches (Σ w = N).
    if cfg.get(("scenario", "base_scale"), "") == "population":
        scale = sum(w[i] for i in kept) / sum(dw[i] for i in kept)
        dw = [x * scale for x in dw]

    def same(what, c, r):
        if r is None:
            return
        if c is None or not math.isfinite(c) or abs(c - r) > TOL * max(1.0, abs(r)):
            problems.append(f"{what}: R {r!r}, tsunagari {c!r}")

    def count(what, c, r):
        if r is not None and c != int(round(r)):
            problems.append(f"{what}: R {int(round(r))}, tsunagari {c}")

    margin_vars = {}
    for (sec, k), v in cfg.items():
        if sec and sec.startswith("margin.") and k == "vars":
            margin_vars[sec[7:]] = [x.strip() for x in v.split(",")]
    method = cfg.get(("scenario", "method"), "")
    bounds = [None, None]
    trim = [None, None]
    for row in read_csv(summ_path):
        item, level = row["item"], row["level"]
        n, target, achieved = num(row["n"]), num(row["target"]), num(row["achieved"])
        if item == "rows":
            count(item, len(got), n)
        elif item == "dropped":
            count(item, len(got) - len(kept), n)
        elif item == "sum_weights":
            count(item + " n", len(kept), n)
            same(item, sum(w[i] for i in kept), achieved)
        elif item.startswith("margin."):
            vars_ = margin_vars[item[7:]]
            codes = level.split("/")
            rows = [i for i in kept if [got[i][v] for v in vars_] == codes]
            count(f"{item} {level} respondents", len(rows), n)
            same(f"{item} {level} weighted", sum(w[i] for i in rows), achieved)
        elif item.startswith("total."):
            v = item[6:]
            count(item + " n", len(kept), n)
            same(item, sum(w[i] * float(got[i][v]) for i in kept), achieved)
        elif item in ("g_min", "g_max"):
            g = [w[i] / dw[i] for i in kept]
            same(item, min(g) if item == "g_min" else max(g), achieved)
            bounds[item == "g_max"] = target
        elif item in ("n_at_lower", "n_at_upper"):
            hi = item == "n_at_upper"
            if method == "trim":
                b = trim[hi]
                c = sum(1 for i in kept if abs(w[i] - b) <= 1e-9 * b)
            else:
                b = bounds[hi]
                c = 0 if b is None or not math.isfinite(b) else \
                    sum(1 for i in kept if abs(w[i] / dw[i] - b) <= 1e-9 * max(1.0, abs(b)))
            count(item, c, achieved)
        elif item == "mean_input":
            same(item + " (input)", sum(dw[i] for i in kept) / len(kept), target)
            same(item + " (after)", sum(w[i] for i in kept) / len(kept), achieved)
        elif item in ("lower", "upper"):
            hi = item == "upper"
            mean_in = sum(dw[i] for i in kept) / len(kept)
            mult = float(cfg[("scenario", "trim_upper" if hi else "trim_lower")])
            same(item, mult * mean_in, target)
            trim[hi] = target
        elif item == "sum_input":
            same(item + " (input)", sum(dw[i] for i in kept), target)
            same(item + " (after)", sum(w[i] for i in kept), achieved)
        elif item in ("min", "max"):
            ws = [w[i] for i in kept]
            same(item, min(ws) if item == "min" else max(ws), achieved)
        elif item.startswith("population."):
            # R's calibration vector: N, then each margin level but the first, then totals.
            name = item[11:]
            if name == "(Intercept)":
                same(item, sum(w[i] for i in kept), target)
                continue
            hit = None
            for vs in margin_vars.values():
                v = vs[0]
                if len(vs) == 1 and name.startswith(v) and name[len(v):].isdigit():
                    code = name[len(v):]
                    hit = sum(w[i] for i in kept if got[i][v] == code)
            if hit is None and name in got[0]:
                hit = sum(w[i] * float(got[i][name]) for i in kept)
            if hit is None:
                problems.append(f"{item}: no margin level or total of that name")
            else:
                same(item, hit, target)
        else:
            problems.append(f"{item}: an item this comparison does not know")

    # The steps before calibration (06): base weights, nonresponse-adjusted weights, classes.
    ids = {r["id"]: k for k, r in enumerate(got)}
    nr_path = os.path.join(here, "expected-nonresponse.csv")
    if os.path.exists(nr_path):
        for r in read_csv(nr_path):
            same(f"nonresponse weight of id {r['id']}", dw[ids[r["id"]]] if float(r["weight"]) > 0 else 0.0,
                 float(r["weight"]))
    base = {}
    b_path = os.path.join(here, "expected-base.csv")
    if os.path.exists(b_path):
        if not base_path:
            problems.append("expected-base.csv but no base-weight run given")
        else:
            base = {r["id"]: float(r["weight"]) for r in read_csv(base_path)}
            for r in read_csv(b_path):
                if float(r["weight"]) > 0:
                    same(f"base weight of id {r['id']}", base.get(r["id"]), float(r["weight"]))
    c_path = os.path.join(here, "expected-nonresponse-classes.csv")
    if os.path.exists(c_path) and base:
        classes = [x.strip() for x in cfg[("scenario", "nonresponse")].split(",")]
        for r in read_csv(c_path):
            rows = [i for i in kept if all(got[i][v] == r[v] for v in classes)]
            key = "/".join(r[v] for v in classes)
            count(f"nonresponse class {key} respondents", len(rows), float(r["respondents"]))
            if rows:
                i = rows[0]
                same(f"nonresponse class {key} factor", dw[i] / base[got[i]["id"]], float(r["factor"]))
    if problems:
        for p in problems[:5]:
            print(p)
        if len(problems) > 5:
            print(f"... and {len(problems) - 5} more")
        sys.exit(1)


if __name__ == "__main__":
    main()
