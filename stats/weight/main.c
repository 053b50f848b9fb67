/* main.c — tsunagari-weight: argv → options → weight_run() → exit code. */
#include <gsl/gsl_errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

static const char USAGE[] =
    "Usage: tsunagari-weight [-s SURVEY.ini] -o OUT.tsd [options] IN.tsd\n"
    "\n"
    "Weight a dataset made by tsunagari-ingest: design weights, nonresponse adjustment,\n"
    "calibration to population margins, trimming. Writes the dataset with the columns\n"
    "`weight` (final) and `design_weight` (before calibration), `fpc_population` when the\n"
    "design has a finite population correction, and the design and calibration settings\n"
    "the estimation stage needs. Results agree with R's survey package (docs/weighting.md).\n"
    "\n"
    "  -s, --survey FILE      the survey manifest: its [design], [nonresponse], [weighting]\n"
    "                         and [margin.NAME] sections (docs/manifest.md)\n"
    "  -o, --output FILE      the weighted dataset, written atomically\n"
    "      --report FILE      diagnostics as text: margins before and after, weight summary\n"
    "                         (min, max, ratio, CV, Kish deff = 1 + CV², effective n) overall\n"
    "                         and per stratum, iterations, trimming\n"
    "      --report-csv FILE  the same diagnostics as CSV\n"
    "      --raw-csv          write its labels as they are; by default a label starting with\n"
    "                         = + - @, TAB or CR gets a leading ' (and quotes) so that a\n"
    "                         spreadsheet shows it as text, never runs it as a formula\n"
    "      --set S.KEY=VALUE  set KEY of section S, over the manifest (repeatable), e.g.\n"
    "                           --set weighting.method=rake --set weighting.margins=age,sex\n"
    "                           --set margin.age.file=pop.csv --set margin.age.vars=age_band\n"
    "  -q, --quiet            no summary on stdout\n"
    "  -h, --help             this help\n"
    "      --version          print the version\n"
    "\n"
    "Settings (section.key: values; defaults in brackets):\n"
    "  design.type         srs | stratified | cluster | nonprobability | census    [srs]\n"
    "                      (census: every unit counted once, weights 1, no sampling error)\n"
    "  design.strata       stratum variable;  design.cluster: PSU variable (a list for\n"
    "                      multistage samples: point, id; design.nest [yes]: PSU ids within strata)\n"
    "  design.psu_frame    two stages: CSV of the drawn PSUs: stratum, PSU id, population, sample\n"
    "  design.frame        CSV: stratum label, population, sample (design.frame_population,\n"
    "                      design.frame_sample name the columns)\n"
    "  design.weight       base (N_h/n_h from the frame) | a numeric variable | empty (1)\n"
    "  design.fpc          yes | no: finite population correction from the frame        [no]\n"
    "                      | a numeric variable holding N_h | one per stage: N1, N2\n"
    "  design.variance     linearization | jk1 | jkn | bootstrap | brr | fay | supplied\n"
    "                      replicate weights made from the strata and PSUs as R's\n"
    "                      as.svrepdesign, or supplied; recalibrated and trimmed with the\n"
    "                      weights, stored as repw_1..repw_R                [linearization]\n"
    "  design.replicates   bootstrap: how many [50];  design.seed: its seed [1]\n"
    "  design.fay_rho      fay: Fay's rho [0.5];  design.mse: yes | no: centre at the\n"
    "                      full-sample estimate [no]\n"
    "  design.replicate_weights  supplied: rw1, rw2, ... or rw*;  design.replicate_type\n"
    "                      jk1 | jkn | bootstrap | brr | fay | other; design.replicate_scale,\n"
    "                      design.replicate_rscales (R's scale, rscales);\n"
    "                      design.combined_weights yes | no [yes]\n"
    "  nonresponse.classes variables of the weighting classes, e.g. area, age_band\n"
    "  nonresponse.frame   CSV of the sample drawn per class (nonresponse.sample: column)\n"
    "  weighting.method    none | poststratify | rake | linear | raking | logit         [none]\n"
    "  weighting.margins   names of [margin.NAME] sections: file, vars, count (or vars + total\n"
    "                      for a numeric calibration variable)\n"
    "  weighting.tolerance rake: largest change of a joint cell, relative to the total weight\n"
    "                      [1e-10]; calibration: max |misfit|/(1+|total|) [1e-12]\n"
    "  weighting.max_iter  [1000 rake, 100 calibration]\n"
    "  weighting.bounds    LOWER, UPPER on g for linear, raking, logit (inf allowed)\n"
    "  weighting.rake_residuals  r | exact: a raked design's variance as R's rake() (10\n"
    "                      back-fitting sweeps) or the exact GREG residuals, as R's\n"
    "                      calibrate(calfun = \"raking\"); rake only                    [r]\n"
    "  weighting.base_scale  population: scale design weights to the population first\n"
    "  weighting.missing   drop | stratum_mean | error: respondents missing a margin variable [drop]\n"
    "  weighting.collapse  VAR: FROM > TO; ... merge cells (labels or codes), applied when\n"
    "                      FROM has fewer than weighting.collapse_below respondents\n"
    "  weighting.trim_lower, trim_upper  bounds on the final weight; trim_relative_to\n"
    "                      mean | absolute [mean]; trim_strict yes | no [yes]\n"
    "\n"
    "Exit status: 0 success; 64 usage; 65 bad settings or data (an empty cell, margins that\n"
    "disagree, no convergence: the message says which); 66 input missing; 73 cannot create\n"
    "output; 74 I/O error. Nothing is written when the run fails.\n";

