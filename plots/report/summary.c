/* summary.c — what tsunagari-report prints on standard error when the run is done: where the
 * outputs are and what to open first, whether the respondent-level files were kept, the
 * answers read, accepted and rejected (and the response rate when a frame gives the number
 * drawn), the weighting, the headline indicator and any warnings (docs/report.md, Progress). */
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "report.h"

static double num(const char *s) { return s && *s ? strtod(s, NULL) : 0; }

static void headline(rp_ctx *c, FILE *fp)
{
    /* The first indicator chart of the report: its codes added up in the whole population. */
    size_t ns = ts_manifest_section_count(c->m);
    for (size_t i = 0; i < ns; i++) {
        const char *sec = ts_manifest_section(c->m, i);
        if (strncmp(sec, "chart.", 6) != 0 || strcmp(rp_get(c, sec, "type", ""), "indicator") != 0)
            continue;
        rp_tab *t = rp_find_tab(c, rp_get(c, sec, "table", ""));
        char **codes = NULL;
        long k = ts_manifest_split_list(rp_get(c, sec, "codes", ""), &codes);
        if (!t || k <= 0)
            continue;
        double sum = 0;
        int ok = 0;
        for (size_t r = t->first; r < t->first + t->count; r++) {
            if (*rp_csv_get(c->tables, r, "by_codes") || strcmp(rp_csv_get(c->tables, r, "statistic"), "share") != 0)
                continue;
            for (long j = 0; j < k; j++)
                if (strcmp(rp_csv_get(c->tables, r, "code"), codes[j]) == 0) {
                    sum += num(rp_csv_get(c->tables, r, "estimate"));
                    ok++;
                }
        }
        ts_manifest_free_list(codes, (size_t)k);
        if (ok)
            fprintf(fp, "  headline:  %s — %s %.1f%%\n", rp_get(c, sec, "title", t->id), TR("全体"), 100 * sum);
        return;
    }
}

void rp_summary(rp_ctx *c, const char *outdir)
{
    FILE *fp = stderr;
    fprintf(fp, "\ntsunagari-report: done — %s\n", rp_get(c, "survey", "title", ""));
    fprintf(fp, "  open first: %s/report.pdf\n", outdir);
    fprintf(fp, "  tables:     %s/tables.xlsx (Excel), tables.csv (UTF-8 BOM), tables.txt\n", outdir);
    fprintf(fp, "  charts:     %s/charts/ (PNG, PDF, SVG)\n", outdir);
    char models[4096];
    snprintf(models, sizeof models, "%s/models.csv", outdir);
    if (access(models, R_OK) == 0) /* [model.NAME]: tsunagari-model ran (run.c) */
        fprintf(fp, "  models:     %s/models.csv, models.txt; 回帰分析 in report.pdf and tables.xlsx; forest_*.png in "
                    "charts/\n", outdir);
    if (c->counts) { /* [input] counts: no respondents, no weights (docs/counts.md) */
        fprintf(fp, "  record:     %s/reproducibility.txt\n", outdir);
        fprintf(fp, "  counts:     %s: %zu rows%s; counts, not a sample: no SE, interval or test\n",
                ts_manifest_get(c->m, "input", "counts"), c->counts->nrows,
                c->counts->total_line ? ", its total row checked" : "");
        if (c->suppressed)
            fprintf(fp, "  note:       %ld counts withheld (＊; [privacy] min_cell %s)\n", c->suppressed,
                    rp_get(c, "privacy", "min_cell", NULL));
        if (strcmp(rp_get(c, "survey", "synthetic", NULL), "yes") == 0)
            fprintf(fp, "  note:       synthetic data (合成データ): every page of the report says so\n");
        return;
    }
    fprintf(fp, "  record:     %s/reproducibility.txt; weighting-report.txt\n", outdir);
    if (c->opt->with_microdata) {
        /* and the answers in the formats [report] microdata_formats asks for */
        static const char *const answers[][2] = {
            {"csv", "answers-labelled.csv"}, {"sav", "answers.sav"}, {"dta", "answers.dta"}};
        ts_strbuf files = TS_STRBUF_INIT;
        for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
            if (rp_microdata_wants(c, answers[i][0]))
                ts_strbuf_printf(&files, ", %s", answers[i][1]);
        fprintf(fp, "  restricted: %s/restricted/ (respondent-level: rejects.csv, dataset.tsd, weighted.tsd%s%s; mode 0700, "
                    "not for publication)\n",
                outdir, files.data ? ",\n             " : "", files.data ? files.data + 1 : "");
        ts_strbuf_free(&files);
    }
    else
        fprintf(fp, "  microdata:  not written (no respondent-level file; --with-microdata keeps them in restricted/)\n");
    fprintf(fp, "  answers:    %ld rows read, %ld accepted, %ld rejected", c->rows_read, c->rows_read - c->rows_rejected,
            c->rows_rejected);
    if (c->drawn > 0)
        fprintf(fp, "; %ld drawn, response rate %.1f%%", c->drawn,
                100.0 * (double)(c->rows_read - c->rows_rejected) / (double)c->drawn);
    fputc('\n', fp);
    fprintf(fp, "  weights:    %s; %ld weighted, Kish deff %.2f, effective n %.0f\n",
            rp_get(c, "weighting", "method", NULL), c->weighted_n, c->deff, c->n_eff);
    headline(c, fp);
    int warned = 0;
    if (c->rows_rejected || c->item_warnings) {
        fprintf(fp, "  warning:    %ld rows rejected, %ld item warnings: see %s\n", c->rows_rejected,
                c->item_warnings, c->opt->with_microdata ? "restricted/rejects.csv" : "rejects.csv (--with-microdata)");
        warned = 1;
    }
    if (c->suppressed) {
        fprintf(fp, "  warning:    %ld estimates suppressed (fewer than %s respondents, or withheld so that those "
                    "cannot be worked out; ＊ in the report)\n",
                c->suppressed, rp_get(c, "privacy", "min_cell", NULL));
        warned = 1;
    }
    if (strcmp(rp_get(c, "survey", "synthetic", NULL), "yes") == 0) {
        fprintf(fp, "  note:       synthetic data (合成データ): every page of the report says so\n");
    }
    if (strcmp(rp_get(c, "weighting", "illustrative_targets", NULL), "yes") == 0)
        fprintf(fp, "  note:       the weighting targets are illustrative\n");
    if (!warned)
        fprintf(fp, "  no warnings\n");
}
