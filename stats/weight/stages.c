/* stages.c — tsunagari-weight's later sampling stages (docs/weighting.md, step 2): a design
 * whose [design] cluster names a unit per stage (cluster = point, id). The PSU frame
 * ([design] psu_frame: one row per drawn PSU with the number of second-stage units in it and
 * the number drawn) gives the second factor of the base weight, (M_h/m_h) × (N_hi/n_hi), and
 * with fpc = yes the second stage's population sizes; fpc given as one variable per stage is
 * checked here against the rows, so that a mistake is reported with the manifest's line. */
#include "wctx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvtable.h"
#include "numparse.h"

/* "survey.ini:14: [design] KEY: " into OUT. */
static void where(const wctx *c, const char *key, ts_strbuf *out)
{
    wctx_where(c, "design", key, out);
    ts_strbuf_append_str(out, ": ");
}

/* The stratum code a frame cell names: a code, or its Japanese or English label. -1: none. */
static int stratum_code(const ts_var *sv, const char *s, int64_t *out)
{
    size_t n = strlen(s);
    ts_trim(&s, &n);
    for (size_t k = 0; k < sv->ncodes; k++)
        if ((strlen(sv->codes[k].label) == n && memcmp(sv->codes[k].label, s, n) == 0) ||
            (sv->codes[k].label_en && *sv->codes[k].label_en && strlen(sv->codes[k].label_en) == n &&
             memcmp(sv->codes[k].label_en, s, n) == 0)) {
            *out = sv->codes[k].code;
            return 0;
        }
    return ts_parse_int64(s, n, out) == 0 && ts_var_code_index(sv, *out) >= 0 ? 0 : -1;
}

/* One row of the PSU frame: the PSU (its stratum code, or 0 unstratified, and its id) and
 * its counts. */
typedef struct psu_row {
    int64_t stratum, id;
    double population, sample;
    unsigned long line;
} psu_row;

/* Read the PSU frame into *ROWS (*N of them): columns named like [design] strata (when the
 * design is stratified: labels or codes) and like the PSU variable (ids as in the data), and
 * frame_population / frame_sample. */
static ts_status read_psu_frame(const wctx *c, const char *path, psu_row **rows, size_t *n, ts_err *err)
{
    ts_csvtable_opts opt = {.comments = TS_CSVTABLE_COMMENTS_ANY, .problem_column = 1, .keep_rows = 1};
    ts_csvtable *t = ts_csvtable_read(path, TS_ENC_AUTO, &opt, err);
    if (!t)
        return err->status;
    const char *pop = c->design.frame_population ? c->design.frame_population : "population";
    const char *smp = c->design.frame_sample ? c->design.frame_sample : "sample";
    const char *need[3] = {c->cluster->name, pop, smp};
    ts_status st = TS_OK;
    if (!t->head)
        st = ts_err_set(err, TS_E_DATA, "%s: empty file; expected a header naming %s, %s and %s", c->design.psu_frame,
                        need[0], pop, smp);
    for (int k = 0; st == TS_OK && k < 3; k++)
        if (ts_csvtable_col(t, need[k]) < 0)
            st = ts_err_set(err, TS_E_DATA, "%s:%lu: no column %s (the header must name %s%s%s, %s and %s)",
                            c->design.psu_frame, t->head_line, need[k], c->strata ? c->strata->name : "",
                            c->strata ? ", " : "", need[0], pop, smp);
    if (st == TS_OK && c->strata && ts_csvtable_col(t, c->strata->name) < 0)
        st = ts_err_set(err, TS_E_DATA, "%s:%lu: no column %s: a stratified design's PSU frame names each PSU's "
                        "stratum", c->design.psu_frame, t->head_line, c->strata->name);
    if (st == TS_OK && !(*rows = calloc(t->nrows ? t->nrows : 1, sizeof **rows)))
        st = wctx_nomem(err);
    for (size_t r = 0; st == TS_OK && r < t->nrows; r++) {
        psu_row *p = &(*rows)[r];
        const char *id = ts_csvtable_get(t, r, need[0]), *a = ts_csvtable_get(t, r, pop), *b = ts_csvtable_get(t, r, smp);
        p->line = t->line[r];
        if (c->strata && stratum_code(c->strata, ts_csvtable_get(t, r, c->strata->name), &p->stratum) != 0)
            st = ts_err_set(err, TS_E_DATA, "%s:%lu: %s \"%s\" is no stratum of the codebook", c->design.psu_frame,
                            p->line, c->strata->name, ts_csvtable_get(t, r, c->strata->name));
        else if (ts_parse_int64(id, strlen(id), &p->id) != 0)
            st = ts_err_set(err, TS_E_DATA, "%s:%lu: %s \"%s\" is not a PSU id (a whole number)", c->design.psu_frame,
                            p->line, need[0], id);
        else if (ts_parse_double(a, strlen(a), &p->population) != 0 || !(p->population > 0) ||
                 ts_parse_double(b, strlen(b), &p->sample) != 0 || !(p->sample > 0) || p->sample > p->population)
            st = ts_err_set(err, TS_E_DATA, "%s:%lu: PSU %s = %lld: expected a population and a number drawn with "
                            "0 < %s <= %s, got \"%s\" and \"%s\"", c->design.psu_frame, p->line, need[0],
                            (long long)p->id, smp, pop, a, b);
        for (size_t q = 0; st == TS_OK && q < r; q++)
            if ((*rows)[q].id == p->id && (*rows)[q].stratum == p->stratum)
                st = ts_err_set(err, TS_E_DATA, "%s:%lu: PSU %s = %lld: the same PSU as line %lu", c->design.psu_frame,
                                p->line, need[0], (long long)p->id, (*rows)[q].line);
    }
    if (st == TS_OK)
        *n = t->nrows;
    ts_csvtable_free(t);
    return st;
}

