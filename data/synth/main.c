/* main.c — tsunagari-synth: argv -> options -> run -> exit code, nothing else.
 *
 * The synthetic survey generator of data/: writes the demo surveys (data/yamagata-2022,
 * data/saitama-2022), replicate samples of the Saitama design, benchmark-sized raw files,
 * and the Monte Carlo of the Saitama design.
 * Everything it writes is SYNTHETIC. Exit codes: 0 ok, 64 usage, 65 data, 70 internal or
 * out of memory, 73 cannot create an output, 74 write error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "csvout.h"
#include "demo.h"
#include "draw.h"
#include "status.h"
#include "rawfile.h"
#include "simulate.h"
#include "stream.h"

#ifndef TS_VERSION
#define TS_VERSION "0.0.0"
#endif

#define PROG "tsunagari-synth"

static const char usage_text[] =
    "Usage: " PROG " demo NAME -o DIR [--seed N]\n"
    "   or: " PROG " draw saitama-2022 --replicate R [--count K] -o DIR [--seed N]\n"
    "   or: " PROG " population --layout yamagata|saitama --size N -o FILE"
    " [--encoding utf-8|cp932] [--seed N] [--truth FILE]\n"
    "   or: " PROG " simulate-saitama [--reps N] [--seed N] [--population-seed N] [-o FILE]\n"
    "   or: " PROG " --help | --version\n";

static const char help_text[] =
    "Write SYNTHETIC survey data that looks and behaves like Japanese loneliness surveys\n"
    "(孤独・孤立実態調査): demo surveys, benchmark files and design simulations. Same seed,\n"
    "same bytes, on every machine.\n"
    "\n"
    "Commands:\n"
    "  demo yamagata-2022 -o DIR   Yamagata City's 2022 web survey stand-in: DIR/raw.csv\n"
    "                              (CP932, CRLF, 2,583 records with 3 planted dirty ones),\n"
    "                              codebook.csv, margins_age_sex.csv, truth.csv, planted.csv.\n"
    "                              Default seed 20221119.\n"
    "  demo saitama-2022 -o DIR    Saitama Prefecture's 2022 register sample stand-in:\n"
    "                              DIR/raw.csv (UTF-8, LF, respondents only), codebook.csv,\n"
    "                              frame_area.csv, frame_area_age_sex.csv, truth.csv.\n"
    "                              Default seed 20230117.\n"
    "  draw saitama-2022 --replicate R -o DIR\n"
    "                              A fresh sample of the Saitama design from the SAME\n"
    "                              synthetic population as the demo: the demo's five\n"
    "                              files for replicate R (0 to 1,000,000) into DIR.\n"
    "                              Replicate 0 is the demo itself; each R has its own\n"
    "                              sample, response, mode and mail blanks (generators\n"
    "                              seeded SEED+1+2R and SEED+2+2R). truth.csv is the\n"
    "                              population's, the same for every R.\n"
    "  population                  Stream SIZE respondents (1 to 100,000,000) drawn from a\n"
    "                              demo population into FILE, in that demo's raw layout, so\n"
    "                              the demo's codebook ingests it. Constant memory.\n"
    "  simulate-saitama            Draw the Saitama design REPS times from the synthetic\n"
    "                              population; print per domain the population share, the\n"
    "                              respondents' share, the truth, the mean unweighted and\n"
    "                              base-weighted estimates of 孤独感「ある」計 and their bias.\n"
    "\n"
    "Options:\n"
    "  -o, --output PATH     output folder (demo, draw) or file (population;\n"
    "                        simulate-saitama: default standard output). Files appear\n"
    "                        whole or not at all.\n"
    "  --seed N              seed of the Mersenne Twister (gsl_rng_mt19937). Defaults:\n"
    "                        demos as above, population 1, simulate-saitama 1; draw:\n"
    "                        the seed of the population (default 20230117, the demo's).\n"
    "  --replicate R         draw: which replicate (required).\n"
    "  --count K             draw: write replicates R .. R+K-1 (K at most 100,000), each\n"
    "                        into DIR/<replicate>/ (created; DIR must exist), building\n"
    "                        the population once.\n"
    "  --layout L            population: yamagata (0/1 columns, CRLF) or saitama (lists,\n"
    "                        9 = 無回答 in mail answers, LF).\n"
    "  --size N              population: number of respondents.\n"
    "  --encoding E          population: utf-8 or cp932 (default: cp932 for yamagata,\n"
    "                        utf-8 for saitama).\n"
    "  --truth FILE          population: also write the values over all rows written.\n"
    "  --reps N              simulate-saitama: replicates (default 500, at most 100000).\n"
    "  --population-seed N   simulate-saitama: seed of the population (default 20230117,\n"
    "                        the demo's).\n"
    "  -h, --help            show this help.   --version   show the version.\n"
    "\n"
    "Formats: docs/synthetic-data.md. Exit status: 0 ok, 64 usage, 65 data, 70 internal,\n"
    "73 cannot create an output, 74 write error.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, PROG ": ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%sTry '" PROG " --help' for more information.\n", usage_text);
    return 64;
}

/* Parse a whole decimal number in [LO, HI]. */
static int parse_num(const char *s, unsigned long long lo, unsigned long long hi,
                     unsigned long long *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

typedef struct opts {
    const char *output, *layout, *encoding, *truth;
    const char *seed, *size, *reps, *popseed, *replicate, *count;
    const char *positional;
} opts;

/* Match ARGV[*I] against NAME (and SHORT); take its value from "=..." or the next word. */
static int take(int argc, char **argv, int *i, const char *name, const char *shortname,
                const char **dst, int *bad)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) == 0 && a[n] == '=') {
        *dst = a + n + 1;
        return 1;
    }
    if (strcmp(a, name) == 0 || (shortname && strcmp(a, shortname) == 0)) {
        if (*i + 1 >= argc) {
            *bad = 1;
            return 1;
        }
        *dst = argv[++*i];
        return 1;
    }
    return 0;
}

