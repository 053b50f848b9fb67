/* sample.c — see sample.h. R survey 4.1: svyrecvar, multistage, onestage, onestrat, degf. */
#include "sample.h"

#include <gsl/gsl_linalg.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* The df of the domains a run asks for, by a hash of their rows: tables by the same variable
 * ask for the same domains, and each answer is a QR of the domain's replicate weights. */
#define DF_CACHE 64
struct ts_sample_df_cache {
    uint64_t key[DF_CACHE];
    size_t rows[DF_CACHE];
    double df[DF_CACHE];
    size_t used, next;
    pthread_mutex_t lock; /* threads estimating on one sample (tsunagari-tab --jobs) share it:
                           * whichever asks first stores, every one gets the same df */
};

void ts_sample_free(ts_sample *d)
{
    if (!d)
        return;
    free(d->w);
    free(d->d);
    free(d->wcal);
    free(d->stratum);
    for (size_t h = 0; d->stratum_name && h < d->nstrata; h++)
        free(d->stratum_name[h]);
    free(d->stratum_name);
    free(d->psu);
    free(d->psu_count);
    free(d->popsize);
    for (size_t k = 0; d->cal_cell && k < d->ncal; k++)
        free(d->cal_cell[k]);
    free(d->cal_cell);
    free(d->cal_ncells);
    free(d->calx);
    free(d->joint_cell);
    free(d->own_order);
    free(d->own_first);
    free(d->wclass);
    free(d->wclass_stratum);
    free(d->wclass_cell);
    free(d->wclass_wcal);
    free(d->wclass_w);
    for (size_t s = 0; s < TS_DESIGN_MAX_STAGES - 1; s++) {
        free(d->unit[s]);
        free(d->unit_up[s]);
        free(d->sub_count[s]);
        free(d->sub_pop[s]);
        free(d->up_id[s]);
    }
    for (size_t s = 0; s < TS_DESIGN_MAX_STAGES; s++)
        free(d->stage_name[s]);
    ts_replicates_free((ts_replicates *)d->rep);
    if (d->df_cache)
        pthread_mutex_destroy(&d->df_cache->lock);
    free(d->df_cache);
    free(d->summary);
    free(d);
}

/* Dense indices for the distinct values of KEY (n of them): OUT[i] in 0..count-1, in
 * order of first appearance. Returns the count, or SIZE_MAX when memory runs out. */
static size_t densify(const int64_t *key, size_t n, size_t *out)
{
    /* sort row indices by key, then number the runs */
    size_t *ord = malloc((n ? n : 1) * sizeof *ord);
    if (!ord)
        return SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        ord[i] = i;
    /* merge sort by key (stable, O(n log n)) */
    size_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp) {
        free(ord);
        return SIZE_MAX;
    }
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                tmp[o++] = key[ord[b]] < key[ord[a]] ? ord[b++] : ord[a++];
            while (a < mid)
                tmp[o++] = ord[a++];
            while (b < hi)
                tmp[o++] = ord[b++];
        }
        memcpy(ord, tmp, n * sizeof *ord);
    }
    size_t count = 0;
    for (size_t j = 0; j < n; j++) {
        if (j > 0 && key[ord[j]] != key[ord[j - 1]])
            count++;
        out[ord[j]] = count;
    }
    free(ord);
    free(tmp);
    return n ? count + 1 : 0;
}

/* "respondent id 17" (the dataset's id variable), else "row 17". */
static void row_name(const ts_dataset *ds, size_t i, ts_strbuf *out)
{
    for (size_t k = 0; k < ds->nvars; k++)
        if (ds->vars[k]->type == TS_VAR_ID) {
            ts_strbuf_printf(out, "respondent %s %lld", ds->vars[k]->name, (long long)ts_var_int(ds->vars[k], i));
            return;
        }
    ts_strbuf_printf(out, "row %zu", i + 1);
}

/* A respondent in the design (weight > 0) must have its stratum and its cluster: R's
 * svydesign refuses missing ids and strata, and merging the missing ones into one pseudo-PSU
 * would change the variance and the degrees of freedom without a word (issue #10, item 10). */
static ts_status check_ids(const ts_dataset *ds, const double *w, const ts_var *v, const char *what, ts_err *err)
{
    for (size_t i = 0; v && i < ds->nrows; i++) {
        if (!(w[i] > 0) || !ts_var_is_missing(v, i))
            continue;
        ts_strbuf who = TS_STRBUF_INIT;
        row_name(ds, i, &who);
        ts_err_set(err, TS_E_DATA, "%s: %s %s is missing; every respondent needs one (R's svydesign refuses it too)",
                   who.data ? who.data : "?", what, v->name);
        ts_strbuf_free(&who);
        return TS_E_DATA;
    }
    return TS_OK;
}

static const ts_var *find(const ts_dataset *ds, const char *name) { return name ? ts_dataset_find(ds, name) : NULL; }

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

/* The weights: final, before calibration, and as the calibration made them (before trimming). */
static void take_weights(ts_sample *d, const ts_dataset *ds, const ts_design *design, ts_strbuf *sum)
{
    const ts_var *wv = find(ds, design->weight), *dv = find(ds, design->design_weight),
                 *cwv = find(ds, design->calibrated_weight);
    d->weighted = wv != NULL;
    for (size_t i = 0; i < d->n; i++) {
        double w = wv ? ts_var_num(wv, i) : 1;
        d->w[i] = isnan(w) ? 0 : w;
        double dd = dv ? ts_var_num(dv, i) : d->w[i];
        d->d[i] = isnan(dd) ? 0 : dd;
        double wc = cwv ? ts_var_num(cwv, i) : d->w[i];
        d->wcal[i] = isnan(wc) || d->w[i] == 0 ? d->w[i] : wc;
    }
    ts_strbuf_append_str(sum, wv ? "weighted" : "unweighted (every respondent weight 1)");
    /* A self-selected sample has no design-based variance: the SEs below are R's for the
     * weighted respondents taken as a simple random sample, and every output must say so. */
    if (design->type == TS_DESIGN_NONPROBABILITY)
        ts_strbuf_append_str(sum, ", non-probability sample: SEs and intervals assume the weighted respondents "
                                  "were a simple random sample (a model, not the design)");
}

/* Strata: dense indices and, for messages, each stratum's name ("area = 2 (南)"). */
static ts_status take_strata(ts_sample *d, const ts_var *sv, int64_t *key, ts_strbuf *sum, ts_err *err)
{
    size_t n = d->n;
    for (size_t i = 0; i < n; i++)
        key[i] = sv ? ts_var_int(sv, i) : 0;
    if ((d->nstrata = densify(key, n, d->stratum)) == SIZE_MAX)
        return nomem(err);
    if (!sv)
        return TS_OK;
    ts_strbuf_printf(sum, ", stratified by %s", sv->name);
    if (!(d->stratum_name = calloc(d->nstrata ? d->nstrata : 1, sizeof *d->stratum_name)))
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        size_t h = d->stratum[i];
        if (d->stratum_name[h])
            continue;
        ts_strbuf name = TS_STRBUF_INIT;
        long c = key[i] == TS_MISSING_INT ? -1 : ts_var_code_index(sv, key[i]);
        int rc = key[i] == TS_MISSING_INT ? ts_strbuf_printf(&name, "%s missing", sv->name)
                 : c >= 0 ? ts_strbuf_printf(&name, "%s = %lld (%s)", sv->name, (long long)key[i], sv->codes[c].label)
                          : ts_strbuf_printf(&name, "%s = %lld", sv->name, (long long)key[i]);
        if (rc != 0 || !(d->stratum_name[h] = ts_strbuf_take(&name))) {
            ts_strbuf_free(&name);
            return nomem(err);
        }
    }
    return TS_OK;
}

/* PSUs: the cluster variable within strata, else every respondent; and how many PSUs of each
 * stratum are in the sample (R's fpcs$sampsize). */
