/* run.c — tsunagari-report's run: the stage programs in a temporary folder next to OUTDIR,
 * then the report files made from their outputs, then one rename into place.
 *
 * The stages run with the temporary folder as their working folder and are given the manifest
 * by a path relative to it, so their outputs name only files inside OUTDIR or the inputs
 * as seen from it ("../../data/saitama-2022/survey.ini"): never the temporary folder's
 * random name. That keeps a rerun byte-identical.
 *
 * This file is the driver and the output folder's life (made beside OUTDIR, renamed into
 * place, removed on failure); stage.c runs one stage program, load.c reads their outputs
 * back, summary.c prints the summary, outdir.c keeps the respondent-level files in
 * restricted/ and removes the work folders of killed runs. */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp, realpath */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "numparse.h"
#include "privacy.h"
#include "report.h"
#include "schema.h"
#include "strbuf.h"

/* ---- files and folders ----------------------------------------------------------------- */

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

static void rm_rf(const char *dir) { nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

static int mkdir_p(const char *dir)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* PATH relative to the folder FROM (both absolute, canonical). Owned. */
static char *relative_to(const char *path, const char *from)
{
    size_t common = 0;
    for (size_t i = 0;; i++) {
        if ((path[i] == '/' || path[i] == '\0') && (from[i] == '/' || from[i] == '\0'))
            common = i;
        if (path[i] != from[i] || path[i] == '\0' || from[i] == '\0')
            break;
    }
    ts_strbuf b = TS_STRBUF_INIT;
    for (const char *p = from + common; *p; p++)
        if (*p == '/')
            ts_strbuf_append_str(&b, "../");
    const char *rest = path + common;
    if (*rest == '/')
        rest++;
    ts_strbuf_append_str(&b, rest);
    return ts_strbuf_take(&b);
}

/* An existing OUTDIR may be replaced when it is empty or an earlier report's. */
static int replaceable(const char *dir)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/reproducibility.txt", dir);
    if (access(p, F_OK) == 0)
        return 1;
    char q[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/dataset.tsd", dir);
    snprintf(q, sizeof q, "%s/tables.csv", dir);
    if (access(p, F_OK) == 0 && access(q, F_OK) == 0)
        return 1;
    return rmdir(dir) == 0 && mkdir(dir, 0777) == 0; /* empty */
}

/* ---- the run ----------------------------------------------------------------------------- */

/* The folders of one run. OUTDIR is -o without trailing slashes; TMPDIR the work folder made
 * beside it (the current folder while the stages run), TMP_MADE set while it is ours to remove. */
typedef struct run {
    char bindir[PATH_MAX];
    char manifest_real[PATH_MAX];
    char outdir[PATH_MAX - 32];
    char tmpdir[PATH_MAX];
    char tmp_real[PATH_MAX];
    const char *tmp_made;
    int cwd;                 /* the folder we were started in, to return to */
} run;

static int fail_msg(ts_err *err, const char *what)
{
    fprintf(stderr, "tsunagari-report: %s%s%s\n", what ? what : "", what ? ": " : "", err->msg ? err->msg : "failed");
    int code = ts_status_exit_code(err->status ? err->status : TS_E_INTERNAL);
    ts_err_clear(err);
    return code;
}

/* The number of comma-separated items of V (0 for NULL or empty). */
static size_t count_items(const char *v)
{
    size_t n = 0;
    for (const char *p = v; p && *p; p++)
        n += *p == ',';
    return v && *v ? n + 1 : 0;
}

/* [input] lists that go with raw: one encoding for all raw files or one per file, a label of
 * sources per file, at most RP_MAX_RAW files. Returns 0 or 65 (its message printed). */
static int check_input_lists(const ts_manifest *m, const char *survey)
{
    size_t nraw = count_items(ts_manifest_get(m, "input", "raw"));
    size_t nenc = count_items(ts_manifest_get(m, "input", "encoding"));
    size_t nsrc = count_items(ts_manifest_get(m, "input", "sources"));
    const char *noun = NULL, *key = NULL, *advice = NULL;
    size_t got = 0;
    if (nraw > RP_MAX_RAW)
        noun = "raw files", key = "raw", got = nraw, advice = "at most 64";
    else if (nenc > 1 && nenc != nraw)
        noun = "encodings", key = "encoding", got = nenc, advice = "give one for all raw files or one per file";
    else if (nsrc && nsrc != nraw)
        noun = nsrc == 1 ? "label" : "labels", key = "sources", got = nsrc, advice = "give one per raw file";
    if (!noun)
        return 0;
    fprintf(stderr, "tsunagari-report: %s:%lu: [input] %s: %zu %s for %zu raw %s: %s\n", survey,
            ts_manifest_line(m, "input", key), key, got, noun, nraw, nraw == 1 ? "file" : "files", advice);
    return 65;
}

/* [input] codebook: a file, `embedded`, or `embedded, FILE` (docs/manifest.md). Returns 0 or 65
 * (its message printed). */
static int check_codebook_value(const ts_manifest *m, const char *survey)
{
    const char *v = ts_manifest_get(m, "input", "codebook");
    const char *comma = strchr(v, ',');
    const char *first = v;
    size_t n = comma ? (size_t)(comma - v) : strlen(v);
    ts_trim(&first, &n);
    int embedded = n == 8 && memcmp(first, "embedded", 8) == 0;
    const char *rest = comma ? comma + 1 : "";
    size_t rn = strlen(rest);
    ts_trim(&rest, &rn);
    if ((comma && !embedded) || (comma && (rn == 0 || memchr(rest, ',', rn)))) {
        fprintf(stderr,
                "tsunagari-report: %s:%lu: [input] codebook: expected a codebook file, embedded (an SPSS or Stata raw "
                "file's own metadata), or embedded, FILE (FILE adding derived variables), got \"%s\"\n",
                survey, ts_manifest_line(m, "input", "codebook"), v);
        return 65;
    }
    return 0;
}

/* The whole manifest against lib/schema.c once, before any stage runs: [survey], [input] and
 * [report] are read by no stage program, so nothing else would catch a misspelt key. Then
 * [input] raw and codebook, which ingest needs, and min_cell by the rule every stage applies
 * (lib/privacy.c). Returns 0 or the exit status (its message printed). */
static int check_manifest(const char *survey)
{
    ts_err err = TS_ERR_INIT;
    ts_manifest *m = ts_manifest_read(survey, &err);
    if (!m)
        return fail_msg(&err, NULL);
    int rc = 0;
    long min_cell;
    if (ts_schema_check(m, TS_STAGE_ALL, &err) != TS_OK) {
        rc = fail_msg(&err, NULL);
        goto done;
    }
    /* [input] counts (docs/counts.md): counts in place of answers, so neither raw nor codebook */
    const char *counts = ts_manifest_get(m, "input", "counts");
    if (counts && *counts) {
        static const char *const not_with[] = {"raw", "codebook", "sheet", "header_rows", "id", "ids", "sources"};
        for (size_t i = 0; i < sizeof not_with / sizeof not_with[0]; i++)
            if (ts_manifest_get(m, "input", not_with[i])) {
                fprintf(stderr,
                        "tsunagari-report: %s:%lu: [input] %s: not with [input] counts: a counts file is the survey's "
                        "data (docs/counts.md); give one or the other\n",
                        survey, ts_manifest_line(m, "input", not_with[i]), not_with[i]);
                rc = 65;
                goto done;
            }
        static const char *const sections[] = {"design", "nonresponse", "weighting", "model."};
        for (size_t i = 0; i < ts_manifest_section_count(m); i++)
            for (size_t j = 0; j < sizeof sections / sizeof sections[0]; j++)
                if (strncmp(ts_manifest_section(m, i), sections[j], strlen(sections[j])) == 0 &&
                    (sections[j][strlen(sections[j]) - 1] == '.' || strcmp(ts_manifest_section(m, i), sections[j]) == 0)) {
                    fprintf(stderr,
                            "tsunagari-report: %s: [%s]: not with [input] counts: counts are not a sample of "
                            "respondents, so there is no design, weighting or model (docs/counts.md)\n",
                            survey, ts_manifest_section(m, i));
                    rc = 65;
                    goto done;
                }
        if (ts_privacy_min_cell(m, &min_cell, &err) != TS_OK)
            rc = fail_msg(&err, NULL);
        goto done;
    }
    const char *need[] = {"raw", "codebook"};
    for (size_t i = 0; i < 2; i++) {
        const char *v = ts_manifest_get(m, "input", need[i]);
        if (!v || !*v) {
            fprintf(stderr, "tsunagari-report: %s: [input] %s is missing (docs/manifest.md)\n", survey, need[i]);
            rc = 65;
            goto done;
        }
    }
    if ((rc = check_input_lists(m, survey)) != 0)
        goto done;
    if ((rc = check_codebook_value(m, survey)) != 0)
        goto done;
    if (ts_privacy_min_cell(m, &min_cell, &err) != TS_OK)
        rc = fail_msg(&err, NULL);
done:
    ts_manifest_free(m);
    return rc;
}

/* OUTDIR: its parent exists (made when missing); an existing OUTDIR must be replaceable. Then
 * the work folder beside it. Returns 0 or the exit status (its message printed). */
static int make_workdir(run *R, const ts_report_options *o)
{
    size_t olen = strlen(o->outdir);
    while (olen > 1 && o->outdir[olen - 1] == '/')
        olen--;
    if (olen > PATH_MAX - 64) {
        fprintf(stderr, "tsunagari-report: %s: path too long\n", o->outdir);
        return 64;
    }
    snprintf(R->outdir, sizeof R->outdir, "%.*s", (int)olen, o->outdir);
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", R->outdir);
    char *slash = strrchr(parent, '/');
    if (slash)
        *(slash == parent ? slash + 1 : slash) = '\0';
    else
        snprintf(parent, sizeof parent, ".");
    if (mkdir_p(parent) != 0) {
        fprintf(stderr, "tsunagari-report: %s: cannot create folder: %s\n", parent, strerror(errno));
        return 73;
    }
    struct stat st;
    if (stat(R->outdir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            fprintf(stderr, "tsunagari-report: %s: exists and is not a folder\n", R->outdir);
            return 73;
        }
        if (!o->force && !replaceable(R->outdir)) {
            fprintf(stderr,
                    "tsunagari-report: %s: exists and is not an earlier report (no reproducibility.txt): "
                    "choose another folder or give --force\n",
                    R->outdir);
            return 73;
        }
    }
    rp_remove_stale(R->outdir, o->quiet);
    snprintf(R->tmpdir, sizeof R->tmpdir, "%s.tmpXXXXXX", R->outdir);
    if (!mkdtemp(R->tmpdir)) {
        fprintf(stderr, "tsunagari-report: %s: cannot create folder: %s\n", R->tmpdir, strerror(errno));
        return 73;
    }
    R->tmp_made = R->tmpdir;
    if (rp_pid_file_write(R->tmpdir) != 0) {
        fprintf(stderr, "tsunagari-report: %s/%s: cannot create: %s\n", R->tmpdir, RP_PID_FILE, strerror(errno));
        return 73;
    }
    mode_t mask = umask(0);
    umask(mask);
    chmod(R->tmpdir, 0777 & ~mask); /* mkdtemp makes it private; OUTDIR is an ordinary folder */
    return 0;
}

/* [input] counts: tsunagari-tab --counts and the charts, nothing respondent-level. Returns 0 or
 * the exit status. */
static int run_count_stages(const run *R, rp_ctx *ctx, rp_runner *r)
{
    char *counts = ts_manifest_resolve(ctx->m, ts_manifest_get(ctx->m, "input", "counts"));
    const char *mf = ctx->manifest_rel;
    const char *raw_csv = ctx->opt->raw_csv ? "--raw-csv" : NULL;
    int rc = 0;
    if (mkdir(".log", 0777) != 0 || rp_restricted_make() != 0) {
        fprintf(stderr, "tsunagari-report: cannot create folders in the work folder: %s\n", strerror(errno));
        free(counts);
        return 73;
    }
    rp_stage stages[] = {
        {"tab", "tsunagari-tab",
         {"-s", mf, "-o", "tables.csv", "--bom", "--text", "tables.txt", "--counts", counts ? counts : "", raw_csv, NULL},
         ".log/tab", NULL, 0},
        {"plot", "tsunagari-plot", {"-q", "-s", mf, "-o", "charts", "tables.csv", NULL}, ".log/plot", NULL, 0},
    };
    /* a tables-only manifest: no [chart.NAME], so no plot stage */
    size_t ncharts = 0;
    for (size_t i = 0; i < ts_manifest_section_count(ctx->m); i++)
        ncharts += strncmp(ts_manifest_section(ctx->m, i), "chart.", 6) == 0;
    size_t nrun = ncharts ? 2 : 1;
    r->bindir = R->bindir;
    r->nstages = (int)nrun + 1;
    for (size_t i = 0; i < nrun; i++)
        if (rp_signal() || (rc = rp_stage_run(r, ctx, &stages[i])) != 0) {
            if (!rc)
                rc = 128 + rp_signal();
            break;
        }
    free(counts);
    return rc;
}

/* The stage programs, in order, from the work folder. Returns 0 or the exit status. */
static int run_stages(const run *R, rp_ctx *ctx, rp_runner *r)
{
    const char *counts = ts_manifest_get(ctx->m, "input", "counts");
    if (counts && *counts)
        return run_count_stages(R, ctx, r);
    ts_strbuf logistic = TS_STRBUF_INIT; /* the logistic [model.NAME]s, for their forest charts */
    int has_models = 0, has_charts = 0; /* a tables-only manifest has no plot stage */
    /* [input] raw is a list: each file resolved against the manifest's folder */
    char *raw[RP_MAX_RAW] = {NULL};
    size_t nraw = 0;
    ts_strbuf item = TS_STRBUF_INIT;
    for (const char *p = ts_manifest_get(ctx->m, "input", "raw"); p && *p && nraw < RP_MAX_RAW;) {
        const char *e = strchr(p, ',');
        const char *a = p;
        size_t len = e ? (size_t)(e - p) : strlen(p);
        ts_trim(&a, &len);
        ts_strbuf_reset(&item);
        ts_strbuf_append(&item, a, len);
        raw[nraw++] = ts_manifest_resolve(ctx->m, item.data ? item.data : "");
        p = e ? e + 1 : a + len;
    }
    ts_strbuf_free(&item);
    /* [input] codebook = embedded[, FILE]: ingest --embedded-codebook, and -c FILE when given */
    char *codebook = NULL;
    int embedded = rp_embedded_codebook(ctx->m, &codebook);
    if (!embedded)
        codebook = ts_manifest_resolve(ctx->m, ts_manifest_get(ctx->m, "input", "codebook"));
    const char *enc = rp_get(ctx, "input", "encoding", NULL);
    const char *mf = ctx->manifest_rel;
    int rc = 0;
    if (mkdir(".log", 0777) != 0 || rp_restricted_make() != 0) {
        fprintf(stderr, "tsunagari-report: cannot create folders in the work folder: %s\n", strerror(errno));
        rc = 73;
        goto done;
    }
    /* The respondent-level files go to restricted/ (0700) from the start; export, which
     * writes nothing else, runs only when they are to be kept. */
    /* --raw-csv goes last: when not given, its NULL ends the list where it stands */
    const char *raw_csv = ctx->opt->raw_csv ? "--raw-csv" : NULL;
    const char *title = rp_get(ctx, "survey", "title", NULL);
    /* [model.NAME] sections: tsunagari-model, then a forest chart of each logistic model */
    for (size_t i = 0; i < ts_manifest_section_count(ctx->m); i++) {
        const char *sec = ts_manifest_section(ctx->m, i);
        has_charts |= strncmp(sec, "chart.", 6) == 0;
        if (strncmp(sec, "model.", 6) != 0)
            continue;
        has_models = 1;
        const char *fam = ts_schema_get(ctx->m, sec, "family");
        if (fam && strcmp(fam, "logistic") == 0)
            ts_strbuf_printf(&logistic, "%s%s", logistic.data ? "," : "", sec + 6);
    }
    rp_stage stages[] = {
        {"ingest", "tsunagari-ingest",
         {"-c", embedded ? "" : codebook, "-o", RP_RESTRICTED "/dataset.tsd", "--rejects", RP_RESTRICTED "/rejects.csv", "--encoding",
          enc, "--max-messages", "5", NULL},
         ".log/ingest", raw, nraw},
        {"weight", "tsunagari-weight",
         {"-s", mf, "-o", RP_RESTRICTED "/weighted.tsd", "--report", "weighting-report.txt", "--report-csv",
          "weighting-report.csv", RP_RESTRICTED "/dataset.tsd", raw_csv, NULL},
         ".log/weight",NULL, 0},
        {"tab", "tsunagari-tab",
         {"-s", mf, "-o", "tables.csv", "--bom", "--text", "tables.txt", RP_RESTRICTED "/weighted.tsd", raw_csv, NULL},
         ".log/tab",NULL, 0},
        {"plot", "tsunagari-plot", {"-q", "-s", mf, "-o", "charts", "tables.csv", NULL}, ".log/plot",NULL, 0},
        {"model", "tsunagari-model",
         {"-s", mf, "-o", "models.csv", "--text", "models.txt", RP_RESTRICTED "/weighted.tsd", raw_csv, NULL},
         ".log/model", NULL, 0},
        {"forest", "tsunagari-plot",
         {"-q", "-s", mf, "--forest", logistic.data ? logistic.data : "", "-o", "charts", "models.csv", NULL},
         ".log/forest", NULL, 0},
        {"export", "tsunagari-export",
         {"--labels", "--bom", "-o", RP_RESTRICTED "/answers-labelled.csv", RP_RESTRICTED "/weighted.tsd", raw_csv,
          NULL},
         ".log/export",NULL, 0},
        /* [report] microdata_formats: the same answers for SPSS and Stata, the survey's title as
         * the file label (none when it has no title: the NULL ends the list there) */
        {"export-sav", "tsunagari-export",
         {"--format", "sav", "-o", RP_RESTRICTED "/answers.sav", RP_RESTRICTED "/weighted.tsd",
          title ? "--file-label" : NULL, title, NULL},
         ".log/export-sav", NULL, 0},
        {"export-dta", "tsunagari-export",
         {"--format", "dta", "-o", RP_RESTRICTED "/answers.dta", RP_RESTRICTED "/weighted.tsd",
          title ? "--file-label" : NULL, title, NULL},
         ".log/export-dta", NULL, 0},
    };
    /* then the [input] options set in the manifest, the raw files and --raw-csv */
    size_t na = 0;
    while (stages[0].args[na])
        na++;
    if (embedded) {
        /* [input] codebook = embedded[, FILE]: "--embedded-codebook" in place of "-c FILE", and
         * "-c FILE" (the derived variables) after the other options */
        stages[0].args[0] = "--embedded-codebook";
        memmove(&stages[0].args[1], &stages[0].args[2], (na - 1) * sizeof stages[0].args[0]);
        na--;
        if (codebook) {
            stages[0].args[na++] = "-c";
            stages[0].args[na++] = codebook;
        }
    }
    static const char *const input_opts[][2] = {
        {"sheet", "--sheet"}, {"header_rows", "--header-rows"}, {"id", "--id"}, {"ids", "--ids"}, {"sources", "--sources"},
        {"source_variable", "--source-variable"}, {"source_label", "--source-label"},
        {"source_label_en", "--source-label-en"}, {"max_reject_rate", "--max-reject-rate"},
        {"max_item_warning_rate", "--max-item-warning-rate"}};
    for (size_t i = 0; i < sizeof input_opts / sizeof input_opts[0]; i++) {
        const char *v = ts_manifest_get(ctx->m, "input", input_opts[i][0]);
        if (v && *v) {
            stages[0].args[na++] = input_opts[i][1];
            stages[0].args[na++] = v;
        }
    }
    for (size_t i = 0; i < nraw; i++)
        stages[0].args[na++] = raw[i];
    stages[0].args[na++] = raw_csv;
    stages[0].args[na] = NULL;
    /* the exports (the respondent-level answers) only with --with-microdata, in the formats
     * [report] microdata_formats asks for */
    size_t nstages = 0;
    rp_stage *run_list[sizeof stages / sizeof stages[0]];
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        const char *format = strcmp(stages[i].name, "export") == 0      ? "csv"
                             : strncmp(stages[i].name, "export-", 7) == 0 ? stages[i].name + 7
                                                                          : NULL;
        if ((strcmp(stages[i].name, "model") == 0 && !has_models) || (strcmp(stages[i].name, "forest") == 0 && !logistic.data) ||
            (strcmp(stages[i].name, "plot") == 0 && !has_charts))
            continue;
        if (!format || (ctx->opt->with_microdata && rp_microdata_wants(ctx, format)))
            run_list[nstages++] = &stages[i];
    }
    r->bindir = R->bindir;
    r->nstages = (int)nstages + 1; /* and the report's own outputs */
    for (size_t i = 0; i < nstages; i++) {
        if (rp_signal() || (rc = rp_stage_run(r, ctx, run_list[i])) != 0) {
            if (!rc)
                rc = 128 + rp_signal();
            break;
        }
    }
done:
    for (size_t i = 0; i < nraw; i++)
        free(raw[i]);
    free(codebook);
    ts_strbuf_free(&logistic);
    return rc;
}

