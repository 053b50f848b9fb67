#!/usr/bin/env bash
# run-c.sh BIN [SCENARIOS] — tsunagari-ingest, tsunagari-weight and tsunagari-model on every model
# oracle scenario (each folder with a scenario.ini) and each number compared with what R's
# survey package gave (expected.csv, make-expected.R): coefficients, df, n and odds ratios 1e-8
# relative; standard errors and what rests on them (t, p, intervals, Wald statistics) 1e-6;
# an absolute floor of 1e-10 (p-values of 1e-169). Every expected row must be there and no
# other coefficient or test row. Prints ok / not ok per model and "N passed, N failed".
set -u
bin=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "${2:-$here}" && pwd)
results=${RESULTS:-/dev/null}
pass=0 fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ini_get() { # ini_get FILE SECTION KEY
    awk -v want="$2" -v key="$3" '
        /^[ \t]*[;#]/ { next }
        /^\[/ { sec = $0; sub(/^\[/, "", sec); sub(/\].*/, "", sec); next }
        sec == want { i = index($0, "="); if (!i) next; k = substr($0, 1, i - 1); gsub(/[ \t]/, "", k)
                      if (k == key) { v = substr($0, i + 1); sub(/[ \t];.*$/, "", v); gsub(/^[ \t]+|[ \t]+$/, "", v); print v } }' "$1"
}
for dir in "$root"/*/; do
    sc=$dir/scenario.ini
    [ -f "$sc" ] || continue
    name=$(basename "$dir")
    data=$dir/$(ini_get "$sc" oracle data)
    case $data in *.gz) gzip -dc "$data" ;; *) cat "$data" ;; esac | grep -v '^#' > "$work/data.csv"
    wline=$(ini_get "$sc" oracle weight)
    read -r -a wargs <<< "${wline//@DIR@/${dir%/}}"   # @DIR@: the scenario's folder (margin files)
    if ! "$bin/tsunagari-ingest" -q --max-reject-rate 0 -c "$dir/$(ini_get "$sc" oracle codebook)" -o "$work/in.tsd" \
            "$work/data.csv" 2> "$work/err" ||
       ! "$bin/tsunagari-weight" -q --set weighting.missing=drop "${wargs[@]}" -o "$work/w.tsd" "$work/in.tsd" 2> "$work/err" ||
       ! "$bin/tsunagari-model" -q -s "$sc" -o "$work/m.csv" "$work/w.tsd" 2> "$work/err"; then
        fail=$((fail + 1)); echo "not ok - model oracle $name: $(cat "$work/err")"
        echo "FAIL oracle-model $name" >> "$results"; continue
    fi
    for model in $(grep -o '^\[model\.[^]]*\]' "$sc" | sed 's/^\[model\.//; s/\]$//'); do
        problems=$(awk -F, -v model="$model" '
            function same(w, g, tol,   d, a) {
                if (w == "" || w == "NaN" || w == "NA") return g == ""
                if (g == "") return 0
                d = g - w; if (d < 0) d = -d; a = w < 0 ? -w : w
                return d <= tol * a || d <= 1e-10
            }
            FNR == NR { if (FNR > 1 && $1 == model && $3 != "reference") { got[$1 "|" $3 "|" $4 "|" $5] = $0; ngot++ }; next }
            FNR == 1 || $1 != model { next }
            {
                key = $1 "|" $2 "|" $3 "|" $4; rows++
                if (!(key in got)) { if (bad < 3) printf "no row %s %s %s; ", $2, $3, $4; bad++; next }
                split(got[key], g, ",")
                n = split("5:7:e 6:8:s 7:9:s 8:10:e 9:11:e 10:12:s 11:13:s 12:14:s 13:15:e 14:16:s 15:17:s 16:19:e", spec, " ")
                for (k = 1; k <= n; k++) {
                    split(spec[k], p, ":")
                    if (!same($(p[1]), g[p[2]], p[3] == "s" ? 1e-6 : 1e-8)) {
                        if (bad < 3) printf "%s %s %s column %d: R %s, tsunagari %s; ", $2, $3, $4, p[1], $(p[1]), g[p[2]]
                        bad++
                    }
                }
            }
            END { if (!rows) print "no expected rows"; else if (bad) printf "%d differences", bad
                  else if (ngot != rows) printf "%d rows, R has %d", ngot, rows }
        ' "$work/m.csv" "$dir/expected.csv")
        if [ -z "$problems" ]; then
            pass=$((pass + 1)); echo "ok - model oracle $name/$model"; echo "PASS oracle-model $name/$model" >> "$results"
        else
            fail=$((fail + 1)); echo "not ok - model oracle $name/$model"; echo "#   $problems"
            echo "FAIL oracle-model $name/$model" >> "$results"
        fi
    done
done
echo "model oracle: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
