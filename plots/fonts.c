/* fonts.c — the fontconfig lookup of the CJK face and the Pango context (see fonts.h). */
#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangofc-fontmap.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* The fonts Pango falls back on, loaded when first needed (ts_fonts_covers). */
typedef struct fallback {
    PangoFontset *fontset;
} fallback;

struct ts_fonts {
    PangoFontMap *map;     /* our own, not Pango's per-thread default, so that it is freed */
    PangoContext *ctx;
    PangoLayout *layout;   /* the scratch layout of text.c */
    PangoFontDescription *desc[2]; /* regular, bold */
    FcPattern *pat;        /* the primary face as fontconfig matched it */
    FcCharSet *charset;    /* borrowed from pat */
    fallback *fb;          /* owned; its contents change behind const ts_fonts * */
    char *family;
    char *file;
};

/* Characters any Japanese chart needs: kanji of the survey words, hiragana, katakana, the
 * full-width tilde of 16～19歳 and the ideographic comma. */
static const uint32_t PROBE[] = {0x5B64 /* 孤 */, 0x72EC /* 独 */, 0x3057 /* し */, 0x30A6 /* ウ */,
                                 0x5E74 /* 年 */, 0xFF5E /* ～ */, 0x3001 /* 、 */, 0x5168 /* 全 */};

/* Match NAME; return the pattern if its font covers every probe character, else NULL. */
static FcPattern *match_cjk(const char *name)
{
    FcPattern *want = FcNameParse((const FcChar8 *)name);
    if (!want)
        return NULL;
    FcConfigSubstitute(NULL, want, FcMatchPattern);
    FcDefaultSubstitute(want);
    FcResult res;
    FcPattern *got = FcFontMatch(NULL, want, &res);
    FcPatternDestroy(want);
    if (!got)
        return NULL;
    FcCharSet *cs = NULL;
    if (FcPatternGetCharSet(got, FC_CHARSET, 0, &cs) != FcResultMatch) {
        FcPatternDestroy(got);
        return NULL;
    }
    for (size_t i = 0; i < sizeof PROBE / sizeof PROBE[0]; i++)
        if (!FcCharSetHasChar(cs, PROBE[i])) {
            FcPatternDestroy(got);
            return NULL;
        }
    return got;
}

/* Font maps not finalised yet: while one lives, its fonts hold cairo font faces and
 * fontconfig patterns, and cairo's and fontconfig's teardown would assert and abort. Pango
 * sorts the fallback fonts of each face in a thread of its own, which holds the map until the
 * sort is done, so the last reference may be dropped there, a little after ts_fonts_free
 * (hence atomic). Counted down from the map's qdata, which GObject frees last, after the map's
 * own finalisation has released every font. */
static gint maps_alive;

static void map_finalised(gpointer data)
{
    (void)data;
    g_atomic_int_add(&maps_alive, -1);
}

/* Every pattern Pango asks fontconfig for, primary and fallback: outlines unhinted, so a
 * glyph is the same shape at 100 dpi, 300 dpi and in a PDF (the cairo font options of the
 * context say the same; this also overrides a system fonts.conf that turns hinting on). */
static void no_hinting(FcPattern *pat, gpointer data)
{
    (void)data;
    FcPatternDel(pat, FC_HINTING);
    FcPatternAddBool(pat, FC_HINTING, FcFalse);
    FcPatternDel(pat, FC_HINT_STYLE);
    FcPatternAddInteger(pat, FC_HINT_STYLE, FC_HINT_NONE);
}