ts_status later_stages(wctx *c, int base, int want_fpc, ts_err *err)
{
    const ts_design *d = &c->design;
    if (d->nsub == 0)
        return TS_OK;
    ts_status st = TS_OK;
    ts_strbuf at = TS_STRBUF_INIT;
    if (!d->psu_frame && base) {
        where(c, "weight", &at);
        st = ts_err_set(err, TS_E_DATA, "%sbase with two stages (cluster = %s, %s) needs [design] psu_frame, the "
                        "frame of the drawn PSUs (the second factor N_hi/n_hi of the base weight)", at.data,
                        d->cluster, d->subcluster[0]);
        ts_strbuf_free(&at);
        return st;
    }
    if (d->psu_frame) {
        char *path = ts_manifest_resolve(c->m, d->psu_frame);
        psu_row *rows = NULL;
        size_t nr = 0;
        st = path ? read_psu_frame(c, path, &rows, &nr, err) : wctx_nomem(err);
        free(path);
        if (st == TS_OK && want_fpc && !(c->subfpc = malloc((c->n ? c->n : 1) * sizeof *c->subfpc)))
            st = wctx_nomem(err);
        for (size_t i = 0; st == TS_OK && i < c->n; i++) {
            if (c->subfpc)
                c->subfpc[i] = NAN;
            if (!c->in[i])
                continue;
            int64_t h = c->strata ? ts_var_int(c->strata, i) : 0, id = ts_var_int(c->cluster, i);
            size_t r = 0;
            while (r < nr && !(rows[r].id == id && rows[r].stratum == h))
                r++;
            if (r == nr) {
                ts_strbuf who = TS_STRBUF_INIT;
                wctx_row_name(c, i, &who);
                st = ts_err_set(err, TS_E_DATA, "%s: %s: PSU %s = %lld has no row%s", d->psu_frame,
                                who.data ? who.data : "", d->cluster, (long long)id,
                                c->strata ? " with its stratum" : "");
                ts_strbuf_free(&who);
                break;
            }
            if (base)
                c->w[i] *= rows[r].population / rows[r].sample; /* N_hi / n_hi */
            if (c->subfpc)
                c->subfpc[i] = rows[r].population;
        }
        free(rows);
        if (st == TS_OK && base)
            ts_strbuf_append_str(&c->method, " × N_hi/n_hi from the PSU frame");
    }
    return st;
}

typedef struct unit_row {
    int64_t stratum, psu, id;
    size_t row;
} unit_row;

