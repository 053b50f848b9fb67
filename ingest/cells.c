/* cells.c — see cells.h. */
#include "cells.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "textfold.h"

#define TS_SUGGEST_MAX 64 /* code points of an answer or label compared for suggestions */

static int cmp_code(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

void cells_describe_codes(const ts_var *v, ts_strbuf *out)
{
    /* Codes sorted, so that runs show: copy, sort (qsort: a codebook may have 20,000 codes,
     * and every item warning on the variable describes them). */
    size_t n = v->ncodes;
    int32_t *c = malloc((n ? n : 1) * sizeof *c);
    if (!c)
        return;
    for (size_t i = 0; i < n; i++)
        c[i] = v->codes[i].code;
    qsort(c, n, sizeof *c, cmp_code);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && c[j + 1] == c[j] + 1)
            j++;
        if (i > 0)
            ts_strbuf_append_str(out, ", ");
        if (j >= i + 2)
            ts_strbuf_printf(out, "%d–%d", c[i], c[j]);
        else if (j == i + 1)
            ts_strbuf_printf(out, "%d, %d", c[i], c[j]);
        else
            ts_strbuf_printf(out, "%d", c[i]);
        i = j + 1;
    }
    free(c);
}

static void describe_range(const ts_var *v, ts_strbuf *out)
{
    char lo[32], hi[32];
    ts_format_double(v->min, lo);
    ts_format_double(v->max, hi);
    if (v->has_min && v->has_max)
        ts_strbuf_printf(out, "%s..%s", lo, hi);
    else if (v->has_min)
        ts_strbuf_printf(out, "%s or more", lo);
    else if (v->has_max)
        ts_strbuf_printf(out, "%s or less", hi);
}

/* Quote a raw value for a message, shortened when long. */
static void quote_value(ts_strbuf *out, const char *s, size_t n)
{
    if (n > 40) {
        /* Cut at a UTF-8 character boundary. */
        size_t k = 40;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        ts_strbuf_printf(out, "\"%.*s…\"", (int)k, s);
    } else
        ts_strbuf_printf(out, "\"%.*s\"", (int)n, s);
}

static int in_range(const ts_var *v, double x)
{
    return !(v->has_min && x < v->min) && !(v->has_max && x > v->max);
}

static cell_status warn_number(const ts_var *v, ts_strbuf *why, const char *what, const char *s, size_t n)
{
    ts_strbuf_printf(why, "expected %s", what);
    if (v->has_min || v->has_max) {
        ts_strbuf_append_char(why, ' ');
        describe_range(v, why);
    }
    if (v->ncodes > 0) {
        ts_strbuf_append_str(why, " or one of the codes ");
        cells_describe_codes(v, why);
    }
    ts_strbuf_append_str(why, ", got ");
    quote_value(why, s, n);
    return CELL_WARN;
}

/* ---- label-coded answers (docs/codebook.md): the cell folded, then found among the labels */

/* The folded form of S[0..N) in BUF (of SIZE bytes) or, when longer, in a new string that
 * *OWNED holds; NULL out of memory. */
static char *fold_cell(const char *s, size_t n, char *buf, size_t size, char **owned, size_t *len)
{
    *owned = NULL;
    char *out = buf;
    if (n + 1 > size && !(out = *owned = malloc(n + 1)))
        return NULL;
    *len = ts_text_fold(s, n, out);
    return out;
}

/* S[0..N) (UTF-8; other bytes count one each) as code points in OUT (at most CAP). */
static size_t code_points(const char *s, size_t n, uint32_t *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; k++) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (i + len > n)
            len = 1;
        uint32_t x = len == 1 ? c : (uint32_t)(c & (0x7F >> len));
        for (size_t j = 1; j < len; j++)
            x = x << 6 | ((unsigned char)s[i + j] & 0x3F);
        out[k] = x;
        i += len;
    }
    return k;
}

/* Levenshtein distance between A[0..NA) and B[0..NB), code points. */
static size_t edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t row[TS_SUGGEST_MAX + 1];
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

/* "; nearest labels: "時々ある" (code 2), ...": up to 3 codes whose label or alias is
 * nearest the folded answer F[0..N) by edit distance, and not wholly different from it. */