static ts_status take_psus(ts_sample *d, const ts_dataset *ds, const ts_var *cv, int nest, int64_t *key,
                           ts_strbuf *sum, ts_err *err)
{
    size_t n = d->n;
    /* a PSU is a (stratum, cluster) pair: the clusters numbered densely first, so that any
     * cluster id (negative, or beyond 4·10⁹) makes a key of its own within its stratum */
    if (cv) {
        for (size_t i = 0; i < n; i++)
            key[i] = ts_var_int(cv, i);
        size_t nc = densify(key, n, d->psu);
        if (nc == SIZE_MAX)
            return nomem(err);
        /* nest = no: the ids are the PSUs themselves, so one id in two strata is a mistake in
         * the data (R: "Clusters not nested in strata at top level; you may want nest=TRUE") */
        size_t *first = !nest && d->stratum_name ? malloc((nc ? nc : 1) * sizeof *first) : NULL;
        if (!nest && d->stratum_name && !first)
            return nomem(err);
        for (size_t c = 0; first && c < nc; c++)
            first[c] = SIZE_MAX;
        for (size_t i = 0; first && i < n; i++) {
            if (!(d->w[i] > 0))
                continue;
            size_t c = d->psu[i];
            if (first[c] == SIZE_MAX)
                first[c] = i;
            else if (d->stratum[first[c]] != d->stratum[i]) {
                ts_strbuf w1 = TS_STRBUF_INIT, w2 = TS_STRBUF_INIT;
                row_name(ds, first[c], &w1);
                row_name(ds, i, &w2);
                ts_err_set(err, TS_E_DATA, "cluster %s = %lld is in two strata (%s: %s; %s: %s), and the design has "
                           "nest = no (R: \"Clusters not nested in strata at top level\"); with PSU ids numbered "
                           "within each stratum, say nest = yes", cv->name, (long long)key[i], w1.data ? w1.data : "?",
                           d->stratum_name[d->stratum[first[c]]], w2.data ? w2.data : "?", d->stratum_name[d->stratum[i]]);
                ts_strbuf_free(&w1);
                ts_strbuf_free(&w2);
                free(first);
                return TS_E_DATA;
            }
        }
        free(first);
    }
    for (size_t i = 0; i < n; i++)
        key[i] = cv ? (int64_t)d->stratum[i] * (int64_t)(n + 1) + (int64_t)d->psu[i] : (int64_t)i;
    if ((d->npsu = densify(key, n, d->psu)) == SIZE_MAX)
        return nomem(err);
    if (cv)
        ts_strbuf_printf(sum, ", clusters %s", cv->name);
    d->psu_count = calloc(d->nstrata ? d->nstrata : 1, sizeof *d->psu_count);
    d->popsize = malloc((d->nstrata ? d->nstrata : 1) * sizeof *d->popsize);
    unsigned char *seen = calloc(d->npsu ? d->npsu : 1, 1);
    if (!d->psu_count || !d->popsize || !seen) {
        free(seen);
        return nomem(err);
    }
    for (size_t i = 0; i < n; i++)
        if (d->w[i] > 0 && !seen[d->psu[i]]) {
            seen[d->psu[i]] = 1;
            d->psu_count[d->stratum[i]]++;
        }
    free(seen);
    for (size_t h = 0; h < d->nstrata; h++)
        d->popsize[h] = INFINITY;
    return TS_OK;
}

/* fpc: the stratum population N_h (R: fpc given as population size). One N_h per stratum:
 * two values in one stratum are refused, not "the last row wins"; R's svydesign refuses a
 * missing fpc, and skipping the row would leave its stratum to another row's value. */
static ts_status take_fpc(ts_sample *d, const ts_dataset *ds, const ts_var *fv, int clustered, ts_strbuf *sum,
                          ts_err *err)
{
    if (!fv)
        return TS_OK;
    size_t *first = malloc((d->nstrata ? d->nstrata : 1) * sizeof *first);
    if (!first)
        return nomem(err);
    for (size_t h = 0; h < d->nstrata; h++)
        first[h] = SIZE_MAX;
    ts_status st = TS_OK;
    for (size_t i = 0; st == TS_OK && i < d->n; i++) {
        double f = ts_var_num(fv, i);
        size_t h = d->stratum[i];
        if (!(d->w[i] > 0))
            continue;
        if (isnan(f) || !(f > 0)) {
            ts_strbuf who = TS_STRBUF_INIT;
            row_name(ds, i, &who);
            st = ts_err_set(err, TS_E_DATA, "%s: the population size %s is %s", who.data ? who.data : "?", fv->name,
                            isnan(f) ? "missing" : "not positive");
            ts_strbuf_free(&who);
        } else if (first[h] == SIZE_MAX) {
            first[h] = i;
            d->popsize[h] = f;
        } else if (f != d->popsize[h]) {
            ts_strbuf w1 = TS_STRBUF_INIT, w2 = TS_STRBUF_INIT;
            row_name(ds, first[h], &w1);
            row_name(ds, i, &w2);
            st = ts_err_set(err, TS_E_DATA, "the population size %s differs within %s%s: %s has %.17g, %s has %.17g",
                            fv->name, d->stratum_name ? "stratum " : "the (unstratified) sample",
                            d->stratum_name ? d->stratum_name[h] : "", w1.data ? w1.data : "?", d->popsize[h],
                            w2.data ? w2.data : "?", f);
            ts_strbuf_free(&w1);
            ts_strbuf_free(&w2);
        }
    }
    free(first);
    /* a population smaller than the sample drawn from it (R: "FPC implies >100% sampling") */
    for (size_t h = 0; st == TS_OK && h < d->nstrata; h++)
        if (d->popsize[h] < (double)d->psu_count[h])
            st = ts_err_set(err, TS_E_DATA, "the population size %s of %s%s is %.17g, fewer than the %zu %s sampled from it",
                            fv->name, d->stratum_name ? "stratum " : "the sample",
                            d->stratum_name ? d->stratum_name[h] : "", d->popsize[h], d->psu_count[h],
                            clustered ? "clusters" : "respondents");
    if (st == TS_OK)
        ts_strbuf_append_str(sum, ", finite population correction");
    return st;
}

/* "PSU dnum = 83 (stratum area = 2 (南))" or "unit snum = 4402": the unit above stage S's
 * units, for messages. */
static void up_name(const ts_sample *d, size_t s, size_t p, size_t psu_stratum, ts_strbuf *out)
{
    ts_strbuf_printf(out, "%s %s = %lld", s == 0 ? "PSU" : "unit", d->stage_name[s] ? d->stage_name[s] : "?",
                     (long long)d->up_id[s][p]);
    if (s == 0 && d->stratum_name)
        ts_strbuf_printf(out, " (stratum %s)", d->stratum_name[psu_stratum]);
}

/* The later sampling stages ([design] cluster = psu, ssu, ...): each row's unit at every
 * stage, a unit being a (unit above, id) pair as R's svydesign makes it (its ids are pasted
 * onto the ids above; its strata are the units above); how many units each unit above has
 * in the sample (R's fpcs$sampsize) and, from the stage's fpc column, in the population. They
 * enter the variance only with an fpc at every stage, as in R's multistage(): without one
 * the first stage's ultimate-cluster variance is the whole of it. */
