/* main.c — tsunagari-report: argv → options → run → exit code, nothing else. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

static void usage(FILE *fp)
{
    fputs("Usage: tsunagari-report SURVEY.ini -o OUTDIR [options]\n"
          "\n"
          "Run the whole pipeline for one survey — tsunagari-ingest, -weight, -tab, -plot (and\n"
          "-export with --with-microdata), found next to this program — and write the finished\n"
          "outputs into OUTDIR:\n"
          "\n"
          "  report.pdf            A4 report: cover (period, mode, sample, response rate, weighting,\n"
          "                        design effect), every table with its chart, methods in Japanese\n"
          "                        (the variance: linearisation, or the replicate weights of\n"
          "                        [design] variance, recalibrated as the weights)\n"
          "  tables.xlsx           one formatted sheet per table (numbers as numbers)\n"
          "  tables.csv, tables.txt  every estimate (UTF-8 with BOM, for Excel) and as text\n"
          "  charts/               the manifest's charts as PNG, PDF and SVG\n"
          "  weighting-report.txt, weighting-report.csv   the weighting diagnostics (counts only)\n"
          "  reproducibility.txt   input and output files with SHA-256, tool version, every option\n"
          "                        in force, the stage commands and the command that reproduces the run\n"
          "\n"
          "All of these may be published: none holds a respondent's answers. The respondent-level\n"
          "files are written only with --with-microdata, into OUTDIR/restricted/ (folder mode 0700,\n"
          "files 0600, with a README.txt saying they must not be published):\n"
          "\n"
          "  rejects.csv           every rejected row and item warning, with the raw record\n"
          "  dataset.tsd, weighted.tsd  the validated and the weighted dataset (docs/dataset-format.md)\n"
          "  answers-labelled.csv  the validated answers with Japanese labels and the weight\n"
          "\n"
          "Without it they exist only inside the run's work folder and are removed with it.\n"
          "\n"
          "The manifest's [input] raw, codebook and encoding feed ingest; the same manifest drives\n"
          "the other stages (docs/manifest.md). With [input] counts (counts added up already,\n"
          "e.g. consultations by age group: docs/counts.md) only tsunagari-tab --counts and -plot\n"
          "run: tables of counts and shares, no respondents, weights or standard errors.\n"
          "Everything is built in a temporary folder\n"
          "OUTDIR.tmpXXXXXX beside OUTDIR and renamed into place at the very end: a failed run\n"
          "leaves OUTDIR as it was. A work folder left by a run that was killed (its pid file names a\n"
          "process that has ended) is removed by the next run into the same OUTDIR. The same inputs\n"
          "give byte-identical outputs. See docs/report.md.\n"
          "\n"
          "  -o, --output DIR   the output folder (its parent is created when missing). An\n"
          "                     existing DIR is replaced only when it is empty or an earlier\n"
          "                     report's (it has reproducibility.txt, or dataset.tsd and tables.csv)\n"
          "      --force        replace an existing DIR whatever it holds\n"
          "      --with-microdata  also keep the respondent-level files, in DIR/restricted/\n"
          "      --raw-csv      write tables.csv, weighting-report.csv (and the restricted CSV\n"
          "                     files) with every text cell as it is; by default a label or\n"
          "                     answer starting with = + - @, TAB or CR\n"
          "                     gets a leading ' (and quotes) so that a spreadsheet shows it as\n"
          "                     text and never runs it as a formula: for R or pandas (tables.xlsx\n"
          "                     is safe either way: its cells are strings, never formulas)\n"
          "      --xlsx-ci under|block  the intervals on tables.xlsx's cross-tab sheets: under\n"
          "                     each estimate, or two blocks (下限, 上限) below the estimates\n"
          "                     (overrides [report] xlsx_ci; default under)\n"
          "  -q, --quiet        print nothing unless a stage fails\n"
          "  -h, --help         this help\n"
          "      --version      print the version\n"
          "\n"
          "Progress goes to standard error, one line per stage with its counts (a progress bar\n"
          "while ingest reads when standard error is a terminal), then a summary: where the\n"
          "outputs are, the headline numbers and any warnings.\n"
          "\n"
          "Exit status: 0 success; a failing stage's own status, with its message (64 usage, 65\n"
          "bad data, 66 input missing, 73 cannot create output, 74 I/O error); 70 internal error.\n",
          fp);
}

int main(int argc, char **argv)
{
    ts_report_options o = {.argc = argc, .argv = argv};
    enum { OPT_VERSION = 256, OPT_FORCE, OPT_MICRODATA, OPT_RAW_CSV, OPT_XLSX_CI };
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'}, {"quiet", no_argument, NULL, 'q'},
        {"force", no_argument, NULL, OPT_FORCE},  {"help", no_argument, NULL, 'h'},
        {"with-microdata", no_argument, NULL, OPT_MICRODATA}, {"raw-csv", no_argument, NULL, OPT_RAW_CSV},
        {"xlsx-ci", required_argument, NULL, OPT_XLSX_CI},
        {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "o:qh", longs, NULL)) != -1) {
        switch (ch) {
        case 'o': o.outdir = optarg; break;
        case 'q': o.quiet = 1; break;
        case OPT_FORCE: o.force = 1; break;
        case OPT_MICRODATA: o.with_microdata = 1; break;
        case OPT_RAW_CSV: o.raw_csv = 1; break;
        case OPT_XLSX_CI:
            if (strcmp(optarg, "under") != 0 && strcmp(optarg, "block") != 0) {
                fprintf(stderr, "tsunagari-report: --xlsx-ci %s: expected under or block\nTry 'tsunagari-report --help'.\n", optarg);
                return 64;
            }
            o.xlsx_ci = optarg;
            break;
        case 'h': usage(stdout); return 0;
        case OPT_VERSION: printf("tsunagari-report %s\n", TS_VERSION); return 0;
        default:
            fprintf(stderr, "Try 'tsunagari-report --help'.\n");
            return 64;
        }
    }
    if (optind != argc - 1 || !o.outdir || !*o.outdir) {
        fprintf(stderr, "tsunagari-report: %s\nTry 'tsunagari-report --help'.\n",
                optind >= argc ? "missing SURVEY.ini" : optind < argc - 1 ? "only one SURVEY.ini, please"
                                                                          : "missing -o OUTDIR");
        return 64;
    }
    o.survey = argv[optind];
    return ts_report_run(&o);
}
