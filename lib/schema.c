/* schema.c — the manifest schema (schema.h): every section and key of docs/manifest.md. */
#include "schema.h"

#include <math.h>
#include <stdint.h>
#include <strings.h>
#include <string.h>

#include "numparse.h"
#include "strbuf.h"

#define I TS_STAGE_INGEST
#define W TS_STAGE_WEIGHT
#define T TS_STAGE_TAB
#define P TS_STAGE_PLOT
#define R TS_STAGE_REPORT
#define M TS_STAGE_MODEL
/* ranges (ts_schema_range), as `values` writes them */
#define GT(a) {1, 0, 1, 0, a, 0}
#define GE(a) {1, 0, 0, 0, a, 0}
#define OPEN(a, b) {1, 1, 1, 1, a, b}
#define CLOSED(a, b) {1, 1, 0, 0, a, b}
#define ANY {0, 0, 0, 0, 0, 0}
/* an entry; with a range (KR); with other spellings accepted and ASCII case folded or not (KA) */
#define K(s, k, t, v, d, st, doc) {s, k, t, v, d, st, doc, ANY, NULL, 0, 0}
#define KR(s, k, t, v, d, st, doc, r) {s, k, t, v, d, st, doc, r, NULL, 0, 0}
#define KA(s, k, t, v, d, st, doc, al, fold) {s, k, t, v, d, st, doc, ANY, al, fold, 0}
/* a comma-separated list of variable names (KL) */
#define KL(s, k, t, v, d, st, doc) {s, k, t, v, d, st, doc, ANY, NULL, 0, 1}
/* a list of enum values, with other spellings (KAL) */
#define KAL(s, k, t, v, d, st, doc, al, fold) {s, k, t, v, d, st, doc, ANY, al, fold, 1}

