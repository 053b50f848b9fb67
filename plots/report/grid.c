/* grid.c — a table of tables.csv as domains × categories (grid.h). */
#include "grid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../frame.h"
#include "i18n.h"
#include "numformat.h"

void rp_grid_free(rp_grid *g)
{
    free(g->dom_label), free(g->dom_codes), free(g->dom_n);
    free(g->cat_label), free(g->cat_code), free(g->cell);
}

int rp_grid_build(rp_ctx *c, const rp_tab *t, rp_grid *g)
{
    const rp_csv *T = c->tables;
    size_t cap = t->count;
    memset(g, 0, sizeof *g);
    g->dom_label = calloc(cap, sizeof *g->dom_label);
    g->dom_codes = calloc(cap, sizeof *g->dom_codes);
    g->dom_n = calloc(cap, sizeof *g->dom_n);
    g->cat_label = calloc(cap, sizeof *g->cat_label);
    g->cat_code = calloc(cap, sizeof *g->cat_code);
    g->cell = calloc(cap * cap, sizeof *g->cell);
    g->stride = cap;
    if (!g->dom_label || !g->dom_codes || !g->dom_n || !g->cat_label || !g->cat_code || !g->cell)
        return -1;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        const char *stat = rp_csv_get(T, r, "statistic");
        if (strncmp(stat, "rao_scott", 9) == 0 || strcmp(stat, "difference") == 0) /* under the grid */
            continue;
        const char *dc = rp_csv_get(T, r, "by_codes"), *code = rp_csv_get(T, r, "code");
        size_t d, k;
        for (d = 0; d < g->ndom && strcmp(g->dom_codes[d], dc) != 0; d++)
            ;
        if (d == g->ndom) {
            g->dom_codes[d] = dc;
            g->dom_label[d] = rp_csv_get(T, r, "by_labels");
            const char *n = rp_csv_get(T, r, "n");
            g->dom_n[d] = *n ? atol(n) : -1; /* empty: the domain's n is withheld (＊) */
            g->ndom++;
        }
        for (k = 0; k < g->ncat && strcmp(g->cat_code[k], code) != 0; k++)
            ;
        if (k == g->ncat) {
            g->cat_code[k] = code;
            g->cat_label[k] = *code                          ? rp_csv_get(T, r, "label")
                              : strcmp(stat, "mean") == 0  ? TR("平均")
                              : strcmp(stat, "ratio") == 0 ? TR("比")
                                                           : TR("合計");
            g->ncat++;
        }
        rp_gcell *x = &g->cell[d * cap + k];
        x->present = 1;
        x->share = strcmp(stat, "share") == 0;
        x->suppressed = strcmp(rp_csv_get(T, r, "suppressed"), "yes") == 0;
        x->est = rp_csv_get(T, r, "estimate");
        x->lo = rp_csv_get(T, r, "ci_low");
        x->hi = rp_csv_get(T, r, "ci_high");
        x->ncat = rp_csv_get(T, r, "n_category");
    }
    return 0;
}

static double fnum(const char *s) { return s && *s ? strtod(s, NULL) : NAN; }

/* A share in percent with one decimal; a mean or total with DEC decimals and thousands
 * separators (20,313,812), never %.2f of a count. */
static void fmt_value(const rp_gcell *x, int dec, double v, char *buf, size_t len)
{
    if (!isfinite(v))
        snprintf(buf, len, "—");
    else if (x->share)
        snprintf(buf, len, "%.1f", 100 * v);
    else
        ts_numformat_grouped(v, dec, buf, len);
}

void rp_grid_cell_text(const rp_gcell *x, int dec, char val[64], char ci[140])
{
    char a[64], b[64];
    fmt_value(x, dec, fnum(x->est), val, 64);
    ci[0] = '\0';
    if (*x->lo && *x->hi) {
        fmt_value(x, dec, fnum(x->lo), a, sizeof a);
        fmt_value(x, dec, fnum(x->hi), b, sizeof b);
        snprintf(ci, 140, "[%s–%s]", a, b);
    }
}

void rp_grid_test_sentence(const rp_ctx *c, const rp_tab *t, const char *by, ts_strbuf *b)
{
    const rp_csv *T = c->tables;
    for (size_t r = t->first; r < t->first + t->count; r++) {
        if (strcmp(rp_csv_get(T, r, "statistic"), "rao_scott_f") != 0)
            continue;
        char d2[32];
        ts_frame_count(lround(fnum(rp_csv_get(T, r, "df2"))), d2);
        double p = fnum(rp_csv_get(T, r, "p_value"));
        char ps[32];
        if (p < 0.001)
            snprintf(ps, sizeof ps, "p < 0.001");
        else
            snprintf(ps, sizeof ps, "p = %.3f", p);
        ts_strbuf_printf(b, TR("%sとの関連（Rao–Scott 二次補正 F 検定）：F = %.2f（自由度 %.1f, %s）、%s。"),
                         by ? rp_varlabel(c, by) : TR("区分"), fnum(rp_csv_get(T, r, "estimate")),
                         fnum(rp_csv_get(T, r, "df")), d2, ps);
    }
}
