/* xlsx.h — private to tables.xlsx's writer (plots/report/xlsx*.c): the cell formats the
 * sheets share, the cross-tab sheet of a table, the long data sheet and the print set-up. */
#ifndef RP_XLSX_H
#define RP_XLSX_H

#include <xlsxwriter.h>

#include "report.h"

typedef struct rp_xfmts {
    lxw_format *title, *head, *text, *note, *num, *p, *se;
    lxw_format *count, *pct, *deff; /* the cover's values: left-aligned, beside their labels */
    lxw_format *n;           /* a cross-tab's n column: #,##0 */
    lxw_format *fixed[5];    /* #,##0 with 0..4 decimals: totals and means (rp_tab_decimals) */
    lxw_format *share;       /* 0.0%: a share stored as the fraction tables.csv holds */
    lxw_format *share_diff;  /* +0.0%: a difference of shares (percentage points) */
    lxw_format *fixed_diff[5]; /* +#,##0.0…: a difference of means or totals */
    lxw_format *rowhead;     /* a domain's label (表側) */
    lxw_format *colhead;     /* an answer's label (表頭): wrapped, centred */
    lxw_format *cell_text;   /* ＊ and ・ in a value cell: centred */
    lxw_format *ci;          /* the interval under an estimate: small, grey, centred */
    lxw_format *link;        /* the cover's links to the sheets */
    lxw_format *wrap;        /* text wrapped in its column */
} rp_xfmts;

/* How a cross-tab sheet shows the confidence intervals ([report] xlsx_ci). */
typedef enum { RP_XLSX_CI_UNDER, RP_XLSX_CI_BLOCK } rp_xlsx_ci;

/* Table T as a cross-tab sheet WS (xlsx_crosstab.c): 表側 (domains, 全体 first) down, 表頭
 * (answers) across, an n column; the values as numbers (shares as the fraction with a 0.0%
 * format); the intervals under each estimate or as two blocks (下限, 上限) below; ＊ for a
 * suppressed cell with its footnote; the test as one sentence; the differences; the notes;
 * set up to print on A4, one page wide. */
void rp_xlsx_crosstab(rp_ctx *c, lxw_worksheet *ws, const rp_tab *t, const rp_xfmts *F, rp_xlsx_ci ci);

/* Table T of a counts file ([input] counts) as its sheet (xlsx_counts.c): the categories down,
 * 件数 and 割合 of 全体 and each domain across, the total last, ＊ for a withheld count. */
void rp_xlsx_counts(rp_ctx *c, lxw_worksheet *ws, const rp_tab *t, const rp_xfmts *F);

/* The sheet `data`: every row and column of tables.csv, numbers as numbers (for pivot tables,
 * R and pandas). */
void rp_xlsx_data(rp_ctx *c, lxw_worksheet *ws, const rp_xfmts *F);

/* Print set-up of a sheet WIDTH_CHARS wide (the sum of its column widths) and NROWS rows:
 * A4, landscape when the sheet is wider than tall, one page wide, rows FIRST_REPEAT..LAST_REPEAT
 * repeated on every page (none when FIRST_REPEAT < 0), the sheet's TITLE as the page header and
 * SURVEY's title with the page as the footer (SURVEY NULL or "": the footer is TITLE and the page). */
void rp_xlsx_print_setup(lxw_worksheet *ws, double width_chars, long nrows, int first_repeat, int last_repeat,
                         const char *title, const char *survey);

#endif