ts_fonts *ts_fonts_open(ts_err *err)
{
    if (!FcInit()) {
        ts_err_set(err, TS_E_DATA, "fontconfig cannot be initialised: no Japanese (CJK) font found: install fonts-noto-cjk");
        return NULL;
    }
    ts_fonts *f = calloc(1, sizeof *f);
    if (!f) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    FcPattern *pat = match_cjk("Noto Sans CJK JP:lang=ja:weight=regular");
    if (!pat)
        pat = match_cjk(":lang=ja");
    if (!pat) {
        ts_err_set(err, TS_E_DATA, "no Japanese (CJK) font found: install fonts-noto-cjk");
        goto fail;
    }
    FcChar8 *file = NULL, *family = NULL;
    FcPatternGetString(pat, FC_FILE, 0, &file);
    FcPatternGetString(pat, FC_FAMILY, 0, &family);
    f->file = ts_strdup(file ? (const char *)file : "?");
    f->family = ts_strdup(family ? (const char *)family : "Noto Sans CJK JP");
    f->pat = pat;
    FcPatternGetCharSet(pat, FC_CHARSET, 0, &f->charset);
    f->fb = calloc(1, sizeof *f->fb);
    if (!f->file || !f->family || !f->fb) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto fail;
    }

    /* A font map of cairo's FreeType fonts, so glyphs come from the files fontconfig names. */
    f->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (!f->map) {
        ts_err_set(err, TS_E_DATA, "%s: Pango cannot use cairo's FreeType fonts", f->file);
        goto fail;
    }
    g_atomic_int_add(&maps_alive, 1);
    g_object_set_data_full(G_OBJECT(f->map), "ts-fonts-alive", f, map_finalised);
    if (PANGO_IS_FC_FONT_MAP(f->map))
        pango_fc_font_map_set_default_substitute(PANGO_FC_FONT_MAP(f->map), no_hinting, NULL, NULL);
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(f->map), 72);
    f->ctx = pango_font_map_create_context(f->map);
    pango_cairo_context_set_resolution(f->ctx, 72); /* sizes in points are user units */
    cairo_font_options_t *fo = ts_fonts_options_new();
    pango_cairo_context_set_font_options(f->ctx, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(f->ctx, FALSE);
    pango_context_set_language(f->ctx, pango_language_from_string("ja"));
    pango_context_set_base_dir(f->ctx, PANGO_DIRECTION_LTR);
    f->layout = pango_layout_new(f->ctx);
    for (int i = 0; i < 2; i++) {
        f->desc[i] = pango_font_description_new();
        pango_font_description_set_family(f->desc[i], f->family);
        pango_font_description_set_weight(f->desc[i], i ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_font_description_set_style(f->desc[i], PANGO_STYLE_NORMAL);
        pango_font_description_set_stretch(f->desc[i], PANGO_STRETCH_NORMAL);
    }
    return f;
fail:
    ts_fonts_free(f);
    return NULL;
}

cairo_font_options_t *ts_fonts_options_new(void)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    return fo;
}

void ts_fonts_free(ts_fonts *f)
{
    if (!f)
        return;
    if (f->fb && f->fb->fontset)
        g_object_unref(f->fb->fontset);
    free(f->fb);
    for (int i = 0; i < 2; i++)
        if (f->desc[i])
            pango_font_description_free(f->desc[i]);
    if (f->layout)
        g_object_unref(f->layout);
    if (f->ctx)
        g_object_unref(f->ctx);
    if (f->map) {
        /* The map's caches of fonts and fontsets hold references back to it: clear them, or
         * it is never finalised and the cairo fonts it made outlive it (and cairo's
         * cairo_debug_reset_static_data in ts_fonts_shutdown aborts). */
        if (PANGO_IS_FC_FONT_MAP(f->map))
            pango_fc_font_map_shutdown(PANGO_FC_FONT_MAP(f->map));
        g_object_unref(f->map);
    }
    if (f->pat)
        FcPatternDestroy(f->pat);
    free(f->family);
    free(f->file);
    free(f);
}

PangoLayout *ts_fonts_layout(const ts_fonts *f) { return f->layout; }

const PangoFontDescription *ts_fonts_desc(const ts_fonts *f, int bold) { return f->desc[bold ? 1 : 0]; }

int ts_fonts_covers(const ts_fonts *f, uint32_t cp)
{
    if (f->charset && FcCharSetHasChar(f->charset, cp))
        return 1; /* nearly every character of a Japanese survey */
    if (!f->fb->fontset) {
        PangoFontDescription *d = pango_font_description_copy(f->desc[0]);
        pango_font_description_set_absolute_size(d, 10 * PANGO_SCALE);
        f->fb->fontset = pango_font_map_load_fontset(f->map, f->ctx, d, pango_language_from_string("ja"));
        pango_font_description_free(d);
        if (!f->fb->fontset)
            return 0;
    }
    PangoFont *font = pango_fontset_get_font(f->fb->fontset, cp);
    int has = font && pango_font_has_char(font, cp);
    if (font)
        g_object_unref(font);
    return has;
}

const char *ts_fonts_file(const ts_fonts *f) { return f->file; }

const char *ts_fonts_family(const ts_fonts *f) { return f->family; }

void ts_fonts_shutdown(void)
{
    /* Let Pango's thread finish the sorts it has queued (milliseconds each) and let go. */
    for (int i = 0; g_atomic_int_get(&maps_alive) > 0 && i < 5000; i++)
        g_usleep(1000);
    if (g_atomic_int_get(&maps_alive) > 0)
        return; /* a reference leaked (a bug): leave the caches to the leak checker, never abort */
    cairo_debug_reset_static_data();
    FcFini();
}
