/* textenc.h — character encodings of raw survey exports: UTF-8 checks, CP932 (Shift_JIS as
 * Excel and Japanese web vendors write it) checks and conversion to UTF-8, and the guess
 * between the two that `--encoding auto` makes. */
#ifndef TS_TEXTENC_H
#define TS_TEXTENC_H

#include <stddef.h>

#include "status.h"
#include "strbuf.h"

typedef enum { TS_ENC_AUTO = 0, TS_ENC_UTF8, TS_ENC_CP932 } ts_encoding;

/* "auto", "utf-8", "cp932"; parse accepts utf8/UTF-8, cp932/sjis/shift_jis/windows-31j.
 * Returns -1 for an unknown name. */
int ts_encoding_parse(const char *name, ts_encoding *out);
const char *ts_encoding_name(ts_encoding enc);

/* Length of the longest prefix of S that is well-formed UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF). Equals N when all of S is valid. */
size_t ts_utf8_valid_prefix(const unsigned char *s, size_t n);

/* Number of malformed sequences in S read as CP932. A lead byte cut off at the very end of
 * S is not counted when AT_END_OK is set (S may be a window into a longer text). */
size_t ts_cp932_error_count(const unsigned char *s, size_t n, int at_end_ok);
/* Same for UTF-8, used by the guesser. */
size_t ts_utf8_error_count(const unsigned char *s, size_t n, int at_end_ok);

/* Guess the encoding of a sample that contains non-ASCII bytes: UTF-8 when it reads as
 * UTF-8 at least as cleanly as CP932 (valid UTF-8 Japanese is almost never valid CP932 in
 * bulk, and the reverse), else CP932. */
ts_encoding ts_encoding_guess(const unsigned char *s, size_t n, int at_end_ok);

/* A CP932 → UTF-8 converter (iconv). */
typedef struct ts_cp932 ts_cp932;
ts_cp932 *ts_cp932_open(ts_err *err);
/* Append the UTF-8 form of the CP932 bytes S to OUT. Returns 0, or the 1-based byte offset
 * in S of the first byte that is not valid CP932 (OUT then holds what came before it), or
 * -1 when memory runs out. */
long ts_cp932_convert(ts_cp932 *c, const char *s, size_t n, ts_strbuf *out);
void ts_cp932_close(ts_cp932 *c);

#endif
