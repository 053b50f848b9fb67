/* grid.h — one table of tables.csv as the report lays it out: domains (表側) down,
 * categories (表頭) across, each cell its estimate, interval and whether it is suppressed.
 * The PDF's tables (pdf_tables.c) and tables.xlsx's cross-tab sheets (xlsx_crosstab.c) are
 * both drawn from it, so the two can never disagree on which value sits where. */
#ifndef RP_GRID_H
#define RP_GRID_H

#include <stddef.h>

#include "report.h"
#include "strbuf.h"

typedef struct rp_gcell {
    const char *est, *lo, *hi;   /* borrowed from tables.csv; "" when none */
    const char *ncat;            /* the units in the category (n_category; "" when none) */
    int suppressed, present;
    int share;
} rp_gcell;

typedef struct rp_grid {
    const char **dom_label, **dom_codes;  /* domains in file order (全体 first as tab writes it) */
    long *dom_n;                          /* -1: the domain's n is withheld (＊) */
    size_t ndom;
    const char **cat_label, **cat_code;   /* categories in file order */
    size_t ncat;
    rp_gcell *cell;                       /* cell[d * stride + k] */
    size_t stride;
    int dec;                              /* decimals of values that are not shares (the caller
                                           * sets it: rp_tab_decimals) */
} rp_grid;

/* Table T of C's tables.csv into G (the test and difference rows are left out: they go under
 * the grid). The strings are borrowed from C->tables. 0, or -1 when memory runs out (G is
 * then still safe to rp_grid_free). */
int rp_grid_build(rp_ctx *c, const rp_tab *t, rp_grid *g);
/* Frees what G holds (not the strings). */
void rp_grid_free(rp_grid *g);
/* Cell X as the report prints it: VAL its value (a share in percent with one decimal, other
 * values with DEC decimals and thousands separators, "—" when not a number), CI its interval
 * "[17.5–21.9]" ("" when it has none). */
void rp_grid_cell_text(const rp_gcell *x, int dec, char val[64], char ci[140]);
/* Appends to B the one sentence per Rao–Scott F test of table T (BY its by variable, NULL:
 * none): "年齢との関連（Rao–Scott 二次補正 F 検定）：F = 1.37（自由度 12.7, 9,455）、p = 0.166。"
 * — the same words under the PDF's table and the workbook's cross-tab sheet. */
void rp_grid_test_sentence(const rp_ctx *c, const rp_tab *t, const char *by, ts_strbuf *b);

#endif