static int report(ts_status st, ts_err *err)
{
    if (st == TS_OK)
        return 0;
    fprintf(stderr, PROG ": %s\n", err->msg ? err->msg : ts_strerror(st));
    int rc = ts_status_exit_code(st);
    ts_err_clear(err);
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2)
        return usage_error("%s", "no command given");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage_text, stdout);
        fputs("\n", stdout);
        fputs(help_text, stdout);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 74;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf(PROG " %s\n", TS_VERSION);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 74;
    }
    if (strcmp(cmd, "demo") && strcmp(cmd, "draw") && strcmp(cmd, "population") &&
        strcmp(cmd, "simulate-saitama"))
        return usage_error("unknown command '%s'", cmd);

    opts o = {0};
    for (int i = 2; i < argc; i++) {
        int bad = 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            fputs("\n", stdout);
            fputs(help_text, stdout);
            return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 74;
        }
        if (take(argc, argv, &i, "--output", "-o", &o.output, &bad) ||
            take(argc, argv, &i, "--seed", NULL, &o.seed, &bad) ||
            take(argc, argv, &i, "--layout", NULL, &o.layout, &bad) ||
            take(argc, argv, &i, "--size", NULL, &o.size, &bad) ||
            take(argc, argv, &i, "--encoding", NULL, &o.encoding, &bad) ||
            take(argc, argv, &i, "--truth", NULL, &o.truth, &bad) ||
            take(argc, argv, &i, "--reps", NULL, &o.reps, &bad) ||
            take(argc, argv, &i, "--population-seed", NULL, &o.popseed, &bad) ||
            take(argc, argv, &i, "--replicate", NULL, &o.replicate, &bad) ||
            take(argc, argv, &i, "--count", NULL, &o.count, &bad)) {
            if (bad)
                return usage_error("option '%s' needs a value", argv[i]);
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return usage_error("unknown option '%s'", argv[i]);
        if (o.positional)
            return usage_error("unexpected argument '%s'", argv[i]);
        o.positional = argv[i];
    }

    unsigned long long seed = 0, v = 0;
    if (o.seed && parse_num(o.seed, 0, 4294967295ULL, &seed) < 0)
        return usage_error("--seed: expected a whole number 0..4294967295, got '%s'", o.seed);
    ts_err err = TS_ERR_INIT;

    if (strcmp(cmd, "demo") == 0) {
        if (!o.positional)
            return usage_error("%s", "demo: which survey? yamagata-2022 or saitama-2022");
        if (!o.output)
            return usage_error("%s", "demo: -o DIR is required");
        if (o.layout || o.size || o.encoding || o.truth || o.reps || o.popseed ||
            o.replicate || o.count)
            return usage_error("%s", "demo takes only -o and --seed");
        if (strcmp(o.positional, "yamagata-2022") == 0)
            return report(synth_demo_yamagata(o.output, o.seed ? seed : SYNTH_SEED_YAMAGATA,
                                              &err), &err);
        if (strcmp(o.positional, "saitama-2022") == 0)
            return report(synth_demo_saitama(o.output, o.seed ? seed : SYNTH_SEED_SAITAMA,
                                             &err), &err);
        return usage_error("demo: unknown survey '%s' (yamagata-2022, saitama-2022)",
                           o.positional);
    }

    if (strcmp(cmd, "draw") == 0) {
        if (!o.positional)
            return usage_error("%s", "draw: which survey? saitama-2022");
        if (strcmp(o.positional, "saitama-2022") != 0)
            return usage_error("draw: '%s' has no replicates (only saitama-2022, a "
                               "probability sample, has)", o.positional);
        if (!o.output)
            return usage_error("%s", "draw: -o DIR is required");
        if (!o.replicate)
            return usage_error("%s", "draw: --replicate R is required");
        if (o.layout || o.size || o.encoding || o.truth || o.reps || o.popseed)
            return usage_error("%s", "draw takes only --replicate, --count, -o and --seed");
        unsigned long long first = 0, count = 1;
        if (parse_num(o.replicate, 0, SYNTH_DRAW_MAX_REPLICATE, &first) < 0)
            return usage_error("--replicate: expected a whole number 0..1000000, got '%s'",
                               o.replicate);
        if (o.count && parse_num(o.count, 1, SYNTH_DRAW_MAX_COUNT, &count) < 0)
            return usage_error("--count: expected a whole number 1..100000, got '%s'",
                               o.count);
        return report(synth_draw_saitama(o.output, o.seed ? seed : SYNTH_SEED_SAITAMA,
                                         (unsigned long)first, (unsigned long)count,
                                         o.count != NULL, &err), &err);
    }

    if (o.positional)
        return usage_error("unexpected argument '%s'", o.positional);

    if (strcmp(cmd, "population") == 0) {
        if (o.reps || o.popseed || o.replicate || o.count)
            return usage_error("%s", "population does not take --reps, --population-seed, "
                                     "--replicate or --count");
        if (!o.layout || !o.size || !o.output)
            return usage_error("%s", "population: --layout, --size and -o are required");
        synth_layout lay;
        if (strcmp(o.layout, "yamagata") == 0)
            lay = SYNTH_LAYOUT_YAMAGATA;
        else if (strcmp(o.layout, "saitama") == 0)
            lay = SYNTH_LAYOUT_SAITAMA;
        else
            return usage_error("--layout: expected yamagata or saitama, got '%s'", o.layout);
        synth_enc enc = lay == SYNTH_LAYOUT_YAMAGATA ? SYNTH_ENC_CP932 : SYNTH_ENC_UTF8;
        if (o.encoding) {
            if (strcmp(o.encoding, "utf-8") == 0 || strcmp(o.encoding, "utf8") == 0)
                enc = SYNTH_ENC_UTF8;
            else if (strcmp(o.encoding, "cp932") == 0)
                enc = SYNTH_ENC_CP932;
            else
                return usage_error("--encoding: expected utf-8 or cp932, got '%s'",
                                   o.encoding);
        }
        if (parse_num(o.size, 1, 100000000ULL, &v) < 0)
            return usage_error("--size: expected a whole number 1..100000000, got '%s'",
                               o.size);
        return report(synth_stream_population(o.output, lay, enc, v, o.seed ? seed : 1,
                                              o.truth, &err), &err);
    }

    /* simulate-saitama */
    if (o.layout || o.size || o.encoding || o.truth || o.replicate || o.count)
        return usage_error("%s", "simulate-saitama takes --reps, --seed, --population-seed, -o");
    unsigned long long reps = 500, popseed = SYNTH_SEED_SAITAMA;
    if (o.reps && parse_num(o.reps, 1, 100000, &reps) < 0)
        return usage_error("--reps: expected a whole number 1..100000, got '%s'", o.reps);
    if (o.popseed && parse_num(o.popseed, 0, 4294967295ULL, &popseed) < 0)
        return usage_error("--population-seed: expected a whole number 0..4294967295, got '%s'",
                           o.popseed);
    return report(synth_simulate_saitama(o.output ? o.output : "-", (unsigned long)reps,
                                         o.seed ? (unsigned long)seed : 1,
                                         (unsigned long)popseed, &err), &err);
}
