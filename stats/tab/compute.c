/* compute.c — tsunagari-tab's estimates: for one table, the whole population and every domain
 * of its by variables (lib/estimate), and its Rao–Scott test; kept for disclose.c and
 * write.c. */
#include "tabctx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "i18n.h"
#include "numparse.h"
#include "ratio.h"
#include "strbuf.h"

ts_status tab_nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

const ts_sample *table_sample(const run *r, const table_spec *t) { return t->weighted ? r->d : r->unweighted; }

int in_domain(const ts_var *a, int32_t ca, const ts_var *b, int32_t cb, size_t i)
{
    return !ts_var_is_missing(a, i) && ts_var_int(a, i) == ca &&
           (!b || (!ts_var_is_missing(b, i) && ts_var_int(b, i) == cb));
}

void table_result_free(table_result *res)
{
    for (size_t j = 0; j < res->ndom; j++) {
        free(res->dom[j].codes);
        free(res->dom[j].labels);
        free(res->dom[j].e);
        free(res->dom[j].cell);
    }
    for (size_t j = 0; j < res->ndiff; j++) {
        free(res->diff[j].codes);
        free(res->diff[j].labels);
        free(res->diff[j].e);
        free(res->diff[j].p);
        free(res->diff[j].prev);
    }
    free(res->diff);
    free(res->dom);
    free(res->cats);
    memset(res, 0, sizeof *res);
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

/* A domain appended to RES (owned by it from here, also on error), its estimates still to come;
 * NULL when memory runs out. */
static domain_result *add_domain(const table_spec *t, table_result *res, const char *codes, const char *labels,
                                 int32_t ca, int32_t cb, ts_err *err)
{
    size_t cap = res->capdom;
    domain_result *grown = ts_grow(res->dom, &cap, res->ndom + 1, sizeof *grown, 16);
    if (!grown) {
        tab_nomem(err);
        return NULL;
    }
    res->dom = grown;
    res->capdom = cap;
    domain_result *dom = &res->dom[res->ndom];
    memset(dom, 0, sizeof *dom);
    dom->ncell = -1;
    dom->by_code[0] = ca;
    dom->by_code[1] = cb;
    dom->k = t->stat == TAB_QUANTILE ? t->nprobs
             : t->var->type == TS_VAR_NUMERIC || t->var->type == TS_VAR_INTEGER ? 1 : res->ncat;
    dom->e = calloc(dom->k ? dom->k : 1, sizeof *dom->e);
    dom->cell = malloc((dom->k ? dom->k : 1) * sizeof *dom->cell);
    dom->codes = ts_strdup(codes);
    dom->labels = ts_strdup(labels);
    res->ndom++;
    if (!dom->e || !dom->cell || !dom->codes || !dom->labels) {
        tab_nomem(err);
        return NULL;
    }
    for (size_t c = 0; c < dom->k; c++)
        dom->cell[c] = -1;
    return dom;
}

/* One domain's estimates (rows where IN is nonzero) appended to RES. */
static ts_status one_domain(const run *r, const table_spec *t, table_result *res, const unsigned char *in,
                            const char *codes, const char *labels, int32_t ca, int32_t cb, ts_err *err)
{
    const ts_sample *d = table_sample(r, t);
    domain_result *dom = add_domain(t, res, codes, labels, ca, cb, err);
    if (!dom)
        return TS_E_NOMEM;
    ts_status st = t->stat == TAB_QUANTILE
                       ? ts_quantile_domain(d, t->var, in, t->probs, t->nprobs, t->qrule, t->qci, t->level, dom->e,
                                            &dom->missing, err)
                   : t->stat == TAB_RATIO
                       ? ts_ratio_domain(d, t->var, t->den, in, t->level, t->ci != TS_CI_NONE, dom->e, &dom->missing, err)
                       : ts_estimate_domain(d, t->var, t->kind, res->cats, res->ncat, in, t->ci, t->level, dom->e,
                                            &dom->missing, err);
    /* 非該当 (not asked: skip logic) is part of the missing count but is no nonresponse:
     * said apart, so that a reader does not take a filter question's skips for refusals. */
    for (size_t i = 0; i < d->n && dom->missing > 0; i++)
        dom->skipped += in[i] && d->w[i] > 0 && ts_var_is_skipped(t->var, i);
    return st;
}

/* Every domain of T's by variables with someone in it, in code order. */
static ts_status domains(const run *r, const table_spec *t, table_result *res, unsigned char *in, ts_err *err)
{
    const ts_sample *d = table_sample(r, t);
    const ts_var *a = t->by[0], *b = t->nby > 1 ? t->by[1] : NULL;
    ts_status st = TS_OK;
    for (size_t i = 0; i < a->ncodes && st == TS_OK; i++)
        for (size_t j = 0; j < (b ? b->ncodes : 1) && st == TS_OK; j++) {
            int32_t ca = a->codes[i].code, cb = b ? b->codes[j].code : 0;
            if (a->codes[i].missing || (b && b->codes[j].missing))
                continue;
            size_t count = 0;
            for (size_t row = 0; row < d->n; row++) {
                in[row] = (unsigned char)in_domain(a, ca, b, cb, row);
                count += in[row] && d->w[row] > 0;
            }
            if (count == 0)
                continue;
            /* labels are user text of any length: no fixed buffer (a long label was cut) */
            ts_strbuf codes = TS_STRBUF_INIT, labels = TS_STRBUF_INIT;
            int rc = b ? ts_strbuf_printf(&codes, "%d;%d", ca, cb) |
                             ts_strbuf_printf(&labels, "%s;%s", a->codes[i].label, b->codes[j].label)
                       : ts_strbuf_printf(&codes, "%d", ca) | ts_strbuf_printf(&labels, "%s", a->codes[i].label);
            st = rc != 0 ? tab_nomem(err) : one_domain(r, t, res, in, codes.data, labels.data, ca, cb, err);
            ts_strbuf_free(&codes);
            ts_strbuf_free(&labels);
        }
    return st;
}

/* A domain's codes and labels as its rows show them: "3" / "70歳以上", "3;1" / "70歳以上;男性". */
static int domain_names(const ts_var *a, size_t i, const ts_var *b, size_t j, ts_strbuf *codes, ts_strbuf *labels)
{
    /* labels are user text of any length: no fixed buffer (a long label was cut) */
    return b ? ts_strbuf_printf(codes, "%d;%d", a->codes[i].code, b->codes[j].code) |
                   ts_strbuf_printf(labels, "%s;%s", a->codes[i].label, b->codes[j].label)
             : ts_strbuf_printf(codes, "%d", a->codes[i].code) | ts_strbuf_printf(labels, "%s", a->codes[i].label);
}

/* Row I's code index of the by variable V, -1 when missing (or a value without a code). */
static long code_index(const ts_var *v, size_t i)
{
    return ts_var_is_missing(v, i) ? -1 : ts_var_code_index(v, ts_var_int(v, i));
}

/* V's code index of every row (code_index), decoded once per run for the by variables
 * (tab_decode_by); NULL when not decoded. */
static const int32_t *by_codes(const run *r, const ts_var *v)
{
    for (size_t j = 0; j < r->nbycodes; j++)
        if (r->bycodes[j].v == v)
            return r->bycodes[j].x;
    return NULL;
}

int tab_decode_by(run *r, const table_spec *specs, size_t n)
{
    for (size_t k = 0; k < n; k++)
        for (size_t b = 0; b < specs[k].nby; b++) {
            const ts_var *v = specs[k].by[b];
            if (by_codes(r, v) || r->nbycodes == TAB_MAX_BYCODES)
                continue;
            int32_t *x = malloc((r->ds->nrows ? r->ds->nrows : 1) * sizeof *x);
            if (!x)
                return -1;
            for (size_t i = 0; i < r->ds->nrows; i++)
                x[i] = (int32_t)code_index(v, i);
            r->bycodes[r->nbycodes].v = v;
            r->bycodes[r->nbycodes++].x = x;
        }
    return 0;
}

void tab_decode_by_free(run *r)
{
    for (size_t j = 0; j < r->nbycodes; j++)
        free(r->bycodes[j].x);
    r->nbycodes = 0;
}

/* Whether every domain of T can be estimated at once (ts_estimate_domains): its estimator and
 * design allow it, and no code of a by variable is listed twice (a row would be in two
 * domains). */
static int all_at_once(const run *r, const table_spec *t)
{
    if (t->stat != TAB_ESTIMATE || !ts_estimate_domains_apply(table_sample(r, t)))
        return 0;
    for (size_t v = 0; v < t->nby; v++)
        for (size_t i = 0; i < t->by[v]->ncodes; i++)
            for (size_t j = 0; j < i; j++)
                if (t->by[v]->codes[i].code == t->by[v]->codes[j].code)
                    return 0;
    return 1;
}

/* 全体 and every domain of T's by variables with someone in it, in code order, as
 * one_domain and domains() give them, estimated together (ts_estimate_domains). */
static ts_status domains_at_once(const run *r, const table_spec *t, table_result *res, ts_err *err)
{
    const ts_sample *d = table_sample(r, t);
    const ts_var *a = t->nby > 0 ? t->by[0] : NULL, *b = t->nby > 1 ? t->by[1] : NULL;
    size_t na = a ? a->ncodes : 0, nb = b ? b->ncodes : 1, n = d->n, ncell = na * nb;
    size_t *cell = malloc((n ? n : 1) * sizeof *cell), *dom_of = malloc((n ? n : 1) * sizeof *dom_of);
    size_t *count = calloc(ncell ? ncell : 1, sizeof *count), *map = malloc((ncell ? ncell : 1) * sizeof *map);
    ts_estimate **out = NULL;
    double *missing = NULL, *skipped = NULL;
    ts_status st = TS_OK;
    if (!cell || !dom_of || !count || !map) {
        st = tab_nomem(err);
        goto done;
    }
    /* each row's (a, b) code pair: in_domain's test, by code index */
    const int32_t *xa = a ? by_codes(r, a) : NULL, *xb = b ? by_codes(r, b) : NULL;
    for (size_t i = 0; i < n; i++) {
        cell[i] = SIZE_MAX;
        if (!a)
            continue;
        long ia = xa ? xa[i] : code_index(a, i), ib = !b ? 0 : xb ? xb[i] : code_index(b, i);
        if (ia < 0 || ib < 0)
            continue;
        cell[i] = (size_t)ia * nb + (size_t)ib;
        count[cell[i]] += d->w[i] > 0;
    }
    if (!add_domain(t, res, "", TR("全体"), 0, 0, err)) { /* All in English (lib/i18n) */
        st = TS_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < na && st == TS_OK; i++)
        for (size_t j = 0; j < nb && st == TS_OK; j++) {
            size_t c = i * nb + j;
            map[c] = SIZE_MAX;
            if (a->codes[i].missing || (b && b->codes[j].missing) || count[c] == 0)
                continue;
            ts_strbuf codes = TS_STRBUF_INIT, labels = TS_STRBUF_INIT;
            if (domain_names(a, i, b, j, &codes, &labels) != 0 ||
                !add_domain(t, res, codes.data, labels.data, a->codes[i].code, b ? b->codes[j].code : 0, err))
                st = tab_nomem(err);
            map[c] = res->ndom - 2;
            ts_strbuf_free(&codes);
            ts_strbuf_free(&labels);
        }
    if (st != TS_OK)
        goto done;
    out = malloc(res->ndom * sizeof *out);
    missing = calloc(res->ndom, sizeof *missing);
    skipped = calloc(res->ndom, sizeof *skipped);
    if (!out || !missing || !skipped) {
        st = tab_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        dom_of[i] = cell[i] == SIZE_MAX ? SIZE_MAX : map[cell[i]];
    for (size_t j = 0; j < res->ndom; j++)
        out[j] = res->dom[j].e;
    /* 非該当 (not asked: skip logic) said apart from the nonresponse, as one_domain does */
    st = ts_estimate_domains(d, t->var, t->kind, res->cats, res->ncat, dom_of, res->ndom - 1, t->ci, t->level, out,
                             missing, skipped, err);
    for (size_t j = 0; j < res->ndom; j++) {
        res->dom[j].missing = missing[j];
        res->dom[j].skipped = missing[j] > 0 ? skipped[j] : 0;
    }
done:
    free(cell);
    free(dom_of);
    free(count);
    free(map);
    free(out);
    free(missing);
    free(skipped);
    return st;
}

/* The domain of RES a side of a difference names (S, LEN: trimmed text): 全体 or all, else a
 * domain's labels or codes as its rows show them ("20～29歳", "2"; two by variables
 * "70歳以上;男性", "7;1"). SIZE_MAX: none. */
static size_t find_domain(const table_result *res, const char *s, size_t len)
{
    if ((len == strlen("全体") && memcmp(s, "全体", len) == 0) || (len == 3 && memcmp(s, "all", 3) == 0) ||
        (len == strlen(TR("全体")) && memcmp(s, TR("全体"), len) == 0))
        return 0;
    for (size_t j = 1; j < res->ndom; j++)
        if ((strlen(res->dom[j].labels) == len && memcmp(res->dom[j].labels, s, len) == 0) ||
            (strlen(res->dom[j].codes) == len && memcmp(res->dom[j].codes, s, len) == 0))
            return j;
    return SIZE_MAX;
}

/* The rows of domain J of T (NULL for 全体: every row) into IN. */
static const unsigned char *domain_rows(const table_spec *t, const table_result *res, size_t j, unsigned char *in,
                                        size_t n)
{
    if (j == 0)
        return NULL;
    const ts_var *b = t->nby > 1 ? t->by[1] : NULL;
    for (size_t i = 0; i < n; i++)
        in[i] = (unsigned char)in_domain(t->by[0], res->dom[j].by_code[0], b, res->dom[j].by_code[1], i);
    return in;
}

/* Every difference T names ("A - B, C - D"; tab.c checked the shape), each side a domain of
 * RES, estimated with both domains' covariance (lib/estimate). */
static ts_status differences(const run *r, const table_spec *t, table_result *res, ts_err *err)
{
    const ts_sample *d = table_sample(r, t);
    size_t items = 1;
    for (const char *p = t->differences; *p; p++)
        items += *p == ',';
    if (!(res->diff = calloc(items, sizeof *res->diff)))
        return tab_nomem(err);
    unsigned char *ina = malloc(d->n ? d->n : 1), *inb = malloc(d->n ? d->n : 1);
    ts_status st = ina && inb ? TS_OK : tab_nomem(err);
    for (const char *p = t->differences; *p && st == TS_OK;) {
        size_t len = strcspn(p, ",");
        const char *item = p, *minus = NULL;
        for (const char *q = p; q + 3 <= p + len && !minus; q++)
            if (memcmp(q, " - ", 3) == 0)
                minus = q;
        p += len + (p[len] != '\0');
        if (!minus)
            continue; /* tab.c refused it */
        size_t side[2];
        const char *s[2] = {item, minus + 3};
        size_t sl[2] = {(size_t)(minus - item), (size_t)(item + len - (minus + 3))};
        for (int k = 0; k < 2 && st == TS_OK; k++) {
            ts_trim(&s[k], &sl[k]);
            if ((side[k] = find_domain(res, s[k], sl[k])) == SIZE_MAX) {
                ts_strbuf known = TS_STRBUF_INIT;
                for (size_t j = 0; j < res->ndom; j++)
                    ts_strbuf_printf(&known, "%s%s", j ? ", " : "", res->dom[j].labels);
                st = ts_err_set(err, TS_E_DATA,
                                "%s: no domain \"%.*s\" in this table (a domain with respondents, by its label or code: %s)",
                                t->diff_where, (int)sl[k], s[k], known.data ? known.data : "");
                ts_strbuf_free(&known);
            }
        }
        if (st != TS_OK)
            break;
        if (side[0] == side[1]) {
            st = ts_err_set(err, TS_E_DATA, "%s: %s - %s is a domain minus itself", t->diff_where,
                            res->dom[side[0]].labels, res->dom[side[1]].labels);
            break;
        }
        diff_result *df = &res->diff[res->ndiff++];
        size_t k = res->dom[0].k;
        df->a = side[0];
        df->b = side[1];
        ts_strbuf codes = TS_STRBUF_INIT, labels = TS_STRBUF_INIT;
        int rc = ts_strbuf_printf(&codes, "%s - %s", side[0] ? res->dom[side[0]].codes : "all",
                                  side[1] ? res->dom[side[1]].codes : "all") |
                 ts_strbuf_printf(&labels, "%s - %s", res->dom[side[0]].labels, res->dom[side[1]].labels);
        df->codes = codes.data;
        df->labels = labels.data;
        df->e = calloc(k ? k : 1, sizeof *df->e);
        df->p = calloc(k ? k : 1, sizeof *df->p);
        if (rc != 0 || !df->codes || !df->labels || !df->e || !df->p) {
            st = tab_nomem(err);
            break;
        }
        st = ts_estimate_difference(d, t->var, t->kind, res->cats, res->ncat, domain_rows(t, res, side[0], ina, d->n),
                                    domain_rows(t, res, side[1], inb, d->n), t->ci != TS_CI_NONE, t->level, df->e,
                                    df->p, err);
    }
    free(ina);
    free(inb);
    return st;
}

ts_status compute_table(run *r, const table_spec *t, table_result *res, ts_err *err)
{
    const ts_sample *d = table_sample(r, t);
    if ((t->var->type == TS_VAR_SINGLE || t->var->type == TS_VAR_MULTI) &&
        (res->ncat = categories(r, t, &res->cats)) == SIZE_MAX) {
        res->ncat = 0;
        return tab_nomem(err);
    }
    unsigned char *in = malloc(d->n ? d->n : 1);
    if (!in)
        return tab_nomem(err);
    /* the whole population first, then each domain in code order */
    memset(in, 1, d->n);
    int together = all_at_once(r, t);
    ts_status st = together ? domains_at_once(r, t, res, err)
                            : one_domain(r, t, res, in, "", TR("全体"), 0, 0, err); /* All in English (lib/i18n) */
    /* Nothing to estimate for everyone is an error (R stops too); a domain without one keeps
     * its row, without numbers. */
    const ts_estimate *all = st == TS_OK ? &res->dom[0].e[0] : NULL;
    if (all && t->stat == TAB_QUANTILE && all->n == 0)
        st = ts_err_set(err, TS_E_DATA, "%s: %s (%s): no respondent answered it (%.0f missing): no quantile to estimate",
                        t->where, t->var->name, t->var->label, res->dom[0].missing);
    else if (all && t->stat == TAB_RATIO && all->n == 0)
        st = ts_err_set(err, TS_E_DATA, "%s: no respondent answered both %s (%s) and %s (%s): no ratio to estimate",
                        t->where, t->var->name, t->var->label, t->den->name, t->den->label);
    else if (all && t->stat == TAB_RATIO && isnan(all->estimate))
        st = ts_err_set(err, TS_E_DATA, "%s: the denominator %s (%s) sums to 0 over the %.0f respondents: no ratio %s / %s",
                        t->where, t->den->name, t->den->label, all->n, t->var->name, t->den->name);
    if (t->nby > 0 && st == TS_OK && !together)
        st = domains(r, t, res, in, err);
    free(in);
    if (st == TS_OK && t->differences && *t->differences)
        st = differences(r, t, res, err);
    if (st == TS_OK && t->previous)
        st = previous_differences(t, res, err);
    if (st == TS_OK && t->test && t->nby == 1 && t->var->type == TS_VAR_SINGLE && t->by[0]->type == TS_VAR_SINGLE) {
        st = ts_estimate_rao_scott(d, t->var, t->by[0], &res->rs, err);
        res->has_test = st == TS_OK && !isnan(res->rs.f);
    }
    return st;
}
