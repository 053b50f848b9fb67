#!/bin/sh
# check-live.sh — rerun the model oracle and compare with the committed expected files.
#
# Part of tests/oracle/model/. make-expected.R writes every scenario into a temporary folder
# (a few seconds); each committed expected.csv is compared with the new one field by field:
# text equal, numbers within 1e-12 relative (|a-b| <= 1e-12 * max(1, |a|, |b|)); NaN, NA,
# Inf compare as text. expected-failure.txt must be equal. One "ok"/"not ok" line per file,
# then "N passed, N failed"; exit status 1 when anything failed.
# Usage: sh tests/oracle/model/check-live.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/oracle-model.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$here/../../checklib.sh"

if Rscript "$here/make-expected.R" "$tmp" >"$tmp/make.log" 2>&1; then
    ok "make-expected.R ran"
else
    notok "make-expected.R failed:"
    sed 's/^/#   /' "$tmp/make.log"
fi

csv_same() {
    awk -F, -v tol=1e-12 -f "$here/../csv-same.awk" "$1" "$2"
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
