/* previous.c — 「前回調査との差」: each estimate of a table minus the same estimate of an earlier
 * survey or wave ([table.NAME] previous = ../2021/tables.csv), read from that survey's
 * tables.csv (docs/tables-format.md). The two samples are independent, so the variance of the
 * difference is the sum of the two variances, se = sqrt(se₁² + se₂²); its interval and test
 * use t on the Welch–Satterthwaite df of the two designs' df (Satterthwaite 1946):
 * ν = (se₁² + se₂²)² / (se₁⁴/ν₁ + se₂⁴/ν₂) — each estimate's own interval is t on its
 * design df, and a small cluster sample's few df must not be taken for a normal quantile;
 * with both df large it is the normal test (docs/estimation.md). */
#include "tabctx.h"
#include "rdist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvtable.h"
#include "csvwrite.h"
#include "numparse.h"
#include "strbuf.h"

static const char *const NEEDED[] = {"table", "by", "by_codes", "variable", "code", "statistic", "estimate", "se", "df",
                                     "suppressed"};

/* The number in S ("": NAN). */
static double number(const char *s)
{
    double x;
    return *s && ts_parse_double(s, strlen(s), &x) == 0 ? x : NAN;
}

/* A row's text cell as the stage wrote it, without the quote tsunagari-tab puts before a
 * label a spreadsheet would run as a formula (lib/csvwrite). */
static const char *cell(const ts_csvtable *p, size_t row, const char *col)
{
    const char *s = ts_csvtable_get(p, row, col);
    return s + ts_csv_quote_prefix(s, strlen(s));
}

/* The code of estimate C of domain DOM as its row writes it. */
static void code_text(const table_spec *t, const ts_estimate *e, size_t c, char *out, size_t len)
{
    if (t->stat == TAB_QUANTILE)
        snprintf(out, len, "%.15g", t->probs[c]);
    else if (e->has_code && t->stat == TAB_ESTIMATE)
        snprintf(out, len, "%d", e->code);
    else
        out[0] = '\0';
}

/* Checks that the previous file holds T's table, of the same variable, domains and statistic. */
static ts_status check_previous(const table_spec *t, const ts_csvtable *p, const char *stat, ts_err *err)
{
    for (size_t k = 0; k < sizeof NEEDED / sizeof *NEEDED; k++)
        if (ts_csvtable_col(p, NEEDED[k]) < 0)
            return ts_err_set(err, TS_E_DATA, "%s: %s is not a tables.csv of tsunagari-tab (no column %s)",
                              t->prev_where, t->previous, NEEDED[k]);
    ts_strbuf by = TS_STRBUF_INIT, names = TS_STRBUF_INIT;
    for (size_t k = 0; k < t->nby; k++)
        ts_strbuf_printf(&by, "%s%s", k ? ";" : "", t->by[k]->name);
    const char *mine = by.data ? by.data : "";
    long first = -1, same_stat = -1;
    ts_status st = TS_OK;
    for (size_t r = 0; r < p->nrows; r++) {
        const char *tab = cell(p, r, "table");
        if (strcmp(tab, t->previous_table) != 0) {
            /* the tables it has, for the message: each once, in file order */
            size_t tl = strlen(tab);
            int seen = 0;
            for (const char *q = names.data; q && *q && !seen;) {
                size_t l = strcspn(q, ",");
                seen = l == tl && memcmp(q, tab, tl) == 0;
                q += l + (q[l] != '\0') + (q[l] == ',');
            }
            if (!seen)
                ts_strbuf_printf(&names, "%s%s", names.data && *names.data ? ", " : "", tab);
            continue;
        }
        if (first < 0)
            first = (long)r;
        if (same_stat < 0 && strcmp(ts_csvtable_get(p, r, "statistic"), stat) == 0)
            same_stat = (long)r;
    }
    if (first < 0)
        st = ts_err_set(err, TS_E_DATA, "%s: %s has no table %s (its tables: %s)%s", t->prev_where, t->previous,
                        t->previous_table, names.data ? names.data : "none",
                        strcmp(t->previous_table, t->id) == 0 ? "; name it with previous_table = NAME" : "");
    else if (strcmp(cell(p, (size_t)first, "variable"), t->var->name) != 0)
        st = ts_err_set(err, TS_E_DATA, "%s: %s's table %s is of %s, this table of %s (%s): not the same question",
                        t->prev_where, t->previous, t->previous_table, cell(p, (size_t)first, "variable"), t->var->name,
                        t->var->label);
    else if (strcmp(cell(p, (size_t)first, "by"), mine) != 0)
        st = ts_err_set(err, TS_E_DATA, "%s: %s's table %s is by %s, this table by %s: not the same domains",
                        t->prev_where, t->previous, t->previous_table,
                        *cell(p, (size_t)first, "by") ? cell(p, (size_t)first, "by") : "nothing (全体 only)",
                        *mine ? mine : "nothing (全体 only)");
    else if (same_stat < 0)
        st = ts_err_set(err, TS_E_DATA, "%s: %s's table %s has no %s rows (its statistic: %s)", t->prev_where,
                        t->previous, t->previous_table, stat, ts_csvtable_get(p, (size_t)first, "statistic"));
    ts_strbuf_free(&by);
    ts_strbuf_free(&names);
    return st;
}