static int cmp_unit_row(const void *a, const void *b)
{
    const unit_row *x = a, *y = b;
    if (x->stratum != y->stratum)
        return x->stratum < y->stratum ? -1 : 1;
    if (x->psu != y->psu)
        return x->psu < y->psu ? -1 : 1;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* The population sizes of the first two stages against the rows (fpc = N1, N2 or from the
 * frames): one per unit above (the stratum at the first stage, the PSU at the second), and
 * no fewer than the units sampled from it. R stops with "FPC implies >100% sampling", and
 * the estimation stage would too, but here the manifest's line can be named. */
ts_status later_stages_check(wctx *c, ts_err *err)
{
    const ts_design *d = &c->design;
    if (d->nsub == 0 || !c->fpc)
        return TS_OK;
    unit_row *r = malloc((c->n ? c->n : 1) * sizeof *r);
    if (!r)
        return wctx_nomem(err);
    ts_status st = TS_OK;
    for (int s = 0; st == TS_OK && s < 2; s++) {
        const ts_var *uv = ts_dataset_find(c->ds, s == 0 ? d->cluster : d->subcluster[0]);
        const ts_var *fv = s == 1 && d->subfpc[0] ? ts_dataset_find(c->ds, d->subfpc[0]) : NULL;
        const double *fpc = s == 0 ? c->fpc : c->subfpc;
        if (!uv || (!fpc && !fv))
            continue;
        size_t m = 0;
        for (size_t i = 0; i < c->n; i++)
            if (c->in[i])
                r[m++] = (unit_row){c->strata ? ts_var_int(c->strata, i) : 0, s ? ts_var_int(c->cluster, i) : 0,
                                    ts_var_int(uv, i), i};
        qsort(r, m, sizeof *r, cmp_unit_row);
        for (size_t a = 0, b; st == TS_OK && a < m; a = b) {
            size_t count = 0;
            double big = fpc ? fpc[r[a].row] : ts_var_num(fv, r[a].row);
            for (b = a; b < m && r[b].stratum == r[a].stratum && r[b].psu == r[a].psu; b++) {
                double x = fpc ? fpc[r[b].row] : ts_var_num(fv, r[b].row);
                count += b == a || r[b].id != r[b - 1].id;
                if (s == 1 && x != big && st == TS_OK) {
                    ts_strbuf at = TS_STRBUF_INIT, w1 = TS_STRBUF_INIT, w2 = TS_STRBUF_INIT;
                    where(c, "fpc", &at);
                    wctx_row_name(c, r[a].row, &w1);
                    wctx_row_name(c, r[b].row, &w2);
                    st = ts_err_set(err, TS_E_DATA, "%sthe second stage's population size %s differs within PSU %s = "
                                    "%lld: %s has %.17g, %s has %.17g", at.data, fv ? fv->name : "", d->cluster,
                                    (long long)r[a].psu, w1.data ? w1.data : "", big, w2.data ? w2.data : "", x);
                    ts_strbuf_free(&at);
                    ts_strbuf_free(&w1);
                    ts_strbuf_free(&w2);
                }
            }
            if (st != TS_OK || big >= (double)count)
                continue;
            ts_strbuf at = TS_STRBUF_INIT, who = TS_STRBUF_INIT;
            where(c, s == 0 || fv ? "fpc" : "psu_frame", &at);
            wctx_row_name(c, r[a].row, &who);
            if (s == 0)
                ts_err_set(err, TS_E_DATA, "%s%s: the first stage's population size %.17g is fewer than the %zu PSUs "
                           "(%s) sampled in its stratum (R: \"FPC implies >100%% sampling\")", at.data,
                           who.data ? who.data : "", big, count, d->cluster);
            else
                ts_err_set(err, TS_E_DATA, "%s%s: the second stage's population size %.17g of PSU %s = %lld is fewer "
                           "than the %zu units (%s) sampled in it (R: \"FPC implies >100%% sampling\")", at.data,
                           who.data ? who.data : "", big, d->cluster, (long long)r[a].psu, count, uv->name);
            ts_strbuf_free(&at);
            ts_strbuf_free(&who);
            st = TS_E_DATA;
        }
    }
    free(r);
    return st;
}

/* nest = no: the PSU ids are the PSUs themselves, so one id in two strata is a mistake in the
 * data or in the manifest (R: "Clusters not nested in strata at top level; you may want
 * nest=TRUE"); ids numbered within each stratum need nest = yes. */
ts_status nest_check(wctx *c, ts_err *err)
{
    if (c->design.nest || !c->strata || !c->cluster)
        return TS_OK;
    unit_row *r = malloc((c->n ? c->n : 1) * sizeof *r);
    if (!r)
        return wctx_nomem(err);
    size_t m = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->in[i])
            r[m++] = (unit_row){ts_var_int(c->cluster, i), 0, ts_var_int(c->strata, i), i};
    qsort(r, m, sizeof *r, cmp_unit_row);
    ts_status st = TS_OK;
    for (size_t j = 1; j < m && st == TS_OK; j++) {
        if (r[j].stratum != r[j - 1].stratum || r[j].id == r[j - 1].id)
            continue;
        ts_strbuf at = TS_STRBUF_INIT, w1 = TS_STRBUF_INIT, w2 = TS_STRBUF_INIT;
        where(c, "nest", &at);
        wctx_row_name(c, r[j - 1].row, &w1);
        wctx_row_name(c, r[j].row, &w2);
        long a = ts_var_code_index(c->strata, r[j - 1].id), b = ts_var_code_index(c->strata, r[j].id);
        st = ts_err_set(err, TS_E_DATA, "%sno, but %s %lld is in two strata: %s in %s, %s in %s (R: \"Clusters not "
                        "nested in strata at top level\"); PSU ids numbered within each stratum need nest = yes",
                        at.data, c->cluster->name, (long long)r[j].stratum, w1.data ? w1.data : "",
                        a >= 0 ? c->strata->codes[a].label : "?", w2.data ? w2.data : "",
                        b >= 0 ? c->strata->codes[b].label : "?");
        ts_strbuf_free(&at);
        ts_strbuf_free(&w1);
        ts_strbuf_free(&w2);
    }
    free(r);
    return st;
}
