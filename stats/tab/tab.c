/* tab.c — the estimation stage's run: for each table (from the manifest, or one ad hoc), the
 * whole population and every domain of the `by` variables, estimates with standard errors,
 * intervals and design effects, a Rao–Scott test, small cells suppressed; written as tidy CSV
 * (docs/tables-format.md) and optionally as text. */
#define _GNU_SOURCE /* sched_getaffinity: the cores this process may use */
#include "tabctx.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "csvwrite.h"
#include "dataset.h"
#include "i18n.h"
#include "load.h"
#include "manifest.h"
#include "schema.h"
#include "numparse.h"
#include "privacy.h"
#include "numformat.h"
#include "strbuf.h"

/* ---- tables on threads -------------------------------------------------------------------
 * Tables are independent: each reads the dataset and the samples (const) and writes only its
 * own result and error, so any number of threads give the same results; they are written in
 * manifest order afterwards, and the first failing table in that order is the error reported,
 * as a single thread would stop at it. */
typedef struct pool {
    run *r;
    const table_spec *specs;
    table_result *results;
    ts_err *errs;
    ts_status *st;
    size_t n, next;
    int failed;             /* a table failed: later ones need not start */
    pthread_mutex_t lock;
} pool;

static void *pool_work(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t k = p->failed ? p->n : p->next++;
        pthread_mutex_unlock(&p->lock);
        if (k >= p->n)
            return NULL;
        p->st[k] = compute_table(p->r, &p->specs[k], &p->results[k], &p->errs[k]);
        if (p->st[k] != TS_OK) {
            pthread_mutex_lock(&p->lock);
            p->failed = 1;
            pthread_mutex_unlock(&p->lock);
        }
    }
}

size_t tab_default_jobs(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (size_t)CPU_COUNT(&set);
    return 1;
}

