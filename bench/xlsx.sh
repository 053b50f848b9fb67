#!/usr/bin/env bash
# bench/xlsx.sh BUILD — lib/xlsxreader on a generated survey export whose sheet XML is about
# 100 MB (BENCH_XLSX_MB): rows per second and peak memory, which must stay far below the sheet's
# size (the sheet is streamed; the shared strings are one arena). The workbook is written to a
# scratch folder (BENCH_DIR, default BUILD/bench) by bench/genxlsx.py, never committed. Prints
# figures; never fails on speed.
set -eu
build=${1:-build}
mb=${BENCH_XLSX_MB:-100}
work=${BENCH_DIR:-$build/bench}
mkdir -p "$work"
cc -O2 -o "$work/peakrss" bench/peakrss.c
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilib -o "$work/xlsxread" bench/xlsxread.c "$build/libtsunagari.a" \
    $(pkg-config --libs libzip libxml-2.0) -lm
book="$work/bench-$mb.xlsx"
[ -s "$book" ] || python3 bench/genxlsx.py "$book" "$mb" > /dev/null
xml=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("xl/worksheets/sheet1.xml").file_size)' "$book")
sst=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("xl/sharedStrings.xml").file_size)' "$book")
best=""
for i in 1 2 3; do
    out=$("$work/peakrss" "$work/xlsxread" "$book" 2>&1)
    rows=$(printf '%s\n' "$out" | sed -n 's/^rows=\([0-9]*\).*/\1/p')
    line=$(printf '%s\n' "$out" | tail -1)
    secs=${line#seconds=}; secs=${secs%% *}
    peak=${line##*peak_kib=}
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; bestpeak=$peak; fi
done
printf 'xlsx benchmark: %s rows, sheet XML %.1f MB (shared strings %.1f MB, file %.1f MB), best of 3\n' \
    "$rows" "$(awk "BEGIN{print $xml / 1e6}")" "$(awk "BEGIN{print $sst / 1e6}")" "$(awk "BEGIN{print $(stat -c %s "$book") / 1e6}")"
printf '  %.2f s = %.0f rows/s, %.1f MB/s of sheet XML; peak memory %.1f MiB\n' "$best" \
    "$(awk "BEGIN{print $rows / $best}")" "$(awk "BEGIN{print $xml / 1e6 / $best}")" "$(awk "BEGIN{print $bestpeak / 1024}")"
