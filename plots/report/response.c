/* response.c — tsunagari-report's response rates (docs/report.md, 標本と回答): how many
 * persons were drawn, overall and per domain, for every probability design — [design] drawn
 * (the number drawn overall), [design] drawn_frame (a CSV with the number drawn per domain:
 * per stratum, per school level ...), or a two-stage design's PSU frame (persons drawn per
 * point). The stratified frame's own sum is load.c's (frame_drawn), as before. Read while the
 * weighted dataset is in memory, since the respondents of each domain are counted from it. */
#include <stdlib.h>
#include <string.h>

#include "csvtable.h"
#include "numparse.h"
#include "report.h"
#include "strbuf.h"

/* The code of DOMAIN's label (Japanese or English) or code S; -1 when none. */
static int domain_code(const ts_var *v, const char *s, int64_t *out)
{
    for (size_t k = 0; k < v->ncodes; k++)
        if (strcmp(v->codes[k].label, s) == 0 || (v->codes[k].label_en && *v->codes[k].label_en &&
                                                  strcmp(v->codes[k].label_en, s) == 0)) {
            *out = v->codes[k].code;
            return 0;
        }
    return ts_parse_int64(s, strlen(s), out) == 0 && ts_var_code_index(v, *out) >= 0 ? 0 : -1;
}

/* The sum of column COL of the CSV FILE (the manifest's name, resolved); -1 with ERR set. */
static long sum_column(const rp_ctx *c, const char *file, const char *col, ts_csvtable **keep, ts_err *err)
{
    char *path = ts_manifest_resolve(c->m, file);
    ts_csvtable_opts opt = {.comments = TS_CSVTABLE_COMMENTS_ANY, .problem_column = 1, .keep_rows = 1};
    ts_csvtable *t = path ? ts_csvtable_read(path, TS_ENC_AUTO, &opt, err) : NULL;
    free(path);
    if (!t)
        return -1;
    long sum = 0;
    if (!t->head || ts_csvtable_col(t, col) < 0) {
        ts_err_set(err, TS_E_DATA, "%s: no column %s (the number drawn)", file, col);
        ts_csvtable_free(t);
        return -1;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        const char *s = ts_csvtable_get(t, r, col);
        int64_t x;
        if (ts_parse_int64(s, strlen(s), &x) != 0 || x < 0) {
            ts_err_set(err, TS_E_DATA, "%s:%lu: %s: expected a whole number of persons drawn, got \"%s\"", file,
                       t->line[r], col, s);
            ts_csvtable_free(t);
            return -1;
        }
        sum += (long)x;
    }
    if (keep)
        *keep = t;
    else
        ts_csvtable_free(t);
    return sum;
}

/* [design] drawn_frame: one row per domain, a label column named like a single-choice
 * variable of DS and the frame_sample column; each domain's respondents counted in DS. */
static ts_status domain_rates(rp_ctx *c, const ts_dataset *ds, const char *file, const char *col, ts_err *err)
{
    ts_csvtable *t = NULL;
    long sum = sum_column(c, file, col, &t, err);
    if (sum < 0)
        return err->status;
    const ts_var *v = NULL;
    for (size_t k = 0; k < t->ncols && !v; k++)
        if (strcmp(t->head[k], col) != 0) {
            const ts_var *x = ts_dataset_find(ds, t->head[k]);
            if (x && x->type == TS_VAR_SINGLE)
                v = x;
        }
    ts_status st = TS_OK;
    if (!v)
        st = ts_err_set(err, TS_E_DATA, "%s:%lu: no column named like a single-choice variable of the dataset (the "
                        "domain whose response rates are given, e.g. the stratum)", file, t->head_line);
    else if (!(c->rates = calloc(t->nrows ? t->nrows : 1, sizeof *c->rates)) || !(c->rates_var = ts_strdup(v->name)))
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    for (size_t r = 0; st == TS_OK && r < t->nrows; r++) {
        const char *s = ts_csvtable_get(t, r, v->name);
        int64_t code;
        if (domain_code(v, s, &code) != 0) {
            st = ts_err_set(err, TS_E_DATA, "%s:%lu: %s \"%s\" is no code or label of the codebook", file, t->line[r],
                            v->name, s);
            break;
        }
        long ci = ts_var_code_index(v, code);
        rp_rate *rt = &c->rates[c->nrates++];
        rt->drawn = atol(ts_csvtable_get(t, r, col));
        for (size_t i = 0; i < ds->nrows; i++)
            rt->answered += ts_var_int(v, i) == code;
        if (!(rt->label = ts_strdup(v->codes[ci].label)))
            st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    if (st == TS_OK)
        c->drawn_given = sum;
    ts_csvtable_free(t);
    return st;
}

ts_status rp_response_load(rp_ctx *c, const ts_dataset *ds, ts_err *err)
{
    c->drawn_given = -1;
    const char *col = c->design.frame_sample ? c->design.frame_sample : rp_get(c, "design", "frame_sample", NULL);
    const char *drawn = rp_get(c, "design", "drawn", NULL), *file = rp_get(c, "design", "drawn_frame", NULL);
    if (file && domain_rates(c, ds, file, col, err) != TS_OK)
        return err->status;
    if (drawn) /* the number drawn overall: the schema checked it is a whole number >= 1 */
        c->drawn_given = atol(drawn);
    else if (c->drawn_given < 0 && c->design.psu_frame) { /* two stages: persons drawn per PSU */
        long sum = sum_column(c, c->design.psu_frame, col, NULL, err);
        if (sum < 0)
            return err->status;
        c->drawn_given = sum;
    }
    return TS_OK;
}

void rp_response_free(rp_ctx *c)
{
    for (size_t k = 0; k < c->nrates; k++)
        free(c->rates[k].label);
    free(c->rates);
    free(c->rates_var);
}
