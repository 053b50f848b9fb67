/* forest.c — see forest.h. The layout: labels on the left (each predictor's label in bold,
 * its levels indented under it, the reference level marked （基準） with a hollow point at 1),
 * the odds ratios on a log axis in the middle with a dashed line at 1 (no association), the
 * numbers "1.15 (0.84–1.57)" on the right. A log axis because an odds ratio of 2 and one of
 * 1/2 are the same distance from 1. */
#include "forest.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "canvas.h"
#include "csvtable.h"
#include "frame.h"
#include "i18n.h"
#include "manifest.h"
#include "numparse.h"
#include "palette.h"
#include "schema.h"
#include "strbuf.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define ROW_H 13.0
#define AXIS_H 16.0
#define MAX_ROWS 80

typedef struct frow {
    char *label;          /* owned */
    int header, ref;      /* a predictor's name line; its reference level */
    int hidden;           /* withheld by [privacy] min_cell (models.csv suppressed = yes): ＊, no point */
    double or, lo, hi;
} frow;

struct ts_forest {
    frow rows[MAX_ROWS];
    size_t n;
    long nresp;           /* -1: withheld */
    int nhidden;          /* rows withheld */
    double df, level;
    char *survey_title;   /* owned; "" when none */
    int synthetic;
    char *model;          /* owned */
    char *title;          /* owned: models.csv's model_title ([model.NAME] title); NULL or "" when none */
};
typedef struct ts_forest forest;

static void forest_free(forest *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->rows[i].label);
    free(f->survey_title);
    free(f->model);
    free(f->title);
}

static double num(const char *s)
{
    double x;
    return s && *s && ts_parse_double(s, strlen(s), &x) == 0 ? x : NAN;
}

static ts_status add_row(forest *f, const char *label, int header, int ref, int hidden, double or, double lo, double hi,
                         ts_err *err)
{
    if (f->n == MAX_ROWS)
        return ts_err_set(err, TS_E_DATA, "model %s: more than %d rows: too many to draw", f->model, MAX_ROWS);
    frow *r = &f->rows[f->n];
    if (!(r->label = ts_strdup(label)))
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    r->header = header;
    r->ref = ref;
    r->hidden = hidden;
    f->nhidden += hidden;
    r->or = or;
    r->lo = lo;
    r->hi = hi;
    f->n++;
    return TS_OK;
}

