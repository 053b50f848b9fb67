#!/bin/sh
# check-plots.sh BIN — tests of tsunagari-plot (BIN: the folder holding it, or the program).
# Renders each chart type from the hand-made tables of fixtures/ and checks what does not
# depend on the font rasteriser's exact pixels: image size against mm × dpi, bar geometry
# sampled at known rows (geometry.py), a CJK font embedded in the PDF (pdffonts), well-formed
# SVG (xmllint), identical bytes from two runs, the failure modes; then each PNG against the
# reviewed reference image in reference/ with a tolerance (pngcheck.py compare).
#   --update-references   rewrite reference/*.png (look at them before committing!)
# Needs python3, pdffonts and pdfinfo (poppler-utils), xmllint (libxml2-utils).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:?usage: check-plots.sh BIN [--update-references]}
[ -d "$bin" ] && bin=$bin/tsunagari-plot
update=${2:-}
fx=$here/fixtures
# Under ASan: cairo's own PDF leak is not ours (lsan.supp); every other leak still fails.
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
notok() { fail=$((fail + 1)); echo "not ok - $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'; }
check() { # check NAME COMMAND...: ok when COMMAND succeeds
    name=$1; shift
    if out=$("$@" 2>&1); then ok "$name"; else notok "$name" "$out"; fi
}
PY="python3 $here/pngcheck.py"
CHARTS="stacked indicator indicator_sum multi compare difference line grouped"

# ---- render all charts, all formats, default size and dpi ------------------------------
check "renders every fixture chart (png, pdf, svg)" "$bin" -q -s "$fx/survey.ini" -o "$tmp/a" "$fx/tables.csv"
for c in $CHARTS; do
    for e in png pdf svg; do check "$c.$e written" test -s "$tmp/a/$c.$e"; done
done
check "no temporary files left" sh -c "! ls '$tmp/a' | grep -q tmp"

# ---- size: PNG pixels = mm / 25.4 × dpi; pHYs records the dpi; the PDF page is the same size
size=$($PY size "$tmp/a/stacked.png")
check "default PNG is 170 mm wide at 300 dpi (2008 px, pHYs 300): $size" \
    sh -c "echo '$size' | awk '{exit !(\$1 == 2008 && \$3 == 300)}'"
check "fixed size 100 × 60 mm at 150 dpi" "$bin" -q -W 100 -H 60 --dpi 150 -s "$fx/survey.ini" -c stacked -o "$tmp/s" "$fx/tables.csv"
size=$($PY size "$tmp/s/stacked.png")
check "100 × 60 mm at 150 dpi is 591 × 354 px: $size" sh -c "[ '$size' = '591 354 150' ]"
pdfsize=$(pdfinfo "$tmp/s/stacked.pdf" 2>/dev/null | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p')
check "PDF page is 100 × 60 mm (283.46 × 170.08 pt): $pdfsize" \
    sh -c "echo '$pdfsize' | awk '{exit !(\$1 > 283.4 && \$1 < 283.5 && \$2 > 170.0 && \$2 < 170.1)}'"
svgsize=$(head -c 400 "$tmp/s/stacked.svg" | tr '\n' ' ' | sed -n 's/.*width="\([0-9.]*\)pt" height="\([0-9.]*\)pt".*/\1 \2/p')
check "SVG is 100 × 60 mm in points: $svgsize" \
    sh -c "echo '$svgsize' | awk '{exit !(\$1 > 283.4 && \$1 < 283.5 && \$2 > 170.0 && \$2 < 170.1)}'"

# ---- PDF: vectors with the Japanese font subset embedded; fixed creation date -----------
for c in $CHARTS; do
    fonts=$(pdffonts "$tmp/a/$c.pdf" 2>&1)
    check "$c.pdf embeds a CJK font" sh -c "printf '%s\n' \"\$1\" | grep -i 'NotoSansCJK' | grep -q ' yes '" _ "$fonts"
done
check "PDF creation date fixed (2000-01-01)" sh -c "pdfinfo '$tmp/a/stacked.pdf' | grep -q '^CreationDate:.*2000'"

# ---- SVG well-formed --------------------------------------------------------------------
for c in $CHARTS; do check "$c.svg is well-formed XML" xmllint --noout "$tmp/a/$c.svg"; done

# ---- the same input gives the same bytes -------------------------------------------------
"$bin" -q -s "$fx/survey.ini" -o "$tmp/b" "$fx/tables.csv" >/dev/null 2>&1
for c in $CHARTS; do
    for e in png pdf svg; do check "$c.$e identical in a second run" cmp "$tmp/a/$c.$e" "$tmp/b/$c.$e"; done
done

# ---- ... and the same bytes whatever the fontconfig cache, locale or hinting settings say ------
# Pango lays text out at 72 dpi without hinting or rounding, in language ja, so a cold font
# cache (fontconfig rescans every font), a Chinese locale or a user fonts.conf that turns
# hinting on change nothing.
mkdir -p "$tmp/fc"
cat >"$tmp/fc/fonts.conf" <<XML
<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts</dir><dir>/usr/local/share/fonts</dir><cachedir>$tmp/fc/cache</cachedir>
<include ignore_missing="yes">/etc/fonts/conf.d</include>
<match target="font"><edit name="hinting" mode="assign"><bool>true</bool></edit>
<edit name="hintstyle" mode="assign"><const>hintfull</const></edit></match></fontconfig>
XML
env FONTCONFIG_FILE="$tmp/fc/fonts.conf" XDG_CACHE_HOME="$tmp/fc/xdg" LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 \
    "$bin" -q -s "$fx/survey.ini" -o "$tmp/c" "$fx/tables.csv" >/dev/null 2>&1
check "the cold cache was filled by this run (fontconfig rescanned the fonts)" sh -c "ls '$tmp/fc/cache' | grep -q cache"
for c in $CHARTS; do
    for e in png pdf svg; do check "$c.$e identical with a cold font cache, zh_CN locale, hinting on" cmp "$tmp/a/$c.$e" "$tmp/c/$c.$e"; done
done

# ---- labels in other languages: font fallback, no tofu -------------------------------------
# The domains renamed in Vietnamese (typed decomposed, as a Mac does), Portuguese and Chinese
# (label_vi, label_pt, label_zh): every chart renders; a character no installed font has
# (U+10FFFD, private use) stops the chart with its code point, never an empty box.
vi=$(printf 'Ngu\314\233o\314\233\314\200i so\314\202\314\201ng mo\314\202\314\243t mi\314\200nh')
sed "s/16～39歳/$vi/; s/40～69歳/Não sabe (coração)/; s/70歳以上/独居老人，没有人可以倾诉/" "$fx/tables.csv" >"$tmp/intl.csv"
check "Vietnamese, Portuguese and Chinese labels render (png, pdf, svg)" \
    "$bin" -q -s "$fx/survey.ini" -o "$tmp/i" "$tmp/intl.csv"
check "their PDF names the labels as text (pdftotext): Người sống một mình, Não sabe, 独居老人" \
    sh -c "pdftotext '$tmp/i/stacked.pdf' - | tr -d '\n' | grep 'Người sống một mình' | grep 'Não sabe' | grep -q '独居老人'"
sed 's/16～39歳/16～39歳\xf4\x8f\xbf\xbd/' "$fx/tables.csv" >"$tmp/tofu.csv"
"$bin" -q -s "$fx/survey.ini" -c stacked -o "$tmp/t" "$tmp/tofu.csv" >/dev/null 2>"$tmp/tofu.err"; got=$?
check "a character no font has: exit 65 naming U+10FFFD, no chart written" \
    sh -c "test $got = 65 && grep -q 'no installed font has a glyph for U+10FFFD' '$tmp/tofu.err' && ! ls '$tmp/t' 2>/dev/null | grep -q ."

# ---- geometry and reference images at 100 dpi (quick to decode) ---------------------------
check "renders at 100 dpi" "$bin" -q --dpi 100 -f png -s "$fx/survey.ini" -o "$tmp/g" "$fx/tables.csv"
for c in stacked indicator multi compare; do
    check "$c: bar geometry follows the shares" python3 "$here/geometry.py" "$c" "$tmp/g/$c.png"
done
for c in $CHARTS; do
    if [ "$update" = "--update-references" ]; then
        cp "$tmp/g/$c.png" "$here/reference/$c.png" && echo "# updated reference/$c.png: look at it before committing"
    fi
    check "$c.png matches reference/$c.png" $PY compare "$tmp/g/$c.png" "$here/reference/$c.png"
done

# ---- a compare chart of a multiple answer: grouped bars, not a 100% bar ------------------
printf '[survey]\ntitle = テスト調査（合成データ）\nsynthetic = yes\n[chart.compare_multi]\ntype = compare\ntable = events\nreference = %s\nreference_row = R4\ntitle = 全国との比較（複数回答、テスト）\n' \
    "$fx/reference-events.csv" >"$tmp/cm.ini"
check "compare of a multiple answer renders" "$bin" -q --dpi 100 -f png -s "$tmp/cm.ini" -o "$tmp/cm" "$fx/tables.csv"
check "compare_multi: grouped bars follow survey and reference shares" python3 "$here/geometry.py" compare_multi "$tmp/cm/compare_multi.png"
if [ "$update" = "--update-references" ]; then
    cp "$tmp/cm/compare_multi.png" "$here/reference/compare_multi.png" && echo "# updated reference/compare_multi.png: look at it before committing"
fi
check "compare_multi.png matches reference/compare_multi.png" $PY compare "$tmp/cm/compare_multi.png" "$here/reference/compare_multi.png"

# ---- failure modes -------------------------------------------------------------------------
expect_rc() { # expect_rc NAME RC PATTERN COMMAND...: exit status RC and PATTERN on stderr
    name=$1 rc=$2 pat=$3; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
    if [ "$got" = "$rc" ] && grep -q -- "$pat" "$tmp/err"; then ok "$name"
    else notok "$name" "exit $got (want $rc); stderr: $(cat "$tmp/err")"; fi
}
mkdir -p "$tmp/nofont"
cat >"$tmp/nofont/fonts.conf" <<XML
<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>$tmp/nofont</dir><cachedir>$tmp/nofont/cache</cachedir></fontconfig>
XML
expect_rc "no CJK font: exit 65 with a clear message" 65 "no Japanese (CJK) font found: install fonts-noto-cjk" \
    env FONTCONFIG_FILE="$tmp/nofont/fonts.conf" "$bin" -q -s "$fx/survey.ini" -o "$tmp/nf" "$fx/tables.csv"
check "no CJK font: no chart written" sh -c "! ls '$tmp/nf' 2>/dev/null | grep -q ."
expect_rc "missing tables CSV: exit 66" 66 "nope.csv" "$bin" -q -s "$fx/survey.ini" -o "$tmp/x" "$tmp/nope.csv"
expect_rc "no output folder given: exit 64" 64 "give -o OUTDIR" "$bin" -s "$fx/survey.ini" "$fx/tables.csv"
printf '[survey]\ntitle = t\n[chart.x]\ntype = stacked\ntable = lonely_age\ncolour = red\n' >"$tmp/bad.ini"
expect_rc "unknown chart key: exit 65 naming the line" 65 "bad.ini:6: \[chart.x\] unknown key colour" \
    "$bin" -q -s "$tmp/bad.ini" -o "$tmp/x" "$fx/tables.csv"
printf '[chart.x]\ntype = indicator\ntable = lonely_age\ncodes = 9\n' >"$tmp/code.ini"
expect_rc "indicator code not in the table: exit 65" 65 "code 9 is not a category of table lonely_age" \
    "$bin" -q -s "$tmp/code.ini" -o "$tmp/x" "$fx/tables.csv"
printf '[chart.x]\ntype = stacked\ntable = nosuch\n' >"$tmp/tab.ini"
expect_rc "table not in the CSV: exit 65 listing the tables" 65 "it has: lonely_age, events" \
    "$bin" -q -s "$tmp/tab.ini" -o "$tmp/x" "$fx/tables.csv"
# A tables CSV whose only table is a mean: the exact message (it once printed stray bytes).
head -1 "$fx/tables.csv" >"$tmp/means.csv"
echo 'ucla,,,全体,ucla,,,mean,400,,1000,20.5,0.1,20.3,20.7,t,0.95,399,,1,0.1,,no,0' >>"$tmp/means.csv"
printf '[chart.x]\ntype = stacked\ntable = ucla\n' >"$tmp/means.ini"
absbin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
(cd "$tmp" && "$absbin" -q -s means.ini -o x means.csv) >/dev/null 2>"$tmp/means.err"; got=$?
want='tsunagari-plot: means.ini:3: [chart.x] table: table ucla has no share rows in means.csv (no table there has any: charts draw shares, not means or totals)'
check "table with no share rows: exit 65 and exactly this message" \
    sh -c 'test "$1" = 65 && test "$(cat "$2")" = "$3"' _ "$got" "$tmp/means.err" "$want"
check "ad hoc chart without a manifest" "$bin" -q --type indicator --table lonely_age --codes 5 --name adhoc \
    -f svg -o "$tmp/h" "$fx/tables.csv"
check "ad hoc chart written" test -s "$tmp/h/adhoc.svg"
: >"$tmp/ro" 2>/dev/null
expect_rc "output folder is a file: exit 73" 73 "not a folder" "$bin" -q -s "$fx/survey.ini" -o "$tmp/ro" "$fx/tables.csv"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
