/* linereader.c — see linereader.h. */
#include "linereader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "strbuf.h"

enum {
    CHUNK = 1 << 20,                 /* bytes asked of zlib at a time */
    MAX_LINE = 64 << 20,             /* a physical line longer than this is not CSV */
    GUESS_WINDOW = 64 << 10          /* bytes looked at to guess the encoding */
};

struct ts_linereader {
    gzFile gz;                      /* NULL when reading from memory */
    const unsigned char *mem;       /* ts_linereader_open_mem: the text, its size, bytes taken */
    size_t mem_len, mem_pos;
    char *path;
    ts_encoding enc;
    int forced;                     /* encoding given by the user, not guessed */
    unsigned char *buf;             /* raw bytes; [start, end) not yet returned */
    size_t cap, start, end;
    int eof;
    unsigned long lineno;
    unsigned long cr_ends, first_cr_line, lf_ends;
    int leading_bom;                /* the file began with a UTF-8 BOM (stripped) */
    unsigned long long bytes;
    int was_gzip;
    ts_strbuf decoded;              /* the current line in UTF-8 */
    ts_cp932 *cp932;
};

/* A reader named NAME with its buffer, not yet attached to a file or to memory; NULL (and
 * ERR set) when memory runs out. */
static ts_linereader *reader_new(const char *name, ts_encoding enc, ts_err *err)
{
    ts_linereader *r = calloc(1, sizeof *r);
    if (r) {
        r->path = ts_strdup(name);
        r->enc = enc;
        r->forced = enc != TS_ENC_AUTO;
        r->cap = CHUNK * 2;
        r->buf = malloc(r->cap);
    }
    if (!r || !r->path || !r->buf) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        if (r) {
            free(r->path);
            free(r->buf);
        }
        free(r);
        return NULL;
    }
    return r;
}

ts_linereader *ts_linereader_open(const char *path, ts_encoding enc, ts_err *err)
{
    ts_linereader *r = reader_new(path, enc, err);
    if (!r)
        return NULL;
    r->gz = strcmp(path, "-") == 0 ? gzdopen(0, "rb") : gzopen(path, "rb");
    if (!r->gz) {
        ts_err_set(err, errno == ENOMEM ? TS_E_NOMEM : TS_E_NOINPUT, "%s: cannot open: %s", path,
                   errno ? strerror(errno) : "unknown error");
        free(r->path);
        free(r->buf);
        free(r);
        return NULL;
    }
    gzbuffer(r->gz, 256 << 10);
    return r;
}

ts_linereader *ts_linereader_open_mem(const void *data, size_t n, const char *name, ts_encoding enc,
                                      ts_err *err)
{
    ts_linereader *r = reader_new(name, enc, err);
    if (!r)
        return NULL;
    r->mem = data;
    r->mem_len = n;
    return r;
}

/* zlib's message for R's stream, without the "PATH: " that zlib puts in front of it
 * (our own message names the file already). */
static const char *gz_reason(const ts_linereader *r, int *zerr)
{
    const char *msg = gzerror(r->gz, zerr);
    size_t n = strlen(r->path);
    if (strncmp(msg, r->path, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
        msg += n + 2;
    return msg;
}

/* Move unread bytes to the front and read more. Returns bytes read, 0 at EOF, -1 on error. */
static long fill(ts_linereader *r, ts_err *err)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end < CHUNK) {
        if (r->cap >= (size_t)MAX_LINE + 2 * CHUNK) {
            ts_err_set(err, TS_E_DATA,
                       "%s:%lu: line is longer than %d MiB: is this really a CSV file?",
                       r->path, r->lineno + 1, MAX_LINE >> 20);
            return -1;
        }
        unsigned char *p = realloc(r->buf, r->cap * 2);
        if (!p) {
            ts_err_set(err, TS_E_NOMEM, "out of memory");
            return -1;
        }
        r->buf = p;
        r->cap *= 2;
    }
    /* One byte always stays free after the data, so a last line with no terminator can be
     * NUL-terminated in place. */
    size_t room = r->cap - r->end - 1;
    if (!r->gz) {
        size_t n = r->mem_len - r->mem_pos;
        if (n > room)
            n = room;
        if (n > CHUNK)
            n = CHUNK;
        if (n)
            memcpy(r->buf + r->end, r->mem + r->mem_pos, n);
        r->mem_pos += n;
        r->end += n;
        r->bytes += n;
        return (long)n;
    }
    int n = gzread(r->gz, r->buf + r->end, (unsigned)(room < CHUNK ? room : CHUNK));
    if (n < 0) {
        int zerr;
        const char *msg = gz_reason(r, &zerr);
        if (zerr == Z_ERRNO)
            ts_err_set(err, TS_E_IO, "%s: read error: %s", r->path, strerror(errno));
        else
            ts_err_set(err, TS_E_DATA, "%s: damaged gzip data (%s)", r->path, msg);
        return -1;
    }
    if (r->bytes == 0 && n > 0)
        r->was_gzip = !gzdirect(r->gz);
    if (n == 0) {
        /* zlib reports a stream cut short only as an error on the final read. */
        int zerr;
        const char *msg = gz_reason(r, &zerr);
        if (zerr != Z_OK && zerr != Z_STREAM_END) {
            if (zerr == Z_BUF_ERROR)
                ts_err_set(err, TS_E_DATA, "%s: gzip data ends early: the file is truncated", r->path);
            else
                ts_err_set(err, TS_E_DATA, "%s: damaged gzip data (%s)", r->path, msg);
            return -1;
        }
    }
    r->end += (size_t)n;
    r->bytes += (unsigned long long)n;
    return n;
}

