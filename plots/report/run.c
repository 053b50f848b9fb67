/* run.c — tsunagari-report's run: the stage programs in a temporary folder next to OUTDIR,
 * then the report files made from their outputs, then one rename into place.
 *
 * The stages run with the temporary folder as their working folder and are given the manifest
 * by a path relative to it, so their outputs name only files inside OUTDIR or the inputs
 * as seen from it ("../../data/saitama-2022/survey.ini"): never the temporary folder's
 * random name. That keeps a rerun byte-identical. */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp, realpath */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "privacy.h"
#include "report.h"
#include "schema.h"
#include "strbuf.h"

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }

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

static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    ts_strbuf b = TS_STRBUF_INIT;
    char chunk[8192];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
        ts_strbuf_append(&b, chunk, k);
    fclose(fp);
    ts_strbuf_append_str(&b, "");
    return ts_strbuf_take(&b);
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

/* ---- the stages ---------------------------------------------------------------------- */

typedef struct stage {
    const char *name;        /* "ingest" */
    const char *prog;        /* "tsunagari-ingest" */
    const char *args[24];    /* after the program name; NULL-terminated */
    const char *log;         /* stdout and stderr of the child, in the work folder */
    const char *progress_file; /* ingest: the raw file, for the progress bar; else NULL */
    int silent;              /* its output is an output file, not progress */
} stage;

typedef struct runner {
    const char *bindir;
    int quiet, tty;
    int nstages, index;
} runner;

static void shell_quote(ts_strbuf *b, const char *s)
{
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+%@") == strlen(s)) {
        ts_strbuf_append_str(b, s);
        return;
    }
    ts_strbuf_append_char(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            ts_strbuf_append_str(b, "'\\''");
        else
            ts_strbuf_append_char(b, *s);
    }
    ts_strbuf_append_char(b, '\'');
}

/* Where the child has read FILE to (its open file's offset), from /proc; -1 when unknown. */
static long long read_offset(pid_t pid, const char *file_real)
{
    char dir[64], link[PATH_MAX], target[PATH_MAX], info[128];
    for (int fd = 3; fd < 32; fd++) {
        snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, fd);
        ssize_t k = readlink(link, target, sizeof target - 1);
        if (k <= 0)
            continue;
        target[k] = '\0';
        if (strcmp(target, file_real) != 0)
            continue;
        snprintf(dir, sizeof dir, "/proc/%d/fdinfo/%d", (int)pid, fd);
        FILE *fp = fopen(dir, "r");
        if (!fp)
            return -1;
        long long pos = -1;
        while (fgets(info, sizeof info, fp))
            if (sscanf(info, "pos: %lld", &pos) == 1)
                break;
        fclose(fp);
        return pos;
    }
    return -1;
}

static void draw_bar(const char *name, long long pos, long long size)
{
    int width = 30, fill = size > 0 ? (int)(pos * width / size) : 0;
    if (fill > width)
        fill = width;
    char bar[64];
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(width - fill));
    bar[width] = '\0';
    fprintf(stderr, "\r  %s [%s] %3d%%  %.1f / %.1f MB", name, bar, size > 0 ? (int)(pos * 100 / size) : 0, pos / 1e6,
            size / 1e6);
    fflush(stderr);
}

/* Print the child's log indented (progress), or as it is (a failure). */
static void print_log(const char *log, const char *indent)
{
    char *text = read_text(log);
    if (!text)
        return;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        fprintf(stderr, "%s%.*s\n", indent, (int)len, p);
        p += len + (nl ? 1 : 0);
    }
    free(text);
}

