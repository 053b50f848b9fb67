/* test_text.c — plots/text.c, the text setting of charts and report.pdf, with Pango and the
 * installed fonts (fonts-noto-cjk): kinsoku in the line breaker (no line starts with 、。）」
 * and the like, none ends with 「（), the preferred breaks of a label, a paragraph filling its
 * lines, truncation with …, and font fallback — Vietnamese, Portuguese and Chinese labels set
 * with no unknown glyph (every character in a font that has it), a character no font has
 * reported and not drawn. Widths are in points at 10 pt, where a kana or kanji is 10 pt wide. */
#include <cairo.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "i18n.h"
#include "text.h"

static ts_pen pen;

/* Code points that must not start a line / end one (the kinsoku the issue names). */
static const char *const NO_START[] = {"、", "。", "，", "．", "）", "」", "』", "】", "・", "ー", "ゃ", "ッ", "…", "？", "！", "：", NULL};
static const char *const NO_END[] = {"「", "（", "『", "【", NULL};

static int starts_with_any(const char *s, const char *const *set)
{
    for (size_t i = 0; set[i]; i++)
        if (strncmp(s, set[i], strlen(set[i])) == 0)
            return 1;
    return 0;
}

static int ends_with_any(const char *s, const char *const *set)
{
    size_t n = strlen(s);
    for (size_t i = 0; set[i]; i++) {
        size_t k = strlen(set[i]);
        if (n >= k && strcmp(s + n - k, set[i]) == 0)
            return 1;
    }
    return 0;
}

/* Wrap S at WIDTH into at most MAX lines and check what holds for every wrap: no line starts
 * or ends badly, each fits (unless it is one grapheme), and the lines put together are S
 * without the spaces at the breaks. Returns the lines (free with ts_text_free_lines). */
static long wrap_checked(const char *s, double width, size_t max, char ***lines)
{
    long n = ts_text_wrap(&pen, s, width, max, lines);
    T_CHECK(n > 0);
    char joined[1000] = "";
    for (long i = 0; i < n; i++) {
        const char *l = (*lines)[i];
        if (i > 0 && starts_with_any(l, NO_START)) {
            fprintf(stderr, "  line %ld of \"%s\" at %g pt starts with a non-starter: \"%s\"\n", i + 1, s, width, l);
            T_CHECK(!"a line starts with closing punctuation");
        }
        if (i + 1 < n && ends_with_any(l, NO_END)) {
            fprintf(stderr, "  line %ld of \"%s\" at %g pt ends with an opening bracket: \"%s\"\n", i + 1, s, width, l);
            T_CHECK(!"a line ends with an opening bracket");
        }
        T_CHECK(ts_text_width(&pen, l) <= width + 1e-9);
        strncat(joined, l, sizeof joined - strlen(joined) - 1);
    }
    char want[1000];
    size_t k = 0;
    for (const char *q = s; *q && k + 1 < sizeof want; q++)
        if (*q != ' ')
            want[k++] = *q;
    want[k] = '\0';
    k = 0;
    for (char *q = joined; *q; q++)
        if (*q != ' ')
            joined[k++] = *q;
    joined[k] = '\0';
    T_CHECK_STR(joined, want);
    return n;
}

