# tests/checklib.sh — sourced by the check scripts (report, install, docs, the live R
# oracles): "ok - NAME" / "not ok - NAME" lines and their counts, for the closing
# "N passed, N failed" line each script prints. POSIX sh, so the /bin/sh scripts can use it.
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }
# check NAME COMMAND...: ok when COMMAND succeeds
check() { _what=$1; shift; if "$@"; then ok "$_what"; else notok "$_what"; fi; }
