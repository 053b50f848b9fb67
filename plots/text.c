/* text.c — see text.h. Every string is set in ts_fonts' one scratch Pango layout: Pango
 * itemises it (a fallback font for what the Japanese face lacks), HarfBuzz shapes each run,
 * and Pango's UAX #14 line breaking gives the places a line may end. This file adds what
 * the charts and the report need on top: lines as strings (callers place each line
 * themselves), the preferred breaks after ・ 、 and spaces, truncation with "…" at a
 * grapheme boundary, and the refusal to draw a character no font has. */
#include "text.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "strbuf.h"

static const char ELLIPSIS[] = "\xE2\x80\xA6"; /* … */

/* Whether S has a combining mark (a decomposed letter: Vietnamese typed on a Mac, a kana
 * with a separate dakuten). */
static int has_mark(const char *s)
{
    for (const char *q = s; *q; q = g_utf8_next_char(q)) {
        if ((unsigned char)*q < 0x80)
            continue;
        GUnicodeType t = g_unichar_type(g_utf8_get_char(q));
        if (t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_SPACING_MARK || t == G_UNICODE_ENCLOSING_MARK)
            return 1;
    }
    return 0;
}

/* Characters that are not glyphs: format controls (zero-width joiners, marks of direction)
 * and variation selectors, which HarfBuzz applies or leaves invisible. */
static int invisible(gunichar c)
{
    return g_unichar_type(c) == G_UNICODE_FORMAT || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF) ||
           (c >= 0x180B && c <= 0x180D);
}

/* A string as text.c handles it. */
typedef struct prep {
    char *text;       /* what is shown: the caller's string, valid UTF-8, composed, its line ends
                         settled (the caller's pointer when nothing changed, else owned) */
    char *laid;       /* what Pango lays out: TEXT, or an owned copy in which each character no
                         font has is a placeholder of the same byte length (so offsets agree):
                         Pango would set a hex box there, and measuring one leaves cairo fonts
                         alive that cairo_debug_reset_static_data then aborts on */
    uint32_t missing; /* the first such character (U+FFFD for a stray byte); 0: none */
    const char *src;
} prep;

/* Placeholders by byte length, all in the Japanese face: ? ¿ 〓 𠮟. */
static const char *const PLACEHOLDER[5] = {NULL, "?", "\xC2\xBF", "\xE3\x80\x93", "\xF0\xA0\xAE\x9F"};

static void prep_free(prep *o)
{
    if (o->laid != o->text)
        free(o->laid);
    if (o->text != o->src)
        free(o->text);
}

/* Make S ready for Pango into *O: valid UTF-8 (a stray byte becomes U+FFFD, reported, not
 * drawn); composed (NFC) when it has combining marks, since Pango picks a font per character:
 * a mark the Japanese face lacks would come from a fallback font and sit apart from its
 * letter, while the face has the composed letter (ư, ố, ộ); tabs as spaces; line ends (LF,
 * CRLF, CR) as LF when KEEP_LF, else as spaces (one line). Returns 0, or -1 when out of memory
 * (O then needs no freeing). */
