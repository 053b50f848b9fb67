#!/usr/bin/env bash
# run-c.sh BIN [SCENARIOS] — run tsunagari-weight and tsunagari-tab on every estimation oracle
# scenario (each folder of SCENARIOS, default this folder, with a scenario.ini) and compare each
# estimate with what R's survey package produced (expected.csv). tests/oracle/matrix/ runs it on
# its scenarios with ORACLE_NAME=matrix ORACLE_SE_TOL=1e-6.
#
# Tolerances (issue #5): 1e-8 relative; standard errors and what is built on them (CIs, deff,
# test statistics, p-values) 1e-6 after raking, where R's variance uses a fixed number of
# back-fitting sweeps on weights that rake() itself stopped short of exact. A value R gives as
# NaN/Inf/NA must be empty here. Prints ok / not ok per estimate request and "N passed, N failed".
# ORACLE_SE_TOL: the standard-error tolerance for every scenario (default: 1e-6 after raking
# only). ORACLE_NAME: the name in the output lines (default tab). ORACLE_SHARD=I/N: only every
# N-th scenario from the I-th (0-based), for running N of these side by side.
set -u
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "${2:-$here}" && pwd)
oname=${ORACLE_NAME:-tab}
results=${RESULTS:-/dev/null}
pass=0 fail=0 ntsd=0
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

