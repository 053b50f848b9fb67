/* report.h — tsunagari-report: one command from a survey manifest to the finished outputs.
 *
 * run.c runs the stage programs (ingest → weight → tab → plot → export; stage.c runs one) in
 * a temporary folder next to OUTDIR, reads their outputs back (load.c), then writes from them
 * report.pdf (pdf.c), tables.xlsx (xlsx.c) and reproducibility.txt (record.c), renames the
 * folder into place only when everything is complete and prints a summary (summary.c).
 * outdir.c keeps the respondent-level files apart, in restricted/, and removes the work folders
 * of killed runs. docs/report.md describes the outputs. */
#ifndef TS_REPORT_H
#define TS_REPORT_H

#include <stddef.h>

#include "counts.h"
#include "csvtable.h"
#include "design.h"
#include "manifest.h"
#include "status.h"

typedef struct ts_report_options {
    const char *survey;   /* SURVEY.ini as given */
    const char *outdir;   /* -o */
    int quiet;            /* --quiet: nothing on stderr unless a stage fails */
    int force;            /* --force: replace an OUTDIR that is not a report's */
    int with_microdata;   /* --with-microdata: keep the respondent-level files in restricted/ */
    int raw_csv;          /* --raw-csv: tab and export write text cells as they are (lib/csvwrite) */
    const char *xlsx_ci;  /* --xlsx-ci under|block: overrides [report] xlsx_ci; NULL: the manifest's */
    int argc;             /* the command line, for the reproducibility record */
    char **argv;
} ts_report_options;

/* Do the run. Returns the exit status (0, a stage's own, or sysexits). */
int ts_report_run(const ts_report_options *o);

/* ---- a CSV file held in memory (tables.csv, weighting-report.csv) ---------------------- */
/* head/ncols, rows/nrows and line as lib/csvtable.h describes; every row has NCOLS owned strings. */
typedef ts_csvtable rp_csv;

rp_csv *rp_csv_read(const char *path, ts_err *err);
void rp_csv_free(rp_csv *c);
/* Column index of NAME, or -1. */
long rp_csv_col(const rp_csv *c, const char *name);
/* Field NAME of row R ("" when the column is missing). Borrowed. */
const char *rp_csv_get(const rp_csv *c, size_t r, const char *name);

/* ---- what the report is made of ------------------------------------------------------ */
typedef struct rp_kv {
    char *key, *value;
} rp_kv;

typedef struct rp_tab {     /* one [table.NAME] as tsunagari-tab wrote it */
    const char *id;         /* borrowed from the manifest */
    size_t first, count;    /* its rows in tables.csv (contiguous) */
    int shown;
} rp_tab;

typedef struct rp_rate {    /* one domain of [design] drawn_frame (response.c) */
    char *label;            /* the domain's code label */
    long drawn, answered;   /* persons drawn; respondents in the weighted dataset */
} rp_rate;

typedef struct rp_ctx {
    const ts_report_options *opt;
    ts_manifest *m;         /* read from MANIFEST_REL, so paths resolve from the work folder */
    char *manifest_rel;     /* the manifest relative to the work folder (cwd during the run) */
    rp_kv *prov;            /* the weighted dataset's provenance (read with lib/dataset) */
    size_t nprov;
    rp_kv *varlabel;        /* variable name → Japanese label */
    size_t nvarlabel;
    ts_design design;       /* the design weighted.tsd records (ts_design_read): the one the
                               weights and the variance used, whatever the manifest left unsaid */
    rp_csv *tables;         /* tables.csv */
    rp_csv *wreport;        /* weighting-report.csv */
    rp_tab *tabs;
    size_t ntabs;
    long rows_read, rows_rejected, item_warnings, weighted_n, drawn; /* rows_read: rows with data */
    long rows_blank;        /* rows whose every cell was empty, skipped by ingest (not in rows_read) */
    long drawn_given;       /* [design] drawn, drawn_frame's or the PSU frame's sum; -1: none */
    rp_rate *rates;         /* per domain of [design] drawn_frame; NULL: none */
    size_t nrates;
    char *rates_var;        /* the domain variable of drawn_frame */
    double deff, n_eff, wmin, wmax, wsum;
    long suppressed;        /* suppressed estimate cells over all tables */
    char *stage_cmd[12];    /* the stage commands, as run (for the record) */
    ts_counts *counts;      /* [input] counts: the counts file, read again for its labels and
                               rows (docs/counts.md); NULL for a survey of respondents */
    size_t nstages;
} rp_ctx;