/* Run S; returns 0 or the exit status to leave with (its message printed). */
static int run_stage(runner *r, rp_ctx *ctx, const stage *s)
{
    ts_strbuf path = TS_STRBUF_INIT, cmd = TS_STRBUF_INIT;
    ts_strbuf_printf(&path, "%s/%s", r->bindir, s->prog);
    const char *argv[26] = {path.data};
    size_t n = 1;
    ts_strbuf_append_str(&cmd, s->prog);
    for (size_t i = 0; s->args[i]; i++) {
        argv[n++] = s->args[i];
        ts_strbuf_append_char(&cmd, ' ');
        shell_quote(&cmd, s->args[i]);
    }
    argv[n] = NULL;
    if (ctx->nstages < sizeof ctx->stage_cmd / sizeof ctx->stage_cmd[0])
        ctx->stage_cmd[ctx->nstages++] = ts_strdup(cmd.data);
    r->index++;
    if (!r->quiet) {
        fprintf(stderr, "tsunagari-report: [%d/%d] %s\n", r->index, r->nstages, s->name);
        fflush(stderr);
    }
    char file_real[PATH_MAX] = "";
    long long size = -1;
    struct stat sb;
    if (s->progress_file && r->tty && !r->quiet && realpath(s->progress_file, file_real) &&
        stat(file_real, &sb) == 0)
        size = (long long)sb.st_size;

    int status = 0, rc = 0, bar = 0;
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "tsunagari-report: %s: cannot start: %s\n", s->prog, strerror(errno));
        rc = 71;
        goto done;
    }
    if (pid == 0) {
        int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0666);
        if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(71);
        close(fd);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "tsunagari-report: cannot run %s: %s (it is built next to tsunagari-report by make)\n",
                argv[0], strerror(errno));
        _exit(errno == ENOENT ? 69 : 71);
    }
    /* Poll rather than block, to draw the bar and to pass on an interrupt. */
    struct timespec tick = {0, 100 * 1000 * 1000};
    int polls = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            rc = 71;
            goto done;
        }
        if (got_signal)
            kill(pid, SIGTERM);
        nanosleep(&tick, NULL);
        if (size > 0 && ++polls >= 3) {
            long long pos = read_offset(pid, file_real);
            if (pos >= 0) {
                draw_bar(s->name, pos, size);
                bar = 1;
            }
        }
    }
    if (bar) {
        draw_bar(s->name, size, size);
        fputc('\n', stderr);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (!r->quiet && !s->silent)
            print_log(s->log, "    ");
        goto done;
    }
    rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    fprintf(stderr, "tsunagari-report: stage %s failed (exit %d): %s\n", s->name, rc, cmd.data);
    print_log(s->log, "");
done:
    ts_strbuf_free(&path);
    ts_strbuf_free(&cmd);
    return rc;
}

/* ---- reading the stage outputs back ---------------------------------------------------- */

static int add_kv(rp_kv **v, size_t *n, const char *k, size_t klen, const char *val, size_t vlen)
{
    rp_kv *nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    *v = nv;
    nv[*n].key = ts_strndup(k, klen);
    nv[*n].value = ts_strndup(val, vlen);
    (*n)++;
    return 0;
}

/* tsunagari-export --describe: "  key = value" provenance lines, then one line per variable
 * "name\ttype\tlabel\t[source]\tmissing N" followed by its codes (indented). */
static void read_describe(rp_ctx *c, const char *path)
{
    char *text = read_text(path);
    if (!text)
        return;
    char *save = NULL;
    int first = 1;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (first) {
            first = 0;
            continue;
        }
        if (line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
            char *eq = strstr(line, " = ");
            if (eq)
                add_kv(&c->prov, &c->nprov, line + 2, (size_t)(eq - line - 2), eq + 3, strlen(eq + 3));
            else if (line[strlen(line) - 2] == ' ' && line[strlen(line) - 1] == '=')
                add_kv(&c->prov, &c->nprov, line + 2, strlen(line) - 4, "", 0);
            continue;
        }
        if (line[0] == ' ' || line[0] == '\t')
            continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        char *t3 = t2 ? strchr(t2 + 1, '\t') : NULL;
        if (t1 && t2 && t3)
            add_kv(&c->varlabel, &c->nvarlabel, line, (size_t)(t1 - line), t2 + 1, (size_t)(t3 - t2 - 1));
    }
    free(text);
}

static double num(const char *s) { return s && *s ? strtod(s, NULL) : 0; }

/* The weight summary of weighting-report.csv (kind weights, group all). */
static double wstat(const rp_ctx *c, const char *level)
{
    if (!c->wreport)
        return 0;
    for (size_t r = 0; r < c->wreport->nrows; r++)
        if (strcmp(rp_csv_get(c->wreport, r, "kind"), "weights") == 0 &&
            strcmp(rp_csv_get(c->wreport, r, "group"), "all") == 0 &&
            strcmp(rp_csv_get(c->wreport, r, "level"), level) == 0)
            return num(rp_csv_get(c->wreport, r, "value"));
    return 0;
}

