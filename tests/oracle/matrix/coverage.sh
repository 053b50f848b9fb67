#!/usr/bin/env bash
# coverage.sh [BIN] — does the option-matrix oracle cover every documented combination?
#
# Reads the option tables of docs/manifest.md: [design] type, weight, fpc; whether the
# [nonresponse] section exists; [weighting] method, bounds (the methods it applies to; a
# method that "needs" bounds is bounded anyway) and trim_lower/trim_upper. The combinations are
#   type (each documented value, plus stratified+cluster when both strata and cluster are keys)
#   × weight (empty = none, base, a variable = column) × fpc (no, yes, a variable = column)
#   × nonresponse (off, on) × calibration (none, each method, METHOD-bounded, trimmed)
# and each must have a scenario in scenarios/ for every data family (api, jp) — found by the
# "; combination:" line make-scenarios.R writes — or match a rule of excluded.txt (with its
# reason). Also: every value of trim_relative_to, trim_strict and base_scale occurs in some
# scenario. With BIN, each exclusion rule that names --set arguments is run through
# BIN/tsunagari-weight on the api sample and must be refused (exit 64/65) with its message.
# Prints "oracle matrix: N of N combinations covered (api and synthetic jp), N excluded";
# exit 1 if any combination is uncovered. Usage: tests/oracle/matrix/coverage.sh [bin]
set -u
here=$(cd "$(dirname "$0")" && pwd)
manifest=$here/../../../docs/manifest.md
families="api jp"
status=0

# row SECTION KEY: the meaning cell of the key's row in the section's table
row() {
    awk -v sec="### \`[$1]\`" -v key="| \`$2\`" '
        index($0, sec) == 1 { f = 1; next } /^### / { f = 0 }
        f && (index($0, key " |") == 1 || index($0, key ",") == 1) { sub(/^\|[^|]*\|/, ""); print; exit }' "$manifest"
}
# ticks TEXT: the backticked words of TEXT, except R's function names ("R's `rake`")
ticks() { printf '%s\n' "$1" | sed "s/R's \`[^\`]*\`//g" | grep -o '`[^`]*`' | tr -d '`' | awk '!seen[$0]++'; }

die() { echo "coverage.sh: $*" >&2; exit 2; }
[ -f "$manifest" ] || die "no $manifest"
r=$(row design type); [ -n "$r" ] || die "docs/manifest.md: no [design] type row"
# the values are the backticked words that open a clause: "`srs` (simple random sample)"
types=$(printf '%s\n' "${r%%. Not given*}" | grep -o '`[a-z]*` (' | tr -d '`( ' | awk '!seen[$0]++')
[ -n "$(row design strata)" ] && [ -n "$(row design cluster)" ] && types="$types stratified+cluster"
r=$(row design weight); [ -n "$r" ] || die "no [design] weight row"
weights=""
case $r in *empty*) weights="none" ;; esac
for v in $(ticks "$r" | grep -E '^[a-z]+$'); do [ "$v" = yes ] || weights="$weights $v"; done
case $r in *"a variable"*) weights="$weights column" ;; esac
r=$(row design fpc); [ -n "$r" ] || die "no [design] fpc row"
fpcs=$(ticks "$r" | grep -E '^(yes|no)$')
case $r in *"variable"*) fpcs="$fpcs column" ;; esac
nonresponse="off"
grep -q '^### `\[nonresponse\]`' "$manifest" && nonresponse="off on"
r=$(row weighting method); [ -n "$r" ] || die "no [weighting] method row"
methods=$(ticks "$r")
r=$(row weighting bounds); cals=$methods
for m in $(ticks "$r" | grep -Fx "$methods"); do
    case $r in *"$m needs"*) ;; *) cals="$cals $m-bounded" ;; esac
done
[ -n "$(row weighting trim_lower)" ] && cals="$cals trimmed"

echo "# documented: type: $(echo $types); weight: $(echo $weights); fpc: $(echo $fpcs); nonresponse: $nonresponse; calibration: $(echo $cals)"