/* In each section the keys are in the order the error messages list them. */
static const ts_schema_key SCHEMA[] = {
    K("survey", "id", TS_VAL_TEXT, NULL, NULL, R, "short ASCII name, e.g. saitama-2022 (used in output names)"),
    K("survey", "title", TS_VAL_TEXT, NULL, NULL, R, "the title in Japanese (report and chart headers)"),
    K("survey", "title_en", TS_VAL_TEXT, NULL, NULL, R, "the title in English"),
    K("survey", "period", TS_VAL_TEXT, "YYYY-MM-DD/YYYY-MM-DD", NULL, R, "fieldwork period"),
    K("survey", "mode", TS_VAL_LIST, NULL, NULL, R, "web, mail, interview, ... (free list)"),
    K("survey", "population", TS_VAL_TEXT, NULL, NULL, R, "the target population in words"),
    K("survey", "synthetic", TS_VAL_YESNO, NULL, "no", R, "yes for generated data: every report page says so"),
    K("survey", "source", TS_VAL_TEXT, NULL, NULL, R, "where the design facts come from (citation)"),
    K("survey", "notes", TS_VAL_TEXT, NULL, NULL, R, "anything a reader of the report must know"),

    K("input", "raw", TS_VAL_LIST, "FILE, FILE, ...", NULL, I | R,
      "the raw export, or several read as one dataset (a source variable says which)"),
    K("input", "codebook", TS_VAL_LIST, "FILE, or embedded, or embedded, FILE", NULL, I | R,
      "the codebook (docs/codebook.md); embedded: an SPSS/Stata raw file's own metadata, then FILE's derived variables"),
    K("input", "counts", TS_VAL_FILE, NULL, NULL, T | R,
      "a counts file (docs/counts.md): pre-aggregated counts instead of raw answers; no codebook, weights or SEs"),
    K("input", "counts_columns", TS_VAL_LIST, "NAME, NAME, ...", NULL, T | R,
      "counts: a name for each column of the counts file, in order (default: its header)"),
    K("input", "sheet", TS_VAL_TEXT, NULL, NULL, I | R, "an .xlsx raw file's sheet (default: the first)"),
    KAL("input", "encoding", TS_VAL_ENUM, "utf-8, cp932, auto", "auto", I | R,
      "the raw file's encoding: one for all raw files, or one per file", "utf8, sjis, shift_jis, shift-jis, windows-31j, ms932", 1),
    KR("input", "header_rows", TS_VAL_INTEGER, "1..2", "1", I | R,
       "header lines: 2 when a second row names the options (SurveyMonkey)", CLOSED(1, 2)),
    K("input", "id", TS_VAL_ENUM, "column, row, timestamp", "column", I | R,
      "row: no id column, the data row number is the respondent id; timestamp: the id variable's column is the answer time, the id YYYYMMDDhhmmss × 100 + k"),
    K("input", "ids", TS_VAL_ENUM, "overall, per_source", "overall", I | R,
      "per_source: ids unique within each raw file only; the dataset's id is file number × 10^k + id"),
    K("input", "sources", TS_VAL_LIST, NULL, NULL, I | R, "a label per raw file, e.g. 小学生, 中学生 (default: the file names)"),
    K("input", "source_variable", TS_VAL_VARIABLE, NULL, "source", I | R,
      "several raw files: the variable saying which file a row came from"),
    K("input", "source_label", TS_VAL_TEXT, NULL, "区分（元データのファイル）", I | R,
      "several raw files: the source variable's label, e.g. 調査回 for waves, 学校段階"),
    K("input", "source_label_en", TS_VAL_TEXT, NULL, "Source (raw file)", I | R,
      "several raw files: the source variable's English label (an English report), e.g. Wave"),
    KR("input", "max_reject_rate", TS_VAL_NUMBER, "0..100", "5", I | R,
       "ingest fails when more than this % of rows are rejected (--max-reject-rate)", CLOSED(0, 100)),
    KR("input", "max_item_warning_rate", TS_VAL_NUMBER, "0..100", "5", I | R,
       "ingest fails when more than this % of an item's answers match no code or label (codebook mismatch)",
       CLOSED(0, 100)),
    K("input", "expected_rejects", TS_VAL_FILE, NULL, NULL, 0, "the records expected to be rejected (tests only)"),

    K("design", "type", TS_VAL_ENUM, "srs, stratified, cluster, nonprobability, census", "srs", W,
     "how respondents were selected (not given: follows from cluster and strata); census: every unit, no sampling error"),
    KL("design", "cluster", TS_VAL_VARIABLE, NULL, NULL, W,
       "the primary sampling unit of a clustered design; a list for later stages: psu, ssu"),
    K("design", "strata", TS_VAL_VARIABLE, NULL, NULL, W, "the variable identifying the stratum"),
    K("design", "frame", TS_VAL_FILE, NULL, NULL, W, "a CSV with one row per stratum"),
    K("design", "frame_population", TS_VAL_TEXT, NULL, "population", W, "the frame's column holding N_h"),
    K("design", "frame_sample", TS_VAL_TEXT, NULL, "sample", W, "the frame's column holding n_h"),
    K("design", "fpc", TS_VAL_TEXT, "yes, no, a numeric variable, or one per stage", "no", W,
      "finite population correction (N1, N2: population sizes per stage)"),
    K("design", "nest", TS_VAL_YESNO, NULL, "yes", W, "PSU ids are unique only within strata (R's nest = TRUE)"),
    K("design", "psu_frame", TS_VAL_FILE, NULL, NULL, W, "two stages: a CSV with one row per drawn PSU"),
    KR("design", "drawn", TS_VAL_INTEGER, ">= 1", NULL, R, "the number of persons drawn (the cover's response rate)",
       GE(1)),
    K("design", "drawn_frame", TS_VAL_FILE, NULL, NULL, R, "a CSV with the number drawn per domain (response rates)"),
    K("design", "weight", TS_VAL_TEXT, "base, a variable name or empty", "", W, "the design weight (empty: all 1)"),
    K("design", "lonely_psu", TS_VAL_ENUM, "fail, remove, certainty, adjust", "fail", W,
     "a stratum with one PSU (R's survey.lonely.psu); recorded, tab --lonely-psu overrides"),
    K("design", "variance", TS_VAL_ENUM, "linearization, jk1, jkn, bootstrap, brr, fay, supplied", "linearization", W,
      "Taylor linearisation, replicate weights made from the strata and PSUs (R's as.svrepdesign), or supplied"),
    K("design", "replicate_weights", TS_VAL_LIST, "VAR, VAR, ... or PREFIX*", NULL, W,
      "variance = supplied: the replicate weight variables, in replicate order (R's svrepdesign repweights)"),
    K("design", "replicate_type", TS_VAL_ENUM, "jk1, jkn, bootstrap, brr, fay, other", NULL, W,
      "variance = supplied: how the replicates were made (R's svrepdesign type; sets the scale)"),
    KR("design", "replicate_scale", TS_VAL_NUMBER, "> 0", NULL, W,
       "R's scale (default the type's: jk1 (R-1)/R, bootstrap 1/(R-1), other 1)", GT(0)),
    K("design", "replicate_rscales", TS_VAL_LIST, "one number, or one per replicate", NULL, W,
      "variance = supplied: R's rscales (default 1; required for jkn)"),
    K("design", "mse", TS_VAL_YESNO, NULL, "no", W,
      "replicates centred at the full-sample estimate, not their mean (R's mse)"),
    K("design", "combined_weights", TS_VAL_YESNO, NULL, "yes", W,
      "variance = supplied: the columns are the replicates' weights; no: factors of the weight (R's combined.weights)"),
    KR("design", "replicates", TS_VAL_INTEGER, "2..100000", "50", W, "variance = bootstrap: how many replicates",
       CLOSED(2, 100000)),
    KR("design", "seed", TS_VAL_INTEGER, "0..4294967295", "1", W, "variance = bootstrap: the seed of the resampling",
       CLOSED(0, 4294967295.0)),
    KR("design", "fay_rho", TS_VAL_NUMBER, "(0, 1)", "0.5", W, "variance = fay: Fay's ρ (R's fay.rho)", OPEN(0, 1)),

    K("nonresponse", "classes", TS_VAL_LIST, NULL, NULL, W, "the codebook variables that form the classes"),
    K("nonresponse", "frame", TS_VAL_FILE, NULL, NULL, W, "a CSV with the number drawn per class"),
    K("nonresponse", "sample", TS_VAL_TEXT, NULL, "sample", W, "the column of frame with the number drawn"),
    K("nonresponse", "collapse", TS_VAL_TEXT, "VAR: FROM > TO; ...", NULL, W, "classes merged when small"),
    KR("nonresponse", "collapse_below", TS_VAL_INTEGER, ">= 0", NULL, W, "merge a class with fewer respondents", GE(0)),

    K("weighting", "method", TS_VAL_ENUM, "none, poststratify, rake, linear, raking, logit", "none", W,
     "calibration to population totals"),
    K("weighting", "margins", TS_VAL_LIST, NULL, NULL, W, "the margins used, by name ([margin.NAME])"),
    KR("weighting", "tolerance", TS_VAL_NUMBER, "> 0", NULL, W, "convergence (default 1e-10 rake, 1e-12 calibration)", GT(0)),
    KR("weighting", "max_iter", TS_VAL_INTEGER, "1..1000000", NULL, W, "sweeps (default 1000 rake) or Newton steps (100)",
       CLOSED(1, 1000000)),
    K("weighting", "bounds", TS_VAL_TEXT, "LOWER, UPPER", NULL, W, "bounds on the g-weights of linear, raking, logit"),
    K("weighting", "rake_residuals", TS_VAL_ENUM, "r, exact", "r", W,
      "a raked design's variance: R's 10 back-fitting sweeps, or the exact GREG residuals (R's calibrate, raking)"),
    K("weighting", "base_scale", TS_VAL_ENUM, "population", NULL, W, "scale design weights to the population first"),
    K("weighting", "trim_lower", TS_VAL_NUMBER, NULL, NULL, W, "lower bound on the final weight"),
    K("weighting", "trim_upper", TS_VAL_NUMBER, NULL, NULL, W, "upper bound on the final weight"),
    K("weighting", "trim_relative_to", TS_VAL_ENUM, "mean, absolute", "mean", W, "what the trim bounds multiply"),
    K("weighting", "trim_strict", TS_VAL_YESNO, NULL, "yes", W, "repeat trimming until no weight is outside"),
    KR("weighting", "collapse_below", TS_VAL_INTEGER, ">= 0", NULL, W, "merge a weighting cell with fewer respondents", GE(0)),
    K("weighting", "collapse", TS_VAL_TEXT, "VAR: FROM > TO; ...", NULL, W, "cells merged for weighting"),
    K("weighting", "missing", TS_VAL_ENUM, "drop, stratum_mean, error", "drop", W,
     "a respondent with a weighting variable missing"),
    K("weighting", "illustrative_targets", TS_VAL_YESNO, NULL, "no", W | R, "the margins are illustrative"),

    K("margin.", "file", TS_VAL_FILE, NULL, NULL, W, "the margin's CSV"),
    K("margin.", "vars", TS_VAL_LIST, NULL, NULL, W, "the codebook variables of its label columns"),
    K("margin.", "count", TS_VAL_TEXT, NULL, "population", W, "the column with the population count"),
    K("margin.", "total", TS_VAL_NUMBER, NULL, NULL, W, "a numeric variable's population total"),

    K("table.", "var", TS_VAL_VARIABLE, NULL, NULL, T | R, "the variable tabulated"),
    K("table.", "by", TS_VAL_LIST, "one or two variables", NULL, T | R, "the domain variables"),
    K("table.", "statistic", TS_VAL_ENUM, "share, mean, total, quantile, ratio", NULL, T,
      "share (coded, default), mean (numbers)"),
    KA("table.", "ci", TS_VAL_ENUM, "logit, beta, clopper-pearson, wald, xlogit, wilson, none", "logit", T,
     "interval for shares", "t, korn-graubard, mean", 0),
    KR("table.", "level", TS_VAL_NUMBER, "(0, 1)", "0.95", T, "confidence level", OPEN(0, 1)),
    K("table.", "weighted", TS_VAL_YESNO, NULL, "yes", T, "no: respondents as counted"),
    K("table.", "test", TS_VAL_ENUM, "rao-scott, none", NULL, T, "none leaves out the Rao-Scott tests"),
    K("table.", "quantiles", TS_VAL_LIST, "probabilities 0..1", "0.5", T, "statistic = quantile: which quantiles"),
    K("table.", "qrule", TS_VAL_ENUM, "math, school, shahvaish, hf1, hf2, hf3, hf4, hf5, hf6, hf7, hf8, hf9", "math", T,
      "statistic = quantile: R's svyquantile qrule"),
    K("table.", "quantile_ci", TS_VAL_ENUM, "mean, beta, xlogit, asin, quantile", "mean", T,
      "statistic = quantile: the CDF's interval (R's interval.type; mean = Woodruff)"),
    K("table.", "denominator", TS_VAL_VARIABLE, NULL, NULL, T, "statistic = ratio: the denominator variable"),
    K("table.", "differences", TS_VAL_TEXT, "DOMAIN - DOMAIN, ...", NULL, T,
      "differences of two domains each (男性 - 女性, 20～29歳 - 全体), with SE, CI and p"),
    K("table.", "previous", TS_VAL_FILE, NULL, NULL, T, "an earlier survey's tables.csv: each estimate minus its"),
    K("table.", "previous_table", TS_VAL_TEXT, NULL, NULL, T, "previous: its table (default: this table's NAME)"),
    K("table.", "previous_label", TS_VAL_TEXT, NULL, "前回調査", T, "previous: what the difference rows call it"),
    K("table.", "count", TS_VAL_VARIABLE, NULL, NULL, T, "[input] counts: the count column (default: the last column)"),

    K("model.", "outcome", TS_VAL_VARIABLE, NULL, NULL, M, "the outcome: a number (linear) or a single choice (logistic)"),
    K("model.", "predictors", TS_VAL_LIST, NULL, NULL, M, "numbers as they are, single choices as factors (first code the reference)"),
    K("model.", "family", TS_VAL_ENUM, "linear, logistic", "linear", M, "linear (svyglm gaussian) or logistic (quasibinomial)"),
    K("model.", "outcome_codes", TS_VAL_LIST, NULL, NULL, M, "logistic: the codes of the outcome that count as 1"),
    K("model.", "domain", TS_VAL_TEXT, "VAR: CODE, CODE, ...", NULL, M, "fit within the respondents whose VAR is one of the codes"),
    K("model.", "weighted", TS_VAL_YESNO, NULL, "yes", M, "no: respondents as counted"),
    KR("model.", "level", TS_VAL_NUMBER, "(0, 1)", "0.95", M, "confidence level of the intervals", OPEN(0, 1)),
    K("model.", "title", TS_VAL_TEXT, NULL, NULL, M | R,
      "the model's name for readers (forest chart, report; default: NAME)"),
    K("model.", "title_en", TS_VAL_TEXT, NULL, NULL, M | R,
      "the model's name in an English report ([report] language = en; default: title)"),

    K("chart.", "type", TS_VAL_ENUM, "stacked, indicator, multi, compare, difference, line, grouped", NULL, P | R,
      "the kind of chart"),
    K("chart.", "table", TS_VAL_TEXT, NULL, NULL, P | R, "the [table.NAME] it draws"),
    K("chart.", "codes", TS_VAL_LIST, NULL, NULL, P | R, "indicator: the codes added up; difference: its one category"),
    K("chart.", "reference", TS_VAL_FILE, NULL, NULL, P | R, "compare, grouped: a CSV of published shares"),
    K("chart.", "reference_row", TS_VAL_TEXT, NULL, NULL, P | R, "compare, grouped: the row of reference to use"),
    K("chart.", "title", TS_VAL_TEXT, NULL, NULL, P | R, "the chart title (drawn)"),
    K("chart.", "title_en", TS_VAL_TEXT, NULL, NULL, P | R, "the English chart title"),
    K("chart.", "style", TS_VAL_ENUM, "bars, dots", "bars", P | R, "indicator: bars or dots"),
    K("chart.", "value", TS_VAL_ENUM, "share, count", "share", P | R,
      "line, grouped: the shares, or the counts (n_category: a counts file's counts)"),
    K("chart.", "waves", TS_VAL_LIST, "FILE, FILE, ...", NULL, P | R,
      "line: the earlier waves' tables.csv, oldest first: the table's 全体 in each, then this survey's"),
    K("chart.", "wave_labels", TS_VAL_LIST, "LABEL, LABEL, ...", NULL, P | R,
      "line with waves: one label per earlier wave and this survey's last (令和3年, ..., 令和6年)"),

    KR("privacy", "min_cell", TS_VAL_INTEGER, "0..1000000", "10", T | P | R,
     "an estimate on fewer respondents is suppressed (0: none)", CLOSED(0, 1000000)),
    K("privacy", "units", TS_VAL_ENUM, "persons, organisations", "persons", T | P | R,
      "what the respondents are: persons, or organisations (min_cell may then be 0; the cover says which)"),
    K("privacy", "free_text", TS_VAL_ENUM, "drop", "drop", T, "free text is never shown"),

    K("report", "title", TS_VAL_TEXT, NULL, NULL, R, "report title (default: [survey] title, else 集計結果)"),
    K("report", "title_en", TS_VAL_TEXT, NULL, NULL, R,
      "the report title in an English report (default: title)"),
    K("report", "language", TS_VAL_ENUM, "ja, en", "ja", T | P | M | R,
      "the language of every fixed text: report.pdf, tables.xlsx, tables.txt, the charts"),
    K("report", "labels", TS_VAL_TEXT, "ja, en or a codebook's label_LANG (vi, pt, zh, ...)", NULL, T | P | M | R,
      "which labels of variables and codes tables and charts show (default: the language's own: ja label, en label_en)"),
    K("report", "sections", TS_VAL_LIST, NULL, NULL, R, "tables and charts in report order, by NAME"),
    K("report", "caveat", TS_VAL_TEXT, NULL, "合成データによるデモです。実際の調査結果ではありません。", R, "a sentence printed under the title"),
    KAL("report", "microdata_formats", TS_VAL_ENUM, "csv, sav, dta", "csv", R,
        "with --with-microdata: restricted/answers-labelled.csv, answers.sav (SPSS), answers.dta (Stata)", NULL, 0),
    K("report", "xlsx_ci", TS_VAL_ENUM, "under, block", "under", R,
      "tables.xlsx's cross-tab sheets: each interval under its estimate, or two blocks (下限, 上限) below"),
};

