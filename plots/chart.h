/* chart.h — what one chart shows, independent of the output format, and the chart types.
 *
 * chartspec.c turns a [chart.NAME] section into a ts_chart; render.c draws it once per
 * format. Two bodies do the drawing: stacked 100% bars (chart_stacked.c) and bars or dots
 * of one value with an interval (chart_indicator.c); the multi-answer and comparison charts
 * (chart_multi.c, chart_compare.c) build rows for those bodies. */
#ifndef TS_CHART_H
#define TS_CHART_H

#include <stddef.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include "frame.h"
#include "reference.h"
#include "tables.h"
#include "text.h"

typedef enum { TS_CHART_STACKED, TS_CHART_INDICATOR, TS_CHART_MULTI, TS_CHART_COMPARE, TS_CHART_DIFFERENCE,
               TS_CHART_LINE, TS_CHART_GROUPED } ts_chart_type;

/* A line chart can take this many earlier waves' tables.csv ([chart.NAME] waves). */
enum { TS_MAX_WAVES = 20 };

typedef struct ts_chart {
    const char *name;              /* [chart.NAME]; output file stem */
    ts_chart_type type;
    const ts_ttable *table;        /* the rows of the tables CSV it draws; borrowed */
    char **codes;                  /* indicator, compare: the categories added up; owned */
    size_t ncodes;
    int dots;                      /* indicator: dots instead of bars */
    int census;                    /* [design] type = census: exact counts, no sampling error */
    const char *unit;              /* [privacy] units: 団体 (organisations) or 人 */
    const char *title;             /* never NULL */
    const char *survey_title;      /* [survey] title; "" when none */
    int synthetic;                 /* [survey] synthetic = yes */
    long min_cell;                 /* [privacy] min_cell (default 10) */
    int weighted;                  /* [table.NAME] weighted (default yes) */
    const ts_reference *reference; /* compare, grouped; borrowed */
    int value_count;               /* line, grouped: value = count (n_category), not the share */
    const ts_ttable *wave[TS_MAX_WAVES]; /* line: the same table in the earlier waves' tables.csv
                                      (waves = FILE, ...), oldest first; borrowed */
    size_t nwaves;
    char **wave_labels;            /* line: nwaves + 1 labels, this survey's last; owned */
    int counts;                    /* [input] counts: the table holds counts, not respondents (docs/counts.md) */
} ts_chart;

/* Stacked bars can show this many answer categories; more would not be legible. */
enum { TS_MAX_CATS = 12 };
/* A chart has at most this many bars (domains, options); more is refused, not cut. */
enum { TS_MAX_BARS = 60 };

/* One 100% bar: the shares of the categories, in the chart's category order. */
typedef struct ts_stackrow {
    const char *label;
    long n;                        /* base; -1: not shown */
    double share[TS_MAX_CATS];     /* 0..1; NAN when suppressed */
    int total;                     /* the whole population: drawn first, set apart */
} ts_stackrow;

typedef struct ts_stack {
    const char *cat_label[TS_MAX_CATS]; /* legend, in questionnaire order */
    size_t ncats;
    ts_stackrow *rows;
    size_t nrows;
    long min_cell;
} ts_stack;

/* One bar (or dot) of a single value with an optional interval. */
typedef struct ts_valuerow {
    const char *label;
    long n;                        /* base; -1: not shown */
    double value, lo, hi;          /* 0..1; lo, hi NAN: no interval */
    int suppressed;                /* drawn as ＊, no bar */
    int total;                     /* drawn in grey, first, set apart */
    int muted;                     /* drawn in grey (その他, 特にない after the sorted options) */
    int series;                    /* colour index (compare: survey 0, reference 1) */
    int from_complement;           /* value is 1 − the other categories: marked †, no interval */
} ts_valuerow;

typedef struct ts_values {
    ts_valuerow *rows;
    size_t nrows;
    int dots;
    int wrap_labels;               /* long option labels: two lines */
    int pairs;                     /* grouped bars: rows 2g, 2g+1 are one group, labelled by row 2g,
                                      with a legend of series_label (series 0 and 1) above */
    const char *series_label[2];
} ts_values;

/* Each chart type. With DRY set, add its footnotes to NOTES and return the height its body
 * wants for AREA.w (nothing is drawn); else draw the body into AREA (points), shrinking bars
 * to fit AREA.h, and return the height used (NOTES may be NULL). Data problems (a code not in
 * the table, too many categories, no 全体 row) set ERR and return -1. */
double ts_chart_stacked(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err);
double ts_chart_indicator(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err);
double ts_chart_multi(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err);
double ts_chart_compare(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err);
/* The table's difference rows (chart_difference.c): dots with intervals about a zero line. */
double ts_chart_difference(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err);
/* A share or count over waves or years (chart_line.c); side-by-side bars of several series
 * (chart_grouped.c). */
double ts_chart_line(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err);
double ts_chart_grouped(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err);
/* The value axis of the line and grouped charts: a round *TOP holding VMAX and its *STEP —
 * counts (COUNT nonzero) 1, 2, 2.5, 5 × 10^k (at least 1); shares steps of 5, 10 or 20 points
 * up to 100%. */
void ts_chart_value_axis(double vmax, int count, double *top, double *step);
/* The one above that draws C's type (the charts stage and the report both draw through it). */
double ts_chart_body(ts_pen *p, const ts_chart *c, ts_rect area, ts_notes *notes, int dry, ts_err *err);

/* The two bodies the four share: draw S or V into AREA (nothing with DRY) and return the
 * height used. */
double ts_chart_stacked_body(ts_pen *p, const ts_stack *s, ts_rect area, int dry);
double ts_chart_indicator_body(ts_pen *p, const ts_values *v, ts_rect area, int dry);

/* Fill ROW with the sum of C's codes in domain D (an interval only for a single code).
 * Returns 0, or -1 with ERR set for a code the table does not have. */
int ts_chart_indicator_row(const ts_chart *c, const ts_tdomain *d, ts_valuerow *row, ts_err *err);

/* Footnote lines every chart of C shares: weighting, source, synthetic data. */
void ts_chart_common_notes(const ts_chart *c, ts_notes *notes);
/* Who the table's counts are: 回答団体 ([privacy] units = organisations) or 回答者. Static. */
const char *ts_chart_respondents(const ts_chart *c);
/* The subtitle: survey title, base n of the whole population, weighted or not. Owned. */
char *ts_chart_subtitle(const ts_chart *c);
/* The whole-population domain of C's table (全体), or NULL. */
const ts_tdomain *ts_chart_total(const ts_chart *c);

#endif
