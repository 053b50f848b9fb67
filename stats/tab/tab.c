/* tab.c — the estimation stage's run: for each table (from the manifest, or one ad hoc), the
 * whole population and every domain of the `by` variables, estimates with standard errors,
 * intervals and design effects, a Rao–Scott test, small cells suppressed; written as tidy CSV
 * (docs/tables-format.md) and optionally as text. */
#include "tab.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "csvwrite.h"
#include "dataset.h"
#include "manifest.h"
#include "schema.h"
#include "numparse.h"
#include "privacy.h"
#include "numformat.h"
#include "strbuf.h"

#define PROG "tsunagari-tab"

typedef struct table_spec {
    char *id;
    const ts_var *var;
    const ts_var *by[2];
    size_t nby;
    ts_stat_kind kind;
    ts_ci_method ci;
    double level;
    int weighted;
    int test;
} table_spec;

typedef struct run {
    const tab_options *opt;
    ts_dataset *ds;
    ts_sample *d, *unweighted;
    long min_cell;
    FILE *csv, *text;
    size_t rows;
} run;

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

static void put_num(FILE *fp, double x)
{
    if (isnan(x) || isinf(x))
        return;
    fprintf(fp, "%.17g", x);
}

/* One CSV row (docs/tables-format.md). */
static void csv_row(run *r, const table_spec *t, const char *by_codes, const char *by_labels, const char *code,
                    const char *label, const char *statistic, const ts_estimate *e, double missing, double skipped,
                    double df2, double pval, int suppressed)
{
    FILE *fp = r->csv;
    ts_csv_put_str(fp, t->id);
    putc(',', fp);
    ts_strbuf by = TS_STRBUF_INIT;
    for (size_t k = 0; k < t->nby; k++)
        ts_strbuf_printf(&by, "%s%s", k ? ";" : "", t->by[k]->name);
    ts_csv_put_str(fp, by.data ? by.data : "");
    ts_strbuf_free(&by);
    putc(',', fp);
    ts_csv_put_str(fp, by_codes);
    putc(',', fp);
    ts_csv_put_str(fp, by_labels);
    putc(',', fp);
    ts_csv_put_str(fp, t->var->name);
    putc(',', fp);
    ts_csv_put_str(fp, code);
    putc(',', fp);
    ts_csv_put_str(fp, label);
    fprintf(fp, ",%s,", statistic);
    put_num(fp, e->n);
    putc(',', fp);
    put_num(fp, e->n_cat);
    putc(',', fp);
    put_num(fp, e->weighted_n);
    const double shown[] = {e->estimate, e->se, e->lo, e->hi};
    for (int k = 0; k < 4; k++) {
        putc(',', fp);
        if (!suppressed)
            put_num(fp, shown[k]);
    }
    int is_test = strncmp(statistic, "rao_scott", 9) == 0;
    fprintf(fp, ",%s,", is_test ? "" : (t->kind == TS_STAT_SHARE && t->var->type != TS_VAR_NUMERIC ? ts_ci_method_name(t->ci) : t->ci == TS_CI_NONE ? "none" : "t"));
    if (!is_test)
        fprintf(fp, "%.15g", t->level); /* 0.95, not 0.94999999999999996 */
    putc(',', fp);
    put_num(fp, e->df);
    putc(',', fp);
    put_num(fp, df2);
    putc(',', fp);
    if (!suppressed)
        put_num(fp, e->deff);
    putc(',', fp);
    if (!suppressed && e->estimate != 0 && !is_test)
        put_num(fp, e->se / e->estimate);
    putc(',', fp);
    put_num(fp, pval);
    fprintf(fp, ",%s,", suppressed ? "yes" : "no");
    put_num(fp, missing);
    putc(',', fp);
    put_num(fp, skipped);
    putc('\n', fp);
    r->rows++;
}

