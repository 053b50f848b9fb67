#!/usr/bin/env python3
"""mutate.py [-n N] [--seed S] [--timeout SEC] [--keep DIR] [FILE...] — mutation testing of the
statistics code (issue #19): N seeded single-operator mutants of the estimators and the
weighting, each built and run against the fast checks; prints killed / survived / timed out
and every survivor's file:line with the change, so that docs/testing.md can say what each
surviving mutant means.

It works on its own copy of the tree (a `git worktree` of HEAD in a temporary folder, or DIR
with --keep), never on the working tree: one full build, then per mutant the mutated source
recompiled and the programs relinked (make's own dependencies), the checks run, the source put
back. A mutant that does not compile is "stillborn" and drawn again (it says nothing about the
tests). The checks, cheapest first, stop at the first failure:
  1. the unit tests of the mutated module (tests/unit/test_<module>.c) when it has some, then
     every unit test of lib/ (tests/run-unit.sh);
  2. the estimation and weighting oracles against R's values (tests/oracle/tab/run-c.sh,
     tests/oracle/weight/run-c.sh);
  3. the command-line cases of tab, weight and model (tests/run-cases.sh).
The unmutated tree must pass all of them first (else it stops: a failing check would "kill"
every mutant). A mutant is killed when a check fails, timed out when the checks run longer than --timeout
(an infinite loop is a detected fault too, but it is counted apart), survived otherwise.

Operators (each applied to one occurrence on a code line: comments, strings, #include and
#define lines are left alone): relational < <= > >= == != swapped for a neighbour, arithmetic
+ - * / swapped, && and || swapped, a numeric literal 0/1/2/10 changed, a `!` removed,
`continue;`/`break;` removed, a unary minus removed. The same seed gives the same mutants.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

# The statistics code: the estimators, the design variance, the weighting and its stage.
DEFAULT_FILES = [
    "lib/estimate.c", "lib/sample.c", "lib/calib.c", "lib/weight.c", "lib/quantile.c",
    "lib/ratio.c", "lib/glm.c", "lib/replicate.c", "lib/betaquant.c", "lib/suppress.c",
    "stats/tab/compute.c", "stats/weight/calibrate.c", "stats/weight/design_weights.c",
    "stats/weight/nonresponse.c", "stats/weight/trim.c", "stats/weight/replicates.c",
]

REL = {"<": ["<=", ">"], "<=": ["<", ">="], ">": [">=", "<"], ">=": [">", "<="], "==": ["!="], "!=": ["=="]}
ARITH = {"+": ["-"], "-": ["+"], "*": ["/"], "/": ["*"]}


def code_spans(line):
    """The parts of LINE outside string/char literals and comments, as (start, end) pairs."""
    spans, i, start, n = [], 0, 0, len(line)
    while i < n:
        c = line[i]
        if line.startswith("//", i) or line.startswith("/*", i):
            spans.append((start, i))
            return spans
        if c in "\"'":
            spans.append((start, i))
            q, i = c, i + 1
            while i < n and line[i] != q:
                i += 2 if line[i] == "\\" else 1
            start = i + 1
        i += 1
    spans.append((start, n))
    return spans


def candidates(path, text):
    """Every mutation of the file: (line number, column, old, new, description)."""
    out, in_comment = [], False
    for ln, line in enumerate(text.split("\n"), 1):
        s = line.strip()
        if in_comment:
            if "*/" in line:
                in_comment = False
            continue
        if s.startswith("/*") and "*/" not in s:
            in_comment = True
            continue
        if not s or s.startswith(("#", "*", "//", "/*")):
            continue
        for a, b in code_spans(line):
            seg = line[a:b]
            for m in re.finditer(r"<=|>=|==|!=|&&|\|\||(?<![<>=!&|+\-*/%^])[<>](?![<>=])", seg):
                op = m.group(0)
                if op in ("<", ">") and re.search(r"(->|#include)", seg[max(0, m.start() - 1):m.start() + 2]):
                    continue
                alts = {"&&": ["||"], "||": ["&&"]}.get(op) or REL.get(op, [])
                for new in alts:
                    out.append((ln, a + m.start(), op, new, f"{op} → {new}"))
            # binary + - * / between operands (not ++, --, ->, +=, *p, pointer decls)
            for m in re.finditer(r"(?<=[\w)\]]) ([+\-*/]) (?=[\w(])", seg):
                op = m.group(1)
                for new in ARITH[op]:
                    out.append((ln, a + m.start(1), op, new, f"{op} → {new}"))
            for m in re.finditer(r"(?<![\w.])(0|1|2|10)(?![\w.])", seg):
                lit = m.group(1)
                new = {"0": "1", "1": "0", "2": "3", "10": "9"}[lit]
                out.append((ln, a + m.start(), lit, new, f"literal {lit} → {new}"))
            for m in re.finditer(r"!(?=[\w(])", seg):
                out.append((ln, a + m.start(), "!", "", "! removed"))
            for m in re.finditer(r"\b(continue|break);", seg):
                out.append((ln, a + m.start(), m.group(0), ";", f"{m.group(1)} removed"))
            for m in re.finditer(r"(?<=[=(,] )-(?=[\w(])", seg):
                out.append((ln, a + m.start(), "-", "", "unary minus removed"))
    return out


def apply(text, ln, col, old, new):
    lines = text.split("\n")
    line = lines[ln - 1]
    assert line[col:col + len(old)] == old, (ln, col, old, line)
    lines[ln - 1] = line[:col] + new + line[col + len(old):]
    return "\n".join(lines)


def run(cmd, cwd, timeout, env=None):
    """0 pass, 1 fail, 2 timeout."""
    try:
        r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=timeout, env=env, start_new_session=True)
        return 0 if r.returncode == 0 else 1
    except subprocess.TimeoutExpired:
        return 2


def checks(tree, path):
    module = os.path.splitext(os.path.basename(path))[0]
    unit = sorted(f for f in os.listdir(os.path.join(tree, "build", "tests")) if f.startswith("test_"))
    own = [f"build/tests/test_{module}"] if f"test_{module}" in unit else []
    cases = os.path.join(tree, "build", "mutation-cases")
    if not os.path.isdir(cases):
        os.makedirs(cases)
        for st in ("tab", "weight", "model"):
            os.symlink(os.path.join(tree, "tests", "cases", st), os.path.join(cases, st))
    seq = []
    if own:
        seq.append(["tests/run-unit.sh"] + own)
    seq.append(["tests/run-unit.sh"] + [f"build/tests/{f}" for f in unit])
    seq.append(["bash", "tests/oracle/tab/run-c.sh", "bin"])
    seq.append(["bash", "tests/oracle/weight/run-c.sh", "bin"])
    seq.append(["tests/run-cases.sh", "bin", cases])
    return seq


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=100, help="mutants to run (default 100)")
    ap.add_argument("--seed", type=int, default=19, help="random seed (default 19)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds for one mutant's checks (default 600)")
    ap.add_argument("--keep", help="use (and keep) this folder for the copy of the tree")
    ap.add_argument("files", nargs="*", help="sources to mutate (default: the statistics code)")
    a = ap.parse_args()
    root = subprocess.check_output(["git", "rev-parse", "--show-toplevel"], text=True).strip()
    files = a.files or DEFAULT_FILES
    tree = a.keep or tempfile.mkdtemp(prefix="tsunagari-mutation.")
    if not os.path.exists(os.path.join(tree, ".git")):
        if os.path.isdir(tree):
            os.rmdir(tree)
        subprocess.check_call(["git", "-C", root, "worktree", "add", "-q", "--detach", tree, "HEAD"])
    print(f"mutation: tree {tree} at {subprocess.check_output(['git', '-C', tree, 'rev-parse', '--short', 'HEAD'], text=True).strip()}",
          flush=True)
    if run(["make", "-j2", "all", "unit"], tree, 3600) != 0:
        sys.exit("mutation: the unmutated tree does not build (make all unit)")
    files = [f for f in files if os.path.exists(os.path.join(tree, f))]
    # The unmutated tree must pass every check: a check that fails already would "kill" every
    # mutant it sees, and the score would mean nothing.
    for cmd in checks(tree, files[0]):
        if run(cmd, tree, a.timeout) != 0:
            sys.exit(f"mutation: the unmutated tree fails {' '.join(cmd)}: make it pass first")
    pool = []
    for f in files:
        text = open(os.path.join(tree, f), encoding="utf-8").read()
        pool += [(f,) + c for c in candidates(f, text)]
    rng = random.Random(a.seed)
    rng.shuffle(pool)
    print(f"mutation: {len(pool)} possible mutants in {len(files)} files; running {a.n} (seed {a.seed})", flush=True)
    killed = survived = timedout = stillborn = 0
    survivors = []
    t0 = time.time()
    done = 0
    for f, ln, col, old, new, desc in pool:
        if done == a.n:
            break
        src = os.path.join(tree, f)
        orig = open(src, encoding="utf-8").read()
        open(src, "w", encoding="utf-8").write(apply(orig, ln, col, old, new))
        try:
            if run(["make", "-j2", "all", "unit"], tree, 900) != 0:
                stillborn += 1
                continue
            done += 1
            verdict, by = "survived", ""
            deadline = time.time() + a.timeout
            for cmd in checks(tree, f):
                left = deadline - time.time()
                r = run(cmd, tree, max(1, left)) if left > 0 else 2
                if r == 1:
                    verdict, by = "killed", " ".join(cmd[:2])
                    break
                if r == 2:
                    verdict, by = "timed out", " ".join(cmd[:2])
                    break
            line = orig.split("\n")[ln - 1].strip()
            print(f"{done:3d} {verdict:9s} {f}:{ln}: {desc}   [{line[:90]}]{'  by ' + by if by else ''}", flush=True)
            if verdict == "killed":
                killed += 1
            elif verdict == "timed out":
                timedout += 1
            else:
                survived += 1
                survivors.append(f"{f}:{ln}: {desc}: {line}")
        finally:
            open(src, "w", encoding="utf-8").write(orig)
            os.utime(src)
    total = killed + survived + timedout
    print(f"mutation: {total} mutants ({stillborn} stillborn ones not counted) in {time.time() - t0:.0f} s: "
          f"{killed} killed, {timedout} timed out, {survived} survived"
          + (f" — {100.0 * (killed + timedout) / total:.1f}% detected" if total else ""))
    for s in survivors:
        print("survivor: " + s)
    if not a.keep:
        subprocess.call(["git", "-C", root, "worktree", "remove", "--force", tree])
        shutil.rmtree(tree, ignore_errors=True)


if __name__ == "__main__":
    main()
