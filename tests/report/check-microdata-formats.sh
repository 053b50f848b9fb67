#!/usr/bin/env bash
# check-microdata-formats.sh BIN — [report] microdata_formats (issue #14): with
# --with-microdata the respondent-level answers go to restricted/ in the formats listed —
# answers-labelled.csv (csv, the default), answers.sav, answers.dta — each 0600, with its
# command and SHA-256 in reproducibility.txt, the survey's title as the .dta's file label, and
# the same values and weights as the weighted dataset's CSV export (read back with R's haven);
# a rerun gives the same bytes; without --with-microdata none is written; a format not in the
# list is refused before any stage runs. Prints ok / not ok lines and "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

mkdir -p "$T/data" && cp -R data/saitama-2022 data/reference "$T/data/"
M=$T/data/saitama-2022/survey.ini
sed -i '/^\[report\]/a microdata_formats = csv, sav, dta' "$M"
check "the copied manifest asks for csv, sav and dta" grep -qx 'microdata_formats = csv, sav, dta' "$M"

check "csv, sav, dta: the report runs" sh -c "'$BIN/tsunagari-report' --with-microdata '$M' -o '$T/a' 2> '$T/a.err'"
R=$T/a/restricted
for f in answers-labelled.csv answers.sav answers.dta; do
    check "restricted/$f written, mode 0600" test -s "$R/$f" -a "$(stat -c %a "$R/$f" 2>/dev/null)" = 600
    check "reproducibility.txt lists restricted/$f with its SHA-256" \
        grep -q "^  output  *$(sha256sum "$R/$f" | cut -c1-64)  restricted/$f$" "$T/a/reproducibility.txt"
done
check "reproducibility.txt gives the .sav's command" \
    grep -q "^  tsunagari-export --format sav -o restricted/answers.sav restricted/weighted.tsd --file-label '埼玉県" "$T/a/reproducibility.txt"
check "the summary names answers.sav and answers.dta" grep -q "answers-labelled.csv, answers.sav, answers.dta; mode 0700" "$T/a.err"
check "the README of restricted/ says what answers.sav and .dta are" grep -q '^  answers.sav, .dta ' "$R/README.txt"

"$BIN/tsunagari-export" --raw-csv -o "$T/answers.csv" "$R/weighted.tsd"
cat > "$T/read.R" <<'RS'
suppressPackageStartupMessages(library(haven))
a <- commandArgs(trailingOnly = TRUE)
csv <- read.csv(a[1], check.names = FALSE)
s <- read_sav(a[2], user_na = TRUE)
d <- read_dta(a[3])
stopifnot(nrow(s) == nrow(csv), nrow(d) == nrow(csv),
          identical(as.numeric(s$weight), as.numeric(csv$weight)),      # to the last bit
          identical(as.numeric(d$weight), as.numeric(csv$weight)),
          identical(as.numeric(d$design_weight), as.numeric(csv$design_weight)),
          identical(as.numeric(s$id), as.numeric(csv$id)),
          identical(attr(d, "label"), "埼玉県人々のつながりに関する基礎調査 2022（合成データ）"),
          identical(attr(s$lonely, "label"), "孤独感(直接質問): あなたはどの程度、孤独であると感じることがありますか"),
          identical(as.numeric(attr(s$lonely, "na_values")), 9),
          identical(attr(d$consult_who_2, "label"), "相談相手(複数回答): 友人・知人"))
RS
check "answers.sav and answers.dta read back by haven: the weights and ids of the dataset, labels" \
    Rscript "$T/read.R" "$T/answers.csv" "$R/answers.sav" "$R/answers.dta"

cp -R "$T/a" "$T/a1"
check "a rerun: the report runs again" "$BIN/tsunagari-report" -q --with-microdata "$M" -o "$T/a"
check "a rerun gives the same bytes, restricted/ included" diff -r "$T/a1" "$T/a"

check "without --with-microdata: the report runs" "$BIN/tsunagari-report" -q "$M" -o "$T/c"
check "without --with-microdata: no answers file anywhere" \
    test -z "$(find "$T/c" \( -name 'answers*' -o -name restricted \) -print)"

sed -i 's/^microdata_formats = .*/microdata_formats = sav/' "$M"
check "sav only: the report runs" "$BIN/tsunagari-report" -q --with-microdata "$M" -o "$T/d"
check "sav only: restricted/answers.sav and no other answers file" \
    test "$(cd "$T/d/restricted" && ls answers*)" = answers.sav
check "sav only: the same answers.sav as with csv, sav, dta" cmp -s "$T/a/restricted/answers.sav" "$T/d/restricted/answers.sav"

sed -i 's/^microdata_formats = .*/microdata_formats = csv, xlsx/' "$M"
"$BIN/tsunagari-report" -q --with-microdata "$M" -o "$T/e" 2> "$T/e.err"
rc=$?
check "an unknown format is refused before any stage (exit $rc)" test $rc -ne 0 -a ! -e "$T/e"
check "... naming the key and the values it takes" \
    grep -q 'microdata_formats.*csv, sav or dta (or a comma-separated list of them)' "$T/e.err"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
