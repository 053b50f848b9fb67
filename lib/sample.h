/* sample.h — a weighted sample as the variance sees it: the design record (design.h) resolved
 * against the dataset's rows into weights, stratum and PSU indices, finite population
 * corrections and the calibration that produced the weights; and the Taylor-linearisation
 * variance of estimators given their influence values (R survey's svyrecvar / onestage /
 * onestrat and multistage: the ultimate-cluster form, and with an fpc at every stage the
 * recursion over the sampling stages). */
#ifndef TS_LIB_SAMPLE_H
#define TS_LIB_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "design.h"
#include "replicate.h"
#include "status.h"

/* How the calibration residuals are formed: none, per post-stratum, raking sweeps, GREG. */
typedef enum { TS_SAMPLE_UNCALIBRATED, TS_SAMPLE_POSTSTRATIFIED, TS_SAMPLE_RAKED, TS_SAMPLE_GREG } ts_sample_cal;

typedef struct ts_sample {
    size_t n;
    double *w;            /* final weight; 0 = not in the design */
    double *d;            /* weight before calibration (for calibration residuals) */
    double *wcal;         /* weight the calibration produced, before any trimming (= w when
                           * not trimmed): R's svyrecvar takes the calibration's g and
                           * post-stratified weights from the calibration step, unchanged by
                           * trimWeights, so the residuals below use wcal where R uses them */
    size_t *stratum;      /* 0..nstrata-1 */
    size_t nstrata;
    char **stratum_name;  /* per stratum, for messages: "area = 2 (南)"; NULL when unstratified */
    size_t *psu;          /* 0..npsu-1, unique across strata */
    size_t npsu;
    size_t *psu_count;    /* per stratum: PSUs in the whole sample (R's fpcs$sampsize) */
    double *popsize;      /* per stratum: N_h, or INFINITY without fpc */
    /* Later sampling stages, in the variance only with an fpc at every stage (R's multistage:
     * without fpc the ultimate-cluster variance above is the whole of it). Stage s = 0 is the
     * second stage. A unit is a (unit above, id) pair; the units above stage 0 are the PSUs. */
    size_t nlater;
    size_t *unit[TS_DESIGN_MAX_STAGES - 1];        /* per row: its unit at the stage */
    size_t nunit[TS_DESIGN_MAX_STAGES - 1];
    size_t *unit_up[TS_DESIGN_MAX_STAGES - 1];     /* per unit: the unit above it */
    size_t *sub_count[TS_DESIGN_MAX_STAGES - 1];   /* per unit above: its units in the sample */
    double *sub_pop[TS_DESIGN_MAX_STAGES - 1];     /* per unit above: N, its units in the population */
    int64_t *up_id[TS_DESIGN_MAX_STAGES - 1];      /* per unit above: its id, for messages */
    char *stage_name[TS_DESIGN_MAX_STAGES];        /* each stage's variable, for messages */
    int weighted;         /* the dataset had a weight column */
    ts_sample_cal cal;
    int rake_exact;       /* raked: the exact GREG residuals ([weighting] rake_residuals = exact)
                           * instead of R's 10 back-fitting sweeps */
    size_t ncal;          /* post/rake: margins; greg: model columns */
    size_t **cal_cell;    /* post/rake: per margin, each row's cell (SIZE_MAX: none) */
    size_t *cal_ncells;
    double *calx;         /* greg: n × ncal model matrix, row-major */
    size_t njoint;        /* raked with R's sweeps: the cells of the margins' joint table, done
                           * on it (ts_sample_joint_cells; 0: row by row) */
    uint32_t *joint_cell; /* per row: its joint cell (UINT32_MAX: weight 0) */
    size_t nwclass;       /* with a joint table: the rows of the design by stratum, joint cell,
                           * calibrated and final weight (0: too many classes to gain from them) */
    uint32_t *wclass;     /* per row: its class (UINT32_MAX: weight <= 0) */
    size_t *wclass_stratum;
    uint32_t *wclass_cell;
    double *wclass_wcal, *wclass_w;
    size_t *own_order;    /* when every PSU is one row of the design: those rows in the order the
                           * variance visits them (by stratum, PSUs ascending); NULL otherwise */
    size_t *own_first;    /* per stratum h: its rows own_order[own_first[h] .. own_first[h+1]) */
    ts_lonely_psu lonely;
    const ts_replicates *rep; /* replicate weights ([design] variance other than linearization;
                               * owned by the sample); NULL: Taylor linearisation */
    struct ts_sample_df_cache *df_cache; /* replicates: the df of domains already asked for (the
                                          * rank of a domain's weights is a QR of its rows) */
    char *summary;        /* one line: "stratified by area, fpc; raked (age_band; sex)" */
} ts_sample;

