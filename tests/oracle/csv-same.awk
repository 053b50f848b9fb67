# csv-same.awk — compare a committed CSV (first file) with a regenerated one (second), as both
# R oracles' check-live.sh do: text equal, numbers within tol relative
# (|a-b| <= tol * max(1, |a|, |b|)); prints the first difference as a "#" line; exit 1 if any.
# Usage: awk -F, -v tol=1e-12 -f csv-same.awk COMMITTED NEW
function isnum(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
function abs(x) { return x < 0 ? -x : x }
NR == FNR { a[FNR] = $0; na = FNR; next }
{
    nb = FNR
    if (!(FNR in a)) { printf "#   line %d: only in the new file\n", FNR; bad = 1; exit }
    n = split(a[FNR], f, ",")
    if (n != NF) { printf "#   line %d: %d fields, now %d\n", FNR, n, NF; bad = 1; exit }
    for (i = 1; i <= NF; i++) {
        if (f[i] == $i) continue
        if (isnum(f[i]) && isnum($i)) {
            x = f[i] + 0; y = $i + 0; m = 1
            if (abs(x) > m) m = abs(x)
            if (abs(y) > m) m = abs(y)
            if (abs(x - y) <= tol * m) continue
        }
        printf "#   line %d field %d: committed %s, now %s\n", FNR, i, f[i], $i
        bad = 1; exit
    }
}
END { if (!bad && na != nb) { printf "#   %d lines committed, %d now\n", na, nb; bad = 1 }
      exit bad }