static int prepare(ts_pen *p, const char *s, int keep_lf, prep *o)
{
    *o = (prep){.text = (char *)s, .laid = (char *)s, .src = s};
    const char *end;
    char *fixed = NULL;
    if (!g_utf8_validate(s, -1, &end)) {
        o->missing = 0xFFFD;
        if (!(fixed = g_utf8_make_valid(s, -1)))
            return -1;
    }
    if (has_mark(fixed ? fixed : s)) {
        char *nfc = g_utf8_normalize(fixed ? fixed : s, -1, G_NORMALIZE_DEFAULT_COMPOSE);
        g_free(fixed);
        if (!(fixed = nfc))
            return -1;
    }
    const char *src = fixed ? fixed : s;
    if (fixed || strpbrk(src, "\t\r\n")) {
        size_t n = strlen(src), k = 0;
        char *t = malloc(n + 1);
        if (!t) {
            g_free(fixed);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            char ch = src[i];
            if (ch == '\r' && src[i + 1] == '\n')
                continue; /* the LF that follows stands for both */
            if (ch == '\t' || ((ch == '\r' || ch == '\n') && !keep_lf))
                ch = ' ';
            else if (ch == '\r')
                ch = '\n';
            t[k++] = ch;
        }
        t[k] = '\0';
        g_free(fixed);
        o->text = o->laid = t;
    }
    for (char *q = o->text; *q;) {
        gunichar c = g_utf8_get_char(q);
        size_t len = (size_t)(g_utf8_next_char(q) - q);
        int shown = c == ' ' || c == '\n' ||
                    (c >= 0x20 && (c < 0x7F || c > 0x9F) && (invisible(c) || ts_fonts_covers(p->fonts, c)));
        if (!shown && len <= 4) {
            if (!o->missing)
                o->missing = c;
            if (o->laid == o->text) {
                if (!(o->laid = ts_strdup(o->text))) {
                    o->laid = o->text;
                    prep_free(o);
                    return -1;
                }
            }
            memcpy(o->laid + (q - o->text), PLACEHOLDER[len], len);
        }
        q += len;
    }
    return 0;
}

static int is_digit(gunichar c) { return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19); }

/* S from Q past a number (digits with , and . inside); Q itself when there is none. */
static const char *skip_number(const char *q)
{
    const char *end = q;
    while (*q) {
        gunichar c = g_utf8_get_char(q);
        if (is_digit(c))
            end = q = g_utf8_next_char(q);
        else if ((c == ',' || c == '.') && end == q && is_digit(g_utf8_get_char(q + 1)))
            q++;
        else
            break;
    }
    return end;
}

/* Ranges of S a line must not break inside: a range of numbers with its unit, 16～19歳,
 * 60〜69歳, 5.0–+2.8 (UAX #14 allows a break after the wave dash, and before 歳). NULL when
 * there are none; else owned (pango_attr_list_unref). */
static PangoAttrList *keep_together(const char *s)
{
    PangoAttrList *list = NULL;
    for (const char *q = s; *q;) {
        const char *end = skip_number(q);
        if (end == q) {
            q = g_utf8_next_char(q);
            continue;
        }
        gunichar c = g_utf8_get_char(end);
        if (c != 0xFF5E && c != 0x301C && c != '~' && c != 0x2013) {
            q = end;
            continue;
        }
        const char *r = g_utf8_next_char(end);
        gunichar sign = g_utf8_get_char(r);
        if (sign == '+' || sign == '-' || sign == 0x2212)
            r = g_utf8_next_char(r);
        const char *stop = skip_number(r);
        if (stop == r) {
            q = r;
            continue;
        }
        if (*stop && g_unichar_type(g_utf8_get_char(stop)) == G_UNICODE_OTHER_LETTER)
            stop = g_utf8_next_char(stop); /* the unit: 歳, 年, 人 */
        if (!list)
            list = pango_attr_list_new();
        PangoAttribute *a = pango_attr_allow_breaks_new(FALSE);
        a->start_index = (guint)(q - s);
        a->end_index = (guint)(stop - s);
        pango_attr_list_insert(list, a);
        q = stop;
    }
    return list;
}

/* The language the text is set in: the pen's, else simplified Chinese when the labels are
 * Chinese ([report] labels = zh, tsunagari-tab/plot --labels zh: the codebook's label_zh),
 * so that a Chinese label's Han characters take Chinese forms, not Japanese ones; else NULL
 * (the context's ja). */
static const char *text_lang(const ts_pen *p)
{
    if (p->lang && *p->lang)
        return p->lang;
    const char *labels = ts_i18n_labels();
    return labels && strncmp(labels, "zh", 2) == 0 ? "zh-cn" : NULL;
}

/* Fill the scratch layout with S (LEN bytes; -1: all) in the pen's face, wrapped at WIDTH
 * points (WIDTH < 0: no wrapping, one line per paragraph). */