static void suggest_labels(const ts_cbvar *cv, const char *f, size_t n, ts_strbuf *why)
{
    uint32_t a[TS_SUGGEST_MAX], b[TS_SUGGEST_MAX];
    size_t na = code_points(f, n, a, TS_SUGGEST_MAX);
    size_t best[3], dist[3], nbest = 0;
    for (size_t e = 0; e < cv->nlabels; e++) {
        const ts_cblabel *l = &cv->labels[e];
        size_t nb = code_points(l->text, l->len, b, TS_SUGGEST_MAX);
        size_t gap = na > nb ? na - nb : nb - na; /* the distance is at least this */
        if (3 * gap > 2 * (na > nb ? na : nb) || (nbest == 3 && gap > dist[2]))
            continue; /* cannot be among the nearest: spare the O(na nb) of a long label list */
        size_t d = edit_distance(a, na, b, nb);
        if (3 * d > 2 * (na > nb ? na : nb))
            continue; /* more than two thirds different: no help */
        size_t seen = nbest;
        for (size_t i = 0; i < nbest; i++)
            if (best[i] == l->code)
                seen = i;
        if (seen < nbest) {
            if (d >= dist[seen])
                continue;
            for (size_t i = seen; i + 1 < nbest; i++) { /* take it out, to put it back in order */
                best[i] = best[i + 1];
                dist[i] = dist[i + 1];
            }
            nbest--;
        }
        size_t at = nbest;
        while (at > 0 && dist[at - 1] > d)
            at--;
        if (at >= 3)
            continue;
        for (size_t i = nbest < 3 ? nbest : 2; i > at; i--) {
            best[i] = best[i - 1];
            dist[i] = dist[i - 1];
        }
        best[at] = l->code;
        dist[at] = d;
        if (nbest < 3)
            nbest++;
    }
    for (size_t i = 0; i < nbest; i++)
        ts_strbuf_printf(why, "%s\"%s\" (code %d)", i ? ", " : "; nearest labels: ", cv->def->codes[best[i]].label,
                         cv->def->codes[best[i]].code);
    /* None near: a short list is shown whole, so that the user sees what was expected. */
    for (size_t k = 0; nbest == 0 && cv->def->ncodes <= 8 && k < cv->def->ncodes; k++)
        ts_strbuf_printf(why, "%s\"%s\" (code %d)", k ? ", " : "; labels are ", cv->def->codes[k].label,
                         cv->def->codes[k].code);
}

static cell_status warn_label(const ts_cbvar *cv, ts_strbuf *why, const char *what, const char *s, size_t n,
                              const char *f, size_t fn)
{
    ts_strbuf_append_str(why, what);
    quote_value(why, s, n);
    ts_strbuf_append_str(why, cv->answers == TS_ANSWERS_EITHER ? " is neither a code nor a label" : " matches no label");
    suggest_labels(cv, f, fn, why);
    return CELL_WARN;
}

/* A code given as text: the index of the code S[0..N) is, or -1. */
static long code_of(const ts_var *v, const char *s, size_t n)
{
    int64_t x;
    return ts_parse_int64(s, n, &x) == 0 ? ts_var_code_index(v, x) : -1;
}

static cell_status parse_single(const ts_cbvar *cv, ts_var *v, size_t row, const char *s, size_t n, ts_strbuf *why)
{
    int64_t x;
    if (cv->answers != TS_ANSWERS_LABELS && ts_parse_int64(s, n, &x) == 0 && ts_var_code_index(v, x) >= 0) {
        ts_var_set_int(v, row, x);
        return CELL_OK;
    }
    if (cv->answers != TS_ANSWERS_CODES) {
        char buf[512], *owned;
        size_t fn;
        const char *f = fold_cell(s, n, buf, sizeof buf, &owned, &fn);
        if (!f)
            return CELL_NOMEM;
        long k = ts_codebook_find_label(cv, f, fn);
        cell_status cs = CELL_OK;
        if (k >= 0)
            ts_var_set_int(v, row, v->codes[k].code);
        else
            cs = warn_label(cv, why, "", s, n, f, fn);
        free(owned);
        return cs;
    }
    if (ts_parse_int64(s, n, &x) == 0)
        ts_strbuf_printf(why, "code %lld is not one of ", (long long)x);
    else {
        ts_strbuf_append_str(why, "expected a code, got ");
        quote_value(why, s, n);
        ts_strbuf_append_str(why, "; valid codes are ");
    }
    cells_describe_codes(v, why);
    return CELL_WARN;
}

