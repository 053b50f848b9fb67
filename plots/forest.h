/* forest.h — the forest chart of a logistic model: the odds ratio of every level of every
 * predictor of one model of models.csv (tsunagari-model; docs/models-format.md) as a point
 * with its confidence interval on a log scale, each factor's reference level at 1 — the
 * figure national reports give 「孤独感と関連する要因」. tsunagari-plot --forest draws it
 * (docs/charts.md). Self-contained: it reads models.csv itself, and shares with the other
 * charts only the canvas, the fonts, the frame (title, footnotes) and the palette. */
#ifndef TS_FOREST_H
#define TS_FOREST_H

#include "frame.h"
#include "render.h"
#include "status.h"

typedef struct ts_forest_options {
    const char *models;   /* models.csv */
    const char *model;    /* the [model.NAME] to draw */
    const char *survey;   /* the manifest, for [survey] title and synthetic; may be NULL */
    const char *outdir;   /* made when missing */
    const char *title;    /* NULL: "TITLE：オッズ比と95%信頼区間", TITLE the model's title, else NAME */
    const char *name;     /* output file stem; NULL: forest_NAME */
    ts_render_opts render;
    int quiet;
} ts_forest_options;

/* The parts, for a caller that draws into its own page (tsunagari-report's report.pdf):
 * the rows of MODEL of MODELS_CSV (NULL with ERR set: TS_E_DATA as for ts_forest_run), the
 * body drawn into AREA (with DRY only its height), its footnotes, its n and level. */
typedef struct ts_forest ts_forest;
ts_forest *ts_forest_load(const char *models_csv, const char *model, ts_err *err);
void ts_forest_free(ts_forest *f);
double ts_forest_body(ts_pen *p, const ts_forest *f, ts_rect area, int dry);
void ts_forest_notes(const ts_forest *f, const char *survey_title, int synthetic, ts_notes *notes);
long ts_forest_n(const ts_forest *f); /* -1: withheld ([privacy] min_cell) */
/* The model's name for readers: its [model.NAME] title (models.csv model_title), else NAME. */
const char *ts_forest_title(const ts_forest *f);
double ts_forest_level(const ts_forest *f);

/* Read the model, draw it into OUTDIR/NAME.png, .pdf, .svg (as render.c does: measured once,
 * each file written to a temporary name and renamed). TS_E_DATA for a model that is not in
 * the file or not logistic, a row without an odds ratio, a glyph the font lacks. */
ts_status ts_forest_run(const ts_forest_options *o, ts_err *err);

#endif