/* Every table of SPECS into RESULTS on JOBS threads (1: this one). */
static ts_status compute_tables(run *r, const table_spec *specs, table_result *results, size_t n, size_t jobs,
                                ts_err *err)
{
    if (jobs > n)
        jobs = n;
    if (jobs <= 1) {
        ts_status st = TS_OK;
        for (size_t k = 0; k < n && st == TS_OK; k++)
            st = compute_table(r, &specs[k], &results[k], err);
        return st;
    }
    pool p = {r, specs, results, calloc(n, sizeof *p.errs), calloc(n, sizeof *p.st), n, 0, 0,
              PTHREAD_MUTEX_INITIALIZER};
    pthread_t *th = calloc(jobs, sizeof *th);
    if (!p.errs || !p.st || !th) {
        free(p.errs);
        free(p.st);
        free(th);
        return tab_nomem(err);
    }
    for (size_t k = 0; k < n; k++)
        p.st[k] = TS_OK; /* a table never started (after a failure) counts as not failed */
    size_t started = 0;
    while (started < jobs - 1 && pthread_create(&th[started], NULL, pool_work, &p) == 0)
        started++;
    pool_work(&p); /* this thread is one of the workers */
    for (size_t j = 0; j < started; j++)
        pthread_join(th[j], NULL);
    ts_status st = TS_OK;
    for (size_t k = 0; k < n; k++) {
        if (st == TS_OK && p.st[k] != TS_OK) {
            st = p.st[k];
            *err = p.errs[k]; /* the message moves to ERR */
            continue;
        }
        ts_err_clear(&p.errs[k]);
    }
    pthread_mutex_destroy(&p.lock);
    free(p.errs);
    free(p.st);
    free(th);
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

/* The settings of quantile and ratio tables (NULL: not given). */
typedef struct more_keys {
    const char *quantiles, *qrule, *quantile_ci, *denominator, *differences;
    const char *previous, *previous_table, *previous_label;
} more_keys;

/* previous = FILE (relative to the manifest), previous_table, previous_label: the previous
 * survey's tables.csv, read once the estimates are known (previous.c). */
static ts_status parse_previous(const origin *o, table_spec *t, const more_keys *mk, ts_err *err)
{
    if (!mk->previous || !*mk->previous) {
        if (mk->previous_table && *mk->previous_table)
            return bad_setting(o, "previous_table", "--previous-table", mk->previous_table, err,
                               "only with %s", o->m ? "previous = FILE" : "--previous FILE");
        if (mk->previous_label && *mk->previous_label)
            return bad_setting(o, "previous_label", "--previous-label", mk->previous_label, err,
                               "only with %s", o->m ? "previous = FILE" : "--previous FILE");
        return TS_OK;
    }
    t->previous = o->m ? ts_manifest_resolve(o->m, mk->previous) : ts_strdup(mk->previous);
    t->previous_table = mk->previous_table && *mk->previous_table ? mk->previous_table : t->id;
    t->previous_label = mk->previous_label && *mk->previous_label ? mk->previous_label
                                                                  : ts_schema_default("table.", "previous_label");
    ts_strbuf where = TS_STRBUF_INIT;
    unsigned long line = o->m ? ts_manifest_line(o->m, o->section, "previous") : 0;
    int bad = o->m ? line ? ts_strbuf_printf(&where, "%s:%lu: [%s] previous = %s", ts_manifest_path(o->m), line,
                                              o->section, mk->previous)
                          : ts_strbuf_printf(&where, "%s: [%s] previous = %s", ts_manifest_path(o->m), o->section,
                                             mk->previous)
                   : ts_strbuf_printf(&where, "--previous %s", mk->previous);
    t->prev_where = where.data;
    return bad != 0 || !t->prev_where || !t->previous ? tab_nomem(err) : TS_OK;
}

/* differences = A - B, C - D: the shape only (each side is matched to a domain once the
 * domains are known, compute.c); by variables and shares, means or totals. */
static ts_status parse_differences(const origin *o, table_spec *t, const char *list, ts_err *err)
{
    const char *shape = "expected DOMAIN - DOMAIN, comma-separated, each side a domain's label or code or 全体 "
                        "(男性 - 女性, 20～29歳 - 全体)";
    if (t->nby == 0)
        return bad_setting(o, "differences", "--differences", list, err, "differences of domains need %s",
                           o->m ? "by = VARIABLE" : "--by VAR");
    if (t->stat != TAB_ESTIMATE)
        return bad_setting(o, "differences", "--differences", list, err,
                           "differences are of shares, means and totals, not of %ss", t->stat == TAB_QUANTILE ? "quantile" : "ratio");
    size_t items = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        const char *minus = NULL;
        for (const char *q = p; q + 3 <= p + len && !minus; q++)
            if (memcmp(q, " - ", 3) == 0)
                minus = q;
        const char *a = p, *b = minus ? minus + 3 : NULL;
        size_t al = minus ? (size_t)(minus - p) : 0, bl = minus ? (size_t)(p + len - b) : 0;
        if (minus) {
            ts_trim(&a, &al);
            ts_trim(&b, &bl);
        }
        if (!minus || al == 0 || bl == 0)
            return bad_setting(o, "differences", "--differences", list, err, "%s", shape);
        items++;
        p += len + (p[len] != '\0');
    }
    if (items == 0)
        return bad_setting(o, "differences", "--differences", list, err, "%s", shape);
    t->differences = list;
    ts_strbuf where = TS_STRBUF_INIT;
    unsigned long line = o->m ? ts_manifest_line(o->m, o->section, "differences") : 0;
    int bad = o->m ? line ? ts_strbuf_printf(&where, "%s:%lu: [%s] differences = %s", ts_manifest_path(o->m), line,
                                              o->section, list)
                          : ts_strbuf_printf(&where, "%s: [%s] differences = %s", ts_manifest_path(o->m), o->section, list)
                   : ts_strbuf_printf(&where, "--differences %s", list);
    t->diff_where = where.data;
    return bad != 0 || !t->diff_where ? tab_nomem(err) : TS_OK;
}

/* "0.25, 0.5, 0.75" into T's probabilities: numbers in [0, 1], at most TAB_MAX_QUANTILES. */
static ts_status parse_probs(const origin *o, table_spec *t, const char *list, ts_err *err)
{
    t->nprobs = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",;");
        const char *s = p;
        size_t sl = len;
        ts_trim(&s, &sl);
        double x;
        if (sl == 0 || ts_parse_double(s, sl, &x) != 0 || !(x >= 0 && x <= 1))
            return bad_setting(o, "quantiles", "--quantiles", list, err,
                               "expected probabilities from 0 to 1, comma-separated (0.25, 0.5, 0.75)");
        if (t->nprobs == TAB_MAX_QUANTILES)
            return bad_setting(o, "quantiles", "--quantiles", list, err, "at most %d quantiles", TAB_MAX_QUANTILES);
        for (size_t k = 0; k < t->nprobs; k++)
            if (t->probs[k] == x) /* two rows with one code */
                return bad_setting(o, "quantiles", "--quantiles", list, err, "%.15g is given twice", x);
        t->probs[t->nprobs++] = x;
        p += len + (p[len] != '\0');
    }
    if (t->nprobs == 0)
        return bad_setting(o, "quantiles", "--quantiles", list, err,
                           "expected probabilities from 0 to 1, comma-separated (0.25, 0.5, 0.75)");
    return TS_OK;
}

