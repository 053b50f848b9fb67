/* main.c — tsunagari-export: argv → options → export_run() → exit code. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "export.h"

static const char USAGE[] =
    "Usage: tsunagari-export [options] DATASET\n"
    "\n"
    "Write a dataset made by tsunagari-ingest (or a later stage) as CSV, or as an SPSS or Stata\n"
    "file with its labels, so R, SPSS, Stata, pandas and Excel users can take the validated data\n"
    "elsewhere.\n"
    "\n"
    "  -o, --output FILE     file to write, atomically (default: standard output)\n"
    "      --format FORMAT   csv (default), sav (SPSS, byte-compressed), zsav (SPSS 21+,\n"
    "                        zlib-compressed) or dta (Stata 14+, format 118, UTF-8)\n"
    "      --labels[=en]     write code labels (Japanese; =en for English) instead of codes;\n"
    "                        with sav/dta the labels are in the file anyway: --labels changes\n"
    "                        nothing, --labels=en makes its variable and value labels English\n"
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
    "      --file-label TEXT  sav/dta: the file label (default: the dataset's title, if any)\n"
    "      --describe        print the variables, codes and provenance instead of CSV\n"
    "  -h, --help            this help\n"
    "      --version         print the version\n"
    "\n"
    "CSV output is UTF-8, comma-separated, LF line ends. System-missing values are empty cells;\n"
    "missing codes (such as 9 無回答) are written as codes or labels like any other.\n"
    "Free text appears only if the codebook kept it (keep=yes).\n"
    "\n"
    "sav and dta files: one variable per column of the CSV export, with the same names (a name\n"
    "SPSS or Stata cannot take gets a 'v' in front, said in a warning; one too long is refused),\n"
    "the question labels as variable labels, the code labels as value labels, a multiple answer\n"
    "as 0/1 variables labelled 「質問: 選択肢」, and the weights at full precision — replicate\n"
    "weights (repw_1 ...) too, which R's svrepdesign and Stata's svyset then use with the\n"
    "record --describe shows (docs/export.md). Missing codes\n"
    "(missing=yes and 非該当) are user-missing values in .sav and the extended missing values\n"
    ".a, .b, ... (ascending by code, labelled) in .dta; empty cells are system missing. The\n"
    "header's date is fixed (1970-01-01 00:00 UTC): the same dataset gives the same bytes.\n"
    "--bom, --multi=list, --raw-layout and --raw-csv are for CSV only.\n"
    "\n"
    "Exit status: 0 success; 64 usage; 65 damaged dataset, or a name or value the format cannot\n"
    "hold; 66 cannot open it; 73 cannot create the output; 74 I/O error.\n";

enum { OPT_LABELS = 256, OPT_BOM, OPT_MULTI, OPT_RAW, OPT_VARS, OPT_DESCRIBE, OPT_RAW_CSV, OPT_VERSION, OPT_FORMAT, OPT_FILE_LABEL };

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
        {"raw-csv", no_argument, NULL, OPT_RAW_CSV}, {"format", required_argument, NULL, OPT_FORMAT},
        {"file-label", required_argument, NULL, OPT_FILE_LABEL},
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
        case OPT_FORMAT:
            if (strcmp(optarg, "csv") == 0)
                opt.format = EXPORT_CSV;
            else if (strcmp(optarg, "sav") == 0)
                opt.format = EXPORT_SAV;
            else if (strcmp(optarg, "zsav") == 0)
                opt.format = EXPORT_ZSAV;
            else if (strcmp(optarg, "dta") == 0)
                opt.format = EXPORT_DTA;
            else
                return usage_error("--format: expected csv, sav, zsav or dta, got ", optarg);
            break;
        case OPT_FILE_LABEL: opt.file_label = optarg; break;
        case ':': return usage_error("option needs a value: ", argv[optind - 1]);
        default: return usage_error("unknown option: ", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return usage_error(optind == argc ? "missing the dataset file" : "more than one dataset given", NULL);
    opt.input = argv[optind];
    if (opt.format != EXPORT_CSV) {
        const char *csv_only = opt.bom ? "--bom" : opt.multi_list ? "--multi=list" : opt.raw_layout ? "--raw-layout"
                               : opt.raw_csv                        ? "--raw-csv"
                                                                    : NULL;
        if (csv_only)
            return usage_error(csv_only, " is for --format csv only");
        if (opt.values == EXPORT_LABELS)
            opt.values = EXPORT_CODES; /* the Japanese labels are in the file either way */
        opt.warn = stderr;
    } else if (opt.file_label)
        return usage_error("--file-label is for --format sav, zsav or dta", NULL);
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