# combinations the scenarios cover: "family type weight fpc nonresponse calibration"
have=$(sed -n 's/^; combination: //p' "$here"/scenarios/*/scenario.ini |
       sed 's/data=//; s/ [a-z]*=/ /g' | sort -u)
# exclusion rules: "dim=value ..." per line
rules=$(grep -v '^#' "$here/excluded.txt" | grep -v '^[[:space:]]*$' | sed 's/[[:space:]]*|.*$//')

total=0 covered=0 excluded=0 missing=0
for t in $types; do for w in $weights; do for f in $fpcs; do for n in $nonresponse; do for c in $cals; do
    total=$((total + 1))
    rule=$(printf '%s\n' "$rules" | while read -r l; do
        ok=1
        for p in $l; do
            d=${p%%=*} v=${p#*=}
            case $d in type) [ "$t" = "$v" ] ;; weight) [ "$w" = "$v" ] ;; fpc) [ "$f" = "$v" ] ;;
                        nonresponse) [ "$n" = "$v" ] ;; calibration) [ "$c" = "$v" ] ;; *) false ;; esac || ok=0
        done
        [ $ok = 1 ] && { echo "$l"; break; }
    done)
    in=0
    for fam in $families; do
        printf '%s\n' "$have" | grep -qxF "$fam $t $w $f $n $c" && in=$((in + 1))
    done
    if [ -n "$rule" ]; then
        excluded=$((excluded + 1))
        [ $in -gt 0 ] && { echo "not ok - matrix: $t $w $f $n $c is excluded ($rule) but has a scenario"; status=1; }
    elif [ $in -eq 2 ]; then
        covered=$((covered + 1))
    else
        missing=$((missing + 1)); status=1
        echo "not ok - matrix: no scenario for type=$t weight=$w fpc=$f nonresponse=$n calibration=$c in every family ($families)"
    fi
done; done; done; done; done

# values of the trimming and scaling options that must occur somewhere
for kv in "trim_relative_to:$(ticks "$(row weighting trim_relative_to)")" "trim_strict:$(ticks "$(row weighting trim_strict)")" \
          "base_scale:$(ticks "$(row weighting base_scale)")"; do
    k=${kv%%:*}
    for v in ${kv#*:}; do
        grep -qE "^$k +=  *$v\$" "$here"/scenarios/*/scenario.ini ||
            { echo "not ok - matrix: no scenario has [weighting] $k = $v"; status=1; }
    done
done

# the exclusions refused by tsunagari-weight, as excluded.txt says
refused=0 notrefused=0
if [ $# -ge 1 ]; then
    bin=$(cd "$1" && pwd)
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    while IFS='|' read -r what reason sets msg; do
        case $what in \#*|"") continue ;; esac
        sets=$(echo $sets) msg=$(echo $msg)
        [ -n "$sets" ] || continue
        fam=srs; case " $sets " in *design.cluster=*) fam=clu ;; esac
        grep -v '^#' "$here/data/api-$fam.csv" > "$tmp/d.csv"
        "$bin/tsunagari-ingest" -q -c "$here/codebooks/api.csv" -o "$tmp/d.tsd" "$tmp/d.csv" || { status=1; continue; }
        args=(); for s in $sets; do args+=(--set "${s//\$DATA/$here/data}"); done
        "$bin/tsunagari-weight" -q "${args[@]}" -o "$tmp/w.tsd" "$tmp/d.tsd" 2> "$tmp/err"; rc=$?
        if { [ $rc -eq 65 ] || [ $rc -eq 64 ]; } && grep -qF -- "$msg" "$tmp/err"; then
            refused=$((refused + 1)); echo "ok - matrix: excluded $(echo $what) is refused: $(head -c 100 "$tmp/err")"
        else
            notrefused=$((notrefused + 1)); status=1
            echo "not ok - matrix: excluded $(echo $what) (--set $sets): exit $rc, expected 64/65 with \"$msg\": $(head -c 200 "$tmp/err")"
        fi
    done < "$here/excluded.txt"
fi
echo "oracle matrix: $covered of $((total - excluded)) combinations covered (api and synthetic jp), $excluded excluded$([ $# -ge 1 ] && echo "; $refused exclusions refused by tsunagari-weight")"
exit $status
