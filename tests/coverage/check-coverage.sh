#!/usr/bin/env bash
# check-coverage.sh BIN [REPS] — Monte Carlo coverage of the whole pipeline on the Saitama
# design (tests/coverage/README.md).
#
# Draws REPS (default 1000) fresh samples of the saitama-2022 design from the one fixed
# synthetic population (`tsunagari-synth draw saitama-2022`, replicates 1..REPS; replicate
# 0 is the committed demo), runs each through tsunagari-ingest -> tsunagari-weight (the
# demo's survey.ini: base weights, nonresponse adjustment, raking) -> tsunagari-tab (logit
# interval), and counts how often the 95% interval of 孤独感「ある」計 (lonely codes 3..5) for
# the whole population covers the population's true value. Passes when coverage is within
# 93.5..96.5% (95% +- about 2.2 Monte Carlo s.e. at 1,000 replicates). Also reports the
# bias of the estimates and their empirical SD against the mean linearised SE.
#
# BIN is the folder holding the four programs (bin or bin-san). Deterministic: replicate R
# always has the same sample, whatever REPS or the order the two workers run in. Prints
# "ok - NAME" / "not ok - NAME" lines and ends with "N passed, N failed"; appends
# "PASS coverage NAME" / "FAIL coverage NAME" to $RESULTS when set. Exit 1 on a failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
demo=$top/data/saitama-2022
bin=${1:?usage: check-coverage.sh BIN [REPS]}
reps=${2:-1000}
batch=100      # replicates per `draw` call: the population is built once per call
lo_ok=93.5     # acceptance window for the coverage, percent
hi_ok=96.5

results=${RESULTS:-/dev/null}
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; echo "PASS coverage $1" >> "$results"; }
not_ok() {
    local name=$1
    shift
    fail=$((fail + 1))
    echo "not ok - $name"
    [ $# -gt 0 ] && printf '#   %s\n' "$@"
    echo "FAIL coverage $name" >> "$results"
}
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

case $reps in
    '' | *[!0-9]* | 0) echo "check-coverage.sh: REPS must be a whole number >= 1, got '$reps'" >&2
                       exit 64 ;;
esac
for p in synth ingest weight tab; do
    if [ ! -x "$bin/tsunagari-$p" ]; then
        echo "check-coverage.sh: $bin/tsunagari-$p: not found (build with make)" >&2
        exit 66
    fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Run private copies: a rebuild of BIN during the run (make in another shell) would
# otherwise swap programs under half the replicates, or fail them ("text file busy").
mkdir "$tmp/bin"
for p in synth ingest weight tab; do
    cp "$bin/tsunagari-$p" "$tmp/bin/" || exit 66
done
bin=$tmp/bin

# The test's codebook: the demo's, plus the 0/1 indicator as a recode of lonely
# (codebook-extra.csv). The demo codebook itself stays as it is.
cat "$demo/codebook.csv" "$here/codebook-extra.csv" > "$tmp/codebook.csv"

# --- the replicates come from the demo's population and design -------------------------
mkdir "$tmp/r0"
if "$bin/tsunagari-synth" draw saitama-2022 --replicate 0 -o "$tmp/r0" 2> "$tmp/r0.err"; then
    same=yes
    for f in raw.csv codebook.csv frame_area.csv frame_area_age_sex.csv truth.csv; do
        cmp -s "$tmp/r0/$f" "$demo/$f" || same="no ($f differs)"
    done
    if [ "$same" = yes ]; then
        ok "replicate 0 is the committed demo, byte for byte (same population and design)"
    else
        not_ok "replicate 0 is the committed demo, byte for byte (same population and design)" \
            "$same"
    fi
else
    not_ok "tsunagari-synth draw runs" "$(head -3 "$tmp/r0.err")"
    finish
fi

# The truth: the population's count of lonely 3..5 over its size (truth.csv, all 全体).
read -r tnum tden < <(awk -F, '$1 == "lonely_any" && $2 == "all" { print $4, $5 }' \
    "$tmp/r0/truth.csv")
read -r onum oden < <(awk -F, '$1 == "lonely_often" && $2 == "all" { print $4, $5 }' \
    "$tmp/r0/truth.csv")
