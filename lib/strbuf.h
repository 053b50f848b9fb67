/* strbuf.h — a growable byte buffer, always NUL-terminated, for user data of any length. */
#ifndef TS_STRBUF_H
#define TS_STRBUF_H

#include <stddef.h>

typedef struct ts_strbuf {
    char *data;  /* owned; NUL-terminated when cap > 0 */
    size_t len;  /* bytes in use, not counting the terminator */
    size_t cap;  /* bytes allocated */
} ts_strbuf;

#define TS_STRBUF_INIT {NULL, 0, 0}

/* Each returns 0, or -1 when memory runs out (the buffer is then unchanged). */
int ts_strbuf_reserve(ts_strbuf *b, size_t extra);
int ts_strbuf_append(ts_strbuf *b, const void *bytes, size_t n);
int ts_strbuf_append_str(ts_strbuf *b, const char *s);
int ts_strbuf_append_char(ts_strbuf *b, char c);
int ts_strbuf_printf(ts_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ts_strbuf_reset(ts_strbuf *b);
void ts_strbuf_free(ts_strbuf *b);
/* Hand the bytes to the caller (who frees them) and leave B empty. Never NULL unless OOM. */
char *ts_strbuf_take(ts_strbuf *b);

/* strdup that returns NULL for NULL. */
char *ts_strdup(const char *s);
char *ts_strndup(const char *s, size_t n);

#endif