/* statistic = quantile or ratio: their keys, and the variables they need. */
static ts_status parse_more(run *r, const origin *o, table_spec *t, const char *stat, const more_keys *mk,
                            ts_err *err)
{
    int numeric = t->var->type == TS_VAR_NUMERIC || t->var->type == TS_VAR_INTEGER;
    const char *only = NULL, *key = NULL, *option = NULL, *value = NULL;
    if (t->stat != TAB_QUANTILE && mk->quantiles)
        only = "quantile", key = "quantiles", option = "--quantiles", value = mk->quantiles;
    else if (t->stat != TAB_QUANTILE && mk->qrule)
        only = "quantile", key = "qrule", option = "--qrule", value = mk->qrule;
    else if (t->stat != TAB_QUANTILE && mk->quantile_ci)
        only = "quantile", key = "quantile_ci", option = "--quantile-ci", value = mk->quantile_ci;
    else if (t->stat != TAB_RATIO && mk->denominator)
        only = "ratio", key = "denominator", option = "--denominator", value = mk->denominator;
    if (only)
        return bad_setting(o, key, option, value, err, "only for %s %s", o->m ? "statistic =" : "--stat", only);
    if (t->stat == TAB_ESTIMATE)
        return TS_OK;
    if (!numeric)
        return bad_setting(o, "statistic", "--stat", stat, err, "%s (%s) is %s: a %s needs numbers (an integer or numeric variable)",
                           t->var->name, t->var->label, type_name(t->var->type), stat);
    t->kind = TS_STAT_MEAN;
    if (t->stat == TAB_QUANTILE) {
        const char *q = mk->quantiles ? mk->quantiles : ts_schema_default("table.", "quantiles");
        const char *rule = mk->qrule ? mk->qrule : ts_schema_default("table.", "qrule");
        const char *qci = mk->quantile_ci ? mk->quantile_ci : ts_schema_default("table.", "quantile_ci");
        if (parse_probs(o, t, q, err) != TS_OK)
            return err->status;
        if (ts_qrule_parse(rule, &t->qrule) != 0)
            return bad_setting(o, "qrule", "--qrule", rule, err,
                               "expected math, school, shahvaish or hf1 ... hf9 (R's svyquantile qrule)");
        if (ts_quantile_ci_parse(qci, &t->qci) != 0)
            return bad_setting(o, "quantile_ci", "--quantile-ci", qci, err,
                               "expected mean (Woodruff, the default) or beta (R's interval.type)");
        return TS_OK;
    }
    if (!mk->denominator || !*mk->denominator) {
        if (o->m)
            return ts_err_set(err, TS_E_DATA, "%s: [%s]: statistic = ratio needs denominator = VARIABLE",
                              ts_manifest_path(o->m), o->section);
        return ts_err_set(err, TS_E_USAGE, "--stat ratio needs --denominator VAR");
    }
    if (!(t->den = find_var(r, o, "denominator", "--denominator", mk->denominator, mk->denominator, err)))
        return err->status;
    if (t->den->type != TS_VAR_NUMERIC && t->den->type != TS_VAR_INTEGER)
        return bad_setting(o, "denominator", "--denominator", mk->denominator, err,
                           "%s (%s) is %s: a ratio's denominator must be a number (an integer or numeric variable)",
                           t->den->name, t->den->label, type_name(t->den->type));
    return TS_OK;
}