/* The sample of DS under DESIGN (as ts_design_read gives it; a design without a weight
 * column is unweighted: every weight 1). Checks what only the rows can show: a respondent in
 * the design without its stratum or cluster, a missing or non-positive fpc, two population
 * sizes in one stratum, a population smaller than its sample (TS_E_DATA). The caller owns
 * the result (ts_sample_free); NULL with ERR set on error. */
ts_sample *ts_sample_new(const ts_dataset *ds, const ts_design *design, ts_err *err);
void ts_sample_free(ts_sample *d);

/* The same sample counted as respondents: every weight 1, no calibration, no fpc (R's
 * unweighted counts). Owned by the caller; NULL when memory runs out. */
ts_sample *ts_sample_unweighted(const ts_dataset *ds, const ts_design *design, ts_err *err);

/* Covariance matrix (K × K, row-major, into V) of estimators whose influence values are the
 * K columns of Z (n × K, row-major; overwritten: calibration residuals). R: svyrecvar, with
 * its multistage recursion when every stage has an fpc; a raked sample with rake_exact takes
 * the exact GREG residuals of its margins instead of R's sweeps. Returns TS_OK, or TS_E_DATA for a
 * stratum (at a later stage: a unit) with one PSU (one sampled unit) under TS_LONELY_FAIL. */
ts_status ts_sample_vcov(const ts_sample *d, double *z, size_t k, double *v, ts_err *err);

/* The entries (A[p], B[p]), p < NPAIR, of that covariance matrix into OUT[p] — each the same
 * number ts_sample_vcov puts at V[A[p]·K + B[p]], at a cost per PSU of NPAIR rather than K²
 * (an estimate's variances need the diagonal only). Z, errors as ts_sample_vcov. */
ts_status ts_sample_vcov_pairs(const ts_sample *d, double *z, size_t k, size_t npair, const size_t *a, const size_t *b,
                               double *out, ts_err *err);

/* A raked sample's joint table of its margins' cells, on which R's back-fitting sweeps are
 * done exactly (cells × K instead of rows × K): the number J of joint cells (each row's in
 * D->joint_cell), or 0 when the sample is not raked with R's sweeps, the table would exceed
 * 10⁶ cells or a row of the design lacks a margin's cell (the sweeps then go row by row). */
size_t ts_sample_joint_cells(const ts_sample *d);

/* R's 10 raking sweeps on the joint table: CNT[j] the rows of the design in joint cell j,
 * SUM[j·LD + c] the sums of z/w there for K columns; ADJ[j·LD + c] gets what the sweeps
 * subtract from u = z/w in joint cell j (the rows' residuals are then z − w·ADJ), summed
 * over the margins in their order from 0. Returns 0, or -1 when memory runs out. */
int ts_sample_rake_adjust(const ts_sample *d, size_t J, const double *cnt, const double *sum, size_t ld, size_t k,
                          double *adj);

/* Degrees of freedom of the design restricted to the rows where IN is nonzero (and the
 * weight positive): PSUs minus strata among them (R: degf of a subset design); with replicate
 * weights the rank of those rows' replicate weights minus 1 (R's degf.svyrep.design, which
 * R's `[` recomputes for a domain's subset; IN NULL: rep->df). */
double ts_sample_df(const ts_sample *d, const unsigned char *in);

#endif
