/* stage.c — tsunagari-report runs one stage program: fork and exec it from the folder this
 * program lives in, its standard output and error into a log in the work folder, a progress bar
 * while ingest reads (from the child's file offset in /proc) and an interrupt passed on to it;
 * then its log printed as progress, or as it is when the stage failed. run.c calls it once per
 * stage, in order. */
#define _XOPEN_SOURCE 700 /* realpath */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "strbuf.h"

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }

void rp_catch_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int rp_signal(void) { return got_signal; }

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

/* Start ARGV with its standard output and error appended to LOG. Returns the child's pid, or
 * -1 (errno set) when it cannot be started. */
static pid_t spawn(const char *const *argv, const char *log)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0666);
    if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
        _exit(71);
    close(fd);
    execv(argv[0], (char *const *)argv);
    fprintf(stderr, "tsunagari-report: cannot run %s: %s (it is built next to tsunagari-report by make)\n", argv[0],
            strerror(errno));
    _exit(errno == ENOENT ? 69 : 71);
}

/* The raw files a stage reads, for its bar: each one's real path and size. */
typedef struct progress {
    char real[RP_MAX_RAW][PATH_MAX];
    long long size[RP_MAX_RAW], total;
    size_t n;
} progress;

/* How far the child has read through all of P's files: the files before the one it has open,
 * and its offset in that one; -1 when it has none of them open. */
static long long read_progress(pid_t pid, const progress *p)
{
    long long before = 0;
    for (size_t i = 0; i < p->n; i++) {
        long long pos = read_offset(pid, p->real[i]);
        if (pos >= 0)
            return before + pos;
        before += p->size[i];
    }
    return -1;
}

/* Wait for PID, into *STATUS. Poll rather than block, to draw the bar of S's progress over
 * its raw files (P; none when P->total <= 0: all files count, so that several files make one
 * bar and not one that stops at the first) and to pass on an interrupt. Returns 0, or -1 when
 * waiting fails. */
static int wait_child(pid_t pid, const rp_stage *s, const progress *p, int *status)
{
    struct timespec tick = {0, 100 * 1000 * 1000};
    int polls = 0, bar = 0;
    long long last = 0;
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return -1;
        if (got_signal)
            kill(pid, SIGTERM);
        nanosleep(&tick, NULL);
        if (p->total > 0 && ++polls >= 3) {
            long long pos = read_progress(pid, p);
            if (pos >= last) { /* between two files none is open: keep the bar where it was */
                last = pos;
                draw_bar(s->name, pos, p->total);
                bar = 1;
            }
        }
    }
    if (bar) {
        draw_bar(s->name, p->total, p->total);
        fputc('\n', stderr);
    }
    return 0;
}

int rp_stage_run(rp_runner *r, rp_ctx *ctx, const rp_stage *s)
{
    ts_strbuf path = TS_STRBUF_INIT, cmd = TS_STRBUF_INIT;
    ts_strbuf_printf(&path, "%s/%s", r->bindir, s->prog);
    const char *argv[sizeof s->args / sizeof s->args[0] + 2] = {path.data};
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
    static progress prog; /* 256 KiB of paths: not on the stack */
    prog.n = 0;
    prog.total = 0;
    for (size_t i = 0; r->tty && !r->quiet && i < s->nprogress && i < RP_MAX_RAW; i++) {
        struct stat sb;
        if (!realpath(s->progress_files[i], prog.real[prog.n]) || stat(prog.real[prog.n], &sb) != 0) {
            prog.total = 0; /* a file it cannot find (stdin): no bar rather than a wrong one */
            break;
        }
        prog.size[prog.n++] = (long long)sb.st_size;
        prog.total += (long long)sb.st_size;
    }

    int status = 0, rc = 0;
    pid_t pid = spawn(argv, s->log);
    if (pid < 0) {
        fprintf(stderr, "tsunagari-report: %s: cannot start: %s\n", s->prog, strerror(errno));
        rc = 71;
    } else if (wait_child(pid, s, &prog, &status) != 0) {
        rc = 71;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (!r->quiet)
            print_log(s->log, "    ");
    } else {
        rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        fprintf(stderr, "tsunagari-report: stage %s failed (exit %d): %s\n", s->name, rc, cmd.data);
        print_log(s->log, "");
    }
    ts_strbuf_free(&path);
    ts_strbuf_free(&cmd);
    return rc;
}
