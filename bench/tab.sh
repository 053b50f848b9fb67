#!/usr/bin/env bash
# bench/tab.sh BIN — the estimation benchmark of issue #17: SYNTHETIC respondents (tsunagari-synth,
# the Saitama layout) ingested, raked to three margins (area, age band, sex) and tabulated: 30
# tables (10 variables × 3 by variables: shares and means with SEs, logit CIs, deff, and the
# Rao–Scott test where both are single-choice), on one thread and on every core (--jobs).
# Prints figures, never fails on speed: the machines here are shared and noisy, so each figure is
# the median of BENCH_RUNS runs (default 3), given as wall time and as CPU time (user + system),
# with the load average beside it. Sizes: BENCH_TAB_SIZES (default "100000 1000000"); BENCH_10M=1
# adds 10,000,000 rows (generated on the fly into BENCH_DIR, several GB and minutes; not committed).
# The whole pipeline per size — ingest, weight, tab -j1 and the charts of 27 of the tables
# (tsunagari-plot, PNG, PDF and SVG) — is printed as one CPU figure. Where Rscript and R's survey
# are installed, R times the same estimates at 10,000 rows (bench/r-tab.R: every
# BENCH_R_EVERY-th table, default 10, i.e. 3 of the 30; BENCH_R=0 skips it) beside tsunagari-tab
# on the same tables, and the ratio is printed.
set -eu
bin=$1
work=${BENCH_DIR:-build/bench}/tab
runs=${BENCH_RUNS:-3}
sizes=${BENCH_TAB_SIZES:-100000 1000000}
[ "${BENCH_10M:-0}" = 1 ] && sizes="$sizes 10000000"
mkdir -p "$work"
cc -O2 -o "$work/peakrss" bench/peakrss.c
data=$(pwd)/data/saitama-2022
frame=$data/frame_area_age_sex.csv
cores=$("$bin/tsunagari-tab" --help >/dev/null 2>&1; nproc)
manifest="$work/tables.ini"
{
    echo "; 30 benchmark tables over the Saitama layout (SYNTHETIC data)"
    n=0
    for var in lonely ucla_band goout goout_since consult alone mode ucla_score consult_who events; do
        for by in area age_band sex; do
            n=$((n + 1))
            printf '[table.t%02d]\nvar = %s\nby = %s\n\n' "$n" "$var" "$by"
        done
    done
    # the charts of the pipeline: every table but the means (ucla_score)
    n=0
    for var in lonely ucla_band goout goout_since consult alone mode ucla_score consult_who events; do
        for by in area age_band sex; do
            n=$((n + 1))
            case $var in ucla_score) continue ;; consult_who | events) type=multi ;; *) type=stacked ;; esac
            printf '[chart.c%02d]\ntype = %s\ntable = t%02d\ntitle = %s by %s\n\n' "$n" "$type" "$n" "$var" "$by"
        done
    done
} > "$manifest"

# median FIELD of RUNS runs of a command: prints "wall cpu peak_kib"
measure() {
    local i line
    : > "$work/runs.txt"
    for i in $(seq "$runs"); do
        line=$("$work/peakrss" "$@" 2>&1 >/dev/null | tail -1)
        echo "$line" | sed 's/seconds=\([^ ]*\) cpu=\([^ ]*\) peak_kib=\(.*\)/\1 \2 \3/' >> "$work/runs.txt"
    done
    # the run of median CPU time, whole (its wall and its memory)
    sort -n -k2 "$work/runs.txt" | awk -v m=$(((runs + 1) / 2)) 'NR == m'
}
mib() { awk "BEGIN{printf \"%.0f\", $1 / 1024}"; }
fsize() { stat -c %s "$1"; }

