/* test_schema.c — lib/schema: the one table of manifest keys, the one unknown-key check, and the
 * defaults the code applies agreeing with the table. `test_schema --dump` prints the table as
 * SECTION<TAB>KEY<TAB>DEFAULT lines for tests/docs/check-manifest-doc.sh. */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#include "harness.h"
#include "manifest.h"
#include "numparse.h"
#include "privacy.h"
#include "schema.h"

/* Is VALUE valid for SECTION.KEY? */
static int valid(const char *section, const char *key, const char *value)
{
    return ts_schema_valid(ts_schema_find(section, key), value);
}

/* The range of K written as `values` writes it ("> 0", ">= 1", "(0, 1)", "0..1000000"). */
static void write_range(const ts_schema_key *k, ts_strbuf *b)
{
    const ts_schema_range *r = &k->range;
    char lo[32], hi[32];
    ts_format_double(r->lo, lo);
    ts_format_double(r->hi, hi);
    if (r->has_lo && r->has_hi && !r->lo_open && !r->hi_open)
        ts_strbuf_printf(b, "%s..%s", lo, hi);
    else if (r->has_lo && r->has_hi && r->lo_open && r->hi_open)
        ts_strbuf_printf(b, "(%s, %s)", lo, hi);
    else if (r->has_lo && !r->has_hi)
        ts_strbuf_printf(b, "%s %s", r->lo_open ? ">" : ">=", lo);
    else if (r->has_hi && !r->has_lo)
        ts_strbuf_printf(b, "%s %s", r->hi_open ? "<" : "<=", hi);
    else if (r->has_lo || r->has_hi)
        ts_strbuf_append_str(b, "half-open: ts_schema_expected has no words for it");
}

/* The message for VALUE of SECTION.KEY set in a file at line 0 (--set). */
static const char *message(const char *section, const char *key, const char *value, ts_status *st)
{
    static char msg[512];
    ts_err err = TS_ERR_INIT;
    ts_manifest *m = ts_manifest_new(".");
    ts_manifest_set(m, section, key, value);
    *st = ts_schema_check(m, TS_STAGE_ALL, &err);
    snprintf(msg, sizeof msg, "%s", *st == TS_OK ? "" : err.msg);
    ts_err_clear(&err);
    ts_manifest_free(m);
    return msg;
}

