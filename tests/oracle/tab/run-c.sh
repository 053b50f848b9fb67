#!/usr/bin/env bash
# run-c.sh BIN — run tsunagari-weight and tsunagari-tab on every estimation oracle scenario and
# compare each estimate with what R's survey package produced (expected.csv).
#
# Tolerances (issue #5): 1e-8 relative; standard errors and what is built on them (CIs, deff,
# test statistics, p-values) 1e-6 after raking, where R's variance uses a fixed number of
# back-fitting sweeps on weights that rake() itself stopped short of exact. A value R gives as
# NaN/Inf/NA must be empty here. Prints ok / not ok per estimate request and "N passed, N failed".
set -u
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
results=${RESULTS:-/dev/null}
pass=0 fail=0

# ini FILE SECTION KEY: the value, trimmed
ini() {
    awk -v s="[$2]" -v k="$3" '$0 == s { f = 1; next } /^\[/ { f = 0 } f && $0 !~ /^[;#]/ {
        i = index($0, "="); if (!i) next; n = substr($0, 1, i - 1); gsub(/[ \t]/, "", n)
        if (n == k) { v = substr($0, i + 1); gsub(/^[ \t]+|[ \t]+$/, "", v); print v; exit } }' "$1"
}

for dir in "$here"/[0-9]*/; do
    sc=$dir/scenario.ini
    [ -f "$sc" ] || continue
    name=$(basename "$dir")
    work=$(mktemp -d)
    data=$(cd "$dir" && realpath "$(ini "$sc" design data)")
    grep -v '^#' "$data" > "$work/data.csv"
    header=$(head -1 "$work/data.csv")
    case ",$header," in
        *,region,*) cb=apiclus1 ;;
        *,stype,*) cb=apistrat ;;
        *,area,*) cb=saitama ;;
        *) cb=yamagata ;;
    esac
    # the design and weighting, as tests/oracle/weight/run-c.sh does it
    set_args=(--set "weighting.missing=$(ini "$sc" design missing)")
    bw=$(ini "$sc" design base_weight)
    rel() { (cd "$dir" && realpath "$1"); }
    case $bw in
        "") ;;
        frame) set_args+=(--set design.weight=base --set "design.frame=$(rel "$(ini "$sc" design frame)")"
                          --set "design.frame_population=$(ini "$sc" design frame_population)"
                          --set "design.frame_sample=$(ini "$sc" design frame_sample)") ;;
        *) set_args+=(--set "design.weight=$bw") ;;
    esac
    for k in strata cluster; do
        v=$(ini "$sc" design $k); [ -n "$v" ] && set_args+=(--set "design.$k=$v")
    done
    fpc=$(ini "$sc" design fpc)
    case $fpc in "") ;; population) set_args+=(--set design.fpc=yes) ;; *) set_args+=(--set "design.fpc=$fpc") ;; esac
    nr=$(ini "$sc" design nonresponse)
    [ -n "$nr" ] && set_args+=(--set "nonresponse.classes=$nr" --set "nonresponse.frame=$(rel "$(ini "$sc" design nonresponse_frame)")"
                               --set "nonresponse.sample=$(ini "$sc" design nonresponse_sample)")
    method=$(ini "$sc" design method)
    raked=no
    if [ -n "$method" ] && [ "$method" != none ]; then
        [ "$method" = rake ] && raked=yes
        margins=$(ini "$sc" design margins)
        totals=$(ini "$sc" design totals)
        if [ -n "$totals" ]; then
            while IFS=, read -r var total; do
                margins="$margins, $var"
                set_args+=(--set "margin.$var.vars=$var" --set "margin.$var.total=$total")
            done < <(grep -v '^#' "$(rel "$totals")" | tail -n +2)
        fi
        set_args+=(--set "weighting.method=$method" --set "weighting.margins=$margins")
        for m in ${margins//,/ }; do
            file=$(ini "$sc" "margin.$m" file)
            [ -n "$file" ] || continue
            set_args+=(--set "margin.$m.file=$(rel "$file")" --set "margin.$m.vars=$(ini "$sc" "margin.$m" vars)"
                       --set "margin.$m.count=$(ini "$sc" "margin.$m" count)")
        done
        for k in bounds:bounds epsilon:tolerance maxit:max_iter; do
            v=$(ini "$sc" design "${k%%:*}"); [ -n "$v" ] && set_args+=(--set "weighting.${k#*:}=$v")
        done
    fi
    if ! "$bin/tsunagari-ingest" -q --max-reject-rate 0 -c "$here/codebooks/$cb.csv" -o "$work/in.tsd" "$work/data.csv" 2> "$work/err" ||
       ! "$bin/tsunagari-weight" -q "${set_args[@]}" -o "$work/w.tsd" "$work/in.tsd" 2>> "$work/err"; then
        fail=$((fail + 1)); echo "not ok - tab oracle $name: the design could not be built"; sed 's/^/#   /' "$work/err"
        echo "FAIL oracle-tab $name" >> "$results"; rm -rf "$work"; continue
    fi
    for est in $(grep -o '^\[estimate\.[^]]*\]' "$sc" | sed 's/^\[estimate\.//; s/\]$//'); do
        sec="estimate.$est"
        args=(--var "$(ini "$sc" "$sec" var)" --stat "$(ini "$sc" "$sec" statistic)" --level "$(ini "$sc" "$sec" level)"
              --lonely-psu "$(ini "$sc" "$sec" lonely_psu)" --min-cell 0)
        by=$(ini "$sc" "$sec" by); [ -n "$by" ] && args+=(--by "${by//;/,}")
        ci=$(ini "$sc" "$sec" ci); [ "$ci" != t ] && args+=(--ci "$ci")
        label="tab oracle $name/$est"
        if [ "$(ini "$sc" "$sec" expect)" = r-fails ]; then
            if "$bin/tsunagari-tab" -q "${args[@]}" -o "$work/t.csv" "$work/w.tsd" 2> "$work/err"; then
                fail=$((fail + 1)); echo "not ok - $label: R stops here, tsunagari-tab did not"
                echo "FAIL oracle-tab $name/$est" >> "$results"
            else
                pass=$((pass + 1)); echo "ok - $label (stops like R: $(cut -c1-70 "$work/err"))"
                echo "PASS oracle-tab $name/$est" >> "$results"
            fi
            continue
        fi
        if ! "$bin/tsunagari-tab" -q "${args[@]}" -o "$work/t.csv" "$work/w.tsd" 2> "$work/err"; then
            fail=$((fail + 1)); echo "not ok - $label: tsunagari-tab failed: $(cat "$work/err")"
            echo "FAIL oracle-tab $name/$est" >> "$results"; continue
        fi
        # Our columns: 3 by_codes 6 code 8 statistic 9 n 12 estimate 13 se 14 ci_low 15 ci_high
        # 18 df 19 df2 20 deff 22 p_value; R's expected.csv: 2 by_codes 3 code 4 statistic
        # 5 estimate 6 se 7 ci_low 8 ci_high 9 df 10 df2 11 deff 12 p_value 13 n.
        problems=$(awk -F, -v est="$est" -v raked="$raked" '
            function missingval(x) { return x == "" || x == "NaN" || x == "NA" || x == "Inf" || x == "-Inf" }
            # absolute floor 1e-10: at a share of exactly 0 the glm-based logit limits of R end
            # within about 1e-11 of 0 instead of at it
            function same(w, g, tol,   d, a) {
                if (missingval(w)) return g == ""
                if (g == "") return 0
                d = g - w; if (d < 0) d = -d; a = w < 0 ? -w : w
                return d <= tol * a || d <= 1e-10
            }
            FNR == NR { if (FNR > 1) got[$3 "|" $6 "|" $8] = $0; next }
            FNR == 1 || $1 != est { next }
            {
                key = $2 "|" $3 "|" $4; rows++
                if (!(key in got)) { if (bad < 3) printf "no row for by=%s code=%s %s; ", $2, $3, $4; bad++; next }
                split(got[key], g, ",")
                ncol = split("5:12:e 6:13:s 7:14:s 8:15:s 9:18:e 10:19:s 11:20:s 12:22:s 13:9:e", spec, " ")
                for (k = 1; k <= ncol; k++) {
                    split(spec[k], p, ":")
                    if ($4 ~ /^rao_scott/ && p[1] == 13) continue
                    tol = (p[3] == "s" && raked == "yes") ? 1e-6 : 1e-8
                    if (!same($(p[1]), g[p[2]], tol)) {
                        if (bad < 3) printf "by=%s code=%s %s column %d: R %s, tsunagari %s; ", $2, $3, $4, p[1], $(p[1]), g[p[2]]
                        bad++
                    }
                }
            }
            END { if (!rows) print "no expected rows"; else if (bad) printf "%d differences", bad }
        ' "$work/t.csv" "$dir/expected.csv")
        if [ -z "$problems" ]; then
            pass=$((pass + 1)); echo "ok - $label"; echo "PASS oracle-tab $name/$est" >> "$results"
        else
            fail=$((fail + 1)); echo "not ok - $label"; echo "#   $problems"; echo "FAIL oracle-tab $name/$est" >> "$results"
        fi
    done
    rm -rf "$work"
done
echo "tab oracle: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
