/* simulate.c — see simulate.h. */
#include "simulate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "buf.h"
#include "csvout.h"
#include "design.h"
#include "model.h"
#include "population.h"
#include "popspec.h"

/* Domains: 0 = 全体, 1..5 areas, 6..13 age bands. */
enum { ND = 1 + 5 + SYNTH_NBANDS };

typedef struct acc {
    /* per replicate */
    double resp, y, wresp, wy;
    /* over replicates */
    double sum_est, sum_est2, sum_west, sum_share;
    unsigned long nest; /* replicates where the domain had respondents */
    /* population and design expectation */
    double pop, pop_y, exp_resp, exp_y;
} acc;

static int is_any(const synth_person *p) { return p->lonely >= 3; }

static void domains(const synth_person *p, size_t nareas, int d[3])
{
    d[0] = 0;
    d[1] = nareas > 1 ? 1 + p->area : -1;
    d[2] = 6 + p->band;
}

/* Fixed-point text of X with 3 decimals, rounded half away from zero; avoids printf's
 * locale and keeps the file's bytes independent of the C library. */
static void fixed3(synth_csv *w, double x)
{
    double a = x < 0 ? -x : x;
    long long v = (long long)(a * 1000 + 0.5);
    synth_csv_fixed(w, x < 0 ? -v : v, 3);
}

