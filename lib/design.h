/* design.h — the survey design as one typed record (docs/architecture.md): how respondents
 * were selected ([design] type, strata, cluster, fpc, lonely_psu), which columns hold the base,
 * calibrated and final weights, and the calibration that made them. It is decided once from
 * the manifest (ts_design_from_manifest, every contradiction refused there with the manifest's
 * file:line), written into the weighted dataset by ts_design_write and read back by
 * ts_design_read — the one pair of functions that knows the dataset's design.* and weight.*
 * provenance keys. tsunagari-weight, tsunagari-tab and tsunagari-report all go through them. */
#ifndef TS_DESIGN_H
#define TS_DESIGN_H

#include <stddef.h>

#include "dataset.h"
#include "manifest.h"
#include "replicate.h"
#include "status.h"

/* The most sampling stages a design may have ([design] cluster lists one variable per stage). */
#define TS_DESIGN_MAX_STAGES 4

/* [design] type. */
typedef enum ts_design_type {
    TS_DESIGN_SRS,            /* simple random sampling (possibly with base weights) */
    TS_DESIGN_STRATIFIED,     /* stratified: [design] strata */
    TS_DESIGN_CLUSTER,        /* clustered (possibly stratified): [design] cluster, the PSU */
    TS_DESIGN_NONPROBABILITY, /* self-selected: no design variance (SEs as if SRS, said so) */
    TS_DESIGN_CENSUS          /* every unit of the population: exact counts, no sampling error */
} ts_design_type;

/* [weighting] method: post-stratification and raking meet table margins exactly; linear,
 * raking and logit are the GREG distances of R's calibrate(). */
typedef enum ts_calibration {
    TS_CAL_NONE,
    TS_CAL_POSTSTRATIFY,
    TS_CAL_RAKE,
    TS_CAL_LINEAR,
    TS_CAL_RAKING,
    TS_CAL_LOGIT
} ts_calibration;

/* [weighting] rake_residuals: the calibration residuals a raked design's variance uses —
 * R's (svyrecvar: 10 back-fitting sweeps over the margins, unweighted cell means) or the
 * exact GREG residuals of the margins' indicators (what R's calibrate(calfun = "raking")
 * uses; lib/sample.c). */
typedef enum ts_rake_residuals { TS_RAKE_RESIDUALS_R, TS_RAKE_RESIDUALS_EXACT } ts_rake_residuals;

/* A stratum with a single PSU (R's options(survey.lonely.psu)). */
typedef enum ts_lonely_psu { TS_LONELY_FAIL, TS_LONELY_REMOVE, TS_LONELY_CERTAINTY, TS_LONELY_ADJUST } ts_lonely_psu;

/* The names as the manifest spells them ("srs", "rake", "adjust"); the parsers return 0 and
 * set *OUT, or -1 when S names none. */
const char *ts_design_type_name(ts_design_type t);
int ts_design_type_parse(const char *s, ts_design_type *out);
const char *ts_calibration_name(ts_calibration c);
int ts_calibration_parse(const char *s, ts_calibration *out);
/* Nonzero for the GREG distances (linear, raking, logit): a model matrix, bounds on g. */
int ts_calibration_is_greg(ts_calibration c);
const char *ts_rake_residuals_name(ts_rake_residuals r);
int ts_rake_residuals_parse(const char *s, ts_rake_residuals *out);
const char *ts_lonely_psu_name(ts_lonely_psu l);
int ts_lonely_psu_parse(const char *s, ts_lonely_psu *out);

/* The design. Every string is owned by the record (ts_design_clear frees them); NULL means
 * "none" (no strata, no clusters, no fpc, unweighted, not trimmed). */