static ts_status take_later_stages(ts_sample *d, const ts_dataset *ds, const ts_design *design, int64_t *key,
                                   ts_strbuf *sum, ts_err *err)
{
    size_t n = d->n;
    if (design->nsub == 0)
        return TS_OK;
    int all_fpc = design->fpc != NULL;
    for (size_t s = 0; s < design->nsub; s++)
        all_fpc = all_fpc && design->subfpc[s];
    ts_strbuf_printf(sum, ", %zu stages", design->nsub + 1);
    if (!all_fpc) {
        ts_strbuf_append_str(sum, " (ultimate-cluster variance: no fpc at every stage)");
        return TS_OK;
    }
    if (!(d->stage_name[0] = ts_strdup(design->cluster)))
        return nomem(err);
    ts_status st = TS_OK;
    for (size_t s = 0; st == TS_OK && s < design->nsub; s++) {
        const ts_var *uv = find(ds, design->subcluster[s]), *fv = find(ds, design->subfpc[s]);
        if (!uv || !fv)
            return ts_err_set(err, TS_E_DATA, "dataset: the design's stage %zu variable %s is missing", s + 2,
                              !uv ? design->subcluster[s] : design->subfpc[s]);
        if (!(d->stage_name[s + 1] = ts_strdup(uv->name)))
            return nomem(err);
        const size_t *up = s == 0 ? d->psu : d->unit[s - 1];
        size_t nup = s == 0 ? d->npsu : d->nunit[s - 1];
        if (!(d->unit[s] = malloc((n ? n : 1) * sizeof *d->unit[s])))
            return nomem(err);
        for (size_t i = 0; i < n; i++)
            key[i] = ts_var_int(uv, i);
        if (densify(key, n, d->unit[s]) == SIZE_MAX)
            return nomem(err);
        for (size_t i = 0; i < n; i++)
            key[i] = (int64_t)up[i] * (int64_t)(n + 1) + (int64_t)d->unit[s][i];
        if ((d->nunit[s] = densify(key, n, d->unit[s])) == SIZE_MAX)
            return nomem(err);
        d->unit_up[s] = malloc((d->nunit[s] ? d->nunit[s] : 1) * sizeof *d->unit_up[s]);
        d->sub_count[s] = calloc(nup ? nup : 1, sizeof *d->sub_count[s]);
        d->sub_pop[s] = malloc((nup ? nup : 1) * sizeof *d->sub_pop[s]);
        d->up_id[s] = malloc((nup ? nup : 1) * sizeof *d->up_id[s]);
        unsigned char *seen = calloc(d->nunit[s] ? d->nunit[s] : 1, 1);
        size_t *first = malloc((nup ? nup : 1) * sizeof *first), *psu_of = malloc((nup ? nup : 1) * sizeof *psu_of);
        if (!d->unit_up[s] || !d->sub_count[s] || !d->sub_pop[s] || !d->up_id[s] || !seen || !first || !psu_of) {
            free(seen);
            free(first);
            free(psu_of);
            return nomem(err);
        }
        const ts_var *upv = s == 0 ? find(ds, design->cluster) : find(ds, design->subcluster[s - 1]);
        for (size_t p = 0; p < nup; p++) {
            first[p] = SIZE_MAX;
            d->sub_pop[s][p] = NAN;
            d->up_id[s][p] = 0;
        }
        for (size_t i = 0; st == TS_OK && i < n; i++) {
            size_t u = d->unit[s][i], p = up[i];
            d->unit_up[s][u] = p;
            if (!(d->w[i] > 0))
                continue;
            if (!seen[u]) {
                seen[u] = 1;
                d->sub_count[s][p]++;
            }
            double f = ts_var_num(fv, i);
            if (first[p] == SIZE_MAX) {
                first[p] = i;
                psu_of[p] = d->stratum[i];
                d->up_id[s][p] = upv ? ts_var_int(upv, i) : 0;
            }
            if (isnan(f) || !(f > 0)) {
                ts_strbuf who = TS_STRBUF_INIT;
                row_name(ds, i, &who);
                st = ts_err_set(err, TS_E_DATA, "%s: the stage %zu population size %s is %s", who.data ? who.data : "?",
                                s + 2, fv->name, isnan(f) ? "missing" : "not positive");
                ts_strbuf_free(&who);
            } else if (isnan(d->sub_pop[s][p]))
                d->sub_pop[s][p] = f;
            else if (f != d->sub_pop[s][p]) {
                ts_strbuf w1 = TS_STRBUF_INIT, w2 = TS_STRBUF_INIT, where = TS_STRBUF_INIT;
                row_name(ds, first[p], &w1);
                row_name(ds, i, &w2);
                up_name(d, s, p, psu_of[p], &where);
                st = ts_err_set(err, TS_E_DATA, "the stage %zu population size %s differs within %s: %s has %.17g, "
                                "%s has %.17g", s + 2, fv->name, where.data ? where.data : "?", w1.data ? w1.data : "?",
                                d->sub_pop[s][p], w2.data ? w2.data : "?", f);
                ts_strbuf_free(&w1);
                ts_strbuf_free(&w2);
                ts_strbuf_free(&where);
            }
        }
        /* a population smaller than the sample drawn from it (R: "FPC implies >100% sampling") */
        for (size_t p = 0; st == TS_OK && p < nup; p++)
            if (first[p] != SIZE_MAX && d->sub_pop[s][p] < (double)d->sub_count[s][p]) {
                ts_strbuf where = TS_STRBUF_INIT;
                up_name(d, s, p, psu_of[p], &where);
                st = ts_err_set(err, TS_E_DATA, "the stage %zu population size %s of %s is %.17g, fewer than the %zu "
                                "units %s sampled from it", s + 2, fv->name, where.data ? where.data : "?",
                                d->sub_pop[s][p], d->sub_count[s][p], uv->name);
                ts_strbuf_free(&where);
            }
        free(seen);
        free(first);
        free(psu_of);
    }
    if (st == TS_OK) {
        d->nlater = design->nsub;
        ts_strbuf_append_str(sum, " with fpc at each (multistage variance)");
    }
    return st;
}

/* The weight classes of a sample with a joint table: the rows of the design (weight > 0) by
 * stratum, joint cell, calibrated and final weight (bit for bit), so that a calibration
 * residual formed from those alone is formed once per class (ts_estimate_domains). None (nwclass 0)
 * when there are more than a quarter as many classes as rows: no saving then. Returns TS_OK or
 * TS_E_NOMEM. */
static ts_status take_weight_classes(ts_sample *d, ts_err *err)
{
    size_t n = d->n, cap = n / 4 + 16, slots = 64;
    while (slots < 2 * cap)
        slots *= 2;
    uint32_t *slot = malloc(slots * sizeof *slot);
    d->wclass = malloc((n ? n : 1) * sizeof *d->wclass);
    d->wclass_stratum = malloc(cap * sizeof *d->wclass_stratum);
    d->wclass_cell = malloc(cap * sizeof *d->wclass_cell);
    d->wclass_wcal = malloc(cap * sizeof *d->wclass_wcal);
    d->wclass_w = malloc(cap * sizeof *d->wclass_w);
    if (!slot || !d->wclass || !d->wclass_stratum || !d->wclass_cell || !d->wclass_wcal || !d->wclass_w) {
        free(slot);
        return nomem(err);
    }
    for (size_t s = 0; s < slots; s++)
        slot[s] = UINT32_MAX;
    size_t G = 0;
    for (size_t i = 0; i < n && G <= cap; i++) {
        d->wclass[i] = UINT32_MAX;
        if (!(d->w[i] > 0))
            continue;
        uint64_t bits, wbits;
        memcpy(&bits, &d->wcal[i], sizeof bits);
        memcpy(&wbits, &d->w[i], sizeof wbits);
        uint64_t h = (bits ^ (wbits * 0xc4ceb9fe1a85ec53ULL) ^ ((uint64_t)d->joint_cell[i] << 40) ^
                      ((uint64_t)d->stratum[i] * 0x9E3779B97F4A7C15ULL)) *
                     0xff51afd7ed558ccdULL;
        size_t s = (size_t)(h >> 32) & (slots - 1);
        for (;; s = (s + 1) & (slots - 1)) {
            uint32_t g = slot[s];
            if (g == UINT32_MAX) {
                if (G == cap) {
                    G = cap + 1; /* too many: no classes */
                    break;
                }
                slot[s] = (uint32_t)G;
                d->wclass_stratum[G] = d->stratum[i];
                d->wclass_cell[G] = d->joint_cell[i];
                d->wclass_wcal[G] = d->wcal[i];
                d->wclass_w[G] = d->w[i];
                d->wclass[i] = (uint32_t)G++;
                break;
            }
            if (d->wclass_stratum[g] == d->stratum[i] && d->wclass_cell[g] == d->joint_cell[i] &&
                memcmp(&d->wclass_wcal[g], &d->wcal[i], sizeof(double)) == 0 &&
                memcmp(&d->wclass_w[g], &d->w[i], sizeof(double)) == 0) {
                d->wclass[i] = g;
                break;
            }
        }
    }
    free(slot);
    if (G > cap) {
        free(d->wclass);
        free(d->wclass_stratum);
        free(d->wclass_cell);
        free(d->wclass_wcal);
        free(d->wclass_w);
        d->wclass_w = NULL;
        d->wclass = NULL;
        d->wclass_stratum = NULL;
        d->wclass_cell = NULL;
        d->wclass_wcal = NULL;
        return TS_OK;
    }
    d->nwclass = G;
    return TS_OK;
}

/* The joint table of a raked sample's margins (ts_sample_joint_cells), once: its size into
 * D->njoint (0: too large, or a row of the design lacks a cell) and each row's joint cell.
 * Returns TS_OK or TS_E_NOMEM. */
static ts_status take_joint_cells(ts_sample *d, ts_err *err)
{
    size_t n = d->n, nm = d->ncal, J = 1;
    if (d->cal != TS_SAMPLE_RAKED || d->rake_exact)
        return TS_OK;
    for (size_t m = 0; m < nm; m++) {
        if (d->cal_ncells[m] == 0 || J > 1000000 / d->cal_ncells[m])
            return TS_OK;
        J *= d->cal_ncells[m];
    }
    for (size_t i = 0; i < n; i++)
        for (size_t m = 0; m < nm; m++)
            if (d->w[i] != 0 && d->cal_cell[m][i] == SIZE_MAX)
                return TS_OK;
    if (!(d->joint_cell = malloc((n ? n : 1) * sizeof *d->joint_cell)))
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        d->joint_cell[i] = UINT32_MAX;
        if (d->w[i] == 0)
            continue;
        size_t j = 0;
        for (size_t m = 0, st = 1; m < nm; m++) {
            j += d->cal_cell[m][i] * st;
            st *= d->cal_ncells[m];
        }
        d->joint_cell[i] = (uint32_t)j;
    }
    d->njoint = J;
    return take_weight_classes(d, err);
}

