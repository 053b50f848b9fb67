/* numparse.c — see numparse.h. */
#include "numparse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ts_trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

int ts_is_blank(const char *s, size_t n)
{
    ts_trim(&s, &n);
    return n == 0;
}

int ts_parse_int64(const char *s, size_t n, int64_t *out)
{
    ts_trim(&s, &n);
    if (n == 0)
        return -1;
    int neg = 0;
    if (*s == '-' || *s == '+') {
        neg = *s == '-';
        s++;
        n--;
    }
    if (n == 0 || n > 19)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    if (x > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
        return -1;
    *out = neg ? (int64_t)(0 - x) : (int64_t)x;
    return 0;
}

int ts_parse_double(const char *s, size_t n, double *out)
{
    ts_trim(&s, &n);
    if (n == 0 || n > 64)
        return -1;
    /* Only digits, one '.', a sign and an exponent: strtod alone would take "nan", "0x1p3". */
    char buf[65];
    int digits = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            digits = 1;
        else if (!(c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return -1;
        buf[i] = c;
    }
    if (!digits)
        return -1;
    buf[n] = '\0';
    char *end;
    double x = strtod(buf, &end);
    if (*end != '\0' || !isfinite(x))
        return -1;
    *out = x;
    return 0;
}

void ts_format_double(double x, char buf[32])
{
    if (x == floor(x) && fabs(x) < 1e15) { /* whole numbers as written: 30, not 3e+01 */
        snprintf(buf, 32, "%.0f", x);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}