#undef I
#undef W
#undef T
#undef P
#undef R
#undef M
#undef GT
#undef GE
#undef OPEN
#undef CLOSED
#undef ANY
#undef K
#undef KR
#undef KA
#undef KAL

#define NSCHEMA (sizeof SCHEMA / sizeof SCHEMA[0])

const ts_schema_key *ts_schema_table(size_t *n)
{
    *n = NSCHEMA;
    return SCHEMA;
}

/* Does SECTION match the schema's section name S ("margin." needs a NAME after the dot)? */
static int section_matches(const char *s, const char *section)
{
    size_t n = strlen(s);
    if (s[n - 1] != '.')
        return strcmp(s, section) == 0;
    if (strncmp(s, section, n) != 0)
        return 0;
    return strcmp(s, "margin.") != 0 || section[n] != '\0';
}

const ts_schema_key *ts_schema_find(const char *section, const char *key)
{
    for (size_t i = 0; i < NSCHEMA; i++)
        if (section_matches(SCHEMA[i].section, section) && strcmp(SCHEMA[i].key, key) == 0)
            return &SCHEMA[i];
    return NULL;
}

const char *ts_schema_default(const char *section, const char *key)
{
    const ts_schema_key *k = ts_schema_find(section, key);
    return k ? k->def : NULL;
}