static PangoLayout *setup(ts_pen *p, const char *s, int len, double width)
{
    PangoLayout *l = ts_fonts_layout(p->fonts);
    PangoFontDescription *d = pango_font_description_copy_static(ts_fonts_desc(p->fonts, p->bold));
    pango_font_description_set_absolute_size(d, (p->size > 0 ? p->size : 10) * PANGO_SCALE);
    pango_layout_set_font_description(l, d);
    pango_font_description_free(d);
    pango_layout_set_text(l, s, len);
    /* The text's language, when not the context's ja: Han characters take its forms (HarfBuzz's
     * locl feature of the Pan-CJK face) and fallback fonts are chosen for it. */
    PangoAttrList *lang = NULL;
    const char *tl = text_lang(p);
    if (tl) {
        lang = pango_attr_list_new();
        pango_attr_list_insert(lang, pango_attr_language_new(pango_language_from_string(tl)));
    }
    PangoAttrList *keep = width >= 0 ? keep_together(s) : NULL;
    if (keep && lang)
        pango_attr_list_insert(keep, pango_attr_language_new(pango_language_from_string(tl)));
    pango_layout_set_attributes(l, keep ? keep : lang);
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    if (width < 0)
        pango_layout_set_width(l, -1);
    else
        pango_layout_set_width(l, width * PANGO_SCALE < INT_MAX / 2 ? (int)floor(width * PANGO_SCALE) : INT_MAX / 2);
    if (keep) {
        /* A range wider than the whole line cannot be kept together: let it break. */
        PangoRectangle lg;
        pango_layout_get_extents(l, NULL, &lg);
        if (lg.width > pango_layout_get_width(l))
            pango_layout_set_attributes(l, lang);
        pango_attr_list_unref(keep);
    }
    if (lang)
        pango_attr_list_unref(lang);
    return l;
}

static double logical_width(PangoLayout *l)
{
    PangoRectangle lg;
    pango_layout_get_extents(l, NULL, &lg);
    return (double)lg.width / PANGO_SCALE;
}

/* The code point behind the layout's first unknown glyph (Pango keeps it in the glyph id),
 * 0 when there is none: a second line of defence, as prepare() keeps such characters out. */
static uint32_t first_unknown(PangoLayout *l)
{
    if (pango_layout_get_unknown_glyphs_count(l) == 0)
        return 0;
    uint32_t cp = 0;
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        for (int i = 0; run && !cp && i < run->glyphs->num_glyphs; i++) {
            PangoGlyph g = run->glyphs->glyphs[i].glyph;
            if (g == PANGO_GLYPH_INVALID_INPUT)
                cp = 0xFFFD;
            else if (g & PANGO_GLYPH_UNKNOWN_FLAG)
                cp = g & ~PANGO_GLYPH_UNKNOWN_FLAG;
        }
    } while (!cp && pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
    return cp ? cp : 0xFFFD;
}

void ts_text_font(ts_pen *p, int bold, double size)
{
    p->bold = bold;
    p->size = size;
}

double ts_text_width(ts_pen *p, const char *s)
{
    prep t;
    if (prepare(p, s, 0, &t) != 0)
        return 1e30;
    double w = logical_width(setup(p, t.laid, -1, -1));
    prep_free(&t);
    return w;
}

uint32_t ts_text_missing(ts_pen *p, const char *s)
{
    prep t;
    if (prepare(p, s, 0, &t) != 0)
        return 0;
    uint32_t cp = t.missing;
    prep_free(&t);
    return cp;
}

void ts_text_draw(ts_pen *p, double x, double y, const char *s, ts_align align)
{
    if (!*s)
        return;
    prep t;
    if (prepare(p, s, 0, &t) != 0)
        return;
    PangoLayout *l = t.missing ? NULL : setup(p, t.laid, -1, -1);
    uint32_t cp = l ? first_unknown(l) : t.missing;
    if (cp) {
        if (!p->missing) {
            p->missing = cp;
            snprintf(p->missing_in, sizeof p->missing_in, "%s", t.text);
        }
        prep_free(&t);
        return;
    }
    PangoLayoutLine *line = pango_layout_get_line_readonly(l, 0);
    PangoRectangle lg;
    pango_layout_line_get_extents(line, NULL, &lg);
    double w = (double)lg.width / PANGO_SCALE;
    cairo_move_to(p->cr, align == TS_ALIGN_LEFT ? x : align == TS_ALIGN_CENTER ? x - w / 2 : x - w, y);
    pango_cairo_show_layout_line(p->cr, line); /* baseline at the current point */
    cairo_new_path(p->cr);
    prep_free(&t);
}

