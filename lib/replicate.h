/* replicate.h — replicate-weight variance (docs/estimation.md, "Replicate weights"): a set of
 * R replicate weights per row (jackknife, bootstrap, balanced repeated replication, Fay's
 * variant, or columns supplied with the data) and the variance of any estimator from its
 * estimates under each replicate — R survey's svrVar, which every svyrep.design method calls.
 * ts_sample (sample.h) carries the replicates when the design says variance = something other
 * than linearization; every estimator then calls ts_replicate_vcov where it would call
 * ts_sample_vcov. */
#ifndef TS_LIB_REPLICATE_H
#define TS_LIB_REPLICATE_H

#include <stddef.h>

#include "status.h"

typedef struct ts_sample ts_sample;

typedef enum { TS_REP_NONE, TS_REP_JK1, TS_REP_JKN, TS_REP_BOOTSTRAP, TS_REP_BRR, TS_REP_FAY, TS_REP_OTHER } ts_rep_type;

typedef struct ts_replicates {
    ts_rep_type type;
    size_t nrep;          /* R */
    double *w;            /* n × R, replicate r's weights at w + r*n (0 = not in the design) */
    double scale;         /* R's scale */
    double *rscales;      /* R values */
    int mse;              /* centre at the full-sample estimate (1) or the replicates' mean (0) */
    double df;            /* R's degf: rank of the replicate weights − 1 */
    int made;             /* 1: jackknife or BRR replicates made from the design (R:
                           * as.svrepdesign, whose full-sample weights are 1/prob, i.e. 1/(1/w)
                           * as svydesign's); 0 (default): supplied, or bootstrap (R: svrepdesign,
                           * which keeps the weights as given). ts_sample_new sets it. */
} ts_replicates;

/* An estimator evaluated with other weights: VIEW is a ts_sample whose w is one replicate's
   weights (uncalibrated, no replicates of its own); writes its K estimates into THETA. */
typedef ts_status (*ts_rep_estimator)(const ts_sample *view, void *ctx, double *theta, ts_err *err);

/* V (K × K) = scale Σ_r rscales_r (θ_r − c)(θ_r − c)ᵀ, c = θ̂ (mse) or mean θ_r (R: svrVar). THETA_HAT the full-sample
   estimates. NaN replicate estimates (an empty domain in a replicate) as R treats them. */
ts_status ts_replicate_vcov(const ts_sample *d, ts_rep_estimator f, void *ctx, const double *theta_hat, size_t k,
                            double *v, ts_err *err);

/* The same variance from replicate estimates already computed: THETA is R × K (row r =
 * replicate r's K estimates). R's svrVar exactly: a replicate with a NaN (R's NA) in any of its
 * K estimates is left out with its rscale (na.omit); with mse = 0 the centre is the mean over
 * the remaining replicates of positive rscale. Every replicate NaN: V all NaN (R stops, "All
 * replicates contained NAs"). *DROPPED (may be NULL) gets the number left out. */
void ts_replicate_vcov_theta(const ts_replicates *rep, const double *theta, const double *theta_hat, size_t k,
                             double *v, size_t *dropped);

/* R's degf of the replicate design restricted to the rows where IN is nonzero (IN NULL: every
 * row) and W positive (W: the full-sample weights, n of them): the rank of those rows'
 * replicate weights (LINPACK's QR with R's tolerance 1e-5, as qr()) minus 1; R's `[` on a
 * svyrep.design recomputes it for every subset (svyby's domains). NaN when memory runs out. */
double ts_replicate_df(const ts_replicates *rep, size_t n, const double *w, const unsigned char *in);

/* The names as the manifest spells them (jk1, jkn, bootstrap, brr, fay, other; none is
 * "linearization"); the parser returns 0 and sets *OUT, or -1 when S names none. */
const char *ts_rep_type_name(ts_rep_type t);
int ts_rep_type_parse(const char *s, ts_rep_type *out);

/* R's default scale for a replicate type with NREP replicates: JK1 (R−1)/R, bootstrap 1/(R−1),
 * BRR 1/R, Fay 1/(R(1−ρ)²); JKn and other 1 (JKn's (n_h−1)/n_h are its rscales). */
double ts_replicate_default_scale(ts_rep_type t, size_t nrep, double fay_rho);

/* A new, empty set of NREP replicates for N rows (w zeroed, rscales 1, scale 1, df NaN);
 * NULL when memory runs out. ts_replicates_free(NULL) is fine. */
ts_replicates *ts_replicates_new(ts_rep_type type, size_t n, size_t nrep);
void ts_replicates_free(ts_replicates *rep);

#endif