ts_status previous_differences(const table_spec *t, table_result *res, ts_err *err)
{
    ts_csvtable_opts opt = {.keep_rows = 1};
    ts_csvtable *p = ts_csvtable_read(t->previous, TS_ENC_UTF8, &opt, err);
    if (!p) {
        ts_err_prefix(err, "%s", t->prev_where);
        return err->status;
    }
    ts_status st = !p->head ? ts_err_set(err, TS_E_DATA, "%s: %s is empty", t->prev_where, t->previous) : TS_OK;
    int numeric = t->var->type == TS_VAR_NUMERIC || t->var->type == TS_VAR_INTEGER;
    const char *stat = tab_statistic_name(t, numeric);
    if (st == TS_OK)
        st = check_previous(t, p, stat, err);
    diff_result *grown = st == TS_OK ? realloc(res->diff, (res->ndiff + res->ndom) * sizeof *grown) : NULL;
    if (st == TS_OK && !grown)
        st = tab_nomem(err);
    if (grown)
        res->diff = grown;
    for (size_t j = 0; j < res->ndom && st == TS_OK; j++) {
        const domain_result *dom = &res->dom[j];
        diff_result *df = &res->diff[res->ndiff++];
        memset(df, 0, sizeof *df);
        df->a = df->b = j;
        df->previous = 1;
        ts_strbuf codes = TS_STRBUF_INIT, labels = TS_STRBUF_INIT;
        int rc = ts_strbuf_printf(&codes, "%s - previous", j ? dom->codes : "all") |
                 ts_strbuf_printf(&labels, "%s - %s", dom->labels, t->previous_label);
        df->codes = codes.data;
        df->labels = labels.data;
        df->e = calloc(dom->k ? dom->k : 1, sizeof *df->e);
        df->p = calloc(dom->k ? dom->k : 1, sizeof *df->p);
        df->prev = calloc(dom->k ? dom->k : 1, 1);
        if (rc != 0 || !df->codes || !df->labels || !df->e || !df->p || !df->prev) {
            st = tab_nomem(err);
            break;
        }
        for (size_t c = 0; c < dom->k; c++) {
            const ts_estimate *now = &dom->e[c];
            ts_estimate *e = &df->e[c];
            *e = (ts_estimate){now->code, now->has_code, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
            df->p[c] = NAN;
            char code[48];
            code_text(t, now, c, code, sizeof code);
            long row = -1;
            for (size_t q = 0; q < p->nrows && row < 0; q++)
                if (strcmp(cell(p, q, "table"), t->previous_table) == 0 &&
                    strcmp(cell(p, q, "by_codes"), dom->codes) == 0 && strcmp(cell(p, q, "code"), code) == 0 &&
                    strcmp(ts_csvtable_get(p, q, "statistic"), stat) == 0)
                    row = (long)q;
            if (row < 0)
                continue; /* a domain or category the previous survey did not have: no row */
            double e2 = number(ts_csvtable_get(p, (size_t)row, "estimate")), s2 = number(ts_csvtable_get(p, (size_t)row, "se"));
            double v2 = number(ts_csvtable_get(p, (size_t)row, "df"));
            int withheld = strcmp(ts_csvtable_get(p, (size_t)row, "suppressed"), "yes") == 0;
            df->prev[c] = withheld ? 2 : 1;
            if (withheld || isnan(e2) || isnan(now->estimate))
                continue;
            e->estimate = now->estimate - e2;
            if (isnan(now->se) || isnan(s2))
                continue;
            double a = now->se * now->se, b = s2 * s2;
            double den = (now->df > 0 && isfinite(now->df) ? a * a / now->df : 0) + (v2 > 0 && isfinite(v2) ? b * b / v2 : 0);
            double nu = den > 0 ? (a + b) * (a + b) / den : INFINITY;
            e->se = sqrt(a + b);
            e->df = nu;
            double tq = ts_rdist_qt(1 - (1 - t->level) / 2, nu);
            if (t->ci != TS_CI_NONE) {
                e->lo = e->estimate - tq * e->se;
                e->hi = e->estimate + tq * e->se;
            }
            if (e->se > 0) {
                double z = fabs(e->estimate) / e->se;
                df->p[c] = 2 * ts_rdist_pt_upper(z, nu);
            }
        }
    }
    ts_csvtable_free(p);
    return st;
}