/* report.pdf, tables.xlsx and reproducibility.txt from the stage outputs, in the work folder.
 * Returns 0 or the exit status (its message printed). */
static int write_outputs(rp_ctx *ctx, rp_runner *r)
{
    ts_err err = TS_ERR_INIT;
    if (rp_load_outputs(ctx, &err) != TS_OK)
        return fail_msg(&err, "reading the stage outputs");
    if (!ctx->opt->quiet)
        fprintf(stderr, "tsunagari-report: [%d/%d] report.pdf, tables.xlsx, reproducibility.txt\n", ++r->index,
                r->nstages);
    if (rp_write_xlsx(ctx, "tables.xlsx", &err) != TS_OK)
        return fail_msg(&err, "tables.xlsx");
    if (rp_write_pdf(ctx, "report.pdf", &err) != TS_OK)
        return fail_msg(&err, "report.pdf");
    rm_rf(".log");
    if (rp_restricted_finish(ctx->opt->with_microdata) != 0) {
        fprintf(stderr, "tsunagari-report: %s: %s\n", RP_RESTRICTED, strerror(errno));
        return 73;
    }
    if (rp_write_record(ctx, "reproducibility.txt", &err) != TS_OK)
        return fail_msg(&err, "reproducibility.txt");
    return rp_signal() ? 128 + rp_signal() : 0;
}