/* Columns S takes on a terminal: East Asian wide characters (kanji, kana, full-width forms)
 * take two, the rest one. printf's %-22s counts bytes, and a Japanese label of 6 bytes would
 * push its row's numbers out of line with the header. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned long cp = *p;
        int len = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4;
        if (len > 1)
            cp &= 0x3F >> (len - 1);
        for (int k = 1; k < len; k++)
            cp = p[k] ? (cp << 6) | (p[k] & 0x3F) : cp;
        for (int k = 0; k < len && *p; k++)
            p++;
        w += (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                     (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                     (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000
                 ? 2
                 : 1;
    }
    return w;
}

/* Append S left-aligned in WIDTH terminal columns (longer text is kept whole). */
static void append_padded(ts_strbuf *b, const char *s, size_t width)
{
    ts_strbuf_append_str(b, s);
    for (size_t w = display_width(s); w < width; w++)
        ts_strbuf_append_char(b, ' ');
}

static const char *code_label(const ts_var *v, int32_t code)
{
    long i = ts_var_code_index(v, code);
    return i >= 0 ? v->codes[i].label : "";
}

/* The categories a share table reports: the codes (options of a multi) that are not missing
 * codes and that someone in the design gave (R: the factor levels present). */
static size_t categories(const run *r, const table_spec *t, int32_t **out)
{
    const ts_var *v = t->var;
    int32_t *c = malloc((v->ncodes ? v->ncodes : 1) * sizeof *c);
    size_t n = 0;
    if (!c)
        return SIZE_MAX;
    for (size_t k = 0; k < v->ncodes; k++) {
        if (v->codes[k].missing)
            continue;
        int seen = 0;
        for (size_t i = 0; i < r->d->n && !seen; i++) {
            if (r->d->w[i] <= 0 || ts_var_is_missing(v, i))
                continue;
            seen = v->type == TS_VAR_MULTI ? 1 : ts_var_int(v, i) == v->codes[k].code;
        }
        if (seen)
            c[n++] = v->codes[k].code;
    }
    /* R orders factor levels by value */
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && c[b - 1] > c[b]; b--) {
            int32_t x = c[b];
            c[b] = c[b - 1];
            c[b - 1] = x;
        }
    *out = c;
    return n;
}

static ts_status one_domain(run *r, const table_spec *t, const ts_sample *d, const unsigned char *in,
                            const char *by_codes, const char *by_labels, const int32_t *cats, size_t ncat,
                            int *dec, ts_strbuf *text, ts_err *err)
{
    size_t k = t->var->type == TS_VAR_NUMERIC || t->var->type == TS_VAR_INTEGER ? 1 : ncat;
    ts_estimate *e = calloc(k ? k : 1, sizeof *e);
    if (!e)
        return nomem(err);
    double missing = 0, skipped = 0;
    ts_status st = ts_estimate_domain(d, t->var, t->kind, cats, ncat, in, t->ci, t->level, e, &missing, err);
    /* 非該当 (not asked: skip logic) is part of the missing count but is no nonresponse:
     * said apart, so that a reader does not take a filter question's skips for refusals. */
    for (size_t i = 0; i < d->n && missing > 0; i++)
        skipped += in[i] && d->w[i] > 0 && ts_var_is_skipped(t->var, i);
    if (st == TS_OK) {
        ts_strbuf_append_str(text, "  ");
        append_padded(text, by_labels, 22);
        ts_strbuf_printf(text, " %7.0f", e[0].n);
        for (size_t c = 0; c < k; c++) {
            int numeric = k == 1 && !e[c].has_code;
            double cell_n = numeric ? e[c].n : e[c].n_cat;
            int suppressed = cell_n < (double)r->min_cell;
            char code[24] = "";
            if (!numeric)
                snprintf(code, sizeof code, "%d", e[c].code);
            csv_row(r, t, by_codes, by_labels, code, numeric ? "" : code_label(t->var, e[c].code),
                    t->kind == TS_STAT_SHARE && !numeric ? "share" : t->kind == TS_STAT_TOTAL ? "total" : "mean", &e[c],
                    missing, skipped, NAN, NAN, suppressed);
            if (suppressed)
                ts_strbuf_append_str(text, "        *");
            else if (t->kind == TS_STAT_SHARE && !numeric)
                ts_strbuf_printf(text, " %7.1f%%", 100 * e[c].estimate);
            else {
                /* totals as whole numbers, means with the decimals their SE supports: never
                 * 2.031e+07 for a count of people */
                char val[64], se[64];
                if (*dec < 0) /* one for the table, from the whole population's (smallest) SE */
                    *dec = t->kind == TS_STAT_TOTAL ? 0 : ts_numformat_se_decimals(e[c].se);
                ts_numformat_grouped(e[c].estimate, *dec, val, sizeof val);
                ts_numformat_grouped(e[c].se, *dec, se, sizeof se);
                ts_strbuf_printf(text, " %15s (±%s)", val, se);
            }
        }
        if (missing > skipped)
            ts_strbuf_printf(text, "   (無回答 %.0f)", missing - skipped);
        if (skipped > 0)
            ts_strbuf_printf(text, "   (非該当 %.0f)", skipped);
        ts_strbuf_append_char(text, '\n');
    }
    free(e);
    return st;
}