/* The model's rows of models.csv into F. */
static ts_status load(const char *models, const char *model_name, forest *f, ts_err *err)
{
    const struct {
        const char *models, *model;
    } oo = {models, model_name}, *o = &oo;
    ts_csvtable_opts copt = {.keep_rows = 1, .max_rows = 1000000};
    ts_csvtable *t = ts_csvtable_read(o->models, TS_ENC_UTF8, &copt, err);
    if (!t)
        return err->status;
    ts_status st = TS_OK;
    static const char *need[] = {"model", "family", "statistic", "term", "label", "odds_ratio", "or_low", "or_high",
                                 "df", "ci_level", "n", "term_label"};
    for (size_t k = 0; k < sizeof need / sizeof need[0] && st == TS_OK; k++)
        if (ts_csvtable_col(t, need[k]) < 0)
            st = ts_err_set(err, TS_E_DATA, "%s: no column %s: not a models.csv of tsunagari-model", o->models, need[k]);
    ts_strbuf names = TS_STRBUF_INIT;
    const char *last_term = NULL;
    size_t found = 0;
    for (size_t r = 0; r < t->nrows && st == TS_OK; r++) {
        const char *model = ts_csvtable_get(t, r, "model");
        if (strcmp(model, o->model) != 0) {
            if (!names.data || !strstr(names.data, model))
                ts_strbuf_printf(&names, "%s%s", names.data ? ", " : "", model);
            continue;
        }
        found++;
        if (!f->title && !(f->title = ts_strdup(ts_csvtable_get(t, r, "model_title")))) {
            st = ts_err_set(err, TS_E_NOMEM, "out of memory");
            break;
        }
        if (strcmp(ts_csvtable_get(t, r, "family"), "logistic") != 0) {
            st = ts_err_set(err, TS_E_DATA, "%s: model %s is %s: a forest chart shows the odds ratios of a logistic model",
                            o->models, o->model, ts_csvtable_get(t, r, "family"));
            break;
        }
        const char *stat = ts_csvtable_get(t, r, "statistic"), *term = ts_csvtable_get(t, r, "term");
        int ref = strcmp(stat, "reference") == 0;
        if ((!ref && strcmp(stat, "coefficient") != 0) || strcmp(term, "(Intercept)") == 0)
            continue;
        double nr = num(ts_csvtable_get(t, r, "n"));
        f->nresp = isnan(nr) ? -1 : (long)nr;
        f->level = num(ts_csvtable_get(t, r, "ci_level"));
        if (!ref)
            f->df = num(ts_csvtable_get(t, r, "df"));
        const char *tl = ts_csvtable_get(t, r, "term_label"), *label = ts_csvtable_get(t, r, "label");
        const char *tname = *tl ? tl : term;
        int factor = *label != '\0';
        if (factor && (!last_term || strcmp(last_term, term) != 0))
            st = add_row(f, tname, 1, 0, 0, NAN, NAN, NAN, err);
        last_term = term;
        int hidden = strcmp(ts_csvtable_get(t, r, "suppressed"), "yes") == 0;
        double or = hidden ? NAN : ref ? 1 : num(ts_csvtable_get(t, r, "odds_ratio"));
        double lo = ref || hidden ? NAN : num(ts_csvtable_get(t, r, "or_low"));
        double hi = ref || hidden ? NAN : num(ts_csvtable_get(t, r, "or_high"));
        if (st == TS_OK && !hidden && !(or > 0 && isfinite(or)))
            st = ts_err_set(err, TS_E_DATA, "%s:%lu: model %s, %s %s: no odds ratio to draw", o->models, t->line[r],
                            o->model, term, label);
        if (st != TS_OK)
            break;
        ts_strbuf lb = TS_STRBUF_INIT;
        if (factor)
            ts_strbuf_printf(&lb, "%s%s", label, ref ? TR("（基準）") : "");
        else
            ts_strbuf_printf(&lb, TR("%s（1増えるごと）"), tname);
        st = lb.data ? add_row(f, lb.data, 0, ref, hidden, or, lo, hi, err) : ts_err_set(err, TS_E_NOMEM, "out of memory");
        ts_strbuf_free(&lb);
    }
    if (st == TS_OK && !found)
        st = ts_err_set(err, TS_E_DATA, "%s: no model %s (its models: %s)", o->models, o->model,
                        names.data ? names.data : "none");
    else if (st == TS_OK && f->n == 0)
        st = ts_err_set(err, TS_E_DATA, "%s: model %s has no predictor to draw", o->models, o->model);
    ts_strbuf_free(&names);
    ts_csvtable_free(t);
    return st;
}

/* A log axis from the tick at or below the smallest limit to the one at or above the largest,
 * 1 always inside. */
static void axis(const forest *f, double *a, double *b)
{
    static const double ticks[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100};
    double lo = 1, hi = 1;
    for (size_t i = 0; i < f->n; i++) {
        const frow *r = &f->rows[i];
        if (r->header || r->hidden)
            continue;
        lo = fmin(lo, isnan(r->lo) ? r->or : r->lo);
        hi = fmax(hi, isnan(r->hi) ? r->or : r->hi);
    }
    size_t n = sizeof ticks / sizeof ticks[0];
    *a = ticks[0];
    *b = ticks[n - 1];
    for (size_t i = 0; i < n; i++)
        if (ticks[i] <= lo * (1 + 1e-12))
            *a = ticks[i];
    for (size_t i = n; i-- > 0;)
        if (ticks[i] >= hi * (1 - 1e-12))
            *b = ticks[i];
}

/* An odds ratio for the numbers column: two decimals, "<0.01" and ">999" beyond them (a
 * wild interval of a thin model must not run off the page). */
