/* trim.c — tsunagari-weight's trimming (docs/weighting.md, step 5): the final
 * weights bounded as R's trimWeights does, the weights before trimming kept for the
 * variance's calibration residuals. */
#include "wctx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calib.h"

ts_status trim_weights(wctx *c, ts_err *err)
{
    const char *lo_s = wctx_get(c, "weighting", "trim_lower", NULL), *hi_s = wctx_get(c, "weighting", "trim_upper", NULL);
    if (!lo_s && !hi_s)
        return TS_OK;
    double lo, hi;
    ts_status st = wctx_get_number(c, "weighting", "trim_lower", -INFINITY, &lo, err);
    if (st == TS_OK)
        st = wctx_get_number(c, "weighting", "trim_upper", INFINITY, &hi, err);
    if (st != TS_OK)
        return st;
    const char *rel = wctx_get(c, "weighting", "trim_relative_to", NULL);
    int strict = strcasecmp(wctx_get(c, "weighting", "trim_strict", NULL), "yes") == 0;
    size_t np = 0;
    double sum = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->in[i]) {
            np++;
            sum += c->w[i];
        }
    if (strcmp(rel, "mean") == 0) {
        lo *= sum / (double)np;
        hi *= sum / (double)np;
    } else if (strcmp(rel, "absolute") != 0)
        return wctx_bad_setting(c, "weighting", "trim_relative_to", "mean or absolute", err);
    if (!(lo < hi))
        return wctx_bad_setting(c, "weighting", "trim_upper", "an upper bound above the lower", err);
    double *wp = malloc((np ? np : 1) * sizeof *wp);
    if (!wp)
        return wctx_nomem(err);
    if (c->design.calibration != TS_CAL_NONE) {
        if (!(c->calibrated = malloc((c->n ? c->n : 1) * sizeof *c->calibrated))) {
            free(wp);
            return wctx_nomem(err);
        }
        memcpy(c->calibrated, c->w, c->n * sizeof *c->w);
    }
    for (size_t i = 0, j = 0; i < c->n; i++)
        if (c->in[i])
            wp[j++] = c->w[i];
    size_t at = 0, outside = 0;
    int rounds = ts_calib_trim(wp, np, lo, hi, strict, &at);
    if (rounds < 0) {
        free(wp);
        ts_strbuf at_s = TS_STRBUF_INIT;
        /* never settling: the bound the mean lies beyond is the one to name */
        int name_hi = rounds == -2 ? sum / (double)np > hi : hi_s != NULL;
        wctx_where(c, "weighting", name_hi ? "trim_upper" : "trim_lower", &at_s);
        if (rounds == -2) /* trim_strict = yes with bounds the weights' mean lies outside */
            ts_err_set(err, TS_E_DATA, "%s: trim_strict = yes: the trimming bounds %.6g..%.6g cannot all hold — "
                       "trimming keeps the weights' total, and their mean %.6g is outside the bounds — so the "
                       "rounds never end (stopped after %d); widen the bounds or set trim_strict = no",
                       at_s.data ? at_s.data : "", lo, hi, sum / (double)np, TS_CALIB_TRIM_MAX_ROUNDS);
        else
            ts_err_set(err, TS_E_DATA, "%s: every weight is outside the trimming bounds %.6g..%.6g, so the trimmed "
                       "amount has no weight to be shared out among; widen the bounds", at_s.data ? at_s.data : "", lo, hi);
        ts_strbuf_free(&at_s);
        return TS_E_DATA;
    }
    for (size_t i = 0, j = 0; i < c->n; i++)
        if (c->in[i]) {
            outside += wp[j] < lo || wp[j] > hi;
            c->w[i] = wp[j++];
        }
    /* Replicate weights: each trimmed with the same bounds, as the full sample, the trimmed
     * amount shared among the replicate's own rows (R's trimWeights on a svyrep.design bounds
     * the replicates too, but shares among rows a replicate left out, and survey 4.1.1 leaves
     * the full-sample weights themselves untrimmed there: docs/estimation.md) */
    for (size_t q = 0; q < c->nrep; q++) {
        double *w = c->repw + q * c->n; /* only the replicate's own rows: one it left out (0) stays out */
        size_t nq = 0;
        for (size_t i = 0; i < c->n; i++)
            if (c->in[i] && w[i] > 0)
                wp[nq++] = w[i];
        size_t qat = 0;
        int qr = ts_calib_trim(wp, nq, lo, hi, strict, &qat);
        if (qr < 0) {
            free(wp);
            return ts_err_set(err, TS_E_DATA, "replicate %zu of %zu ([design] variance): %s the trimming bounds "
                              "%.6g..%.6g; widen the bounds", q + 1, c->nrep,
                              qr == -2 ? "trim_strict = yes never settles within" : "every weight is outside", lo, hi);
        }
        for (size_t i = 0, j = 0; i < c->n; i++)
            if (c->in[i] && w[i] > 0)
                w[i] = wp[j++];
        c->rep_adjusted = 1;
    }
    free(wp);
    /* ts_calib_trim counts the weights at or beyond a bound; after one pass (trim_strict = no)
     * some may still be beyond it, and the user must not read them as trimmed. */
    at -= outside;
    ts_strbuf_printf(&c->text, "Trimming to %.6g..%.6g (%s): %d round%s, %zu weight%s at a bound", lo, hi,
                     strcmp(rel, "mean") == 0 ? "relative to the mean weight" : "absolute", rounds,
                     rounds == 1 ? "" : "s", at, at == 1 ? "" : "s");
    if (outside)
        ts_strbuf_printf(&c->text, ", %zu still outside (trim_strict = no: one pass)", outside);
    ts_strbuf_append_str(&c->text, "; the trimmed amount is shared out equally (as R's trimWeights)\n");
    ts_strbuf_printf(&c->method, "; trimmed to %.6g..%.6g (%zu at a bound", lo, hi, at);
    if (outside)
        ts_strbuf_printf(&c->method, ", %zu still outside", outside);
    ts_strbuf_append_char(&c->method, ')');
    return TS_OK;
}
