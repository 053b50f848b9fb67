/* reference.c — see reference.h. */
#include "reference.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvtable.h"
#include "i18n.h"
#include "numparse.h"
#include "strbuf.h"

static const struct {
    const char *column, *code;
} NAMED[] = {{"often_always", "5"}, {"sometimes", "4"}, {"occasionally", "3"}, {"hardly_ever", "2"}, {"never", "1"}};

void ts_reference_free(ts_reference *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ncodes; i++)
        free(r->code[i]);
    free(r->label);
    free(r->source);
    free(r);
}

double ts_reference_share(const ts_reference *r, const char *code)
{
    for (size_t i = 0; i < r->ncodes; i++)
        if (strcmp(r->code[i], code) == 0)
            return r->share[i];
    return NAN;
}

double ts_reference_option_share(const ts_reference *r, const char *code)
{
    for (size_t i = 0; i < r->ncodes; i++)
        if (strcmp(r->code[i], code) == 0)
            return r->no_answer < 1 ? r->published[i] / (1 - r->no_answer) : NAN;
    return NAN;
}

/* 「全国（令和4年）」 from a year written R4 (令和) or H30 (平成); other years as given. */
static char *year_label(const char *year)
{
    ts_strbuf b = TS_STRBUF_INIT;
    int64_t y;
    if ((year[0] == 'R' || year[0] == 'H') && ts_parse_int64(year + 1, strlen(year + 1), &y) == 0 && y > 0 && y < 100)
        ts_strbuf_printf(&b, TR("全国（%s%d年）"), year[0] == 'R' ? TR("令和") : TR("平成"), (int)y);
    else
        ts_strbuf_printf(&b, TR("全国（%s）"), year);
    return ts_strbuf_take(&b);
}

typedef struct loading {
    ts_reference *r;
    const char *path, *row;
    int found;
} loading;

/* The row named ROW (the first such; others are read and checked, not used). */
static ts_status on_row(void *ctx, const ts_csvtable *t, const ts_record *rec, ts_err *err)
{
    loading *l = ctx;
    ts_reference *r = l->r;
    if (strcmp(rec->fields[0].s, l->row) != 0 || l->found)
        return TS_OK;
    l->found = 1;
    double sum = 0;
    for (size_t i = 1; i < t->ncols; i++) {
        const char *h = t->head[i], *code = NULL;
        const ts_field *f = &rec->fields[i];
        for (size_t k = 0; k < sizeof NAMED / sizeof NAMED[0]; k++)
            if (strcmp(h, NAMED[k].column) == 0)
                code = NAMED[k].code;
        int64_t dummy;
        if (!code && ts_parse_int64(h, strlen(h), &dummy) == 0)
            code = h;
        double v;
        int is_na = strcmp(h, "no_answer") == 0;
        if (strcmp(h, "respondents") == 0) {
            int64_t n;
            if (ts_parse_int64(f->s, f->len, &n) == 0 && n >= 0 && n < 2000000000)
                r->n = (long)n;
            continue;
        }
        if (strcmp(h, "source") == 0) {
            free(r->source);
            r->source = ts_strdup(f->s);
            continue;
        }
        if (!code && !is_na)
            continue;
        if (ts_parse_double(f->s, f->len, &v) != 0 || v < 0 || v > 100) {
            ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: %s: expected a percentage 0..100, got \"%s\"", l->path, rec->line,
                       i + 1, h, f->s);
            return TS_E_DATA;
        }
        if (is_na) {
            r->no_answer = v / 100;
            continue;
        }
        if (r->ncodes == TS_REF_MAX) {
            ts_err_set(err, TS_E_DATA, "%s:%lu: more than %d answers", l->path, rec->line, TS_REF_MAX);
            return TS_E_DATA;
        }
        r->code[r->ncodes] = ts_strdup(code);
        r->published[r->ncodes] = v / 100;
        r->share[r->ncodes++] = v;
        sum += v;
    }
    if (r->ncodes == 0 || !(sum > 0)) {
        ts_err_set(err, TS_E_DATA, "%s:%lu: no answer columns (often_always, sometimes, occasionally, hardly_ever, never, or codes)",
                   l->path, rec->line);
        return TS_E_DATA;
    }
    /* Published percentages include 無回答 and are rounded: rescale the answers to 1,
     * as the survey's shares leave missing answers out. */
    for (size_t i = 0; i < r->ncodes; i++)
        r->share[i] /= sum;
    r->label = year_label(l->row);
    return TS_OK;
}

ts_reference *ts_reference_read(const char *path, const char *row, ts_err *err)
{
    ts_reference *r = calloc(1, sizeof *r);
    if (!r) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    r->n = -1;
    loading l = {.r = r, .path = path, .row = row};
    ts_csvtable_opts opt = {.max_cols = 64, .comments = TS_CSVTABLE_COMMENTS, .problem_column = 1, .on_row = on_row, .ctx = &l};
    ts_csvtable *csv = ts_csvtable_read(path, TS_ENC_UTF8, &opt, err);
    if (!csv)
        goto fail;
    ts_csvtable_free(csv);
    int found = l.found;
    if (!found) {
        ts_err_set(err, TS_E_DATA, "%s: no row %s (the first column names the rows)", path, row);
        goto fail;
    }
    if (!r->source)
        r->source = ts_strdup("");
    if (!r->label || !r->source) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto fail;
    }
    return r;
fail:
    ts_reference_free(r);
    return NULL;
}