static void test_kinsoku(void)
{
    /* Five kana fit in 50.5 pt; a naive breaker would start the second line with the 6th
     * character. */
    static const struct {
        const char *text, *first, *second_starts;
    } cases[] = {
        {"あいうえお。かきくけこ", "あいうえ", "お。"},   /* 。 does not start a line: お goes with it */
        {"あいうえお、かきくけこ", "あいうえ", "お、"},
        {"あいうえお）かきくけこ", "あいうえ", "お）"},
        {"あいうえお」かきくけこ", "あいうえ", "お」"},
        {"あいうえお』かきくけこ", "あいうえ", "お』"},
        {"あいうえお】かきくけこ", "あいうえ", "お】"},
        {"あいうえお，かきくけこ", "あいうえ", "お，"},
        {"あいうえお．かきくけこ", "あいうえ", "お．"},
        {"あいうえお・かきくけこ", "あいうえ", "お・"},
        {"あいうえおーかきくけこ", "あいうえ", "おー"},   /* the long vowel mark */
        {"あいうえおゃかきくけこ", "あいうえ", "おゃ"},   /* a small kana */
        {"あいうえおッかきくけこ", "あいうえ", "おッ"},
        {"あいうえ「かき」くけこ", "あいうえ", "「かき」"}, /* 「 does not end a line */
        {"あいうえ（かき）くけこ", "あいうえ", "（かき）"},
        {"あいうえ『かき』くけこ", "あいうえ", "『かき』"},
        {"あいうえ【かき】くけこ", "あいうえ", "【かき】"},
    };
    ts_text_font(&pen, 0, 10);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char **lines;
        long n = wrap_checked(cases[i].text, 50.5, 10, &lines);
        T_CHECK(n >= 2);
        if (n >= 2) {
            T_CHECK_STR(lines[0], cases[i].first);
            T_CHECK(strncmp(lines[1], cases[i].second_starts, strlen(cases[i].second_starts)) == 0);
        }
        ts_text_free_lines(lines, n);
    }
    /* Every width from 3 to 16 characters over a sentence dense with punctuation (its longest
     * run that may not be broken, ショッ or ター、, is 3: narrower, a run must be cut). */
    const char *s = "「孤独感」（ひとりぼっちだと感じること）は、しばしばある・常にある。調査票（問１）では、"
                    "【参考】『全国調査』の設問に合わせた。ちょっとしたショッピング・センター、ミュージアム。";
    for (int w = 3; w <= 16; w++) {
        char **lines;
        long n = wrap_checked(s, w * 10 + 0.5, 100, &lines);
        ts_text_free_lines(lines, n);
    }
}

static void test_labels_and_paragraphs(void)
{
    ts_text_font(&pen, 0, 10);
    char **lines;
    /* A label breaks after ・ when that keeps half the line ... */
    long n = wrap_checked("しばしばある・常にある", 80.5, 2, &lines);
    T_CHECK(n == 2);
    if (n == 2) {
        T_CHECK_STR(lines[0], "しばしばある・");
        T_CHECK_STR(lines[1], "常にある");
    }
    ts_text_free_lines(lines, n);
    /* ... and before a bracket; a Latin label at its spaces. */
    n = wrap_checked("人間関係による重大なトラブル(いじめ・ハラスメント等を含む)", 170, 2, &lines);
    T_CHECK(n == 2);
    if (n == 2)
        T_CHECK_STR(lines[0], "人間関係による重大なトラブル");
    ts_text_free_lines(lines, n);
    n = wrap_checked("Người cao tuổi sống một mình", 60, 3, &lines);
    T_CHECK(n == 3);
    if (n == 3) {
        T_CHECK_STR(lines[0], "Người cao");
        T_CHECK_STR(lines[2], "một mình");
    }
    ts_text_free_lines(lines, n);
    /* A paragraph (more than three lines allowed) fills its lines: the first is full. */
    n = wrap_checked("しばしばある・常にある", 80.5, 40, &lines);
    T_CHECK(n == 2);
    if (n == 2)
        T_CHECK_STR(lines[0], "しばしばある・常");
    ts_text_free_lines(lines, n);
    /* The last line allowed is cut with …; a line feed ends a line; nothing for spaces. */
    n = ts_text_wrap(&pen, "あいうえおかきくけこさしすせそ", 50.5, 2, &lines);
    T_CHECK(n == 2);
    if (n == 2) {
        T_CHECK_STR(lines[0], "あいうえお");
        T_CHECK_STR(lines[1], "かきくけ…");
    }
    ts_text_free_lines(lines, n);
    n = ts_text_wrap(&pen, "一行目\n二行目", 500, 5, &lines);
    T_CHECK(n == 2);
    if (n == 2) {
        T_CHECK_STR(lines[0], "一行目");
        T_CHECK_STR(lines[1], "二行目");
    }
    ts_text_free_lines(lines, n);
    T_CHECK(ts_text_wrap(&pen, "   ", 50, 2, &lines) == 0);
    /* A range of numbers stays on one line (UAX #14 would break after ～), unless it is wider
     * than the line itself. */
    n = wrap_checked("年齢は60～69歳です", 60.5, 10, &lines); /* 年齢は60～ would fit */
    T_CHECK(n >= 2);
    if (n >= 2) {
        T_CHECK_STR(lines[0], "年齢は");
        T_CHECK(strncmp(lines[1], "60～69歳", strlen("60～69歳")) == 0);
    }
    ts_text_free_lines(lines, n);
    n = wrap_checked("あ1,000～2,000人", 30.5, 10, &lines);
    T_CHECK(n >= 2);
    ts_text_free_lines(lines, n);
    /* A word wider than the line is cut between characters, never inside one. */
    n = wrap_checked("Supercalifragilisticexpialidocious", 40, 10, &lines);
    T_CHECK(n >= 4);
    ts_text_free_lines(lines, n);
}

