/* tables.h — the tables CSV of tsunagari-tab (docs/tables-format.md) as an in-memory model
 * for the charts: for each table id, its domains (全体 first, as the file has them) and in
 * each domain the share of every category with its interval, counts and suppression flag.
 * Only `share` rows are kept as domains; `difference` rows (of any statistic) are kept apart,
 * for the difference chart; means, totals and tests are skipped. */
#ifndef TS_TABLES_H
#define TS_TABLES_H

#include <stddef.h>

#include "status.h"

typedef struct ts_tcell {
    char *code;           /* category code as in the file ("5") */
    char *label;          /* Japanese label */
    long n_category;      /* unweighted respondents in the category; -1 when not given */
    double estimate;      /* share 0..1; NAN when suppressed */
    double ci_low, ci_high; /* interval of the share; NAN when none (ci_method none, suppressed) */
    int suppressed;       /* 1: the file says suppressed = yes */
} ts_tcell;

typedef struct ts_tdomain {
    char *codes;          /* by_codes; "" for the whole population */
    char *label;          /* by_labels (全体 for the whole population) */
    long n;               /* unweighted respondents with an answer (the denominator) */
    long missing_n;       /* respondents without an answer; -1 when not given */
    double ci_level;      /* e.g. 0.95; NAN when not given */
    ts_tcell *cells;      /* in file order, which is code order */
    size_t ncells;
    unsigned long line;   /* line of the domain's first row, for messages */
} ts_tdomain;

/* One `difference` row: two domains, or a domain now and in the previous survey. */
typedef struct ts_tdiff {
    char *codes;          /* by_codes: "1 - 2", "2 - all", "all - previous" */
    char *label;          /* by_labels: "男性 - 女性" */
    char *code;           /* the category ("" for a mean or total); a quantile's probability */
    char *cat_label;      /* its label */
    double estimate, ci_low, ci_high, p_value; /* NAN when suppressed or not given */
    int suppressed;
    unsigned long line;
} ts_tdiff;

typedef struct ts_ttable {
    char *id;             /* the `table` column */
    char *by;             /* domain variable(s); "" when none */
    char *variable;
    ts_tdomain *domains;  /* in file order: 全体 first */
    size_t ndomains;
    ts_tdiff *diffs;      /* its difference rows, in file order */
    size_t ndiffs;
    int share;            /* 1: the differences are of shares (the table has share rows) */
} ts_ttable;

typedef struct ts_tables ts_tables;

/* Read the tables CSV at PATH (a leading byte-order mark is fine). Returns an owned model
 * (free with ts_tables_free), or NULL with ERR set: TS_E_NOINPUT when PATH cannot be opened,
 * TS_E_DATA naming the line and column of a malformed row or a missing column. */
ts_tables *ts_tables_read(const char *path, ts_err *err);
/* The same over the N bytes at DATA (borrowed for the call); NAME stands for the file in
 * messages. For tests and fuzzing. */
ts_tables *ts_tables_read_mem(const void *data, size_t n, const char *name, ts_err *err);
void ts_tables_free(ts_tables *t);

/* The table with id ID, or NULL. Borrowed from T. */
const ts_ttable *ts_tables_find(const ts_tables *t, const char *id);
/* How many tables T holds, and the I-th in file order (I < count). Borrowed from T. */
size_t ts_tables_count(const ts_tables *t);
const ts_ttable *ts_tables_at(const ts_tables *t, size_t i);
/* Comma-separated ids of every table in the file, for messages. Borrowed from T. */
const char *ts_tables_ids(const ts_tables *t);

/* The cell of domain D with category CODE, or NULL. */
const ts_tcell *ts_tdomain_cell(const ts_tdomain *d, const char *code);

#endif