static void fmt_or(double v, char buf[24])
{
    if (v < 0.005)
        snprintf(buf, 24, "<0.01");
    else if (v >= 999.995)
        snprintf(buf, 24, ">999");
    else
        snprintf(buf, 24, "%.2f", v);
}

/* The body into AREA; with DRY only its height. */
static double body(ts_pen *p, const forest *f, ts_rect area, int dry)
{
    double h = (double)f->n * ROW_H + AXIS_H + 6;
    if (dry)
        return h;
    /* label column: the widest label; numbers column: "10.00 (10.00–10.00)" */
    ts_text_font(p, 1, TS_FONT_LABEL);
    double lw = 0;
    for (size_t i = 0; i < f->n; i++) {
        ts_text_font(p, f->rows[i].header, TS_FONT_LABEL);
        lw = fmax(lw, ts_text_width(p, f->rows[i].label) + (f->rows[i].header ? 0 : 8));
    }
    lw = fmin(lw, area.w * 0.38);
    ts_text_font(p, 0, TS_FONT_VALUE);
    double vw = ts_text_width(p, "10.00 (10.00–10.00)") + 6;
    double x0 = area.x + lw + 8, x1 = area.x + area.w - vw;
    double a, b;
    axis(f, &a, &b);
    double la = log(a), lb = log(b);
#define XOF(v) (x0 + (x1 - x0) * (log(v) - la) / (lb - la))
    double y0 = area.y + 2, yb = y0 + (double)f->n * ROW_H;
    /* grid and the axis labels */
    static const double ticks[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100};
    ts_text_font(p, 0, TS_FONT_SMALL);
    for (size_t k = 0; k < sizeof ticks / sizeof ticks[0]; k++) {
        double v = ticks[k];
        if (v < a * (1 - 1e-12) || v > b * (1 + 1e-12))
            continue;
        double x = XOF(v);
        if (v == 1) {
            /* the line of no association, dashed */
            cairo_save(p->cr);
            double dash[] = {2.5, 2};
            cairo_set_dash(p->cr, dash, 2, 0);
            ts_frame_line(p, x, y0 - 2, x, yb + 2, 0.8, TS_HATCH);
            cairo_restore(p->cr);
        } else {
            ts_frame_line(p, x, y0 - 2, x, yb + 2, 0.4, TS_GRID);
        }
        char buf[16];
        snprintf(buf, sizeof buf, "%g", v);
        ts_frame_color(p, (ts_rgb){0.35, 0.35, 0.35});
        ts_text_draw(p, x, yb + 4 + TS_FONT_SMALL, buf, TS_ALIGN_CENTER);
    }
    ts_frame_color(p, (ts_rgb){0.35, 0.35, 0.35});
    ts_text_draw(p, (x0 + x1) / 2, yb + 6 + 2 * TS_FONT_SMALL, TR("オッズ比（対数目盛）"), TS_ALIGN_CENTER);
    ts_rgb col = ts_palette_qualitative(4); /* Okabe–Ito blue */
    for (size_t i = 0; i < f->n; i++) {
        const frow *r = &f->rows[i];
        double ym = y0 + (double)i * ROW_H + ROW_H / 2, base = ym + TS_FONT_LABEL * 0.36;
        ts_text_font(p, r->header, TS_FONT_LABEL);
        ts_frame_color(p, TS_INK);
        char *fit = ts_text_fit(p, r->label, lw - (r->header ? 0 : 8));
        ts_text_draw(p, area.x + (r->header ? 0 : 8), base, fit ? fit : r->label, TS_ALIGN_LEFT);
        free(fit);
        if (r->header)
            continue;
        if (r->hidden) { /* withheld: no point, no interval, as a table's ＊ */
            ts_text_font(p, 0, TS_FONT_VALUE);
            ts_frame_color(p, TS_INK);
            ts_text_draw(p, x1 + 6, ym + TS_FONT_VALUE * 0.36, TR("＊ 非表示"), TS_ALIGN_LEFT);
            continue;
        }
        double x = XOF(r->or);
        if (r->ref) {
            ts_frame_color(p, TS_INK);
            cairo_set_line_width(p->cr, 0.8);
            cairo_new_path(p->cr);
            cairo_arc(p->cr, x, ym, 2.6, 0, 2 * M_PI);
            cairo_stroke(p->cr);
            ts_text_font(p, 0, TS_FONT_VALUE);
            ts_text_draw(p, x1 + 6, ym + TS_FONT_VALUE * 0.36, "1", TS_ALIGN_LEFT);
            continue;
        }
        if (!isnan(r->lo) && !isnan(r->hi)) {
            /* an interval beyond the axis (a small domain, few PSUs) ends in an arrow at its edge */
            int cut_lo = r->lo < a, cut_hi = r->hi > b;
            double xl = XOF(cut_lo ? a : r->lo), xh = XOF(cut_hi ? b : r->hi), cap = 2.4;
            ts_frame_line(p, xl, ym, xh, ym, 0.9, TS_INK);
            if (cut_lo) {
                ts_frame_line(p, xl, ym, xl + 3.5, ym - 2.4, 0.9, TS_INK);
                ts_frame_line(p, xl, ym, xl + 3.5, ym + 2.4, 0.9, TS_INK);
            } else
                ts_frame_line(p, xl, ym - cap, xl, ym + cap, 0.9, TS_INK);
            if (cut_hi) {
                ts_frame_line(p, xh, ym, xh - 3.5, ym - 2.4, 0.9, TS_INK);
                ts_frame_line(p, xh, ym, xh - 3.5, ym + 2.4, 0.9, TS_INK);
            } else
                ts_frame_line(p, xh, ym - cap, xh, ym + cap, 0.9, TS_INK);
        }
        if (r->or >= a && r->or <= b)
            ts_frame_fill(p, x - 2.8, ym - 2.8, 5.6, 5.6, col);
        char buf[96], so[24], sl[24], sh[24];
        fmt_or(r->or, so);
        fmt_or(r->lo, sl);
        fmt_or(r->hi, sh);
        if (!isnan(r->lo) && !isnan(r->hi))
            snprintf(buf, sizeof buf, "%s (%s–%s)", so, sl, sh);
        else
            snprintf(buf, sizeof buf, "%s", so);
        ts_text_font(p, 0, TS_FONT_VALUE);
        ts_frame_color(p, TS_INK);
        ts_text_draw(p, x1 + 6, ym + TS_FONT_VALUE * 0.36, buf, TS_ALIGN_LEFT);
    }
#undef XOF
    return h;
}

