/* csvtable.c — see csvtable.h. */
#include "csvtable.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "strbuf.h"

void ts_csvtable_free(ts_csvtable *t)
{
    if (!t)
        return;
    if (t->head)
        for (size_t i = 0; i < t->ncols; i++)
            free(t->head[i]);
    free(t->head);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i < t->ncols; i++)
            free(t->rows[r][i]);
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->line);
    free(t);
}

long ts_csvtable_col(const ts_csvtable *t, const char *name)
{
    for (size_t i = 0; t->head && i < t->ncols; i++)
        if (strcmp(t->head[i], name) == 0)
            return (long)i;
    return -1;
}

const char *ts_csvtable_get(const ts_csvtable *t, size_t r, const char *name)
{
    long i = ts_csvtable_col(t, name);
    return i < 0 || r >= t->nrows ? "" : t->rows[r][i];
}

static int is_comment(const ts_record *rec)
{
    return rec->nfields > 0 && rec->fields[0].len > 0 && rec->fields[0].s[0] == '#';
}

/* Copy the fields of REC (NCOLS of them: the reader holds rows to the header's count). */
static char **copy_fields(const ts_record *rec, size_t ncols)
{
    char **v = calloc(ncols ? ncols : 1, sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < ncols; i++)
        if (!(v[i] = ts_strdup(i < rec->nfields ? rec->fields[i].s : ""))) {
            while (i--)
                free(v[i]);
            free(v);
            return NULL;
        }
    return v;
}

static ts_status keep_row(ts_csvtable *t, size_t *cap, const ts_record *rec)
{
    size_t lcap = *cap;
    char ***nr = ts_grow(t->rows, cap, t->nrows + 1, sizeof *nr, 64);
    if (!nr)
        return TS_E_NOMEM;
    t->rows = nr;
    unsigned long *nl = ts_grow(t->line, &lcap, t->nrows + 1, sizeof *nl, 64);
    if (!nl)
        return TS_E_NOMEM;
    t->line = nl;
    char **row = copy_fields(rec, t->ncols);
    if (!row)
        return TS_E_NOMEM;
    t->rows[t->nrows] = row;
    t->line[t->nrows++] = rec->line;
    return TS_OK;
}

static ts_csvtable *read_all(ts_csvreader *r, const char *name, const ts_csvtable_opts *opt, ts_err *err)
{
    static const ts_csvtable_opts none = {0};
    if (!opt)
        opt = &none;
    ts_csvtable *t = calloc(1, sizeof *t);
    ts_record rec;
    int got;
    size_t cap = 0;
    if (!t)
        goto oom;
    while ((got = ts_csvreader_next(r, &rec, err)) == 1) {
        if (opt->comments == TS_CSVTABLE_COMMENTS_ANY && is_comment(&rec))
            continue;
        if (rec.problem != TS_REC_OK) {
            const char *why = rec.problem_text ? rec.problem_text : "bad row";
            if (opt->problem_column)
                ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: %s", name, rec.line, rec.problem_column, why);
            else
                ts_err_set(err, TS_E_DATA, "%s:%lu: %s", name, rec.line, why);
            goto fail;
        }
        if (opt->comments == TS_CSVTABLE_COMMENTS && is_comment(&rec))
            continue;
        if (!t->head) {
            if (opt->max_cols && rec.nfields > opt->max_cols) {
                ts_err_set(err, TS_E_DATA, "%s:%lu: more than %zu columns", name, rec.line, opt->max_cols);
                goto fail;
            }
            if (!(t->head = copy_fields(&rec, rec.nfields)))
                goto oom;
            t->ncols = rec.nfields;
            t->head_line = rec.line;
            ts_csvreader_expect_fields(r, t->ncols);
            if (opt->on_header && opt->on_header(opt->ctx, t, &rec, err) != TS_OK)
                goto fail;
            continue;
        }
        if (opt->keep_rows) {
            if (opt->max_rows && t->nrows >= opt->max_rows) {
                ts_err_set(err, TS_E_DATA, "%s: more than %zu rows", name, opt->max_rows);
                goto fail;
            }
            if (keep_row(t, &cap, &rec) != TS_OK)
                goto oom;
        }
        if (opt->on_row && opt->on_row(opt->ctx, t, &rec, err) != TS_OK)
            goto fail;
    }
    if (got < 0)
        goto fail;
    if (ts_csvreader_close(r, err) != TS_OK) {
        ts_csvtable_free(t);
        return NULL;
    }
    return t;
oom:
    ts_err_set(err, TS_E_NOMEM, "out of memory");
fail:
    ts_csvreader_close(r, NULL);
    ts_csvtable_free(t);
    return NULL;
}

ts_csvtable *ts_csvtable_read(const char *path, ts_encoding enc, const ts_csvtable_opts *opt, ts_err *err)
{
    ts_csvreader *r = ts_csvreader_open(path, enc, err);
    return r ? read_all(r, path, opt, err) : NULL;
}

ts_csvtable *ts_csvtable_read_mem(const void *data, size_t n, const char *name, ts_encoding enc,
                                  const ts_csvtable_opts *opt, ts_err *err)
{
    ts_csvreader *r = ts_csvreader_open_mem(data, n, name, enc, err);
    return r ? read_all(r, name, opt, err) : NULL;
}
