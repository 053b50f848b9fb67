/* canvas.h — one drawing surface per output file, PNG, PDF or SVG, from the same drawing code.
 *
 * Sizes are in millimetres; drawing code always works in points (1/72 inch): for PNG the
 * context is scaled by dpi/72. PNG files carry their resolution (a pHYs chunk) so word
 * processors paste them at print size; PDF metadata has a fixed creation date so the same
 * input gives the same bytes. Files are written to a temporary name and renamed into place. */
#ifndef TS_CANVAS_H
#define TS_CANVAS_H

#include <cairo.h>

#include "status.h"

typedef enum { TS_CANVAS_PNG, TS_CANVAS_PDF, TS_CANVAS_SVG } ts_canvas_format;

typedef struct ts_canvas ts_canvas;

/* Start drawing PATH as FORMAT, WIDTH_MM × HEIGHT_MM (DPI: PNG only). TITLE goes into the
 * PDF metadata. Returns an owned canvas (finish with ts_canvas_commit or ts_canvas_abort),
 * or NULL with ERR set (TS_E_CANTCREAT, TS_E_NOMEM). */
ts_canvas *ts_canvas_open(ts_canvas_format format, const char *path, double width_mm, double height_mm, int dpi,
                          const char *title, ts_err *err);
/* The context, in points with the origin at the top left. Borrowed. */
cairo_t *ts_canvas_cr(ts_canvas *c);
/* Check the drawing, finish the surface, write the file and rename it into place. Frees C. */
ts_status ts_canvas_commit(ts_canvas *c, ts_err *err);
/* Throw the drawing and the temporary file away. Frees C; NULL is fine. */
void ts_canvas_abort(ts_canvas *c);

/* Points per millimetre. */
#define TS_PT_PER_MM (72.0 / 25.4)

#endif
