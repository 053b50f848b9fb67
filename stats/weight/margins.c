/* margins.c — see margins.h. */
#include "margins.h"
#include "grow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvtable.h"
#include "numparse.h"
#include "strbuf.h"

void margin_free(margin_table *m)
{
    if (!m)
        return;
    free(m->file);
    free(m->vars);
    free(m->codes);
    free(m->total);
    free(m->line);
    free(m);
}

long margin_find(const margin_table *m, const int32_t *codes)
{
    for (size_t c = 0; c < m->ncells; c++)
        if (memcmp(&m->codes[c * m->nvars], codes, m->nvars * sizeof *codes) == 0)
            return (long)c;
    return -1;
}

char *margin_cell_name(const margin_table *m, size_t c)
{
    ts_strbuf b = TS_STRBUF_INIT;
    for (size_t k = 0; k < m->nvars; k++) {
        const ts_var *v = m->vars[k];
        long i = ts_var_code_index(v, m->codes[c * m->nvars + k]);
        if (k)
            ts_strbuf_append_str(&b, " × ");
        if (i >= 0)
            ts_strbuf_append_str(&b, v->codes[i].label);
        else
            ts_strbuf_printf(&b, "%d", m->codes[c * m->nvars + k]);
    }
    return ts_strbuf_take(&b);
}

/* The code whose label (Japanese or English) or number is S, or -1 with nothing found. */
static int code_of(const ts_var *v, const char *s, size_t n, int32_t *out)
{
    for (size_t i = 0; i < v->ncodes; i++)
        if ((strlen(v->codes[i].label) == n && memcmp(v->codes[i].label, s, n) == 0) ||
            (v->codes[i].label_en[0] && strlen(v->codes[i].label_en) == n && memcmp(v->codes[i].label_en, s, n) == 0)) {
            *out = v->codes[i].code;
            return 0;
        }
    int64_t x;
    if (ts_parse_int64(s, n, &x) == 0 && ts_var_code_index(v, x) >= 0) {
        *out = (int32_t)x;
        return 0;
    }
    return -1;
}

/* Add TOTAL to the cell CODES (a new one at the end if none). Returns its index, or -1 (out
 * of memory). */
static long add_cell(margin_table *m, const int32_t *codes, double total, unsigned long line)
{
    long c = margin_find(m, codes);
    if (c >= 0) {
        m->total[c] += total;
        return c;
    }
    size_t n = m->ncells + 1;
    int32_t *cc = realloc(m->codes, n * m->nvars * sizeof *cc);
    if (!cc)
        return -1;
    m->codes = cc;
    double *t = realloc(m->total, n * sizeof *t);
    if (!t)
        return -1;
    m->total = t;
    unsigned long *l = realloc(m->line, n * sizeof *l);
    if (!l)
        return -1;
    m->line = l;
    memcpy(&m->codes[m->ncells * m->nvars], codes, m->nvars * sizeof *codes);
    m->total[m->ncells] = total;
    m->line[m->ncells] = line;
    m->ncells = n;
    return (long)n - 1;
}

/* Every data row of the file, kept until all are read to find a cell named twice. */
typedef struct row_key {
    unsigned long line;
    char **piece;         /* per file column: how the row names the cell there; NULL: not a label */
    char *key;            /* the label pieces joined, for sorting */
} row_key;

typedef struct row_keys {
    row_key *v;
    size_t n, cap, nfields;
} row_keys;

static void keys_free(row_keys *k)
{
    for (size_t i = 0; i < k->n; i++) {
        for (size_t j = 0; k->v[i].piece && j < k->nfields; j++)
            free(k->v[i].piece[j]);
        free(k->v[i].piece);
        free(k->v[i].key);
    }
    free(k->v);
}

/* Note how REC names its cell. A column of a coded variable counts by code, so 男性, Male and
 * 1 are one cell; any other column by its text as written (trimmed). The count column is no
 * label. Returns 0 or -1 (out of memory). */
static int keys_add(row_keys *k, const ts_dataset *ds, const ts_record *rec, char *const *header, long count_col)
{
    row_key *grown = ts_grow(k->v, &k->cap, k->n + 1, sizeof *grown, 64);
    if (!grown)
        return -1;
    k->v = grown;
    row_key *rk = &k->v[k->n++];
    rk->line = rec->line;
    rk->key = NULL;
    if (!(rk->piece = calloc(k->nfields ? k->nfields : 1, sizeof *rk->piece)))
        return -1;
    for (size_t i = 0; i < k->nfields; i++) {
        if ((long)i == count_col)
            continue;
        const char *s = rec->fields[i].s;
        size_t n = rec->fields[i].len;
        ts_trim(&s, &n);
        const ts_var *v = ts_dataset_find(ds, header[i]);
        int32_t code;
        ts_strbuf b = TS_STRBUF_INIT;
        if (v && v->type == TS_VAR_SINGLE && code_of(v, s, n, &code) == 0)
            ts_strbuf_printf(&b, "\x01%ld", (long)code);
        else
            ts_strbuf_append(&b, s, n);
        if (!(rk->piece[i] = ts_strbuf_take(&b)))
            return -1;
    }
    return 0;
}