double ts_schema_default_number(const char *section, const char *key)
{
    const char *d = ts_schema_default(section, key);
    double x;
    return d && ts_parse_double(d, strlen(d), &x) == 0 ? x : NAN;
}

const char *ts_schema_get(const ts_manifest *m, const char *section, const char *key)
{
    const char *v = m ? ts_manifest_get(m, section, key) : NULL;
    return v && *v ? v : ts_schema_default(section, key);
}

/* The stages that read SECTION: the keys' stages, and the stage that checks the section's keys
 * (every key of a section is checked where any key of it is read). */
static unsigned section_stages(const char *section, int *known)
{
    unsigned st = 0;
    *known = 0;
    for (size_t i = 0; i < NSCHEMA; i++)
        if (section_matches(SCHEMA[i].section, section)) {
            *known = 1;
            st |= SCHEMA[i].stages;
        }
    return st;
}

int ts_schema_reads(const char *section, unsigned stages)
{
    int known;
    return (section_stages(section, &known) & stages) != 0;
}

static ts_status unknown_key(const ts_manifest *m, const char *section, const char *key, unsigned long line,
                             ts_err *err)
{
    ts_strbuf list = TS_STRBUF_INIT;
    size_t k = 0;
    for (size_t i = 0; i < NSCHEMA; i++)
        if (section_matches(SCHEMA[i].section, section))
            ts_strbuf_printf(&list, "%s%s", k++ ? ", " : "", SCHEMA[i].key);
    const char *known = list.data ? list.data : "";
    ts_status st = line ? TS_E_DATA : TS_E_USAGE;
    if (!line)
        ts_err_set(err, st, "--set %s.%s: unknown key of [%s] (known: %s)", section, key, section, known);
    else if (strncmp(section, "chart.", 6) == 0) /* tsunagari-plot's wording, kept as its cases expect */
        ts_err_set(err, st, "%s:%lu: [%s] unknown key %s (known: %s)", ts_manifest_path(m), line, section, key, known);
    else
        ts_err_set(err, st, "%s:%lu: [%s] %s: unknown key (known: %s)", ts_manifest_path(m), line, section, key,
                   known);
    ts_strbuf_free(&list);
    return st;
}

