/* main.c — tsunagari-codebook: argv → options → draft_run() → exit code. Nothing else. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draft.h"

static const char USAGE[] =
    "Usage: tsunagari-codebook draft [options] RAW [RAW2 ...]\n"
    "\n"
    "Draft a starter codebook (docs/codebook.md) from a raw survey export: the first command a\n"
    "new survey needs. Every column becomes a variable with a safe ASCII name (the leading\n"
    "ASCII of its header as in q12, else q<column number>), its header text as column and\n"
    "label, and a type guessed from its values, each guess explained on a # comment line above\n"
    "it. Edit the draft (labels, ranges, missing codes), then give it to tsunagari-ingest.\n"
    "Several raw files of one survey ([input] raw = a.csv, b.csv: school levels, waves, web\n"
    "and paper) draft one codebook from the rows of all of them; each file's columns are\n"
    "matched to the first file's by header, in any order, and a column one file lacks is an\n"
    "error (ingest reads every codebook column from every file).\n"
    "\n"
    "  -o, --output FILE      codebook to write, atomically (default: standard output)\n"
    "      --encoding ENC[,ENC..]  auto (default), utf-8 or cp932 (Shift_JIS as Excel writes\n"
    "                         it; also accepted: utf8, sjis, shift_jis, windows-31j, ms932);\n"
    "                         one for every raw file, or one per file in their order\n"
    "      --sheet NAME       .xlsx: draft from the sheet NAME (default: the first)\n"
    "      --header-rows N    1 (default), or 2: a question row, then an option row\n"
    "                         (SurveyMonkey): a column is named as tsunagari-ingest\n"
    "                         --header-rows 2 names it, \"question / option\", the question\n"
    "                         carried forward over blank cells of the first row\n"
    "  -h, --help             this help\n"
    "      --version          print the version\n"
    "\n"
    "Guesses, in this order:\n"
    "  id         a column named like id, ID, No, 番号 or 回答ID of positive whole numbers\n"
    "             (at most 5% of the rows blank, not such a number or a repeated id)\n"
    "  timestamp  dates and times (2022/11/19 10:15:00, ISO 8601): text, keep=no\n"
    "  multi      two or more adjacent columns of only 0/1 whose headers share a question part\n"
    "             (Q5_1, Q5_2; Q9_1 相談相手:家族: 0/1-column form); with --header-rows 2 also\n"
    "             columns under one question each holding only its row-2 option text or nothing\n"
    "             (SurveyMonkey: 0/1-column form, answers=labels); or answers joined by\n"
    "             \", \" \",\" \";\" \"、\" or \"|\" from a small set of options (list form; separator set)\n"
    "             (two pieces never apart, one always after the other, are one option: 友人, 知人)\n"
    "  single     whole numbers from 0 or 1 up to 12 (answers=codes), or at most 20 short labels that\n"
    "             repeat (answers=labels, coded 1..k in the order of a known answer scale, of\n"
    "             the numbers the labels start with, or as first seen)\n"
    "  integer, numeric   numbers; min and max are the ones seen\n"
    "  text       anything else (free text), keep=no; also every column whose header says\n"
    "             free text (自由, 意見, 感想, 記述, コメント, 備考 ...), and answers that end like\n"
    "             sentences (。！？) are never labels\n"
    "Missing-looking answers are marked missing=yes: the labels 無回答, 回答しない, わからない,\n"
    "不明 ... (coded 9, or 99 above more codes), and a 9, 99, 999 or 9999 standing apart\n"
    "above the other numbers. Blank cells are system missing. An export with no id column\n"
    "(Google Forms) gets an id variable for tsunagari-ingest --id row. Rows of only empty cells and\n"
    "broken rows are left out and counted in the first comment. Spellings of a label that\n"
    "differ only in width or spaces (１回, 1回) are one code, the others its aliases. The\n"
    "codebook columns answers, separator and aliases are written only when a variable needs\n"
    "them, so a codes-only export's draft is a classic codebook. Comments quote option labels,\n"
    "never free text. The same input gives the same bytes; the codebook is UTF-8.\n"
    "\n"
    "RAW may be a CSV, plain or gzip-compressed, UTF-8 (with or without BOM) or CP932, LF or\n"
    "CRLF (\"-\" reads standard input), or an Excel workbook (.xlsx: its cells as Excel shows\n"
    "them, docs/xlsx.md), guessed from as above. An SPSS (.sav, .zsav, .por) or Stata (.dta)\n"
    "file carries its own codebook: its variable and value labels and user-missing values are\n"
    "written as they are, 0/1 variables of one question grouped as a multiple answer, nothing\n"
    "guessed but what the file leaves open (docs/spss-stata.md); tsunagari-ingest can also read\n"
    "that metadata directly (--embedded-codebook).\n"
    "\n"
    "Exit status: 0 success; 64 usage; 65 data error (empty file, no data rows, a broken\n"
    "header); 66 cannot open input; 73 cannot create output; 74 I/O error; 70 internal error.\n"
    "On failure no codebook is written.\n";

enum { OPT_ENCODING = 256, OPT_HEADER_ROWS, OPT_VERSION, OPT_SHEET };

enum { MAX_FILES = 64 }; /* as tsunagari-ingest */

