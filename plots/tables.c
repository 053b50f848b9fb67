/* tables.c — reads tsunagari-tab's CSV into the model of tables.h. */
#include "tables.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvtable.h"
#include "csvwrite.h"
#include "numparse.h"
#include "strbuf.h"

enum { COL_TABLE, COL_BY, COL_BY_CODES, COL_BY_LABELS, COL_VARIABLE, COL_CODE, COL_LABEL, COL_STATISTIC,
       COL_N, COL_N_CATEGORY, COL_ESTIMATE, COL_CI_LOW, COL_CI_HIGH, COL_CI_LEVEL, COL_SUPPRESSED,
       COL_MISSING_N, COL_P_VALUE, NCOLS };
static const char *const COLUMN[NCOLS] = {"table", "by", "by_codes", "by_labels", "variable", "code", "label",
                                          "statistic", "n", "n_category", "estimate", "ci_low", "ci_high",
                                          "ci_level", "suppressed", "missing_n", "p_value"};
/* Columns a chart cannot do without; the others may be absent (older or hand-made files). */
static const int REQUIRED[NCOLS] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 0, 0};

/* A cap on what one file may hold: tables CSVs are small; a huge one is not a tables CSV. */
enum { MAX_CELLS = 1000000 };

struct ts_tables {
    ts_ttable *tables;
    size_t ntables;
    char *ids;
};

typedef struct reader {
    const char *path;
    const ts_record *rec;
    size_t col[NCOLS];
    ts_err *err;
} reader;

static const char *cell(const reader *p, int c, size_t *len)
{
    size_t i = p->col[c];
    if (i == SIZE_MAX || i >= p->rec->nfields) {
        *len = 0;
        return "";
    }
    const char *s = p->rec->fields[i].s;
    *len = p->rec->fields[i].len;
    ts_trim(&s, len);
    return s;
}

/* A text cell as tsunagari-tab had it: without the single quote it puts before a label that
 * a spreadsheet would run as a formula (lib/csvwrite), so that charts show the label itself. */
static const char *text_cell(const reader *p, int c, size_t *len)
{
    const char *s = cell(p, c, len);
    size_t k = ts_csv_quote_prefix(s, *len);
    *len -= k;
    return s + k;
}

static int same(const reader *p, int c, const char *s)
{
    size_t n;
    const char *v = text_cell(p, c, &n);
    return strlen(s) == n && memcmp(v, s, n) == 0;
}

static char *dup_cell(const reader *p, int c)
{
    size_t n;
    const char *s = text_cell(p, c, &n);
    return ts_strndup(s, n);
}

static ts_status bad_number(const reader *p, int c, const char *what)
{
    size_t n;
    const char *s = cell(p, c, &n);
    return ts_err_set(p->err, TS_E_DATA, "%s:%lu:%zu: %s: expected %s, got \"%.*s\"", p->path, p->rec->line,
                      p->col[c] + 1, COLUMN[c], what, (int)n, s);
}

/* Read column C as a number; an empty cell gives *OUT = EMPTY. */
static ts_status get_double(const reader *p, int c, double empty, double *out)
{
    size_t n;
    const char *s = cell(p, c, &n);
    if (n == 0) {
        *out = empty;
        return TS_OK;
    }
    if (ts_parse_double(s, n, out) != 0)
        return bad_number(p, c, "a number");
    return TS_OK;
}

static ts_status get_count(const reader *p, int c, long *out)
{
    size_t n;
    const char *s = cell(p, c, &n);
    int64_t v;
    if (n == 0) {
        *out = -1;
        return TS_OK;
    }
    if (ts_parse_int64(s, n, &v) != 0 || v < 0 || v > 2000000000)
        return bad_number(p, c, "a count");
    *out = (long)v;
    return TS_OK;
}

static void free_domain(ts_tdomain *d)
{
    for (size_t i = 0; i < d->ncells; i++) {
        free(d->cells[i].code);
        free(d->cells[i].label);
    }
    free(d->cells);
    free(d->codes);
    free(d->label);
}

void ts_tables_free(ts_tables *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ntables; i++) {
        ts_ttable *tb = &t->tables[i];
        for (size_t j = 0; j < tb->ndomains; j++)
            free_domain(&tb->domains[j]);
        free(tb->domains);
        for (size_t j = 0; j < tb->ndiffs; j++) {
            free(tb->diffs[j].codes);
            free(tb->diffs[j].label);
            free(tb->diffs[j].code);
            free(tb->diffs[j].cat_label);
        }
        free(tb->diffs);
        free(tb->id);
        free(tb->by);
        free(tb->variable);
    }
    free(t->tables);
    free(t->ids);
    free(t);
}

const ts_ttable *ts_tables_find(const ts_tables *t, const char *id)
{
    for (size_t i = 0; i < t->ntables; i++)
        if (strcmp(t->tables[i].id, id) == 0)
            return &t->tables[i];
    return NULL;
}

