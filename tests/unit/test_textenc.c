/* Unit tests for lib/textenc.c: UTF-8 checks, CP932 checks and conversion, the guess. */
#include "harness.h"
#include "textenc.h"

static size_t valid(const char *s) { return ts_utf8_valid_prefix((const unsigned char *)s, strlen(s)); }

int main(void)
{
    /* UTF-8: ASCII, Japanese, and the malformed kinds */
    T_CHECK(valid("hello, world 1234567890") == 23);
    T_CHECK(valid("孤独・孤立") == strlen("孤独・孤立"));
    T_CHECK(valid("ab\xC0\xAF") == 2);          /* overlong '/' */
    T_CHECK(valid("ab\xED\xA0\x80") == 2);      /* surrogate */
    T_CHECK(valid("\xF4\x90\x80\x80") == 0);    /* above U+10FFFF */
    T_CHECK(valid("abc\xE5\xAD") == 3);         /* cut off */
    T_CHECK(valid("\x80") == 0);

    /* CP932: 山形 = 8E 52 8C 60; half-width katakana ｱ = B1 */
    const unsigned char sjis[] = {0x8E, 0x52, 0x8C, 0x60, 0xB1, 'a'};
    T_CHECK(ts_cp932_error_count(sjis, sizeof sjis, 0) == 0);
    const unsigned char bad[] = {0x8E, 0x0A};   /* lead byte then a newline */
    T_CHECK(ts_cp932_error_count(bad, sizeof bad, 0) == 1);
    T_CHECK(ts_cp932_error_count(sjis, 1, 1) == 0);  /* cut-off lead byte allowed at a window end */

    /* the guess */
    const char *utf8 = "回答ID,Q1 性別";
    T_CHECK(ts_encoding_guess((const unsigned char *)utf8, strlen(utf8), 0) == TS_ENC_UTF8);
    T_CHECK(ts_encoding_guess(sjis, sizeof sjis, 0) == TS_ENC_CP932);

    /* conversion */
    ts_err err = TS_ERR_INIT;
    ts_cp932 *c = ts_cp932_open(&err);
    T_CHECK(c != NULL);
    ts_strbuf out = TS_STRBUF_INIT;
    T_CHECK(ts_cp932_convert(c, (const char *)sjis, sizeof sjis, &out) == 0);
    T_CHECK_STR(out.data, "山形ｱa");
    ts_strbuf_reset(&out);
    const char half[] = {'x', (char)0x8E, (char)0x52, (char)0xFF, 'y'};
    T_CHECK(ts_cp932_convert(c, half, sizeof half, &out) == 4); /* 0xFF is the 4th byte */
    T_CHECK_STR(out.data, "x山");
    ts_strbuf_free(&out);
    ts_cp932_close(c);

    ts_encoding e;
    T_CHECK(ts_encoding_parse("Shift_JIS", &e) == 0 && e == TS_ENC_CP932);
    T_CHECK(ts_encoding_parse("UTF-8", &e) == 0 && e == TS_ENC_UTF8);
    T_CHECK(ts_encoding_parse("latin1", &e) == -1);
    T_DONE();
}
