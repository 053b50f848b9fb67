/* suppress.h — disclosure control for the published tables (docs/estimation.md, "Small
 * cells"): primary suppression of every cell with fewer than min_cell respondents, then
 * secondary (complementary) suppression of the fewest further cells so that no suppressed
 * cell can be derived from the published ones through the linear relations a reader has:
 * the categories of a domain adding up to its n, the domains adding up to 全体, crossed
 * domains adding up to their margins, the same cell published in several tables.
 *
 * The model is a set of cells (each a count of respondents, identified by a key so that the
 * same cell in two tables is one cell) and of relations Σ coef·cell = 0 among them. Cells a
 * reader never sees (respondents with the domain variable missing, a margin no table
 * publishes) are "unpublished": unknowns that cost nothing.
 *
 * Method: the hypercube idea of τ-ARGUS (Repsilber's GHMITER; Giessing & Repsilber 2002) in
 * its simplest form — a relation with a single unknown cell gives it away, so each such
 * relation gets a partner: the smallest published cell of the relation that is not a margin
 * (a margin only when nothing else is left) — repeated until no relation has one unknown;
 * then an audit that no suppressed cell is determined by the whole linear system (its unit
 * vector is not in the row space of the relations restricted to the unknowns: checked with
 * the singular value decomposition, GSL), adding a partner where one is. */
#ifndef TS_SUPPRESS_H
#define TS_SUPPRESS_H

#include <stddef.h>

#include "status.h"

typedef struct ts_suppress ts_suppress;

typedef enum ts_cell_state {
    TS_CELL_PUBLISHED,
    TS_CELL_PRIMARY,      /* fewer than min_cell respondents */
    TS_CELL_SECONDARY,    /* withheld so that a primary cell cannot be derived */
    TS_CELL_UNPUBLISHED   /* never published: an unknown to the reader */
} ts_cell_state;

/* An empty model; NULL when memory runs out. Free with ts_suppress_free. */
ts_suppress *ts_suppress_new(void);
void ts_suppress_free(ts_suppress *s);

/* The cell KEY (copied): created with COUNT respondents the first time, the same cell after
 * (COUNT must then agree; a cell first added as unpublished becomes published). MARGIN: a
 * total (a domain's n, a 全体 cell) — suppressed only when no other partner is left.
 * Returns the cell's index, or -1 when memory runs out. */
long ts_suppress_cell(ts_suppress *s, const char *key, double count, int margin, int published);

/* The relation Σ COEF[k] · cell CELLS[k] = 0 (N terms; copied). -1 when memory runs out. */
int ts_suppress_relation(ts_suppress *s, const size_t *cells, const double *coef, size_t n);
/* A rule that N cells must not have exactly one unknown among them, without a relation
 * between their counts: the shares of a domain's categories add up to 1 whether or not its n
 * is published, so one withheld share is 1 − the others even when the counts are safe. */
int ts_suppress_rule(ts_suppress *s, const size_t *cells, size_t n);

/* SAFE nonzero: a cell counting 0 is never a primary cell (a census's category that no unit
 * chose is a fact about the whole population, resting on no respondent: τ-ARGUS's "zero cells
 * safe"); it still takes part in the relations. Default 0: a 0 below min_cell is primary. */
void ts_suppress_zero_safe(ts_suppress *s, int safe);

/* Primary suppression (count < MIN_CELL; MIN_CELL 0: none) and secondary suppression as
 * above. TS_E_NOMEM only. */
ts_status ts_suppress_run(ts_suppress *s, long min_cell, ts_err *err);

ts_cell_state ts_suppress_state(const ts_suppress *s, size_t cell);
/* How many cells are in each state. */
size_t ts_suppress_count(const ts_suppress *s, ts_cell_state state);

#endif