static int has_bom_at(const unsigned char *s, size_t n)
{
    return n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF;
}

/* Offset of a UTF-8 BOM (U+FEFF) anywhere in S, or -1. */
static long find_bom(const unsigned char *s, size_t n)
{
    for (const unsigned char *p = s; (p = memchr(p, 0xEF, n - (size_t)(p - s))) != NULL; p++)
        if (has_bom_at(p, n - (size_t)(p - s)))
            return (long)(p - s);
    return -1;
}

static int any_high_bit(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] & 0x80)
            return 1;
    return 0;
}

/* Where the line in S[0, N) ends. Returns 1 with *LEN (bytes before the line end) and *TERM
 * (0 for none, else 1 or 2 bytes: LF, CR or CRLF) and *CR (the end is a lone CR); 0 when the
 * end cannot be known yet (no line end, or a CR as the last byte: is an LF next?) and more
 * input may follow. FROM bytes at the front are known to hold neither LF nor CR. */
static int find_line_end(const unsigned char *s, size_t n, size_t from, int eof, size_t *len, size_t *term,
                         int *cr)
{
    const unsigned char *lf = memchr(s + from, '\n', n - from);
    size_t limit = lf ? (size_t)(lf - s) : n;
    const unsigned char *c = memchr(s + from, '\r', limit - from);
    *cr = 0;
    if (c) {
        size_t at = (size_t)(c - s);
        if (at + 1 == n && !eof)
            return 0;
        *len = at;
        if (at + 1 < n && s[at + 1] == '\n') {
            *term = 2;
        } else {
            *term = 1;
            *cr = 1;
        }
        return 1;
    }
    if (lf) {
        *len = limit;
        *term = 1;
        return 1;
    }
    if (!eof)
        return 0;
    *len = n;
    *term = 0;
    return 1;
}