const char *ts_tables_ids(const ts_tables *t) { return t->ids ? t->ids : ""; }

size_t ts_tables_count(const ts_tables *t) { return t->ntables; }

const ts_ttable *ts_tables_at(const ts_tables *t, size_t i) { return &t->tables[i]; }

const ts_tcell *ts_tdomain_cell(const ts_tdomain *d, const char *code)
{
    for (size_t i = 0; i < d->ncells; i++)
        if (strcmp(d->cells[i].code, code) == 0)
            return &d->cells[i];
    return NULL;
}

static ts_status read_header(reader *p)
{
    for (int c = 0; c < NCOLS; c++) {
        p->col[c] = SIZE_MAX;
        for (size_t i = 0; i < p->rec->nfields; i++)
            if (strcmp(p->rec->fields[i].s, COLUMN[c]) == 0)
                p->col[c] = i;
        if (p->col[c] == SIZE_MAX && REQUIRED[c])
            return ts_err_set(p->err, TS_E_DATA,
                              "%s:%lu: no column named %s: not a tables CSV of tsunagari-tab (docs/tables-format.md)",
                              p->path, p->rec->line, COLUMN[c]);
    }
    return TS_OK;
}

/* Grow *V (of *N elements of SIZE bytes) by one zeroed element; returns it or NULL. */
static void *push(void **v, size_t *n, size_t size)
{
    char *nv = realloc(*v, (*n + 1) * size);
    if (!nv)
        return NULL;
    memset(nv + *n * size, 0, size);
    *v = nv;
    return nv + (*n)++ * size;
}

/* The table of the current row: the last one, or a new one (the file is sorted by table). */
static ts_status row_table(reader *p, ts_tables *t, ts_ttable **out)
{
    size_t idlen;
    (void)cell(p, COL_TABLE, &idlen);
    if (idlen == 0)
        return ts_err_set(p->err, TS_E_DATA, "%s:%lu:%zu: table: empty table id", p->path, p->rec->line,
                          p->col[COL_TABLE] + 1);
    ts_ttable *tb = t->ntables ? &t->tables[t->ntables - 1] : NULL;
    if (!tb || !same(p, COL_TABLE, tb->id)) {
        /* The file is sorted by table: a table seen before must not come back. */
        for (size_t i = 0; i < t->ntables; i++)
            if (same(p, COL_TABLE, t->tables[i].id))
                return ts_err_set(p->err, TS_E_DATA, "%s:%lu: table %s: its rows are not together (the file is sorted by table)",
                                  p->path, p->rec->line, t->tables[i].id);
        if (!(tb = push((void **)&t->tables, &t->ntables, sizeof *tb)) || !(tb->id = dup_cell(p, COL_TABLE)) ||
            !(tb->by = dup_cell(p, COL_BY)) || !(tb->variable = dup_cell(p, COL_VARIABLE)))
            return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    }
    *out = tb;
    return TS_OK;
}

/* A difference row (tsunagari-tab's differences = A - B, previous = FILE). */
static ts_status read_diff(reader *p, ts_tables *t)
{
    ts_ttable *tb;
    ts_status st = row_table(p, t, &tb);
    if (st != TS_OK)
        return st;
    ts_tdiff *x = push((void **)&tb->diffs, &tb->ndiffs, sizeof *x);
    if (!x || !(x->codes = dup_cell(p, COL_BY_CODES)) || !(x->label = dup_cell(p, COL_BY_LABELS)) ||
        !(x->code = dup_cell(p, COL_CODE)) || !(x->cat_label = dup_cell(p, COL_LABEL)))
        return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    x->line = p->rec->line;
    if ((st = get_double(p, COL_ESTIMATE, NAN, &x->estimate)) != TS_OK ||
        (st = get_double(p, COL_CI_LOW, NAN, &x->ci_low)) != TS_OK ||
        (st = get_double(p, COL_CI_HIGH, NAN, &x->ci_high)) != TS_OK ||
        (st = get_double(p, COL_P_VALUE, NAN, &x->p_value)) != TS_OK)
        return st;
    x->suppressed = same(p, COL_SUPPRESSED, "yes");
    if (x->suppressed)
        x->estimate = x->ci_low = x->ci_high = x->p_value = NAN;
    return TS_OK;
}

