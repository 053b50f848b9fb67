#!/usr/bin/env bash
# check-progress.sh BIN — the report's progress bar follows every raw file (issue #13): with
# [input] raw = three files, the ingest bar counts the bytes of all three, so it moves past the
# first file's share and ends at 100% once. A terminal is needed for the bar: `script` gives
# one. Ingest is a wrapper here that reads each raw file slowly (half, a pause, the rest) before
# running the real tsunagari-ingest, so the bar has time to be drawn on any machine. Prints ok /
# not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

if ! command -v script > /dev/null; then
    echo "ok - skipped: no script(1) to give the report a terminal"
    echo "1 passed, 0 failed"
    exit 0
fi
# The report runs the stages from its own folder: a copy of it, beside the real stages and
# the slow ingest.
mkdir "$T/bin"
cp "$BIN/tsunagari-report" "$T/bin/"
for p in tsunagari-weight tsunagari-tab tsunagari-plot tsunagari-export; do ln -s "$BIN/$p" "$T/bin/$p"; done
cat > "$T/bin/tsunagari-ingest" <<SH
#!/usr/bin/env bash
# slow reader: every argument that is a raw file (.csv) is opened and read in two halves
for a in "\$@"; do
    case \$a in *.csv) [ -f "\$a" ] || continue ;; *) continue ;; esac
    case \$a in */codebook.csv|codebook.csv) continue ;; esac
    size=\$(stat -c %s "\$a")
    exec 3< "\$a"
    sleep 0.5
    head -c \$((size / 2)) <&3 > /dev/null
    sleep 0.5
    cat <&3 > /dev/null
    exec 3<&-
done
exec "$BIN/tsunagari-ingest" "\$@"
SH
chmod +x "$T/bin/tsunagari-ingest"
cp -R tests/fixtures/school-census "$T/sc"
script -qec "'$T/bin/tsunagari-report' '$T/sc/survey.ini' -o '$T/out'" "$T/typescript" > /dev/null 2>&1
rc=$?
check "the report runs under a terminal" test "$rc" = 0
# the bar's percentages in the order drawn ("  ingest [####......]  40%")
tr '\r' '\n' < "$T/typescript" | sed -n 's/^  ingest \[[#.]*\] *\([0-9]*\)%.*/\1/p' > "$T/pct"
check "the ingest bar is drawn" test -s "$T/pct"
first=$(( $(stat -c %s "$T/sc/小学生.csv") * 100 / ( $(stat -c %s "$T/sc/小学生.csv") + $(stat -c %s "$T/sc/中学生.csv") + $(stat -c %s "$T/sc/高校生.csv") ) ))
check "the bar goes past the first file's share ($first%) before the end" \
    sh -c "grep -v '^100\$' '$T/pct' | awk -v f=$first '\$1 > f + 1 { ok = 1 } END { exit !ok }'"
# one step at least per half file read (0, then each file's halves): a bar of the first file
# alone would show 0 and 50% only
check "the bar steps through all three files (at least 5 distinct values below 100%)" \
    test "$(grep -v '^100$' "$T/pct" | sort -u | wc -l)" -ge 5
check "the bar never goes back" awk 'NR > 1 && $1 < last { bad = 1 } { last = $1 } END { exit bad }' "$T/pct"
check "the bar ends at 100% once" test "$(grep -c '^100$' "$T/pct")" = 1
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