/* The calibration: the columns tsunagari-weight wrote for the residuals — each margin's
 * cell per row (post-stratification, raking) or the GREG model matrix. */
static ts_status take_calibration(ts_sample *d, const ts_dataset *ds, const ts_design *design, ts_strbuf *sum,
                                  ts_err *err)
{
    size_t n = d->n, ncols = design->ncalibration_columns;
    d->cal = TS_SAMPLE_UNCALIBRATED;
    if (design->calibration == TS_CAL_NONE || ncols == 0)
        return TS_OK;
    d->cal = design->calibration == TS_CAL_POSTSTRATIFY ? TS_SAMPLE_POSTSTRATIFIED
             : design->calibration == TS_CAL_RAKE       ? TS_SAMPLE_RAKED
                                                        : TS_SAMPLE_GREG;
    d->ncal = ncols;
    if (d->cal == TS_SAMPLE_GREG) {
        if (!(d->calx = malloc((n && ncols ? n * ncols : 1) * sizeof *d->calx)))
            return nomem(err);
    } else if (!(d->cal_cell = calloc(ncols, sizeof *d->cal_cell)) || !(d->cal_ncells = calloc(ncols, sizeof *d->cal_ncells)))
        return nomem(err);
    for (size_t k = 0; k < ncols; k++) {
        const ts_var *col = ts_dataset_find(ds, design->calibration_columns[k]);
        if (!col) /* ts_design_read checked them; a design built in memory may not have */
            return ts_err_set(err, TS_E_DATA, "dataset: calibration column %s is missing", design->calibration_columns[k]);
        if (d->cal == TS_SAMPLE_GREG) {
            for (size_t i = 0; i < n; i++) {
                double x = ts_var_num(col, i);
                d->calx[i * ncols + k] = isnan(x) ? 0 : x;
            }
            continue;
        }
        if (!(d->cal_cell[k] = malloc((n ? n : 1) * sizeof **d->cal_cell)))
            return nomem(err);
        for (size_t i = 0; i < n; i++) {
            int64_t c = ts_var_int(col, i);
            d->cal_cell[k][i] = c == TS_MISSING_INT || c < 0 ? SIZE_MAX : (size_t)c;
            if (c != TS_MISSING_INT && c >= 0 && (size_t)c + 1 > d->cal_ncells[k])
                d->cal_ncells[k] = (size_t)c + 1;
        }
    }
    d->rake_exact = d->cal == TS_SAMPLE_RAKED && design->rake_residuals == TS_RAKE_RESIDUALS_EXACT;
    ts_status jst = take_joint_cells(d, err);
    if (jst != TS_OK)
        return jst;
    ts_strbuf_printf(sum, ", %s", d->cal == TS_SAMPLE_POSTSTRATIFIED ? "post-stratified"
                                  : d->rake_exact                    ? "raked (exact GREG residuals)"
                                  : d->cal == TS_SAMPLE_RAKED        ? "raked"
                                                                     : "calibrated (GREG)");
    return TS_OK;
}


/* The replicate weights the design record names ([design] variance): n × R analysis weights
 * (combined_weights = no: the columns times the final weight, as R's svrepdesign), the scale
 * and rscales as recorded (R's defaults for a record without them), R's degf. A respondent
 * in the design with a missing or negative replicate weight is refused (R's svrepdesign:
 * "Missing values not allowed in 'repweights'"); rows outside the design get 0. */
static ts_status take_replicates(ts_sample *d, const ts_dataset *ds, const ts_design *design, ts_strbuf *sum,
                                 ts_err *err)
{
    size_t n = d->n, R = design->nreplicate_columns;
    if (design->variance == TS_REP_NONE)
        return TS_OK;
    if (R < 2)
        return ts_err_set(err, TS_E_DATA, "dataset: variance = %s but no replicate weights are recorded",
                          ts_rep_type_name(design->variance));
    ts_replicates *rep = ts_replicates_new(design->variance, n, R);
    if (!rep)
        return nomem(err);
    d->rep = rep;
    for (size_t r = 0; r < R; r++) {
        const ts_var *v = find(ds, design->replicate_columns[r]);
        if (!v)
            return ts_err_set(err, TS_E_DATA, "dataset: the replicate weight %s is not in the dataset",
                              design->replicate_columns[r]);
        for (size_t i = 0; i < n; i++) {
            if (!(d->w[i] > 0))
                continue;
            double x = ts_var_num(v, i);
            if (isnan(x) || x < 0) {
                ts_strbuf who = TS_STRBUF_INIT;
                row_name(ds, i, &who);
                ts_err_set(err, TS_E_DATA, "%s: replicate weight %s is %s; every respondent in the design needs one "
                           ">= 0 (%s)", who.data ? who.data : "?", v->name, isnan(x) ? "missing" : "negative",
                           isnan(x) ? "R's svrepdesign: \"Missing values not allowed in 'repweights'\""
                                    : "a replicate leaves a respondent out with 0, never below");
                ts_strbuf_free(&who);
                return TS_E_DATA;
            }
            rep->w[r * n + i] = design->combined_weights ? x : x * d->w[i];
        }
    }
    rep->scale = isnan(design->replicate_scale) ? ts_replicate_default_scale(design->variance, R, design->fay_rho)
                                                : design->replicate_scale;
    for (size_t r = 0; r < R; r++)
        rep->rscales[r] = design->nreplicate_rscales == R ? design->replicate_rscales[r]
                          : design->nreplicate_rscales == 1 ? design->replicate_rscales[0] : 1;
    rep->mse = design->replicate_mse;
    /* made as R's as.svrepdesign makes them (not the bootstrap, which R is given as columns) */
    rep->made = !design->replicates_supplied && design->variance != TS_REP_BOOTSTRAP;
    rep->df = ts_replicate_df(rep, n, d->w, NULL);
    d->df_cache = calloc(1, sizeof *d->df_cache); /* none: no caching, the same answers */
    if (d->df_cache && pthread_mutex_init(&d->df_cache->lock, NULL) != 0) {
        free(d->df_cache);
        d->df_cache = NULL;
    }
    if (isnan(rep->df))
        return nomem(err);
    ts_strbuf_printf(sum, "; replicate weights (%s, %zu replicates%s)", ts_rep_type_name(design->variance), R,
                     rep->mse ? ", mse" : "");
    return TS_OK;
}

/* When every PSU is one row of the design: those rows in the order ts_sample_vcov visits their
 * PSUs (by stratum, each stratum's PSUs ascending) into ORDER, each stratum's span FIRST[h] ..
 * FIRST[h + 1]. Returns 1, 0 when a PSU has two rows of the design, -1 when memory runs out. */
static int own_psu_order(const ts_sample *d, size_t *order, size_t *first)
{
    size_t np = d->npsu ? d->npsu : 1;
    size_t *row_of = malloc(np * sizeof *row_of), *fill = calloc(d->nstrata ? d->nstrata : 1, sizeof *fill);
    if (!row_of || !fill) {
        free(row_of);
        free(fill);
        return -1;
    }
    for (size_t u = 0; u < np; u++)
        row_of[u] = SIZE_MAX;
    int own = 1;
    for (size_t i = 0; i < d->n && own; i++)
        if (d->w[i] > 0) {
            own = row_of[d->psu[i]] == SIZE_MAX;
            row_of[d->psu[i]] = i;
        }
    memset(first, 0, (d->nstrata + 1) * sizeof *first);
    for (size_t u = 0; own && u < d->npsu; u++)
        if (row_of[u] != SIZE_MAX)
            first[d->stratum[row_of[u]] + 1]++;
    for (size_t h = 0; own && h < d->nstrata; h++)
        first[h + 1] += first[h];
    for (size_t u = 0; own && u < d->npsu; u++)
        if (row_of[u] != SIZE_MAX) {
            size_t h = d->stratum[row_of[u]];
            order[first[h] + fill[h]++] = row_of[u];
        }
    free(row_of);
    free(fill);
    return own;
}