enum { OPT_REPORT = 256, OPT_REPORT_CSV, OPT_RAW_CSV, OPT_SET, OPT_VERSION };

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "tsunagari-weight: %s%s\nTry 'tsunagari-weight --help'.\n", msg, arg ? arg : "");
    return 64;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"survey", required_argument, NULL, 's'},   {"output", required_argument, NULL, 'o'},
        {"report", required_argument, NULL, OPT_REPORT}, {"report-csv", required_argument, NULL, OPT_REPORT_CSV},
        {"raw-csv", no_argument, NULL, OPT_RAW_CSV},
        {"set", required_argument, NULL, OPT_SET},   {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},            {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    weight_options opt = {0};
    opt.set = calloc((size_t)argc, sizeof *opt.set);
    if (!opt.set)
        return 70;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 's': opt.manifest = optarg; break;
        case 'o': opt.output = optarg; break;
        case 'q': opt.quiet = 1; break;
        case 'h': fputs(USAGE, stdout); free(opt.set); return ferror(stdout) ? 74 : 0;
        case OPT_VERSION: printf("tsunagari-weight %s\n", TS_VERSION); free(opt.set); return 0;
        case OPT_REPORT: opt.report = optarg; break;
        case OPT_REPORT_CSV: opt.report_csv = optarg; break;
        case OPT_RAW_CSV: opt.raw_csv = 1; break;
        case OPT_SET: opt.set[opt.nset++] = optarg; break;
        case ':': free(opt.set); return usage_error("option needs a value: ", argv[optind - 1]);
        default: free(opt.set); return usage_error("unknown option: ", argv[optind - 1]);
        }
    }
    if (!opt.output) {
        free(opt.set);
        return usage_error("missing -o OUT.tsd", NULL);
    }
    if (optind != argc - 1) {
        free(opt.set);
        return usage_error(optind == argc ? "missing the input dataset" : "more than one input dataset", NULL);
    }
    opt.input = argv[optind];
    /* GSL's default handler aborts the process; calib.c checks every GSL status instead. */
    gsl_set_error_handler_off();
    ts_err err = TS_ERR_INIT;
    ts_status st = weight_run(&opt, stdout, &err);
    if (st != TS_OK)
        fprintf(stderr, "tsunagari-weight: %s\n", err.msg ? err.msg : ts_strerror(st));
    ts_err_clear(&err);
    free(opt.set);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tsunagari-weight: standard output: write error\n");
        if (st == TS_OK)
            return 74;
    }
    return ts_status_exit_code(st);
}