/* The number drawn: the sum of the frame's sample column ([design] frame). -1: no frame. */
static long frame_drawn(const rp_ctx *c)
{
    const char *frame = rp_get(c, "design", "frame", NULL);
    if (!frame)
        return -1;
    char *path = ts_manifest_resolve(c->m, frame);
    const char *col = rp_get(c, "design", "frame_sample", "sample");
    FILE *fp = path ? fopen(path, "rb") : NULL;
    free(path);
    if (!fp)
        return -1;
    /* A frame file may start with '#' comment lines, which rp_csv does not skip: copy. */
    ts_strbuf b = TS_STRBUF_INIT;
    char line[4096];
    while (fgets(line, sizeof line, fp))
        if (line[0] != '#')
            ts_strbuf_append_str(&b, line);
    fclose(fp);
    char tmp[] = ".frame.csv";
    FILE *out = fopen(tmp, "wb");
    long drawn = -1;
    if (out && b.data) {
        fwrite(b.data, 1, b.len, out);
        fclose(out);
        rp_csv *f = rp_csv_read(tmp, NULL);
        if (f && rp_csv_col(f, col) >= 0) {
            drawn = 0;
            for (size_t r = 0; r < f->nrows; r++)
                drawn += atol(rp_csv_get(f, r, col));
        }
        rp_csv_free(f);
    } else if (out) {
        fclose(out);
    }
    remove(tmp);
    ts_strbuf_free(&b);
    return drawn;
}

static long count_warnings(const char *rejects)
{
    rp_csv *r = rp_csv_read(rejects, NULL);
    long n = 0;
    if (r)
        for (size_t i = 0; i < r->nrows; i++)
            n += strcmp(rp_csv_get(r, i, "severity"), "warning") == 0;
    rp_csv_free(r);
    return n;
}

static ts_status load_outputs(rp_ctx *c, ts_err *err)
{
    read_describe(c, "dataset-description.txt");
    if (!(c->tables = rp_csv_read("tables.csv", err)))
        return err->status;
    c->wreport = rp_csv_read("weighting-report.csv", NULL);
    c->rows_read = atol(rp_prov(c, "source.rows_read") ? rp_prov(c, "source.rows_read") : "0");
    c->rows_rejected = atol(rp_prov(c, "source.rows_rejected") ? rp_prov(c, "source.rows_rejected") : "0");
    c->item_warnings = count_warnings("rejects.csv");
    c->weighted_n = (long)wstat(c, "n");
    c->deff = wstat(c, "deff_kish");
    c->n_eff = wstat(c, "n_effective");
    c->wmin = wstat(c, "min");
    c->wmax = wstat(c, "max");
    c->wsum = wstat(c, "sum");
    c->drawn = frame_drawn(c);
    /* The tables, in file order (which is manifest order), each a run of rows. */
    for (size_t r = 0; r < c->tables->nrows; r++) {
        const char *id = rp_csv_get(c->tables, r, "table");
        if (strcmp(rp_csv_get(c->tables, r, "suppressed"), "yes") == 0)
            c->suppressed++;
        if (c->ntabs && strcmp(c->tabs[c->ntabs - 1].id, id) == 0) {
            c->tabs[c->ntabs - 1].count++;
            continue;
        }
        rp_tab *nt = realloc(c->tabs, (c->ntabs + 1) * sizeof *nt);
        if (!nt)
            return ts_err_set(err, TS_E_NOMEM, "out of memory");
        c->tabs = nt;
        nt[c->ntabs++] = (rp_tab){.id = c->tables->rows[r][rp_csv_col(c->tables, "table")], .first = r, .count = 1};
    }
    return TS_OK;
}

/* ---- the summary --------------------------------------------------------------------- */

