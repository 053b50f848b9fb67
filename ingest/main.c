/* main.c — tsunagari-ingest: argv → options → ingest_run() → exit code. Nothing else. */
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "schema.h"

static const char USAGE[] =
    "Usage: tsunagari-ingest -c CODEBOOK -o DATASET [options] RAW...\n"
    "   or: tsunagari-ingest --embedded-codebook [-c DERIVED.csv] -o DATASET [options] RAW.sav...\n"
    "\n"
    "Read a raw survey export described by a codebook, check every row and item, and write a\n"
    "validated, self-describing dataset for the later stages (weight, tab, plot).\n"
    "Every input row ends up in the dataset or in the rejects file.\n"
    "\n"
    "  -c, --codebook FILE        codebook CSV (docs/codebook.md)\n"
    "      --embedded-codebook    the codebook is the first raw file's own metadata (SPSS .sav,\n"
    "                             .zsav, .por, Stata .dta: variable and value labels, user-missing\n"
    "                             values; docs/spss-stata.md); -c then names a codebook CSV that\n"
    "                             extends it with derived variables (recodes, sums, indicators)\n"
    "      --sheet NAME           .xlsx raw files: read the sheet NAME (default: the first)\n"
    "  -o, --output FILE          dataset to write (docs/dataset-format.md), atomically\n"
    "      --rejects FILE         rejects CSV (default: DATASET.rejects.csv): every rejected\n"
    "                             row and item warning with line, column, value and reason\n"
    "      --encoding ENC[,ENC..] auto (default), utf-8 or cp932 (Shift_JIS as Excel writes it;\n"
    "                             also accepted: utf8, sjis, shift_jis, windows-31j, ms932);\n"
    "                             one for all raw files or one per file, in their order\n"
    "      --header-rows N        1 (default) or 2: a second header row names the columns too\n"
    "                             (SurveyMonkey: the question, then the option; docs/ingest.md)\n"
    "      --id row               the raw file has no id column: the data row number (1, 2, ...\n"
    "                             over every file, blank rows not counted) is the respondent id\n"
    "      --id timestamp         the raw file has no id column, but a timestamp: the codebook's\n"
    "                             id variable names it (column), and the id is the answer's time\n"
    "                             as YYYYMMDDhhmmss x 100 + k (k = 1, 2, ... among the answers\n"
    "                             with that same second, in file order): 2026/11/02 9:00:00 ->\n"
    "                             2026110209000001. Stable when rows are re-sorted or the export\n"
    "                             is taken again with later answers; a row whose timestamp is\n"
    "                             not a date and time is rejected\n"
    "      --ids per-source       several raw files whose ids restart (each school's 1..n): ids\n"
    "                             need be unique within a file only; the dataset's id is the\n"
    "                             file number x 10^k + the id, k the digits of the largest id\n"
    "                             (overall, the default: unique over all files)\n"
    "      --sources L1,L2,...    several raw files: a label per file for the source variable\n"
    "                             (default: the file names)\n"
    "      --source-variable NAME the single-choice variable saying which file a row came from\n"
    "                             (default: source; codes 1..k in the files' order)\n"
    "      --source-label TEXT    its label in tables and charts, e.g. 調査回 for waves\n"
    "                             (default: 区分（元データのファイル）)\n"
    "      --source-label-en TEXT its English label, for an English report (default: Source\n"
    "                             (raw file))\n"
    "      --strict               fail on any rejected row or item warning\n"
    "      --max-reject-rate PCT  fail when more than PCT% of rows are rejected (default 5)\n"
    "      --max-item-warning-rate PCT\n"
    "                             fail when more than PCT% of an item's answers match no code\n"
    "                             or label (default 5): the codebook does not match the data\n"
    "      --max-messages N       print at most N problems on stderr (default 20); the rejects\n"
    "                             file always has all of them\n"
    "      --raw-csv              write the rejects file's cells as they are; by default a raw\n"
    "                             value or record starting with = + - @, TAB or CR gets a\n"
    "                             leading ' (and quotes) so that a spreadsheet shows it as\n"
    "                             text, never runs it as a formula\n"
    "  -q, --quiet                no summary on stdout\n"
    "  -h, --help                 this help\n"
    "      --version              print the version\n"
    "\n"
    "RAW may be a CSV, plain or gzip-compressed, UTF-8 (with or without BOM) or CP932, LF or\n"
    "CRLF (\"-\" reads standard input); an Excel workbook (.xlsx: cells as Excel shows them,\n"
    "dates as ISO dates; docs/xlsx.md); or an SPSS (.sav, .zsav, .por) or Stata (.dta) file\n"
    "(numbers as text, dates as ISO dates, system-missing empty; docs/spss-stata.md), told\n"
    "apart by their first bytes. In a workbook a position is a cell (回答!C12), in an SPSS or\n"
    "Stata file a case and a variable; rejects.csv's line is the sheet row or the case. Several RAW files are read as one dataset: each has its own\n"
    "header checked against the codebook, ids are unique over all of them, and a variable\n"
    "(--source-variable) says which file each row came from. A row whose every cell is empty\n"
    "(as Excel leaves them) is skipped and counted as blank, not rejected.\n"
    "\n"
    "Row problems (reject the row): wrong number of fields, broken or unclosed quoting, bytes\n"
    "not valid in the encoding, NUL bytes, a byte-order mark inside the file, a field over 1 MiB,\n"
    "an empty, invalid or duplicate respondent id (the later duplicate is rejected).\n"
    "Item problems (the item becomes missing, the row is kept): a code not in the codebook, a\n"
    "number that does not parse or is out of range, a derived value that cannot be computed.\n"
    "\n"
    "Exit status: 0 success; 64 usage; 65 data error (bad codebook, header or checks failed:\n"
    "--strict, --max-reject-rate, --max-item-warning-rate, no rows); 66 cannot open input; 73 cannot create output;\n"
    "74 I/O error; 70 internal error. On failure no dataset is written.\n";