/* Whether SEP[0..SN) starts at S[J] (S of N bytes). */
static int sep_at(const char *s, size_t n, size_t j, const char *sep, size_t sn)
{
    return j + sn <= n && memcmp(s + j, sep, sn) == 0;
}

/* A multi answer's options as labels (or, with answers=either, codes first): the folded
 * cell F[0..FN) split at the separator by longest match, so that a label which itself holds
 * the separator ("はい, 時々") is still one option. */
static cell_status multi_labels(const ts_cbvar *cv, ts_var *v, const char *f, size_t fn, const char *sep, size_t sn,
                                uint64_t *mask, ts_strbuf *why)
{
    for (size_t i = 0; i < fn;) {
        while (i < fn && f[i] == ' ')
            i++;
        size_t first = i; /* the end of the first piece: at the next separator */
        while (first < fn && !sep_at(f, fn, first, sep, sn))
            first++;
        const char *piece = f + i;
        size_t pn = first - i;
        ts_trim(&piece, &pn);
        long k = cv->answers == TS_ANSWERS_EITHER ? code_of(v, piece, pn) : -1;
        size_t end = first;
        for (size_t j = first; k < 0 && cv->answers != TS_ANSWERS_CODES; j++) {
            if (j == fn || sep_at(f, fn, j, sep, sn)) {
                const char *t = f + i;
                size_t tn = j - i;
                ts_trim(&t, &tn);
                long l = tn ? ts_codebook_find_label(cv, t, tn) : -1;
                if (l >= 0) {
                    k = l;
                    end = j; /* keep looking: the longest label wins */
                }
            }
            if (j == fn)
                break;
        }
        if (k < 0 && pn > 0)
            return warn_label(cv, why, "option ", piece, pn, piece, pn);
        if (k >= 0)
            *mask |= (uint64_t)1 << k;
        i = end < fn ? end + sn : fn;
    }
    return CELL_OK;
}

static cell_status parse_multi_list(const ts_cbvar *cv, ts_var *v, size_t row, const char *s, size_t n,
                                    ts_strbuf *why)
{
    uint64_t mask = 0;
    const char *t = s;
    size_t tn = n;
    ts_trim(&t, &tn);
    if (tn == 1 && t[0] == '0' && ts_var_code_index(v, 0) < 0 &&
        (cv->answers == TS_ANSWERS_CODES || ts_codebook_find_label(cv, "0", 1) < 0)) {
        ts_var_set_mask(v, row, 0); /* "0": answered, no option chosen (docs/codebook.md) */
        return CELL_OK;
    }
    size_t sn;
    const char *sep = ts_codebook_separator(cv, &sn);
    if (cv->answers != TS_ANSWERS_CODES) {
        char buf[512], sbuf[64], *owned, *sowned;
        size_t fn, fsn;
        const char *f = fold_cell(s, n, buf, sizeof buf, &owned, &fn);
        const char *fs = f ? fold_cell(sep, sn, sbuf, sizeof sbuf, &sowned, &fsn) : NULL;
        if (!fs) {
            free(owned);
            return CELL_NOMEM;
        }
        if (fsn == 0) { /* a separator that folds to nothing (an ideographic space): split at spaces */
            fs = " ";
            fsn = 1;
        }
        cell_status cs = multi_labels(cv, v, f, fn, fs, fsn, &mask, why);
        free(owned);
        free(sowned);
        if (cs == CELL_OK)
            ts_var_set_mask(v, row, mask);
        return cs;
    }
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && !sep_at(s, n, j, sep, sn))
            j++;
        if (!ts_is_blank(s + i, j - i)) {
            long k = code_of(v, s + i, j - i);
            if (k < 0) {
                ts_strbuf_append_str(why, "option ");
                quote_value(why, s + i, j - i);
                ts_strbuf_append_str(why, " is not one of ");
                cells_describe_codes(v, why);
                ts_strbuf_printf(why, " (expected codes separated by %.*s)", (int)sn, sep);
                return CELL_WARN;
            }
            mask |= (uint64_t)1 << k;
        }
        i = j + sn;
    }
    ts_var_set_mask(v, row, mask);
    return CELL_OK;
}

