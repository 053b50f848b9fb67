/* numformat.c — numbers as a reader of a table expects them: thousands separators, a real
 * minus sign, as many decimals as the standard error supports. Used by the estimation
 * stage's text tables and by the report (PDF grid, cover). */
#include "numformat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int ts_numformat_se_decimals(double se)
{
    if (!isfinite(se) || !(se > 0))
        return 2;
    /* Two significant digits of the standard error: 0.0123 → 3 decimals, 1.5 → 1, 15 → 0. */
    int dec = 1 - (int)floor(log10(se));
    return dec < 0 ? 0 : dec > 4 ? 4 : dec;
}

void ts_numformat_grouped(double v, int dec, char *buf, size_t len)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "—");
        return;
    }
    char digits[64];
    snprintf(digits, sizeof digits, "%.*f", dec, fabs(v));
    if (fabs(v) >= 1e18 || strlen(digits) > 40) {
        snprintf(buf, len, "%.*g", 6, v);
        return;
    }
    const char *dot = strchr(digits, '.');
    size_t ilen = dot ? (size_t)(dot - digits) : strlen(digits), o = 0;
    char out[96];
    /* A minus sign (U+2212), not a hyphen beside the interval's dash; none for a value that
     * rounds to zero. */
    if (v < 0 && strspn(digits, "0.") != strlen(digits)) {
        memcpy(out, "\xE2\x88\x92", 3);
        o = 3;
    }
    for (size_t i = 0; i < ilen; i++) {
        if (i > 0 && (ilen - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    snprintf(out + o, sizeof out - o, "%s", dot ? dot : "");
    snprintf(buf, len, "%s", out);
}