int ts_linereader_next(ts_linereader *r, ts_line *line, ts_err *err)
{
    size_t scanned = 0, len = 0, term = 0;
    int cr = 0;
    for (;;) {
        size_t avail = r->end - r->start;
        if (find_line_end(r->buf + r->start, avail, scanned, r->eof, &len, &term, &cr))
            break;
        /* Nothing up to the last byte ends the line; that byte may be a CR waiting for its LF. */
        scanned = avail > 0 ? avail - 1 : 0;
        long n = fill(r, err);
        if (n < 0)
            return -1;
        if (n == 0)
            r->eof = 1;
    }
    if (term == 0 && len == 0)
        return 0;

    if (r->lineno == 0 && r->bytes > 0) {
        /* First line: a UTF-8 byte-order mark says the encoding and is not data. Given
         * --encoding cp932 the user has said otherwise: the mark is put in front of CP932
         * text by some converters, and is dropped all the same. */
        if (has_bom_at(r->buf + r->start, len)) {
            r->start += 3;
            len -= 3;
            r->leading_bom = 1;
            if (r->enc != TS_ENC_CP932)
                r->enc = TS_ENC_UTF8;
        }
    }
    unsigned char *s = r->buf + r->start;
    r->start += len + term;
    r->lineno++;
    line->lineno = r->lineno;
    line->ended_by_newline = term != 0;
    line->ended_by_cr = cr;
    if (cr) {
        if (r->cr_ends++ == 0)
            r->first_cr_line = r->lineno;
    } else if (term) {
        r->lf_ends++;
    }

    line->problem = TS_LINE_OK;
    line->problem_offset = 0;

    if (r->enc == TS_ENC_AUTO && any_high_bit(s, len)) {
        /* Guess from the first line with non-ASCII bytes (normally the Japanese header):
         * Japanese UTF-8 often happens to be valid CP932 too, but CP932 is almost never
         * valid UTF-8, so a line that reads as UTF-8 settles it. Only a line that is neither
         * falls back on comparing the two over what follows in the buffer. */
        if (ts_utf8_valid_prefix(s, len) == len)
            r->enc = TS_ENC_UTF8;
        else if (ts_cp932_error_count(s, len, 0) == 0)
            r->enc = TS_ENC_CP932;
        else {
            size_t avail = r->end - (size_t)(s - r->buf);
            size_t window = avail < GUESS_WINDOW ? avail : GUESS_WINDOW;
            r->enc = ts_encoding_guess(s, window, window < avail || !r->eof);
        }
    }
    if (r->enc == TS_ENC_CP932 && !r->cp932) {
        r->cp932 = ts_cp932_open(err);
        if (!r->cp932)
            return -1;
    }

    const char *nulp = memchr(s, '\0', len);
    if (nulp) {
        line->problem = TS_LINE_NUL;
        line->problem_offset = (size_t)(nulp - (const char *)s);
    } else if (r->enc == TS_ENC_CP932) {
        if (has_bom_at(s, len)) {
            line->problem = TS_LINE_BOM;
        } else {
            ts_strbuf_reset(&r->decoded);
            long bad = ts_cp932_convert(r->cp932, (const char *)s, len, &r->decoded);
            if (bad < 0) {
                ts_err_set(err, TS_E_NOMEM, "out of memory");
                return -1;
            }
            if (bad == 0) {
                line->text = r->decoded.data ? r->decoded.data : "";
                line->len = r->decoded.len;
                return 1;
            }
            /* iconv stops at the first byte that starts no CP932 character; a BOM there
             * (EF is no CP932 lead byte in use) is a UTF-8 file joined on, not a typo. */
            line->problem = has_bom_at(s + bad - 1, len - (size_t)(bad - 1)) ? TS_LINE_BOM : TS_LINE_BAD_ENCODING;
            line->problem_offset = (size_t)bad - 1;
        }
    } else {
        size_t ok = ts_utf8_valid_prefix(s, len);
        if (ok < len) {
            line->problem = TS_LINE_BAD_ENCODING;
            line->problem_offset = ok;
        } else if (memchr(s, 0xEF, len)) { /* a BOM starts with EF; memchr is the cheap test */
            long bom = find_bom(s, len);
            if (bom >= 0) {
                line->problem = TS_LINE_BOM;
                line->problem_offset = (size_t)bom;
            }
        }
    }
    /* Hand out the bytes where they are, NUL-terminated over the line end (already consumed),
     * so callers may use string functions: no copy on the path every line takes. */
    s[len] = '\0';
    line->text = (const char *)s;
    line->len = len;
    return 1;
}

ts_encoding ts_linereader_encoding(const ts_linereader *r) { return r->enc; }
int ts_linereader_was_gzip(const ts_linereader *r) { return r->was_gzip; }
unsigned long long ts_linereader_bytes(const ts_linereader *r) { return r->bytes; }
int ts_linereader_leading_bom(const ts_linereader *r) { return r->leading_bom; }
unsigned long ts_linereader_lf_ends(const ts_linereader *r) { return r->lf_ends; }

unsigned long ts_linereader_cr_ends(const ts_linereader *r, unsigned long *first_line)
{
    if (first_line)
        *first_line = r->first_cr_line;
    return r->cr_ends;
}

ts_status ts_linereader_close(ts_linereader *r, ts_err *err)
{
    if (!r)
        return TS_OK;
    ts_status st = TS_OK;
    /* zlib may report a truncated stream only here (Z_BUF_ERROR). */
    int rc = r->gz ? gzclose_r(r->gz) : Z_OK;
    if (rc == Z_BUF_ERROR)
        st = ts_err_set(err, TS_E_DATA, "%s: gzip data ends early: the file is truncated", r->path);
    else if (rc != Z_OK)
        st = ts_err_set(err, rc == Z_ERRNO ? TS_E_IO : TS_E_DATA, "%s: %s", r->path,
                        rc == Z_ERRNO ? strerror(errno) : "damaged gzip data");
    ts_cp932_close(r->cp932);
    ts_strbuf_free(&r->decoded);
    free(r->buf);
    free(r->path);
    free(r);
    return st;
}
