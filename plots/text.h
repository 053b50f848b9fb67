/* text.h — measuring, wrapping, truncating and drawing UTF-8 Japanese text with cairo.
 *
 * Japanese may break between any two characters, except before closing punctuation
 * (、。）」 …) and after opening brackets (kinsoku); runs of ASCII letters and digits break
 * only at spaces. A UTF-8 sequence is never split. Text the font cannot show is not drawn:
 * the pen records the first such character so the caller can fail instead of printing tofu. */
#ifndef TS_TEXT_H
#define TS_TEXT_H

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>

#include "fonts.h"

typedef struct ts_pen {
    cairo_t *cr;           /* borrowed; user units are points */
    const ts_fonts *fonts; /* borrowed */
    uint32_t missing;      /* first code point the font lacks (0: none so far) */
    char missing_in[200];  /* the text it was in (truncated) */
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
 * when the text does not fit). Sets *LINES to an owned array of owned strings (free with
 * ts_text_free_lines) and returns the number of lines, or -1 when out of memory. */
long ts_text_wrap(ts_pen *p, const char *s, double width, size_t max_lines, char ***lines);
void ts_text_free_lines(char **lines, long n);
/* Draw S wrapped into WIDTH starting with the first baseline at Y, lines LEADING apart;
 * returns the baseline of the last line (Y when nothing was drawn). */
double ts_text_draw_wrapped(ts_pen *p, double x, double y, double width, double leading, size_t max_lines,
                            const char *s, ts_align align);

#endif