/* Into place: the old OUTDIR moves aside only now that the new one is complete. Returns 0 or
 * the exit status (its message printed). */
static int into_place(run *R)
{
    if (fchdir(R->cwd) != 0)
        return 71;
    char old[PATH_MAX] = "";
    struct stat st;
    if (stat(R->outdir, &st) == 0) {
        snprintf(old, sizeof old, "%s.oldXXXXXX", R->outdir);
        if (!mkdtemp(old) || rename(R->outdir, old) != 0) {
            fprintf(stderr, "tsunagari-report: %s: cannot move the old folder aside: %s\n", R->outdir, strerror(errno));
            if (old[0] && access(old, F_OK) == 0)
                rmdir(old);
            return 73;
        }
        /* Ours to remove from now on, and a killed run's to remove for the next run. */
        rp_pid_file_write(old);
    }
    if (rename(R->tmpdir, R->outdir) != 0) {
        fprintf(stderr, "tsunagari-report: %s: cannot rename %s into place: %s\n", R->outdir, R->tmpdir,
                strerror(errno));
        if (old[0] && rename(old, R->outdir) == 0) {
            char pid_file[PATH_MAX];
            snprintf(pid_file, sizeof pid_file, "%s/%s", R->outdir, RP_PID_FILE);
            unlink(pid_file);
        }
        return 73;
    }
    R->tmp_made = NULL;
    char pid_file[PATH_MAX];
    snprintf(pid_file, sizeof pid_file, "%s/%s", R->outdir, RP_PID_FILE);
    unlink(pid_file); /* the run is over: OUTDIR is no work folder */
    if (old[0])
        rm_rf(old);
    return 0;
}

