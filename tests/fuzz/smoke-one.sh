#!/usr/bin/env bash
# smoke-one.sh TARGET RUNS — one libFuzzer target's short run for make fuzz-smoke: RUNS runs
# (at most 120 s) from a scratch copy of its seed corpus tests/fuzz/corpus/NAME/ (the committed
# corpus is never changed), with its dictionary tests/fuzz/NAME.dict when there is one. Prints
# "ok - fuzz TARGET: Done N runs", or "not ok" and the end of libFuzzer's log; exit 1 on any
# crash, leak or sanitizer report. Run from the repository's top folder.
set -u
target=$1 runs=$2
name=$(basename "$target")
short=${name#fuzz_}
work=$(mktemp -d)
trap 'rm -rf "$work" "$work.log"' EXIT
cp tests/fuzz/corpus/"$short"/* "$work"/ 2>/dev/null
dict=()
[ -f "tests/fuzz/$short.dict" ] && dict=(-dict="tests/fuzz/$short.dict")
if "$target" -runs="$runs" -max_total_time=120 "${dict[@]}" -artifact_prefix="$work/" "$work" \
        > "$work.log" 2>&1; then
    echo "ok - fuzz $name: $(grep -o 'Done [0-9]* runs' "$work.log" | tail -1)"
else
    echo "not ok - fuzz $name"
    tail -30 "$work.log" | sed 's/^/#   /'
    exit 1
fi
