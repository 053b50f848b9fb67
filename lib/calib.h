/* calib.h — the weighting algorithms on plain arrays: post-stratification, raking, generalised
 * regression calibration (linear, raking and logit distance, with bounds), trimming. Each
 * reproduces R's survey package (version 4.1) step for step, so that weights agree with it
 * to rounding; the R code each follows is named at the function. */
#ifndef TS_LIB_CALIB_H
#define TS_LIB_CALIB_H

#include <stddef.h>
#include <stdint.h>

#define TS_CALIB_NO_CELL SIZE_MAX

/* A margin: each row's cell (or TS_CALIB_NO_CELL: the row takes no part) and each cell's
 * population total. */
typedef struct ts_calib_margin {
    const size_t *cell;   /* per row */
    size_t ncells;
    const double *total;  /* per cell */
} ts_calib_margin;

/* Post-stratify W (N rows) to margin M: w *= total[c] / sum of w in c (R: postStratify).
 * Returns 0, or -1 with *BAD_CELL set when a cell with a positive total has no weight. */
int ts_calib_poststratify(double *w, size_t n, const ts_calib_margin *m, size_t *bad_cell);

typedef struct ts_rake_control {
    double epsilon;     /* in: below 1, relative to the sum of weights (as R's rake) */
    int maxit;          /* in: sweeps allowed */
    int iterations;     /* out: sweeps done */
    double last_change; /* out: largest change of a joint-table cell in the last sweep */
    int converged;      /* out */
} ts_rake_control;

/* Rake W to NM margins by iterative proportional fitting (R: rake): each sweep
 * post-stratifies to every margin in turn; it stops when no cell of the joint table of all
 * margin variables (JOINT: each row's cell of it, NJOINT cells) moved by epsilon or more.
 * Returns 0, or -1 with *BAD_MARGIN and *BAD_CELL set for a margin cell with no respondent. */
int ts_calib_rake(double *w, size_t n, const ts_calib_margin *m, size_t nm, const size_t *joint, size_t njoint,
               ts_rake_control *ctl, size_t *bad_margin, size_t *bad_cell);

/* The joint table of NM margins for ts_calib_rake's convergence test: each of the N rows' cell
 * of it into OUT (numbered densely in order of first appearance; TS_CALIB_NO_CELL for a row
 * that has no cell in some margin), and the number of cells used into *NUSED. Returns 0, -1
 * when the margins cross to more than 50 million cells, -2 when memory runs out. */
int ts_calib_joint_cells(const ts_calib_margin *m, size_t nm, size_t n, size_t *out, size_t *nused);

/* The largest misfit of weights W (N rows) to the NM margins M: max over cells with a total
 * of |Σ w − total| / max(total, 1), with the margin and cell where it is into *BAD_MARGIN,
 * *BAD_CELL. Raking can stop "converged" far from a margin when a cell of the margins' joint
 * table has no respondent (R's rake() then says nothing): callers check this. -1 when memory
 * runs out. */
double ts_calib_margin_misfit(const double *w, size_t n, const ts_calib_margin *m, size_t nm, size_t *bad_margin,
                              size_t *bad_cell);

typedef enum { TS_CALFUN_LINEAR, TS_CALFUN_RAKING, TS_CALFUN_LOGIT } ts_calfun;

typedef struct ts_calib_control {
    ts_calfun fun;
    double lower, upper;  /* bounds on g (-inf, +inf: none; logit needs both finite) */
    double epsilon;       /* R's: max |misfit| / (1 + |total|) */
    int maxit;
    int iterations;       /* out */
    double achieved;      /* out: max |misfit| / (1 + |total|) at the end */
    double scale;         /* out: R's rescaling of the weights before bounding (1 if none) */
    int converged;        /* out */
} ts_calib_control;

/* Calibrate W (N rows) to TOTALS of the P columns of the row-major model matrix X
 * (N × P): R's calibrate() — regcalibrate's closed form for unbounded linear, else grake's
 * Newton iterations with a generalised inverse and step halving. Columns whose sample
 * and population totals are both zero are dropped, as R does. On return W holds the
 * calibrated weights and G (if not NULL) the g-weights. Returns 0, -1 when it did not
 * converge (W unchanged), -2 when memory runs out. */
int ts_calib_calibrate(double *w, size_t n, const double *x, size_t p, const double *totals, ts_calib_control *ctl,
                    double *g);

/* Trim W into [LOWER, UPPER] (R: trimWeights): weights outside are set to the bound and the
 * trimmed amount is shared out equally among the weights inside; with STRICT this repeats
 * until no weight is outside. Returns the number of rounds; *TRIMMED gets how many weights
 * were at a bound at the end. Returns -1 (W then holds the last complete round, or is
 * unchanged) when a round finds every weight outside the bounds: the trimmed amount has
 * nowhere to go (R's trimWeights then clamps them all and the total is lost); -2 when STRICT
 * rounds still leave a weight outside after TS_CALIB_TRIM_MAX_ROUNDS (bounds that cannot all
 * hold with the weights' total: the mean weight outside them; W holds the last round). */
#define TS_CALIB_TRIM_MAX_ROUNDS 1000
int ts_calib_trim(double *w, size_t n, double lower, double upper, int strict, size_t *trimmed);

#endif