static void test_fit(void)
{
    ts_text_font(&pen, 0, 10);
    char *f = ts_text_fit(&pen, "あいうえおかきく", 45);
    T_CHECK_STR(f, "あいう…"); /* four kana and … are 50 pt: three and … */
    free(f);
    f = ts_text_fit(&pen, "あいうえおかきく", 50);
    T_CHECK_STR(f, "あいうえ…");
    free(f);
    f = ts_text_fit(&pen, "あいう", 30);
    T_CHECK_STR(f, "あいう");
    free(f);
    /* Cut between graphemes: a decomposed ế stays whole (and is composed). */
    f = ts_text_fit(&pen, "Nghe\xcc\x82\xcc\x81 nghie\xcc\xa3p", ts_text_width(&pen, "Nghế…") + 0.1);
    T_CHECK_STR(f, "Nghế…");
    free(f);
}

/* Every character of S is in the font Pango set it in (no unknown glyph, no fallback that
 * lacks it); N_FONTS gets how many different families the runs used. */
static int covered_by_its_font(const char *s, int *n_fonts)
{
    T_CHECK(ts_text_missing(&pen, s) == 0);
    PangoLayout *l = ts_fonts_layout(pen.fonts);
    T_CHECK(pango_layout_get_unknown_glyphs_count(l) == 0);
    const char *text = pango_layout_get_text(l);
    char families[8][64];
    int nf = 0, ok = 1;
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        if (!run)
            continue;
        PangoFont *font = run->item->analysis.font;
        for (const char *q = text + run->item->offset; q < text + run->item->offset + run->item->length;
             q = g_utf8_next_char(q)) {
            gunichar c = g_utf8_get_char(q);
            if (c != ' ' && !pango_font_has_char(font, c))
                ok = 0;
        }
        PangoFontDescription *d = pango_font_describe(font);
        const char *fam = pango_font_description_get_family(d);
        int seen = 0;
        for (int i = 0; i < nf; i++)
            seen |= strcmp(families[i], fam) == 0;
        if (!seen && nf < 8)
            snprintf(families[nf++], sizeof families[0], "%s", fam);
        pango_font_description_free(d);
    } while (pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
    *n_fonts = nf;
    return ok;
}

static void test_fallback(void)
{
    ts_text_font(&pen, 0, 10);
    int nf;
    static const char *const labels[] = {
        "Người cao tuổi sống một mình",                          /* label_vi */
        "Ngu\xcc\x9bo\xcc\x9b\xcc\x80i cao tuo\xcc\x82\xcc\x89i", /* the same, decomposed (NFD) */
        "Não sabe / Prefiro não responder (ação, coração)",      /* label_pt */
        "独居老人，没有人可以倾诉（简体字）",                    /* label_zh */
        "16～19歳　男性・女性「①②」",
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        T_CHECK(covered_by_its_font(labels[i], &nf));
        ts_text_font(&pen, 1, 10);
        T_CHECK(covered_by_its_font(labels[i], &nf));
        ts_text_font(&pen, 0, 10);
    }
    /* Decomposed Vietnamese is composed first, so the Japanese face sets it whole rather
     * than a fallback font's marks beside its letters. */
    T_CHECK(covered_by_its_font("Ngu\xcc\x9bo\xcc\x9b\xcc\x80i", &nf) && nf == 1);
    /* A mark with no composed letter comes from a fallback font that has it. */
    T_CHECK(covered_by_its_font("x\xcc\x83", &nf));
    /* A character no font has (a private-use code point of plane 16) is found and not drawn:
     * the pen records it for the caller's error. */
    T_CHECK(ts_text_missing(&pen, "ab\xf4\x8f\xbf\xbd" "c") == 0x10FFFD);
    pen.missing = 0;
    ts_text_draw(&pen, 10, 10, "表示できない\xf4\x8f\xbf\xbd", TS_ALIGN_LEFT);
    T_CHECK(pen.missing == 0x10FFFD);
    T_CHECK_STR(pen.missing_in, "表示できない\xf4\x8f\xbf\xbd");
    /* A stray byte is U+FFFD, reported, not drawn. */
    pen.missing = 0;
    ts_text_draw(&pen, 10, 10, "ab\xff", TS_ALIGN_LEFT);
    T_CHECK(pen.missing == 0xFFFD);
    pen.missing = 0;
    ts_text_draw(&pen, 10, 10, "Người cao tuổi 独居老人", TS_ALIGN_LEFT);
    T_CHECK(pen.missing == 0);
}

