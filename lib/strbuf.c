/* strbuf.c — see strbuf.h. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ts_strbuf_reserve(ts_strbuf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int ts_strbuf_append(ts_strbuf *b, const void *bytes, size_t n)
{
    if (ts_strbuf_reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int ts_strbuf_append_str(ts_strbuf *b, const char *s)
{
    return ts_strbuf_append(b, s, strlen(s));
}

int ts_strbuf_append_char(ts_strbuf *b, char c)
{
    return ts_strbuf_append(b, &c, 1);
}

int ts_strbuf_printf(ts_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || ts_strbuf_reserve(b, (size_t)n) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void ts_strbuf_reset(ts_strbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void ts_strbuf_free(ts_strbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *ts_strbuf_take(ts_strbuf *b)
{
    /* An empty buffer that never had a byte appended still hands back a string: "". */
    if (!b->data && (ts_strbuf_reserve(b, 0) != 0 || (b->data[0] = '\0')))
        return NULL;
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

char *ts_strdup(const char *s)
{
    return s ? ts_strndup(s, strlen(s)) : NULL;
}

char *ts_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}