if [ -z "${tnum:-}" ] || [ -z "${onum:-}" ]; then
    not_ok "truth.csv has lonely_any and lonely_often for 全体"
    finish
fi

# share CSV CODE — "estimate se ci_low ci_high n" of CODE's 全体 row of a tsunagari-tab table
share() {
    awk -F, -v code="$2" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $(col["by_labels"]) == "全体" && $(col["code"]) == code {
            print $(col["estimate"]), $(col["se"]), $(col["ci_low"]), $(col["ci_high"]),
                  $(col["n"]); found = 1; exit }
        END { exit !found }' "$1"
}

# one R DIR — ingest, weight, tabulate replicate R (files in DIR); print its result line:
# R est se lo hi n  est5 se5 lo5 hi5  merged   (share of 3..5, then of code 5 alone; merged
# 1 when the manifest's [nonresponse] collapse merged 16～19歳 into 20～29歳)
one() {
    local r=$1 d=$2 a b merged=0
    cp "$demo/survey.ini" "$d/survey.ini"   # frames resolve next to the manifest
    "$bin/tsunagari-ingest" -q -c "$tmp/codebook.csv" -o "$d/data.tsd" "$d/raw.csv" \
        2> "$d/err" || { echo "$r FAIL ingest: $(head -1 "$d/err")"; return; }
    # The manifest merges 16～19歳 into 20～29歳 for the nonresponse step when a replicate has an
    # area where none of the 7-8 drawn at that age answers ([nonresponse] collapse).
    "$bin/tsunagari-weight" -q -s "$d/survey.ini" --report "$d/report.txt" -o "$d/weighted.tsd" \
        "$d/data.tsd" 2> "$d/err" || { echo "$r FAIL weight: $(head -1 "$d/err")"; return; }
    grep -q '^Collapsed for the nonresponse classes' "$d/report.txt" && merged=1
    "$bin/tsunagari-tab" -q --var lonely_any --ci logit --level 0.95 -o "$d/any.csv" \
        "$d/weighted.tsd" 2> "$d/err" || { echo "$r FAIL tab: $(head -1 "$d/err")"; return; }
    "$bin/tsunagari-tab" -q --var lonely --ci logit --level 0.95 -o "$d/lonely.csv" \
        "$d/weighted.tsd" 2> "$d/err" || { echo "$r FAIL tab: $(head -1 "$d/err")"; return; }
    a=$(share "$d/any.csv" 1) || { echo "$r FAIL tab: no 全体 row for lonely_any"; return; }
    b=$(share "$d/lonely.csv" 5) || { echo "$r FAIL tab: no 全体 row for lonely 5"; return; }
    set -- $b
    echo "$r $a $1 $2 $3 $4 $merged"
}

# worker FIRST LAST OUT — replicates FIRST..LAST in batches, one result line each into OUT
worker() {
    local first=$1 last=$2 out=$3 w=$tmp/w$1 b e r
    mkdir "$w"
    for ((b = first; b <= last; b += batch)); do
        e=$((b + batch - 1 < last ? b + batch - 1 : last))
        if ! "$bin/tsunagari-synth" draw saitama-2022 --replicate "$b" --count $((e - b + 1)) \
            -o "$w" 2> "$w/err"; then
            for ((r = b; r <= e; r++)); do echo "$r FAIL draw: $(head -1 "$w/err")"; done
            continue
        fi
        for ((r = b; r <= e; r++)); do
            one "$r" "$w/$r"
            rm -rf "${w:?}/$r"
        done >> "$out"
        echo "#   replicates $b-$e done"
    done
}

echo "# $reps replicates of the saitama-2022 design; truth 孤独感「ある」計 = $tnum/$tden"
half=$(((reps + 1) / 2))
worker 1 "$half" "$tmp/res1" &
pid1=$!
if [ "$reps" -gt "$half" ]; then
    worker $((half + 1)) "$reps" "$tmp/res2"
fi
wait "$pid1"
cat "$tmp"/res* 2> /dev/null | sort -n > "$tmp/results"

