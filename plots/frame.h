/* frame.h — what every chart has around its body: title, subtitle (survey, base n,
 * weighting), footnotes (suppression, intervals, source, synthetic data), and the drawing
 * helpers the bodies share. All lengths are in points. */
#ifndef TS_FRAME_H
#define TS_FRAME_H

#include <stddef.h>

#include "palette.h"
#include "text.h"

typedef struct ts_rect {
    double x, y, w, h;
} ts_rect;

enum { TS_MAX_NOTES = 12 };

typedef struct ts_notes {
    char *line[TS_MAX_NOTES]; /* owned; each a sentence of the footnote */
    size_t n;
    int oom;                  /* a line could not be added */
} ts_notes;

/* Add a line to NOTES (unless the same line is there already). */
void ts_notes_add(ts_notes *notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ts_notes_free(ts_notes *notes);

/* Page layout constants (points). */
#define TS_MARGIN 14.0
#define TS_FONT_TITLE 11.0
#define TS_FONT_SUB 7.5
#define TS_FONT_LABEL 8.0
#define TS_FONT_SMALL 6.5
#define TS_FONT_VALUE 7.0
#define TS_FONT_NOTE 6.5

/* Height of the title and subtitle block for a page WIDTH wide. */
double ts_frame_header_height(ts_pen *p, const char *title, const char *subtitle, double width);
/* Height of the footnote block. */
double ts_frame_footer_height(ts_pen *p, const ts_notes *notes, double width);
/* Draw title and subtitle at the top of PAGE and NOTES at its bottom. */
void ts_frame_draw(ts_pen *p, ts_rect page, const char *title, const char *subtitle, const ts_notes *notes);

/* "2,583" */
void ts_frame_count(long n, char buf[32]);

/* Drawing helpers. */
void ts_frame_color(ts_pen *p, ts_rgb c);
void ts_frame_fill(ts_pen *p, double x, double y, double w, double h, ts_rgb c);
/* A hatched box: the mark of a suppressed cell, visible in greyscale too. */
void ts_frame_hatch(ts_pen *p, double x, double y, double w, double h);
void ts_frame_line(ts_pen *p, double x0, double y0, double x1, double y1, double width, ts_rgb c);
/* The label of a bar, right-aligned at X and centred on Y: the label (one or two lines)
 * and, when N >= 0, "(n=N)" in small grey type after it or under it. */
void ts_frame_bar_label(ts_pen *p, double x, double y, double width, const char *label, long n, int two_lines);
/* Width the bar labels of LABELS/NS need (at most MAX). */
double ts_frame_label_width(ts_pen *p, const char *const *labels, const long *ns, size_t k, double max, int two_lines);

#endif