echo "tab benchmark (issue #17): 30 tables (shares/means with SEs, logit CIs, deff; 18 Rao-Scott tests)"
echo "  on SYNTHETIC respondents raked to 3 margins; median of $runs runs; $cores cores; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-9s %-8s %8s %8s %9s %9s\n' rows stage wall_s cpu_s peak_MiB MB/s
declare -A tab1 tabn ing pipe
for rows in $sizes; do
    raw="$work/raw-$rows.csv"
    [ -s "$raw" ] || "$bin/tsunagari-synth" population --layout saitama --size "$rows" -o "$raw"
    read -r w c p <<< "$(measure "$bin/tsunagari-ingest" -q --max-reject-rate 100 -c "$data/codebook.csv" -o "$work/in-$rows.tsd" "$raw")"
    mb=$(awk "BEGIN{print $(fsize "$raw") / 1e6}")
    printf '  %-9s %-8s %8.2f %8.2f %9s %9.1f\n' "$rows" ingest "$w" "$c" "$(mib "$p")" "$(awk "BEGIN{print $mb / $c}")"
    ing[$rows]=$c
    ingw=$w
    read -r w c p <<< "$(measure "$bin/tsunagari-weight" -q --set weighting.method=rake --set weighting.margins=area,age,sex \
        --set margin.area.file="$frame" --set margin.area.vars=area --set margin.age.file="$frame" \
        --set margin.age.vars=age_band --set margin.sex.file="$frame" --set margin.sex.vars=sex \
        -o "$work/w-$rows.tsd" "$work/in-$rows.tsd")"
    printf '  %-9s %-8s %8.2f %8.2f %9s\n' "$rows" weight "$w" "$c" "$(mib "$p")"
    wc_=$c
    ds=$(fsize "$work/w-$rows.tsd")
    read -r w c p <<< "$(measure "$bin/tsunagari-tab" -q --jobs 1 -s "$manifest" -o "$work/t1-$rows.csv" "$work/w-$rows.tsd")"
    printf '  %-9s %-8s %8.2f %8.2f %9s %9.1f   (%.1f x ingest; peak %.1f x the weighted dataset, %s MiB)\n' "$rows" "tab -j1" \
        "$w" "$c" "$(mib "$p")" "$(awk "BEGIN{print $ds / 1e6 / $c}")" "$(awk "BEGIN{print $c / ${ing[$rows]}}")" \
        "$(awk "BEGIN{print $p * 1024 / $ds}")" "$(awk "BEGIN{printf \"%.0f\", $ds / 1048576}")"
    tab1[$rows]=$c
    tc=$c
    read -r w c p <<< "$(measure "$bin/tsunagari-tab" -q --jobs "$cores" -s "$manifest" -o "$work/tn-$rows.csv" "$work/w-$rows.tsd")"
    same=$(cmp -s "$work/t1-$rows.csv" "$work/tn-$rows.csv" && echo "same bytes as -j1" || echo "DIFFERS from -j1")
    printf '  %-9s %-8s %8.2f %8.2f %9s %9s   (%.1f x ingest in wall time; %s)\n' "$rows" "tab -j$cores" "$w" "$c" \
        "$(mib "$p")" "" "$(awk "BEGIN{print $w / $ingw}")" "$same"
    tabn[$rows]=$w
    read -r w c p <<< "$(measure "$bin/tsunagari-plot" -q -s "$manifest" -o "$work/charts-$rows" "$work/t1-$rows.csv")"
    printf '  %-9s %-8s %8.2f %8.2f %9s             (27 charts, PNG + PDF + SVG, from tables.csv)\n' "$rows" charts \
        "$w" "$c" "$(mib "$p")"
    pipe[$rows]=$(awk "BEGIN{print ${ing[$rows]} + $wc_ + $tc + $c}")
    printf '  %-9s %-8s %8s %8.2f             (the whole pipeline: ingest + weight + tab -j1 + charts, CPU)\n' \
        "$rows" pipeline "" "${pipe[$rows]}"
    [ "$rows" -ge 10000000 ] && rm -rf "$raw" "$work/in-$rows.tsd" "$work/w-$rows.tsd" "$work/charts-$rows"
done
prev=""
for rows in $sizes; do
    if [ -n "$prev" ]; then
        printf '  tab(%s) / tab(%s) CPU: %.1f for %gx the rows (linear: %g; target <= 1.05x that)\n' "$rows" "$prev" \
            "$(awk "BEGIN{print ${tab1[$rows]} / ${tab1[$prev]}}")" "$(awk "BEGIN{print $rows / $prev}")" \
            "$(awk "BEGIN{print $rows / $prev}")"
        printf '  pipeline(%s) / pipeline(%s) CPU: %.1f\n' "$rows" "$prev" "$(awk "BEGIN{print ${pipe[$rows]} / ${pipe[$prev]}}")"
    fi
    prev=$rows
done
echo "  targets (issue #17): tab at 1M <= 4x ingest on one core, <= 2.2x with 2 threads; peak <= 3x the weighted dataset"

# R's survey on the same estimates at 10,000 rows (bench/r-tab.R), and tsunagari-tab on the same tables
if [ "${BENCH_R:-1}" = 0 ]; then
    echo "  R: skipped (BENCH_R=0)"
