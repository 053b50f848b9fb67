/* buf.h — a growable byte buffer with a sticky out-of-memory flag.
 *
 * Writers append many small pieces per CSV record; checking each append would bury the
 * logic, so a failed append only sets `oom` and later appends do nothing. The caller checks
 * `oom` once per record (the cairo idea of sticky errors). */
#ifndef SYNTH_BUF_H
#define SYNTH_BUF_H

#include <stddef.h>

typedef struct synth_buf {
    char *s;    /* NUL-terminated when len > 0 or after synth_buf_cstr(); owned */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
    int oom;    /* set once an append failed; the content is then incomplete */
} synth_buf;

#define SYNTH_BUF_INIT {NULL, 0, 0, 0}

void synth_buf_add(synth_buf *b, const char *s, size_t n);
void synth_buf_puts(synth_buf *b, const char *s);
void synth_buf_addc(synth_buf *b, char c);
/* Append V in decimal (no locale, no libm). */
void synth_buf_addint(synth_buf *b, long long v);
/* Append V/10^DEC with exactly DEC decimals, e.g. (1234, 2) -> "12.34", (-5, 1) -> "-0.5". */
void synth_buf_addfixed(synth_buf *b, long long v, int dec);
const char *synth_buf_cstr(synth_buf *b);
void synth_buf_reset(synth_buf *b);
void synth_buf_free(synth_buf *b);

#endif
