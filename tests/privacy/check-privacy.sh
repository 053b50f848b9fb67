#!/usr/bin/env bash
# check-privacy.sh BIN — the published tables against an attacker (tests/privacy/attack.R,
# issue #12): both demo reports and the census-style fixture (tests/fixtures/census-orgs: 86
# organisations, unweighted, small cells, a crossed table) must give no withheld cell away.
# And the attacker must be able to win: the same tables with one cell of secondary
# suppression put back, or with the counts of withheld rows published (as tsunagari-tab did
# before secondary suppression), must fail it. Prints ok / not ok lines and "N passed, N failed".
set -u
BIN=$(cd "${1:?usage: check-privacy.sh BIN}" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/check-privacy.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/checklib.sh"
ATTACK=(Rscript tests/privacy/attack.R)
# Under ASan the chart programs' font libraries leak by design.
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/plots/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS

check "r-cran-lpsolve is installed (the attacker's solver)" Rscript -e 'library(lpSolve)'

# 1. The demos, as tsunagari-report publishes them.
for s in yamagata-2022 saitama-2022; do
    "$BIN/tsunagari-report" -q "data/$s/survey.ini" -o "$T/$s" >"$T/$s.log" 2>&1
    check "$s: the report runs" test $? -eq 0
    min=$(sed -n 's/^min_cell *= *//p' "data/$s/survey.ini" | head -1)
    "${ATTACK[@]}" "$T/$s/tables.csv" "${min:-10}" >"$T/$s.attack" 2>&1
    rc=$?
    check "$s: the attacker recovers no withheld cell ($(tail -1 "$T/$s.attack"))" test $rc -eq 0
    grep '^not ok' "$T/$s.attack" | head -5 | sed 's/^/#   /'
    check "$s: some cells are withheld, some as secondary suppression" \
        sh -c "grep -q ',primary\$' '$T/$s/tables.csv' && grep -q ',secondary\$' '$T/$s/tables.csv'"
done

# 2. The census-style fixture.
F=tests/fixtures/census-orgs
"$BIN/tsunagari-ingest" -q -c "$F/codebook.csv" -o "$T/census.tsd" "$F/raw.csv" &&
    "$BIN/tsunagari-tab" -q -s "$F/survey.ini" -o "$T/census.csv" "$T/census.tsd" &&
    "$BIN/tsunagari-tab" -q -s "$F/survey.ini" --min-cell 0 -o "$T/census-all.csv" "$T/census.tsd"
check "census fixture: tabulated" test $? -eq 0
"${ATTACK[@]}" "$T/census.csv" 5 >"$T/census.attack" 2>&1
rc=$?
check "census fixture: the attacker recovers no withheld cell ($(tail -1 "$T/census.attack"))" test $rc -eq 0
grep '^not ok' "$T/census.attack" | head -5 | sed 's/^/#   /'

# 3. The attacker can win: put one secondary cell of a table back (its row from the run with
#    no suppression), or publish the withheld rows' counts.
leak() { # TABLE (or "counts") OUT
    python3 - "$T/census.csv" "$T/census-all.csv" "$1" "$2" <<'EOF'
import csv, sys
sup = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
full = list(csv.reader(open(sys.argv[2], encoding="utf-8-sig")))
col = {k: i for i, k in enumerate(sup[0])}
out, done = [sup[0]], False
for a, b in zip(sup[1:], full[1:]):
    if sys.argv[3] == "counts" and a[col["suppressed"]] == "yes":
        a[col["n_category"]] = b[col["n_category"]]
    elif not done and a[0] == sys.argv[3] and a[col["suppression"]] == "secondary":
        a, done = b, True
    out.append(a)
csv.writer(open(sys.argv[4], "w", encoding="utf-8", newline="")).writerows(out)
EOF
}
for tab in staff_type staff_area_type services_type counts; do
    leak "$tab" "$T/leak-$tab.csv"
    "${ATTACK[@]}" "$T/leak-$tab.csv" 5 >"$T/leak-$tab.attack" 2>&1
    rc=$?
    check "the attacker wins when $([ "$tab" = counts ] && echo "withheld rows show their counts" || echo "one secondary cell of $tab is put back") ($(tail -1 "$T/leak-$tab.attack"))" \
        test $rc -ne 0
done

echo "$pass passed, $fail failed"
test "$fail" -eq 0
