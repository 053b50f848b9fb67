/* main.c — tsunagari-export: argv → options → export_run() → exit code. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "export.h"

static const char USAGE[] =
    "Usage: tsunagari-export [options] DATASET\n"
    "\n"
    "Write a dataset made by tsunagari-ingest (or a later stage) as CSV, so R, Stata, pandas and\n"
    "Excel users can take the validated data elsewhere.\n"
    "\n"
    "  -o, --output FILE     CSV to write, atomically (default: standard output)\n"
    "      --labels[=en]     write code labels (Japanese; =en for English) instead of codes\n"
    "      --bom             start with a UTF-8 byte-order mark (Excel on Japanese Windows needs it)\n"
    "      --multi=list      a multiple answer as one cell of codes \"1;3\" (default: one 0/1\n"
    "                        column per option, named VAR_CODE)\n"
    "      --raw-layout      the raw export's column names and layouts, derived variables left\n"
    "                        out: reproduces the accepted rows of the input\n"
    "      --vars A,B,C      only these variables, in this order\n"
    "      --raw-csv         write text starting with = + - @, TAB or CR as it is; by default\n"
    "                        such a label, name or free-text cell gets a leading ' (and quotes)\n"
    "                        so that a spreadsheet shows it as text and never runs it as a\n"
    "                        formula (numbers are never changed): for R, Stata or pandas\n"
    "      --describe        print the variables, codes and provenance instead of CSV\n"
    "  -h, --help            this help\n"
    "      --version         print the version\n"
    "\n"
    "Output is UTF-8, comma-separated, LF line ends. System-missing values are empty cells;\n"
    "missing codes (such as 9 無回答) are written as codes or labels like any other.\n"
    "Free text appears only if the codebook kept it (keep=yes).\n"
    "\n"
    "Exit status: 0 success; 64 usage; 65 damaged dataset; 66 cannot open it; 73 cannot create\n"
    "the output; 74 I/O error.\n";

enum { OPT_LABELS = 256, OPT_BOM, OPT_MULTI, OPT_RAW, OPT_VARS, OPT_DESCRIBE, OPT_RAW_CSV, OPT_VERSION };

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "tsunagari-export: %s%s\nTry 'tsunagari-export --help'.\n", msg, arg ? arg : "");
    return 64;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},   {"labels", optional_argument, NULL, OPT_LABELS},
        {"bom", no_argument, NULL, OPT_BOM},         {"multi", required_argument, NULL, OPT_MULTI},
        {"raw-layout", no_argument, NULL, OPT_RAW},  {"vars", required_argument, NULL, OPT_VARS},
        {"describe", no_argument, NULL, OPT_DESCRIBE}, {"help", no_argument, NULL, 'h'},
        {"raw-csv", no_argument, NULL, OPT_RAW_CSV},
        {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0},
    };
    export_options opt = {0};
    opt.output = "-";
    int describe = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': opt.output = optarg; break;
        case 'h': fputs(USAGE, stdout); return ferror(stdout) ? 74 : 0;
        case OPT_VERSION: printf("tsunagari-export %s\n", TS_VERSION); return 0;
        case OPT_LABELS:
            if (!optarg || strcmp(optarg, "ja") == 0)
                opt.values = EXPORT_LABELS;
            else if (strcmp(optarg, "en") == 0)
                opt.values = EXPORT_LABELS_EN;
            else
                return usage_error("--labels: expected ja or en, got ", optarg);
            break;
        case OPT_BOM: opt.bom = 1; break;
        case OPT_MULTI:
            if (strcmp(optarg, "list") == 0)
                opt.multi_list = 1;
            else if (strcmp(optarg, "columns") != 0)
                return usage_error("--multi: expected list or columns, got ", optarg);
            break;
        case OPT_RAW: opt.raw_layout = 1; break;
        case OPT_VARS: opt.vars = optarg; break;
        case OPT_DESCRIBE: describe = 1; break;
        case OPT_RAW_CSV: opt.raw_csv = 1; break;
        case ':': return usage_error("option needs a value: ", argv[optind - 1]);
        default: return usage_error("unknown option: ", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return usage_error(optind == argc ? "missing the dataset file" : "more than one dataset given", NULL);
    opt.input = argv[optind];
    ts_err err = TS_ERR_INIT;
    ts_status st = describe ? export_describe(opt.input, stdout, &err) : export_run(&opt, &err);
    if (st != TS_OK)
        fprintf(stderr, "tsunagari-export: %s\n", err.msg ? err.msg : ts_strerror(st));
    ts_err_clear(&err);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tsunagari-export: standard output: write error\n");
        if (st == TS_OK)
            return 74;
    }
    return ts_status_exit_code(st);
}
