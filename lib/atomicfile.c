/* atomicfile.c — see atomicfile.h. */
#include "atomicfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"

struct ts_atomicfile {
    FILE *fp;
    char *path;
    char *tmp;   /* NULL when writing to stdout */
};

ts_atomicfile *ts_atomicfile_open(const char *path, ts_err *err)
{
    ts_atomicfile *f = calloc(1, sizeof *f);
    if (!f) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
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
    int fd = mkstemp(f->tmp);
    if (fd < 0 || !(f->fp = fdopen(fd, "wb"))) {
        ts_err_set(err, TS_E_CANTCREAT, "%s: cannot create: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(f->tmp);
        }
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
    free(f->tmp);
    free(f->path);
    free(f);
}
