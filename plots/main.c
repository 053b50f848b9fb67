/* main.c — tsunagari-plot: argv → options → ts_plot_run() → exit code. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "forest.h"
#include "i18n.h"
#include "plot.h"

static const char USAGE[] =
    "Usage: tsunagari-plot -s SURVEY.ini -o OUTDIR [options] TABLES.csv\n"
    "   or: tsunagari-plot --type TYPE --table ID -o OUTDIR [-s SURVEY.ini] [options] TABLES.csv\n"
    "   or: tsunagari-plot --forest MODEL[,MODEL] -o OUTDIR [-s SURVEY.ini] [options] MODELS.csv\n"
    "\n"
    "Print-ready Japanese charts of the weighted tables made by tsunagari-tab: every\n"
    "[chart.NAME] of the manifest (or one ad hoc chart) drawn with cairo to OUTDIR/NAME.png,\n"
    "NAME.pdf and NAME.svg from the same drawing code. Chart types: stacked (100% bars of a\n"
    "single-choice item by domain, 全体 first), indicator (the share of some answers by domain,\n"
    "with 95% CI whiskers when the table has that interval), multi (a multiple answer, sorted by\n"
    "share), compare (the survey beside a published reference such as the national survey),\n"
    "difference (a table's differences), line (a share or count over waves or years, with CI\n"
    "bands) and grouped (side-by-side bars of the domains, or the survey beside a reference).\n"
    "Every chart says its base n, that it is weighted, which cells were suppressed (fewer\n"
    "respondents than [privacy] min_cell) and its source; a synthetic survey is labelled\n"
    "合成データ. Text is set in Noto Sans CJK JP (fonts-noto-cjk), found with fontconfig; without\n"
    "a Japanese font nothing is drawn. The same input gives the same bytes. See docs/charts.md.\n"
    "\n"
    "  -s, --survey FILE      the manifest: [chart.NAME] (type, table, codes, reference,\n"
    "                         reference_row, title, style, value), [survey] title and synthetic,\n"
    "                         [table.NAME] weighted, [privacy] min_cell\n"
    "  -o, --output DIR       the folder for the charts (made when missing); files are written\n"
    "                         to a temporary name and renamed, never left half-written\n"
    "  -c, --chart NAMES      only these charts of the manifest (comma-separated)\n"
    "  -f, --format LIST      any of png,pdf,svg (default: all three)\n"
    "  -W, --width MM         page width in millimetres (default 170: the text width of A4)\n"
    "  -H, --height MM        page height (default: as tall as the chart needs, at most 297)\n"
    "      --dpi N            PNG resolution (default 300; the PNG records it)\n"
    "\n"
    "One ad hoc chart (with or without -s; -s still gives the survey title and min_cell):\n"
    "      --type TYPE        stacked, indicator, multi, compare, difference, line or grouped\n"
    "      --table ID         the rows of TABLES.csv with this `table` value\n"
    "      --codes LIST       indicator, compare: the categories added up (e.g. 3,4,5)\n"
    "      --title TEXT       the title (default: the name)\n"
    "      --name NAME        the output file name (default: the table id)\n"
    "      --style S          indicator: bars (default) or dots\n"
    "      --reference FILE   compare: a CSV of published percentages\n"
    "      --reference-row R  compare: its row (e.g. R4)\n"
    "\n"
    "A forest chart of a logistic model of tsunagari-model (MODELS.csv instead of TABLES.csv):\n"
    "      --forest MODEL     the odds ratio of every level of every predictor of [model.MODEL]\n"
    "                         (MODEL,MODEL,...: one chart each)\n"
    "                         with its confidence interval, on a log axis, each reference level\n"
    "                         at 1; to OUTDIR/forest_MODEL.png/.pdf/.svg (--name, --title as\n"
    "                         above; -s gives [survey] title and synthetic)\n"
    "\n"
    "      --lang L           the charts' fixed texts (n=, notes, legends, 合成データ): ja or en\n"
    "                         (default: the manifest's [report] language, else ja); the labels\n"
    "                         are TABLES.csv's (tsunagari-tab --labels)\n"
    "  -q, --quiet            no progress on stdout\n"
    "  -h, --help             this help\n"
    "      --version          print the version\n"
    "\n"
    "Exit status: 0 success; 64 usage; 65 bad data (a table or code the chart needs is not in\n"
    "TABLES.csv, a bad manifest key, no Japanese font, a character the font lacks); 66 input\n"
    "missing; 73 cannot create output; 74 I/O error.\n";

enum { OPT_DPI = 256, OPT_FOREST, OPT_TYPE, OPT_TABLE, OPT_CODES, OPT_TITLE, OPT_NAME, OPT_STYLE, OPT_REF, OPT_REFROW, OPT_VERSION, OPT_LANG };

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "tsunagari-plot: %s%s\nTry 'tsunagari-plot --help'.\n", msg, arg ? arg : "");
    return 64;
}

static int parse_mm(const char *s, double *out)
{
    return ts_parse_double(s, strlen(s), out) == 0 && *out >= 20 && *out <= 1000 ? 0 : -1;
}

static int parse_formats(const char *s, int *out)
{
    *out = 0;
    const char *p = s;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 3 && memcmp(p, "png", 3) == 0)
            *out |= TS_RENDER_PNG;
        else if (n == 3 && memcmp(p, "pdf", 3) == 0)
            *out |= TS_RENDER_PDF;
        else if (n == 3 && memcmp(p, "svg", 3) == 0)
            *out |= TS_RENDER_SVG;
        else
            return -1;
        p += n;
        if (*p == ',')
            p++;
    }
    return *out ? 0 : -1;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"survey", required_argument, NULL, 's'},      {"output", required_argument, NULL, 'o'},
        {"chart", required_argument, NULL, 'c'},       {"format", required_argument, NULL, 'f'},
        {"width", required_argument, NULL, 'W'},       {"height", required_argument, NULL, 'H'},
        {"dpi", required_argument, NULL, OPT_DPI},     {"type", required_argument, NULL, OPT_TYPE},
        {"table", required_argument, NULL, OPT_TABLE}, {"codes", required_argument, NULL, OPT_CODES},
        {"title", required_argument, NULL, OPT_TITLE}, {"name", required_argument, NULL, OPT_NAME},
        {"style", required_argument, NULL, OPT_STYLE}, {"reference", required_argument, NULL, OPT_REF},
        {"reference-row", required_argument, NULL, OPT_REFROW}, {"forest", required_argument, NULL, OPT_FOREST},
        {"quiet", no_argument, NULL, 'q'},             {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},   {"lang", required_argument, NULL, OPT_LANG},
        {NULL, 0, NULL, 0}};
    ts_plot_options o = {.render = {.formats = TS_RENDER_PNG | TS_RENDER_PDF | TS_RENDER_SVG, .width_mm = 170, .dpi = 300}};
    const char *forest = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "s:o:c:f:W:H:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 's': o.survey = optarg; break;
        case 'o': o.outdir = optarg; break;
        case 'c': o.only = optarg; break;
        case 'f':
            if (parse_formats(optarg, &o.render.formats) != 0)
                return usage_error("--format: expected png, pdf, svg or a comma-separated list of them, got ", optarg);
            break;
        case 'W':
            if (parse_mm(optarg, &o.render.width_mm) != 0)
                return usage_error("--width: expected millimetres from 20 to 1000, got ", optarg);
            break;
        case 'H':
            if (parse_mm(optarg, &o.render.height_mm) != 0)
                return usage_error("--height: expected millimetres from 20 to 1000, got ", optarg);
            break;
        case OPT_DPI: {
            int64_t v;
            if (ts_parse_int64(optarg, strlen(optarg), &v) != 0 || v < 36 || v > 2400)
                return usage_error("--dpi: expected a whole number from 36 to 2400, got ", optarg);
            o.render.dpi = (int)v;
            break;
        }
        case OPT_FOREST: forest = optarg; break;
        case OPT_TYPE: o.type = optarg; break;
        case OPT_TABLE: o.table = optarg; break;
        case OPT_CODES: o.codes = optarg; break;
        case OPT_TITLE: o.title = optarg; break;
        case OPT_NAME: o.name = optarg; break;
        case OPT_STYLE: o.style = optarg; break;
        case OPT_REF: o.reference = optarg; break;
        case OPT_REFROW: o.reference_row = optarg; break;
        case 'q': o.quiet = 1; break;
        case OPT_LANG: {
            ts_lang l;
            if (ts_lang_parse(optarg, &l) != 0)
                return usage_error("--lang: expected ja or en, got ", optarg);
            ts_i18n_force(l);
            break;
        }
        case 'h':
            fputs(USAGE, stdout);
            return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 74;
        case OPT_VERSION:
            printf("tsunagari-plot %s\n", TS_VERSION);
            return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 74;
        default:
            fputs("Try 'tsunagari-plot --help'.\n", stderr);
            return 64;
        }
    }
    if (forest) { /* the forest chart of a model: its own path, over MODELS.csv (plots/forest.c) */
        if (optind + 1 != argc)
            return usage_error(optind == argc ? "no MODELS.csv given" : "more than one MODELS.csv given", NULL);
        if (!o.outdir)
            return usage_error("no output folder: give -o OUTDIR", NULL);
        if (o.type || o.table || o.codes || o.style || o.reference || o.reference_row || o.only)
            return usage_error("--forest draws a model: --type, --table, --codes, --style, --reference and --chart are for tables", NULL);
        if ((o.name || o.title) && strchr(forest, ','))
            return usage_error("--name and --title name one chart: give one model to --forest", NULL);
        ts_err ferr = TS_ERR_INIT;
        ts_status fst = TS_OK;
        /* --forest A,B: one chart per model, in the order given */
        for (const char *p = forest; *p && fst == TS_OK;) {
            size_t len = strcspn(p, ",");
            char model[256];
            const char *a = p;
            size_t n = len;
            ts_trim(&a, &n);
            if (n == 0 || n >= sizeof model) {
                ts_err_clear(&ferr);
                return usage_error("--forest: expected model names separated by commas, got ", forest);
            }
            memcpy(model, a, n);
            model[n] = '\0';
            ts_forest_options fo = {argv[optind], model, o.survey, o.outdir, o.title, o.name, o.render, o.quiet};
            fst = ts_forest_run(&fo, &ferr);
            p += len + (p[len] == ',');
        }
        int frc = 0;
        if (fst != TS_OK) {
            fprintf(stderr, "tsunagari-plot: %s\n", ferr.msg ? ferr.msg : ts_strerror(fst));
            frc = ts_status_exit_code(fst);
        }
        ts_err_clear(&ferr);
        if (fflush(stdout) != 0 || ferror(stdout))
            return frc ? frc : 74;
        return frc;
    }
    if (optind + 1 != argc)
        return usage_error(optind == argc ? "no TABLES.csv given" : "more than one TABLES.csv given", NULL);
    o.tables = argv[optind];
    if (!o.outdir)
        return usage_error("no output folder: give -o OUTDIR", NULL);
    if (!o.survey && !o.type)
        return usage_error("give the manifest (-s SURVEY.ini) or an ad hoc chart (--type, --table)", NULL);
    if (o.type && !o.table)
        return usage_error("--type needs --table", NULL);
    if (!o.type && (o.table || o.codes || o.title || o.name || o.style || o.reference || o.reference_row))
        return usage_error("--table, --codes, --title, --name, --style and --reference describe an ad hoc chart: give --type too", NULL);
    if (o.type && o.only)
        return usage_error("--chart picks charts of the manifest; an ad hoc chart is named with --name", NULL);

    ts_err err = TS_ERR_INIT;
    ts_status st = ts_plot_run(&o, &err);
    int rc = 0;
    if (st != TS_OK) {
        fprintf(stderr, "tsunagari-plot: %s\n", err.msg ? err.msg : ts_strerror(st));
        rc = ts_status_exit_code(st);
    }
    ts_err_clear(&err);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tsunagari-plot: standard output: write error\n");
        if (rc == 0)
            rc = 74;
    }
    return rc;
}