/* D->own_order and own_first (ts_estimate_domains), or NULL when a PSU has two rows. */
static ts_status take_own_order(ts_sample *d, ts_err *err)
{
    d->own_order = malloc((d->n ? d->n : 1) * sizeof *d->own_order);
    d->own_first = malloc((d->nstrata + 1) * sizeof *d->own_first);
    int own = d->own_order && d->own_first ? own_psu_order(d, d->own_order, d->own_first) : -1;
    if (own != 1) {
        free(d->own_order);
        free(d->own_first);
        d->own_order = d->own_first = NULL;
    }
    return own < 0 ? nomem(err) : TS_OK;
}

static ts_sample *sample_new(const ts_dataset *ds, const ts_design *design, int with_replicates, ts_err *err);

ts_sample *ts_sample_new(const ts_dataset *ds, const ts_design *design, ts_err *err)
{
    return sample_new(ds, design, 1, err);
}

static ts_sample *sample_new(const ts_dataset *ds, const ts_design *design, int with_replicates, ts_err *err)
{
    ts_sample *d = calloc(1, sizeof *d);
    size_t n = ds->nrows;
    int64_t *key = NULL;
    ts_strbuf sum = TS_STRBUF_INIT;
    ts_status st = TS_OK;
    if (!d) {
        nomem(err);
        return NULL;
    }
    d->n = n;
    d->lonely = design->lonely_psu;
    d->w = malloc((n ? n : 1) * sizeof *d->w);
    d->d = malloc((n ? n : 1) * sizeof *d->d);
    d->wcal = malloc((n ? n : 1) * sizeof *d->wcal);
    d->stratum = calloc(n ? n : 1, sizeof *d->stratum);
    d->psu = malloc((n ? n : 1) * sizeof *d->psu);
    key = malloc((n ? n : 1) * sizeof *key);
    if (!d->w || !d->d || !d->wcal || !d->stratum || !d->psu || !key)
        st = nomem(err);
    const ts_var *sv = find(ds, design->strata), *cv = find(ds, design->cluster), *fv = find(ds, design->fpc);
    if (st == TS_OK) {
        take_weights(d, ds, design, &sum);
        st = check_ids(ds, d->w, sv, "stratum", err);
    }
    if (st == TS_OK)
        st = check_ids(ds, d->w, cv, "cluster", err);
    for (size_t s = 0; st == TS_OK && cv && s < design->nsub; s++)
        st = check_ids(ds, d->w, find(ds, design->subcluster[s]), "sampling unit", err);
    if (st == TS_OK)
        st = take_strata(d, sv, key, &sum, err);
    if (st == TS_OK)
        st = take_psus(d, ds, cv, design->nest, key, &sum, err);
    if (st == TS_OK)
        st = take_fpc(d, ds, fv, cv != NULL, &sum, err);
    if (st == TS_OK && cv)
        st = take_later_stages(d, ds, design, key, &sum, err);
    if (st == TS_OK)
        st = take_calibration(d, ds, design, &sum, err);
    if (st == TS_OK && with_replicates)
        st = take_replicates(d, ds, design, &sum, err);
    if (st == TS_OK)
        st = take_own_order(d, err);
    free(key);
    if (st == TS_OK && !(d->summary = ts_strbuf_take(&sum)))
        st = nomem(err);
    if (st != TS_OK) {
        ts_strbuf_free(&sum);
        ts_sample_free(d);
        return NULL;
    }
    return d;
}

ts_sample *ts_sample_unweighted(const ts_dataset *ds, const ts_design *design, ts_err *err)
{
    ts_sample *d = sample_new(ds, design, 0, err); /* counts have no replicates */
    if (!d)
        return NULL;
    for (size_t i = 0; i < d->n; i++)
        d->w[i] = d->d[i] = d->wcal[i] = d->w[i] > 0 ? 1 : 0;
    d->cal = TS_SAMPLE_UNCALIBRATED;
    for (size_t h = 0; h < d->nstrata; h++)
        d->popsize[h] = INFINITY;
    d->nlater = 0;
    return d;
}

size_t ts_sample_joint_cells(const ts_sample *d)
{
    return d->cal == TS_SAMPLE_RAKED && !d->rake_exact ? d->njoint : 0;
}

int ts_sample_rake_adjust(const ts_sample *d, size_t J, const double *cnt, const double *sum, size_t ld, size_t k,
                          double *adj)
{
    size_t nm = d->ncal;
    double **a = calloc(nm ? nm : 1, sizeof *a);
    size_t *stride = malloc((nm ? nm : 1) * sizeof *stride);
    double *num = NULL, *den = NULL, *corr = malloc((k ? k : 1) * sizeof *corr);
    size_t maxc = 0;
    int rc = -1;
    if (!a || !stride || !corr)
        goto out;
    for (size_t m = 0, st = 1; m < nm; m++) {
        stride[m] = st;
        st *= d->cal_ncells[m];
        if (d->cal_ncells[m] > maxc)
            maxc = d->cal_ncells[m];
        if (!(a[m] = calloc(d->cal_ncells[m] * k, sizeof **a)))
            goto out;
    }
    if (!(num = malloc((maxc && k ? maxc * k : 1) * sizeof *num)) || !(den = malloc((maxc ? maxc : 1) * sizeof *den)))
        goto out;
    for (int sweep = 0; sweep < 10; sweep++) /* R's fixed number of back-fitting sweeps */
        for (size_t m = 0; m < nm; m++) {
            size_t nc = d->cal_ncells[m];
            memset(num, 0, nc * k * sizeof *num);
            memset(den, 0, nc * sizeof *den);
            for (size_t j = 0; j < J; j++) {
                if (cnt[j] == 0)
                    continue;
                size_t cm = (j / stride[m]) % nc;
                /* the current Σ over the joint cell of u = u₀ − Σ_m' a_m'[cell] */
                for (size_t c = 0; c < k; c++)
                    corr[c] = 0;
                for (size_t q = 0; q < nm; q++) {
                    size_t cq = (j / stride[q]) % d->cal_ncells[q];
                    for (size_t c = 0; c < k; c++)
                        corr[c] += a[q][cq * k + c];
                }
                for (size_t c = 0; c < k; c++)
                    num[cm * k + c] += sum[j * ld + c] - cnt[j] * corr[c];
                den[cm] += cnt[j];
            }
            for (size_t cm = 0; cm < nc; cm++)
                if (den[cm] > 0)
                    for (size_t c = 0; c < k; c++)
                        a[m][cm * k + c] += num[cm * k + c] / den[cm];
        }
    /* per joint cell: 0 + a₀[its cell] + a₁[…] + …, in margin order (the sum each row took) */
    for (size_t j = 0; j < J; j++)
        for (size_t c = 0; c < k; c++) {
            double s = 0;
            for (size_t m = 0; m < nm; m++)
                s += a[m][((j / stride[m]) % d->cal_ncells[m]) * k + c];
            adj[j * ld + c] = s;
        }
    rc = 0;
out:
    for (size_t m = 0; a && m < nm; m++)
        free(a[m]);
    free(a);
    free(stride);
    free(num);
    free(den);
    free(corr);
    return rc;
}

/* R's raking residuals, computed on the joint table of the margins' cells: each sweep
 * subtracts from u = z/w the unweighted mean of u in every cell of every margin, so u ends as
 * u₀ − Σ_m a_m[cell_m] and only the cell coefficients a_m need the sweeps. With counts and
 * sums of u₀ per joint cell those are exact, at a cost independent of the number of rows.
 * Returns 1 when done, 0 when the joint table is too large or a row lacks a cell (the caller
 * then sweeps row by row), -1 when memory runs out. */
static int rake_residuals_joint(const ts_sample *d, double *z, size_t k)
{
    size_t n = d->n, J = ts_sample_joint_cells(d);
    if (J == 0)
        return 0;
    const uint32_t *cell = d->joint_cell;
    double *cnt = calloc(J, sizeof *cnt), *sum = calloc(k ? J * k : 1, sizeof *sum);
    double *adj = malloc((k ? J * k : 1) * sizeof *adj);
    int rc = -1;
    if (!cnt || !sum || !adj)
        goto out;
    for (size_t i = 0; i < n; i++) {
        size_t j = cell[i];
        if (cell[i] == UINT32_MAX)
            continue;
        cnt[j]++;
        for (size_t c = 0; c < k; c++)
            sum[j * k + c] += z[i * k + c] / d->wcal[i];
    }
    if (ts_sample_rake_adjust(d, J, cnt, sum, k, k, adj) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        size_t j = cell[i];
        if (cell[i] == UINT32_MAX)
            continue;
        const double *aj = adj + j * k;
        for (size_t c = 0; c < k; c++)
            z[i * k + c] -= d->wcal[i] * aj[c];
    }
    rc = 1;
out:
    free(cnt);
    free(sum);
    free(adj);
    return rc;
}