/* Is V[0..N) one of the comma-separated items of LIST (NULL: none)? */
static int in_list(const char *list, const char *v, size_t n, int fold)
{
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        if (!e)
            e = p + strlen(p);
        const char *a = p;
        size_t len = (size_t)(e - p);
        ts_trim(&a, &len);
        if (len == n && (fold ? strncasecmp(a, v, n) : strncmp(a, v, n)) == 0)
            return 1;
        p = *e ? e + 1 : e;
    }
    return 0;
}

static int in_range(const ts_schema_range *r, double x)
{
    if (r->has_lo && (r->lo_open ? !(x > r->lo) : !(x >= r->lo)))
        return 0;
    if (r->has_hi && (r->hi_open ? !(x < r->hi) : !(x <= r->hi)))
        return 0;
    return 1;
}

/* A codebook variable name (lib/codebook.c): ASCII letters, digits and _, not starting with a
 * digit, at most 64 bytes. */
static int plausible_name(const char *s, size_t n)
{
    if (n == 0 || n > 64 || (s[0] >= '0' && s[0] <= '9'))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return 1;
}

int ts_schema_valid(const ts_schema_key *k, const char *value)
{
    const char *v = value;
    size_t n = strlen(v);
    ts_trim(&v, &n);
    switch (k->type) {
    case TS_VAL_NUMBER: {
        double x;
        return ts_parse_double(v, n, &x) == 0 && in_range(&k->range, x);
    }
    case TS_VAL_INTEGER: {
        int64_t x;
        return ts_parse_int64(v, n, &x) == 0 && in_range(&k->range, (double)x);
    }
    case TS_VAL_YESNO:
        return (n == 3 && memcmp(v, "yes", 3) == 0) || (n == 2 && memcmp(v, "no", 2) == 0);
    case TS_VAL_ENUM:
        if (k->list) { /* every item one of the values */
            for (const char *p = v, *end = v + n;;) {
                const char *e = memchr(p, ',', (size_t)(end - p));
                const char *a = p;
                size_t len = (size_t)((e ? e : end) - p);
                ts_trim(&a, &len);
                if (!(in_list(k->values, a, len, k->fold_case) || in_list(k->aliases, a, len, k->fold_case)))
                    return 0;
                if (!e)
                    return 1;
                p = e + 1;
            }
        }
        return in_list(k->values, v, n, k->fold_case) || in_list(k->aliases, v, n, k->fold_case);
    case TS_VAL_VARIABLE:
        for (const char *p = v, *end = v + n; k->list;) { /* every item a name */
            const char *e = memchr(p, ',', (size_t)(end - p));
            const char *a = p;
            size_t len = (size_t)((e ? e : end) - p);
            ts_trim(&a, &len);
            if (!plausible_name(a, len))
                return 0;
            if (!e)
                return 1;
            p = e + 1;
        }
        return plausible_name(v, n);
    default:
        return 1;
    }
}