static void notes(const forest *f, ts_notes *nt)
{
    /* no bracket or 、 late in the line: the wrap would take the break there */
    ts_notes_add(nt, TR("■はオッズ比、線は%g%%信頼区間（デザインに基づく標準誤差、自由度%g の t 分布）。"
                     "○は基準のカテゴリーでオッズ比は1。ほかの変数を調整した値。"),
                 round(f->level * 1000) / 10, f->df);
    ts_notes_add(nt, TR("ウェイト付けしたロジスティック回帰（R survey の svyglm, quasibinomial に等しい）。"
                     "nは欠測のない回答者数。"));
    if (f->nhidden)
        ts_notes_add(nt, TR("＊ 回答者が少ないため、または他の数値から逆算されないよう非表示（[privacy] min_cell）。"));
    ts_notes_add(nt, TR("資料：%s（モデル %s、tsunagari による推定）"), f->survey_title[0] ? f->survey_title : TR("本調査"), f->model);
    if (f->synthetic)
        ts_notes_add(nt, TR("※ 合成データ（synthetic data）によるデモ。実際の調査結果ではない。"));
}

static ts_status make_outdir(const char *dir, ts_err *err)
{
    struct stat sb;
    if (stat(dir, &sb) == 0)
        return S_ISDIR(sb.st_mode) ? TS_OK : ts_err_set(err, TS_E_CANTCREAT, "%s: not a folder", dir);
    if (mkdir(dir, 0777) != 0)
        return ts_err_set(err, TS_E_CANTCREAT, "%s: cannot create folder: %s", dir, strerror(errno));
    return TS_OK;
}

