# tests/report/lib.sh — the start every tests/report/check-*.sh shares, sourced right after its
# `set -u` with no arguments (so that $0 and $1 are still the script's): BIN, the programs'
# folder ($1, default bin) made absolute; the working folder the repository, ROOT; T, a scratch
# folder named after the script and removed at exit (kept with KEEP=1, to look into a failure);
# tests/checklib.sh's check / ok / notok; and LSAN_OPTIONS: under ASan (bin-san) the font
# libraries leak by design, so the chart tests' suppressions.
BIN=${1:-bin}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/$(basename "$0" .sh).XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
. "$ROOT/tests/checklib.sh"
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/plots/lsan.supp:print_suppressions=0}
export LSAN_OPTIONS
