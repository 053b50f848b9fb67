#!/usr/bin/env bash
# bench/tab.sh BIN — estimation benchmark: 30 tables (each with linearised SEs, CIs and, where
# there is a domain, the Rao–Scott test) on 1,000,000 synthetic respondents raked to three
# margins (the dataset bench/weight.sh makes). Prints the time; R's survey took 46 s on this
# machine for rake + one svyby + one svychisq on 100,000 rows (issue #5).
set -eu
bin=$1
rows=${BENCH_ROWS:-1000000}
work=${BENCH_DIR:-build/bench}
[ -s "$work/weighted.tsd" ] || BENCH_ROWS=$rows bench/weight.sh "$bin" > /dev/null
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
} > "$manifest"
cc -O2 -o "$work/peakrss" bench/peakrss.c
line=$("$work/peakrss" "$bin/tsunagari-tab" -q -s "$manifest" -o "$work/tables.csv" "$work/weighted.tsd" 2>&1 >/dev/null | tail -1)
secs=${line#seconds=}; secs=${secs%% *}; peak=${line##*peak_kib=}
printf 'tab benchmark: 30 tables (shares/means with SEs, CIs, deff; Rao-Scott where there is a domain)\n'
printf '  on %s raked respondents: %.1f s, peak memory %.0f MiB, %s rows of estimates\n' "$rows" "$secs" \
    "$(awk "BEGIN{print $peak / 1024}")" "$(($(wc -l < "$work/tables.csv") - 1))"
echo "  R survey 4.1 on this machine (issue #5): 46 s for rake + one svyby + one svychisq on 100,000 rows"
