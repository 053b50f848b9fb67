/* diagnostics.c — tsunagari-weight's report (docs/weighting.md, "Diagnostics report"): each
 * margin's cells before and after calibration, the weights' spread overall and per stratum
 * (Kish's deff, effective n), as text and as CSV rows; and the summary on stdout. The other
 * steps add their own lines to the same report as they go. */
#include "wctx.h"

#include <math.h>
#include <stdlib.h>

#include "csvwrite.h"
#include "margins.h"

/* One row of the CSV report: kind,group,level,respondents,target,before,after,value. */
void diagnostics_csv_row(wctx *c, const char *kind, const char *group, const char *level, double n, double target,
                         double before, double after, double value)
{
    const double v[5] = {n, target, before, after, value};
    ts_csv_mode mode = c->opt->raw_csv ? TS_CSV_RAW : TS_CSV_SAFE; /* a level is a codebook label */
    fprintf(c->csv, "%s,", kind);
    ts_csv_put_text_str(c->csv, group, mode);
    putc(',', c->csv);
    ts_csv_put_text_str(c->csv, level, mode);
    for (int k = 0; k < 5; k++) {
        putc(',', c->csv);
        if (!isnan(v[k]))
            fprintf(c->csv, "%.17g", v[k]);
    }
    putc('\n', c->csv);
}

/* Running sums over one group's weights, for the spread statistics. */
typedef struct wstats {
    double n, sum, sum2, min, max;
} wstats;

static void stats_add(wstats *s, double w)
{
    if (s->n == 0 || w < s->min)
        s->min = w;
    if (s->n == 0 || w > s->max)
        s->max = w;
    s->n++;
    s->sum += w;
    s->sum2 += w * w;
}

/* Kish: deff due to weighting = 1 + CV^2 = n Σw² / (Σw)²; effective n = (Σw)² / Σw². */
static void stats_print(wctx *c, const char *group, const wstats *s)
{
    if (s->n == 0)
        return;
    double mean = s->sum / s->n, var = s->sum2 / s->n - mean * mean;
    double cv = mean > 0 ? sqrt(var > 0 ? var : 0) / mean : 0;
    double deff = s->n * s->sum2 / (s->sum * s->sum);
    ts_strbuf_printf(&c->text, "  %-16s %7.0f %14.1f %10.4g %10.4g %8.2f %6.3f %6.3f %9.1f\n", group, s->n, s->sum,
                     s->min, s->max, s->min > 0 ? s->max / s->min : INFINITY, cv, deff, s->sum * s->sum / s->sum2);
    const char *names[] = {"n", "sum", "min", "max", "max_min_ratio", "cv", "deff_kish", "n_effective"};
    double vals[] = {s->n, s->sum, s->min, s->max, s->min > 0 ? s->max / s->min : INFINITY, cv, deff, s->sum * s->sum / s->sum2};
    for (int k = 0; k < 8; k++)
        diagnostics_csv_row(c, "weights", group, names[k], NAN, NAN, NAN, NAN, vals[k]);
}

/* Each margin's cells: respondents, population, weighted before calibration and final. */
static void margin_report(wctx *c)
{
    if (!c->before)
        return;
    for (size_t k = 0; k < c->nmargins; k++) {
        if (!c->margins[k].t)
            continue;
        margin_table *t = c->margins[k].t;
        ts_strbuf_printf(&c->text, "\nMargin %s (%s)\n  %-28s %8s %14s %14s %14s %10s\n", c->margins[k].name, t->file, "cell",
                         "n", "population", "before", "weighted", "rel.error");
        for (size_t cc = 0; cc < t->ncells; cc++) {
            double n = 0, b = 0, a = 0;
            for (size_t i = 0; i < c->n; i++)
                if (c->margins[k].cell[i] == cc) {
                    n++;
                    b += c->before[i];
                    a += c->w[i];
                }
            if (t->total[cc] == 0 && n == 0)
                continue; /* merged away by a collapse rule */
            char *name = margin_cell_name(t, cc);
            double rel = t->total[cc] > 0 ? (a - t->total[cc]) / t->total[cc] : 0;
            ts_strbuf_printf(&c->text, "  %-28s %8.0f %14.1f %14.1f %14.1f %10.2e\n", name ? name : "", n, t->total[cc], b,
                             a, rel);
            diagnostics_csv_row(c, "margin", c->margins[k].name, name ? name : "", n, t->total[cc], b, a, rel);
            free(name);
        }
    }
}

void diagnostics_report(wctx *c)
{
    margin_report(c);
    ts_strbuf_append_str(&c->text, "\nWeights (respondents with weight > 0)\n  group                  n            sum        min        max  max/min     cv   deff     n_eff\n");
    wstats all = {0};
    for (size_t i = 0; i < c->n; i++)
        if (c->in[i])
            stats_add(&all, c->w[i]);
    stats_print(c, "all", &all);
    if (c->strata)
        for (size_t k = 0; k < c->strata->ncodes; k++) {
            wstats s = {0};
            for (size_t i = 0; i < c->n; i++)
                if (c->in[i] && ts_var_int(c->strata, i) == c->strata->codes[k].code)
                    stats_add(&s, c->w[i]);
            stats_print(c, c->strata->codes[k].label, &s);
        }
    ts_strbuf_append_str(&c->text, "  deff = Kish's design effect due to unequal weights, 1 + CV²; n_eff = (Σw)²/Σw²\n");
}

void diagnostics_summary(const wctx *c, FILE *summary)
{
    const weight_options *opt = c->opt;
    wstats all = {0};
    for (size_t i = 0; i < c->n; i++)
        if (c->in[i])
            stats_add(&all, c->w[i]);
    fprintf(summary, "%s: %s: %s\n", PROG, opt->input, c->method.data ? c->method.data : "");
    fprintf(summary, "  %.0f respondents weighted (%lu dropped), weights sum to %.1f, min %.4g, max %.4g, Kish deff %.3f, effective n %.0f\n",
            all.n, c->dropped, all.sum, all.min, all.max, all.n * all.sum2 / (all.sum * all.sum), all.sum * all.sum / all.sum2);
    fprintf(summary, "  wrote %s%s%s%s%s\n", opt->output, opt->report ? " and " : "", opt->report ? opt->report : "",
            opt->report_csv ? " and " : "", opt->report_csv ? opt->report_csv : "");
}
