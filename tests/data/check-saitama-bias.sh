#!/usr/bin/env bash
# check-saitama-bias.sh SYNTH — the Saitama design, drawn 500 times from the synthetic
# population, biases the unweighted estimates where the design says it should:
#   - 秩父 (1.3% of residents, 300 of the 1,500 drawn) is heavily over-represented among
#     respondents, 中央 under-represented;
#   - the young answer less, so 20代 are under- and 70代 over-represented;
#   - the unweighted overall 孤独感「ある」計 is pulled towards the small, older areas and the
#     older respondents: below the truth by more than 10 Monte Carlo standard errors, in
#     the direction and (within 5 MC s.e.) the size the design predicts;
#   - weighting by the base weights N_h/n_h alone removes part of the bias (the area part),
#     not the nonresponse part: something for the weighting stage to fix.
set -u
. "$(dirname "$0")/lib.sh"
synth=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/sim.csv

if ! "$synth" simulate-saitama --reps 500 --seed 1 -o "$out" 2> "$tmp/err"; then
    not_ok "simulate-saitama runs" "$(cat "$tmp/err")"
    finish
fi
ok "simulate-saitama runs"
sed 's/^/#   /' "$out"

# field NAME DOMAIN COLUMN — one value of the simulation table
field() {
    awk -F, -v d="$1" -v c="$2" '
        /^#/ { next }
        !h { for (i = 1; i <= NF; i++) col[$i] = i; h = 1; next }
        $2 == d { print $(col[c]); exit }' "$out"
}
# holds EXPR — an awk condition on numbers passed as v1..vN
holds() {
    local expr=$1
    shift
    awk -v a="${1:-0}" -v b="${2:-0}" -v c="${3:-0}" -v d="${4:-0}" "BEGIN { exit !($expr) }"
}

pop=$(field 秩父 population_share); resp=$(field 秩父 respondent_share)
check "秩父 over-represented: respondent share $resp% vs population $pop% (> 5x)" \
    holds "b > 5 * a" "$pop" "$resp"
pop=$(field 中央 population_share); resp=$(field 中央 respondent_share)
check "中央 under-represented: respondent share $resp% vs population $pop%" \
    holds "b < a - 5" "$pop" "$resp"
pop=$(field 20～29歳 population_share); resp=$(field 20～29歳 respondent_share)
check "20～29歳 under-represented: $resp% vs $pop%" holds "b < a" "$pop" "$resp"
pop=$(field 70～79歳 population_share); resp=$(field 70～79歳 respondent_share)
check "70～79歳 over-represented: $resp% vs $pop%" holds "b > a" "$pop" "$resp"

bias=$(field 全体 unweighted_bias); se=$(field 全体 unweighted_mc_se)
exp=$(field 全体 expected_bias); wbias=$(field 全体 base_weighted_bias)
check "unweighted overall estimate biased: bias $bias > 10 MC s.e. ($se)" \
    holds "(a < 0 ? -a : a) > 10 * b" "$bias" "$se"
check "bias in the predicted direction: $bias vs expected $exp" holds "a * b > 0" "$bias" "$exp"
check "bias of the predicted size: |$bias - $exp| < 5 MC s.e." \
    holds "(a - b < 0 ? b - a : a - b) < 5 * c" "$bias" "$exp" "$se"
check "base weights remove the area part only: |$wbias| < |$bias|, still > 5 MC s.e." \
    holds "(a < 0 ? -a : a) < (b < 0 ? -b : b) && (a < 0 ? -a : a) > 5 * c" "$wbias" "$bias" "$se"
finish