typedef struct ts_design {
    ts_design_type type;
    char *strata;              /* the stratum variable */
    char *cluster;             /* the PSU variable; NULL: every respondent is its own PSU */
    char *fpc;                 /* the column with each row's stratum population N_h */
    /* Later sampling stages ([design] cluster = psu, ssu, ...): the variable of the units
     * drawn at stage 2, 3, ... within the unit above, and the column holding the number of
     * such units in the population of the unit above (R: svydesign(id = ~psu + ssu,
     * fpc = ~N1 + N2)). NSUB = 0 for a one-stage design; SUBFPC[s] NULL without fpc (the
     * variance is then the ultimate-cluster one: the later stages do not enter it). */
    size_t nsub;
    char *subcluster[TS_DESIGN_MAX_STAGES - 1];
    char *subfpc[TS_DESIGN_MAX_STAGES - 1];
    int nest;                  /* 1 (default): PSU ids are unique only within their stratum (R's
                                * nest = TRUE); 0: a PSU id in two strata is refused (R's check) */
    double fpc_value[2];       /* fpc = 757 (or N1, 40): a population size given as a number for
                                * the first (second) stage, the same for every row; 0: none. The
                                * weighting stage makes its column (fpc_population, _2) */
    char *psu_frame;           /* the frame of the drawn PSUs (N_hi, n_hi per PSU) as the
                                * manifest names it; NULL: none */
    ts_lonely_psu lonely_psu;
    char *weight;              /* the final weight column; NULL: unweighted (every weight 1) */
    char *design_weight;       /* the weight before calibration (base × nonresponse) */
    char *calibrated_weight;   /* the calibration's weight before trimming; NULL: not trimmed */
    ts_calibration calibration;
    ts_rake_residuals rake_residuals; /* raking's variance residuals (rake only; default r) */
    char *calibration_variables; /* the margins' variables, "age_band*sex;area", for people */
    char **calibration_columns;  /* post/rake: each margin's cell per row; GREG: the model matrix */
    size_t ncalibration_columns;
    /* Where the weights started, as [design] gave it (recorded too, for the report's
     * methods page; the weights and fpc_population carry the values): */
    char *base_weight;         /* "base": N_h/n_h from the frame; a variable; NULL: every weight 1 */
    int fpc_from_frame;        /* fpc = yes: N_h from the frame */
    char *fpc_variable;        /* fpc = VAR: the variable N_h came from (then also FPC, until the
                                * weighting stage copies it into fpc_population) */
    char *frame;               /* the frame file as the manifest names it (resolve it against the
                                * manifest's folder); NULL: none */
    char *frame_population;    /* the frame's columns holding N_h and n_h */
    char *frame_sample;
    char *method;              /* one line saying what was done, for summaries and reports */
    unsigned long dropped;     /* respondents left out of the weighting (weight 0) */
    char *tool;                /* "tsunagari-weight 0.9" (or the library client) */
    char *manifest;            /* the manifest the design came from; NULL: none */
    /* Replicate weights ([design] variance; docs/estimation.md "Replicate weights"). VARIANCE
     * TS_REP_NONE: Taylor linearisation and none of the rest applies. Otherwise the replicates'
     * type (R's as.svrepdesign / svrepdesign type); REPLICATES_SUPPLIED: the columns came with
     * the data (variance = supplied, R's svrepdesign), else tsunagari-weight makes them. */
    ts_rep_type variance;
    int replicates_supplied;
    char **replicate_columns;  /* the replicate weight columns, in replicate order (supplied: as
                                * the manifest lists them; made: repw_1 .. repw_R) */
    size_t nreplicate_columns;
    double replicate_scale;    /* R's scale; NaN: R's default for the type */
    double *replicate_rscales; /* R's rscales: one value for all, or one per replicate */
    size_t nreplicate_rscales; /* 0: R's default (1 each) */
    int replicate_mse;         /* R's mse (default no: getOption("survey.replicates.mse")) */
    int combined_weights;      /* 1 (R's default): the columns are the replicates' weights; 0: they
                                * multiply the full-sample weight */
    size_t replicates;         /* to make (bootstrap): how many (default 50, R's) */
    unsigned long seed;        /* bootstrap: the seed of tsunagari's own generator */
    double fay_rho;            /* fay: ρ (default 0.5) */
} ts_design;

/* An empty record: srs, unweighted, uncalibrated, lonely PSUs fail, PSUs nested in strata. */
void ts_design_init(ts_design *d);
/* Frees what D owns and leaves it as ts_design_init made it. */
void ts_design_clear(ts_design *d);
/* Sets *FIELD to a copy of VALUE (NULL or "" clears it); -1 when memory runs out. */
int ts_design_set(char **field, const char *value);
/* Appends a calibration column name; -1 when memory runs out. */
int ts_design_add_calibration_column(ts_design *d, const char *name);
/* Appends a replicate weight column name; -1 when memory runs out. */
int ts_design_add_replicate_column(ts_design *d, const char *name);

/* The design of M's [design] section for dataset DS into D (initialised by the call): the
 * type as stated (or, when not stated, as the strata and cluster imply), the variables it
 * names — each must be a variable of DS, of a fitting type —, lonely_psu, the base weight,
 * the fpc and the frame. This is the only code that reads [design]; its defaults are the
 * schema's (lib/schema.c). Contradictory
 * facts (type = cluster without cluster, nonprobability with strata, a frame, fpc or
 * nonresponse classes, srs with strata ...) are refused here and only here: TS_E_DATA with
 * the manifest's file:line (or "--set design.KEY"). The weights (and fpc_population, for
 * fpc = yes) are the weighting stage's to make. */
ts_status ts_design_from_manifest(const ts_manifest *m, const ts_dataset *ds, ts_design *d, ts_err *err);

/* Record D in DS's provenance (replacing an earlier design). TS_E_NOMEM only. */
ts_status ts_design_write(ts_dataset *ds, const ts_design *d, ts_err *err);

/* The design recorded in DS into D (initialised by the call). A dataset without one (not
 * weighted) reads as simple random sampling, unweighted. Unknown or contradictory recorded
 * facts — a type or calibration this version does not know, a named variable or column that
 * is not in DS, a cluster design without its cluster — are TS_E_DATA, as the manifest's would
 * have been. */
ts_status ts_design_read(const ts_dataset *ds, ts_design *d, ts_err *err);

/* The design in Japanese for report covers: 単純無作為抽出, 層化無作為抽出, 多段（集落）抽出,
 * 層化多段（集落）抽出, 非確率標本（自発的な回答）, 全数調査. Static storage. */
const char *ts_design_describe_ja(const ts_design *d);

#endif
