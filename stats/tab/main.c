/* main.c — tsunagari-tab: argv → options → tab_run() → exit code. */
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "privacy.h"
#include "schema.h"
#include "i18n.h"
#include "tab.h"

static const char USAGE[] =
    "Usage: tsunagari-tab -s SURVEY.ini -o TABLES.csv [options] WEIGHTED.tsd\n"
    "   or: tsunagari-tab --var VAR [--by A[,B]] -o TABLES.csv [options] WEIGHTED.tsd\n"
    "   or: tsunagari-tab -s SURVEY.ini -o TABLES.csv --counts COUNTS.csv\n"
    "\n"
    "Weighted estimates from a dataset made by tsunagari-weight (or tsunagari-ingest: then\n"
    "unweighted): for every table of the manifest ([table.NAME]: var, by, statistic, ci, level,\n"
    "weighted, test, quantiles, qrule, quantile_ci, denominator, differences, previous) or one ad hoc table, the whole\n"
    "population (全体) and each domain of the `by` variables — shares of each answer (single\n"
    "choice), of each option (multiple answer), means, totals, quantiles or ratios — with\n"
    "Taylor-linearised standard errors that respect strata, clusters, finite population\n"
    "corrections and the calibration of the weights — or, when the weighted dataset has\n"
    "replicate weights ([design] variance: jk1, jkn, bootstrap, brr, fay, supplied), the\n"
    "variance over the replicates (R's svrVar) and their degrees of freedom —, confidence\n"
    "intervals, design effects,\n"
    "unweighted and weighted counts, and the Rao–Scott test of association.\n"
    "Results agree with R's survey package (docs/estimation.md). Free text is never tabulated.\n"
    "\n"
    "  -s, --survey FILE     the manifest: its [table.NAME] sections and [privacy] min_cell\n"
    "      --counts FILE     tabulate a counts file (docs/counts.md: one row per cell, the\n"
    "                        labels, then the counts) instead of a dataset: each table's\n"
    "                        counts and shares of the total ([table.NAME] var, by, count),\n"
    "                        exact, so no SE, interval or test; [input] encoding and\n"
    "                        counts_columns apply\n"
    "  -o, --output FILE     the tables as CSV (docs/tables-format.md), written atomically\n"
    "      --text FILE       the tables as text for reading (\"-\": standard output)\n"
    "      --var VAR         an ad hoc table of VAR ...\n"
    "      --by A[,B]        ... by one or two domain variables\n"
    "      --stat S          share (coded variables; default), mean (numbers; default), total,\n"
    "                        quantile (numbers, as R's svyquantile), ratio (R's svyratio)\n"
    "      --quantiles P,... quantile: the probabilities (default 0.5; e.g. 0.25,0.5,0.75)\n"
    "      --qrule R         quantile: math (default), school, shahvaish, hf1 ... hf9\n"
    "      --quantile-ci M   quantile: the interval: mean (Woodruff, default), beta, xlogit or\n"
    "                        asin of the CDF; quantile (replicate weights only: the replicate\n"
    "                        quantiles' own variance); R's svyquantile interval.type\n"
    "      --denominator V   ratio: the total of VAR divided by the total of V\n"
    "      --differences L   differences of two domains each, \"A - B, C - D\" (with --by): a\n"
    "                        domain's label or code, or 全体; SE from their covariance, t test\n"
    "      --previous F      each estimate minus the same row of an earlier survey's tables.csv\n"
    "                        (independent samples: se = sqrt(se1^2 + se2^2), Satterthwaite df)\n"
    "      --previous-table N  its table (default: this table's name, adhoc)\n"
    "      --previous-label T  what the rows call it (default 前回調査)\n"
    "      --ci M            for shares: logit (default, as svyciprop), beta (Korn–Graubard),\n"
    "                        wald, xlogit, wilson, none; means and totals use t on the design df\n"
    "      --level L         confidence level (default 0.95)\n"
    "      --min-cell K      suppress estimates resting on fewer than K respondents (default:\n"
    "                        the manifest's [privacy] min_cell, else 10; 0: none); suppressed\n"
    "                        cells are flagged, never dropped\n"
    "      --lonely-psu P    a stratum with one PSU: fail, remove, certainty, adjust\n"
    "                        (default: the design's [design] lonely_psu, else fail)\n"
    "      --rake-residuals R  a raked design's variance: r (as R's rake(): 10 sweeps) or\n"
    "                        exact (the exact GREG residuals, as R's calibrate(calfun =\n"
    "                        \"raking\")); default: the design's [weighting] rake_residuals, else r\n"
    "      --lang L          the fixed texts (全体, tables.txt's words): ja or en (default: the\n"
    "                        manifest's [report] language, else ja)\n"
    "      --labels LANG     the labels of variables and codes in tables.csv and tables.txt:\n"
    "                        ja (the codebook's label), en (label_en) or a codebook column\n"
    "                        label_LANG kept by ingest (vi, pt, zh, ...); a missing label falls\n"
    "                        back to English, then Japanese (default: [report] labels, else\n"
    "                        the language's own: ja label, en label_en)\n"
    "      --bom             start the CSV with a UTF-8 byte-order mark (Excel)\n"
    "      --raw-csv         write labels starting with = + - @, TAB or CR as they are; by\n"
    "                        default such a text cell gets a leading ' (and quotes) so that a\n"
    "                        spreadsheet shows it as text and never runs it as a formula\n"
    "                        (numbers such as -0.5 are never changed): for R or pandas\n"
    "  -j, --jobs N          estimate the tables on N threads (default: the cores this process\n"
    "                        may use); the output is the same, byte for byte, for every N\n"
    "  -q, --quiet           no summary on stdout\n"
    "  -h, --help            this help\n"
    "      --version         print the version\n"
    "\n"
    "Exit status: 0 success; 64 usage; 65 bad table settings or a design that cannot give a\n"
    "variance (a lonely PSU under --lonely-psu fail, --rake-residuals exact on weights that were\n"
    "not raked); 66 input missing; 73 cannot create output.\n";

