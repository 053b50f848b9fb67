#!/bin/sh
# check-live.sh — rerun the estimation oracle and compare with the committed expected files.
#
# Part of tests/oracle/tab/. make-expected.R writes every scenario into a temporary folder
# (about 4 minutes); each committed expected.csv is compared with the new one field by field:
# text equal, numbers within 1e-12 relative (|a-b| <= 1e-12 * max(1, |a|, |b|)); NaN, NA,
# Inf compare as text. expected-failure.txt must be equal. One "ok"/"not ok" line per file,
# then "N passed, N failed"; exit status 1 when anything failed.
# Usage: sh tests/oracle/tab/check-live.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/oracle-tab.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }

if Rscript "$here/make-expected.R" "$tmp" >"$tmp/make.log" 2>&1; then
    ok "make-expected.R ran"
else
    notok "make-expected.R failed:"
    sed 's/^/#   /' "$tmp/make.log"
fi

csv_same() {
    awk -F, -v tol=1e-12 '
        function isnum(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
        function abs(x) { return x < 0 ? -x : x }
        NR == FNR { a[FNR] = $0; na = FNR; next }
        {
            nb = FNR
            if (!(FNR in a)) { printf "#   line %d: only in the new file\n", FNR; bad = 1; exit }
            n = split(a[FNR], f, ",")
            if (n != NF) { printf "#   line %d: %d fields, now %d\n", FNR, n, NF; bad = 1; exit }
            for (i = 1; i <= NF; i++) {
                if (f[i] == $i) continue
                if (isnum(f[i]) && isnum($i)) {
                    x = f[i] + 0; y = $i + 0; m = 1
                    if (abs(x) > m) m = abs(x)
                    if (abs(y) > m) m = abs(y)
                    if (abs(x - y) <= tol * m) continue
                }
                printf "#   line %d field %d: committed %s, now %s\n", FNR, i, f[i], $i
                bad = 1; exit
            }
        }
        END { if (!bad && na != nb) { printf "#   %d lines committed, %d now\n", na, nb; bad = 1 }
              exit bad }' "$1" "$2"
}

for dir in "$here"/[0-9][0-9]*-*/; do
    name=$(basename "$dir")
    for f in "$dir"expected.csv "$dir"expected-failure.txt; do
        [ -f "$f" ] || continue
        base=$(basename "$f")
        new="$tmp/$name/$base"
        if [ ! -f "$new" ]; then
            notok "$name/$base: not regenerated"
        elif [ "$base" = expected-failure.txt ]; then
            if cmp -s "$f" "$new"; then ok "$name/$base: R still fails the same way"
            else notok "$name/$base: R's errors changed"; diff "$f" "$new" | sed 's/^/#   /'; fi
        elif msg=$(csv_same "$f" "$new"); then
            ok "$name/$base"
        else
            notok "$name/$base"
            echo "$msg"
        fi
    done
done
echo "# $(grep -h '^R version\|^survey' "$tmp"/01-*/VERSION 2>/dev/null | tr '\n' ' ')"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
