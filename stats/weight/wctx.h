/* wctx.h — private to tsunagari-weight: the context one run of the stage shares between its
 * steps (design_weights.c → nonresponse → calibration → trimming → diagnostics, driven by
 * weight_run in run.c), and the small helpers every step uses to read settings and word
 * messages (wctx.c). Nothing outside stats/weight/ includes it. */
#ifndef TS_WEIGHT_WCTX_H
#define TS_WEIGHT_WCTX_H

#include <stdio.h>

#include "dataset.h"
#include "sample.h"
#include "manifest.h"
#include "margins.h"
#include "status.h"
#include "strbuf.h"
#include "run.h"

#define PROG "tsunagari-weight"

/* A calibration margin: a table of population counts with each row's cell of it, or a
 * numeric variable with its population total. */
typedef struct wmargin {
    char *name;           /* NAME of [margin.NAME] */
    margin_table *t;      /* a table of counts; NULL for a numeric total */
    struct cellmap *cm;   /* T's cells, merged by [weighting] collapse (cells.h) */
    size_t *cell;         /* per row */
    ts_var *numvar;       /* numeric margin: the variable and its population total */
    double numtotal;
} wmargin;

typedef struct wctx {
    const weight_options *opt;
    ts_manifest *m;
    ts_dataset *ds;
    size_t n;
    double *w;            /* the weight being built */
    double *design_w;      /* design weight (base × nonresponse): the calibration's starting point */
    unsigned char *in;    /* 1: the row takes part; 0: dropped (weight 0) */
    ts_design design;     /* what is recorded in the dataset (lib/design.h): the design from
                           * [design], then the weights and the calibration that made them */
    ts_var *strata, *cluster; /* the design's variables */
    double *fpc;          /* per row: the stratum's population N_h, or NULL */
    double *subfpc;       /* two stages, fpc = yes: per row, its PSU's population N_hi from
                           * [design] psu_frame; NULL otherwise */
    ts_strbuf text;       /* the report */
    FILE *csv;            /* the report as CSV rows (a memory stream) */
    char *csvbuf;
    size_t csvlen;
    ts_strbuf method;     /* what was done, one line: for the summary and the dataset */
    ts_strbuf calvars;    /* calibration variables, for the estimation stage */
    unsigned long dropped;
    wmargin *margins;     /* kept for the report, made after trimming */
    size_t nmargins;
    double *before;       /* weights before calibration, for the report */
    double *calibrated;   /* weights after calibration, before trimming (NULL: no trimming
                           * after a calibration): the variance's calibration residuals use
                           * them, as R's survey keeps the calibration's g through trimWeights */
    size_t ncalcols;      /* what the estimation stage needs for calibration residuals: */
    char **calnames;      /* post/rake: each margin's cell per row; GREG: the model matrix */
    double **calcols;
    double *repw;         /* [design] variance: the replicate weights (n × NREP, replicate r at
                           * repw + r*n; 0 outside the design), from the design weights through
                           * calibration and trimming as the full sample's (replicates.c); NULL: none */
    size_t nrep;
    int rep_adjusted;     /* the replicates were recalibrated or trimmed (so they are stored anew) */
} wctx;

/* ---- replicate weights (replicates.c) ------------------------------------------------------ */
/* The replicates' design weights: R's as.svrepdesign multipliers of the design's strata and
 * PSUs (jk1, jkn, bootstrap, brr, fay) times the design weight, or the supplied columns; each
 * refusal R makes (JK1 on strata, BRR without pairs, a lonely PSU under jkn ...) is TS_E_DATA
 * with the manifest's [design] variance line. Nothing for linearization. */
ts_status replicates_make(wctx *c, ts_err *err);

/* ---- helpers (wctx.c) -------------------------------------------------------------------- */

/* Sets ERR to "out of memory"; returns TS_E_NOMEM. */
ts_status wctx_nomem(ts_err *err);

/* SECTION.KEY's value (borrowed): the manifest's when set and not empty, else the key's default
 * in lib/schema.c (the one place defaults are written: pass NULL, never the default again),
 * else FALLBACK — for a key without a default, what "not given" reads as here ("", NULL). */
