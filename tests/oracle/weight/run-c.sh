#!/usr/bin/env bash
# run-c.sh BIN — run tsunagari-weight on every oracle scenario and compare its weights with
# the ones R's survey package produced (expected.csv), to 1e-8 relative.
#
# Each scenario.ini (README.md) is turned into tsunagari-weight --set settings; its data.csv
# is ingested with the codebook in codebooks/ that matches its columns. Prints ok / not ok
# per scenario and a closing "N passed, N failed".
set -u
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
results=${RESULTS:-/dev/null}
tol=${TOL:-1e-8}
pass=0 fail=0

key() { # key FILE NAME: the value of NAME in the [scenario] section
    awk -v k="$2" 'BEGIN{s=0} /^\[/{s=($0=="[scenario]")} s && $0 !~ /^[;#]/ {
        i=index($0,"="); if(i){n=$0; sub(/[ \t]*=.*/,"",n); if(n==k){v=substr($0,i+1); gsub(/^[ \t]+|[ \t]+$/,"",v); print v; exit}}}' "$1"
}

for dir in "$here"/*/; do
    ini=$dir/scenario.ini
    [ -f "$ini" ] || continue
    name=$(basename "$dir")
    expect=$(key "$ini" expect)
    work=$(mktemp -d)
    data=$(cd "$dir" && realpath "$(key "$ini" data)")
    grep -v '^#' "$data" > "$work/data.csv"
    header=$(head -1 "$work/data.csv")
    case ",$header," in
        *,stype,*) cb=api ;;
        *,area,*) cb=saitama ;;
        *,weight,*) cb=weights ;;
        *) cb=yamagata ;;
    esac
    set_args=(--set "weighting.missing=$(key "$ini" missing)")
    bw=$(key "$ini" base_weight)
    case $bw in
        "") ;;
        frame) set_args+=(--set design.weight=base --set "design.strata=$(key "$ini" strata)"
                          --set "design.frame=$dir$(key "$ini" frame)"
                          --set "design.frame_population=$(key "$ini" frame_population)"
                          --set "design.frame_sample=$(key "$ini" frame_sample)") ;;
        *) set_args+=(--set "design.weight=$bw") ;;
    esac
    nr=$(key "$ini" nonresponse)
    [ -n "$nr" ] && set_args+=(--set "nonresponse.classes=$nr" --set "nonresponse.frame=$dir$(key "$ini" nonresponse_frame)"
                               --set "nonresponse.sample=$(key "$ini" nonresponse_sample)")
    [ -n "$(key "$ini" base_scale)" ] && set_args+=(--set "weighting.base_scale=$(key "$ini" base_scale)")
    method=$(key "$ini" method)
    if [ "$method" = trim ]; then
        set_args+=(--set weighting.method=none --set "weighting.trim_lower=$(key "$ini" trim_lower)"
                   --set "weighting.trim_upper=$(key "$ini" trim_upper)"
                   --set "weighting.trim_relative_to=$(key "$ini" trim_relative_to)"
                   --set "weighting.trim_strict=$(key "$ini" strict)")
    else
        margins=$(key "$ini" margins)
        totals=$(key "$ini" totals)
        if [ -n "$totals" ]; then
            while IFS=, read -r var total; do
                margins="$margins, $var"
                set_args+=(--set "margin.$var.vars=$var" --set "margin.$var.total=$total")
            done < <(grep -v '^#' "$dir$totals" | tail -n +2)
        fi
        set_args+=(--set "weighting.method=$method" --set "weighting.margins=$margins")
        for m in ${margins//,/ }; do
            sec=$(awk -v s="[margin.$m]" '$0==s{f=1;next} /^\[/{f=0} f' "$ini")
            file=$(printf '%s\n' "$sec" | sed -n 's/^file *= *//p')
            [ -n "$file" ] || continue
            set_args+=(--set "margin.$m.file=$dir$file"
                       --set "margin.$m.vars=$(printf '%s\n' "$sec" | sed -n 's/^vars *= *//p')"
                       --set "margin.$m.count=$(printf '%s\n' "$sec" | sed -n 's/^count *= *//p')")
        done
        for k in bounds:bounds epsilon:tolerance maxit:max_iter; do
            v=$(key "$ini" "${k%%:*}")
            [ -n "$v" ] && set_args+=(--set "weighting.${k#*:}=$v")
        done
    fi
    problems=""
    if ! "$bin/tsunagari-ingest" -q --max-reject-rate 0 -c "$here/codebooks/$cb.csv" -o "$work/in.tsd" "$work/data.csv" 2> "$work/err"; then
        problems="ingest failed: $(cat "$work/err")"
    elif [ "$expect" = r-fails ]; then
        # R does not converge here: tsunagari-weight must say so too, not invent weights.
        "$bin/tsunagari-weight" -q "${set_args[@]}" -o "$work/out.tsd" "$work/in.tsd" 2> "$work/err"
        rc=$?
        if [ $rc -ne 65 ] || ! grep -q "did not converge" "$work/err" || [ -e "$work/out.tsd" ]; then
            problems="R fails to converge here; tsunagari-weight exited $rc: $(cat "$work/err")"
        fi
        worst="(fails like R: $(sed 's/^tsunagari-weight: //' "$work/err" | cut -c1-60)...)"
    elif ! "$bin/tsunagari-weight" -q "${set_args[@]}" -o "$work/out.tsd" "$work/in.tsd" 2> "$work/err"; then
        problems="tsunagari-weight failed: $(cat "$work/err")"
    else
        "$bin/tsunagari-export" --vars id,weight "$work/out.tsd" > "$work/got.csv"
        problems=$(awk -F, -v tol="$tol" '
            NR == FNR { if (FNR > 1) want[$1] = $2; next }
            FNR == 1 { next }
            { got[$1] = $2 }
            END {
                worst = 0; bad = 0
                for (id in want) {
                    if (!(id in got)) { printf "id %s missing; ", id; bad++; continue }
                    w = want[id] + 0; g = got[id] + 0
                    d = (w == 0) ? (g < 0 ? -g : g) : ((g - w) / w); if (d < 0) d = -d
                    if (d > worst) { worst = d; wid = id }
                    if (d > tol) { if (bad < 3) printf "id %s: R %s, tsunagari %s; ", id, want[id], got[id]; bad++ }
                }
                if (bad) printf "%d weights differ by more than %s (worst %.3g at id %s)", bad, tol, worst, wid
                else printf "WORST %.3g", worst
            }' "$dir/expected.csv" "$work/got.csv")
        case $problems in WORST*) worst=${problems#WORST }; problems="" ;; esac
        # Every other value R committed (issue #19): expected-summary.csv recomputed from the
        # weights and the variables it speaks of, and 06's step files (compare-summary.py).
        if [ -z "$problems" ] && [ -f "$dir/expected-summary.csv" ]; then
            vars=id,weight,design_weight
            for v in $( (sed -n 's/^vars *= *//p' "$ini"; key "$ini" nonresponse
                         [ -n "$totals" ] && grep -v '^#' "$dir$totals" | tail -n +2 | cut -d, -f1) | tr ',' ' '); do
                case ",$vars," in *",$v,"*) ;; *) vars=$vars,$v ;; esac
            done
            "$bin/tsunagari-export" --vars "$vars" "$work/out.tsd" > "$work/summary-got.csv"
            base_args=()
            if [ -f "$dir/expected-base.csv" ]; then
                # the same run without nonresponse and calibration: the base weights alone
                "$bin/tsunagari-weight" -q --set "weighting.missing=$(key "$ini" missing)" \
                    --set design.weight=base --set "design.strata=$(key "$ini" strata)" \
                    --set "design.frame=$dir$(key "$ini" frame)" \
                    --set "design.frame_population=$(key "$ini" frame_population)" \
                    --set "design.frame_sample=$(key "$ini" frame_sample)" --set weighting.method=none \
                    -o "$work/base.tsd" "$work/in.tsd" 2> "$work/err" &&
                    "$bin/tsunagari-export" --vars id,weight "$work/base.tsd" > "$work/base.csv"
                base_args=("$work/base.csv")
            fi
            problems=$(python3 "$here/compare-summary.py" "$ini" "$dir/expected-summary.csv" "$work/summary-got.csv" \
                       "${base_args[@]}" 2>&1) || problems="expected-summary.csv or a step file differs: $problems"
        fi
    fi
    if [ -z "$problems" ]; then
        pass=$((pass + 1)); echo "ok - weight oracle $name (largest relative difference from R: $worst)"
        echo "PASS oracle-weight $name" >> "$results"
    else
        fail=$((fail + 1)); echo "not ok - weight oracle $name"; echo "#   $problems"
        echo "FAIL oracle-weight $name" >> "$results"
    fi
    rm -rf "$work"
done
echo "weight oracle: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
