#!/usr/bin/env bash
# check-demo-data.sh SYNTH — the demo surveys are reproducible and shaped as documented.
#
# Regenerates both demos into a temporary folder and compares every file with the committed
# one (data/<survey>/), then checks encodings, line ends, sizes and the generator's CLI
# contract (help, usage errors, an output that cannot be created, determinism of
# `population`). Run from the top of the repository.
set -u
. "$(dirname "$0")/lib.sh"
synth=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for s in yamagata-2022 saitama-2022; do
    mkdir -p "$tmp/$s"
    if ! "$synth" demo "$s" -o "$tmp/$s" 2> "$tmp/$s.err"; then
        not_ok "demo $s runs" "$(cat "$tmp/$s.err")"
        continue
    fi
    ok "demo $s runs"
    for f in "$tmp/$s"/*; do
        name=$(basename "$f")
        check "demo $s: $name matches the committed file" cmp -s "$f" "data/$s/$name"
    done
    for f in data/$s/*.csv; do
        name=$(basename "$f")
        check "demo $s: committed $name is generated" test -f "$tmp/$s/$name"
    done
    check "demo $s: no temporary files left" \
        bash -c "! ls '$tmp/$s' | grep -q '\\.tmp'"
done

y=data/yamagata-2022/raw.csv
s=data/saitama-2022/raw.csv
check "yamagata raw is valid CP932" bash -c "iconv -f CP932 -t UTF-8 '$y' > /dev/null"
check "yamagata raw is not UTF-8" bash -c "! iconv -f UTF-8 -t UTF-8 '$y' > /dev/null 2>&1"
check "yamagata raw: header + 2,583 records end in CRLF" \
    bash -c "[ \$(grep -c \$'\\r\$' '$y') -eq 2584 ]"
check "yamagata raw header starts 回答ID" \
    bash -c "head -1 '$y' | iconv -f CP932 -t UTF-8 | grep -q '^回答ID,回答日時,'"
check "saitama raw is valid UTF-8" bash -c "iconv -f UTF-8 -t UTF-8 '$s' > /dev/null"
check "saitama raw has LF line ends" bash -c "! grep -q \$'\\r' '$s'"
check "saitama raw has about half of 1,500 respondents" \
    bash -c "n=\$(grep -c '^[0-9][0-9]*,[12],1[0-9][0-9][0-9][0-9],' '$s'); [ \$n -ge 650 ] && [ \$n -le 850 ]"
check "saitama raw keys 無回答 as 9" bash -c "grep -q ',9,' '$s'"
check "saitama raw has multiple answers as lists" bash -c "grep -q ',1;2' '$s'"
check "committed demo files stay small (< 400 KB each)" \
    bash -c "! find data/yamagata-2022 data/saitama-2022 -type f -size +400k | grep -q ."
check "every demo README says SYNTHETIC" \
    bash -c "grep -q SYNTHETIC data/yamagata-2022/README.md && grep -q SYNTHETIC data/saitama-2022/README.md"
check "every generated non-raw file starts with a SYNTHETIC or ILLUSTRATIVE comment" \
    bash -c "for f in data/*/codebook.csv data/*/truth.csv data/*/margins_*.csv data/*/frame_*.csv data/*/planted.csv; do head -5 \"\$f\" | grep -q -e SYNTHETIC -e ILLUSTRATIVE || exit 1; done"

# manifests: INI that inih reads (no " ;" inside a value: inih takes it for a comment), and
# every file they name exists relative to the manifest
for m in data/yamagata-2022/survey.ini data/saitama-2022/survey.ini; do
    dir=$(dirname "$m")
    check "$m: no inline ';' in values" bash -c "! grep -E '^[^;].*[[:space:]];' '$m'"
    check "$m: has [survey] [input] [design] [weighting] [privacy] [report]" \
        bash -c "for s in survey input design weighting privacy report; do grep -q \"^\\[\$s\\]\" '$m' || exit 1; done"
    missing=$(awk -F' *= *' '/^(raw|codebook|file|frame|reference|expected_rejects) *=/ { print $2 }' "$m" |
        while read -r f; do [ -f "$dir/$f" ] || echo "$f"; done)
    check "$m: every file it names exists" test -z "$missing"
    tables=$(grep -o '^\[table\.[a-z_]*\]' "$m" | sed 's/^\[table\.//; s/\]$//')
    badref=$(awk -F' *= *' '/^table *=/ { print $2 }' "$m" |
        while read -r t; do printf '%s\n' "$tables" | grep -qx "$t" || echo "$t"; done)
    check "$m: every chart names a table that exists" test -z "$badref"
done

# the CLI contract
check "--help exits 0 and names every command" \
    bash -c "'$synth' --help | grep -q simulate-saitama"
"$synth" > /dev/null 2>&1; rc=$?
check "no command: usage error 64" test "$rc" -eq 64
"$synth" demo nowhere-2099 -o "$tmp" > /dev/null 2>&1; rc=$?
check "unknown demo: usage error 64" test "$rc" -eq 64
"$synth" population --layout saitama --size 0 -o "$tmp/x.csv" > /dev/null 2>&1; rc=$?
check "--size 0: usage error 64" test "$rc" -eq 64
"$synth" demo saitama-2022 -o "$tmp/no/such/dir" > /dev/null 2>&1; rc=$?
check "output folder missing: exit 73" test "$rc" -eq 73

# population: seeded, deterministic, any size, truth over what was written
for i in 1 2; do
    "$synth" population --layout yamagata --size 3000 --seed 7 -o "$tmp/p$i.csv" \
        --truth "$tmp/t$i.csv" 2> /dev/null
done
check "population: same seed, same bytes" cmp -s "$tmp/p1.csv" "$tmp/p2.csv"
check "population: truth file written" cmp -s "$tmp/t1.csv" "$tmp/t2.csv"
check "population: 3000 records" \
    bash -c "grep -c '^[0-9][0-9]*,2022/' '$tmp/p1.csv' | grep -qx 3000"
"$synth" population --layout yamagata --size 3000 --seed 8 -o "$tmp/p3.csv" 2> /dev/null
check "population: another seed, other bytes" bash -c "! cmp -s '$tmp/p1.csv' '$tmp/p3.csv'"
check "population: truth denominator is the size" \
    bash -c "grep -q '^lonely_any,all,全体,[0-9]*,3000,' '$tmp/t1.csv'"

finish