/* Digits only, at most 9 of them: the value; else -1. The common cell of a survey. */
static long small_uint(const char *s, size_t n)
{
    if (n == 0 || n > 9)
        return -1;
    long x = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return -1;
        x = x * 10 + (long)d;
    }
    return x;
}

/* Fast paths for the cells a survey is mostly made of: a small single-choice code, a plain
 * non-negative integer in range, a list of small codes. Return 1 when the value was stored,
 * 0 to take the general path (which also produces every warning). */
static int fast_cell(const ts_cbvar *cv, ts_var *v, size_t row, const char *s, size_t n)
{
    if ((cv->kind == TS_CB_SINGLE || cv->kind == TS_CB_MULTI) &&
        (cv->answers == TS_ANSWERS_LABELS || cv->separator))
        return 0; /* labels, or a separator other than ; */
    switch (cv->kind) {
    case TS_CB_SINGLE: {
        long x = small_uint(s, n);
        if (x < 0 || x > 254 || cv->small_index[x] == 255 || v->storage != TS_STORE_U8)
            return 0;
        ((uint8_t *)v->data)[row] = (uint8_t)x;
        return 1;
    }
    case TS_CB_INTEGER: {
        long x = small_uint(s, n);
        if (x < 0 || (v->has_min && x < v->min) || (v->has_max && x > v->max) || v->storage != TS_STORE_I32)
            return 0;
        ((int32_t *)v->data)[row] = (int32_t)x;
        return 1;
    }
    case TS_CB_MULTI: {
        uint64_t mask = 0;
        size_t i = 0;
        while (i < n) {
            size_t j = i;
            while (j < n && s[j] != ';')
                j++;
            long x = small_uint(s + i, j - i);
            if (x < 0 || x > 254 || cv->small_index[x] == 255)
                return 0;
            mask |= (uint64_t)1 << cv->small_index[x];
            i = j + 1;
        }
        if (n == 0 || s[n - 1] == ';')
            return 0;
        ts_var_set_mask(v, row, mask);
        return 1;
    }
    case TS_CB_NUMERIC: {
        /* "12.5": digits, a point, at most 15 digits in all. The digits as an integer and the
         * power of ten are exact doubles, so their quotient is correctly rounded: the same
         * double strtod gives (Clinger's fast path). */
        if (n == 0 || n > 16 || v->storage != TS_STORE_F64)
            return 0;
        uint64_t m = 0;
        int digits = 0, point = -1;
        for (size_t i = 0; i < n; i++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0';
            if (d <= 9) {
                m = m * 10 + d;
                digits++;
            } else if (s[i] == '.' && point < 0) {
                point = (int)i;
            } else
                return 0;
        }
        if (digits == 0 || digits > 15)
            return 0;
        static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                       1e11, 1e12, 1e13, 1e14, 1e15};
        int decimals = point < 0 ? 0 : (int)n - point - 1;
        double x = (double)m / pow10[decimals];
        if ((v->has_min && x < v->min) || (v->has_max && x > v->max))
            return 0;
        ((double *)v->data)[row] = x;
        return 1;
    }
    default:
        return 0;
    }
}

