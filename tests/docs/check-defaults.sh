#!/usr/bin/env bash
# check-defaults.sh SCHEMA_DUMPER — each manifest default is written in one place, lib/schema.c
# (issue #11: "grep finds each manifest default in exactly one place"). A stage takes a key's
# default from the schema (ts_schema_get, ts_schema_default; wctx_get and rp_get fall back to it)
# and never writes it again: a call GETTER(CTX, "SECTION", "KEY", LITERAL) — a function whose
# name has "get" in it, the shape of wctx_get, wctx_get_number and rp_get — that passes a string or number literal for a key whose
# schema default is not empty fails here, even when the literal agrees with the schema today
# (two copies drift). A section given by a variable (rp_get(c, sec, "weighted", ...)) is matched
# against every [table.NAME], [chart.NAME] and [margin.NAME] key of that name. Literals for keys
# without a default (a placeholder printed for a missing value, "" for an empty list) are fine.
# SCHEMA_DUMPER is the unit test build/tests/test_schema, whose --dump prints
# SECTION<TAB>KEY<TAB>DEFAULT. SOURCES (default: the stages and lib/) can be given for a test of
# this script itself. Prints ok / not ok lines and "N passed, N failed".
set -u
DUMP=${1:-build/tests/test_schema}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/check-defaults.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/checklib.sh"


if ! "$DUMP" --dump >"$T/schema.tsv"; then
    echo "not ok - $DUMP --dump failed"
    echo "0 passed, 1 failed"
    exit 1
fi

SOURCES=${SOURCES:-$(ls ingest/*.c ingest/*.h stats/*/*.c stats/*/*.h plots/*.c plots/*.h plots/*/*.c plots/*/*.h \
    lib/*.c lib/*.h 2>/dev/null | grep -v '^lib/schema\.c$')}
# scan FILE...: the getter calls of the files that pass a literal for a key with a schema default,
# as FILE:LINE <TAB> [SECTION] KEY <TAB> LITERAL <TAB> DEFAULT, into $T/bad; the calls seen with a
# literal into $T/calls.tsv.
scan() {
    for f in "$@"; do
        # FILE:LINE:GETTER(CTX, SECTION, "KEY", LITERAL
        grep -noE '[A-Za-z0-9_]*get[A-Za-z0-9_]*\([A-Za-z_&][A-Za-z0-9_>.&-]*, *("[a-z_.]*"|[A-Za-z_][A-Za-z0-9_.>-]*), *"[a-z_]+", *("([^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)' "$f" |
            sed "s|^|$f:|"
    done >"$T/calls"
    # FILE:LINE <TAB> SECTION (quoted when literal) <TAB> KEY <TAB> LITERAL
    sed -E 's/^([^:]*:[0-9]+):[A-Za-z0-9_]*get[A-Za-z0-9_]*\([^,]*, *("[a-z_.]*"|[A-Za-z_][A-Za-z0-9_.>-]*), *"([a-z_]+)", *(.*)$/\1\t\2\t\3\t\4/' \
        "$T/calls" >"$T/calls.tsv"
    awk -F '\t' '
        NR == FNR { if ($3 != "") def[$1 "\t" $2] = $3; if ($1 ~ /\.$/) prefix[$1] = 1; next }
        {
            where = $1; sec = $2; key = $3; lit = $4
            if (sec ~ /^"/) {
                gsub(/"/, "", sec)
                s = sec
                if (!((s "\t" key) in def))
                    for (p in prefix)
                        if (index(s, p) == 1) s = p
                if ((s "\t" key) in def)
                    printf "%s\t[%s] %s\t%s\t%s\n", where, sec, key, lit, def[s "\t" key]
            } else {
                for (p in prefix)
                    if ((p "\t" key) in def)
                        printf "%s\t[%sNAME] %s\t%s\t%s\n", where, p, key, lit, def[p "\t" key]
            }
        }' "$T/schema.tsv" "$T/calls.tsv" >"$T/bad"
}

# The check must be able to fail: literals put back where stages had them are each found.
cat >"$T/reintroduced.c" <<'C'
    const char *m = wctx_get(c, "weighting", "method", "none");
    int w = strcmp(rp_get(c, sec, "weighted", "yes"), "no") != 0;
    printf("%s", rp_get(c, "privacy", "min_cell", "10 (default)"));
    const char *n = wctx_get(c, sec.data, "count", "population"), *s = rp_get(c, "survey", "title", "");
C
scan "$T/reintroduced.c"
# (sorted: a section given by a variable matches every [table.NAME] and [model.NAME] "weighted")
if [ "$(cut -f2 "$T/bad" | LC_ALL=C sort | tr '\n' ' ')" = "[margin.NAME] count [model.NAME] weighted [privacy] min_cell [table.NAME] weighted [weighting] method " ]
then ok "a literal default put back is found (5 of 5; a literal for a key without a default is not)"
else notok "the check misses a literal default put back:"; sed 's/^/#   /' "$T/bad"; fi

n=$(echo $SOURCES | wc -w)
scan $SOURCES
if [ "$n" -gt 0 ] && [ -s "$T/schema.tsv" ]; then ok "$n stage and library sources read, $(wc -l <"$T/calls.tsv") getter calls with a literal"
else notok "no sources or no schema to check"; fi
if [ ! -s "$T/bad" ]; then
    ok "no stage writes a manifest default that lib/schema.c holds"
else
    while IFS="$(printf '\t')" read -r where what lit def; do
        notok "$where: $what: passes $lit; the default (\"$def\") is lib/schema.c's: pass NULL"
    done <"$T/bad"
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