/* "utf-8, cp932" → OUT; the number of encodings, or 0 when one is not known or too many. */
static size_t parse_encodings(const char *list, ts_encoding out[MAX_FILES])
{
    size_t n = 0;
    const char *p = list;
    for (;;) {
        while (*p == ' ')
            p++;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len > 0 && p[len - 1] == ' ')
            len--;
        char name[32];
        if (n == MAX_FILES || len == 0 || len >= sizeof name)
            return 0;
        memcpy(name, p, len);
        name[len] = 0;
        if (ts_encoding_parse(name, &out[n++]) != 0)
            return 0;
        if (!end)
            return n;
        p = end + 1;
    }
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "tsunagari-codebook: %s%s\nTry 'tsunagari-codebook --help'.\n", msg, arg ? arg : "");
    return 64;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"encoding", required_argument, NULL, OPT_ENCODING},
        {"header-rows", required_argument, NULL, OPT_HEADER_ROWS},
        {"sheet", required_argument, NULL, OPT_SHEET},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    draft_options opt = {NULL, 0, "-", NULL, 0, 1, NULL};
    ts_encoding encodings[MAX_FILES] = {TS_ENC_AUTO};
    size_t nenc = 1;

    /* The command word comes first; --help and --version also work without it. */
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(USAGE, stdout);
        return ferror(stdout) ? 74 : 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("tsunagari-codebook %s\n", TS_VERSION);
        return 0;
    }
    if (argc < 2)
        return usage_error("missing the command: draft", NULL);
    if (strcmp(argv[1], "draft") != 0)
        return usage_error("unknown command: ", argv[1]);
    argc--;
    argv++; /* getopt reads the options after "draft" as a program's own */
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': opt.output = optarg; break;
        case 'h': fputs(USAGE, stdout); return ferror(stdout) ? 74 : 0;
        case OPT_VERSION: printf("tsunagari-codebook %s\n", TS_VERSION); return 0;
        case OPT_ENCODING:
            if ((nenc = parse_encodings(optarg, encodings)) == 0)
                return usage_error("--encoding: expected auto, utf-8 or cp932 (one, or one per raw file), got ", optarg);
            break;
        case OPT_HEADER_ROWS:
            if (strcmp(optarg, "1") == 0)
                opt.header_rows = 1;
            else if (strcmp(optarg, "2") == 0)
                opt.header_rows = 2;
            else
                return usage_error("--header-rows: expected 1 or 2, got ", optarg);
            break;
        case OPT_SHEET:
            if (!*optarg)
                return usage_error("--sheet: expected the sheet's name", NULL);
            opt.sheet = optarg;
            break;
        case ':': return usage_error("option needs a value: ", argv[optind - 1]);
        default: return usage_error("unknown option: ", argv[optind - 1]);
        }
    }
    if (optind == argc)
        return usage_error("missing the raw CSV file", NULL);
    if (argc - optind > MAX_FILES)
        return usage_error("too many raw files (at most 64)", NULL);
    opt.inputs = (const char *const *)&argv[optind];
    opt.ninputs = (size_t)(argc - optind);
    if (nenc != 1 && nenc != opt.ninputs)
        return usage_error("--encoding: one encoding for all raw files, or one per file: got a list of a different length", NULL);
    opt.encodings = encodings;
    opt.nencodings = nenc;

    ts_err err = TS_ERR_INIT;
    ts_status st = draft_run(&opt, stdout, &err);
    if (st != TS_OK)
        fprintf(stderr, "tsunagari-codebook: %s\n", err.msg ? err.msg : ts_strerror(st));
    ts_err_clear(&err);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tsunagari-codebook: standard output: write error\n");
        if (st == TS_OK)
            return 74;
    }
    return ts_status_exit_code(st);
}