const char *rp_prov(const rp_ctx *c, const char *key);
/* response.c: the numbers drawn that [design] drawn, drawn_frame or a two-stage design's PSU
 * frame give, with each domain's respondents counted in DS (C->design read already). TS_E_DATA
 * naming the file and line for a frame that cannot be read. rp_response_free frees them. */
ts_status rp_response_load(rp_ctx *c, const ts_dataset *ds, ts_err *err);
void rp_response_free(rp_ctx *c);
/* The Japanese label of variable NAME, or NAME. */
const char *rp_varlabel(const rp_ctx *c, const char *name);
/* SEC.KEY's value: the manifest's when set and not empty, else the key's default in lib/schema.c
 * (the one place defaults are written: pass NULL, never the default again), else FALLBACK — for
 * a key without a default, what the report prints for a missing value ("", "(none)"). */
const char *rp_get(const rp_ctx *c, const char *sec, const char *key, const char *fallback);
/* Whether [report] microdata_formats lists FORMAT ("csv", "sav", "dta"). */
int rp_microdata_wants(const rp_ctx *c, const char *format);
/* A Japanese title for table T: "孤独感 × 年齢(8区分)". Owned. */
char *rp_table_title(const rp_ctx *c, const rp_tab *t);
/* The table with id ID, or NULL. */
rp_tab *rp_find_tab(rp_ctx *c, const char *id);
/* The axes of counts table T ([input] counts: tsunagari-tab --counts's rows of tables.csv): its
 * domains (by_labels, as they change down the rows: 全体 first) into DOM, at most MAXD, and its
 * categories (label, in the order first seen) into CAT, at most MAXC, the rest left out; how
 * many into *ND and *NC. The strings are borrowed from c->tables. */
void rp_counts_axes(const rp_ctx *c, const rp_tab *t, const char **dom, size_t maxd, size_t *nd, const char **cat,
                    size_t maxc, size_t *nc);
/* The Japanese name of a [weighting] method (the design's is ts_design_describe_ja). */
const char *rp_method_ja(const char *method);
/* [input] codebook = embedded[, FILE] (docs/manifest.md): 1, with *DERIVED the resolved FILE
 * (caller frees) or NULL; 0 for a plain codebook file (*DERIVED NULL). */
int rp_embedded_codebook(const ts_manifest *m, char **derived);
/* The input facts the cover and the xlsx's cover sheet say (ingest's provenance, docs/dataset-format.md):
 * several raw files — into B the files' labels and answers and the source variable, returning
 * nonzero (0 and B untouched for one file); the sentence on ids that are data row numbers
 * ([input] id = row), or NULL. */
int rp_sources_ja(const rp_ctx *c, ts_strbuf *b);
const char *rp_id_ja(const rp_ctx *c);

/* census.c: [design] type = census (exact counts: no SE, interval or test anywhere); [privacy]
 * units = organisations; the unit's word (団体 or 人) and the respondents' (回答団体 or 回答者). */
int rp_census(const rp_ctx *c);
int rp_organisations(const rp_ctx *c);
const char *rp_unit_ja(const rp_ctx *c);
const char *rp_respondents_ja(const rp_ctx *c);

/* ---- how an estimate is printed ------------------------------------------------------- */
typedef enum { RP_SHARE, RP_MEAN, RP_TOTAL, RP_QUANTILE, RP_RATIO, RP_TEST } rp_stat;

/* The kind of a tables.csv `statistic` value. */
rp_stat rp_stat_of(const char *statistic);
/* The kind of table T's estimates (its first row that is not a test; RP_SHARE when none). */
rp_stat rp_tab_stat(const rp_ctx *c, const rp_tab *t);
/* Decimals for T's estimates, standard errors and interval bounds: shares 1 (in percent),
 * totals 0 (whole numbers), means, quantiles and ratios as many as give the smallest
 * standard error of the table two significant digits (0..4; 2 when there is no standard error). */