/* [weighting] rake_residuals = exact: the residuals of a raked design as the calibration
 * estimator's linearisation defines them (Deville & Särndal 1992, section 3; Lumley 2010,
 * "Complex Surveys", 7.3): with u = z/w (w the calibrated weight), e = u − Xβ, β the
 * d-weighted least-squares fit of u on X, the indicators of every margin's cells (d the
 * weight before calibration), and z ← w·e. That is R's svyrecvar on calibrate(design,
 * ~m1 + m2, calfun = "raking"): qr.resid(qr(X√d), z/(g√d))·g√d with g = w/d, the same as the
 * GREG branch of calibration_residuals. R's rake() instead back-fits 10 times with unweighted
 * cell means of z/w, whose limit is the unweighted projection — equal to this one only when d
 * is constant (an equal-probability sample).
 * Solved directly rather than by back-fitting to convergence: sweeps converge linearly at a
 * rate set by how strongly the margins are associated in the sample (the angle between their
 * spaces), so strongly associated margins need thousands of sweeps and a stopping rule cannot
 * bound the error left without knowing that rate; a least-squares solve is exact to rounding
 * whatever the association. The fit is on the rows grouped by their joint cell (each group's
 * Σd and Σd·u: the same normal equations), so its size is the joint cells that occur × the
 * margins' cells, not the respondents. Column-pivoted QR (GSL's QRPT; R's qr pivots too)
 * because the full set of indicators is rank-deficient by construction (each margin's
 * indicators sum to 1) and more so when the sample confounds two margins' cells; the fitted
 * values Xβ are the same for every basic solution. Returns 1 when done, -1 when memory runs
 * out, -2 when GSL fails. */
static int rake_residuals_exact(const ts_sample *d, double *z, size_t k)
{
    size_t n = d->n, nm = d->ncal, p = 0, J = 1, G = 0;
    int joint = 1;
    for (size_t m = 0; m < nm; m++) {
        p += d->cal_ncells[m];
        if (d->cal_ncells[m] == 0 || J > 1000000 / d->cal_ncells[m])
            joint = 0;
        else
            J *= d->cal_ncells[m];
    }
    if (p == 0)
        return 1;
    for (size_t i = 0; joint && i < n; i++)
        for (size_t m = 0; m < nm; m++)
            if (d->w[i] != 0 && d->cal_cell[m][i] == SIZE_MAX)
                joint = 0;
    /* each row's group: its joint cell when the joint table is small, else the row itself */
    size_t *group = malloc((n ? n : 1) * sizeof *group), *map = joint ? malloc(J * sizeof *map) : NULL;
    if (!group || (joint && !map)) {
        free(group);
        free(map);
        return -1;
    }
    for (size_t j = 0; joint && j < J; j++)
        map[j] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        group[i] = SIZE_MAX;
        if (d->w[i] == 0)
            continue;
        if (!joint) {
            group[i] = G++;
            continue;
        }
        size_t j = 0;
        for (size_t m = 0, st = 1; m < nm; m++) {
            j += d->cal_cell[m][i] * st;
            st *= d->cal_ncells[m];
        }
        if (map[j] == SIZE_MAX)
            map[j] = G++;
        group[i] = map[j];
    }
    free(map);
    /* at least p rows for the QR (zero rows change no fit) */
    size_t rows = G > p ? G : p;
    gsl_matrix *a = gsl_matrix_calloc(rows, p);
    gsl_vector *tau = gsl_vector_alloc(p), *b = gsl_vector_alloc(rows), *res = gsl_vector_alloc(rows),
               *beta = gsl_vector_alloc(p), *work = gsl_vector_alloc(p);
    gsl_permutation *perm = gsl_permutation_alloc(p);
    double *dsum = calloc(G ? G : 1, sizeof *dsum), *usum = calloc((G ? G : 1) * k, sizeof *usum);
    size_t *first = malloc((G ? G : 1) * sizeof *first);
    int rc = -1, signum;
    if (!a || !tau || !b || !res || !beta || !work || !perm || !dsum || !usum || !first)
        goto out;
    for (size_t g = 0; g < G; g++)
        first[g] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t g = group[i];
        if (g == SIZE_MAX)
            continue;
        if (first[g] == SIZE_MAX)
            first[g] = i;
        dsum[g] += d->d[i];
        for (size_t c = 0; c < k; c++)
            usum[g * k + c] += d->d[i] * z[i * k + c] / d->wcal[i];
    }
    /* row g: √(Σd) times its cells' indicators */
    for (size_t g = 0; g < G; g++)
        for (size_t m = 0, off = 0; m < nm; off += d->cal_ncells[m], m++) {
            size_t cell = d->cal_cell[m][first[g]];
            if (cell != SIZE_MAX)
                gsl_matrix_set(a, g, off + cell, sqrt(dsum[g]));
        }
    rc = -2;
    if (gsl_linalg_QRPT_decomp(a, tau, perm, &signum, work) != 0)
        goto out;
    /* R's qr() drops a column whose remainder is below 1e-7 of its norm; the indicators'
     * structural dependencies leave ~1e-16, any real column far more */
    double r00 = fabs(gsl_matrix_get(a, 0, 0));
    size_t rank = gsl_linalg_QRPT_rank(a, 1e-9 * r00);
    for (size_t c = 0; c < k; c++) {
        gsl_vector_set_zero(b);
        for (size_t g = 0; g < G; g++)
            if (dsum[g] > 0)
                gsl_vector_set(b, g, usum[g * k + c] / sqrt(dsum[g]));
        if (rank == 0)
            gsl_vector_set_zero(beta);
        else if (gsl_linalg_QRPT_lssolve2(a, tau, perm, b, rank, beta, res) != 0)
            goto out;
        /* z ← w·(u − Xβ) = z − w·Xβ, row by row (Xβ is the sum of its cells' coefficients) */
        for (size_t i = 0; i < n; i++) {
            if (group[i] == SIZE_MAX)
                continue;
            double fit = 0;
            for (size_t m = 0, off = 0; m < nm; off += d->cal_ncells[m], m++)
                if (d->cal_cell[m][i] != SIZE_MAX)
                    fit += gsl_vector_get(beta, off + d->cal_cell[m][i]);
            z[i * k + c] -= d->wcal[i] * fit;
        }
    }
    rc = 1;
out:
    gsl_matrix_free(a);
    gsl_vector_free(tau);
    gsl_vector_free(b);
    gsl_vector_free(res);
    gsl_vector_free(beta);
    gsl_vector_free(work);
    gsl_permutation_free(perm);
    free(dsum);
    free(usum);
    free(first);
    free(group);
    return rc;
}

/* Residuals of Z (n × k) after calibration, as R's svyrecvar does before the variance.
 * Returns 0, -1 when memory runs out, -2 when a GREG model cannot be fitted. */
