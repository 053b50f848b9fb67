/* margins.c — see margins.h. */
#include "margins.h"

#include <stdlib.h>
#include <string.h>

#include "csvreader.h"
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

static int add_cell(margin_table *m, const int32_t *codes, double total, unsigned long line)
{
    long c = margin_find(m, codes);
    if (c >= 0) {
        m->total[c] += total;
        return 0;
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
    return 0;
}

margin_table *margin_read(const char *file, const ts_dataset *ds, char *const *names, size_t nnames,
                          const char *count, ts_err *err)
{
    margin_table *m = calloc(1, sizeof *m);
    ts_csvreader *r = NULL;
    size_t *col = NULL;
    int32_t *codes = NULL;
    long count_col = -1;
    if (!m || !(m->file = ts_strdup(file)) || !(m->vars = calloc(nnames ? nnames : 1, sizeof *m->vars)) ||
        !(col = calloc(nnames ? nnames : 1, sizeof *col)) || !(codes = calloc(nnames ? nnames : 1, sizeof *codes))) {
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
    if (!(r = ts_csvreader_open(file, TS_ENC_AUTO, err)))
        goto fail;
    ts_record rec;
    int got, header = 0;
    while ((got = ts_csvreader_next(r, &rec, err)) == 1) {
        if (rec.nfields > 0 && rec.fields[0].len > 0 && rec.fields[0].s[0] == '#')
            continue;
        if (rec.problem != TS_REC_OK) {
            ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: %s", file, rec.line, rec.problem_column, rec.problem_text);
            goto fail;
        }
        if (!header) {
            header = 1;
            for (size_t k = 0; k < nnames; k++) {
                col[k] = SIZE_MAX;
                for (size_t i = 0; i < rec.nfields; i++)
                    if (strcmp(rec.fields[i].s, names[k]) == 0)
                        col[k] = i;
                if (col[k] == SIZE_MAX) {
                    ts_err_set(err, TS_E_DATA, "%s:%lu: no column named %s (the header names the variables)", file,
                               rec.line, names[k]);
                    goto fail;
                }
            }
            for (size_t i = 0; i < rec.nfields; i++)
                if (strcmp(rec.fields[i].s, count) == 0)
                    count_col = (long)i;
            if (count_col < 0) {
                ts_err_set(err, TS_E_DATA, "%s:%lu: no count column named %s", file, rec.line, count);
                goto fail;
            }
            ts_csvreader_expect_fields(r, rec.nfields);
            continue;
        }
        for (size_t k = 0; k < nnames; k++) {
            const char *s = rec.fields[col[k]].s;
            size_t n = rec.fields[col[k]].len;
            ts_trim(&s, &n);
            if (code_of(m->vars[k], s, n, &codes[k]) != 0) {
                ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: \"%.*s\" is not a label or code of %s", file, rec.line,
                           col[k] + 1, (int)n, s, names[k]);
                goto fail;
            }
        }
        double total;
        const ts_field *f = &rec.fields[count_col];
        if (ts_parse_double(f->s, f->len, &total) != 0 || total < 0) {
            ts_err_set(err, TS_E_DATA, "%s:%lu:%ld: %s: expected a count of 0 or more, got \"%s\"", file, rec.line,
                       count_col + 1, count, f->s);
            goto fail;
        }
        if (add_cell(m, codes, total, rec.line) != 0) {
            ts_err_set(err, TS_E_NOMEM, "out of memory");
            goto fail;
        }
    }
    if (got < 0)
        goto fail;
    if (ts_csvreader_close(r, err) != TS_OK) {
        r = NULL;
        goto fail;
    }
    r = NULL;
    if (m->ncells == 0) {
        ts_err_set(err, TS_E_DATA, "%s: no rows", file);
        goto fail;
    }
    free(col);
    free(codes);
    return m;
fail:
    ts_csvreader_close(r, NULL);
    free(col);
    free(codes);
    margin_free(m);
    return NULL;
}