enum {
    OPT_REJECTS = 256, OPT_ENCODING, OPT_STRICT, OPT_MAX_REJECT, OPT_MAX_ITEM_WARNING, OPT_MAX_MESSAGES, OPT_RAW_CSV, OPT_VERSION,
    OPT_HEADER_ROWS, OPT_ID, OPT_IDS, OPT_SOURCES, OPT_SOURCE_VARIABLE, OPT_SOURCE_LABEL, OPT_SOURCE_LABEL_EN, OPT_EMBEDDED, OPT_SHEET
};

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "tsunagari-ingest: %s%s\nTry 'tsunagari-ingest --help'.\n", msg, arg ? arg : "");
    return 64;
}

/* Split the comma-separated S into trimmed items in ITEMS (at most MAX; pieces of a copy of S
 * that the caller frees as *COPY). Returns the count, or -1 (too many, an empty item, no memory). */
static long split_list(const char *s, char **copy, char **items, size_t max)
{
    size_t n = 0;
    if (!(*copy = strdup(s)))
        return -1;
    for (char *p = *copy;; p++) {
        char *e = strchr(p, ',');
        if (e)
            *e = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strlen(p);
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            p[--len] = '\0';
        if (!len || n == max)
            return -1;
        items[n++] = p;
        if (!e)
            return (long)n;
        p = e;
    }
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"codebook", required_argument, NULL, 'c'},
        {"embedded-codebook", no_argument, NULL, OPT_EMBEDDED},
        {"sheet", required_argument, NULL, OPT_SHEET},
        {"output", required_argument, NULL, 'o'},
        {"rejects", required_argument, NULL, OPT_REJECTS},
        {"encoding", required_argument, NULL, OPT_ENCODING},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"max-reject-rate", required_argument, NULL, OPT_MAX_REJECT},
        {"max-item-warning-rate", required_argument, NULL, OPT_MAX_ITEM_WARNING},
        {"max-messages", required_argument, NULL, OPT_MAX_MESSAGES},
        {"raw-csv", no_argument, NULL, OPT_RAW_CSV},
        {"header-rows", required_argument, NULL, OPT_HEADER_ROWS},
        {"id", required_argument, NULL, OPT_ID},
        {"ids", required_argument, NULL, OPT_IDS},
        {"sources", required_argument, NULL, OPT_SOURCES},
        {"source-variable", required_argument, NULL, OPT_SOURCE_VARIABLE},
        {"source-label", required_argument, NULL, OPT_SOURCE_LABEL},
        {"source-label-en", required_argument, NULL, OPT_SOURCE_LABEL_EN},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    ingest_options opt = {0};
    ts_encoding enc_default;
    (void)ts_encoding_parse(ts_schema_default("input", "encoding"), &enc_default); /* as in a manifest */
    static char *enc_copy, *labels_copy; /* static: still reachable when a usage error returns */
    char *enc_items[INGEST_MAX_FILES], *labels[INGEST_MAX_FILES];
    long nenc = 0, nlabels = 0;
    opt.header_rows = (int)ts_schema_default_number("input", "header_rows");
    opt.max_reject_pct = ts_schema_default_number("input", "max_reject_rate");
    opt.max_item_warning_pct = ts_schema_default_number("input", "max_item_warning_rate");
    opt.max_messages = 20;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:o:qh", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'c': opt.codebook = optarg; break;
        case 'o': opt.output = optarg; break;
        case 'q': opt.quiet = 1; break;
        case 'h': fputs(USAGE, stdout); return ferror(stdout) ? 74 : 0;
        case OPT_VERSION: printf("tsunagari-ingest %s\n", TS_VERSION); return 0;
        case OPT_REJECTS: opt.rejects = optarg; break;
        case OPT_STRICT: opt.strict = 1; break;
        case OPT_RAW_CSV: opt.raw_csv = 1; break;
        case OPT_ENCODING:
            free(enc_copy);
            nenc = split_list(optarg, &enc_copy, enc_items, INGEST_MAX_FILES);
            for (long i = 0; i < nenc; i++)
                if (ts_encoding_parse(enc_items[i], &opt.encodings[i]) != 0)
                    nenc = -1;
            if (nenc < 0)
                return usage_error("--encoding: expected auto, utf-8 or cp932, got ", optarg);
            break;
        case OPT_HEADER_ROWS:
            if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0)
                return usage_error("--header-rows: expected 1 or 2, got ", optarg);
            opt.header_rows = optarg[0] - '0';
            break;
        case OPT_ID:
            if (strcmp(optarg, "row") != 0 && strcmp(optarg, "column") != 0 && strcmp(optarg, "timestamp") != 0)
                return usage_error("--id: expected row, timestamp or column (the default), got ", optarg);
            opt.id_row = strcmp(optarg, "row") == 0;
            opt.id_timestamp = strcmp(optarg, "timestamp") == 0;
            break;
        case OPT_IDS: /* the manifest's spelling too: report passes [input] ids as written */
            if (strcmp(optarg, "per-source") == 0 || strcmp(optarg, "per_source") == 0)
                opt.ids_per_source = 1;
            else if (strcmp(optarg, "overall") == 0)
                opt.ids_per_source = 0;
            else
                return usage_error("--ids: expected per-source or overall (the default), got ", optarg);
            break;
        case OPT_SOURCES:
            free(labels_copy);
            if ((nlabels = split_list(optarg, &labels_copy, labels, INGEST_MAX_FILES)) < 0)
                return usage_error("--sources: expected a comma-separated label per raw file, got ", optarg);
            break;
        case OPT_SOURCE_VARIABLE: opt.source_variable = optarg; break;
        case OPT_SOURCE_LABEL: opt.source_label = optarg; break;
        case OPT_SOURCE_LABEL_EN: opt.source_label_en = optarg; break;
        case OPT_EMBEDDED: opt.embedded_codebook = 1; break;
        case OPT_SHEET:
            if (!*optarg)
                return usage_error("--sheet: expected the sheet's name", NULL);
            opt.sheet = optarg;
            break;
        case OPT_MAX_REJECT:
            opt.max_reject_pct = strtod(optarg, &end);
            if (*end || end == optarg || !(opt.max_reject_pct >= 0 && opt.max_reject_pct <= 100))
                return usage_error("--max-reject-rate: expected a percentage 0..100, got ", optarg);
            break;
        case OPT_MAX_ITEM_WARNING:
            opt.max_item_warning_pct = strtod(optarg, &end);
            if (*end || end == optarg || !(opt.max_item_warning_pct >= 0 && opt.max_item_warning_pct <= 100))
                return usage_error("--max-item-warning-rate: expected a percentage 0..100, got ", optarg);
            break;
        case OPT_MAX_MESSAGES: {
            long n = strtol(optarg, &end, 10);
            if (*end || end == optarg || n < 0 || n > 1000000)
                return usage_error("--max-messages: expected a count 0..1000000, got ", optarg);
            opt.max_messages = (unsigned)n;
            break;
        }
        case ':': return usage_error("option needs a value: ", argv[optind - 1]);
        default: return usage_error("unknown option: ", argv[optind - 1]);
        }
    }
    if (!opt.codebook && !opt.embedded_codebook)
        return usage_error("missing -c CODEBOOK (or --embedded-codebook for an SPSS or Stata file)", NULL);
    if (!opt.output)
        return usage_error("missing -o DATASET", NULL);
    if (optind == argc)
        return usage_error("missing the raw CSV file", NULL);
    opt.inputs = (const char *const *)argv + optind;
    opt.ninputs = (size_t)(argc - optind);
    if (opt.ninputs > INGEST_MAX_FILES)
        return usage_error("too many raw files (at most 64)", NULL);
    for (size_t i = 0; opt.ninputs > 1 && i < opt.ninputs; i++)
        if (strcmp(opt.inputs[i], "-") == 0)
            return usage_error("\"-\" (standard input) can only be the one raw file", NULL);
    if (nenc > 1 && (size_t)nenc != opt.ninputs)
        return usage_error("--encoding: one encoding for all raw files, or one per file: got a list of a different length", NULL);
    for (size_t i = 0; i < opt.ninputs; i++)
        opt.encodings[i] = nenc == 0 ? enc_default : opt.encodings[nenc == 1 ? 0 : i];
    if (nlabels && (size_t)nlabels != opt.ninputs)
        return usage_error("--sources: give one label per raw file", NULL);
    opt.labels = nlabels ? (const char *const *)labels : NULL;
    if (opt.ids_per_source && opt.id_row)
        return usage_error("--ids per-source: with --id row the ids are row numbers, unique over all files already", NULL);
    if (opt.ids_per_source && opt.id_timestamp)
        return usage_error("--ids per-source: with --id timestamp the ids are answer times, unique over all files already", NULL);

#ifdef __GLIBC__
    /* Columns grow by doubling. A fixed mmap threshold keeps every large column in its own
     * mapping, which glibc grows with mremap: no copy and no freed heap left behind, so peak
     * memory stays near the dataset's own size (glibc otherwise raises the threshold as
     * blocks are freed and grows columns on the heap). */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
    ts_err err = TS_ERR_INIT;
    ts_status st = ingest_run(&opt, stdout, &err);
    if (st != TS_OK)
        fprintf(stderr, "tsunagari-ingest: %s\n", err.msg ? err.msg : ts_strerror(st));
    ts_err_clear(&err);
    free(enc_copy);
    free(labels_copy);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tsunagari-ingest: standard output: write error\n");
        if (st == TS_OK)
            return 74;
    }
    return ts_status_exit_code(st);
}
