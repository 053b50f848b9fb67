#!/usr/bin/env bash
# check-manifest-doc.sh SCHEMA_DUMPER — docs/manifest.md's key tables against lib/schema.c, the
# one table of manifest keys, so the doc and the code cannot drift. SCHEMA_DUMPER is the unit
# test build/tests/test_schema, whose --dump prints SECTION<TAB>KEY<TAB>DEFAULT.
#  1. every `| `key` |` row under a "### `[section]`" heading (`[table.NAME]` -> "table.") is a key
#     of the schema, and every schema key has a row: a key in one but not the other fails;
#  2. every literal default tsunagari-weight applies (wctx_get(c, "S", "K", "D") in stats/weight/)
#     is the schema's default of S.K ([privacy] min_cell: tests/unit/test_schema.c). The report's
#     rp_get fallbacks are what it prints for a missing value, not settings, so not compared.
# Prints ok / not ok lines and "N passed, N failed".
set -u
DUMP=${1:-build/tests/test_schema}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/check-manifest-doc.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/checklib.sh"

if ! "$DUMP" --dump >"$T/schema.tsv"; then
    echo "not ok - $DUMP --dump failed"
    echo "0 passed, 1 failed"
    exit 1
fi
cut -f1,2 "$T/schema.tsv" | sort -u >"$T/schema.keys"

awk '
    /^### / {
        sec = ""
        if (match($0, /^### `\[[^]]*\]`/)) {
            sec = substr($0, 7, RLENGTH - 8)
            sub(/\.NAME$/, ".", sec)
        }
        next
    }
    sec != "" && /^\| `/ {
        cell = $0
        sub(/^\| /, "", cell)
        sub(/ \|.*/, "", cell)
        while (match(cell, /`[^`]*`/)) {
            printf "%s\t%s\n", sec, substr(cell, RSTART + 1, RLENGTH - 2)
            cell = substr(cell, RSTART + RLENGTH)
        }
    }' docs/manifest.md | sort -u >"$T/doc.keys"

if [ -s "$T/doc.keys" ]; then ok "docs/manifest.md: $(wc -l <"$T/doc.keys") keys in its tables"
else notok "docs/manifest.md: no key tables found"; fi
comm -23 "$T/doc.keys" "$T/schema.keys" >"$T/only-doc"
comm -13 "$T/doc.keys" "$T/schema.keys" >"$T/only-schema"
if [ ! -s "$T/only-doc" ]; then ok "every documented key is in lib/schema.c"
else notok "documented but not in lib/schema.c:"; sed "s/$(printf '\t')/] /; s/^/#   [/" "$T/only-doc"; fi
if [ ! -s "$T/only-schema" ]; then ok "every key of lib/schema.c is documented"
else notok "in lib/schema.c but not in docs/manifest.md's tables:"; sed "s/$(printf '\t')/] /; s/^/#   [/" "$T/only-schema"; fi

# 2. the defaults the code applies
grep -ho 'wctx_get(c, "[a-z_]*", "[a-z_]*", "[^"]*")' stats/weight/*.c >"$T/code.defaults"
sed 's/^[a-z_]*(c, "\([^"]*\)", "\([^"]*\)", "\([^"]*\)")$/\1\t\2\t\3/' "$T/code.defaults" | sort -u >"$T/code.tsv"
bad=0 n=0
while IFS="$(printf '\t')" read -r sec key def; do
    case $def in "" | "—") continue ;; esac # none, or a placeholder printed for a missing value
    n=$((n + 1))
    want=$(awk -F '\t' -v s="$sec" -v k="$key" '$1 == s && $2 == k { print $3; f = 1 } END { exit !f }' "$T/schema.tsv") ||
        { notok "default $sec.$key = $def in the code: no such key in lib/schema.c"; bad=1; continue; }
    [ "$want" = "$def" ] || { notok "default $sec.$key: the code applies \"$def\", lib/schema.c says \"$want\""; bad=1; }
done <"$T/code.tsv"
[ $bad -eq 0 ] && ok "the $n literal defaults the stages apply agree with lib/schema.c"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
