#!/bin/sh
# check-live.sh — rerun the weighting oracle and compare with the committed expected files.
#
# Part of tests/oracle/weight/ (issue #4); CI runs it live. make-expected.R writes every
# scenario into a temporary folder; each committed expected*.csv is compared with the new one
# field by field: text must be equal, numbers within 1e-12 relative
# (|a-b| <= 1e-12 * max(1, |a|, |b|), so values near 0 such as rel_diff compare absolutely);
# expected-failure.txt compares its first line (what R did). cross-check.R then checks some
# scenarios against plain-R reimplementations. One "ok"/"not ok" line per file, then
# "N passed, N failed"; exit status 1 when anything failed.
# Usage: sh tests/oracle/weight/check-live.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/oracle-weight.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$here/../../checklib.sh"

if Rscript "$here/make-expected.R" "$tmp" >"$tmp/make.log" 2>&1; then
    ok "make-expected.R ran"
else
    notok "make-expected.R failed:"
    sed 's/^/#   /' "$tmp/make.log"
fi

# Compare two CSV files; prints the first difference and returns 1 if they differ.
csv_same() {
    awk -F, -v tol=1e-12 -f "$here/../csv-same.awk" "$1" "$2"
}

for dir in "$here"/[0-9][0-9]*-*/; do
    name=$(basename "$dir")
    for f in "$dir"expected*.csv "$dir"expected-failure.txt; do
        [ -f "$f" ] || continue
        base=$(basename "$f")
        new="$tmp/$name/$base"
        if [ ! -f "$new" ]; then
            notok "$name/$base: not regenerated"
            continue
        fi
        if [ "$base" = expected-failure.txt ]; then
            if [ "$(head -n 1 "$f")" = "$(head -n 1 "$new")" ]; then
                ok "$name/$base: R still says \"$(head -n 1 "$f")\""
            else
                notok "$name/$base: committed \"$(head -n 1 "$f")\", now \"$(head -n 1 "$new")\""
            fi
        elif msg=$(csv_same "$f" "$new"); then
            ok "$name/$base"
        else
            notok "$name/$base"
            echo "$msg"
        fi
    done
done

# Plain-R reimplementations against the committed expected values.
Rscript "$here/cross-check.R" >"$tmp/cross.log" 2>&1
status=$?
while IFS= read -r line; do
    case $line in
        "ok - "*) ok "${line#ok - }" ;;
        "not ok - "*) notok "${line#not ok - }" ;;
        *) echo "#   $line" ;;
    esac
done <"$tmp/cross.log"
[ "$status" -eq 0 ] || grep -q '^not ok' "$tmp/cross.log" || notok "cross-check.R failed"

echo "# $(grep -h '^R version\|^survey' "$tmp"/01-*/VERSION 2>/dev/null | tr '\n' ' ')"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
