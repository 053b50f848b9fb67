/* render.h — one chart to its files: lay out title, body and footnotes, then draw the same
 * picture once per format into OUTDIR/NAME.png, .pdf, .svg. */
#ifndef TS_RENDER_H
#define TS_RENDER_H

#include "chart.h"
#include "fonts.h"

enum { TS_RENDER_PNG = 1, TS_RENDER_PDF = 2, TS_RENDER_SVG = 4 };

typedef struct ts_render_opts {
    int formats;        /* TS_RENDER_* bits */
    double width_mm;    /* page width */
    double height_mm;   /* page height; 0: as tall as the chart needs (at most an A4 page) */
    int dpi;            /* PNG resolution */
} ts_render_opts;

/* Draw C into OUTDIR. Returns TS_OK, or a status with ERR set: TS_E_DATA for data the
 * chart cannot show (a label the font lacks, a code not in the table), TS_E_CANTCREAT or
 * TS_E_IO for the files (none is left half-written). */
ts_status ts_render_chart(const ts_chart *c, const ts_fonts *fonts, const ts_render_opts *o, const char *outdir,
                          ts_err *err);

#endif
