#!/usr/bin/env bash
# bench/weight.sh BIN — raking benchmark: 1,000,000 synthetic respondents (the Saitama demo's
# layout) raked to three margins (area, age band, sex) from the demo frame, to R's tight
# convergence test (1e-10). Prints the time of the weighting step alone and its peak memory.
set -eu
bin=$1
rows=${BENCH_ROWS:-1000000}
work=${BENCH_DIR:-build/bench}
mkdir -p "$work"
cc -O2 -o "$work/peakrss" bench/peakrss.c
if [ ! -s "$work/saitama-$rows.tsd" ]; then
    "$bin/tsunagari-synth" population --layout saitama --size "$rows" -o "$work/saitama-$rows.csv"
    "$bin/tsunagari-ingest" -q --max-reject-rate 100 -c data/saitama-2022/codebook.csv \
        -o "$work/saitama-$rows.tsd" "$work/saitama-$rows.csv"
fi
frame=$(pwd)/data/saitama-2022/frame_area_age_sex.csv
best=""
for i in 1 2 3; do
    line=$("$work/peakrss" "$bin/tsunagari-weight" -q \
        --set weighting.method=rake --set weighting.margins=area,age,sex --set weighting.tolerance=1e-10 \
        --set margin.area.file="$frame" --set margin.area.vars=area \
        --set margin.age.file="$frame" --set margin.age.vars=age_band \
        --set margin.sex.file="$frame" --set margin.sex.vars=sex \
        -o "$work/weighted.tsd" "$work/saitama-$rows.tsd" 2>&1 >/dev/null | tail -1)
    secs=${line#seconds=}; secs=${secs%% *}; peak=${line##*peak_kib=}
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestpeak=$peak; fi
done
printf 'weight benchmark: rake %s respondents to 3 margins (area, age band, sex), tolerance 1e-10\n' "$rows"
printf '  %.2f s for the whole run (read dataset, rake, write dataset), best of 3; peak memory %.1f MiB\n' \
    "$best" "$(awk "BEGIN{print $bestpeak / 1024}")"
echo "  target: well under a second"