static void write_bound(ts_strbuf *out, double x)
{
    char buf[32];
    ts_format_double(x, buf);
    ts_strbuf_append_str(out, buf);
}

void ts_schema_expected(const ts_schema_key *k, ts_strbuf *out)
{
    const ts_schema_range *r = &k->range;
    switch (k->type) {
    case TS_VAL_NUMBER:
    case TS_VAL_INTEGER:
        ts_strbuf_append_str(out, k->type == TS_VAL_NUMBER ? "a number" : "a whole number");
        if (r->has_lo && r->has_hi && !r->lo_open && !r->hi_open) {
            ts_strbuf_append_char(out, ' ');
            write_bound(out, r->lo);
            ts_strbuf_append_str(out, "..");
            write_bound(out, r->hi);
        } else if (r->has_lo && r->has_hi) {
            /* (a, b): only open intervals are in the table; half-open ones would need words */
            ts_strbuf_append_str(out, " strictly between ");
            write_bound(out, r->lo);
            ts_strbuf_append_str(out, " and ");
            write_bound(out, r->hi);
        } else if (r->has_lo || r->has_hi) {
            ts_strbuf_append_str(out, r->has_lo ? (r->lo_open ? " > " : " >= ") : (r->hi_open ? " < " : " <= "));
            write_bound(out, r->has_lo ? r->lo : r->hi);
        }
        break;
    case TS_VAL_YESNO:
        ts_strbuf_append_str(out, "yes or no");
        break;
    case TS_VAL_ENUM: { /* "a, b or c" */
        const char *last = strrchr(k->values, ',');
        if (!last)
            ts_strbuf_append_str(out, k->values);
        else {
            ts_strbuf_append(out, k->values, (size_t)(last - k->values));
            ts_strbuf_printf(out, " or%s", last + 1);
        }
        if (k->list)
            ts_strbuf_append_str(out, strcmp(k->section, "input") == 0 ? " (or a list of them, one per raw file)"
                                                                        : " (or a comma-separated list of them)");
        break;
    }
    case TS_VAL_VARIABLE:
        ts_strbuf_append_str(out, "a variable name (ASCII letters, digits and _)");
        if (k->list)
            ts_strbuf_append_str(out, ", or a comma-separated list of them (one per sampling stage)");
        break;
    default:
        ts_strbuf_append_str(out, "a value");
    }
}