static ts_status one_table(run *r, const table_spec *t, ts_err *err)
{
    const ts_sample *d = t->weighted ? r->d : r->unweighted;
    int32_t *cats = NULL;
    size_t ncat = 0;
    if (t->var->type == TS_VAR_SINGLE || t->var->type == TS_VAR_MULTI) {
        ncat = categories(r, t, &cats);
        if (ncat == SIZE_MAX)
            return nomem(err);
    }
    unsigned char *in = malloc(d->n ? d->n : 1);
    ts_strbuf text = TS_STRBUF_INIT;
    if (!in) {
        free(cats);
        return nomem(err);
    }
    ts_strbuf_printf(&text, "\n[%s] %s (%s)%s%s%s%s\n", t->id, t->var->label, t->var->name, t->nby ? " by " : "",
                     t->nby ? t->by[0]->label : "", t->nby > 1 ? " × " : "", t->nby > 1 ? t->by[1]->label : "");
    /* Japanese labels do not fit a column: list them, head the columns with codes. */
    if (ncat) {
        ts_strbuf_append_str(&text, " ");
        for (size_t c = 0; c < ncat; c++)
            ts_strbuf_printf(&text, " %d=%s", cats[c], code_label(t->var, cats[c]));
        ts_strbuf_append_char(&text, '\n');
    }
    ts_strbuf_printf(&text, "  %-22s %7s", "", "n");
    for (size_t c = 0; c < ncat; c++)
        ts_strbuf_printf(&text, " %8d", cats[c]);
    if (!ncat)
        ts_strbuf_printf(&text, " %15s (±se)", t->kind == TS_STAT_TOTAL ? "total" : "mean");
    ts_strbuf_append_char(&text, '\n');
    /* the whole population first, then each domain in code order */
    memset(in, 1, d->n);
    int dec = -1;
    ts_status st = one_domain(r, t, d, in, "", "全体", cats, ncat, &dec, &text, err);
    if (t->nby > 0 && st == TS_OK) {
        const ts_var *a = t->by[0], *b = t->nby > 1 ? t->by[1] : NULL;
        for (size_t i = 0; i < a->ncodes && st == TS_OK; i++)
            for (size_t j = 0; j < (b ? b->ncodes : 1) && st == TS_OK; j++) {
                int32_t ca = a->codes[i].code, cb = b ? b->codes[j].code : 0;
                if (a->codes[i].missing || (b && b->codes[j].missing))
                    continue;
                size_t count = 0;
                for (size_t row = 0; row < d->n; row++) {
                    in[row] = !ts_var_is_missing(a, row) && ts_var_int(a, row) == ca &&
                              (!b || (!ts_var_is_missing(b, row) && ts_var_int(b, row) == cb));
                    count += in[row] && d->w[row] > 0;
                }
                if (count == 0)
                    continue;
                /* labels are user text of any length: no fixed buffer (a long label was cut) */
                ts_strbuf codes = TS_STRBUF_INIT, labels = TS_STRBUF_INIT;
                int rc = b ? ts_strbuf_printf(&codes, "%d;%d", ca, cb) |
                                 ts_strbuf_printf(&labels, "%s;%s", a->codes[i].label, b->codes[j].label)
                           : ts_strbuf_printf(&codes, "%d", ca) | ts_strbuf_printf(&labels, "%s", a->codes[i].label);
                st = rc != 0 ? nomem(err)
                             : one_domain(r, t, d, in, codes.data, labels.data, cats, ncat, &dec, &text, err);
                ts_strbuf_free(&codes);
                ts_strbuf_free(&labels);
            }
    }
    if (st == TS_OK && t->test && t->nby == 1 && t->var->type == TS_VAR_SINGLE && t->by[0]->type == TS_VAR_SINGLE) {
        ts_rao_scott rs;
        st = ts_estimate_rao_scott(d, t->var, t->by[0], &rs, err);
        if (st == TS_OK && !isnan(rs.f)) {
            ts_estimate e = {0, 0, NAN, NAN, NAN, rs.f, NAN, NAN, NAN, rs.f_df1, NAN};
            csv_row(r, t, "", "", "", "", "rao_scott_f", &e, NAN, NAN, rs.f_df2, rs.f_p, 0);
            ts_estimate e2 = {0, 0, NAN, NAN, NAN, rs.chisq, NAN, NAN, NAN, rs.chisq_df, NAN};
            csv_row(r, t, "", "", "", "", "rao_scott_chisq", &e2, NAN, NAN, NAN, rs.chisq_p, 0);
            ts_strbuf_printf(&text, "  Rao–Scott F = %.3f on %.2f and %.1f df, p = %.3g (second-order; first-order X² p = %.3g)\n",
                             rs.f, rs.f_df1, rs.f_df2, rs.f_p, rs.chisq_p);
        }
    }
    if (st == TS_OK && r->text)
        fputs(text.data ? text.data : "", r->text);
    ts_strbuf_free(&text);
    free(in);
    free(cats);
    return st;
}

