#!/usr/bin/env python3
"""mutate.py [-n N] [--seed S] [--timeout SEC] [--san MODE] [--only FILE:LINE[:COL]] [--keep DIR] [FILE...] — mutation testing of the
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
  2. the estimation, weighting and model oracles against R's values (tests/oracle/tab/run-c.sh,
     tests/oracle/weight/run-c.sh, tests/oracle/model/run-c.sh);
  3. the command-line cases of tab, weight and model (tests/run-cases.sh).
A read or write one past an array is silent in the plain (-O2) build, so --san decides where the
checks run: `survivors` (the default) runs them on the plain build and then, for a mutant that
passes all of them, once more on the ASan+UBSan build (make SAN=1: build-san/, bin-san/), where
such a fault stops the program — the score of both builds at the cost of one sanitized run per
survivor; `all` runs every mutant on the sanitized build only (slower); `no` the plain build only
(quicker, blind to memory errors).
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
import signal
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
    """0 pass, 1 fail, 2 timeout. On a timeout the command's whole process group is killed:
    subprocess.run's own timeout kills only the shell script it started, and a looping test
    program under it went on eating a core for the rest of the run (seed 2026's
    lib/suppress.c:134 mutant, stop 16)."""
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                         start_new_session=True)
    try:
        return 0 if p.wait(timeout=timeout) == 0 else 1
    except subprocess.TimeoutExpired:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()
        return 2


def checks(tree, path, san=False):
    """The checks of a mutant of PATH, cheapest first, on the plain build or (SAN) the sanitized one."""
    build, binp = ("build-san", "bin-san") if san else ("build", "bin")
    module = os.path.splitext(os.path.basename(path))[0]
    unit = sorted(f for f in os.listdir(os.path.join(tree, build, "tests")) if f.startswith("test_"))
    own = [f"{build}/tests/test_{module}"] if f"test_{module}" in unit else []
    cases = os.path.join(tree, build, "mutation-cases")
    if not os.path.isdir(cases):
        os.makedirs(cases)
        for st in ("tab", "weight", "model"):
            os.symlink(os.path.join(tree, "tests", "cases", st), os.path.join(cases, st))
    seq = []
    if own:
        seq.append(["tests/run-unit.sh"] + own)
    seq.append(["tests/run-unit.sh"] + [f"{build}/tests/{f}" for f in unit])
    seq.append(["bash", "tests/oracle/tab/run-c.sh", binp])
    seq.append(["bash", "tests/oracle/weight/run-c.sh", binp])
    seq.append(["bash", "tests/oracle/model/run-c.sh", binp])
    seq.append(["tests/run-cases.sh", binp, cases])
    return seq


def run_checks(tree, path, timeout, san, env):
    """(verdict, the check that decided it): killed, timed out or survived. The module's own unit
    test is linked and run before the programs are relinked: most mutants die there, cheaply."""
    deadline = time.time() + timeout
    seq = checks(tree, path, san)
    own = len(seq[0]) == 2 and os.path.basename(seq[0][1]).startswith("test_")  # the module's own unit test
    for i, cmd in enumerate(seq):
        if i == (1 if own else 0) and build(tree, san, 900) != 0:
            sys.exit(f"mutation: {path} compiles but the programs do not link{' (SAN=1)' if san else ''}")
        if i == 0 and own and run(make(san) + [cmd[1]], tree, 900) != 0:
            sys.exit(f"mutation: {path} compiles but {cmd[1]} does not link")
        left = deadline - time.time()
        r = run(cmd, tree, max(1, left), env) if left > 0 else 2
        if r == 1:
            return "killed", " ".join(cmd[:2])
        if r == 2:
            return "timed out", " ".join(cmd[:2])
    return "survived", ""


def make(san):
    return ["make", "-j2", "SAN=1" if san else "SAN=0"]


def build(tree, san, timeout, targets=("all", "unit")):
    return run(make(san) + list(targets), tree, timeout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=100, help="mutants to run (default 100)")
    ap.add_argument("--seed", type=int, default=19, help="random seed (default 19)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds for one mutant's checks (default 600)")
    ap.add_argument("--san", choices=["survivors", "all", "no"], default="survivors",
                    help="the ASan+UBSan build: for the plain build's survivors (default), for every mutant, or never")
    ap.add_argument("--san-timeout", type=int, default=None, help="seconds for a sanitized run (default 3 × --timeout)")
    ap.add_argument("--only", action="append", default=[], metavar="FILE:LINE[:COL]",
                    help="only the mutants there (again: to re-test a survivor once a test is added)")
    ap.add_argument("--start", type=int, default=0, metavar="K",
                    help="begin at the K-th of the seed's drawn mutants (0: the first), to run one draw in parts")
    ap.add_argument("--skip-baseline", action="store_true",
                    help="do not first check the unmutated tree (with --keep, when a run just did)")
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
    plain, san = a.san != "all", a.san != "no"
    san_timeout = a.san_timeout or 3 * a.timeout
    # the chart-drawing cases' libraries leak at exit by design (tests/plots/lsan.supp)
    env = dict(os.environ, LSAN_OPTIONS=f"suppressions={tree}/tests/plots/lsan.supp:print_suppressions=0")
    for sb in [False] * plain + [True] * san:
        if build(tree, sb, 3600) != 0:
            sys.exit(f"mutation: the unmutated tree does not build (make {'SAN=1 ' if sb else ''}all unit)")
    files = [f for f in files if os.path.exists(os.path.join(tree, f))]
    # The unmutated tree must pass every check: a check that fails already would "kill" every
    # mutant it sees, and the score would mean nothing.
    for sb in [False] * plain * (not a.skip_baseline) + [True] * san * (not a.skip_baseline):
        for cmd in checks(tree, files[0], sb):
            if run(cmd, tree, san_timeout if sb else a.timeout, env) != 0:
                sys.exit(f"mutation: the unmutated tree fails {' '.join(cmd)}{' (SAN=1)' if sb else ''}: make it pass first")
    pool = []
    for f in files:
        text = open(os.path.join(tree, f), encoding="utf-8").read()
        pool += [(f,) + c for c in candidates(f, text)]
    rng = random.Random(a.seed)
    rng.shuffle(pool)
    pool = pool[a.start:]
    if a.only:
        want = [o.split(":") for o in a.only]
        pool = [m for m in pool if any(m[0] == w[0] and str(m[1]) == w[1] and (len(w) < 3 or str(m[2]) == w[2])
                                       for w in want)]
    print(f"mutation: {len(pool)} possible mutants in {len(files)} files; running {a.n} (seed {a.seed}; "
          f"{ {'survivors': 'plain build, survivors again under ASan+UBSan', 'all': 'ASan+UBSan build', 'no': 'plain build only'}[a.san] })",
          flush=True)
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
            # compiled alone first: one that does not compile is drawn again
            if build(tree, not plain, 900, [f"{'build' if plain else 'build-san'}/{f[:-2]}.o"]) != 0:
                stillborn += 1
                continue
            done += 1
            verdict, by = "survived", ""
            if plain:
                verdict, by = run_checks(tree, f, a.timeout, False, env)
            if verdict == "survived" and san:
                verdict, by = run_checks(tree, f, san_timeout, True, env)
                by = by and by + " (SAN=1)"
            line = orig.split("\n")[ln - 1].strip()
            print(f"{done:3d} {verdict:9s} {f}:{ln}:{col}: {desc}   [{line[:90]}]{'  by ' + by if by else ''}", flush=True)
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
