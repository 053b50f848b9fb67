/* design.h — the sampling design of a weighted dataset, as the estimation stage sees it:
 * weights, strata, PSUs, finite population corrections and the calibration that produced
 * the weights; and the Taylor-linearisation variance of estimators given their influence
 * values (R survey's svyrecvar / onestage / onestrat, ultimate-cluster form). */
#ifndef TS_TAB_DESIGN_H
#define TS_TAB_DESIGN_H

#include <stddef.h>

#include "dataset.h"
#include "status.h"

typedef enum { LONELY_FAIL, LONELY_REMOVE, LONELY_CERTAINTY, LONELY_ADJUST } lonely_psu;

typedef enum { CAL_NONE, CAL_POST, CAL_RAKE, CAL_GREG } cal_kind;

typedef struct design {
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
    int weighted;         /* the dataset had a weight column */
    cal_kind cal;
    size_t ncal;          /* post/rake: margins; greg: model columns */
    size_t **cal_cell;    /* post/rake: per margin, each row's cell (SIZE_MAX: none) */
    size_t *cal_ncells;
    double *calx;         /* greg: n × ncal model matrix, row-major */
    lonely_psu lonely;
    char *summary;        /* one line: "stratified by area, fpc; raked (age_band; sex)" */
} design;

/* Read the design recorded in DS by tsunagari-weight (or, with no weight column, simple
 * random sampling with weight 1). */
design *design_from_dataset(const ts_dataset *ds, lonely_psu lonely, ts_err *err);
void design_free(design *d);

/* Covariance matrix (K × K, row-major, into V) of estimators whose influence values are the
 * K columns of Z (n × K, row-major; overwritten: calibration residuals). R: svyrecvar.
 * Returns TS_OK, or TS_E_DATA for a stratum with one PSU under LONELY_FAIL. */
ts_status design_vcov(const design *d, double *z, size_t k, double *v, ts_err *err);

/* Degrees of freedom of the design restricted to the rows where IN is nonzero (and the
 * weight positive): PSUs minus strata among them (R: degf of a subset design). */
double design_df(const design *d, const unsigned char *in);

#endif
