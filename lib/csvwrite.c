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