/* In the work folder (the current folder from here): the manifest as seen from it, the stages,
 * the report's outputs. Returns 0 or the exit status. */
static int run_in_workdir(run *R, rp_ctx *ctx, const ts_report_options *o)
{
    if (!realpath(R->tmpdir, R->tmp_real) || (R->cwd = open(".", O_RDONLY | O_DIRECTORY)) < 0 || chdir(R->tmpdir) != 0) {
        fprintf(stderr, "tsunagari-report: %s: %s\n", R->tmpdir, strerror(errno));
        return 73;
    }
    ts_err err = TS_ERR_INIT;
    ctx->manifest_rel = relative_to(R->manifest_real, R->tmp_real);
    if (!(ctx->m = ts_manifest_read(ctx->manifest_rel, &err)))
        return fail_msg(&err, NULL);
    /* [report] language and labels: the report's own texts (tab and plot read them too) */
    const char *labels;
    if (ts_i18n_setup(ctx->m, NULL, NULL, &labels, &err) != TS_OK)
        return fail_msg(&err, NULL);
    rp_runner r = {.quiet = o->quiet, .tty = isatty(2)};
    int rc = run_stages(R, ctx, &r);
    if (!rc)
        rc = write_outputs(ctx, &r);
    return rc;
}

int ts_report_run(const ts_report_options *o)
{
    run R = {.cwd = -1};
    rp_ctx ctx = {.opt = o};
    int rc;

    /* The stage programs live next to this one. */
    ssize_t k = readlink("/proc/self/exe", R.bindir, sizeof R.bindir - 1);
    if (k <= 0) {
        fprintf(stderr, "tsunagari-report: cannot find my own folder (/proc/self/exe): %s\n", strerror(errno));
        return 71;
    }
    R.bindir[k] = '\0';
    *strrchr(R.bindir, '/') = '\0';
    if (!realpath(o->survey, R.manifest_real)) {
        fprintf(stderr, "tsunagari-report: %s: %s\n", o->survey, strerror(errno));
        return 66;
    }
    if ((rc = check_manifest(o->survey)) != 0 || (rc = make_workdir(&R, o)) != 0)
        return rc;
    rp_catch_signals();

    if ((rc = run_in_workdir(&R, &ctx, o)) == 0 && (rc = into_place(&R)) == 0) {
        if (!o->quiet)
            rp_summary(&ctx, R.outdir);
    } else {
        if (R.cwd >= 0 && fchdir(R.cwd) != 0)
            rc = rc ? rc : 71;
        if (R.tmp_made)
            rm_rf(R.tmp_made);
        if (!o->quiet || rc)
            fprintf(stderr, "tsunagari-report: stopped; %s was not written or changed\n", R.outdir);
    }
    if (R.cwd >= 0)
        close(R.cwd);
    rp_ctx_free(&ctx);
    return rc;
}