static int cmp_keys(const void *a, const void *b)
{
    const row_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Two rows that name the same cell would be summed into one target, doubling it. Rows are
 * summed only when they are finer than the cell asked for, which a label column must show:
 * a column named after a dataset variable, or any column that is not all numbers (a numeric
 * column the dataset does not know is a count, like the frame's population beside sample).
 * Returns TS_OK, or TS_E_DATA naming both lines. */
static ts_status check_twice(row_keys *k, const ts_dataset *ds, char *const *header,
                             const char *file, ts_err *err)
{
    if (k->n < 2)
        return TS_OK;
    unsigned char *label = calloc(k->nfields ? k->nfields : 1, 1);
    if (!label)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    for (size_t j = 0; j < k->nfields; j++) {
        if (!k->v[0].piece[j])
            continue; /* the count column */
        label[j] = ts_dataset_find(ds, header[j]) != NULL;
        for (size_t i = 0; i < k->n && !label[j]; i++) {
            const char *s = k->v[i].piece[j];
            double x;
            label[j] = *s && ts_parse_double(s, strlen(s), &x) != 0;
        }
    }
    ts_status st = TS_OK;
    for (size_t i = 0; i < k->n && st == TS_OK; i++) {
        ts_strbuf b = TS_STRBUF_INIT;
        for (size_t j = 0; j < k->nfields; j++)
            if (label[j]) {
                ts_strbuf_append_str(&b, k->v[i].piece[j]);
                ts_strbuf_append_char(&b, '\x1f');
            }
        if (!(k->v[i].key = ts_strbuf_take(&b)))
            st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    if (st != TS_OK) {
        free(label);
        return st;
    }
    qsort(k->v, k->n, sizeof *k->v, cmp_keys);
    /* Name the first repeat in file order, and the line it repeats. */
    size_t best = 0, first = 0;
    for (size_t i = 1, start = 0; i < k->n; i++) {
        if (strcmp(k->v[i].key, k->v[start].key) != 0) {
            start = i;
            continue;
        }
        if (i == start + 1 && (!best || k->v[i].line < k->v[best].line)) {
            best = i;
            first = start;
        }
    }
    if (best) {
        /* The cell by the labels of the codebook, over every label column. */
        const row_key *rk = &k->v[best];
        ts_strbuf name = TS_STRBUF_INIT;
        for (size_t j = 0; j < k->nfields; j++) {
            if (!label[j])
                continue;
            const ts_var *v = ts_dataset_find(ds, header[j]);
            const char *piece = rk->piece[j];
            if (name.len)
                ts_strbuf_append_str(&name, " × ");
            long ci = v && piece[0] == '\x01' ? ts_var_code_index(v, atol(piece + 1)) : -1;
            ts_strbuf_append_str(&name, ci >= 0 ? v->codes[ci].label : piece);
        }
        st = ts_err_set(err, TS_E_DATA, "%s:%lu: %s: the same cell as line %lu", file, rk->line,
                        name.data ? name.data : "", k->v[first].line);
        ts_strbuf_free(&name);
    }
    free(label);
    return st;
}

typedef struct loading {
    margin_table *m;
    const ts_dataset *ds;
    const char *file, *count;
    char *const *names;
    size_t *col;
    int32_t *codes;
    long count_col;
    row_keys keys;
} loading;

/* Find the margin variables and the count column by name. */
static ts_status on_header(void *ctx, const ts_csvtable *t, const ts_record *rec, ts_err *err)
{
    loading *l = ctx;
    for (size_t k = 0; k < l->m->nvars; k++) {
        l->col[k] = SIZE_MAX;
        for (size_t i = 0; i < rec->nfields; i++)
            if (strcmp(rec->fields[i].s, l->names[k]) == 0)
                l->col[k] = i;
        if (l->col[k] == SIZE_MAX)
            return ts_err_set(err, TS_E_DATA, "%s:%lu: no column named %s (the header names the variables)", l->file,
                              rec->line, l->names[k]);
    }
    for (size_t i = 0; i < rec->nfields; i++)
        if (strcmp(rec->fields[i].s, l->count) == 0)
            l->count_col = (long)i;
    if (l->count_col < 0)
        return ts_err_set(err, TS_E_DATA, "%s:%lu: no count column named %s", l->file, rec->line, l->count);
    l->keys.nfields = t->ncols;
    return TS_OK;
}

/* One cell: its codes and its count. */
static ts_status on_row(void *ctx, const ts_csvtable *t, const ts_record *rec, ts_err *err)
{
    loading *l = ctx;
    margin_table *m = l->m;
    for (size_t k = 0; k < m->nvars; k++) {
        const char *s = rec->fields[l->col[k]].s;
        size_t n = rec->fields[l->col[k]].len;
        ts_trim(&s, &n);
        if (code_of(m->vars[k], s, n, &l->codes[k]) != 0)
            return ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: \"%.*s\" is not a label or code of %s", l->file, rec->line,
                              l->col[k] + 1, (int)n, s, l->names[k]);
    }
    double total;
    const ts_field *f = &rec->fields[l->count_col];
    if (ts_parse_double(f->s, f->len, &total) != 0 || total < 0)
        return ts_err_set(err, TS_E_DATA, "%s:%lu:%ld: %s: expected a count of 0 or more, got \"%s\"", l->file,
                          rec->line, l->count_col + 1, l->count, f->s);
    long c = add_cell(m, l->codes, total, rec->line);
    if (c < 0 || keys_add(&l->keys, l->ds, rec, t->head, l->count_col) != 0)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    /* Finer rows summed past the largest double would be an infinite target (found by
     * tests/fuzz/fuzz_margins.c). */
    if (!isfinite(m->total[c]))
        return ts_err_set(err, TS_E_DATA, "%s:%lu:%ld: %s: the counts of this cell add up to more than a number can hold",
                          l->file, rec->line, l->count_col + 1, l->count);
    return TS_OK;
}

/* margin_read and margin_read_mem: FILE is read when DATA is NULL, else the N bytes at DATA. */
static margin_table *margin_load(const char *file, const void *data, size_t n, const ts_dataset *ds,
                                 char *const *names, size_t nnames, const char *count, ts_err *err)
{
    margin_table *m = calloc(1, sizeof *m);
    ts_csvtable *csv = NULL;
    loading l = {.m = m, .ds = ds, .file = file, .count = count, .names = names, .count_col = -1};
    if (!m || !(m->file = ts_strdup(file)) || !(m->vars = calloc(nnames ? nnames : 1, sizeof *m->vars)) ||
        !(l.col = calloc(nnames ? nnames : 1, sizeof *l.col)) ||
        !(l.codes = calloc(nnames ? nnames : 1, sizeof *l.codes))) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto fail;
    }
    m->nvars = nnames;
    for (size_t k = 0; k < nnames; k++) {
        m->vars[k] = ts_dataset_find(ds, names[k]);
        if (!m->vars[k] || !(m->vars[k]->type == TS_VAR_SINGLE)) {
            ts_err_set(err, TS_E_DATA, "%s: margin variable %s %s", file, names[k],
                       m->vars[k] ? "is not a single-choice (coded) variable" : "is not in the dataset");
            goto fail;
        }
    }
    ts_csvtable_opts opt = {.comments = TS_CSVTABLE_COMMENTS_ANY, .problem_column = 1, .on_header = on_header,
                            .on_row = on_row, .ctx = &l};
    if (!(csv = data ? ts_csvtable_read_mem(data, n, file, TS_ENC_AUTO, &opt, err)
                     : ts_csvtable_read(file, TS_ENC_AUTO, &opt, err)))
        goto fail;
    if (m->ncells == 0) {
        ts_err_set(err, TS_E_DATA, "%s: no rows", file);
        goto fail;
    }
    if (check_twice(&l.keys, ds, csv->head, file, err) != TS_OK)
        goto fail;
    ts_csvtable_free(csv);
    keys_free(&l.keys);
    free(l.col);
    free(l.codes);
    return m;
fail:
    ts_csvtable_free(csv);
    keys_free(&l.keys);
    free(l.col);
    free(l.codes);
    margin_free(m);
    return NULL;
}

margin_table *margin_read(const char *file, const ts_dataset *ds, char *const *names, size_t nnames,
                          const char *count, ts_err *err)
{
    return margin_load(file, NULL, 0, ds, names, nnames, count, err);
}

margin_table *margin_read_mem(const void *data, size_t n, const char *name, const ts_dataset *ds,
                              char *const *names, size_t nnames, const char *count, ts_err *err)
{
    return margin_load(name, data ? data : "", n, ds, names, nnames, count, err);
}
