/* text.c — see text.h. cairo's "toy" text API is enough: Japanese needs no shaping, and
 * every string is drawn in one face (fonts.c made sure it has kana and kanji). */
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static const char ELLIPSIS[] = "\xE2\x80\xA6"; /* … */

/* Decode the UTF-8 sequence at S; set *CP and return its length (1 for a stray byte, which
 * then stands for U+FFFD so it is reported, not drawn). */
static size_t next_cp(const char *s, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = u[0] < 0x80 ? 1 : (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3 : (u[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t v = n == 1 ? u[0] : n == 2 ? u[0] & 0x1F : n == 3 ? u[0] & 0x0F : u[0] & 0x07;
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = v << 6 | (u[i] & 0x3F);
    }
    *cp = v;
    return n;
}

void ts_text_font(ts_pen *p, int bold, double size)
{
    cairo_set_font_face(p->cr, ts_fonts_face(p->fonts, bold));
    cairo_set_font_size(p->cr, size);
}

double ts_text_width(ts_pen *p, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(p->cr, s, &e);
    return e.x_advance;
}

static int covered(ts_pen *p, const char *s)
{
    for (const char *q = s; *q;) {
        uint32_t cp;
        q += next_cp(q, &cp);
        if (!ts_fonts_has(p->fonts, cp)) {
            if (!p->missing) {
                p->missing = cp;
                snprintf(p->missing_in, sizeof p->missing_in, "%s", s);
            }
            return 0;
        }
    }
    return 1;
}

void ts_text_draw(ts_pen *p, double x, double y, const char *s, ts_align align)
{
    if (!*s || !covered(p, s))
        return;
    double w = align == TS_ALIGN_LEFT ? 0 : ts_text_width(p, s);
    cairo_move_to(p->cr, align == TS_ALIGN_LEFT ? x : align == TS_ALIGN_CENTER ? x - w / 2 : x - w, y);
    cairo_show_text(p->cr, s);
    cairo_new_path(p->cr);
}

/* Width of S[0..n). */
static double width_n(ts_pen *p, const char *s, size_t n, ts_strbuf *tmp)
{
    ts_strbuf_reset(tmp);
    if (ts_strbuf_append(tmp, s, n) != 0)
        return 1e30;
    return ts_text_width(p, tmp->data ? tmp->data : "");
}

char *ts_text_fit(ts_pen *p, const char *s, double width)
{
    if (ts_text_width(p, s) <= width)
        return ts_strdup(s);
    ts_strbuf b = TS_STRBUF_INIT;
    double ell = ts_text_width(p, ELLIPSIS);
    size_t keep = 0;
    for (size_t i = 0; s[i];) {
        uint32_t cp;
        size_t n = next_cp(s + i, &cp);
        if (width_n(p, s, i + n, &b) + ell > width)
            break;
        i += n;
        keep = i;
    }
    ts_strbuf_reset(&b);
    if (ts_strbuf_append(&b, s, keep) != 0 || ts_strbuf_append_str(&b, ELLIPSIS) != 0) {
        ts_strbuf_free(&b);
        return NULL;
    }
    return ts_strbuf_take(&b);
}

/* Kinsoku: characters that must not start a line, and ones that must not end one. */
static int no_line_start(uint32_t cp)
{
    static const uint32_t list[] = {0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF09, 0x300D, 0x300F, 0x3011, 0x30FB, 0x30FC,
                                    0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, 0x2026, ')', ',', '.', ':', ';', '%', ']',
                                    0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087,
                                    0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (list[i] == cp)
            return 1;
    return 0;
}

static int no_line_end(uint32_t cp)
{
    return cp == 0xFF08 || cp == 0x300C || cp == 0x300E || cp == 0x3010 || cp == '(' || cp == '[';
}

static int is_word(uint32_t cp) { return cp < 0x80 && cp != ' '; }

/* Whether a line may break between code points A and B. */
static int may_break(uint32_t a, uint32_t b)
{
    if (b == ' ')
        return 0; /* break after the space, not before it */
    if (is_word(a) && is_word(b))
        return 0;
    return !no_line_start(b) && !no_line_end(a);
}

long ts_text_wrap(ts_pen *p, const char *s, double width, size_t max_lines, char ***lines)
{
    char **out = NULL;
    long n = 0;
    ts_strbuf tmp = TS_STRBUF_INIT;
    const char *start = s;
    if (max_lines == 0)
        max_lines = 1;
    while (*start) {
        while (*start == ' ')
            start++;
        if (!*start)
            break;
        char **grown = realloc(out, (size_t)(n + 1) * sizeof *out);
        if (!grown)
            goto oom;
        out = grown;
        size_t len = strlen(start);
        char *line;
        if ((size_t)n + 1 == max_lines || width_n(p, start, len, &tmp) <= width) {
            /* The last line allowed, or the rest fits. */
            ts_strbuf_reset(&tmp);
            if (ts_strbuf_append(&tmp, start, len) != 0)
                goto oom;
            line = ts_text_fit(p, tmp.data, width);
            len = strlen(start);
        } else {
            /* Longest prefix that fits, backed off to the last place a break is allowed;
             * a line gets at least one character, however narrow WIDTH is. */
            size_t fit = 0, brk = 0, pref = 0;
            uint32_t prev = 0;
            for (size_t i = 0; start[i];) {
                uint32_t cp;
                size_t k = next_cp(start + i, &cp);
                if (i > 0 && may_break(prev, cp))
                    brk = i;
                /* Nicer places: before a bracket, after ・ 、 or a space. */
                if (i > 0 && (cp == '(' || cp == 0xFF08 || prev == 0x30FB || prev == 0x3001 || prev == ' ') &&
                    !no_line_start(cp))
                    pref = i;
                if (i > 0 && width_n(p, start, i + k, &tmp) > width)
                    break;
                i += k;
                fit = i;
                prev = cp;
            }
            if (brk == 0)
                brk = fit;
            /* Take a nicer place when it keeps at least half of the line. */
            if (pref > 0 && pref <= fit && pref * 2 >= fit)
                brk = pref;
            len = brk;
            line = ts_strndup(start, len);
            while (line && len > 0 && line[len - 1] == ' ')
                line[--len] = '\0';
            len = brk;
        }
        if (!line)
            goto oom;
        out[n++] = line;
        start += len;
        if ((size_t)n == max_lines)
            break;
    }
    ts_strbuf_free(&tmp);
    *lines = out;
    return n;
oom:
    ts_strbuf_free(&tmp);
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
