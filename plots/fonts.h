/* fonts.h — the fonts every chart and report page is set in: Pango over fontconfig.
 *
 * Charts are read in Japanese, so the primary face must have kana and kanji: we ask
 * fontconfig for "Noto Sans CJK JP" (fonts-noto-cjk), accept whatever it matches only if it
 * covers a few test characters, and refuse to draw otherwise. Every other character (the
 * combining marks of a Vietnamese label typed in decomposed form, a symbol) is found by
 * Pango's fontconfig fallback; a character no installed font has is reported by text.c
 * (Pango's unknown glyphs), never drawn as an empty box (tofu).
 *
 * Layout is device-independent so PNG, PDF, SVG and the measuring pass agree to the last
 * unit, on every run: one Pango context at 72 dpi (a Pango unit is 1/1024 pt), identity
 * matrix, no hinting, no metric hinting, no rounding of glyph positions, language ja (so
 * Han characters take their Japanese forms whatever $LANG says), left-to-right. */
#ifndef TS_FONTS_H
#define TS_FONTS_H

#include <pango/pangocairo.h>
#include <stdint.h>

#include "status.h"

typedef struct ts_fonts ts_fonts;

/* Find the Japanese face and set up the layout context. Returns an owned object
 * (ts_fonts_free), or NULL with ERR set (TS_E_DATA: "no Japanese (CJK) font found: install
 * fonts-noto-cjk"). */
ts_fonts *ts_fonts_open(ts_err *err);
void ts_fonts_free(ts_fonts *f);

/* The one scratch layout that text.c fills, measures and draws for every string; borrowed
 * from F (so a pen needs nothing freed). Its context is F's, fixed as above. */
PangoLayout *ts_fonts_layout(const ts_fonts *f);
/* The family and weight (BOLD or regular), no size; borrowed from F. Bold is a bold weight
 * of the same family: fontconfig picks the nearest weight installed. */
const PangoFontDescription *ts_fonts_desc(const ts_fonts *f, int bold);
/* Whether some installed font has a glyph for code point CP: the Japanese face, else one of
 * the fonts fontconfig would fall back on. */
int ts_fonts_covers(const ts_fonts *f, uint32_t cp);
/* The file of the primary (regular) face and its family, for messages. Borrowed. */
const char *ts_fonts_file(const ts_fonts *f);
const char *ts_fonts_family(const ts_fonts *f);

/* The cairo font options every chart and page is drawn with: no hinting, no metric hinting,
 * grey antialiasing — the same glyph positions in every format and on every machine. Both the
 * layout context above and a canvas's cairo context (canvas.c) take them. An owned object
 * (cairo_font_options_destroy); cairo reports running out of memory in its status. */
cairo_font_options_t *ts_fonts_options_new(void);

/* Release cairo's and fontconfig's caches at the end of the run (so leak checkers see only
 * our own leaks). Call after every ts_fonts and cairo object is freed. */
void ts_fonts_shutdown(void);

#endif
