/* weight.h — weights on a dataset in memory: the columns a weighted dataset carries
 * (docs/weighting.md), stored with the design that made them, and raking as a library call —
 * what tsunagari-weight does with [weighting] method = rake, for a program that has its data
 * and margins in memory. */
#ifndef TS_WEIGHT_LIB_H
#define TS_WEIGHT_LIB_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "design.h"
#include "status.h"

/* A weighted dataset's columns, one value per row (borrowed; NULL: the column is not made). */
typedef struct ts_weights {
    const double *weight;            /* the final weight (0: not in the design) */
    const double *design_weight;     /* before calibration: base × nonresponse */
    const double *calibrated;        /* the calibration's weight before trimming; NULL: not trimmed */
    const double *fpc;               /* each row's stratum population N_h; NULL: no fpc */
    char *const *calibration_names;  /* the calibration columns the variance needs (_cal_1 ...) */
    const double *const *calibration_columns;
    size_t ncalibration;
    const char *source;              /* who made them, for the columns' source ("tsunagari-weight") */
    const double *subfpc;            /* two stages: each row's PSU population N_hi (the column
                                      * fpc_population_2, the design's second-stage fpc); NULL: none */
    const double *replicates;        /* replicate weights, n × NREPLICATES (replicate r at + r*n):
                                      * stored as repw_1 .. repw_R and named in the design (combined
                                      * weights); NULL: the design's replicate columns as they are */
    size_t nreplicates;
} ts_weights;

/* Store W in DS as the columns weight, design_weight, fpc_population, calibrated_weight and the
 * calibration columns (replacing earlier ones), name them in DESIGN and record DESIGN in DS's
 * provenance (ts_design_write). TS_E_DATA when DS has a variable of one of those names that is
 * not numeric; TS_E_NOMEM. */
ts_status ts_weight_store(ts_dataset *ds, ts_design *design, const ts_weights *w, ts_err *err);

/* A margin of one single-choice variable: its categories and their population counts. */
typedef struct ts_weight_margin {
    const char *variable;
    size_t ncodes;
    const int32_t *codes;
    const double *totals;
} ts_weight_margin;

/* Rake DS to the NM margins M (R: rake(), to epsilon 1e-10 × the total and at most 1000
 * sweeps, as tsunagari-weight's defaults), starting from DESIGN's design weight column (or
 * its weight column, or 1), and store the weights (ts_weight_store) with the calibration in
 * DESIGN — which the caller initialised (ts_design_init: simple random sampling; or a design
 * of its own: strata, clusters and fpc are kept) and clears. A respondent with a margin
 * variable missing takes no part (weight 0, counted in DESIGN->dropped), as [weighting]
 * missing = drop. TS_E_DATA (ERR says which) for a variable that is not single-choice, a
 * row's category that has no margin cell, a margin cell with no respondent, or no
 * convergence. */
ts_status ts_weight_rake(ts_dataset *ds, ts_design *design, const ts_weight_margin *m, size_t nm, ts_err *err);

#endif
