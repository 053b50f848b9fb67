/* cells.h — private to tsunagari-weight: each respondent's cell of a margin table or frame,
 * and the [weighting] / [nonresponse] collapse rules that merge sparse cells. Used by the
 * design weights (strata of a frame), the nonresponse classes and the calibration margins. */
#ifndef TS_WEIGHT_CELLS_H
#define TS_WEIGHT_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "margins.h"
#include "wctx.h"

/* Each row's cell in table T (its codes for T's variables, found exactly), or TS_CALIB_NO_CELL
 * when one of them is missing or the row is dropped. Returns -1 (and sets ERR) when a row's
 * codes have no cell in T. */
int cells_of(const wctx *c, const margin_table *t, size_t *cell, ts_err *err);

/* Codes of the variables a weighting step uses, collapsed as [weighting] collapse says. */
typedef struct collapse_rule {
    ts_var *var;
    int32_t from, to;
} collapse_rule;

/* The cells of a table addressed by the mixed radix of its variables' codes, with collapsed
 * cells merged into the cell they are collapsed into. */
typedef struct cellmap cellmap;

/* The cellmap of T under the NRULES RULES (borrowed: they must outlive it). Merging moves
 * the totals of collapsed cells of T into the cell kept (which keeps its name). NULL (ERR
 * set) when memory runs out or the crossed variables have too many cells. */
cellmap *cellmap_new(margin_table *t, const collapse_rule *rules, size_t nrules, ts_err *err);
void cellmap_free(cellmap *cm);

/* Each row's cell of T through CM; rows with a missing variable, or dropped, get
 * TS_CALIB_NO_CELL. Returns -1 (ERR set) when a row's codes have no cell. */
int cellmap_rows(const wctx *c, const cellmap *cm, const margin_table *t, size_t *cell, ts_err *err);

/* How many respondents a collapse rule's FROM category has where it matters: overall for a
 * calibration margin, the smallest class for nonresponse classes (see nonresponse.c). */
typedef size_t (*collapse_count_fn)(const wctx *c, const ts_var *var, int32_t code, const void *arg);

/* SECTION.collapse = "VAR: FROM > TO; ..." (labels or codes) → rules in *OUT (the caller
 * frees them), *NOUT of them; a rule is kept when COUNT(ARG) finds fewer than
 * SECTION.collapse_below respondents in FROM (collapse_below <= 0: always). What is merged,
 * or not needed, goes into the report and the method line. */
ts_status collapse_read(wctx *c, const char *section, collapse_count_fn count, const void *arg, collapse_rule **out,
                        size_t *nout, ts_err *err);

#endif