ts_status synth_simulate_saitama(const char *out, unsigned long reps, unsigned long seed,
                                    unsigned long pop_seed, ts_err *err)
{
    synth_popspec spec;
    synth_popspec_saitama(&spec);
    synth_model *m = synth_model_new();
    gsl_rng *rpop = gsl_rng_alloc(gsl_rng_mt19937), *r = gsl_rng_alloc(gsl_rng_mt19937);
    synth_population *pop = NULL;
    uint32_t *perm = NULL, *sample = NULL;
    synth_csv *w = NULL;
    synth_buf note = SYNTH_BUF_INIT;
    ts_status st = TS_OK;
    acc a[ND];
    memset(a, 0, sizeof a);
    if (!m || !rpop || !r) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    gsl_rng_set(rpop, pop_seed);
    gsl_rng_set(r, seed);
    if (!(pop = synth_population_build(&spec, m, rpop, err))) {
        st = err->status;
        goto done;
    }
    size_t n = spec.nareas * SYNTH_SAITAMA_PER_AREA;
    perm = malloc(pop->n * sizeof *perm);
    sample = malloc(n * sizeof *sample);
    if (!perm || !sample) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < pop->n; i++)
        perm[i] = (uint32_t)i;

    /* truth and the design's expectation: E(respondents) = N_c * n_h/N_h * rho_c per person,
     * so the unweighted ratio tends to sum(pi*rho*y) / sum(pi*rho) */
    double base_w[5];
    for (size_t h = 0; h < spec.nareas; h++) {
        double Nh = (double)(synth_population_area_end(pop, h) -
                             synth_population_area_begin(pop, h));
        base_w[h] = Nh / SYNTH_SAITAMA_PER_AREA;
    }
    for (size_t i = 0; i < pop->n; i++) {
        const synth_person *p = &pop->p[i];
        int d[3];
        domains(p, spec.nareas, d);
        double q = synth_design_saitama_response(p) / base_w[p->area];
        for (int j = 0; j < 3; j++) {
            if (d[j] < 0)
                continue;
            a[d[j]].pop += 1;
            a[d[j]].pop_y += is_any(p);
            a[d[j]].exp_resp += q;
            a[d[j]].exp_y += q * is_any(p);
        }
    }

    for (unsigned long rep = 0; rep < reps; rep++) {
        synth_design_saitama_sample(pop, r, perm, sample);
        for (int k = 0; k < ND; k++)
            a[k].resp = a[k].y = a[k].wresp = a[k].wy = 0;
        for (size_t i = 0; i < n; i++) {
            const synth_person *p = &pop->p[sample[i]];
            if (!synth_draw_bern(r, synth_design_saitama_response(p)))
                continue;
            int d[3];
            domains(p, spec.nareas, d);
            for (int j = 0; j < 3; j++) {
                if (d[j] < 0)
                    continue;
                a[d[j]].resp += 1;
                a[d[j]].y += is_any(p);
                a[d[j]].wresp += base_w[p->area];
                a[d[j]].wy += base_w[p->area] * is_any(p);
            }
        }
        for (int k = 0; k < ND; k++) {
            a[k].sum_share += a[0].resp > 0 ? a[k].resp / a[0].resp : 0;
            if (a[k].resp <= 0)
                continue;
            double est = a[k].y / a[k].resp;
            a[k].sum_est += est;
            a[k].sum_est2 += est * est;
            a[k].sum_west += a[k].wy / a[k].wresp;
            a[k].nest++;
        }
    }

    w = synth_csv_open(out, SYNTH_ENC_UTF8, "\n", err);
    if (!w) {
        st = err->status;
        goto done;
    }
    synth_buf_puts(&note, "SYNTHETIC: tsunagari-synth simulate-saitama, ");
    synth_buf_addint(&note, (long long)reps);
    synth_buf_puts(&note, " replicates, seed ");
    synth_buf_addint(&note, (long long)seed);
    synth_buf_puts(&note, ", population seed ");
    synth_buf_addint(&note, (long long)pop_seed);
    synth_buf_puts(&note, ". Indicator lonely_any (孤独感「ある」計), percent.");
    st = synth_csv_comment(w, synth_buf_cstr(&note), err);
    static const char *const head[] = {
        "domain_type",     "domain",          "population_share", "respondent_share",
        "truth",           "unweighted_mean", "unweighted_mc_se", "unweighted_bias",
        "expected_bias",   "base_weighted_mean", "base_weighted_bias", "replicates"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        synth_csv_field(w, head[i]);
    if (st == TS_OK)
        st = synth_csv_end(w, err);
    for (int k = 0; k < ND && st == TS_OK; k++) {
        if (a[k].pop <= 0)
            continue;
        const char *type = k == 0 ? "all" : k <= 5 ? "area" : "age_band";
        const char *name = k == 0 ? "全体" : k <= 5 ? spec.area[k - 1].ja : synth_q_band.opt[k - 6].ja;
        double R = a[k].nest ? (double)a[k].nest : 1;
        double truth = 100 * a[k].pop_y / a[k].pop;
        double mean = 100 * a[k].sum_est / R;
        double var = a[k].nest > 1 ? (a[k].sum_est2 - a[k].sum_est * a[k].sum_est / R) / (R - 1)
                                   : 0;
        double se = var > 0 ? 100 * sqrt(var / R) : 0; /* sqrt is exactly rounded (IEEE 754) */
        double expected = 100 * a[k].exp_y / a[k].exp_resp;
        double wmean = 100 * a[k].sum_west / R;
        synth_csv_field(w, type);
        synth_csv_field(w, name);
        fixed3(w, 100 * a[k].pop / a[0].pop);
        fixed3(w, 100 * a[k].sum_share / (double)(reps ? reps : 1));
        fixed3(w, truth);
        fixed3(w, mean);
        fixed3(w, se);
        fixed3(w, mean - truth);
        fixed3(w, expected - truth);
        fixed3(w, wmean);
        fixed3(w, wmean - truth);
        synth_csv_int(w, (long long)a[k].nest);
        st = synth_csv_end(w, err);
    }
    if (note.oom && st == TS_OK)
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    if (st == TS_OK) {
        st = synth_csv_commit(w, err);
        w = NULL;
    }
done:
    synth_csv_abort(w);
    synth_buf_free(&note);
    free(sample);
    free(perm);
    synth_population_free(pop);
    if (rpop)
        gsl_rng_free(rpop);
    if (r)
        gsl_rng_free(r);
    synth_model_free(m);
    return st;
}