/* The glyph Pango set for the first character of S in the pen's language. */
static PangoGlyph first_glyph(const char *s)
{
    ts_text_width(&pen, s);
    PangoLayoutIter *it = pango_layout_get_iter(ts_fonts_layout(pen.fonts));
    PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
    PangoGlyph g = run && run->glyphs->num_glyphs > 0 ? run->glyphs->glyphs[0].glyph : 0;
    pango_layout_iter_free(it);
    return g;
}

/* A Chinese label in its own forms: 骨 and 直 differ between Japanese and simplified Chinese
 * in the same Pan-CJK face (its locl feature), so the pen's language picks another glyph. */
static void test_language(void)
{
    ts_text_font(&pen, 0, 10);
    PangoGlyph ja = first_glyph("骨"), ja2 = first_glyph("直");
    pen.lang = "zh-cn";
    PangoGlyph zh = first_glyph("骨"), zh2 = first_glyph("直");
    T_CHECK(ts_text_missing(&pen, "独居老人，没有人可以倾诉") == 0);
    char **lines;
    long n = wrap_checked("独居老人，没有人可以倾诉（简体字）", 50.5, 10, &lines);
    ts_text_free_lines(lines, n);
    pen.lang = NULL;
    T_CHECK(ja != 0 && zh != 0 && ja2 != 0 && zh2 != 0);
    T_CHECK(ja != zh && ja2 != zh2);
    T_CHECK(first_glyph("骨") == ja);
    /* Chinese labels ([report] labels = zh) set the pen's default language: the same forms */
    const char *labels = NULL;
    ts_err err = {0};
    T_CHECK(ts_i18n_setup(NULL, NULL, "zh", &labels, &err) == TS_OK && strcmp(labels, "zh") == 0);
    T_CHECK(first_glyph("骨") == zh && first_glyph("直") == zh2);
    T_CHECK(ts_i18n_setup(NULL, NULL, "ja", &labels, &err) == TS_OK);
    T_CHECK(first_glyph("骨") == ja);
}

/* The layout does not depend on the surface: the same widths on a PDF and on a PNG scaled to
 * 300 dpi, and whatever $LANG says (the context's language is ja). */
static void test_device_independent(cairo_t *scaled)
{
    const char *s = "孤独感 年齢別（テスト）Người cao tuổi 16～19歳";
    ts_text_font(&pen, 0, 8.5);
    double w = ts_text_width(&pen, s);
    ts_pen other = {.cr = scaled, .fonts = pen.fonts};
    ts_text_font(&other, 0, 8.5);
    T_CHECK(ts_text_width(&other, s) == w);
    ts_text_draw(&other, 0, 20, s, TS_ALIGN_LEFT);
    T_CHECK(ts_text_width(&other, s) == w);
    T_CHECK(cairo_status(scaled) == CAIRO_STATUS_SUCCESS);
}

int main(void)
{
    ts_err err = {0};
    ts_fonts *fonts = ts_fonts_open(&err);
    T_CHECK(fonts != NULL);
    if (!fonts) {
        fprintf(stderr, "%s\n", err.msg);
        T_DONE();
    }
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 50);
    cairo_t *cr = cairo_create(s);
    cairo_surface_t *s2 = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1000, 200);
    cairo_t *cr2 = cairo_create(s2);
    cairo_scale(cr2, 300.0 / 72, 300.0 / 72);
    pen = (ts_pen){.cr = cr, .fonts = fonts};
    test_kinsoku();
    test_labels_and_paragraphs();
    test_fit();
    test_fallback();
    test_language();
    test_device_independent(cr2);
    cairo_destroy(cr2);
    cairo_surface_destroy(s2);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    ts_fonts_free(fonts);
    ts_fonts_shutdown();
    T_DONE();
}