int rp_tab_decimals(const rp_ctx *c, const rp_tab *t);
/* What T's estimates are called in a caption or column header: 割合（%）, 平均値, 推定総数,
 * 分位数, 比. */
const char *rp_stat_caption(rp_stat k);

/* The value given to OPTION (e.g. "--lonely-psu") in the recorded command of stage PROG
 * (e.g. "tsunagari-tab"), copied into BUF; NULL when the stage ran without it. */
const char *rp_stage_option(const rp_ctx *c, const char *prog, const char *option, char *buf, size_t len);
/* The interval method and level table T's estimates were computed with, as tables.csv says
 * (its first row that is not a test): *METHOD borrowed ("" when none), *LEVEL NAN when none. */
void rp_tab_ci(const rp_ctx *c, const rp_tab *t, const char **method, double *level);

/* ---- the run (run.c, stage.c, load.c, summary.c) ---------------------------------------- */

/* Room for ingest's options and up to RP_MAX_RAW raw files ([input] raw, a list). */
#define RP_MAX_RAW 64
#define RP_STAGE_MAX_ARGS (32 + RP_MAX_RAW)

typedef struct rp_stage {
    const char *name;        /* "ingest" */
    const char *prog;        /* "tsunagari-ingest" */
    const char *args[RP_STAGE_MAX_ARGS]; /* after the program name; NULL-terminated */
    const char *log;         /* stdout and stderr of the child, in the work folder */
    char *const *progress_files; /* ingest: the raw files, read in order, for the progress bar; else NULL */
    size_t nprogress;
} rp_stage;

typedef struct rp_runner {
    const char *bindir;      /* where the stage programs are */
    int quiet, tty;          /* --quiet; stderr is a terminal (draw the progress bar) */
    int nstages, index;      /* the [INDEX/NSTAGES] of the progress lines */
} rp_runner;

/* From now on SIGINT, SIGTERM and SIGHUP are noted, not fatal: rp_signal() returns the last
 * one (0: none), and a stage running then is stopped. */
void rp_catch_signals(void);
int rp_signal(void);
/* Run stage S from the work folder, recording its command line in CTX (for the record).
 * Returns 0, or the exit status to leave with (the stage's, 71 when it cannot be started),
 * its message and log printed. */
int rp_stage_run(rp_runner *r, rp_ctx *ctx, const rp_stage *s);
/* Read the stage outputs in the work folder into C. */
ts_status rp_load_outputs(rp_ctx *c, ts_err *err);
/* Free what C owns. */
void rp_ctx_free(rp_ctx *c);
/* The summary of a finished run on stderr. */
void rp_summary(rp_ctx *c, const char *outdir);

/* ---- publishable and restricted (outdir.c) -------------------------------------------- */
/* The folder of the respondent-level files, in the work folder and in OUTDIR. */
#define RP_RESTRICTED "restricted"
/* The file in a work folder that says which run made it (docs/report.md, Failure). */
#define RP_PID_FILE ".tsunagari-report.pid"

/* Write DIR/RP_PID_FILE: this process's id and start time. Returns 0 or -1 (errno set). */
int rp_pid_file_write(const char *dir);
/* Remove every OUTDIR.tmpXXXXXX (a work folder) and OUTDIR.oldXXXXXX (an earlier OUTDIR moved
 * aside) beside OUTDIR that an earlier run made and that its pid file proves stale (that run has
 * ended); say so on stderr unless QUIET. Nothing else is touched. */
void rp_remove_stale(const char *outdir, int quiet);
/* Make RP_RESTRICTED in the current folder, mode 0700. Returns 0 or -1 (errno set). */
int rp_restricted_make(void);
/* At the end of the run: KEEP (--with-microdata) gives RP_RESTRICTED its README.txt and every
 * file in it mode 0600; otherwise RP_RESTRICTED is removed. Returns 0 or -1. */
int rp_restricted_finish(int keep);

/* The outputs written from the stage outputs, in the work folder. */
ts_status rp_write_xlsx(rp_ctx *c, const char *path, ts_err *err);
ts_status rp_write_pdf(rp_ctx *c, const char *path, ts_err *err);
ts_status rp_write_record(rp_ctx *c, const char *path, ts_err *err);

#endif