# read_ini FILE: every "SECTION.KEY=value" (trimmed; a value ends at " ;") into the array cfg
declare -A cfg tsds
read_ini() {
    cfg=()
    local k v
    while IFS=$'\t' read -r k v; do cfg[$k]=$v; done < <(awk '
        /^[ \t]*[;#]/ { next }
        /^\[.*\]$/ { sec = substr($0, 2, length($0) - 2); next }
        { i = index($0, "="); if (!i) next; n = substr($0, 1, i - 1); gsub(/[ \t]/, "", n)
          v = substr($0, i + 1); sub(/[ \t];.*$/, "", v); gsub(/^[ \t]+|[ \t]+$/, "", v)
          print sec "." n "\t" v }' "$1")
}

shard=${ORACLE_SHARD:-0/1} nsc=-1
for dir in "$root"/*/; do
    sc=$dir/scenario.ini
    [ -f "$sc" ] || continue
    nsc=$((nsc + 1)); [ $((nsc % ${shard#*/})) -eq "${shard%/*}" ] || continue
    name=$(basename "$dir")
    read_ini "$sc"
    work=$cache/work; mkdir -p "$work"
    rel() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s' "$dir$1" ;; esac; }
    data=$(rel "${cfg[design.data]:-}")
    cbfile=${cfg[design.codebook]:-}
    if [ -n "$cbfile" ]; then
        cbfile=$(rel "$cbfile")
    else
        header=$(grep -v '^#' "$data" | head -1)
        case ",$header," in
            *,region,*) cb=apiclus1 ;;
            *,stype,*) cb=apistrat ;;
            *,area,*) cb=saitama ;;
            *) cb=yamagata ;;
        esac
        cbfile=$here/codebooks/$cb.csv
    fi
    # one ingest per data file and codebook
    if [ -z "${tsds[$data|$cbfile]:-}" ]; then
        ntsd=$((ntsd + 1)); tsds[$data|$cbfile]=$cache/$ntsd.tsd
        tsd=${tsds[$data|$cbfile]}
        case $data in *.gz) gzip -dc "$data" ;; *) cat "$data" ;; esac | grep -v '^#' > "$work/data.csv"
        "$bin/tsunagari-ingest" -q --max-reject-rate 0 -c "$cbfile" -o "$tsd" "$work/data.csv" 2> "$work/err" || rm -f "$tsd"
    fi
    tsd=${tsds[$data|$cbfile]}
    # the design and weighting, as tests/oracle/weight/run-c.sh does it
    set_args=(--set "weighting.missing=${cfg[design.missing]:-}")
    type=${cfg[design.type]:-}
    [ -n "$type" ] && set_args+=(--set "design.type=$type")
    bw=${cfg[design.base_weight]:-}
    frame=${cfg[design.frame]:-}
    [ -n "$frame" ] && set_args+=(--set "design.frame=$(rel "$frame")"
                                  --set "design.frame_population=${cfg[design.frame_population]:-}"
                                  --set "design.frame_sample=${cfg[design.frame_sample]:-}")
    case $bw in
        "") ;;
        frame) set_args+=(--set design.weight=base) ;;
        *) set_args+=(--set "design.weight=$bw") ;;
    esac
    for k in strata cluster nest; do
        v=${cfg[design.$k]:-}; [ -n "$v" ] && set_args+=(--set "design.$k=$v")
    done
    v=${cfg[design.psu_frame]:-}; [ -n "$v" ] && set_args+=(--set "design.psu_frame=$(rel "$v")")
    # replicate weights (issue #15): the [design] keys as they are
    for k in variance replicate_weights replicate_type replicate_scale replicate_rscales mse combined_weights \
             replicates seed fay_rho; do
        v=${cfg[design.$k]:-}; [ -n "$v" ] && set_args+=(--set "design.$k=$v")
    done
    fpc=${cfg[design.fpc]:-}
    case $fpc in "") ;; population) set_args+=(--set design.fpc=yes) ;; *) set_args+=(--set "design.fpc=$fpc") ;; esac
    nr=${cfg[design.nonresponse]:-}
    [ -n "$nr" ] && set_args+=(--set "nonresponse.classes=$nr" --set "nonresponse.frame=$(rel "${cfg[design.nonresponse_frame]:-}")"
                               --set "nonresponse.sample=${cfg[design.nonresponse_sample]:-}")
    v=${cfg[design.base_scale]:-}; [ -n "$v" ] && set_args+=(--set "weighting.base_scale=$v")
    for k in trim_lower trim_upper trim_relative_to trim_strict; do
        v=${cfg[design.$k]:-}; [ -n "$v" ] && set_args+=(--set "weighting.$k=$v")
    done
    method=${cfg[design.method]:-}
    raked=no
    if [ -n "$method" ] && [ "$method" != none ]; then
        [ "$method" = rake ] && raked=yes
        margins=${cfg[design.margins]:-}
        totals=${cfg[design.totals]:-}
        if [ -n "$totals" ]; then
            while IFS=, read -r var total; do
                margins="$margins, $var"
                set_args+=(--set "margin.$var.vars=$var" --set "margin.$var.total=$total")
            done < <(grep -v '^#' "$(rel "$totals")" | tail -n +2)
        fi
        set_args+=(--set "weighting.method=$method" --set "weighting.margins=$margins")
        for m in ${margins//,/ }; do
            file=${cfg[margin.$m.file]:-}
            [ -n "$file" ] || continue
            set_args+=(--set "margin.$m.file=$(rel "$file")" --set "margin.$m.vars=${cfg[margin.$m.vars]:-}"
                       --set "margin.$m.count=${cfg[margin.$m.count]:-}")
        done
        for k in bounds:bounds epsilon:tolerance maxit:max_iter rake_residuals:rake_residuals; do
            v=${cfg[design.${k%%:*}]:-}; [ -n "$v" ] && set_args+=(--set "weighting.${k#*:}=$v")
        done
    fi
    if [ ! -f "$tsd" ] ||
       ! "$bin/tsunagari-weight" -q "${set_args[@]}" -o "$work/w.tsd" "$tsd" 2>> "$work/err"; then
        fail=$((fail + 1)); echo "not ok - $oname oracle $name: the design could not be built"; sed 's/^/#   /' "$work/err"
        echo "FAIL oracle-$oname $name" >> "$results"; rm -rf "$work"; continue
    fi
    cp "$work/w.tsd" "$cache/w-$name.tsd" # for a later scenario's previous = ../NAME
    # replicates made from the design (issue #15): tsunagari's first replicate weights against
    # R's as.svrepdesign (+ its calibration), row by row (1e-8 relative; 0 where R has 0)
    if [ -f "$dir/expected-replicates.csv" ]; then
        nr=$(head -1 "$dir/expected-replicates.csv" | tr ',' '\n' | grep -c '^rep_')
        if ! "$bin/tsunagari-export" --vars "id$(seq 1 "$nr" | sed 's/^/,repw_/' | tr -d '\n')" -o "$work/rep.csv" \
                "$work/w.tsd" 2> "$work/err" ||
           ! bad=$(awk -F, 'FNR == NR { if (FNR > 1) got[$1] = $0; next } FNR > 1 {
                    if (!($1 in got)) { n++; next } split(got[$1], g, ",")
                    for (k = 2; k <= NF; k++) { d = g[k] - $k; if (d < 0) d = -d; a = $k < 0 ? -$k : $k
                        if (d > 1e-8 * a && d > 1e-10) n++ } }
                    END { print n + 0 }' "$work/rep.csv" "$dir/expected-replicates.csv") || [ "$bad" != 0 ]; then
            fail=$((fail + 1)); echo "not ok - $oname oracle $name: replicate weights differ from R's (${bad:-?} values) $(cat "$work/err")"
            echo "FAIL oracle-$oname $name/replicates" >> "$results"
        else
            pass=$((pass + 1)); echo "ok - $oname oracle $name: the first $nr replicate weights are R's"
            echo "PASS oracle-$oname $name/replicates" >> "$results"
        fi
    fi
    for est in $(grep -o '^\[estimate\.[^]]*\]' "$sc" | sed 's/^\[estimate\.//; s/\]$//'); do
        sec="estimate.$est"
        lonely=${cfg[$sec.lonely_psu]:-}
        # A lonely-PSU rule is checked both ways it can be given: tsunagari-tab --lonely-psu,
        # and [design] lonely_psu recorded by tsunagari-weight (then tab is given no flag).
        vias=flag
        if [ -n "$lonely" ] && { [ "$lonely" != fail ] || [ "${cfg[$sec.expect]:-}" = r-fails ]; }; then vias="flag design"; fi
        for via in $vias; do
        args=(--var "${cfg[$sec.var]:-}" --stat "${cfg[$sec.statistic]:-}" --level "${cfg[$sec.level]:-0.95}"
              --min-cell 0)
        wtsd=$work/w.tsd
        if [ "$via" = flag ]; then
            args+=(--lonely-psu "${lonely:-fail}")
        else
            wtsd=$work/w-$lonely.tsd
            if ! "$bin/tsunagari-weight" -q "${set_args[@]}" --set "design.lonely_psu=$lonely" -o "$wtsd" "$tsd" 2> "$work/err"; then
                fail=$((fail + 1)); echo "not ok - $oname oracle $name/$est: [design] lonely_psu = $lonely refused: $(cat "$work/err")"
                echo "FAIL oracle-$oname $name/$est-design" >> "$results"; continue
            fi
        fi
        by=${cfg[$sec.by]:-}; [ -n "$by" ] && args+=(--by "${by//;/,}")
        ci=${cfg[$sec.ci]:-}; [ "$ci" != t ] && args+=(--ci "$ci")
        # quantiles and ratios (quantile-ratio.R)
        for k in quantiles:--quantiles qrule:--qrule quantile_ci:--quantile-ci denominator:--denominator; do
            v=${cfg[$sec.${k%%:*}]:-}; [ -n "$v" ] && args+=("${k#*:}" "${v// /}")
        done
        # differences of domains (difference.R): the pairs keep their " - "
        v=${cfg[$sec.differences]:-}; [ -n "$v" ] && args+=(--differences "$v")
        # two waves (difference.R): the same table on the earlier scenario's weighted data (run
        # before this one: folders in order), its tables.csv given as --previous
        v=${cfg[$sec.previous]:-}
        if [ -n "$v" ]; then
            ptsd=$cache/w-$(basename "$v").tsd
            if [ ! -f "$ptsd" ] || ! "$bin/tsunagari-tab" -q "${args[@]}" -o "$work/prev.csv" "$ptsd" 2> "$work/err"; then
                fail=$((fail + 1)); echo "not ok - $oname oracle $name/$est: the previous scenario $v is not run before it or fails: $(cat "$work/err" 2>/dev/null)"
                echo "FAIL oracle-$oname $name/$est" >> "$results"; continue
            fi
            args+=(--previous "$work/prev.csv" --previous-label "${cfg[$sec.previous_label]:-前回調査}")
        fi
        label="$oname oracle $name/$est"
        [ "$via" = design ] && label="$label ([design] lonely_psu = $lonely)"
        if [ "${cfg[$sec.expect]:-}" = r-fails ]; then
            if "$bin/tsunagari-tab" -q "${args[@]}" -o "$work/t.csv" "$wtsd" 2> "$work/err"; then
                fail=$((fail + 1)); echo "not ok - $label: R stops here, tsunagari-tab did not"
                echo "FAIL oracle-$oname $name/$est" >> "$results"
            else
                pass=$((pass + 1)); echo "ok - $label (stops like R: $(cut -c1-70 "$work/err"))"
                echo "PASS oracle-$oname $name/$est" >> "$results"
            fi
            continue
        fi
        if ! "$bin/tsunagari-tab" -q "${args[@]}" -o "$work/t.csv" "$wtsd" 2> "$work/err"; then
            fail=$((fail + 1)); echo "not ok - $label: tsunagari-tab failed: $(cat "$work/err")"
            echo "FAIL oracle-$oname $name/$est" >> "$results"; continue
        fi
        # Our columns: 3 by_codes 6 code 8 statistic 9 n 12 estimate 13 se 14 ci_low 15 ci_high
        # 18 df 19 df2 20 deff 22 p_value; R's expected.csv: 2 by_codes 3 code 4 statistic
        # 5 estimate 6 se 7 ci_low 8 ci_high 9 df 10 df2 11 deff 12 p_value 13 n.
        problems=$(awk -F, -v est="$est" -v raked="$raked" -v setol="${ORACLE_SE_TOL:-}" '
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
                    tol = p[3] != "s" ? 1e-8 : setol != "" ? setol + 0 : raked == "yes" ? 1e-6 : 1e-8
                    if (!same($(p[1]), g[p[2]], tol)) {
                        if (bad < 3) printf "by=%s code=%s %s column %d: R %s, tsunagari %s; ", $2, $3, $4, p[1], $(p[1]), g[p[2]]
                        bad++
                    }
                }
            }
            END { if (!rows) print "no expected rows"; else if (bad) printf "%d differences", bad }
        ' "$work/t.csv" "$dir/expected.csv")
        # a scenario R never ran has nothing to compare with (awk above would pass it)
        [ -f "$dir/expected.csv" ] || problems="no expected.csv: run make-expected.R"
        if [ -z "$problems" ]; then
            pass=$((pass + 1)); echo "ok - $label"; echo "PASS oracle-$oname $name/$est" >> "$results"
        else
            fail=$((fail + 1)); echo "not ok - $label"; echo "#   $problems"; echo "FAIL oracle-$oname $name/$est" >> "$results"
        fi
        done
    done
    rm -rf "$work"
done
echo "$oname oracle: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