static int calibration_residuals(const ts_sample *d, double *z, size_t k)
{
    size_t n = d->n;
    if (d->cal == TS_SAMPLE_RAKED && d->rake_exact) {
        int done = rake_residuals_exact(d, z, k);
        return done < 0 ? done : 0;
    }
    if (d->cal == TS_SAMPLE_RAKED) {
        int done = rake_residuals_joint(d, z, k);
        if (done != 0)
            return done < 0 ? -1 : 0;
    }
    if (d->cal == TS_SAMPLE_POSTSTRATIFIED || d->cal == TS_SAMPLE_RAKED) {
        /* post: z - w × (Σ_c d z/w) / Σ_c d ; rake: 10 sweeps of z - w × mean_c(z/w) over
         * the margins (R's fixed number of back-fitting sweeps). */
        int sweeps = d->cal == TS_SAMPLE_RAKED ? 10 : 1;
        for (int s = 0; s < sweeps; s++)
            for (size_t m = 0; m < d->ncal; m++) {
                size_t nc = d->cal_ncells[m];
                double *num = calloc((nc ? nc : 1) * k, sizeof *num), *den = calloc(nc ? nc : 1, sizeof *den);
                if (!num || !den) {
                    free(num);
                    free(den);
                    return -1;
                }
                for (size_t i = 0; i < n; i++) {
                    size_t c = d->cal_cell[m][i];
                    if (c == SIZE_MAX || d->w[i] == 0)
                        continue;
                    double a = d->cal == TS_SAMPLE_POSTSTRATIFIED ? d->d[i] : 1;
                    den[c] += a;
                    for (size_t j = 0; j < k; j++)
                        num[c * k + j] += a * z[i * k + j] / d->wcal[i];
                }
                for (size_t i = 0; i < n; i++) {
                    size_t c = d->cal_cell[m][i];
                    if (c == SIZE_MAX || d->w[i] == 0 || den[c] == 0)
                        continue;
                    for (size_t j = 0; j < k; j++)
                        z[i * k + j] -= d->wcal[i] * num[c * k + j] / den[c];
                }
                free(num);
                free(den);
            }
    } else if (d->cal == TS_SAMPLE_GREG) {
        /* R: qr.resid(qr(X √d), z / (g √d)) × g √d, with g = wcal / d (calibrate() keeps
         * g √d in the design; trimWeights later changes the weights, not g). */
        size_t p = d->ncal, m = 0;
        for (size_t i = 0; i < n; i++)
            m += d->w[i] > 0;
        /* a least-squares fit of p columns needs at least p rows (GSL's QR refuses fewer and
         * leaves its output unset) */
        if (m < p)
            return -2;
        gsl_matrix *a = gsl_matrix_alloc(m ? m : 1, p);
        gsl_vector *tau = gsl_vector_alloc(p), *b = gsl_vector_alloc(m ? m : 1), *res = gsl_vector_alloc(m ? m : 1),
                   *sol = gsl_vector_alloc(p);
        if (!a || !tau || !b || !res || !sol) {
            gsl_matrix_free(a);
            gsl_vector_free(tau);
            gsl_vector_free(b);
            gsl_vector_free(res);
            gsl_vector_free(sol);
            return -1;
        }
        for (size_t i = 0, r = 0; i < n; i++)
            if (d->w[i] > 0) {
                double sd = sqrt(d->d[i]);
                for (size_t j = 0; j < p; j++)
                    gsl_matrix_set(a, r, j, d->calx[i * p + j] * sd);
                r++;
            }
        int bad = gsl_linalg_QR_decomp(a, tau) != 0;
        for (size_t j = 0; j < k && !bad; j++) {
            for (size_t i = 0, r = 0; i < n; i++)
                if (d->w[i] > 0) {
                    double gsd = d->wcal[i] / d->d[i] * sqrt(d->d[i]);
                    gsl_vector_set(b, r++, z[i * k + j] / gsd);
                }
            if (gsl_linalg_QR_lssolve(a, tau, b, sol, res) != 0) {
                bad = 1;
                break;
            }
            for (size_t i = 0, r = 0; i < n; i++)
                if (d->w[i] > 0) {
                    double gsd = d->wcal[i] / d->d[i] * sqrt(d->d[i]);
                    z[i * k + j] = gsl_vector_get(res, r++) * gsd;
                }
        }
        gsl_matrix_free(a);
        gsl_vector_free(tau);
        gsl_vector_free(b);
        gsl_vector_free(res);
        gsl_vector_free(sol);
        if (bad)
            return -2;
    }
    return 0;
}

/* Which entries of the covariance matrix a caller wants: all K × K (A NULL), or the N pairs
 * (A[p], B[p]) into OUT[p] — an estimate's variances need the diagonal only, a difference
 * three entries per estimate, so the sums per PSU cost K or 3K, not K². Every entry is
 * accumulated in the same order, with the same operations, whichever are asked for. */
typedef struct {
    size_t k, n;
    const size_t *a, *b;
    int diag;               /* the pairs are (0, 0) .. (K-1, K-1) */
} vcov_want;

/* OUT += SDEV · DEVᵀ over the wanted entries (SDEV = scale × DEV, formed once per unit: the
 * same product, in the same order, as scale · dev_a · dev_b). */
static void add_outer(double *restrict out, const vcov_want *want, const double *restrict sdev,
                      const double *restrict dev)
{
    size_t k = want->k;
    if (!want->a) {
        /* restrict: the compiler may do two columns at a time, each the same product */
        for (size_t a = 0; a < k; a++) {
            double s = sdev[a];
            double *restrict row = out + a * k;
            size_t b = 0;
            for (; b + 2 <= k; b += 2) { /* in pairs, which the compiler can pack */
                row[b] += s * dev[b];
                row[b + 1] += s * dev[b + 1];
            }
            for (; b < k; b++)
                row[b] += s * dev[b];
        }
        return;
    }
    if (want->diag) {
        for (size_t p = 0; p < k; p++)
            out[p] += sdev[p] * dev[p];
        return;
    }
    for (size_t p = 0; p < want->n; p++)
        out[p] += sdev[want->a[p]] * dev[want->b[p]];
}

/* The later stages of R's multistage(): within each unit p above stage S (a PSU for the
 * second stage), the variance of its units' totals of Z as onestrat() computes it for one
 * stratum — centred on their mean, times f·n_p/(n_p − 1) with f = 1 − n_p/N_p, a census
 * (f < 1e-7) adding nothing — weighted by the product of the sampling fractions above it,
 * (n_h/N_h)·(n_p/N_p)·…, which is R's recursion's factor nPSUs/fpcs at every level. A unit
 * with one sampled unit in it follows the lonely-PSU rule, as R applies it at every stage.
 * PSU_STRATUM and HAS: each PSU's stratum and whether it has rows (ts_sample_vcov's). */
static ts_status later_stages_vcov(const ts_sample *d, const double *z, size_t k, const size_t *psu_stratum,
                                   const unsigned char *has, const vcov_want *want, double *v, double *sdev,
                                   double *dev, ts_err *err)
{
    double *frac = malloc((d->npsu ? d->npsu : 1) * sizeof *frac);
    if (!frac)
        return nomem(err);
    for (size_t u = 0; u < d->npsu; u++) {
        size_t h = has[u] ? psu_stratum[u] : 0;
        frac[u] = has[u] ? (double)d->psu_count[h] / d->popsize[h] : 0;
    }
    ts_status st = TS_OK;
    for (size_t s = 0; st == TS_OK && s < d->nlater; s++) {
        size_t nu = d->nunit[s], nup = s == 0 ? d->npsu : d->nunit[s - 1];
        double *tot = calloc((nu ? nu : 1) * k, sizeof *tot), *mean = calloc((nup ? nup : 1) * k, sizeof *mean);
        double *next = malloc((nu ? nu : 1) * sizeof *next);
        unsigned char *in = calloc(nu ? nu : 1, 1);
        size_t *stratum_of = malloc((nup ? nup : 1) * sizeof *stratum_of);
        if (!tot || !mean || !next || !in || !stratum_of) {
            free(tot);
            free(mean);
            free(next);
            free(in);
            free(stratum_of);
            free(frac);
            return nomem(err);
        }
        for (size_t i = 0; i < d->n; i++) {
            if (d->w[i] <= 0)
                continue;
            size_t u = d->unit[s][i];
            in[u] = 1;
            stratum_of[d->unit_up[s][u]] = d->stratum[i];
            for (size_t j = 0; j < k; j++)
                tot[u * k + j] += z[i * k + j];
        }
        for (size_t u = 0; u < nu; u++)
            if (in[u]) {
                size_t p = d->unit_up[s][u];
                for (size_t j = 0; j < k; j++)
                    mean[p * k + j] += tot[u * k + j] / (double)d->sub_count[s][p];
            }
        for (size_t u = 0; u < nu && st == TS_OK; u++) {
            size_t p = d->unit_up[s][u];
            double np = (double)d->sub_count[s][p], big = d->sub_pop[s][p];
            next[u] = 0;
            if (!in[u] || !(np > 0))
                continue;
            next[u] = frac[p] * np / big;
            double f = (big - np) / big;
            if (f < 1e-7)
                continue; /* every unit of p was taken: no sampling variance at this stage */
            if (np == 1 && d->lonely == TS_LONELY_FAIL) {
                ts_strbuf where = TS_STRBUF_INIT;
                up_name(d, s, p, stratum_of[p], &where);
                st = ts_err_set(err, TS_E_DATA, "%s has only one unit %s sampled at stage %zu: its variance cannot be "
                                "estimated; choose [design] lonely_psu (or --lonely-psu) remove, certainty or adjust "
                                "(R applies it at every stage)", where.data ? where.data : "?", d->stage_name[s + 1],
                                s + 2);
                ts_strbuf_free(&where);
                break;
            }
            double scale = frac[p] * (np > 1 ? f * np / (np - 1) : f);
            int centre = !(np == 1 && d->lonely == TS_LONELY_ADJUST);
            for (size_t a = 0; a < k; a++) {
                dev[a] = tot[u * k + a] - (centre ? mean[p * k + a] : 0);
                sdev[a] = scale * dev[a];
            }
            add_outer(v, want, sdev, dev);
        }
        free(tot);
        free(mean);
        free(in);
        free(stratum_of);
        free(frac);
        frac = next;
    }
    free(frac);
    return st;
}

