/* buf.c — see buf.h. */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

static int reserve(synth_buf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (extra > (size_t)-1 / 2 - b->len - 1) {
        b->oom = 1;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = 1;
        return -1;
    }
    b->s = s;
    b->cap = cap;
    return 0;
}

void synth_buf_add(synth_buf *b, const char *s, size_t n)
{
    if (reserve(b, n) < 0)
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void synth_buf_puts(synth_buf *b, const char *s) { synth_buf_add(b, s, strlen(s)); }

void synth_buf_addc(synth_buf *b, char c) { synth_buf_add(b, &c, 1); }

void synth_buf_addint(synth_buf *b, long long v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    synth_buf_add(b, tmp + i, sizeof tmp - i);
}

void synth_buf_addfixed(synth_buf *b, long long v, int dec)
{
    long long p = 1;
    for (int i = 0; i < dec; i++)
        p *= 10;
    if (v < 0) {
        synth_buf_addc(b, '-');
        v = -v;
    }
    synth_buf_addint(b, v / p);
    if (dec <= 0)
        return;
    synth_buf_addc(b, '.');
    long long frac = v % p;
    for (long long q = p / 10; q > 0; q /= 10)
        synth_buf_addc(b, (char)('0' + (frac / q) % 10));
}

const char *synth_buf_cstr(synth_buf *b)
{
    if (reserve(b, 0) < 0)
        return "";
    b->s[b->len] = '\0';
    return b->s;
}

void synth_buf_reset(synth_buf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

void synth_buf_free(synth_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