/* Where a table's settings come from, so that a message names what the user wrote: an
 * option of the command line (the ad hoc table; a usage error, exit 64) or a key of a
 * [table.NAME] section of the manifest (an error in that file, with its line; exit 65). */
typedef struct origin {
    const ts_manifest *m; /* NULL: the command line */
    const char *section;  /* "table.NAME" */
    const char *dataset;  /* the input's path, for "no variable X in it" */
} origin;

/* Set *ERR to "--OPTION VALUE: REASON" or "FILE:LINE: [SECTION] KEY = VALUE: REASON". */
static ts_status bad_setting(const origin *o, const char *key, const char *option, const char *value, ts_err *err,
                             const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static ts_status bad_setting(const origin *o, const char *key, const char *option, const char *value, ts_err *err,
                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_err_vset(err, o->m ? TS_E_DATA : TS_E_USAGE, fmt, ap);
    va_end(ap);
    unsigned long line = o->m ? ts_manifest_line(o->m, o->section, key) : 0;
    if (!o->m)
        ts_err_prefix(err, "%s %s", option, value ? value : "");
    else if (line)
        ts_err_prefix(err, "%s:%lu: [%s] %s = %s", ts_manifest_path(o->m), line, o->section, key, value ? value : "");
    else
        ts_err_prefix(err, "%s: [%s] %s = %s", ts_manifest_path(o->m), o->section, key, value ? value : "");
    return err->status;
}

static const char *type_name(ts_vartype t)
{
    switch (t) {
    case TS_VAR_ID: return "the respondent id";
    case TS_VAR_SINGLE: return "a single-choice variable";
    case TS_VAR_MULTI: return "a multiple answer";
    case TS_VAR_INTEGER: return "an integer";
    case TS_VAR_NUMERIC: return "a number";
    case TS_VAR_TEXT: return "free text";
    }
    return "?";
}

/* The variable NAME of the dataset, or an error naming the setting. */
static const ts_var *find_var(run *r, const origin *o, const char *key, const char *option, const char *value,
                              const char *name, ts_err *err)
{
    const ts_var *v = ts_dataset_find(r->ds, name);
    if (!v)
        bad_setting(o, key, option, value, err, "%s has no variable \"%s\"", o->dataset, name);
    return v;
}

static ts_status parse_spec(run *r, const origin *o, table_spec *t, const char *id, const char *var, const char *by,
                            const char *stat, const char *ci, double level, const char *level_text, int weighted,
                            ts_err *err)
{
    memset(t, 0, sizeof *t);
    t->id = ts_strdup(id);
    t->level = level;
    t->weighted = weighted;
    t->test = 1;
    if (!t->id)
        return nomem(err);
    if (!var || !*var) {
        if (o->m)
            return ts_err_set(err, TS_E_DATA, "%s: [%s]: no var = VARIABLE: name the variable to tabulate",
                              ts_manifest_path(o->m), o->section);
        return ts_err_set(err, TS_E_USAGE, "--var: expected a variable name");
    }
    if (!(t->var = find_var(r, o, "var", "--var", var, var, err)))
        return err->status;
    if (t->var->type == TS_VAR_TEXT || t->var->type == TS_VAR_ID)
        return bad_setting(o, "var", "--var", var, err, "%s (%s) is %s, which is never tabulated", t->var->name,
                           t->var->label, type_name(t->var->type));
    for (const char *p = by; p && *p;) {
        size_t len = strcspn(p, ",;");
        const char *nm = p;
        size_t nl = len;
        ts_trim(&nm, &nl);
        char *name = ts_strndup(nm, nl);
        if (!name)
            return nomem(err);
        const ts_var *b = *name ? find_var(r, o, "by", "--by", by, name, err) : NULL;
        if (!*name)
            bad_setting(o, "by", "--by", by, err, "expected one or two variable names separated by a comma");
        else if (b && b->type != TS_VAR_SINGLE)
            bad_setting(o, "by", "--by", by, err, "%s (%s) is %s: a domain variable must be coded (single choice)",
                        b->name, b->label, type_name(b->type));
        else if (b && t->nby == 2)
            bad_setting(o, "by", "--by", by, err, "at most two domain variables");
        free(name);
        if (!b || b->type != TS_VAR_SINGLE || t->nby == 2)
            return err->status;
        t->by[t->nby++] = b;
        p += len + (p[len] != '\0');
    }
    int numeric = t->var->type == TS_VAR_NUMERIC || t->var->type == TS_VAR_INTEGER;
    t->kind = numeric ? TS_STAT_MEAN : TS_STAT_SHARE;
    if (stat && *stat) {
        if (strcmp(stat, "share") == 0 && !numeric)
            t->kind = TS_STAT_SHARE;
        else if (strcmp(stat, "mean") == 0 && numeric)
            t->kind = TS_STAT_MEAN;
        else if (strcmp(stat, "total") == 0)
            t->kind = TS_STAT_TOTAL;
        else if (strcmp(stat, "share") == 0 || strcmp(stat, "mean") == 0)
            return bad_setting(o, "statistic", "--stat", stat, err, "%s (%s) is %s: expected %s", t->var->name,
                               t->var->label, type_name(t->var->type), numeric ? "mean or total" : "share or total");
        else
            return bad_setting(o, "statistic", "--stat", stat, err, "expected share (coded variables), mean (numbers) or total");
    }
    t->ci = TS_CI_T; /* a share's default interval: [table.NAME] ci's default (lib/schema.c) */
    if (!numeric && t->kind == TS_STAT_SHARE)
        (void)ts_ci_method_parse(ts_schema_default("table.", "ci"), &t->ci);
    if (ci && *ci && ts_ci_method_parse(ci, &t->ci) != 0)
        return bad_setting(o, "ci", "--ci", ci, err, "expected logit, beta, wald, xlogit, wilson or none");
    if (!(level > 0 && level < 1))
        return bad_setting(o, "level", "--level", level_text, err, "expected a value between 0 and 1, e.g. 0.95");
    return TS_OK;
}

/* The keys of [table.NAME] and [privacy] (lib/schema.c; docs/manifest.md: an unknown key is an
 * error for the stage that reads it — a misspelt `statistc = total` must not give shares silently). */
static ts_status check_keys(const ts_manifest *m, ts_err *err)
{
    return ts_schema_check(m, TS_STAGE_TAB, err) != TS_OK ? TS_E_DATA : TS_OK;
}

/* Every [table.NAME] section of the manifest, in file order. */
static ts_status manifest_tables(run *r, const ts_manifest *m, table_spec **out, size_t *nout, ts_err *err)
{
    size_t ns = ts_manifest_section_count(m), n = 0;
    table_spec *t = calloc(ns ? ns : 1, sizeof *t);
    if (!t)
        return nomem(err);
    ts_status st = TS_OK;
    for (size_t s = 0; s < ns && st == TS_OK; s++) {
        const char *sec = ts_manifest_section(m, s);
        if (strncmp(sec, "table.", 6) != 0)
            continue;
        origin o = {m, sec, r->opt->input};
        const char *lv = ts_schema_get(m, sec, "level"), *w = ts_schema_get(m, sec, "weighted"); /* or the defaults */
        double level;
        if (ts_parse_double(lv, strlen(lv), &level) != 0)
            level = NAN;
        const char *test = ts_manifest_get(m, sec, "test");
        st = parse_spec(r, &o, &t[n], sec + 6, ts_manifest_get(m, sec, "var"), ts_manifest_get(m, sec, "by"),
                        ts_manifest_get(m, sec, "statistic"), ts_manifest_get(m, sec, "ci"), level, lv,
                        !(w && strcmp(w, "no") == 0), err);
        if (st == TS_OK && w && *w && strcmp(w, "yes") != 0 && strcmp(w, "no") != 0)
            st = bad_setting(&o, "weighted", "", w, err, "expected yes or no");
        if (st == TS_OK && test && *test && strcmp(test, "none") != 0 && strcmp(test, "rao-scott") != 0)
            st = bad_setting(&o, "test", "", test, err, "expected rao-scott (the default) or none");
        if (test && strcmp(test, "none") == 0)
            t[n].test = 0;
        n++;
    }
    *out = t;
    *nout = n;
    return st;
}

ts_status tab_run(const tab_options *opt, FILE *summary, ts_err *err)
{
    run r = {0};
    r.opt = opt;
    ts_manifest *m = NULL;
    table_spec *specs = NULL;
    size_t nspecs = 0;
    ts_atomicfile *out = NULL, *txt = NULL;
    ts_status st = TS_OK;
    if (opt->manifest && !(m = ts_manifest_read(opt->manifest, err)))
        return err->status;
    if (m && (st = check_keys(m, err)) != TS_OK)
        goto done;
    if (!(r.ds = ts_dataset_read(opt->input, err))) {
        st = err->status;
        goto done;
    }
    /* The design that made the weights, as tsunagari-weight recorded it (lib/design.c);
     * --lonely-psu overrides the recorded rule. */
    ts_design design;
    st = ts_design_read(r.ds, &design, err);
    if (st == TS_OK && opt->lonely >= 0)
        design.lonely_psu = (ts_lonely_psu)opt->lonely;
    if (st == TS_OK && (!(r.d = ts_sample_new(r.ds, &design, err)) ||
                        !(r.unweighted = ts_sample_unweighted(r.ds, &design, err))))
        st = err->status;
    ts_design_clear(&design);
    if (st != TS_OK) {
        if (st == TS_E_DATA) /* the design recorded in the dataset: name the file */
            ts_err_prefix(err, "%s", opt->input);
        goto done;
    }

    r.min_cell = opt->min_cell;
    if (r.min_cell < 0 && (st = ts_privacy_min_cell(m, &r.min_cell, err)) != TS_OK)
        goto done;

    /* the tables: ad hoc, or every [table.NAME] of the manifest in order */
    if (opt->var) {
        specs = calloc(1, sizeof *specs);
        if (!specs) {
            st = nomem(err);
            goto done;
        }
        nspecs = 1;
        origin o = {NULL, NULL, opt->input};
        st = parse_spec(&r, &o, &specs[0], "adhoc", opt->var, opt->by, opt->stat, opt->ci, opt->level, NULL, 1, err);
    } else if (m) {
        st = manifest_tables(&r, m, &specs, &nspecs, err);
    }
    if (st != TS_OK)
        goto done;
    if (nspecs == 0) {
        st = ts_err_set(err, TS_E_USAGE, "no tables: give --var (and --by), or a manifest with [table.NAME] sections");
        goto done;
    }
    if (!(out = ts_atomicfile_open(opt->output, err))) {
        st = err->status;
        goto done;
    }
    r.csv = ts_atomicfile_stream(out);
    if (opt->text) {
        if (!(txt = ts_atomicfile_open(opt->text, err))) {
            st = err->status;
            goto done;
        }
        r.text = ts_atomicfile_stream(txt);
        if (r.min_cell > 1)
            fprintf(r.text, "tsunagari-tab: %s — %s; cells with fewer than %ld respondents are suppressed (*)\n",
                    opt->input, r.d->summary, r.min_cell);
        else
            fprintf(r.text, "tsunagari-tab: %s — %s; no cell is suppressed (min_cell %ld)\n", opt->input,
                    r.d->summary, r.min_cell);
    }
    if (opt->bom)
        ts_csv_put_bom(r.csv);
    fputs("table,by,by_codes,by_labels,variable,code,label,statistic,n,n_category,weighted_n,estimate,se,ci_low,ci_high,"
          "ci_method,ci_level,df,df2,deff,cv,p_value,suppressed,missing_n,skipped_n\n",
          r.csv);
    for (size_t k = 0; k < nspecs && st == TS_OK; k++)
        st = one_table(&r, &specs[k], err);
    if (st != TS_OK)
        goto done;
    if (txt && (st = ts_atomicfile_commit(txt, err)) != TS_OK) {
        txt = NULL;
        goto done;
    }
    txt = NULL;
    st = ts_atomicfile_commit(out, err);
    out = NULL;
    if (st == TS_OK && !opt->quiet) {
        /* say what was done: tables with weighted = no count every respondent 1 */
        size_t unweighted = 0;
        for (size_t k = 0; k < nspecs; k++)
            unweighted += !specs[k].weighted;
        if (unweighted == nspecs)
            fprintf(summary, "%s: %s: %zu table%s, %zu rows written to %s (unweighted: weighted = no)\n", PROG,
                    opt->input, nspecs, nspecs == 1 ? "" : "s", r.rows, opt->output);
        else if (unweighted)
            fprintf(summary, "%s: %s: %zu tables, %zu rows written to %s (%s; %zu of them unweighted: weighted = no)\n",
                    PROG, opt->input, nspecs, r.rows, opt->output, r.d->summary, unweighted);
        else
            fprintf(summary, "%s: %s: %zu table%s, %zu rows written to %s (%s)\n", PROG, opt->input, nspecs,
                    nspecs == 1 ? "" : "s", r.rows, opt->output, r.d->summary);
    }
done:
    ts_atomicfile_abort(out);
    ts_atomicfile_abort(txt);
    for (size_t k = 0; k < nspecs; k++)
        free(specs[k].id);
    free(specs);
    ts_sample_free(r.d);
    ts_sample_free(r.unweighted);
    ts_dataset_free(r.ds);
    ts_manifest_free(m);
    return st;
}
