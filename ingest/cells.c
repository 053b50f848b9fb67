/* cells.c — see cells.h. */
#include "cells.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"

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

static cell_status parse_single(ts_var *v, size_t row, const char *s, size_t n, ts_strbuf *why)
{
    int64_t x;
    if (ts_parse_int64(s, n, &x) == 0 && ts_var_code_index(v, x) >= 0) {
        ts_var_set_int(v, row, x);
        return CELL_OK;
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

static cell_status parse_multi_list(ts_var *v, size_t row, const char *s, size_t n, ts_strbuf *why)
{
    uint64_t mask = 0;
    const char *t = s;
    size_t tn = n;
    ts_trim(&t, &tn);
    if (tn == 1 && t[0] == '0' && ts_var_code_index(v, 0) < 0) {
        ts_var_set_mask(v, row, 0); /* "0": answered, no option chosen (docs/codebook.md) */
        return CELL_OK;
    }
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && s[j] != ';')
            j++;
        if (!ts_is_blank(s + i, j - i)) {
            int64_t x;
            long k = ts_parse_int64(s + i, j - i, &x) == 0 ? ts_var_code_index(v, x) : -1;
            if (k < 0) {
                ts_strbuf_append_str(why, "option ");
                quote_value(why, s + i, j - i);
                ts_strbuf_append_str(why, " is not one of ");
                cells_describe_codes(v, why);
                ts_strbuf_append_str(why, " (expected codes separated by ;)");
                return CELL_WARN;
            }
            mask |= (uint64_t)1 << k;
        }
        i = j + 1;
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
        return parse_single(v, row, s, n, why);
    case TS_CB_MULTI:
        return parse_multi_list(v, row, s, n, why);
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

cell_status cells_parse_multi_columns(const ts_cbvar *cv, ts_var *v, size_t row, const ts_field *fields,
                                      const size_t *cols, ts_strbuf *why, size_t *bad)
{
    (void)cv;
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
        if (n == 1 && s[0] == '1')
            mask |= (uint64_t)1 << i;
        else if (!(n == 1 && s[0] == '0')) {
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