cell_status cells_parse(const ts_cbvar *cv, ts_var *v, size_t row, const char *s, size_t n, ts_strbuf *why)
{
    if (fast_cell(cv, v, row, s, n))
        return CELL_OK;
    if (ts_is_blank(s, n)) {
        if (cv->kind == TS_CB_TEXT && cv->keep)
            return ts_var_set_text(v, row, NULL, 0) == 0 ? CELL_OK : CELL_NOMEM;
        return CELL_OK; /* rows start out system missing */
    }
    switch (cv->kind) {
    case TS_CB_SINGLE:
        return parse_single(cv, v, row, s, n, why);
    case TS_CB_MULTI:
        return parse_multi_list(cv, v, row, s, n, why);
    case TS_CB_INTEGER: {
        int64_t x;
        if (ts_parse_int64(s, n, &x) != 0 || x <= INT32_MIN || x > INT32_MAX)
            return warn_number(v, why, "an integer", s, n);
        if (ts_var_code_index(v, x) < 0 && !in_range(v, (double)x)) {
            ts_strbuf_printf(why, "%lld is outside ", (long long)x);
            describe_range(v, why);
            return CELL_WARN;
        }
        ts_var_set_int(v, row, x);
        return CELL_OK;
    }
    case TS_CB_NUMERIC: {
        double x;
        if (ts_parse_double(s, n, &x) != 0)
            return warn_number(v, why, "a number", s, n);
        int is_code = x == floor(x) && fabs(x) < 2147483648.0 && ts_var_code_index(v, (int64_t)x) >= 0;
        if (!is_code && !in_range(v, x)) {
            char shown[32];
            ts_format_double(x, shown);
            ts_strbuf_printf(why, "%s is outside ", shown);
            describe_range(v, why);
            return CELL_WARN;
        }
        ts_var_set_num(v, row, x);
        return CELL_OK;
    }
    case TS_CB_TEXT:
        if (cv->keep && ts_var_set_text(v, row, s, n) != 0)
            return CELL_NOMEM;
        return CELL_OK;
    default:
        return CELL_OK;
    }
}

/* Whether option I's cell S[0..N) (trimmed, not empty) names option I: its label or an
 * alias, folded. 1 yes, 0 no, -1 out of memory. */
static int names_option(const ts_cbvar *cv, size_t i, const char *s, size_t n)
{
    char buf[512], *owned;
    size_t fn;
    const char *f = fold_cell(s, n, buf, sizeof buf, &owned, &fn);
    if (!f)
        return -1;
    long k = fn ? ts_codebook_find_label(cv, f, fn) : -1;
    free(owned);
    return k >= 0 && (size_t)k == i;
}

cell_status cells_parse_multi_columns(const ts_cbvar *cv, ts_var *v, size_t row, const ts_field *fields,
                                      const size_t *cols, ts_strbuf *why, size_t *bad)
{
    uint64_t mask = 0;
    int any = 0;
    for (size_t i = 0; i < v->ncodes; i++) {
        if (cols[i] == SIZE_MAX)
            continue; /* the 非該当 option: no raw column (asked_if sets it) */
        const char *s = fields[cols[i]].s;
        size_t n = fields[cols[i]].len;
        ts_trim(&s, &n);
        if (n == 0)
            continue;
        any = 1;
        int one = n == 1 && s[0] == '1', zero = n == 1 && s[0] == '0';
        if (cv->answers != TS_ANSWERS_LABELS && one)
            mask |= (uint64_t)1 << i;
        else if (cv->answers != TS_ANSWERS_LABELS && zero)
            continue;
        else if (cv->answers != TS_ANSWERS_CODES) {
            /* A SurveyMonkey option column: the option's text when chosen, empty when not. */
            int named = names_option(cv, i, s, n);
            if (named < 0)
                return CELL_NOMEM;
            if (!named) {
                int either = cv->answers == TS_ANSWERS_EITHER;
                ts_strbuf_printf(why, "expected %s\"%s\" (chosen)%s or empty, got ", either ? "1 or " : "",
                                 cv->def->codes[i].label, either ? ", 0 (not chosen)" : "");
                quote_value(why, s, n);
                *bad = i;
                return CELL_WARN;
            }
            mask |= (uint64_t)1 << i;
        } else {
            ts_strbuf_append_str(why, "expected 1 (chosen), 0 (not chosen) or empty, got ");
            quote_value(why, s, n);
            *bad = i;
            return CELL_WARN;
        }
    }
    if (any)
        ts_var_set_mask(v, row, mask);
    return CELL_OK;
}

void cells_tally_note(cells_tally *t, const ts_cbvar *cv, const char *s, size_t n, cell_status cs,
                      unsigned long line)
{
    if (!(cv->kind == TS_CB_SINGLE || cv->kind == TS_CB_MULTI) || ts_is_blank(s, n))
        return;
    t->answered++;
    if (cs != CELL_WARN || t->unmatched++)
        return;
    t->example_line = line;
    ts_trim(&s, &n);
    size_t k = n < sizeof t->example - 1 ? n : sizeof t->example - 1;
    while (k < n && k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--; /* cut at a character */
    memcpy(t->example, s, k);
    t->example[k] = '\0';
}
