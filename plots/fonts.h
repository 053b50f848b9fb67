/* fonts.h — the Japanese font every chart draws with, found through fontconfig.
 *
 * Charts are read in Japanese, so a font that lacks kana or kanji must never be used: the
 * toy text API would draw empty boxes (tofu) without a word. We ask fontconfig for
 * "Noto Sans CJK JP" (fonts-noto-cjk), accept whatever it matches only if it covers a few
 * test characters, and refuse to draw otherwise. */
#ifndef TS_FONTS_H
#define TS_FONTS_H

#include <cairo.h>
#include <stdint.h>

#include "status.h"

typedef struct ts_fonts ts_fonts;

/* Find the regular and bold Japanese faces. Returns an owned object (ts_fonts_free), or NULL
 * with ERR set (TS_E_DATA: "no Japanese (CJK) font found: install fonts-noto-cjk"). */
ts_fonts *ts_fonts_open(ts_err *err);
void ts_fonts_free(ts_fonts *f);

/* The faces; borrowed from F. Bold is the regular face when no CJK bold is installed. */
cairo_font_face_t *ts_fonts_face(const ts_fonts *f, int bold);
/* Whether the regular face has a glyph for code point CP. */
int ts_fonts_has(const ts_fonts *f, uint32_t cp);
/* The file of the regular face, for messages. Borrowed. */
const char *ts_fonts_file(const ts_fonts *f);

/* Release cairo's and fontconfig's caches at the end of the run (so leak checkers see only
 * our own leaks). Call after every ts_fonts and cairo object is freed. */
void ts_fonts_shutdown(void);

#endif
