/* fonts.c — fontconfig lookup of the CJK face (see fonts.h). */
#include "fonts.h"

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

struct ts_fonts {
    FcPattern *pat[2];          /* matched patterns, regular and bold */
    FcCharSet *charset;         /* borrowed from pat[0] */
    cairo_font_face_t *face[2];
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
    /* Layout must be the same in PNG, PDF and SVG and on every machine: no hinting, no
     * metric rounding (cairo_font_options on the context say the same). */
    FcPatternDel(got, FC_HINTING);
    FcPatternAddBool(got, FC_HINTING, FcFalse);
    return got;
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
    f->pat[0] = match_cjk("Noto Sans CJK JP:lang=ja:weight=regular");
    if (!f->pat[0])
        f->pat[0] = match_cjk(":lang=ja");
    if (!f->pat[0]) {
        ts_err_set(err, TS_E_DATA, "no Japanese (CJK) font found: install fonts-noto-cjk");
        goto fail;
    }
    f->pat[1] = match_cjk("Noto Sans CJK JP:lang=ja:weight=bold");
    if (!f->pat[1])
        f->pat[1] = FcPatternDuplicate(f->pat[0]);
    FcPatternGetCharSet(f->pat[0], FC_CHARSET, 0, &f->charset);
    FcChar8 *file = NULL;
    FcPatternGetString(f->pat[0], FC_FILE, 0, &file);
    if (!(f->file = ts_strdup(file ? (const char *)file : "?"))) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto fail;
    }
    for (int i = 0; i < 2; i++) {
        f->face[i] = cairo_ft_font_face_create_for_pattern(f->pat[i]);
        if (cairo_font_face_status(f->face[i]) != CAIRO_STATUS_SUCCESS) {
            ts_err_set(err, TS_E_DATA, "%s: cairo cannot use this font: %s", f->file,
                       cairo_status_to_string(cairo_font_face_status(f->face[i])));
            goto fail;
        }
    }
    return f;
fail:
    ts_fonts_free(f);
    return NULL;
}

void ts_fonts_free(ts_fonts *f)
{
    if (!f)
        return;
    for (int i = 0; i < 2; i++) {
        if (f->face[i])
            cairo_font_face_destroy(f->face[i]);
        if (f->pat[i])
            FcPatternDestroy(f->pat[i]);
    }
    free(f->file);
    free(f);
}

cairo_font_face_t *ts_fonts_face(const ts_fonts *f, int bold) { return f->face[bold ? 1 : 0]; }

int ts_fonts_has(const ts_fonts *f, uint32_t cp)
{
    /* Spaces and line breaks are layout, not glyphs. */
    return cp == ' ' || cp == '\n' || FcCharSetHasChar(f->charset, cp);
}

const char *ts_fonts_file(const ts_fonts *f) { return f->file; }

void ts_fonts_shutdown(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}