static void headline(rp_ctx *c, FILE *fp)
{
    /* The first indicator chart of the report: its codes added up in the whole population. */
    size_t ns = ts_manifest_section_count(c->m);
    for (size_t i = 0; i < ns; i++) {
        const char *sec = ts_manifest_section(c->m, i);
        if (strncmp(sec, "chart.", 6) != 0 || strcmp(rp_get(c, sec, "type", ""), "indicator") != 0)
            continue;
        rp_tab *t = rp_find_tab(c, rp_get(c, sec, "table", ""));
        char **codes = NULL;
        long k = ts_manifest_split_list(rp_get(c, sec, "codes", ""), &codes);
        if (!t || k <= 0)
            continue;
        double sum = 0;
        int ok = 0;
        for (size_t r = t->first; r < t->first + t->count; r++) {
            if (*rp_csv_get(c->tables, r, "by_codes") || strcmp(rp_csv_get(c->tables, r, "statistic"), "share") != 0)
                continue;
            for (long j = 0; j < k; j++)
                if (strcmp(rp_csv_get(c->tables, r, "code"), codes[j]) == 0) {
                    sum += num(rp_csv_get(c->tables, r, "estimate"));
                    ok++;
                }
        }
        ts_manifest_free_list(codes, (size_t)k);
        if (ok)
            fprintf(fp, "  headline:  %s — 全体 %.1f%%\n", rp_get(c, sec, "title", t->id), 100 * sum);
        return;
    }
}

static void summary(rp_ctx *c, const char *outdir)
{
    FILE *fp = stderr;
    fprintf(fp, "\ntsunagari-report: done — %s\n", rp_get(c, "survey", "title", ""));
    fprintf(fp, "  open first: %s/report.pdf\n", outdir);
    fprintf(fp, "  tables:     %s/tables.xlsx (Excel), tables.csv (UTF-8 BOM), tables.txt\n", outdir);
    fprintf(fp, "  charts:     %s/charts/ (PNG, PDF, SVG)\n", outdir);
    fprintf(fp, "  record:     %s/reproducibility.txt; rejects.csv, weighting-report.txt\n", outdir);
    fprintf(fp, "  answers:    %ld rows read, %ld accepted, %ld rejected", c->rows_read, c->rows_read - c->rows_rejected,
            c->rows_rejected);
    if (c->drawn > 0)
        fprintf(fp, "; %ld drawn, response rate %.1f%%", c->drawn,
                100.0 * (double)(c->rows_read - c->rows_rejected) / (double)c->drawn);
    fputc('\n', fp);
    fprintf(fp, "  weights:    %s; %ld weighted, Kish deff %.2f, effective n %.0f\n",
            rp_get(c, "weighting", "method", "none"), c->weighted_n, c->deff, c->n_eff);
    headline(c, fp);
    int warned = 0;
    if (c->rows_rejected || c->item_warnings) {
        fprintf(fp, "  warning:    %ld rows rejected, %ld item warnings: see rejects.csv\n", c->rows_rejected,
                c->item_warnings);
        warned = 1;
    }
    if (c->suppressed) {
        fprintf(fp, "  warning:    %ld estimates suppressed (fewer than %s respondents; ＊ in the report)\n",
                c->suppressed, rp_get(c, "privacy", "min_cell", "10"));
        warned = 1;
    }
    if (strcmp(rp_get(c, "survey", "synthetic", "no"), "yes") == 0) {
        fprintf(fp, "  note:       synthetic data (合成データ): every page of the report says so\n");
    }
    if (strcmp(rp_get(c, "weighting", "illustrative_targets", "no"), "yes") == 0)
        fprintf(fp, "  note:       the weighting targets are illustrative\n");
    if (!warned)
        fprintf(fp, "  no warnings\n");
}

/* ---- the run ----------------------------------------------------------------------------- */

static void ctx_free(rp_ctx *c)
{
    ts_manifest_free(c->m);
    free(c->manifest_rel);
    for (size_t i = 0; i < c->nprov; i++)
        free(c->prov[i].key), free(c->prov[i].value);
    free(c->prov);
    for (size_t i = 0; i < c->nvarlabel; i++)
        free(c->varlabel[i].key), free(c->varlabel[i].value);
    free(c->varlabel);
    rp_csv_free(c->tables);
    rp_csv_free(c->wreport);
    free(c->tabs);
    for (size_t i = 0; i < c->nstages; i++)
        free(c->stage_cmd[i]);
}

static int fail_msg(ts_err *err, const char *what)
{
    fprintf(stderr, "tsunagari-report: %s%s%s\n", what ? what : "", what ? ": " : "", err->msg ? err->msg : "failed");
    return ts_status_exit_code(err->status ? err->status : TS_E_INTERNAL);
}

