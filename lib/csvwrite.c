/* csvwrite.c — see csvwrite.h. */
#include "csvwrite.h"

#include <string.h>

void ts_csv_put(FILE *fp, const char *s, size_t n)
{
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            quote = 1;
    if (!quote) {
        fwrite(s, 1, n, fp);
        return;
    }
    putc('"', fp);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            putc('"', fp);
        putc(s[i], fp);
    }
    putc('"', fp);
}

static int is_trigger(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* -?DIGITS[.DIGITS][e[+-]DIGITS]: how put_num and integer codes come out (%.17g, %d). */
static int is_plain_number(const char *s, size_t n)
{
    size_t i = n > 0 && s[0] == '-', d = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        d++;
    if (d == 0)
        return 0;
    if (i < n && s[i] == '.') {
        size_t f = 0;
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            f++;
        if (f == 0)
            return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t e = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            e++;
        if (e == 0)
            return 0;
    }
    return i == n;
}

int ts_csv_needs_quote_prefix(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] == '\'')
        k++;
    return k < n && is_trigger(s[k]) && !(k == 0 && is_plain_number(s, n));
}

size_t ts_csv_quote_prefix(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] == '\'')
        k++;
    return k > 0 && k < n && is_trigger(s[k]) ? 1 : 0;
}

void ts_csv_put_text(FILE *fp, const char *s, size_t n, ts_csv_mode mode)
{
    if (mode == TS_CSV_RAW || !ts_csv_needs_quote_prefix(s, n)) {
        ts_csv_put(fp, s, n);
        return;
    }
    /* quoted as well, as OWASP advises: the cell stays one field whatever follows */
    fputs("\"'", fp);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            putc('"', fp);
        putc(s[i], fp);
    }
    putc('"', fp);
}

void ts_csv_put_text_str(FILE *fp, const char *s, ts_csv_mode mode)
{
    ts_csv_put_text(fp, s, strlen(s), mode);
}

void ts_csv_put_str(FILE *fp, const char *s)
{
    ts_csv_put(fp, s, strlen(s));
}

void ts_csv_sep(FILE *fp, size_t index)
{
    if (index > 0)
        putc(',', fp);
}

void ts_csv_put_bom(FILE *fp)
{
    fputs("\xEF\xBB\xBF", fp);
}
