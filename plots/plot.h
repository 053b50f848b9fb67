/* plot.h — tsunagari-plot's run: read the tables CSV and the manifest, find the Japanese
 * font, and render every chart asked for (docs/charts.md). main.c only parses options. */
#ifndef TS_PLOT_H
#define TS_PLOT_H

#include "render.h"
#include "status.h"

typedef struct ts_plot_options {
    const char *survey;        /* -s: the manifest; NULL for an ad hoc chart without one */
    const char *outdir;        /* -o */
    const char *tables;        /* TABLES.csv */
    const char *only;          /* -c: comma-separated chart names; NULL: all */
    ts_render_opts render;
    /* an ad hoc chart (--type ...): added as [chart.NAME] to the manifest */
    const char *type, *table, *codes, *title, *name, *style, *reference, *reference_row;
    int quiet;
} ts_plot_options;

/* Do the run. Returns TS_OK or a status with ERR set; progress goes to stdout unless quiet. */
ts_status ts_plot_run(const ts_plot_options *o, ts_err *err);

#endif