ts_status ts_schema_bad_value(const ts_manifest *m, const char *section, const char *key, ts_err *err)
{
    const ts_schema_key *k = ts_schema_find(section, key);
    const char *v = ts_manifest_get(m, section, key);
    unsigned long line = ts_manifest_line(m, section, key);
    ts_strbuf want = TS_STRBUF_INIT;
    if (k)
        ts_schema_expected(k, &want);
    const char *w = want.data ? want.data : "a value";
    ts_status st;
    if (line)
        st = ts_err_set(err, TS_E_DATA, "%s:%lu: [%s] %s: expected %s, got \"%s\"", ts_manifest_path(m), line,
                        section, key, w, v ? v : "");
    else
        st = ts_err_set(err, TS_E_USAGE, "--set %s.%s: expected %s, got \"%s\"", section, key, w, v ? v : "");
    ts_strbuf_free(&want);
    return st;
}

ts_status ts_schema_check(const ts_manifest *m, unsigned stages, ts_err *err)
{
    for (size_t i = 0; i < ts_manifest_count(m); i++) {
        const char *section, *key;
        unsigned long line;
        ts_manifest_entry(m, i, &section, &key, &line);
        int known;
        unsigned st = section_stages(section, &known);
        if (!known) {
            if (stages != TS_STAGE_ALL)
                continue; /* not this stage's to judge */
            if (line)
                return ts_err_set(err, TS_E_DATA,
                                  "%s:%lu: [%s]: unknown section (known: survey, input, design, nonresponse, "
                                  "weighting, margin.NAME, table.NAME, chart.NAME, privacy, report)",
                                  ts_manifest_path(m), line, section);
            return ts_err_set(err, TS_E_USAGE, "--set %s.%s: unknown section [%s]", section, key, section);
        }
        if (!(st & stages) && stages != TS_STAGE_ALL)
            continue; /* another stage's section */
        const ts_schema_key *k = ts_schema_find(section, key);
        if (!k)
            return unknown_key(m, section, key, line, err);
        const char *v = ts_manifest_get(m, section, key);
        if (v && *v && !ts_schema_valid(k, v)) /* empty: not given, the default applies */
            return ts_schema_bad_value(m, section, key, err);
    }
    return TS_OK;
}