const char *wctx_get(const wctx *c, const char *section, const char *key, const char *fallback);

/* Append to OUT where SECTION.KEY was set, for messages: "survey.ini:31: [weighting]
 * tolerance", "--set weighting.tolerance", or the setting's name when nobody gave it. */
void wctx_where(const wctx *c, const char *section, const char *key, ts_strbuf *out);

/* Set ERR to "<where>: expected EXPECTED, got "<value>"" (or "not set; expected ...");
 * returns TS_E_DATA. */
ts_status wctx_bad_setting(const wctx *c, const char *section, const char *key, const char *expected, ts_err *err);

/* Append row I's name for messages to OUT: "respondent id 1042" (or "row 7" without an id). */
void wctx_row_name(const wctx *c, size_t i, ts_strbuf *out);

/* TS_OK when each of the N variables NAMES, given by SECTION.KEY, is a single-choice
 * variable of the dataset; else TS_E_DATA with ERR naming the setting. */
ts_status wctx_check_coded_vars(const wctx *c, const char *section, const char *key, char *const *names, size_t n,
                                ts_err *err);

/* SECTION.KEY as a number into *OUT (DFLT when not set); TS_E_DATA when it is not one. */
ts_status wctx_get_number(const wctx *c, const char *section, const char *key, double dflt, double *out,
                          ts_err *err);

/* The dataset variable SECTION.KEY names (borrowed), or NULL: *ST is TS_OK when the setting
 * is not given, TS_E_DATA (ERR set) when it names no variable. */
ts_var *wctx_get_var(const wctx *c, const char *section, const char *key, ts_err *err, ts_status *st);

/* ---- the steps of weight_run, in order ---------------------------------------------------- */

/* design_weights.c: the design ([design], through ts_design_from_manifest) into C->design
 * and the base weights into C->w; sets C->strata, C->cluster, C->fpc. */
ts_status design_weights(wctx *c, ts_err *err);

/* stages.c: a two-stage design's base-weight factor N_hi/n_hi from [design] psu_frame (BASE)
 * and its second-stage population sizes into C->subfpc (WANT_FPC); refuses weight = base
 * without the frame. Nothing for a one-stage design. */
ts_status later_stages(wctx *c, int base, int want_fpc, ts_err *err);

/* stages.c: a multistage design's population sizes of the first two stages against the
 * sample (one per unit above, no fewer than the units sampled), naming [design] fpc. */
ts_status later_stages_check(wctx *c, ts_err *err);

/* stages.c: with [design] nest = no, a PSU id in two strata is refused, naming the setting. */
ts_status nest_check(wctx *c, ts_err *err);

/* nonresponse.c: C->w adjusted within the [nonresponse] classes (nothing without them). */
ts_status nonresponse_adjust(wctx *c, ts_err *err);

/* calibrate.c: C->w calibrated to the [weighting] margins as [weighting] method says;
 * sets C->design.calibration, C->calvars, the calibration columns, and hands C->margins and C->before
 * to the context for the report (weight_run frees them, also on error). */
ts_status calibrate(wctx *c, ts_err *err);

/* Free N margins M (and M itself); NULL is fine. */
void wmargins_free(wmargin *m, size_t n);

/* trim.c: C->w bounded by [weighting] trim_lower, trim_upper (nothing without them); keeps
 * the calibrated weights before trimming in C->calibrated. */
ts_status trim_weights(wctx *c, ts_err *err);

/* diagnostics.c: the margins before and after and the spread of the weights, into the
 * report (C->text and C->csv). */
void diagnostics_report(wctx *c);

/* One row of the CSV report: kind,group,level,respondents,target,before,after,value (NaN:
 * empty). */
void diagnostics_csv_row(wctx *c, const char *kind, const char *group, const char *level, double n, double target,
                         double before, double after, double value);

/* The run's summary on SUMMARY: what was done, the weights, the files written. */
void diagnostics_summary(const wctx *c, FILE *summary);

#endif
