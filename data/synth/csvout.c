/* csvout.c — see csvout.h. */
#include "csvout.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

struct synth_csv {
    FILE *fp;
    char *path;         /* target path; owned */
    char *tmp;          /* temporary path, NULL when writing to stdout; owned */
    const char *eol;    /* "\n" or "\r\n"; static */
    synth_enc enc;
    iconv_t cd;         /* UTF-8 -> CP932, (iconv_t)-1 when enc is UTF-8 */
    synth_buf rec;      /* the current record in UTF-8 */
    synth_buf conv;     /* its CP932 form */
    unsigned nfields;   /* fields in the current record so far */
    unsigned limit;     /* keep only this many fields; 0 = all */
    unsigned long lines;
};

synth_csv *synth_csv_open(const char *path, synth_enc enc, const char *eol, ts_err *err)
{
    synth_csv *w = calloc(1, sizeof *w);
    if (!w) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    w->eol = eol;
    w->enc = enc;
    w->cd = (iconv_t)-1;
    w->path = strdup(path);
    if (!w->path)
        goto nomem;
    if (enc == SYNTH_ENC_CP932) {
        w->cd = iconv_open("CP932", "UTF-8");
        if (w->cd == (iconv_t)-1) {
            ts_err_set(err, TS_E_INTERNAL, "iconv cannot convert UTF-8 to CP932: %s",
                          strerror(errno));
            goto fail;
        }
    }
    if (strcmp(path, "-") == 0) {
        w->fp = stdout;
        return w;
    }
    size_t n = strlen(path);
    w->tmp = malloc(n + sizeof ".tmpXXXXXX");
    if (!w->tmp)
        goto nomem;
    memcpy(w->tmp, path, n);
    memcpy(w->tmp + n, ".tmpXXXXXX", sizeof ".tmpXXXXXX");
    int fd = mkstemp(w->tmp);
    if (fd < 0) {
        ts_err_set(err, TS_E_CANTCREAT, "%s: cannot create: %s", path, strerror(errno));
        free(w->tmp);
        w->tmp = NULL;
        goto fail;
    }
    /* mkstemp makes the file 0600; outputs are data files others read */
    (void)fchmod(fd, 0644);
    w->fp = fdopen(fd, "wb");
    if (!w->fp) {
        ts_err_set(err, TS_E_CANTCREAT, "%s: cannot create: %s", path, strerror(errno));
        close(fd);
        goto fail;
    }
    return w;
nomem:
    ts_err_set(err, TS_E_NOMEM, "out of memory");
fail:
    synth_csv_abort(w);
    return NULL;
}

static void begin_field(synth_csv *w)
{
    if (w->nfields > 0)
        synth_buf_addc(&w->rec, ',');
    w->nfields++;
}

static int skipped(const synth_csv *w) { return w->limit && w->nfields >= w->limit; }

void synth_csv_field(synth_csv *w, const char *s)
{
    if (skipped(w))
        return;
    begin_field(w);
    if (strpbrk(s, ",\"\r\n") == NULL) {
        synth_buf_puts(&w->rec, s);
        return;
    }
    synth_buf_addc(&w->rec, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            synth_buf_addc(&w->rec, '"');
        if (*p == '\n')
            w->lines++; /* a quoted line break is a physical line of its own */
        synth_buf_addc(&w->rec, *p);
    }
    synth_buf_addc(&w->rec, '"');
}

void synth_csv_int(synth_csv *w, long long v)
{
    if (skipped(w))
        return;
    begin_field(w);
    synth_buf_addint(&w->rec, v);
}

void synth_csv_fixed(synth_csv *w, long long v, int dec)
{
    if (skipped(w))
        return;
    begin_field(w);
    synth_buf_addfixed(&w->rec, v, dec);
}

void synth_csv_empty(synth_csv *w)
{
    if (skipped(w))
        return;
    begin_field(w);
}

void synth_csv_truncate_at(synth_csv *w, unsigned n) { w->limit = n; }

/* Convert REC to CP932 into CONV. Every text we write is ours, so a character CP932 lacks
 * (say U+301C WAVE DASH instead of U+FF5E) is a bug in a label, reported with the record. */
static ts_status to_cp932(synth_csv *w, ts_err *err)
{
    synth_buf_reset(&w->conv);
    char *in = w->rec.s;
    size_t inleft = w->rec.len;
    iconv(w->cd, NULL, NULL, NULL, NULL);
    while (inleft > 0) {
        char chunk[4096];
        char *out = chunk;
        size_t outleft = sizeof chunk;
        size_t rc = iconv(w->cd, &in, &inleft, &out, &outleft);
        synth_buf_add(&w->conv, chunk, sizeof chunk - outleft);
        if (rc == (size_t)-1 && errno != E2BIG)
            return ts_err_set(err, TS_E_DATA,
                                 "%s: text not representable in CP932 near \"%.40s\"", w->path,
                                 in);
    }
    if (w->conv.oom)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    return TS_OK;
}

static ts_status write_rec(synth_csv *w, ts_err *err)
{
    synth_buf_puts(&w->rec, w->eol);
    w->lines++;
    if (w->rec.oom)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    const char *p = w->rec.s;
    size_t n = w->rec.len;
    if (w->enc == SYNTH_ENC_CP932) {
        ts_status st = to_cp932(w, err);
        if (st != TS_OK)
            return st;
        p = w->conv.s;
        n = w->conv.len;
    }
    if (n > 0 && fwrite(p, 1, n, w->fp) != n)
        return ts_err_set(err, TS_E_IO, "%s: write failed: %s", w->path, strerror(errno));
    synth_buf_reset(&w->rec);
    w->nfields = 0;
    w->limit = 0;
    return TS_OK;
}

ts_status synth_csv_end(synth_csv *w, ts_err *err) { return write_rec(w, err); }

ts_status synth_csv_comment(synth_csv *w, const char *text, ts_err *err)
{
    synth_buf_reset(&w->rec);
    synth_buf_puts(&w->rec, "# ");
    synth_buf_puts(&w->rec, text);
    return write_rec(w, err);
}

unsigned long synth_csv_lines(const synth_csv *w) { return w->lines; }

static void release(synth_csv *w)
{
    if (w->cd != (iconv_t)-1)
        iconv_close(w->cd);
    synth_buf_free(&w->rec);
    synth_buf_free(&w->conv);
    free(w->path);
    free(w->tmp);
    free(w);
}

ts_status synth_csv_commit(synth_csv *w, ts_err *err)
{
    ts_status st = TS_OK;
    if (!w->tmp) { /* stdout */
        if (fflush(w->fp) != 0 || ferror(w->fp))
            st = ts_err_set(err, TS_E_IO, "standard output: write failed: %s",
                               strerror(errno));
        release(w);
        return st;
    }
    int bad = ferror(w->fp);
    if (fclose(w->fp) != 0 || bad) {
        st = ts_err_set(err, TS_E_IO, "%s: write failed: %s", w->path, strerror(errno));
        unlink(w->tmp);
    } else if (rename(w->tmp, w->path) != 0) {
        st = ts_err_set(err, TS_E_CANTCREAT, "%s: cannot rename into place: %s", w->path,
                           strerror(errno));
        unlink(w->tmp);
    }
    w->fp = NULL;
    release(w);
    return st;
}

void synth_csv_abort(synth_csv *w)
{
    if (!w)
        return;
    if (w->fp && w->tmp) {
        fclose(w->fp);
        unlink(w->tmp);
    }
    release(w);
}
