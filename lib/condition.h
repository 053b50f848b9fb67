/* condition.h — conditions over the items of a codebook (docs/codebook.md, "Conditions"):
 * `goout in 4..6`, combined with all(...), any(...) and not, and evaluated row by row in
 * Kleene's three-valued logic, so that a missing item leaves a condition undetermined only when
 * the other items do not decide it. Derived indicators (type `indicator`) and skip logic
 * (`asked_if`) are written in it; ingest evaluates them after reading each row's items. */
#ifndef TS_CONDITION_H
#define TS_CONDITION_H

#include <stddef.h>

#include "dataset.h"
#include "status.h"

struct ts_codebook;

/* Kleene's strong three-valued logic (Kleene 1938; 1952, §64): UNKNOWN is "either, we cannot
 * tell", so FALSE AND UNKNOWN = FALSE, TRUE OR UNKNOWN = TRUE, NOT UNKNOWN = UNKNOWN. */
typedef enum { TS_FALSE = 0, TS_TRUE = 1, TS_UNKNOWN = 2 } ts_truth;

ts_truth ts_truth_and(ts_truth a, ts_truth b);
ts_truth ts_truth_or(ts_truth a, ts_truth b);
ts_truth ts_truth_not(ts_truth a);

typedef struct ts_cond ts_cond;

/* Parse the condition S[0..N) (not NUL-terminated; any bytes). Variable names resolve among
 * the first NVISIBLE variables of CB, whose codes must be complete. Returns the condition (free
 * with ts_cond_free) or NULL with ERR set: TS_E_DATA and a message without position ("expected
 * \"in\" after goout, got \")\""), *AT the 1-based character of S where the problem is;
 * TS_E_NOMEM when memory runs out. Nesting deeper than TS_COND_MAX_DEPTH is refused. */
#define TS_COND_MAX_DEPTH 32
ts_cond *ts_cond_parse(const char *s, size_t n, const struct ts_codebook *cb, size_t nvisible, size_t *at,
                       ts_err *err);
void ts_cond_free(ts_cond *c);

/* The condition's value at ROW. VARS[i] is the dataset column of codebook variable i (every
 * variable the condition names must have one). An item condition on a missing answer — system
 * missing, a missing code — is UNKNOWN; on an item that was not asked (its missing=skip code,
 * 非該当) it is FALSE: there is no answer to be in the set. For a multiple answer, `x in 1..3`
 * is TRUE when any of those options was chosen. */
ts_truth ts_cond_eval(const ts_cond *c, ts_var *const *vars, size_t row);

/* One value or range as in a recode's `values` and a condition: "3", "16..19", "80..",
 * "..15" (S[0..N), already trimmed). Returns 0 and sets [*LO, *HI] (±inf when open), or -1. */
int ts_cond_parse_range(const char *s, size_t n, double *lo, double *hi);

#endif