static void test_values(void)
{
    /* numbers: strict, and in the range, bounds included or not as the range says */
    T_CHECK(valid("weighting", "tolerance", "1e-10"));
    T_CHECK(valid("weighting", "tolerance", " 0.5 "));
    T_CHECK(!valid("weighting", "tolerance", "0"));        /* > 0: the bound excluded */
    T_CHECK(!valid("weighting", "tolerance", "-1"));
    T_CHECK(!valid("weighting", "tolerance", "1e-10x"));   /* strict: the whole value */
    T_CHECK(!valid("weighting", "tolerance", "nan"));
    T_CHECK(!valid("weighting", "tolerance", "inf"));
    T_CHECK(!valid("weighting", "tolerance", "0x10"));
    T_CHECK(valid("weighting", "trim_lower", "-3.5"));     /* no range */
    T_CHECK(!valid("weighting", "trim_lower", "low"));
    T_CHECK(valid("table.x", "level", "0.95"));
    T_CHECK(valid("table.x", "level", "0.000001"));
    T_CHECK(!valid("table.x", "level", "0"));              /* (0, 1): both bounds excluded */
    T_CHECK(!valid("table.x", "level", "1"));
    T_CHECK(!valid("table.x", "level", "95%"));
    /* whole numbers: no fraction, no exponent, in the range, bounds included */
    T_CHECK(valid("weighting", "max_iter", "1"));
    T_CHECK(valid("weighting", "max_iter", "1000000"));
    T_CHECK(!valid("weighting", "max_iter", "0"));
    T_CHECK(!valid("weighting", "max_iter", "1000001"));
    T_CHECK(!valid("weighting", "max_iter", "1e30"));
    T_CHECK(!valid("weighting", "max_iter", "10.5"));
    T_CHECK(valid("privacy", "min_cell", "0"));
    T_CHECK(valid("privacy", "min_cell", "1000000"));
    T_CHECK(!valid("privacy", "min_cell", "-1"));
    T_CHECK(!valid("privacy", "min_cell", "1000001"));
    T_CHECK(!valid("privacy", "min_cell", "ten"));
    T_CHECK(!valid("privacy", "min_cell", "99999999999999999999")); /* does not fit in int64 */
    T_CHECK(valid("weighting", "collapse_below", "0"));
    T_CHECK(!valid("weighting", "collapse_below", "-1"));
    /* yes or no, exactly */
    T_CHECK(valid("table.x", "weighted", "yes") && valid("table.x", "weighted", "no"));
    T_CHECK(!valid("table.x", "weighted", "false"));
    T_CHECK(!valid("table.x", "weighted", "y"));
    T_CHECK(!valid("survey", "synthetic", "yess"));
    /* one of the values, or of the other spellings a stage accepts */
    T_CHECK(valid("weighting", "method", "rake") && valid("weighting", "method", "logit"));
    T_CHECK(!valid("weighting", "method", "Rake"));        /* case matters, */
    T_CHECK(!valid("weighting", "method", "rak"));         /* and the whole value */
    T_CHECK(!valid("weighting", "method", "rake, linear"));
    T_CHECK(valid("input", "encoding", "UTF-8") && valid("input", "encoding", "Shift_JIS")); /* but not here */
    T_CHECK(!valid("input", "encoding", "latin1"));
    /* [input] encoding is a list, one per raw file (issue #13): each item a value or alias */
    T_CHECK(valid("input", "encoding", "cp932, utf-8") && valid("input", "encoding", "sjis,UTF8 , auto"));
    T_CHECK(!valid("input", "encoding", "cp932, latin1") && !valid("input", "encoding", "cp932,"));
    T_CHECK(!valid("input", "encoding", ", utf-8"));
    T_CHECK(valid("input", "header_rows", "1") && valid("input", "header_rows", "2"));
    T_CHECK(!valid("input", "header_rows", "0") && !valid("input", "header_rows", "3"));
    T_CHECK(valid("input", "id", "row") && valid("input", "id", "column") && valid("input", "id", "timestamp") &&
            !valid("input", "id", "birthday"));
    T_CHECK(valid("input", "source_variable", "school") && !valid("input", "source_variable", "学校"));
    /* [report] microdata_formats: a list of csv, sav, dta (issue #14) */
    T_CHECK(valid("report", "microdata_formats", "csv, sav, dta") && valid("report", "microdata_formats", "sav"));
    T_CHECK(!valid("report", "microdata_formats", "csv, xlsx") && !valid("report", "microdata_formats", "sav,"));
    T_CHECK(valid("table.x", "ci", "clopper-pearson") && valid("table.x", "ci", "korn-graubard"));
    T_CHECK(!valid("table.x", "ci", "exact"));
    T_CHECK(valid("table.x", "test", "rao-scott") && valid("table.x", "test", "none"));
    T_CHECK(valid("chart.x", "style", "dots") && !valid("chart.x", "style", "lines"));
    /* a variable name as the codebook allows it; whether the dataset has it is the stage's */
    T_CHECK(valid("design", "strata", "area_2") && valid("design", "strata", "_x"));
    T_CHECK(!valid("design", "strata", "2area"));
    T_CHECK(!valid("design", "strata", "年齢"));
    T_CHECK(!valid("table.x", "var", "a b"));
    /* free text, lists and files: anything */
    T_CHECK(valid("survey", "title", "何でも, 1e30"));

    /* the messages: FILE:LINE in a manifest (TS_E_DATA), --set on the command line (TS_E_USAGE) */
    ts_status st;
    T_CHECK_STR(message("table.x", "level", "95%", &st),
                "--set table.x.level: expected a number strictly between 0 and 1, got \"95%\"");
    T_CHECK(st == TS_E_USAGE);
    T_CHECK_STR(message("weighting", "tolerance", "0", &st), "--set weighting.tolerance: expected a number > 0, got \"0\"");
    T_CHECK_STR(message("weighting", "max_iter", "1e30", &st),
                "--set weighting.max_iter: expected a whole number 1..1000000, got \"1e30\"");
    T_CHECK_STR(message("weighting", "trim_strict", "maybe", &st), "--set weighting.trim_strict: expected yes or no, got \"maybe\"");
    T_CHECK_STR(message("weighting", "trim_relative_to", "median", &st),
                "--set weighting.trim_relative_to: expected mean or absolute, got \"median\"");
    T_CHECK_STR(message("weighting", "base_scale", "sample", &st), "--set weighting.base_scale: expected population, got \"sample\"");
    T_CHECK_STR(message("design", "cluster", "1psu", &st),
                "--set design.cluster: expected a variable name (ASCII letters, digits and _), or a comma-separated "
                "list of them (one per sampling stage), got \"1psu\"");
    T_CHECK_STR(message("weighting", "tolerance", "", &st), ""); /* empty: not given, the default applies */
    T_CHECK(st == TS_OK);
    T_CHECK_STR(message("weighting", "methd", "x", &st), /* an unknown key is said first */
                "--set weighting.methd: unknown key of [weighting] (known: method, margins, tolerance, max_iter, bounds, "
                "rake_residuals, base_scale, trim_lower, trim_upper, trim_relative_to, trim_strict, collapse_below, collapse, missing, "
                "illustrative_targets)");

    /* from a file: its name and line */
    FILE *fp = fopen("test_schema.ini", "w");
    T_CHECK(fp != NULL);
    if (fp) {
        fputs("[table.age]\nvar = age\n\nlevel = 1.5\n", fp);
        fclose(fp);
        ts_err err = TS_ERR_INIT;
        ts_manifest *m = ts_manifest_read("test_schema.ini", &err);
        T_CHECK(m && ts_schema_check(m, TS_STAGE_TAB, &err) == TS_E_DATA);
        T_CHECK_STR(err.msg, "test_schema.ini:4: [table.age] level: expected a number strictly between 0 and 1, got \"1.5\"");
        ts_err_clear(&err);
        T_CHECK(m && ts_schema_check(m, TS_STAGE_WEIGHT, &err) == TS_OK); /* not weight's section */
        ts_manifest_free(m);
        remove("test_schema.ini");
    }

    /* every range is the one `values` writes, and only numbers have one */
    size_t n;
    const ts_schema_key *t = ts_schema_table(&n);
    for (size_t i = 0; i < n; i++) {
        const ts_schema_range *r = &t[i].range;
        if (!(r->has_lo || r->has_hi)) {
            T_CHECK(!((t[i].type == TS_VAL_NUMBER || t[i].type == TS_VAL_INTEGER) && t[i].values));
            continue;
        }
        T_CHECK(t[i].type == TS_VAL_NUMBER || t[i].type == TS_VAL_INTEGER);
        ts_strbuf b = TS_STRBUF_INIT;
        write_range(&t[i], &b);
        if (!t[i].values || strcmp(b.data, t[i].values) != 0)
            fprintf(stderr, "[%s] %s: values \"%s\", range %s\n", t[i].section, t[i].key,
                    t[i].values ? t[i].values : "(null)", b.data);
        T_CHECK(t[i].values && strcmp(b.data, t[i].values) == 0);
        ts_strbuf_free(&b);
    }
    /* every default is a valid value of its key */
    for (size_t i = 0; i < n; i++)
        if (t[i].def && *t[i].def && !ts_schema_valid(&t[i], t[i].def)) {
            fprintf(stderr, "[%s] %s: default \"%s\" is not valid\n", t[i].section, t[i].key, t[i].def);
            T_CHECK(!"a default is not valid");
        }
}

