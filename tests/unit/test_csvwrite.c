/* Unit tests for lib/csvwrite.c: RFC 4180 quoting, and text cells a spreadsheet would run as
 * formulas (= + - @, TAB, CR) written with a leading ' and quoted, unless TS_CSV_RAW; plain
 * numbers left alone; ts_csv_quote_prefix taking exactly that quote away again (issue #12). */
#include <stdlib.h>

#include "csvwrite.h"
#include "harness.h"

/* S written as one text cell in MODE, as a string (static buffer). */
static const char *put(const char *s, ts_csv_mode mode)
{
    static char out[256];
    memset(out, 0, sizeof out);
    FILE *fp = fmemopen(out, sizeof out, "w");
    ts_csv_put_text_str(fp, s, mode);
    fclose(fp);
    return out;
}

/* S after a round trip: written safe, unquoted as a CSV reader would, the prefix taken away. */
static int round_trips(const char *s)
{
    char out[256] = {0}, back[256];
    FILE *fp = fmemopen(out, sizeof out, "w");
    ts_csv_put_text_str(fp, s, TS_CSV_SAFE);
    fclose(fp);
    size_t n = 0, len = strlen(out);
    if (len > 0 && out[0] == '"') {
        for (size_t i = 1; i + 1 < len; i++) {
            back[n++] = out[i];
            if (out[i] == '"')
                i++;
        }
    } else {
        memcpy(back, out, len);
        n = len;
    }
    size_t k = ts_csv_quote_prefix(back, n);
    return n - k == strlen(s) && memcmp(back + k, s, n - k) == 0;
}

int main(void)
{
    /* formulas become text */
    T_CHECK_STR(put("=HYPERLINK(\"http://x\",\"y\")", TS_CSV_SAFE), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    T_CHECK_STR(put("+1", TS_CSV_SAFE), "\"'+1\"");
    T_CHECK_STR(put("-cmd", TS_CSV_SAFE), "\"'-cmd\"");
    T_CHECK_STR(put("@SUM(A1)", TS_CSV_SAFE), "\"'@SUM(A1)\"");
    T_CHECK_STR(put("\t=1", TS_CSV_SAFE), "\"'\t=1\"");
    T_CHECK_STR(put("\r=1", TS_CSV_SAFE), "\"'\r=1\"");
    T_CHECK_STR(put("-", TS_CSV_SAFE), "\"'-\"");
    T_CHECK_STR(put("-1-1", TS_CSV_SAFE), "\"'-1-1\"");
    T_CHECK_STR(put("-1e", TS_CSV_SAFE), "\"'-1e\"");
    T_CHECK_STR(put("-.5", TS_CSV_SAFE), "\"'-.5\"");
    /* a cell already starting with quotes before a formula gets one more */
    T_CHECK_STR(put("'=x", TS_CSV_SAFE), "\"''=x\"");
    T_CHECK_STR(put("''@x", TS_CSV_SAFE), "\"'''@x\"");
    /* plain numbers, ordinary text and quotes before ordinary text are left alone */
    T_CHECK_STR(put("-9", TS_CSV_SAFE), "-9");
    T_CHECK_STR(put("-0.5", TS_CSV_SAFE), "-0.5");
    T_CHECK_STR(put("-1.2345678901234567e-05", TS_CSV_SAFE), "-1.2345678901234567e-05");
    T_CHECK_STR(put("12", TS_CSV_SAFE), "12");
    T_CHECK_STR(put("男性", TS_CSV_SAFE), "男性");
    T_CHECK_STR(put("a=b", TS_CSV_SAFE), "a=b");
    T_CHECK_STR(put("'quoted", TS_CSV_SAFE), "'quoted");
    T_CHECK_STR(put("", TS_CSV_SAFE), "");
    T_CHECK_STR(put("a,b", TS_CSV_SAFE), "\"a,b\"");
    /* raw: only RFC 4180 quoting */
    T_CHECK_STR(put("=HYPERLINK(\"http://x\",\"y\")", TS_CSV_RAW), "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    T_CHECK_STR(put("+1", TS_CSV_RAW), "+1");
    T_CHECK_STR(put("@SUM(A1)", TS_CSV_RAW), "@SUM(A1)");
    T_CHECK_STR(put("'=x", TS_CSV_RAW), "'=x");
    T_CHECK(ts_csv_needs_quote_prefix("=", 1) && !ts_csv_needs_quote_prefix("-3", 2) && !ts_csv_needs_quote_prefix("", 0));
    /* the reader's side */
    T_CHECK(ts_csv_quote_prefix("'=x", 3) == 1 && ts_csv_quote_prefix("''=x", 4) == 1);
    T_CHECK(ts_csv_quote_prefix("'x", 2) == 0 && ts_csv_quote_prefix("=x", 2) == 0 && ts_csv_quote_prefix("'", 1) == 0);
    T_CHECK(ts_csv_quote_prefix("'-9", 3) == 1 && ts_csv_quote_prefix("-9", 2) == 0);
    static const char *const cells[] = {"=1+2", "+1", "-cmd", "@x", "\tx", "\rx", "'=x", "''=x", "'x", "x", "-9",
                                        "-0.5", "", "'", "a\"b", "-", "'-9"};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        T_CHECK(round_trips(cells[i]));
    T_DONE();
}