elif ! command -v Rscript > /dev/null || ! Rscript -e 'suppressPackageStartupMessages(library(survey))' > /dev/null 2>&1; then
    echo "  R: not timed (no Rscript with the survey package here)"
else
    rows=10000
    every=${BENCH_R_EVERY:-10}
    raw="$work/raw-$rows.csv"
    [ -s "$raw" ] || "$bin/tsunagari-synth" population --layout saitama --size "$rows" -o "$raw"
    "$bin/tsunagari-ingest" -q --max-reject-rate 100 -c "$data/codebook.csv" -o "$work/in-$rows.tsd" "$raw"
    "$bin/tsunagari-weight" -q --set weighting.method=rake --set weighting.margins=area,age,sex \
        --set margin.area.file="$frame" --set margin.area.vars=area --set margin.age.file="$frame" \
        --set margin.age.vars=age_band --set margin.sex.file="$frame" --set margin.sex.vars=sex \
        -o "$work/w-$rows.tsd" "$work/in-$rows.tsd"
    "$bin/tsunagari-export" -o "$work/w-$rows.csv" "$work/w-$rows.tsd"
    # every code (missing ones flagged) and each variable's kind, from the dataset's own description
    "$bin/tsunagari-export" --describe "$work/w-$rows.tsd" > "$work/describe.txt"
    awk -F'\t' 'BEGIN { print "var,code,missing,label" } /^[^ ]/ { v = $1 }
        /^  [0-9-]/ { c = $1; gsub(/ /, "", c); l = $2; gsub(/"/, "\"\"", l); print v "," c "," ($3 ~ /missing/) ",\"" l "\"" }' \
        "$work/describe.txt" > "$work/codes.csv"
    {
        echo "n,var,by,kind"
        n=0
        for var in lonely ucla_band goout goout_since consult alone mode ucla_score consult_who events; do
            t=$(awk -F'\t' -v v="$var" '$1 == v && NF > 2 { print $2 }' "$work/describe.txt")
            case $t in multi) kind=multi ;; integer | numeric) kind=mean ;; *) kind=single ;; esac
            for by in area age_band sex; do
                n=$((n + 1))
                echo "$n,$var,$by,$kind"
            done
        done
    } > "$work/r-tables.csv"
    # tsunagari-tab on the tables R times, and on all 30
    awk -v e="$every" -v RS= '/\[table\./ { n++; if ((n - 1) % e == 0) print $0 "\n" }' "$manifest" > "$work/r-manifest.ini"
    read -r w c p <<< "$(measure "$bin/tsunagari-tab" -q --jobs 1 -s "$work/r-manifest.ini" -o "$work/tr-$rows.csv" "$work/w-$rows.tsd")"
    tsub=$c
    read -r w c p <<< "$(measure "$bin/tsunagari-tab" -q --jobs 1 -s "$manifest" -o "$work/t1-$rows.csv" "$work/w-$rows.tsd")"
    tall=$c
    line=$(Rscript bench/r-tab.R "$work/w-$rows.csv" "$frame" "$work/codes.csv" "$work/r-tables.csv" "$every" | tail -1)
    chosen=$(echo "$line" | sed 's/.*r_tables=\([^ ]*\).*/\1/')
    rw=$(echo "$line" | sed 's/.*seconds=\([^ ]*\).*/\1/')
    rc=$(echo "$line" | sed 's/.*cpu=\([^ ]*\).*/\1/')
    k=$(echo "$chosen" | tr ',' '\n' | wc -l)
    echo "  R $(Rscript -e 'cat(R.version$major, R.version$minor, sep = ".")') survey $(Rscript -e 'cat(format(packageVersion("survey")))') at $rows rows, tables $chosen of 30 (one run; raked weights as tsunagari's to $(echo "$line" | sed 's/.*weights_max_diff=//')):"
    printf '    R %.2f s CPU (%.2f s wall); tsunagari-tab -j1 on the same %d tables %.3f s CPU: R / tsunagari = %.0f\n' \
        "$rc" "$rw" "$k" "$tsub" "$(awk "BEGIN{print $rc / $tsub}")"
    printf '    all 30 tables: R about %.0f s CPU (scaled by 30/%d), tsunagari-tab %.3f s\n' \
        "$(awk "BEGIN{print $rc * 30 / $k}")" "$k" "$tall"
fi
