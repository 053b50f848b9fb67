/* text.h — measuring, wrapping, truncating and drawing UTF-8 text with Pango (HarfBuzz
 * shaping, fontconfig fallback) on a cairo context.
 *
 * Lines break where Unicode's line breaking (UAX #14, as Pango implements it) allows: in
 * Japanese between any two characters except before closing punctuation and other
 * non-starters (、。，．）」』】・ー ゃ ッ …) and after opening brackets (「（『【) — kinsoku
 * — and in Latin-script text at spaces and hyphens; a word wider than the whole line is cut
 * between characters. A label (text wrapped into at most 3 lines, or set in bold: a title, a
 * heading) prefers, of the places a line may break, one after ・ 、 or a space, or before a
 * bracket, when it keeps at least half of the line; a paragraph fills its lines. Nothing is ever cut inside a character or a
 * grapheme (a letter with its combining marks); decomposed letters are composed (NFC).
 *
 * Text no installed font can show is not drawn: the pen records the first such character
 * (a Pango unknown glyph) so the caller can fail instead of printing tofu. */
#ifndef TS_TEXT_H
#define TS_TEXT_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

#include "fonts.h"

typedef struct ts_pen {
    cairo_t *cr;           /* borrowed; user units are points */
    const ts_fonts *fonts; /* borrowed */
    uint32_t missing;      /* first code point no font has (0: none so far) */
    char missing_in[200];  /* the text it was in (truncated) */
    int bold;              /* the current face (ts_text_font) */
    double size;           /* points; 0 (a pen just made) means 10 */
    const char *lang;      /* BCP 47 language of the text drawn (borrowed; NULL: ja): Han
                              characters take its forms, e.g. "zh-cn" for a label_zh label */
} ts_pen;

typedef enum { TS_ALIGN_LEFT, TS_ALIGN_CENTER, TS_ALIGN_RIGHT } ts_align;

/* Select the Japanese face (BOLD or regular) at SIZE points. */
void ts_text_font(ts_pen *p, int bold, double size);
/* Advance width of S in the current font, in points. */
double ts_text_width(ts_pen *p, const char *s);
/* Draw S with its baseline at Y, aligned to X. */
void ts_text_draw(ts_pen *p, double x, double y, const char *s, ts_align align);
/* S cut to fit WIDTH, ending in "…" when cut. The caller frees it; NULL when out of memory. */
char *ts_text_fit(ts_pen *p, const char *s, double width);
/* Break S into at most MAX_LINES lines no wider than WIDTH (the last one truncated with "…"
 * when the text does not fit); a line feed in S ends a line. Sets *LINES to an owned array
 * of owned strings (free with ts_text_free_lines) and returns the number of lines, or -1 when
 * out of memory. */
long ts_text_wrap(ts_pen *p, const char *s, double width, size_t max_lines, char ***lines);
void ts_text_free_lines(char **lines, long n);
/* Draw S wrapped into WIDTH starting with the first baseline at Y, lines LEADING apart;
 * returns the baseline of the last line (Y when nothing was drawn). */
double ts_text_draw_wrapped(ts_pen *p, double x, double y, double width, double leading, size_t max_lines,
                            const char *s, ts_align align);
/* The first code point of S that no installed font has a glyph for, in the current font
 * (0 when every character can be shown). Records nothing in the pen. */
uint32_t ts_text_missing(ts_pen *p, const char *s);

#endif
