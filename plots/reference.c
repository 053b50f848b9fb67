/* reference.c — see reference.h. */
#include "reference.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvreader.h"
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
        ts_strbuf_printf(&b, "全国（%s%d年）", year[0] == 'R' ? "令和" : "平成", (int)y);
    else
        ts_strbuf_printf(&b, "全国（%s）", year);
    return ts_strbuf_take(&b);
}

ts_reference *ts_reference_read(const char *path, const char *row, ts_err *err)
{
    ts_reference *r = calloc(1, sizeof *r);
    ts_csvreader *csv = NULL;
    if (!r) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    r->n = -1;
    if (!(csv = ts_csvreader_open(path, TS_ENC_UTF8, err)))
        goto fail;
    ts_record rec;
    int got, found = 0;
    size_t ncol = 0;
    char *header[64];
    while ((got = ts_csvreader_next(csv, &rec, err)) == 1) {
        if (rec.problem != TS_REC_OK) {
            ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: %s", path, rec.line, rec.problem_column, rec.problem_text);
            goto fail;
        }
        if (rec.nfields > 0 && rec.fields[0].s[0] == '#')
            continue;
        if (ncol == 0) {
            if (rec.nfields > 64) {
                ts_err_set(err, TS_E_DATA, "%s:%lu: more than 64 columns", path, rec.line);
                goto fail;
            }
            for (; ncol < rec.nfields; ncol++)
                if (!(header[ncol] = ts_strdup(rec.fields[ncol].s))) {
                    ts_err_set(err, TS_E_NOMEM, "out of memory");
                    goto fail_header;
                }
            ts_csvreader_expect_fields(csv, ncol);
            continue;
        }
        if (strcmp(rec.fields[0].s, row) != 0 || found)
            continue;
        found = 1;
        double sum = 0;
        for (size_t i = 1; i < ncol; i++) {
            const char *h = header[i], *code = NULL;
            const ts_field *f = &rec.fields[i];
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
                ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: %s: expected a percentage 0..100, got \"%s\"", path, rec.line,
                           i + 1, h, f->s);
                goto fail_header;
            }
            if (is_na) {
                r->no_answer = v / 100;
                continue;
            }
            if (r->ncodes == TS_REF_MAX) {
                ts_err_set(err, TS_E_DATA, "%s:%lu: more than %d answers", path, rec.line, TS_REF_MAX);
                goto fail_header;
            }
            r->code[r->ncodes] = ts_strdup(code);
            r->published[r->ncodes] = v / 100;
            r->share[r->ncodes++] = v;
            sum += v;
        }
        if (r->ncodes == 0 || !(sum > 0)) {
            ts_err_set(err, TS_E_DATA, "%s:%lu: no answer columns (often_always, sometimes, occasionally, hardly_ever, never, or codes)",
                       path, rec.line);
            goto fail_header;
        }
        /* Published percentages include 無回答 and are rounded: rescale the answers to 1,
         * as the survey's shares leave missing answers out. */
        for (size_t i = 0; i < r->ncodes; i++)
            r->share[i] /= sum;
        r->label = year_label(row);
    }
    for (size_t i = 0; i < ncol; i++)
        free(header[i]);
    ncol = 0;
    if (got < 0)
        goto fail;
    ts_status st = ts_csvreader_close(csv, err);
    csv = NULL;
    if (st != TS_OK)
        goto fail;
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
fail_header:
    for (size_t i = 0; i < ncol; i++)
        free(header[i]);
fail:
    if (csv) {
        ts_err scratch = TS_ERR_INIT;
        ts_csvreader_close(csv, &scratch);
        ts_err_clear(&scratch);
    }
    ts_reference_free(r);
    return NULL;
}
