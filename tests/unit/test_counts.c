/* test_counts.c — lib/counts: reading a counts file from memory (docs/counts.md) — the header
 * and its names, comment and blank rows, label folding, thousands separators, the total row
 * checked and left out, and each refusal with its position. */
#include <stdlib.h>
#include <string.h>

#include "counts.h"
#include "harness.h"

static ts_counts *rd(const char *text, const char *names, ts_err *err)
{
    return ts_counts_read_mem(text, strlen(text), "c.csv", TS_ENC_UTF8, names, err);
}

/* The message of reading TEXT (a refusal), or "" when it reads; the caller frees nothing. */
static const char *refusal(const char *text, const char *names)
{
    static char msg[512];
    ts_err err = TS_ERR_INIT;
    ts_counts *c = rd(text, names, &err);
    msg[0] = '\0';
    if (!c)
        snprintf(msg, sizeof msg, "%s", err.msg ? err.msg : "?");
    ts_counts_free(c);
    ts_err_clear(&err);
    return msg;
}

/* The message of parsing column COL of TEXT, or "" when every cell is a count. */
static const char *column_refusal(const char *text, size_t col)
{
    static char msg[512];
    ts_err err = TS_ERR_INIT;
    ts_counts *c = rd(text, NULL, &err);
    msg[0] = '\0';
    if (!c) {
        snprintf(msg, sizeof msg, "unreadable: %s", err.msg ? err.msg : "?");
    } else {
        double v[16];
        if (ts_counts_column(c, col, v, &err) != TS_OK)
            snprintf(msg, sizeof msg, "%s", err.msg ? err.msg : "?");
    }
    ts_counts_free(c);
    ts_err_clear(&err);
    return msg;
}

static void test_parse(void)
{
    double v = -1;
    T_CHECK(ts_counts_parse("0", &v) == 0 && v == 0);
    T_CHECK(ts_counts_parse("1234", &v) == 0 && v == 1234);
    T_CHECK(ts_counts_parse("1,234", &v) == 0 && v == 1234);
    T_CHECK(ts_counts_parse("12,345,678", &v) == 0 && v == 12345678);
    T_CHECK(ts_counts_parse("1,23", &v) != 0);
    T_CHECK(ts_counts_parse("1234,567", &v) != 0);
    T_CHECK(ts_counts_parse(",123", &v) != 0);
    T_CHECK(ts_counts_parse("1,234,", &v) != 0);
    T_CHECK(ts_counts_parse("", &v) != 0);
    T_CHECK(ts_counts_parse("-3", &v) != 0);
    T_CHECK(ts_counts_parse("2.5", &v) != 0);
    T_CHECK(ts_counts_parse("1 234", &v) != 0);
    T_CHECK(ts_counts_parse("9007199254740992", &v) == 0);
    T_CHECK(ts_counts_parse("9007199254740993", &v) != 0);
}

static void test_read(void)
{
    ts_err err = TS_ERR_INIT;
    ts_counts *c = rd("\xEF\xBB\xBF# 合成データ\n年代,件数,,\n\n１０代,\"1,284\"\n 20代 ,\"2,037\"\n,\n合　計,\"3,321\"\n",
                      "age, n", &err);
    T_CHECK(c != NULL);
    if (!c)
        return;
    T_CHECK(c->ncols == 2 && c->nrows == 2);
    T_CHECK_STR(c->col[0], "age");
    T_CHECK_STR(c->col_label[1], "件数");
    T_CHECK_STR(c->cell[0], "10代"); /* full width folded */
    T_CHECK_STR(c->cell[2], "20代"); /* spaces trimmed */
    T_CHECK(c->line[0] == 4 && c->line[1] == 5);
    T_CHECK(c->total_line == 7);
    T_CHECK(c->blank_rows == 3); /* the comment, the blank line, the ",," row */
    T_CHECK(ts_counts_col(c, "n") == 1 && ts_counts_col(c, "件数") == -1);
    double v[2];
    T_CHECK(ts_counts_column(c, 1, v, &err) == TS_OK && v[0] == 1284 && v[1] == 2037);
    ts_counts_free(c);
    /* the header's own names */
    c = rd("age,n\n10代,3\n", NULL, &err);
    T_CHECK(c && c->nrows == 1);
    ts_counts_free(c);
    /* CP932 */
    const char sjis[] = "\x94\x4e\x91\xe3,n\n10\x91\xe3,3\n"; /* 年代,n / 10代,3 */
    c = ts_counts_read_mem(sjis, strlen(sjis), "c.csv", TS_ENC_CP932, "age, n", &err);
    T_CHECK(c && strcmp(c->col_label[0], "年代") == 0 && strcmp(c->cell[0], "10代") == 0);
    ts_counts_free(c);
    ts_err_clear(&err);
}

static void test_refusals(void)
{
    T_CHECK(strstr(refusal("年代,件数\n10代,3\n", NULL), "c.csv:1:1: column \"年代\" is not a name") != NULL);
    T_CHECK(strstr(refusal("age,n\n10代,3\n", "age"), "counts_columns names 1 columns, the header has 2") != NULL);
    T_CHECK(strstr(refusal("age\n10代\n", NULL), "c.csv:1: 1 column in the header") != NULL);
    T_CHECK(strstr(refusal("age,age\n1,2\n", NULL), "c.csv:1:2: column \"age\" named twice") != NULL);
    T_CHECK(strstr(refusal("age,n\n10代,3,4\n", NULL), "c.csv:2:3: a cell beyond the header's 2 columns") != NULL);
    T_CHECK(strstr(refusal("age,sex,n\n10代,合計,3\n", NULL), "c.csv:2:2: \"合計\": a subtotal row") != NULL);
    T_CHECK(strstr(refusal("age,n\n合計,3\n総数,3\n", NULL), "c.csv:3:1: \"総数\": a second total row") != NULL);
    T_CHECK(strstr(refusal("age,n\n計,3\n10代,3\n", NULL), "c.csv:3: a row after the total row (line 2)") != NULL);
    T_CHECK(strstr(refusal("age,n\n# only\n", NULL), "c.csv: no data rows") != NULL);
    T_CHECK(strstr(refusal("", NULL), "c.csv: no header row") != NULL);
    T_CHECK(strstr(refusal("age,n\n10代,\"3\n", NULL), "c.csv:2:2:") != NULL);
    T_CHECK(strstr(column_refusal("age,n\n10代,\n", 1), "c.csv:2:2: n: an empty cell is not a count") != NULL);
    T_CHECK(strstr(column_refusal("age,n\n10代,-\n", 1), "a dash is not a count") != NULL);
    T_CHECK(strstr(column_refusal("age,n\n10代,-2\n", 1), "a count cannot be negative") != NULL);
    T_CHECK(strstr(column_refusal("age,n\n10代,2.0\n", 1), "a count is a whole number") != NULL);
    T_CHECK(strstr(column_refusal("age,n\n10代,2\n20代,3\nTotal,6\n", 1),
                   "c.csv:4:2: the total row Total says 6, but the 2 rows above it add up to 5") != NULL);
    T_CHECK(column_refusal("age,n\n10代,2\n20代,3\nTOTAL,5\n", 1)[0] == '\0');
    /* a label column is not counts */
    T_CHECK(strstr(column_refusal("age,n\n10代,2\n", 0), "c.csv:2:1: age: expected a count") != NULL);
}

int main(void)
{
    test_parse();
    test_read();
    test_refusals();
    T_DONE();
}
