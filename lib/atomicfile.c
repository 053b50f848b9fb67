/* atomicfile.c — see atomicfile.h. */
#define _POSIX_C_SOURCE 200809L /* sigaction */
#include "atomicfile.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvwrite.h"
#include "strbuf.h"

struct ts_atomicfile {
    FILE *fp;
    char *path;
    char *tmp;   /* NULL when writing to stdout */
    int slot;    /* its place in open_tmp[], or -1 */
};

/* ---- a signal leaves no temporary file ------------------------------------------------------
 * SIGTERM, SIGINT or SIGHUP would end the program between mkstemp() and rename() and leave
 * PATH.tmpXXXXXX behind (with respondent-level data when the output is a dataset). The handler
 * unlinks every temporary file still open, then re-raises the signal with its default action,
 * so the program still dies of it (the exit status a shell or tsunagari-report reads).
 *
 * Only async-signal-safe work in the handler: it reads a fixed table of paths that the main
 * line fills in only once a path is complete and empties before freeing it, and calls unlink()
 * and raise(). A signal arriving between rename() and emptying the slot unlinks a name that no
 * longer exists (ENOENT, harmless). The handler is installed at the first open for each signal
 * still at its default action: a program that handles or ignores a signal itself (a
 * background job's SIGINT, nohup's SIGHUP) keeps its own way. More than MAX_OPEN files open at
 * once are written as before, without this protection. */
#define MAX_OPEN 32
static char *volatile open_tmp[MAX_OPEN];
static const int caught[] = {SIGTERM, SIGINT, SIGHUP};

static void on_signal(int sig)
{
    int saved = errno;
    for (int i = 0; i < MAX_OPEN; i++) {
        char *p = open_tmp[i];
        if (p)
            unlink(p);
    }
    errno = saved;
    raise(sig); /* SA_RESETHAND restored the default: delivered when the handler returns */
}

static void install_handler(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++) {
        struct sigaction old;
        if (sigaction(caught[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO))
            continue;
        struct sigaction sa = {0};
        sa.sa_handler = on_signal;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        for (size_t j = 0; j < sizeof caught / sizeof caught[0]; j++)
            sigaddset(&sa.sa_mask, caught[j]);
        sigaction(caught[i], &sa, NULL);
    }
}

static int remember(char *tmp)
{
    install_handler();
    for (int i = 0; i < MAX_OPEN; i++)
        if (!open_tmp[i]) {
            open_tmp[i] = tmp;
            return i;
        }
    return -1;
}

static void forget(ts_atomicfile *f)
{
    if (f->slot >= 0)
        open_tmp[f->slot] = NULL;
    f->slot = -1;
}

ts_atomicfile *ts_atomicfile_open(const char *path, ts_err *err)
{
    ts_atomicfile *f = calloc(1, sizeof *f);
    if (!f) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    f->slot = -1;
    if (strcmp(path, "-") == 0) {
        f->fp = stdout;
        return f;
    }
    ts_strbuf tmp = TS_STRBUF_INIT;
    f->path = ts_strdup(path);
    if (!f->path || ts_strbuf_printf(&tmp, "%s.tmpXXXXXX", path) != 0) {
        ts_strbuf_free(&tmp);
        free(f->path);
        free(f);
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    f->tmp = ts_strbuf_take(&tmp);
    /* The signals wait while mkstemp makes the file and the handler learns its name: no moment
     * has the file unknown to it, and it never sees a name mkstemp is still trying (one that
     * may be somebody else's file). */
    sigset_t block, was;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
        sigaddset(&block, caught[i]);
    sigprocmask(SIG_BLOCK, &block, &was);
    int fd = mkstemp(f->tmp);
    if (fd >= 0)
        f->slot = remember(f->tmp);
    sigprocmask(SIG_SETMASK, &was, NULL);
    if (fd < 0 || !(f->fp = fdopen(fd, "wb"))) {
        ts_err_set(err, TS_E_CANTCREAT, "%s: cannot create: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(f->tmp);
        }
        forget(f);
        free(f->tmp);
        free(f->path);
        free(f);
        return NULL;
    }
    /* mkstemp makes the file 0600; outputs get the usual permissions under the umask. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    return f;
}

ts_atomicfile *ts_atomicfile_open_csv(const char *path, int bom, const char *header, ts_err *err)
{
    ts_atomicfile *f = ts_atomicfile_open(path, err);
    if (f && bom)
        ts_csv_put_bom(f->fp);
    if (f && header)
        fputs(header, f->fp); /* a write error stays in the stream: commit reports it */
    return f;
}

FILE *ts_atomicfile_stream(ts_atomicfile *f) { return f->fp; }

ts_status ts_atomicfile_commit(ts_atomicfile *f, ts_err *err)
{
    ts_status st = TS_OK;
    if (!f->tmp) {
        if (fflush(f->fp) != 0 || ferror(f->fp))
            st = ts_err_set(err, TS_E_IO, "standard output: write error: %s", strerror(errno));
        free(f);
        return st;
    }
    int bad = ferror(f->fp);
    if (fclose(f->fp) != 0 || bad)
        st = ts_err_set(err, TS_E_IO, "%s: write error: %s", f->path, strerror(errno ? errno : EIO));
    else if (rename(f->tmp, f->path) != 0)
        st = ts_err_set(err, TS_E_CANTCREAT, "%s: cannot replace: %s", f->path, strerror(errno));
    if (st != TS_OK)
        unlink(f->tmp);
    forget(f);
    free(f->tmp);
    free(f->path);
    free(f);
    return st;
}

void ts_atomicfile_abort(ts_atomicfile *f)
{
    if (!f)
        return;
    if (f->tmp) {
        fclose(f->fp);
        unlink(f->tmp);
    }
    forget(f);
    free(f->tmp);
    free(f->path);
    free(f);
}
