/* main.c — tsunagari-model: argv → options → model_run() → exit code. */
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "model.h"
#include "privacy.h"

static const char USAGE[] =
    "Usage: tsunagari-model -s SURVEY.ini -o MODELS.csv [options] WEIGHTED.tsd\n"
    "\n"
    "Survey-weighted regression models from a dataset made by tsunagari-weight (or\n"
    "tsunagari-ingest: then unweighted): for every [model.NAME] section of the manifest\n"
    "(outcome, predictors, family, outcome_codes, domain, weighted, level) a linear model\n"
    "(family = linear) or a logistic model of the outcome codes named (family = logistic,\n"
    "e.g. 孤独感 時々ある・しばしばある) on numeric predictors and single-choice predictors as\n"
    "factors (the smallest code the reference). Coefficients, design-based standard errors\n"
    "(the sandwich over strata, clusters, fpc and calibration; with replicate weights, the\n"
    "model refitted under each replicate from the full-sample coefficients), t tests and\n"
    "confidence intervals on the design's degrees of freedom, odds ratios with their\n"
    "intervals, and the Wald test of each predictor (F and chi-square). Results equal R\n"
    "survey's svyglm with gaussian() or quasibinomial() (on a svyrep.design with replicate\n"
    "weights), confint() and regTermTest() (docs/estimation.md); rows\n"
    "with the outcome or a predictor missing are left out of the fit but stay in the design.\n"
    "IRLS as R's glm.fit: epsilon 1e-8, at most 25 iterations.\n"
    "\n"
    "  -s, --survey FILE     the manifest with the [model.NAME] sections\n"
    "  -o, --output FILE     the models as CSV (docs/models-format.md), written atomically\n"
    "      --text FILE       the models as text for reading (\"-\": standard output): odds\n"
    "                        ratios or coefficients with intervals, p-values, each level's n\n"
    "      --min-cell K      withhold a factor's level with fewer than K respondents in the fit\n"
    "                        (its n and coefficient; the partners that keep it from being\n"
    "                        worked out, as tsunagari-tab does; default: the manifest's\n"
    "                        [privacy] min_cell, else 10; 0: none)\n"
    "      --lonely-psu P    a stratum with one PSU: fail, remove, certainty, adjust\n"
    "                        (default: the design's [design] lonely_psu, else fail)\n"
    "      --bom             start the CSV with a UTF-8 byte-order mark (Excel)\n"
    "      --raw-csv         write labels starting with = + - @, TAB or CR as they are (by\n"
    "                        default such a text cell gets a leading ', as tsunagari-tab does)\n"
    "  -q, --quiet           no summary on stdout\n"
    "  -h, --help            this help\n"
    "      --version         print the version\n"
    "\n"
    "Exit status: 0 success; 64 usage; 65 bad model settings or a model that cannot be fitted\n"
    "(no respondent left, a factor with one level, collinear predictors, separation or no\n"
    "convergence, a lonely PSU under fail), each naming the manifest's file:line; 66 input\n"
    "missing; 73 cannot create output; 74 write error.\n";

enum { OPT_LONELY = 256, OPT_TEXT, OPT_BOM, OPT_RAW_CSV, OPT_VERSION, OPT_MINCELL };

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "tsunagari-model: %s%s\nTry 'tsunagari-model --help'.\n", msg, arg ? arg : "");
    return 64;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"survey", required_argument, NULL, 's'},  {"output", required_argument, NULL, 'o'},
        {"lonely-psu", required_argument, NULL, OPT_LONELY}, {"text", required_argument, NULL, OPT_TEXT},
        {"bom", no_argument, NULL, OPT_BOM},       {"raw-csv", no_argument, NULL, OPT_RAW_CSV},
        {"quiet", no_argument, NULL, 'q'},         {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION}, {"min-cell", required_argument, NULL, OPT_MINCELL},
        {NULL, 0, NULL, 0},
    };
    /* GSL's default handler aborts: a singular covariance must leave NaN, not kill the run */
    gsl_set_error_handler_off();
    model_options opt = {0};
    opt.lonely = -1;
    opt.min_cell = -1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 's': opt.manifest = optarg; break;
        case 'o': opt.output = optarg; break;
        case 'q': opt.quiet = 1; break;
        case 'h': fputs(USAGE, stdout); return ferror(stdout) ? 74 : 0;
        case OPT_VERSION: printf("tsunagari-model %s\n", TS_VERSION); return 0;
        case OPT_TEXT: opt.text = optarg; break;
        case OPT_BOM: opt.bom = 1; break;
        case OPT_RAW_CSV: opt.raw_csv = 1; break;
        case OPT_MINCELL:
            if (ts_privacy_parse_min_cell(optarg, &opt.min_cell) != 0) {
                fprintf(stderr, "tsunagari-model: --min-cell '%s': %s\nTry 'tsunagari-model --help'.\n", optarg,
                        TS_PRIVACY_MIN_CELL_RULE);
                return 64;
            }
            break;
        case OPT_LONELY: {
            ts_lonely_psu l;
            if (ts_lonely_psu_parse(optarg, &l) != 0)
                return usage_error("--lonely-psu: expected fail, remove, certainty or adjust, got ", optarg);
            opt.lonely = (int)l;
            break;
        }
        case ':': return usage_error("option needs a value: ", argv[optind - 1]);
        default: return usage_error("unknown option: ", argv[optind - 1]);
        }
    }
    if (!opt.manifest)
        return usage_error("missing -s SURVEY.ini", NULL);
    if (!opt.output)
        return usage_error("missing -o MODELS.csv", NULL);
    if (optind != argc - 1)
        return usage_error(optind == argc ? "missing the dataset" : "more than one dataset", NULL);
    opt.input = argv[optind];
    ts_err err = TS_ERR_INIT;
    ts_status st = model_run(&opt, stdout, &err);
    if (st != TS_OK)
        fprintf(stderr, "tsunagari-model: %s\n", err.msg ? err.msg : ts_strerror(st));
    ts_err_clear(&err);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tsunagari-model: standard output: write error\n");
        if (st == TS_OK)
            return 74;
    }
    return ts_status_exit_code(st);
}
