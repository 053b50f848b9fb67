/* textenc.c — see textenc.h. */
#include "textenc.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int ts_encoding_parse(const char *name, ts_encoding *out)
{
    static const struct { const char *name; ts_encoding enc; } names[] = {
        {"auto", TS_ENC_AUTO},   {"utf-8", TS_ENC_UTF8},     {"utf8", TS_ENC_UTF8},
        {"cp932", TS_ENC_CP932}, {"sjis", TS_ENC_CP932},     {"shift_jis", TS_ENC_CP932},
        {"shift-jis", TS_ENC_CP932}, {"windows-31j", TS_ENC_CP932}, {"ms932", TS_ENC_CP932},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *out = names[i].enc;
            return 0;
        }
    return -1;
}

const char *ts_encoding_name(ts_encoding enc)
{
    switch (enc) {
    case TS_ENC_AUTO: return "auto";
    case TS_ENC_UTF8: return "utf-8";
    case TS_ENC_CP932: return "cp932";
    }
    return "?";
}

/* Length of the valid UTF-8 sequence starting at S (1..4), 0 if malformed, or -1 if it is
 * a valid beginning cut off by the end of the buffer. */
static int utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    int len;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;       /* no overlongs */
        if (c == 0xED) hi = 0x9F;       /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;       /* nothing above U+10FFFF */
    } else
        return 0;
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return -1;
        unsigned b = s[i];
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
            return 0;
    }
    return len;
}

size_t ts_utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* Survey files are mostly ASCII digits and commas: skip 8 bytes at a time. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        int len = utf8_seq(s + i, n - i);
        if (len <= 0)
            return i;
        i += (size_t)len;
    }
    return n;
}

size_t ts_utf8_error_count(const unsigned char *s, size_t n, int at_end_ok)
{
    size_t errors = 0, i = 0;
    while (i < n) {
        int len = utf8_seq(s + i, n - i);
        if (len > 0)
            i += (size_t)len;
        else if (len < 0) {
            if (!at_end_ok)
                errors++;
            break;
        } else {
            errors++;
            i++;
        }
    }
    return errors;
}

static int cp932_lead(unsigned c) { return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC); }
static int cp932_trail(unsigned c) { return c >= 0x40 && c <= 0xFC && c != 0x7F; }

size_t ts_cp932_error_count(const unsigned char *s, size_t n, int at_end_ok)
{
    size_t errors = 0, i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80 || (c >= 0xA1 && c <= 0xDF)) { /* ASCII or half-width katakana */
            i++;
        } else if (cp932_lead(c)) {
            if (i + 1 >= n) {
                if (!at_end_ok)
                    errors++;
                break;
            }
            if (cp932_trail(s[i + 1]))
                i += 2;
            else {
                errors++;
                i++;
            }
        } else {
            errors++;
            i++;
        }
    }
    return errors;
}

ts_encoding ts_encoding_guess(const unsigned char *s, size_t n, int at_end_ok)
{
    size_t u = ts_utf8_error_count(s, n, at_end_ok);
    if (u == 0)
        return TS_ENC_UTF8;
    size_t c = ts_cp932_error_count(s, n, at_end_ok);
    return c < u ? TS_ENC_CP932 : TS_ENC_UTF8;
}

struct ts_cp932 {
    iconv_t cd;
};

ts_cp932 *ts_cp932_open(ts_err *err)
{
    ts_cp932 *c = malloc(sizeof *c);
    if (!c) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    c->cd = iconv_open("UTF-8", "CP932");
    if (c->cd == (iconv_t)-1) {
        free(c);
        ts_err_set(err, TS_E_INTERNAL, "this system's iconv cannot convert CP932 to UTF-8");
        return NULL;
    }
    return c;
}

long ts_cp932_convert(ts_cp932 *c, const char *s, size_t n, ts_strbuf *out)
{
    iconv(c->cd, NULL, NULL, NULL, NULL); /* each call starts in the initial state */
    char *in = (char *)s;
    size_t inleft = n;
    while (inleft > 0) {
        /* CP932 → UTF-8 at most triples a byte count; reserve generously, then loop. */
        if (ts_strbuf_reserve(out, inleft * 3 + 4) != 0)
            return -1;
        char *o = out->data + out->len;
        size_t oleft = out->cap - out->len - 1;
        size_t r = iconv(c->cd, &in, &inleft, &o, &oleft);
        out->len = (size_t)(o - out->data);
        out->data[out->len] = '\0';
        if (r == (size_t)-1) {
            if (errno == E2BIG)
                continue;
            return (long)(in - s) + 1; /* EILSEQ or EINVAL: a bad or cut-off sequence */
        }
    }
    return 0;
}

void ts_cp932_close(ts_cp932 *c)
{
    if (!c)
        return;
    iconv_close(c->cd);
    free(c);
}