static ts_status parse_spec(run *r, const origin *o, table_spec *t, const char *id, const char *var, const char *by,
                            const char *stat, const char *ci, double level, const char *level_text, int weighted,
                            const more_keys *mk, ts_err *err)
{
    memset(t, 0, sizeof *t);
    t->id = ts_strdup(id);
    t->level = level;
    t->weighted = weighted;
    t->test = 1;
    if (!t->id)
        return tab_nomem(err);
    if (!var || !*var) {
        if (o->m)
            return ts_err_set(err, TS_E_DATA, "%s: [%s]: no var = VARIABLE: name the variable to tabulate",
                              ts_manifest_path(o->m), o->section);
        return ts_err_set(err, TS_E_USAGE, "--var: expected a variable name");
    }
    if (!(t->var = find_var(r, o, "var", "--var", var, var, err)))
        return err->status;
    ts_strbuf where = TS_STRBUF_INIT;
    unsigned long vline = o->m ? ts_manifest_line(o->m, o->section, "var") : 0;
    int bad = o->m ? vline ? ts_strbuf_printf(&where, "%s:%lu: [%s] var = %s", ts_manifest_path(o->m), vline, o->section, var)
                           : ts_strbuf_printf(&where, "%s: [%s] var = %s", ts_manifest_path(o->m), o->section, var)
                   : ts_strbuf_printf(&where, "--var %s", var);
    t->where = where.data;
    if (bad != 0 || !t->where)
        return tab_nomem(err);
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
            return tab_nomem(err);
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
    if (stat && (strcmp(stat, "quantile") == 0 || strcmp(stat, "ratio") == 0))
        t->stat = strcmp(stat, "quantile") == 0 ? TAB_QUANTILE : TAB_RATIO;
    if (parse_more(r, o, t, stat, mk, err) != TS_OK)
        return err->status;
    if (t->stat != TAB_ESTIMATE)
        ;
    else if (stat && *stat) {
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
            return bad_setting(o, "statistic", "--stat", stat, err,
                               "expected share (coded variables), mean (numbers), total, quantile or ratio");
    }
    t->ci = TS_CI_T; /* a share's default interval: [table.NAME] ci's default (lib/schema.c) */
    if (!numeric && t->kind == TS_STAT_SHARE)
        (void)ts_ci_method_parse(ts_schema_default("table.", "ci"), &t->ci);
    if (ci && *ci && ts_ci_method_parse(ci, &t->ci) != 0)
        return bad_setting(o, "ci", "--ci", ci, err, "expected logit, beta, wald, xlogit, wilson or none");
    if (!(level > 0 && level < 1))
        return bad_setting(o, "level", "--level", level_text, err, "expected a value between 0 and 1, e.g. 0.95");
    if (mk->differences && *mk->differences && parse_differences(o, t, mk->differences, err) != TS_OK)
        return err->status;
    return parse_previous(o, t, mk, err);
}

/* A census's estimates have no sampling error: no SE, interval, df or design effect (the
 * variance formulas would give those of a sample drawn with replacement from the census). */