nfail=$(grep -c FAIL "$tmp/results")
ndone=$(grep -vc FAIL "$tmp/results")
if [ "$nfail" -eq 0 ] && [ "$ndone" -eq "$reps" ]; then
    ok "all $reps replicates ingested, weighted and tabulated"
else
    not_ok "all $reps replicates ingested, weighted and tabulated" \
        "$ndone done, $nfail failed" "$(grep FAIL "$tmp/results" | head -3)"
fi
if [ "$ndone" -eq 0 ]; then
    finish
fi

# summary COL_EST TRUTH_NUM TRUTH_DEN NAME [MERGED] — coverage, bias, SD vs SE of one
# indicator over the replicates (only those with merged = MERGED when given); "#" lines,
# then the coverage in percent alone on the last line
summary() {
    grep -v FAIL "$tmp/results" | awk -v c="$1" -v tn="$2" -v td="$3" -v name="$4" -v sel="${5:-}" '
        BEGIN { t = tn / td }
        sel != "" && $11 != sel { next }
        { est = $c; se = $(c + 1); lo = $(c + 2); hi = $(c + 3)
          R++; s += est; s2 += est * est; sse += se; sse2 += se * se
          if (lo <= t && t <= hi) cov++; else if (hi < t) below++; else above++ }
        END {
            if (R == 0) { print "#   " name ": no replicate"; print "0"; exit }
            m = s / R; sd = R > 1 ? sqrt((s2 - s * s / R) / (R - 1)) : 0
            mse = sse / R; rmsse = sqrt(sse2 / R); p = cov / R
            printf "#   %s: truth %.3f%% (%d/%d)\n", name, 100 * t, tn, td
            printf "#   coverage %.1f%% (%d of %d; Monte Carlo s.e. %.1f); interval below the truth %d, above %d\n",
                100 * p, cov, R, 100 * sqrt(p * (1 - p) / R), below + 0, above + 0
            printf "#   mean estimate %.3f%% vs truth %.3f%%: bias %+.3f points (Monte Carlo s.e. %.3f)\n",
                100 * m, 100 * t, 100 * (m - t), 100 * sd / sqrt(R)
            printf "#   SD of estimates %.3f points vs mean SE %.3f (root mean square %.3f): ratio SE/SD %.3f (+- %.3f)\n",
                100 * sd, 100 * mse, 100 * rmsse, (sd > 0 ? mse / sd : 0),
                (sd > 0 ? mse / sd / sqrt(2 * (R - 1)) : 0)
            printf "%.2f\n", 100 * p
        }'
}

nmerged=$(grep -v FAIL "$tmp/results" | awk '$11 == 1' | wc -l)
echo "# $nmerged of $ndone replicates had a nonresponse class (area x age_band) with nobody"
echo "# answering and were weighted with 16～19歳 merged into 20～29歳 in that step"
out=$(summary 2 "$tnum" "$tden" "孤独感「ある」計 (lonely 3..5), 全体")
printf '%s\n' "$out" | grep '^#'
cov=$(printf '%s\n' "$out" | tail -1)
if awk -v c="$cov" -v lo="$lo_ok" -v hi="$hi_ok" 'BEGIN { exit !(c >= lo && c <= hi) }'; then
    ok "coverage of the 95% logit interval for 孤独感「ある」計: $cov% within $lo_ok-$hi_ok%"
else
    not_ok "coverage of the 95% logit interval for 孤独感「ある」計: $cov% within $lo_ok-$hi_ok%"
fi
# for information only: the same split by how the replicate was weighted, and the rarer
# answer しばしばある・常にある (code 5) from the same runs
echo "# for information (not checked):"
summary 2 "$tnum" "$tden" "孤独感「ある」計, replicates weighted with the manifest as it is" 0 |
    grep '^#'
summary 2 "$tnum" "$tden" "孤独感「ある」計, replicates with 16～19歳 merged" 1 | grep '^#'
summary 7 "$onum" "$oden" "しばしばある・常にある (lonely 5), 全体" | grep '^#'
[ "$reps" -ne 1000 ] && echo "# note: the $lo_ok-$hi_ok% window is meant for 1,000 replicates"
finish
