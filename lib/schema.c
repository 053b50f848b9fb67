/* schema.c — the manifest schema (schema.h): every section and key of docs/manifest.md. */
#include "schema.h"

#include <string.h>

#include "strbuf.h"

#define I TS_STAGE_INGEST
#define W TS_STAGE_WEIGHT
#define T TS_STAGE_TAB
#define P TS_STAGE_PLOT
#define R TS_STAGE_REPORT

/* In each section the keys are in the order the error messages list them. */
static const ts_schema_key SCHEMA[] = {
    {"survey", "id", TS_VAL_TEXT, NULL, NULL, R, "short ASCII name, e.g. saitama-2022 (used in output names)"},
    {"survey", "title", TS_VAL_TEXT, NULL, NULL, R, "the title in Japanese (report and chart headers)"},
    {"survey", "title_en", TS_VAL_TEXT, NULL, NULL, R, "the title in English"},
    {"survey", "period", TS_VAL_TEXT, "YYYY-MM-DD/YYYY-MM-DD", NULL, R, "fieldwork period"},
    {"survey", "mode", TS_VAL_LIST, NULL, NULL, R, "web, mail, interview, ... (free list)"},
    {"survey", "population", TS_VAL_TEXT, NULL, NULL, R, "the target population in words"},
    {"survey", "synthetic", TS_VAL_YESNO, NULL, "no", R, "yes for generated data: every report page says so"},
    {"survey", "source", TS_VAL_TEXT, NULL, NULL, R, "where the design facts come from (citation)"},
    {"survey", "notes", TS_VAL_TEXT, NULL, NULL, R, "anything a reader of the report must know"},

    {"input", "raw", TS_VAL_FILE, NULL, NULL, I | R, "the raw export"},
    {"input", "codebook", TS_VAL_FILE, NULL, NULL, I | R, "the codebook (docs/codebook.md)"},
    {"input", "encoding", TS_VAL_ENUM, "utf-8, cp932, auto", "auto", I | R, "the raw file's encoding"},
    {"input", "expected_rejects", TS_VAL_FILE, NULL, NULL, 0, "the records expected to be rejected (tests only)"},

    {"design", "type", TS_VAL_ENUM, "srs, stratified, cluster, nonprobability", "srs", W,
     "how respondents were selected (not given: follows from cluster and strata)"},
    {"design", "cluster", TS_VAL_VARIABLE, NULL, NULL, W, "the primary sampling unit of a clustered design"},
    {"design", "strata", TS_VAL_VARIABLE, NULL, NULL, W, "the variable identifying the stratum"},
    {"design", "frame", TS_VAL_FILE, NULL, NULL, W, "a CSV with one row per stratum"},
    {"design", "frame_population", TS_VAL_TEXT, NULL, "population", W, "the frame's column holding N_h"},
    {"design", "frame_sample", TS_VAL_TEXT, NULL, "sample", W, "the frame's column holding n_h"},
    {"design", "fpc", TS_VAL_TEXT, "yes, no or a numeric variable", "no", W, "finite population correction"},
    {"design", "weight", TS_VAL_TEXT, "base, a variable name or empty", "", W, "the design weight (empty: all 1)"},
    {"design", "lonely_psu", TS_VAL_ENUM, "fail, remove, certainty, adjust", "fail", W,
     "a stratum with one PSU (R's survey.lonely.psu); recorded, tab --lonely-psu overrides"},

    {"nonresponse", "classes", TS_VAL_LIST, NULL, NULL, W, "the codebook variables that form the classes"},
    {"nonresponse", "frame", TS_VAL_FILE, NULL, NULL, W, "a CSV with the number drawn per class"},
    {"nonresponse", "sample", TS_VAL_TEXT, NULL, "sample", W, "the column of frame with the number drawn"},
    {"nonresponse", "collapse", TS_VAL_TEXT, "VAR: FROM > TO; ...", NULL, W, "classes merged when small"},
    {"nonresponse", "collapse_below", TS_VAL_INTEGER, ">= 0", NULL, W, "merge a class with fewer respondents"},

    {"weighting", "method", TS_VAL_ENUM, "none, poststratify, rake, linear, raking, logit", "none", W,
     "calibration to population totals"},
    {"weighting", "margins", TS_VAL_LIST, NULL, NULL, W, "the margins used, by name ([margin.NAME])"},
    {"weighting", "tolerance", TS_VAL_NUMBER, "> 0", NULL, W, "convergence (default 1e-10 rake, 1e-12 calibration)"},
    {"weighting", "max_iter", TS_VAL_INTEGER, ">= 1", NULL, W, "sweeps (default 1000 rake) or Newton steps (100)"},
    {"weighting", "bounds", TS_VAL_TEXT, "LOWER, UPPER", NULL, W, "bounds on the g-weights of linear, raking, logit"},
    {"weighting", "base_scale", TS_VAL_ENUM, "population", NULL, W, "scale design weights to the population first"},
    {"weighting", "trim_lower", TS_VAL_NUMBER, NULL, NULL, W, "lower bound on the final weight"},
    {"weighting", "trim_upper", TS_VAL_NUMBER, NULL, NULL, W, "upper bound on the final weight"},
    {"weighting", "trim_relative_to", TS_VAL_ENUM, "mean, absolute", "mean", W, "what the trim bounds multiply"},
    {"weighting", "trim_strict", TS_VAL_YESNO, NULL, "yes", W, "repeat trimming until no weight is outside"},
    {"weighting", "collapse_below", TS_VAL_INTEGER, ">= 0", NULL, W, "merge a weighting cell with fewer respondents"},
    {"weighting", "collapse", TS_VAL_TEXT, "VAR: FROM > TO; ...", NULL, W, "cells merged for weighting"},
    {"weighting", "missing", TS_VAL_ENUM, "drop, stratum_mean, error", "drop", W,
     "a respondent with a weighting variable missing"},
    {"weighting", "illustrative_targets", TS_VAL_YESNO, NULL, "no", W | R, "the margins are illustrative"},

    {"margin.", "file", TS_VAL_FILE, NULL, NULL, W, "the margin's CSV"},
    {"margin.", "vars", TS_VAL_LIST, NULL, NULL, W, "the codebook variables of its label columns"},
    {"margin.", "count", TS_VAL_TEXT, NULL, "population", W, "the column with the population count"},
    {"margin.", "total", TS_VAL_NUMBER, NULL, NULL, W, "a numeric variable's population total"},

    {"table.", "var", TS_VAL_VARIABLE, NULL, NULL, T | R, "the variable tabulated"},
    {"table.", "by", TS_VAL_LIST, "one or two variables", NULL, T | R, "the domain variables"},
    {"table.", "statistic", TS_VAL_ENUM, "share, mean, total", NULL, T, "share (coded, default), mean (numbers)"},
    {"table.", "ci", TS_VAL_ENUM, "logit, beta, clopper-pearson, wald, xlogit, wilson, none", "logit", T,
     "interval for shares"},
    {"table.", "level", TS_VAL_NUMBER, "(0, 1)", "0.95", T, "confidence level"},
    {"table.", "weighted", TS_VAL_YESNO, NULL, "yes", T, "no: respondents as counted"},
    {"table.", "test", TS_VAL_ENUM, "none", NULL, T, "none leaves out the Rao-Scott tests"},

    {"chart.", "type", TS_VAL_ENUM, "stacked, indicator, multi, compare", NULL, P | R, "the kind of chart"},
    {"chart.", "table", TS_VAL_TEXT, NULL, NULL, P | R, "the [table.NAME] it draws"},
    {"chart.", "codes", TS_VAL_LIST, NULL, NULL, P | R, "indicator: the codes added up"},
    {"chart.", "reference", TS_VAL_FILE, NULL, NULL, P | R, "compare: a CSV of published shares"},
    {"chart.", "reference_row", TS_VAL_TEXT, NULL, NULL, P | R, "compare: the row of reference to use"},
    {"chart.", "title", TS_VAL_TEXT, NULL, NULL, P | R, "the chart title (drawn)"},
    {"chart.", "title_en", TS_VAL_TEXT, NULL, NULL, P | R, "the English chart title"},
    {"chart.", "style", TS_VAL_ENUM, "bars, dots", "bars", P | R, "indicator: bars or dots"},

    {"privacy", "min_cell", TS_VAL_INTEGER, "0..1000000", "10", T | P | R,
     "an estimate on fewer respondents is suppressed (0: none)"},
    {"privacy", "free_text", TS_VAL_ENUM, "drop", "drop", T, "free text is never shown"},

    {"report", "title", TS_VAL_TEXT, NULL, NULL, R, "report title (default: [survey] title, else 集計結果)"},
    {"report", "sections", TS_VAL_LIST, NULL, NULL, R, "tables and charts in report order, by NAME"},
    {"report", "caveat", TS_VAL_TEXT, NULL, "合成データによるデモです。実際の調査結果ではありません。", R, "a sentence printed under the title"},
};

#undef I
#undef W
#undef T
#undef P
#undef R

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
        if (!ts_schema_find(section, key))
            return unknown_key(m, section, key, line, err);
    }
    return TS_OK;
}