ts_forest *ts_forest_load(const char *models_csv, const char *model, ts_err *err)
{
    forest *f = calloc(1, sizeof *f);
    if (!f || !(f->model = ts_strdup(model)) || !(f->survey_title = ts_strdup(""))) {
        if (f)
            forest_free(f);
        free(f);
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    f->df = NAN;
    f->level = 0.95;
    if (load(models_csv, model, f, err) != TS_OK) {
        forest_free(f);
        free(f);
        return NULL;
    }
    return f;
}

void ts_forest_free(ts_forest *f)
{
    if (!f)
        return;
    forest_free(f);
    free(f);
}

double ts_forest_body(ts_pen *p, const ts_forest *f, ts_rect area, int dry) { return body(p, f, area, dry); }

void ts_forest_notes(const ts_forest *f, const char *survey_title, int synthetic, ts_notes *nt)
{
    forest g = *f; /* the notes read the survey's title and synthetic flag from the forest */
    g.survey_title = (char *)(survey_title ? survey_title : "");
    g.synthetic = synthetic;
    notes(&g, nt);
}

long ts_forest_n(const ts_forest *f) { return f->nresp; }
const char *ts_forest_title(const ts_forest *f) { return f->title && *f->title ? f->title : f->model; }
double ts_forest_level(const ts_forest *f) { return f->level; }

ts_status ts_forest_run(const ts_forest_options *o, ts_err *err)
{
    forest f = {.df = NAN, .level = 0.95};
    if (!(f.model = ts_strdup(o->model)))
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    ts_fonts *fonts = NULL;
    ts_notes nt = {0};
    ts_strbuf title = TS_STRBUF_INIT, sub = TS_STRBUF_INIT, stem = TS_STRBUF_INIT;
    if (o->survey) { /* the language before load(), which labels the reference levels （基準） */
        ts_manifest *lm = ts_manifest_read(o->survey, NULL);
        const char *lb;
        if (lm)
            ts_i18n_setup(lm, NULL, NULL, &lb, NULL);
        ts_manifest_free(lm);
    }
    ts_status st = load(o->models, o->model, &f, err);
    if (st == TS_OK && o->survey) {
        ts_manifest *m = ts_manifest_read(o->survey, err);
        if (!m)
            st = err->status;
        else {
            const char *labels; /* [report] language: the chart's fixed texts and title_en */
            if (ts_i18n_setup(m, NULL, NULL, &labels, err) != TS_OK)
                st = err->status;
            const char *t = ts_i18n_get(m, "survey", "title"), *syn = ts_schema_get(m, "survey", "synthetic");
            f.survey_title = ts_strdup(t ? t : "");
            /* an English report: [model.NAME] title_en over models.csv's model_title */
            char sec[256];
            snprintf(sec, sizeof sec, "model.%s", o->model);
            const char *mt = ts_manifest_get(m, sec, "title_en");
            if (st == TS_OK && ts_i18n_lang() == TS_LANG_EN && mt && *mt) {
                free(f.title);
                f.title = ts_strdup(mt);
            }
            f.synthetic = syn && strcmp(syn, "yes") == 0;
            ts_manifest_free(m);
        }
    }
    if (st == TS_OK && !f.survey_title && !(f.survey_title = ts_strdup("")))
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    if (st != TS_OK)
        goto done;
    if (o->title)
        ts_strbuf_append_str(&title, o->title);
    else /* [model.NAME] title, else NAME */
        ts_strbuf_printf(&title, TR("%s：オッズ比と%g%%信頼区間"), f.title && *f.title ? f.title : o->model,
                         round(f.level * 1000) / 10);
    if (f.survey_title[0])
        ts_strbuf_printf(&sub, TR("%s　"), f.survey_title);
    char n[32] = "＊";
    if (f.nresp >= 0)
        ts_frame_count(f.nresp, n);
    ts_strbuf_printf(&sub, TR("n=%s、ウェイト付け推定"), n);
    ts_strbuf_printf(&stem, "%s/%s", o->outdir, o->name ? o->name : "");
    if (!o->name)
        ts_strbuf_printf(&stem, "forest_%s", o->model);
    notes(&f, &nt);
    if (!title.data || !sub.data || !stem.data || nt.oom) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    if (!(fonts = ts_fonts_open(err)) || (st = make_outdir(o->outdir, err)) != TS_OK) {
        st = err->status;
        goto done;
    }
    /* measure on a scratch surface, as render.c does */
    double w = o->render.width_mm * TS_PT_PER_MM, inner = w - 2 * TS_MARGIN, hh, fh, bh;
    {
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
        cairo_t *cr = cairo_create(s);
        ts_pen pen = {.cr = cr, .fonts = fonts};
        hh = ts_frame_header_height(&pen, title.data, sub.data, inner);
        fh = ts_frame_footer_height(&pen, &nt, inner);
        bh = body(&pen, &f, (ts_rect){TS_MARGIN, 0, inner, 1e6}, 1);
        cairo_destroy(cr);
        cairo_surface_destroy(s);
    }
    double h = o->render.height_mm > 0 ? o->render.height_mm * TS_PT_PER_MM
                                       : fmin(ceil((2 * TS_MARGIN + hh + bh + 8 + fh) / TS_PT_PER_MM), 297) * TS_PT_PER_MM;
    static const struct {
        int bit;
        ts_canvas_format fmt;
        const char *ext;
    } F[] = {{TS_RENDER_PNG, TS_CANVAS_PNG, "png"}, {TS_RENDER_PDF, TS_CANVAS_PDF, "pdf"}, {TS_RENDER_SVG, TS_CANVAS_SVG, "svg"}};
    for (size_t i = 0; i < sizeof F / sizeof F[0] && st == TS_OK; i++) {
        if (!(o->render.formats & F[i].bit))
            continue;
        ts_strbuf path = TS_STRBUF_INIT;
        ts_strbuf_printf(&path, "%s.%s", stem.data, F[i].ext);
        ts_canvas *cv = path.data ? ts_canvas_open(F[i].fmt, path.data, w / TS_PT_PER_MM, h / TS_PT_PER_MM, o->render.dpi,
                                                   title.data, err)
                                  : NULL;
        if (!cv) {
            st = path.data ? err->status : ts_err_set(err, TS_E_NOMEM, "out of memory");
            ts_strbuf_free(&path);
            break;
        }
        ts_pen pen = {.cr = ts_canvas_cr(cv), .fonts = fonts};
        ts_rect page = {TS_MARGIN, TS_MARGIN, w - 2 * TS_MARGIN, h - 2 * TS_MARGIN};
        ts_frame_draw(&pen, page, title.data, sub.data, &nt);
        body(&pen, &f, (ts_rect){page.x, page.y + hh, page.w, page.h - hh - fh - 8}, 0);
        if (pen.missing) {
            ts_canvas_abort(cv);
            st = ts_err_set(err, TS_E_DATA,
                            "forest chart %s: \"%s\": no installed font has a glyph for U+%04X (%s, then "
                            "fontconfig's fallbacks); not drawing it as an empty box",
                            o->model, pen.missing_in, (unsigned)pen.missing, ts_fonts_file(fonts));
        } else if ((st = ts_canvas_commit(cv, err)) == TS_OK && !o->quiet)
            printf("tsunagari-plot: wrote %s (forest chart of model %s)\n", path.data, o->model);
        ts_strbuf_free(&path);
    }
done:
    ts_notes_free(&nt);
    ts_strbuf_free(&title);
    ts_strbuf_free(&sub);
    ts_strbuf_free(&stem);
    forest_free(&f);
    ts_fonts_free(fonts);
    ts_fonts_shutdown();
    return st;
}
