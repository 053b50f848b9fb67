#!/usr/bin/env bash
# check-ingest-demo.sh INGEST — the committed demo raw files ingest cleanly: Yamagata with
# exactly the records listed in data/yamagata-2022/planted.csv rejected or warned about,
# Saitama with no problem at all. Run from the top of the repository.
set -u
. "$(dirname "$0")/lib.sh"
ingest=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- Yamagata: CP932 web export with three planted dirty records ---
d=data/yamagata-2022
"$ingest" -c $d/codebook.csv -o "$tmp/y.tsd" --rejects "$tmp/y.rej.csv" --encoding auto \
    $d/raw.csv > "$tmp/y.out" 2>&1
rc=$?
check "yamagata ingests (exit 0)" test "$rc" -eq 0
check "yamagata: 2583 rows read, 2581 accepted, 2 rejected" \
    grep -q '(cp932): 2583 rows read, 2581 accepted, 2 rejected' "$tmp/y.out"
check "yamagata: 1 item warning" grep -q 'item warnings: 1 ' "$tmp/y.out"
# line,severity pairs: planted vs reported
awk -F, '!/^#/ && NR > 1 && $1 ~ /^[0-9]+$/ {
            print $1 "," ($4 ~ /^reject/ ? "rejected" : "warning") }' $d/planted.csv |
    sort > "$tmp/want"
sed '1s/^\xEF\xBB\xBF//' "$tmp/y.rej.csv" |
    awk -F, 'NR > 1 && $1 ~ /^[0-9]+$/ { print $1 "," $5 }' | sort > "$tmp/got"
if cmp -s "$tmp/want" "$tmp/got"; then
    ok "yamagata: rejects file lists exactly the planted lines"
else
    not_ok "yamagata: rejects file lists exactly the planted lines" \
        "planted: $(tr '\n' ' ' < "$tmp/want")" "reported: $(tr '\n' ' ' < "$tmp/got")"
fi

# --- Saitama: UTF-8 mail/web file, 9 = 無回答: no problem at all ---
d=data/saitama-2022
n=$(grep -c '^[0-9][0-9]*,[12],1[0-9][0-9][0-9][0-9],' $d/raw.csv)  # records, not lines: comments may hold line breaks
"$ingest" -c $d/codebook.csv -o "$tmp/s.tsd" --rejects "$tmp/s.rej.csv" $d/raw.csv \
    > "$tmp/s.out" 2>&1
rc=$?
check "saitama ingests (exit 0)" test "$rc" -eq 0
check "saitama: $n rows read, $n accepted, 0 rejected" \
    grep -q "(utf-8): $n rows read, $n accepted, 0 rejected" "$tmp/s.out"
check "saitama: no item warnings" grep -q 'item warnings: 0' "$tmp/s.out"

[ "$fail" -eq 0 ] || sed 's/^/#   /' "$tmp/y.out" "$tmp/s.out"
finish