/* S[0..n) without its trailing spaces, with SUFFIX; owned, NULL when out of memory. */
static char *cut(const char *s, size_t n, const char *suffix)
{
    while (n > 0 && s[n - 1] == ' ')
        n--;
    ts_strbuf b = TS_STRBUF_INIT;
    if (ts_strbuf_append(&b, s, n) != 0 || ts_strbuf_append_str(&b, suffix) != 0) {
        ts_strbuf_free(&b);
        return NULL;
    }
    return ts_strbuf_take(&b);
}

/* TEXT (prepared, one line; LAID its laid-out twin) cut to fit WIDTH with "…": the longest
 * run of whole graphemes that leaves room for it. Owned; NULL when out of memory. */
static char *fit_prepared(ts_pen *p, const char *text, const char *laid, double width)
{
    PangoLayout *l = setup(p, laid, -1, -1);
    if (logical_width(l) <= width)
        return ts_strdup(text);
    /* Grapheme boundaries and their x, read before the layout is reused. */
    int nattr;
    const PangoLogAttr *attr = pango_layout_get_log_attrs_readonly(l, &nattr);
    size_t *pos = malloc((size_t)(nattr > 0 ? nattr : 1) * sizeof *pos);
    double *xs = malloc((size_t)(nattr > 0 ? nattr : 1) * sizeof *xs);
    size_t npos = 0;
    if (!pos || !xs) {
        free(pos);
        free(xs);
        return NULL;
    }
    const char *q = laid;
    for (int k = 0; k < nattr && *q; k++, q = g_utf8_next_char(q)) {
        if (k == 0 || !attr[k].is_cursor_position)
            continue;
        PangoRectangle r;
        pango_layout_index_to_pos(l, (int)(q - laid), &r);
        pos[npos] = (size_t)(q - laid);
        xs[npos++] = (double)r.x / PANGO_SCALE;
    }
    double ell = ts_text_width(p, ELLIPSIS);
    size_t k = 0; /* graphemes kept: pos[k - 1] bytes */
    while (k < npos && xs[k] + ell <= width)
        k++;
    char *out = NULL, *probe = NULL;
    for (;;) {
        free(out);
        free(probe);
        out = cut(text, k ? pos[k - 1] : 0, ELLIPSIS);
        probe = cut(laid, k ? pos[k - 1] : 0, ELLIPSIS);
        if (!out || !probe)
            break;
        /* Kerning or a mark across the cut can make the piece wider than its place in the
         * whole line: back off until it fits (or only "…" is left). */
        if (k == 0 || logical_width(setup(p, probe, -1, -1)) <= width)
            break;
        k--;
    }
    if (!probe) {
        free(out);
        out = NULL;
    }
    free(probe);
    free(pos);
    free(xs);
    return out;
}

char *ts_text_fit(ts_pen *p, const char *s, double width)
{
    prep t;
    if (prepare(p, s, 0, &t) != 0)
        return NULL;
    char *out = fit_prepared(p, t.text, t.laid, width);
    prep_free(&t);
    return out;
}

/* Text wrapped into at most this many lines is a label (a bar's, a column head, a note), and
 * so is bold text (a title, a heading): it breaks at phrase boundaries where it can; other
 * text is a paragraph and fills its lines. */
enum { LABEL_LINES = 3 };

/* Whether a break before code point B, after A, is one of the nicer places to end a line:
 * after ・ 、 or a space, before an opening bracket. */
static int nice_break(gunichar a, gunichar b)
{
    return a == 0x30FB || a == 0x3001 || a == ' ' || b == '(' || b == 0xFF08;
}

/* Where the first line of the layout L of LAID should end, when it is a label's (see
 * LABEL_LINES): a nicer place than Pango's END when one keeps at least half of the line (a
 * place Pango allows, so kinsoku holds). */