int ts_report_run(const ts_report_options *o)
{
    int rc = 0, cwd = -1;
    rp_ctx ctx = {.opt = o};
    ts_err err = TS_ERR_INIT;
    char bindir[PATH_MAX], manifest_real[PATH_MAX], tmpdir[PATH_MAX], tmp_real[PATH_MAX], parent[PATH_MAX];
    char *tmp_made = NULL;
    ts_strbuf sb = TS_STRBUF_INIT;

    /* The stage programs live next to this one. */
    ssize_t k = readlink("/proc/self/exe", bindir, sizeof bindir - 1);
    if (k <= 0) {
        fprintf(stderr, "tsunagari-report: cannot find my own folder (/proc/self/exe): %s\n", strerror(errno));
        return 71;
    }
    bindir[k] = '\0';
    *strrchr(bindir, '/') = '\0';

    if (!realpath(o->survey, manifest_real)) {
        fprintf(stderr, "tsunagari-report: %s: %s\n", o->survey, strerror(errno));
        return 66;
    }
    {
        ts_manifest *probe = ts_manifest_read(o->survey, &err);
        if (!probe)
            return fail_msg(&err, NULL);
        /* The whole manifest against lib/schema.c once, before any stage runs: [survey], [input]
         * and [report] are read by no stage program, so nothing else would catch a misspelt key. */
        if (ts_schema_check(probe, TS_STAGE_ALL, &err) != TS_OK) {
            ts_manifest_free(probe);
            int code = fail_msg(&err, NULL);
            ts_err_clear(&err);
            return code;
        }
        const char *need[] = {"raw", "codebook"};
        for (size_t i = 0; i < 2; i++) {
            const char *v = ts_manifest_get(probe, "input", need[i]);
            if (!v || !*v) {
                fprintf(stderr, "tsunagari-report: %s: [input] %s is missing (docs/manifest.md)\n", o->survey, need[i]);
                ts_manifest_free(probe);
                return 65;
            }
        }
        /* min_cell by the rule every stage applies (lib/privacy.c), before any stage runs */
        long min_cell;
        if (ts_privacy_min_cell(probe, &min_cell, &err) != TS_OK) {
            ts_manifest_free(probe);
            int code = fail_msg(&err, NULL);
            ts_err_clear(&err);
            return code;
        }
        ts_manifest_free(probe);
    }

    /* OUTDIR: its parent exists (made when missing); an existing OUTDIR must be replaceable. */
    size_t olen = strlen(o->outdir);
    while (olen > 1 && o->outdir[olen - 1] == '/')
        olen--;
    if (olen > PATH_MAX - 64) {
        fprintf(stderr, "tsunagari-report: %s: path too long\n", o->outdir);
        return 64;
    }
    char outdir[PATH_MAX - 32];
    snprintf(outdir, sizeof outdir, "%.*s", (int)olen, o->outdir);
    snprintf(parent, sizeof parent, "%s", outdir);
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
    if (stat(outdir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            fprintf(stderr, "tsunagari-report: %s: exists and is not a folder\n", outdir);
            return 73;
        }
        if (!o->force && !replaceable(outdir)) {
            fprintf(stderr,
                    "tsunagari-report: %s: exists and is not an earlier report (no reproducibility.txt): "
                    "choose another folder or give --force\n",
                    outdir);
            return 73;
        }
    }
    snprintf(tmpdir, sizeof tmpdir, "%s.tmpXXXXXX", outdir);
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "tsunagari-report: %s: cannot create folder: %s\n", tmpdir, strerror(errno));
        return 73;
    }
    tmp_made = tmpdir;
    {
        mode_t mask = umask(0);
        umask(mask);
        chmod(tmpdir, 0777 & ~mask); /* mkdtemp makes it private; OUTDIR is an ordinary folder */
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    if (!realpath(tmpdir, tmp_real) || (cwd = open(".", O_RDONLY | O_DIRECTORY)) < 0 || chdir(tmpdir) != 0) {
        fprintf(stderr, "tsunagari-report: %s: %s\n", tmpdir, strerror(errno));
        rc = 73;
        goto fail;
    }
    /* From here the work folder is the current folder. */
    ctx.manifest_rel = relative_to(manifest_real, tmp_real);
    if (!(ctx.m = ts_manifest_read(ctx.manifest_rel, &err))) {
        rc = fail_msg(&err, NULL);
        goto fail;
    }
    char *raw = ts_manifest_resolve(ctx.m, ts_manifest_get(ctx.m, "input", "raw"));
    char *codebook = ts_manifest_resolve(ctx.m, ts_manifest_get(ctx.m, "input", "codebook"));
    const char *enc = rp_get(&ctx, "input", "encoding", "auto");
    const char *mf = ctx.manifest_rel;
    if (mkdir(".log", 0777) != 0) {
        rc = 73;
        goto fail;
    }
    stage stages[] = {
        {"ingest", "tsunagari-ingest",
         {"-c", codebook, "-o", "dataset.tsd", "--rejects", "rejects.csv", "--encoding", enc, "--max-messages", "5", raw, NULL},
         ".log/ingest", raw, 0},
        {"weight", "tsunagari-weight",
         {"-s", mf, "-o", "weighted.tsd", "--report", "weighting-report.txt", "--report-csv", "weighting-report.csv",
          "dataset.tsd", NULL},
         ".log/weight", NULL, 0},
        {"tab", "tsunagari-tab", {"-s", mf, "-o", "tables.csv", "--bom", "--text", "tables.txt", "weighted.tsd", NULL},
         ".log/tab", NULL, 0},
        {"plot", "tsunagari-plot", {"-q", "-s", mf, "-o", "charts", "tables.csv", NULL}, ".log/plot", NULL, 0},
        {"export", "tsunagari-export", {"--labels", "--bom", "-o", "answers-labelled.csv", "weighted.tsd", NULL},
         ".log/export", NULL, 0},
        {"describe", "tsunagari-export", {"--describe", "weighted.tsd", NULL}, "dataset-description.txt", NULL, 1},
    };
    runner r = {.bindir = bindir, .quiet = o->quiet, .tty = isatty(2), .nstages = 7};
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        if (got_signal || (rc = run_stage(&r, &ctx, &stages[i])) != 0) {
            if (!rc)
                rc = 128 + got_signal;
            free(raw);
            free(codebook);
            goto fail;
        }
    }
    free(raw);
    free(codebook);

    if (load_outputs(&ctx, &err) != TS_OK) {
        rc = fail_msg(&err, "reading the stage outputs");
        goto fail;
    }
    if (!o->quiet)
        fprintf(stderr, "tsunagari-report: [%d/%d] report.pdf, tables.xlsx, reproducibility.txt\n", ++r.index, r.nstages);
    if (rp_write_xlsx(&ctx, "tables.xlsx", &err) != TS_OK) {
        rc = fail_msg(&err, "tables.xlsx");
        goto fail;
    }
    if (rp_write_pdf(&ctx, "report.pdf", &err) != TS_OK) {
        rc = fail_msg(&err, "report.pdf");
        goto fail;
    }
    rm_rf(".log");
    if (rp_write_record(&ctx, "reproducibility.txt", &err) != TS_OK) {
        rc = fail_msg(&err, "reproducibility.txt");
        goto fail;
    }
    if (got_signal) {
        rc = 128 + got_signal;
        goto fail;
    }

    /* Into place: the old OUTDIR moves aside only now that the new one is complete. */
    if (fchdir(cwd) != 0) {
        rc = 71;
        goto fail;
    }
    char old[PATH_MAX] = "";
    if (stat(outdir, &st) == 0) {
        snprintf(old, sizeof old, "%s.oldXXXXXX", outdir);
        if (!mkdtemp(old) || rename(outdir, old) != 0) {
            fprintf(stderr, "tsunagari-report: %s: cannot move the old folder aside: %s\n", outdir, strerror(errno));
            if (old[0] && access(old, F_OK) == 0)
                rmdir(old);
            rc = 73;
            goto fail;
        }
    }
    if (rename(tmpdir, outdir) != 0) {
        fprintf(stderr, "tsunagari-report: %s: cannot rename %s into place: %s\n", outdir, tmpdir, strerror(errno));
        if (old[0])
            rename(old, outdir);
        rc = 73;
        goto fail;
    }
    tmp_made = NULL;
    if (old[0])
        rm_rf(old);
    if (!o->quiet)
        summary(&ctx, outdir);
    goto done;
fail:
    if (cwd >= 0 && fchdir(cwd) != 0)
        rc = rc ? rc : 71;
    if (tmp_made)
        rm_rf(tmp_made);
    if (!o->quiet || rc)
        fprintf(stderr, "tsunagari-report: stopped; %s was not written or changed\n", outdir);
done:
    if (cwd >= 0)
        close(cwd);
    ts_err_clear(&err);
    ts_strbuf_free(&sb);
    ctx_free(&ctx);
    return rc;
}
