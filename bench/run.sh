#!/usr/bin/env bash
# bench/run.sh BIN — ingest throughput and peak memory on a generated 1,000,000-row,
# 40-column survey export: UTF-8, CP932 and gzip. Prints figures; never fails on speed
# (machines here are shared and noisy): targets are stated next to the figures.
set -eu
bin=$1
rows=${BENCH_ROWS:-1000000}
work=${BENCH_DIR:-build/bench}
mkdir -p "$work"
cc -O2 -o "$work/genraw" bench/genraw.c
cc -O2 -o "$work/peakrss" bench/peakrss.c
if [ ! -s "$work/raw-$rows.csv" ]; then
    "$work/genraw" "$rows" "$work/raw-$rows.csv" "$work/codebook.csv"
    iconv -f UTF-8 -t CP932 "$work/raw-$rows.csv" > "$work/raw-$rows-cp932.csv"
    gzip -n -c "$work/raw-$rows.csv" > "$work/raw-$rows.csv.gz"
fi
echo "ingest benchmark: $rows rows × 40 columns (synthetic), best of 3 runs"
for kind in utf8 cp932 gzip; do
    case $kind in
        utf8) in="$work/raw-$rows.csv" ;;
        cp932) in="$work/raw-$rows-cp932.csv" ;;
        gzip) in="$work/raw-$rows.csv.gz" ;;
    esac
    best=""
    for i in 1 2 3; do
        line=$("$work/peakrss" "$bin/tsunagari-ingest" -q -c "$work/codebook.csv" -o "$work/out.tsd" "$in" 2>&1 >/dev/null | tail -1)
        secs=${line#seconds=}; secs=${secs%% *}
        peak=${line##*peak_kib=}
        if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestpeak=$peak; fi
    done
    # MB/s over the uncompressed UTF-8 text, the same bytes for all three.
    mb=$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$work/raw-$rows.csv") / 1e6}")
    ds=$(stat -c %s "$work/out.tsd")
    printf '  %-6s %8s MB in %6.2f s = %7.1f MB/s   peak memory %7.1f MiB (dataset file %6.1f MiB)\n' \
        "$kind" "$mb" "$best" "$(awk "BEGIN{print $mb / $best}")" "$(awk "BEGIN{print $bestpeak / 1024}")" \
        "$(awk "BEGIN{print $ds / 1048576}")"
done
base=$("$work/peakrss" "$bin/tsunagari-ingest" -q -c tests/fixtures/basic/codebook.csv -o "$work/tiny.tsd" tests/fixtures/basic/raw.csv 2>&1 >/dev/null | tail -1)
base=${base##*peak_kib=}
printf '  program alone (4-row input): %.1f MiB; beyond that ingest keeps the dataset plus 4 bytes a row\n' "$(awk "BEGIN{print $base / 1024}")"
printf '  (the raw line of each row, to name the first of two duplicate ids) and fixed-size buffers\n'
echo "  target: at least 150 MB/s for UTF-8 on one core; peak memory the dataset's size plus a constant"
