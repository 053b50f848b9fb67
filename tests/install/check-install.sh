#!/usr/bin/env bash
# check-install.sh BUILD BIN PROGRAM... — `make install DESTDIR=tmp PREFIX=/usr/local` into a
# temporary folder, then: every program, man page, header, doc, the library and tsunagari.pc
# are where they belong; every page renders with `man -l` without a warning and starts with
# the program's NAME and SYNOPSIS; tests/install/use-lib.c and rake-share.c compile and link
# against the installed copy through pkg-config alone and give the right answers (rake-share's
# share and SE equal the CLI's on the same data); `make uninstall` leaves
# nothing behind. Prints ok / not ok lines and "N passed, N failed".
# Environment: MAKE, CC, LINK_FLAGS (the build's sanitizer and LDFLAGS: a SAN=1 library needs
# them to link).
set -u
BUILD=${1:?usage: check-install.sh BUILD BIN PROGRAM...}
BIN=${2:?usage: check-install.sh BUILD BIN PROGRAM...}
shift 2
PROGS=("$@")
MAKE=${MAKE:-make}
CC=${CC:-cc}
LINK_FLAGS=${LINK_FLAGS:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/check-install.XXXXXX")
trap 'rm -rf "$T"' EXIT
. "$ROOT/tests/checklib.sh"

# Under ASan the chart programs' font libraries leak by design (help2man runs them).
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/plots/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS

# help2man takes the lines "Usage: PROG ..." and "   or: PROG ..." as the SYNOPSIS; any other
# layout of a second usage line would end up as text under DESCRIPTION.
usage_only_in_synopsis() {
    local prog=$1 page=$2 esc=${1//-/\\-} want
    want=$(sed '/^$/q' "$T/$prog.help" | grep -c -E "^(Usage: |   or: | *)$prog( |\$)")
    test "$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$page" | grep -c "^\.B $prog\$")" -eq "$want" &&
        ! sed -n '/^\.SH DESCRIPTION/,$p' "$page" | awk -v e="$esc " 'index($0, e) == 1 { f = 1 } END { exit !f }'
}

D=$T/dest
P=/usr/local
check "at least one program to install" test ${#PROGS[@]} -gt 0
"$MAKE" --no-print-directory -s install BUILD="$BUILD" BIN="$BIN" DESTDIR="$D" PREFIX="$P" \
    >"$T/install.out" 2>&1
rc=$?
check "make install DESTDIR=... PREFIX=$P: exit 0" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/#   /' "$T/install.out"
check "nothing installed outside PREFIX" test "$(cd "$D" && ls)" = usr -a "$(cd "$D/usr" && ls)" = local

# 1. Programs and their man pages.
for p in "${PROGS[@]}"; do
    check "$p: installed, executable" test -x "$D$P/bin/$p" -a -f "$D$P/bin/$p"
    "$D$P/bin/$p" --help >"$T/$p.help" 2>"$T/$p.help-err"
    check "$p --help: exit 0, on stdout only (what help2man reads)" test $? -eq 0 -a -s "$T/$p.help" -a ! -s "$T/$p.help-err"
    check "$p --version: \"$p $(cat VERSION)\"" test "$("$D$P/bin/$p" --version 2>/dev/null | head -1)" = "$p $(cat VERSION)"
    page=$D$P/share/man/man1/$p.1
    check "$p.1: installed" test -s "$page"
    check "$p.1: a NAME line with its summary" grep -q "^$p \\\\- [a-z]" "$page"
    check "$p.1: SYNOPSIS names the program" sh -c "sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' '$page' | grep -q '^\.B $p\$'"
    check "$p.1: every usage line in SYNOPSIS, none left in DESCRIPTION" usage_only_in_synopsis "$p" "$page"
    check "$p.1: the Japanese of --help kept (no \"??\")" sh -c "! grep -q '??' '$page'"
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >"$T/$p.txt" 2>"$T/$p.err"
    rc=$?
    check "$p.1: man -l renders it (exit 0)" test $rc -eq 0
    check "$p.1: man -l: no warning" test ! -s "$T/$p.err"
    [ -s "$T/$p.err" ] && sed 's/^/#   /' "$T/$p.err" | head -5
    check "$p.1: the rendered page has the options" grep -q -- '--help' "$T/$p.txt"
done
check "man pages: exactly one per program" test "$(find "$D$P/share/man/man1" -type f | wc -l)" -eq ${#PROGS[@]}

# 2. The library, its headers, tsunagari.pc, the docs.
check "lib/libtsunagari.a installed" test -s "$D$P/lib/libtsunagari.a"
check "libtsunagari.a: an archive with ts_dataset_new" sh -c "nm '$D$P/lib/libtsunagari.a' 2>/dev/null | grep -q ' T ts_dataset_new\$'"
for h in lib/*.h; do
    check "include/tsunagari/$(basename "$h")" cmp -s "$h" "$D$P/include/tsunagari/$(basename "$h")"
done
pc=$D$P/lib/pkgconfig/tsunagari.pc
check "lib/pkgconfig/tsunagari.pc installed" test -s "$pc"
check "tsunagari.pc: prefix=$P (not the DESTDIR)" grep -qx "prefix=$P" "$pc"
check "tsunagari.pc: version $(cat VERSION)" grep -qx "Version: $(cat VERSION)" "$pc"
check "tsunagari.pc: no @VAR@ left" sh -c "! grep -q '@[A-Z]*@' '$pc'"
for f in README.md docs/*.md; do
    check "share/doc/tsunagari/$(basename "$f")" cmp -s "$f" "$D$P/share/doc/tsunagari/$(basename "$f")"
done

# 3. A client program, from the installed copy only (no -Ilib, no build tree).
export PKG_CONFIG_PATH=$D$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
check "pkg-config --exists tsunagari" pkg-config --exists tsunagari
check "pkg-config --modversion: $(cat VERSION)" test "$(pkg-config --modversion tsunagari)" = "$(cat VERSION)"
cflags=$(pkg-config --cflags tsunagari)
libs=$(pkg-config --libs tsunagari)   # plain --libs: a static-only library lists its dependencies as public
check "pkg-config --cflags: -I into the installed include/tsunagari" sh -c "echo ' $cflags ' | grep -q -- ' -I$D$P/include/tsunagari '"
check "pkg-config --libs: the library and its dependencies" \
    sh -c "echo '$libs' | grep -q -- '-L$D$P/lib -ltsunagari' && echo '$libs' | grep -q -- '-lcsv' && echo '$libs' | grep -q -- '-lgsl' && echo '$libs' | grep -q -- '-lz' && echo '$libs' | grep -q -- '-lcrypto'"
cp tests/install/use-lib.c "$T/"
# shellcheck disable=SC2086  # word splitting of the flags is intended
(cd "$T" && $CC -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror $cflags use-lib.c \
    $LINK_FLAGS $libs -o use-lib) >"$T/cc.out" 2>&1
rc=$?
check "use-lib.c compiles and links through pkg-config alone (-Wall -Wextra -Werror)" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/#   /' "$T/cc.out"
out=$("$T/use-lib" "$T/small.tsd" 2>&1)
check "use-lib: writes, reads back and prints the share (got: $out)" test "$out" = "n=5 female=0.600000 meta=use-lib"
check "use-lib: its dataset is one tsunagari-export reads" \
    sh -c "'$D$P/bin/tsunagari-export' '$T/small.tsd' | grep -c . | grep -qx 7"

# The statistics as a library: rake in memory and estimate a share with its SE; the CLI on the
# same data, raked to the same margins, must give the same numbers.
cp tests/install/rake-share.c "$T/"
# shellcheck disable=SC2086
(cd "$T" && $CC -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror $cflags rake-share.c \
    $LINK_FLAGS $libs -o rake-share) >"$T/cc2.out" 2>&1
rc=$?
check "rake-share.c compiles and links through pkg-config alone (-Wall -Wextra -Werror)" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/#   /' "$T/cc2.out"
lib_out=$("$T/rake-share" "$T/rake.tsd" 2>&1)
check "rake-share: rakes in memory and prints a share and its SE (got: $lib_out)" \
    sh -c "echo '$lib_out' | grep -Eqx '0\.[0-9]+ 0\.[0-9e-]+'"
printf 'sex,population\n1,480\n2,520\n' >"$T/sex.csv"
printf 'age_band,population\n1,300\n2,350\n3,350\n' >"$T/age.csv"
"$D$P/bin/tsunagari-weight" -q --set weighting.method=rake --set weighting.margins=sex,age \
    --set "margin.sex.file=$T/sex.csv" --set margin.sex.vars=sex \
    --set "margin.age.file=$T/age.csv" --set margin.age.vars=age_band -o "$T/rake-w.tsd" "$T/rake.tsd" &&
    "$D$P/bin/tsunagari-tab" -q --var lonely --min-cell 0 -o "$T/rake-t.csv" "$T/rake-w.tsd" 2>"$T/cli.err"
check "the CLI rakes and tabulates the same data (exit 0)" test $? -eq 0
cli_out=$(awk -F, '$6 == 1 && $8 == "share" { print $12, $13 }' "$T/rake-t.csv" 2>/dev/null)
check "the library's share and SE equal the CLI's to 1e-12 (library: $lib_out; CLI: $cli_out)" \
    awk -v a="$lib_out" -v b="$cli_out" 'BEGIN { split(a, x, " "); split(b, y, " ")
        if (y[1] == "" || y[2] == "") exit 1
        for (k = 1; k <= 2; k++) { d = x[k] - y[k]; if (d < 0) d = -d; if (d > 1e-12 * (x[k] < 0 ? -x[k] : x[k])) exit 1 }
        exit 0 }'
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# 4. make uninstall removes every file install wrote.
"$MAKE" --no-print-directory -s uninstall BUILD="$BUILD" BIN="$BIN" DESTDIR="$D" PREFIX="$P" \
    >"$T/uninstall.out" 2>&1
check "make uninstall: exit 0" test $? -eq 0
left=$(find "$D" -type f | sed "s|^$D||")
check "make uninstall: no file left${left:+ (left: $(echo "$left" | tr '\n' ' '))}" test -z "$left"

echo "$pass passed, $fail failed"
test "$fail" -eq 0
