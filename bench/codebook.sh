#!/usr/bin/env bash
# bench/codebook.sh BIN — ingest with a generated codebook of 20,000 codes (a municipality-
# and-district variable, say) and 20,000 rows that use each code once. Code lookup was a scan
# of the codes (0.32 s, 5 s under ASan: issue #12); it is a hash now, so this is about as fast
# as a small codebook. Prints the time; never fails on speed.
set -eu
bin=$1
codes=${BENCH_CODES:-20000}
work=${BENCH_DIR:-build/bench}
mkdir -p "$work"
cc -O2 -o "$work/peakrss" bench/peakrss.c
awk -v n="$codes" 'BEGIN {
    print "variable,type,column,label,code,missing"
    print "id,id,ID,回答者ID,,"
    print "place,single,地区,地区コード,,"
    for (k = 1; k <= n; k++) printf ",,,地区%d,%d,\n", k, k * 7 - 3 * n
    print ",,,無回答,-999999,yes"
}' > "$work/codebook-$codes.csv"
awk -v n="$codes" 'BEGIN {
    print "ID,地区"
    for (k = 1; k <= n; k++) printf "%d,%d\n", k, ((k * 7919) % n + 1) * 7 - 3 * n
}' > "$work/raw-codes-$codes.csv"
best=""
for i in 1 2 3; do
    line=$("$work/peakrss" "$bin/tsunagari-ingest" -q -c "$work/codebook-$codes.csv" -o "$work/codes.tsd" \
        "$work/raw-codes-$codes.csv" 2>&1 >/dev/null | tail -1)
    secs=${line#seconds=}; secs=${secs%% *}
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
done
printf 'codebook benchmark: ingest with a %s-code codebook, %s rows each using one code: %.3f s (best of 3)\n' \
    "$codes" "$codes" "$best"
echo "  before the code hash (issue #12): 0.32 s, 5 s under ASan"