static void dump(void)
{
    size_t n;
    const ts_schema_key *t = ts_schema_table(&n);
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\n", t[i].section, t[i].key, t[i].def ? t[i].def : "");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--dump") == 0) {
        dump();
        return 0;
    }
    /* finding keys, with section prefixes */
    T_CHECK(ts_schema_find("weighting", "method") != NULL);
    T_CHECK(ts_schema_find("weighting", "methd") == NULL);
    T_CHECK(ts_schema_find("table.lonely_age", "ci") != NULL);
    T_CHECK(ts_schema_find("margin.age", "vars") != NULL);
    T_CHECK(ts_schema_find("margin.", "vars") == NULL); /* a margin needs a NAME */
    T_CHECK(ts_schema_find("chart.x", "style") != NULL && ts_schema_find("table.x", "style") == NULL);
    T_CHECK(ts_schema_reads("design", TS_STAGE_WEIGHT) && !ts_schema_reads("design", TS_STAGE_TAB));
    T_CHECK(!ts_schema_reads("estimate.x", TS_STAGE_ALL));
    T_CHECK_STR(ts_schema_default("table.x", "level"), "0.95");
    T_CHECK_STR(ts_schema_default("weighting", "method"), "none");
    T_CHECK(ts_schema_default("survey", "title") == NULL);

    /* every entry: a section, a key, a doc line; an enum lists its values; no key twice */
    size_t n;
    const ts_schema_key *t = ts_schema_table(&n);
    T_CHECK(n > 50);
    for (size_t i = 0; i < n; i++) {
        T_CHECK(t[i].section && *t[i].section && t[i].key && *t[i].key && t[i].doc && *t[i].doc);
        T_CHECK(t[i].type != TS_VAL_ENUM || (t[i].values && *t[i].values));
        T_CHECK((t[i].stages & ~(unsigned)TS_STAGE_ALL) == 0);
        for (size_t j = 0; j < i; j++)
            T_CHECK(strcmp(t[i].section, t[j].section) != 0 || strcmp(t[i].key, t[j].key) != 0);
    }

    test_values();

    /* the one way a stage learns a default: the manifest's value, else the schema's */
    {
        ts_manifest *g = ts_manifest_new(".");
        T_CHECK_STR(ts_schema_get(g, "weighting", "method"), "none");
        T_CHECK_STR(ts_schema_get(NULL, "table.age", "ci"), "logit");
        T_CHECK(ts_schema_get(g, "survey", "title") == NULL); /* no default */
        T_CHECK(ts_schema_get(g, "weighting", "methd") == NULL); /* no such key */
        ts_manifest_set(g, "weighting", "method", "rake");
        ts_manifest_set(g, "table.age", "level", "");
        T_CHECK_STR(ts_schema_get(g, "weighting", "method"), "rake");
        T_CHECK_STR(ts_schema_get(g, "table.age", "level"), "0.95"); /* empty: not given */
        T_CHECK(ts_schema_default_number("table.", "level") == 0.95);
        T_CHECK(ts_schema_default_number("privacy", "min_cell") == 10);
        T_CHECK(ts_schema_default_number("weighting", "tolerance") != ts_schema_default_number("weighting", "tolerance"));
        ts_manifest_free(g);
    }

    /* min_cell: empty is an error there (not the default), in the schema's words */
    {
        ts_err e = TS_ERR_INIT;
        ts_manifest *g = ts_manifest_new(".");
        long v = -1;
        ts_manifest_set(g, "privacy", "min_cell", "");
        T_CHECK(ts_privacy_min_cell(g, &v, &e) == TS_E_USAGE);
        T_CHECK_STR(e.msg, "--set privacy.min_cell: expected a whole number 0..1000000, got \"\"");
        ts_err_clear(&e);
        ts_manifest_set(g, "privacy", "min_cell", "0");
        T_CHECK(ts_privacy_min_cell(g, &v, &e) == TS_OK && v == 0);
        T_CHECK(ts_privacy_parse_min_cell("1000000", &v) == 0 && v == 1000000);
        T_CHECK(ts_privacy_parse_min_cell("1000001", &v) != 0 && ts_privacy_parse_min_cell("", &v) != 0);
        ts_manifest_free(g);
    }

    /* the default the code applies: [privacy] min_cell (lib/privacy.c) */
    ts_err err = TS_ERR_INIT;
    ts_manifest *m = ts_manifest_new(".");
    long mc = -1;
    T_CHECK(m && ts_privacy_min_cell(m, &mc, &err) == TS_OK);
    T_CHECK(mc == atol(ts_schema_default("privacy", "min_cell")));

    /* the one check: a stage judges only its own sections; the whole-manifest check judges all */
    T_CHECK(ts_manifest_set(m, "survey", "titel", "x") == 0);
    T_CHECK(ts_schema_check(m, TS_STAGE_WEIGHT, &err) == TS_OK);
    T_CHECK(ts_schema_check(m, TS_STAGE_ALL, &err) == TS_E_USAGE);
    T_CHECK_STR(err.msg, "--set survey.titel: unknown key of [survey] (known: id, title, title_en, period, mode, "
                         "population, synthetic, source, notes)");
    ts_err_clear(&err);
    ts_manifest_free(m);
    m = ts_manifest_new(".");
    T_CHECK(ts_manifest_set(m, "estimate.x", "var", "x") == 0);
    T_CHECK(ts_schema_check(m, TS_STAGE_TAB, &err) == TS_OK);
    T_CHECK(ts_schema_check(m, TS_STAGE_ALL, &err) == TS_E_USAGE);
    ts_err_clear(&err);
    ts_manifest_free(m);
    T_DONE();
}