static ts_status read_row(reader *p, ts_tables *t, size_t *ncells)
{
    if (same(p, COL_STATISTIC, "difference")) {
        if (++*ncells > MAX_CELLS)
            return ts_err_set(p->err, TS_E_DATA, "%s:%lu: more than %d rows: not a tables CSV", p->path,
                              p->rec->line, MAX_CELLS);
        return read_diff(p, t);
    }
    if (!same(p, COL_STATISTIC, "share"))
        return TS_OK;
    if (++*ncells > MAX_CELLS)
        return ts_err_set(p->err, TS_E_DATA, "%s:%lu: more than %d shares: not a tables CSV", p->path,
                          p->rec->line, MAX_CELLS);
    ts_ttable *tb;
    ts_status st0 = row_table(p, t, &tb);
    if (st0 != TS_OK)
        return st0;
    tb->share = 1;
    ts_tdomain *d = tb->ndomains ? &tb->domains[tb->ndomains - 1] : NULL;
    if (!d || !same(p, COL_BY_CODES, d->codes) || !same(p, COL_BY_LABELS, d->label)) {
        if (!(d = push((void **)&tb->domains, &tb->ndomains, sizeof *d)) || !(d->codes = dup_cell(p, COL_BY_CODES)) ||
            !(d->label = dup_cell(p, COL_BY_LABELS)))
            return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
        d->line = p->rec->line;
        ts_status st;
        if ((st = get_count(p, COL_N, &d->n)) != TS_OK || (st = get_count(p, COL_MISSING_N, &d->missing_n)) != TS_OK ||
            (st = get_double(p, COL_CI_LEVEL, NAN, &d->ci_level)) != TS_OK)
            return st;
        /* an empty n is a withheld domain n (docs/tables-format.md): -1 */
    }
    ts_tcell *c = push((void **)&d->cells, &d->ncells, sizeof *c);
    if (!c || !(c->code = dup_cell(p, COL_CODE)) || !(c->label = dup_cell(p, COL_LABEL)))
        return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    ts_status st;
    if ((st = get_count(p, COL_N_CATEGORY, &c->n_category)) != TS_OK ||
        (st = get_double(p, COL_ESTIMATE, NAN, &c->estimate)) != TS_OK ||
        (st = get_double(p, COL_CI_LOW, NAN, &c->ci_low)) != TS_OK ||
        (st = get_double(p, COL_CI_HIGH, NAN, &c->ci_high)) != TS_OK)
        return st;
    c->suppressed = same(p, COL_SUPPRESSED, "yes");
    if (!c->suppressed && !same(p, COL_SUPPRESSED, "no"))
        return bad_number(p, COL_SUPPRESSED, "yes or no");
    if (c->suppressed) {
        /* Never draw what the tables stage withheld, whatever the row holds. */
        c->estimate = c->ci_low = c->ci_high = NAN;
    } else if (!(c->estimate >= 0 && c->estimate <= 1)) {
        return bad_number(p, COL_ESTIMATE, "a share from 0 to 1");
    }
    return TS_OK;
}

typedef struct loading {
    reader p;
    ts_tables *t;
    size_t ncells;
} loading;

static ts_status on_header(void *ctx, const ts_csvtable *tab, const ts_record *rec, ts_err *err)
{
    (void)tab, (void)err;
    loading *l = ctx;
    l->p.rec = rec;
    return read_header(&l->p);
}

static ts_status on_row(void *ctx, const ts_csvtable *tab, const ts_record *rec, ts_err *err)
{
    (void)tab, (void)err;
    loading *l = ctx;
    l->p.rec = rec;
    return read_row(&l->p, l->t, &l->ncells);
}

/* ts_tables_read and ts_tables_read_mem: PATH is read when DATA is NULL, else the N bytes at DATA. */
static ts_tables *tables_load(const char *path, const void *data, size_t n, ts_err *err)
{
    ts_tables *t = calloc(1, sizeof *t);
    if (!t) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    loading l = {.p = {.path = path, .err = err}, .t = t};
    ts_csvtable_opts opt = {.problem_column = 1, .on_header = on_header, .on_row = on_row, .ctx = &l};
    ts_csvtable *csv = data ? ts_csvtable_read_mem(data, n, path, TS_ENC_UTF8, &opt, err)
                            : ts_csvtable_read(path, TS_ENC_UTF8, &opt, err);
    if (!csv)
        goto fail;
    int have_header = csv->head != NULL;
    ts_csvtable_free(csv);
    if (!have_header) {
        ts_err_set(err, TS_E_DATA, "%s: empty file: not a tables CSV", path);
        goto fail;
    }
    ts_strbuf ids = TS_STRBUF_INIT;
    for (size_t i = 0; i < t->ntables; i++)
        if (ts_strbuf_printf(&ids, "%s%s", i ? ", " : "", t->tables[i].id) != 0) {
            ts_strbuf_free(&ids);
            ts_err_set(err, TS_E_NOMEM, "out of memory");
            goto fail;
        }
    t->ids = ts_strbuf_take(&ids);
    return t;
fail:
    ts_tables_free(t);
    return NULL;
}

ts_tables *ts_tables_read(const char *path, ts_err *err) { return tables_load(path, NULL, 0, err); }

ts_tables *ts_tables_read_mem(const void *data, size_t n, const char *name, ts_err *err)
{
    return tables_load(name, data ? data : "", n, err);
}