enum { OPT_TEXT = 256, OPT_VAR, OPT_BY, OPT_STAT, OPT_CI, OPT_LEVEL, OPT_MINCELL, OPT_LONELY, OPT_BOM, OPT_RAW_CSV, OPT_VERSION,
       OPT_QUANTILES, OPT_QRULE, OPT_QCI, OPT_DENOMINATOR, OPT_DIFFERENCES,
       OPT_PREVIOUS, OPT_PREVIOUS_TABLE, OPT_PREVIOUS_LABEL, OPT_RAKE_RESIDUALS, OPT_COUNTS,
       OPT_LANG, OPT_LABELS };

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "tsunagari-tab: %s%s\nTry 'tsunagari-tab --help'.\n", msg, arg ? arg : "");
    return 64;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"survey", required_argument, NULL, 's'},     {"output", required_argument, NULL, 'o'},
        {"text", required_argument, NULL, OPT_TEXT},  {"var", required_argument, NULL, OPT_VAR},
        {"by", required_argument, NULL, OPT_BY},      {"stat", required_argument, NULL, OPT_STAT},
        {"ci", required_argument, NULL, OPT_CI},      {"level", required_argument, NULL, OPT_LEVEL},
        {"min-cell", required_argument, NULL, OPT_MINCELL}, {"lonely-psu", required_argument, NULL, OPT_LONELY},
        {"bom", no_argument, NULL, OPT_BOM},          {"raw-csv", no_argument, NULL, OPT_RAW_CSV},
        {"quiet", no_argument, NULL, 'q'},            {"jobs", required_argument, NULL, 'j'},
        {"quantiles", required_argument, NULL, OPT_QUANTILES}, {"qrule", required_argument, NULL, OPT_QRULE},
        {"quantile-ci", required_argument, NULL, OPT_QCI}, {"denominator", required_argument, NULL, OPT_DENOMINATOR},
        {"differences", required_argument, NULL, OPT_DIFFERENCES}, {"previous", required_argument, NULL, OPT_PREVIOUS},
        {"previous-table", required_argument, NULL, OPT_PREVIOUS_TABLE},
        {"previous-label", required_argument, NULL, OPT_PREVIOUS_LABEL},
        {"rake-residuals", required_argument, NULL, OPT_RAKE_RESIDUALS},
        {"counts", required_argument, NULL, OPT_COUNTS},
        {"lang", required_argument, NULL, OPT_LANG}, {"labels", required_argument, NULL, OPT_LABELS},
        {"help", no_argument, NULL, 'h'},             {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    /* GSL's default handler aborts the program: a domain error (an F test on a table without
     * sampling variance, where R gives NaN) must leave NaN in the result, not kill the run. */
    gsl_set_error_handler_off();
#ifdef M_MMAP_THRESHOLD
    /* Every estimate takes scratch arrays of rows × estimates (up to hundreds of MB at a million
     * rows) and gives them back: kept in the heap, not returned to the kernel, the next estimate
     * reuses the same pages instead of faulting in fresh ones (a fifth of the time at 1M rows). */
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
    tab_options opt = {0};
    opt.level = ts_schema_default_number("table.", "level"); /* --level: as in a manifest */
    opt.min_cell = -1;
    opt.lonely = -1;
    opt.rake_residuals = -1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:o:j:qh", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 's': opt.manifest = optarg; break;
        case 'o': opt.output = optarg; break;
        case 'q': opt.quiet = 1; break;
        case 'j': {
            unsigned long j = strtoul(optarg, &end, 10);
            if (end == optarg || *end || optarg[0] == '-' || j < 1 || j > 1024)
                return usage_error("--jobs: expected a number of threads 1..1024, got ", optarg);
            opt.jobs = (size_t)j;
            break;
        }
        case 'h': fputs(USAGE, stdout); return ferror(stdout) ? 74 : 0;
        case OPT_VERSION: printf("tsunagari-tab %s\n", TS_VERSION); return 0;
        case OPT_TEXT: opt.text = optarg; break;
        case OPT_VAR: opt.var = optarg; break;
        case OPT_BY: opt.by = optarg; break;
        case OPT_STAT: opt.stat = optarg; break;
        case OPT_CI: opt.ci = optarg; break;
        case OPT_QUANTILES: opt.quantiles = optarg; break;
        case OPT_QRULE: opt.qrule = optarg; break;
        case OPT_QCI: opt.quantile_ci = optarg; break;
        case OPT_DENOMINATOR: opt.denominator = optarg; break;
        case OPT_DIFFERENCES: opt.differences = optarg; break;
        case OPT_PREVIOUS: opt.previous = optarg; break;
        case OPT_PREVIOUS_TABLE: opt.previous_table = optarg; break;
        case OPT_PREVIOUS_LABEL: opt.previous_label = optarg; break;
        case OPT_COUNTS: opt.counts = 1, opt.input = optarg; break;
        case OPT_LANG:
            {
                ts_lang l;
                if (ts_lang_parse(optarg, &l) != 0)
                    return usage_error("--lang: expected ja or en, got ", optarg);
                opt.lang = optarg;
            }
            break;
        case OPT_LABELS:
            if (!ts_label_lang_valid(optarg))
                return usage_error("--labels: expected ja, en or 2-3 lowercase letters (a codebook's label_LANG), got ", optarg);
            opt.labels = optarg;
            break;
        case OPT_BOM: opt.bom = 1; break;
        case OPT_RAW_CSV: opt.raw_csv = 1; break;
        case OPT_LEVEL:
            opt.level = strtod(optarg, &end);
            if (*end || !(opt.level > 0 && opt.level < 1))
                return usage_error("--level: expected a value between 0 and 1, got ", optarg);
            break;
        case OPT_MINCELL:
            if (ts_privacy_parse_min_cell(optarg, &opt.min_cell) != 0) {
                fprintf(stderr, "tsunagari-tab: --min-cell '%s': %s\nTry 'tsunagari-tab --help'.\n", optarg,
                        TS_PRIVACY_MIN_CELL_RULE);
                return 64;
            }
            break;
        case OPT_LONELY:
            {
                ts_lonely_psu l;
                if (ts_lonely_psu_parse(optarg, &l) != 0)
                    return usage_error("--lonely-psu: expected fail, remove, certainty or adjust, got ", optarg);
                opt.lonely = (int)l;
            }
            break;
        case OPT_RAKE_RESIDUALS:
            {
                ts_rake_residuals r;
                if (ts_rake_residuals_parse(optarg, &r) != 0)
                    return usage_error("--rake-residuals: expected r or exact, got ", optarg);
                opt.rake_residuals = (int)r;
            }
            break;
        case ':': return usage_error("option needs a value: ", argv[optind - 1]);
        default: return usage_error("unknown option: ", argv[optind - 1]);
        }
    }
    if (!opt.output)
        return usage_error("missing -o TABLES.csv", NULL);
    if (!opt.manifest && !opt.var)
        return usage_error("give -s SURVEY.ini or --var VAR", NULL);
    if (opt.counts && optind != argc)
        return usage_error("--counts: the counts file is the input; no dataset besides it", NULL);
    if (!opt.counts && optind != argc - 1)
        return usage_error(optind == argc ? "missing the dataset" : "more than one dataset", NULL);
    if (!opt.counts)
        opt.input = argv[optind];
    ts_err err = TS_ERR_INIT;
    ts_status st = opt.counts ? tab_counts_run(&opt, stdout, &err) : tab_run(&opt, stdout, &err);
    if (st != TS_OK)
        fprintf(stderr, "tsunagari-tab: %s\n", err.msg ? err.msg : ts_strerror(st));
    ts_err_clear(&err);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tsunagari-tab: standard output: write error\n");
        if (st == TS_OK)
            return 74;
    }
    return ts_status_exit_code(st);
}