static void census_exact(table_result *res)
{
    for (size_t j = 0; j < res->ndom + res->ndiff; j++) {
        ts_estimate *e = j < res->ndom ? res->dom[j].e : res->diff[j - res->ndom].e;
        size_t k = j < res->ndom ? res->dom[j].k : res->dom[0].k;
        for (size_t c = 0; c < k; c++)
            e[c].se = e[c].lo = e[c].hi = e[c].df = e[c].deff = NAN;
        if (j >= res->ndom)
            for (size_t c = 0; c < k; c++)
                res->diff[j - res->ndom].p[c] = NAN;
    }
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
        return tab_nomem(err);
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
                        !(w && strcmp(w, "no") == 0),
                        &(more_keys){ts_manifest_get(m, sec, "quantiles"), ts_manifest_get(m, sec, "qrule"),
                                     ts_manifest_get(m, sec, "quantile_ci"), ts_manifest_get(m, sec, "denominator"),
                                     ts_manifest_get(m, sec, "differences"), ts_manifest_get(m, sec, "previous"),
                                     ts_manifest_get(m, sec, "previous_table"), ts_manifest_get(m, sec, "previous_label")},
                        err);
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
    table_result *results = NULL;
    size_t nspecs = 0;
    ts_atomicfile *out = NULL, *txt = NULL;
    ts_status st = TS_OK;
    if (opt->manifest && !(m = ts_manifest_read(opt->manifest, err)))
        return err->status;
    if (m && (st = check_keys(m, err)) != TS_OK)
        goto done;
    /* only the columns the tables and the design read (load.c) */
    if (!(r.ds = tab_load(opt, m, err))) {
        st = err->status;
        goto done;
    }
    /* [report] language and labels (--lang, --labels): the labels tables.csv and tables.txt
     * carry, and their fixed texts (lib/i18n) */
    const char *labels = NULL;
    if ((st = ts_i18n_setup(m, opt->lang, opt->labels, &labels, err)) != TS_OK)
        goto done;
    if (ts_dataset_use_labels(r.ds, labels) != 0) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    /* The design that made the weights, as tsunagari-weight recorded it (lib/design.c);
     * --lonely-psu overrides the recorded rule. */
    ts_design design;
    st = ts_design_read(r.ds, &design, err);
    if (st == TS_OK && opt->lonely >= 0)
        design.lonely_psu = (ts_lonely_psu)opt->lonely;
    r.census = st == TS_OK && design.type == TS_DESIGN_CENSUS;
    /* --rake-residuals overrides the recorded residuals; exact means something only after
     * raking (every other calibration's residuals are exact already), as tsunagari-weight says */
    if (st == TS_OK && opt->rake_residuals == TS_RAKE_RESIDUALS_EXACT && design.calibration != TS_CAL_RAKE)
        st = ts_err_set(err, TS_E_DATA, "--rake-residuals exact: the weights were not raked (calibration: %s); "
                        "exact residuals are for [weighting] method = rake only", ts_calibration_name(design.calibration));
    else if (st == TS_OK && opt->rake_residuals >= 0)
        design.rake_residuals = (ts_rake_residuals)opt->rake_residuals;
    if (st == TS_OK && (!(r.d = ts_sample_new(r.ds, &design, err)) ||
                        (tab_wants_unweighted(opt, m) && !(r.unweighted = ts_sample_unweighted(r.ds, &design, err)))))
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
            st = tab_nomem(err);
            goto done;
        }
        nspecs = 1;
        origin o = {NULL, NULL, opt->input};
        st = parse_spec(&r, &o, &specs[0], "adhoc", opt->var, opt->by, opt->stat, opt->ci, opt->level, NULL, 1,
                        &(more_keys){opt->quantiles, opt->qrule, opt->quantile_ci, opt->denominator, opt->differences,
                                     opt->previous, opt->previous_table, opt->previous_label},
                        err);
    } else if (m) {
        st = manifest_tables(&r, m, &specs, &nspecs, err);
    }
    if (st != TS_OK)
        goto done;
    if (nspecs == 0) {
        st = ts_err_set(err, TS_E_USAGE, "no tables: give --var (and --by), or a manifest with [table.NAME] sections");
        goto done;
    }
    /* A census counted every unit: its shares, means and totals are exact, so no table gets an
     * interval or a test (docs/tables-format.md: the columns are left empty). */
    for (size_t k = 0; r.census && k < nspecs; k++) {
        specs[k].ci = TS_CI_NONE;
        specs[k].test = 0;
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
        /* a census's weights are all 1 and its estimates exact: say that, not "weighted" */
        const char *what = r.census ? "a census: every unit counted once, so the estimates are exact (no standard "
                                      "errors, intervals or tests)"
                                    : r.d->summary;
        if (r.min_cell > 1)
            fprintf(r.text, "tsunagari-tab: %s — %s; cells with fewer than %ld respondents are suppressed (*), "
                    "and the cells that would give them away\n", opt->input, what, r.min_cell);
        else
            fprintf(r.text, "tsunagari-tab: %s — %s; no cell is suppressed (min_cell %ld)\n", opt->input, what,
                    r.min_cell);
    }
    if (opt->bom)
        ts_csv_put_bom(r.csv);
    fputs("table,by,by_codes,by_labels,variable,code,label,statistic,n,n_category,weighted_n,estimate,se,ci_low,ci_high,"
          "ci_method,ci_level,df,df2,deff,cv,p_value,suppressed,missing_n,skipped_n,suppression\n",
          r.csv);
    /* every table first: whether a cell can be published depends on the others */
    if (!(results = calloc(nspecs, sizeof *results)) || !(r.sdc = ts_suppress_new())) {
        st = tab_nomem(err);
        goto done;
    }
    /* the respondents counted 1 serve only tables with weighted = no: without one, their sample
     * (a weight, stratum and PSU per row) is memory the estimates can use */
    size_t counted = 0;
    for (size_t k = 0; k < nspecs; k++)
        counted += !specs[k].weighted;
    if (counted == 0) {
        ts_sample_free(r.unweighted);
        r.unweighted = NULL;
    }
    st = tab_decode_by(&r, specs, nspecs) == 0 ? TS_OK : tab_nomem(err);
    if (st == TS_OK)
        st = compute_tables(&r, specs, results, nspecs, opt->jobs ? opt->jobs : tab_default_jobs(), err);
    tab_decode_by_free(&r);
    for (size_t k = 0; r.census && k < nspecs && st == TS_OK; k++)
        census_exact(&results[k]);
    if (st == TS_OK)
        st = disclose(&r, specs, results, nspecs, err);
    if (st != TS_OK)
        goto done;
    for (size_t k = 0; k < nspecs; k++)
        write_table(&r, &specs[k], &results[k]);
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
    for (size_t k = 0; k < nspecs; k++) {
        free(specs[k].id);
        free(specs[k].where);
        free(specs[k].diff_where);
        free(specs[k].previous);
        free(specs[k].prev_where);
        if (results)
            table_result_free(&results[k]);
    }
    free(specs);
    free(results);
    ts_suppress_free(r.sdc);
    ts_sample_free(r.d);
    ts_sample_free(r.unweighted);
    ts_dataset_free(r.ds);
    ts_manifest_free(m);
    return st;
}