static size_t label_break(PangoLayout *l, const char *laid, size_t end)
{
    /* Pango's own place stands when it is a nice one (a Latin line ends at a space). */
    if (nice_break(g_utf8_get_char(g_utf8_prev_char(laid + end)), g_utf8_get_char(laid + end)))
        return end;
    int nattr;
    const PangoLogAttr *attr = pango_layout_get_log_attrs_readonly(l, &nattr);
    PangoRectangle r;
    pango_layout_line_get_extents(pango_layout_get_line_readonly(l, 0), NULL, &r);
    double full = r.width;
    size_t pref = 0;
    gunichar prev = 0;
    const char *q = laid;
    for (int k = 0; k < nattr && (size_t)(q - laid) < end; k++, q = g_utf8_next_char(q)) {
        gunichar c = g_utf8_get_char(q);
        if (k > 0 && attr[k].is_line_break && nice_break(prev, c)) {
            pango_layout_index_to_pos(l, (int)(q - laid), &r);
            if (2.0 * r.x >= full)
                pref = (size_t)(q - laid);
        }
        prev = c;
    }
    return pref > 0 ? pref : end;
}

long ts_text_wrap(ts_pen *p, const char *s, double width, size_t max_lines, char ***lines)
{
    char **out = NULL;
    long n = 0;
    prep t;
    if (prepare(p, s, 1, &t) != 0)
        return -1;
    if (max_lines == 0)
        max_lines = 1;
    size_t at = 0; /* the rest starts at t.text + at (and t.laid + at) */
    while (t.text[at] && (size_t)n < max_lines) {
        while (t.text[at] == ' ')
            at++;
        if (!t.text[at])
            break;
        char **grown = realloc(out, (size_t)(n + 1) * sizeof *out);
        if (!grown)
            goto oom;
        out = grown;
        const char *rest = t.text + at, *laid = t.laid + at;
        size_t left = strlen(rest), next = left;
        char *line;
        PangoLayout *l = setup(p, laid, -1, width);
        int count = pango_layout_get_line_count(l);
        if ((size_t)n + 1 == max_lines && count > 1) {
            /* The last line allowed: what is left on one line, cut with "…". */
            char *one = ts_strdup(rest), *one_laid = ts_strdup(laid);
            for (size_t k = 0; one && one_laid && k < left; k++)
                if (one[k] == '\n')
                    one[k] = one_laid[k] = ' ';
            line = one && one_laid ? fit_prepared(p, one, one_laid, width) : NULL;
            free(one);
            free(one_laid);
            for (size_t k = line ? strlen(line) : 0; k > 0 && line[k - 1] == ' ';)
                line[--k] = '\0';
        } else if (count == 1) {
            line = cut(rest, left, "");
        } else {
            size_t end = (size_t)pango_layout_get_line_readonly(l, 0)->length;
            next = (size_t)pango_layout_get_line_readonly(l, 1)->start_index;
            if (next == end && (max_lines <= LABEL_LINES || p->bold)) /* wrapped, not at a line feed */
                end = next = label_break(l, laid, end);
            if (next == 0) /* never: Pango puts a character on every line */
                next = end = (size_t)(g_utf8_next_char(rest) - rest);
            line = cut(rest, end, "");
        }
        if (!line)
            goto oom;
        out[n++] = line;
        at += next;
    }
    prep_free(&t);
    *lines = out;
    return n;
oom:
    prep_free(&t);
    ts_text_free_lines(out, n);
    return -1;
}

void ts_text_free_lines(char **lines, long n)
{
    for (long i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

double ts_text_draw_wrapped(ts_pen *p, double x, double y, double width, double leading, size_t max_lines,
                            const char *s, ts_align align)
{
    char **lines;
    long n = ts_text_wrap(p, s, width, max_lines, &lines);
    if (n <= 0)
        return y;
    for (long i = 0; i < n; i++)
        ts_text_draw(p, x, y + i * leading, lines[i], align);
    ts_text_free_lines(lines, n);
    return y + (n - 1) * leading;
}