/* ts_sample_vcov for the entries WANT names (into V: K × K, or one value per pair). */
static ts_status sample_vcov(const ts_sample *d, double *z, const vcov_want *want, double *v, ts_err *err)
{
    size_t k = want->k, nv = want->a ? want->n : k * k;
    int rc = calibration_residuals(d, z, k);
    if (rc == -2 && d->rake_exact)
        return ts_err_set(err, TS_E_DATA, "the exact raking residuals (rake_residuals = exact): the least-squares "
                                          "fit on the %zu margins' cells failed", d->ncal);
    if (rc == -2)
        return ts_err_set(err, TS_E_DATA, "the GREG calibration's model (%zu columns) cannot be fitted to the "
                                          "respondents with a weight (too few of them, or a degenerate fit): "
                                          "its variance is undefined", d->ncal);
    if (rc != 0)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    memset(v, 0, nv * sizeof *v);
    size_t np = d->npsu ? d->npsu : 1;
    size_t *psu_stratum = malloc(np * sizeof *psu_stratum), *order = malloc(np * sizeof *order);
    size_t *first = calloc(d->nstrata + 1, sizeof *first), *fill = calloc(d->nstrata ? d->nstrata : 1, sizeof *fill);
    unsigned char *has = calloc(np, 1); /* rows in the PSU: 0, 1, 2 = more than one */
    double *mean = malloc((k ? k : 1) * sizeof *mean), *sdev = malloc((k ? k : 1) * sizeof *sdev);
    double *dev = malloc((k ? k : 1) * sizeof *dev), *tot = NULL;
    size_t *row_of = NULL;
    ts_status st = TS_OK;
    if (!psu_stratum || !order || !first || !fill || !has || !mean || !sdev || !dev)
        goto nomem;
    int own = 1; /* every PSU one row (an unclustered design): its total is that row of Z */
    for (size_t i = 0; i < d->n; i++) {
        if (d->w[i] <= 0)
            continue; /* not in the design (R: prob = Inf rows carry zero influence) */
        size_t u = d->psu[i];
        own &= has[u] == 0;
        has[u] = has[u] ? 2 : 1;
        psu_stratum[u] = d->stratum[i];
    }
    if (own) {
        if (!(row_of = malloc(np * sizeof *row_of)))
            goto nomem;
        for (size_t i = 0; i < d->n; i++)
            if (d->w[i] > 0)
                row_of[d->psu[i]] = i;
    } else {
        /* PSU totals */
        if (!(tot = calloc(np * k, sizeof *tot)))
            goto nomem;
        for (size_t i = 0; i < d->n; i++) {
            if (d->w[i] <= 0)
                continue;
            size_t u = d->psu[i];
            for (size_t j = 0; j < k; j++)
                tot[u * k + j] += z[i * k + j];
        }
    }
#define TOT(u) (own ? z + row_of[u] * k : tot + (u) * k)
    /* the PSUs with rows, by stratum, each stratum's in ascending order (the order R sums them) */
    for (size_t u = 0; u < d->npsu; u++)
        if (has[u])
            first[psu_stratum[u] + 1]++;
    for (size_t h = 0; h < d->nstrata; h++)
        first[h + 1] += first[h];
    for (size_t u = 0; u < d->npsu; u++)
        if (has[u])
            order[first[psu_stratum[u]] + fill[psu_stratum[u]]++] = u;
    for (size_t h = 0; h < d->nstrata && st == TS_OK; h++) {
        size_t nh = d->psu_count[h];
        if (nh == 0)
            continue;
        double f = isinf(d->popsize[h]) ? 1 : (d->popsize[h] - (double)nh) / d->popsize[h];
        if (f < 1e-7)
            continue; /* a census stratum: no sampling variance */
        double scale = nh > 1 ? f * (double)nh / (double)(nh - 1) : f;
        if (nh == 1 && d->lonely == TS_LONELY_FAIL) {
            if (d->stratum_name)
                st = ts_err_set(err, TS_E_DATA,
                                "stratum %s has only one PSU: its variance cannot be estimated; choose [design] lonely_psu (or --lonely-psu) remove, certainty or adjust",
                                d->stratum_name[h]);
            else
                st = ts_err_set(err, TS_E_DATA, "the sample has only one PSU: no variance can be estimated from it");
            break;
        }
        /* mean of the stratum's PSU totals over all its nh PSUs (absent ones are zero) */
        for (size_t j = 0; j < k; j++)
            mean[j] = 0;
        for (size_t o = first[h]; o < first[h + 1]; o++) {
            const double *t = TOT(order[o]);
            for (size_t j = 0; j < k; j++)
                mean[j] += t[j] / (double)nh;
        }
        /* R centres unless a lonely PSU is adjusted (deviation from the overall mean, 0). */
        int centre = !(nh == 1 && d->lonely == TS_LONELY_ADJUST);
        size_t present = 0;
        for (size_t o = first[h]; o < first[h + 1]; o++) {
            const double *t = TOT(order[o]);
            present++;
            for (size_t a = 0; a < k; a++) {
                dev[a] = t[a] - (centre ? mean[a] : 0);
                sdev[a] = scale * dev[a];
            }
            add_outer(v, want, sdev, dev);
        }
        /* PSUs of the stratum without any row here contribute (0 - mean)². */
        if (centre && present < nh) {
            for (size_t a = 0; a < k; a++)
                sdev[a] = scale * mean[a];
            for (size_t miss = present; miss < nh; miss++)
                add_outer(v, want, sdev, mean);
        }
    }
#undef TOT
    if (st == TS_OK && d->nlater > 0)
        st = later_stages_vcov(d, z, k, psu_stratum, has, want, v, sdev, dev, err);
done:
    free(tot);
    free(row_of);
    free(psu_stratum);
    free(order);
    free(first);
    free(fill);
    free(has);
    free(mean);
    free(sdev);
    free(dev);
    return st;
nomem:
    st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    goto done;
}

ts_status ts_sample_vcov(const ts_sample *d, double *z, size_t k, double *v, ts_err *err)
{
    vcov_want all = {k, k * k, NULL, NULL, 0};
    return sample_vcov(d, z, &all, v, err);
}

ts_status ts_sample_vcov_pairs(const ts_sample *d, double *z, size_t k, size_t npair, const size_t *a, const size_t *b,
                               double *out, ts_err *err)
{
    vcov_want some = {k, npair, a, b, npair == k};
    for (size_t p = 0; p < npair && some.diag; p++)
        some.diag = a[p] == p && b[p] == p;
    return sample_vcov(d, z, &some, out, err);
}

static double replicate_df(const ts_sample *d, const unsigned char *in)
{
    uint64_t h = 1469598103934665603ULL;
    size_t rows = 0, all = 1;
    for (size_t i = 0; i < d->n; i++) {
        if (!(d->w[i] > 0))
            continue;
        if (in && !in[i]) {
            all = 0;
            continue;
        }
        rows++;
        h = (h ^ (uint64_t)i) * 1099511628211ULL;
    }
    if (all)
        return d->rep->df;
    struct ts_sample_df_cache *c = d->df_cache;
    if (c) {
        pthread_mutex_lock(&c->lock);
        for (size_t k = 0; k < c->used; k++)
            if (c->key[k] == h && c->rows[k] == rows) {
                double df = c->df[k];
                pthread_mutex_unlock(&c->lock);
                return df;
            }
        pthread_mutex_unlock(&c->lock);
    }
    double df = ts_replicate_df(d->rep, d->n, d->w, in); /* outside the lock: the same answer */
    if (c && !isnan(df)) {
        pthread_mutex_lock(&c->lock);
        size_t k = c->used < DF_CACHE ? c->used++ : c->next++ % DF_CACHE;
        c->key[k] = h;
        c->rows[k] = rows;
        c->df[k] = df;
        pthread_mutex_unlock(&c->lock);
    }
    return df;
}

double ts_sample_df(const ts_sample *d, const unsigned char *in)
{
    if (d->rep)
        return replicate_df(d, in);
    unsigned char *psu = calloc(d->npsu ? d->npsu : 1, 1), *str = calloc(d->nstrata ? d->nstrata : 1, 1);
    if (!psu || !str) {
        free(psu);
        free(str);
        return NAN;
    }
    double np = 0, ns = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->w[i] <= 0 || (in && !in[i]))
            continue;
        if (!psu[d->psu[i]]) {
            psu[d->psu[i]] = 1;
            np++;
        }
        if (!str[d->stratum[i]]) {
            str[d->stratum[i]] = 1;
            ns++;
        }
    }
    free(psu);
    free(str);
    return np - ns;
}
