/* Unit tests for lib/csvtable.c: header, kept rows and their lines, column lookup, comments,
 * limits, and the order of complaints when a caller checks rows as they come. All from memory. */
#include <stdlib.h>

#include "csvtable.h"
#include "harness.h"

static ts_csvtable *read_text(const char *text, const ts_csvtable_opts *opt, ts_err *err)
{
    return ts_csvtable_read_mem(text, strlen(text), "t.csv", TS_ENC_UTF8, opt, err);
}

/* Read TEXT expecting failure; returns the message (static copy). */
static const char *fail_text(const char *text, const ts_csvtable_opts *opt)
{
    static char msg[256];
    ts_err err = TS_ERR_INIT;
    ts_csvtable *t = read_text(text, opt, &err);
    snprintf(msg, sizeof msg, "%s", t ? "(no error)" : err.msg ? err.msg : "(no message)");
    ts_csvtable_free(t);
    ts_err_clear(&err);
    return msg;
}

static ts_status no_b(void *ctx, const ts_csvtable *t, const ts_record *rec, ts_err *err)
{
    (void)t;
    ++*(int *)ctx;
    if (strcmp(rec->fields[0].s, "b") == 0)
        return ts_err_set(err, TS_E_DATA, "t.csv:%lu: b", rec->line);
    return TS_OK;
}

int main(void)
{
    ts_err err = TS_ERR_INIT;
    ts_csvtable_opts keep = {.keep_rows = 1};

    /* Header, rows, lines (a blank line counted), lookup by name. */
    ts_csvtable *t = read_text("x,y\n1,\"a\nb\"\n\n3,c\n", &keep, &err);
    T_CHECK(t != NULL);
    if (t) {
        T_CHECK(t->ncols == 2 && t->nrows == 2 && t->head_line == 1);
        T_CHECK_STR(t->head[1], "y");
        T_CHECK_STR(t->rows[0][1], "a\nb");
        T_CHECK(t->line[0] == 2 && t->line[1] == 5);
        T_CHECK(ts_csvtable_col(t, "y") == 1 && ts_csvtable_col(t, "z") == -1);
        T_CHECK_STR(ts_csvtable_get(t, 1, "x"), "3");
        T_CHECK_STR(ts_csvtable_get(t, 2, "x"), "");
        T_CHECK_STR(ts_csvtable_get(t, 0, "z"), "");
    }
    ts_csvtable_free(t);

    /* Nothing at all is no error: HEAD is NULL. */
    t = read_text("\n\n", &keep, &err);
    T_CHECK(t != NULL && t->head == NULL && t->nrows == 0);
    ts_csvtable_free(t);
    ts_csvtable_free(NULL);

    /* Without keep_rows nothing is held but the header. */
    t = read_text("x\n1\n2\n", NULL, &err);
    T_CHECK(t != NULL && t->ncols == 1 && t->nrows == 0);
    ts_csvtable_free(t);

    /* A flagged row: with and without its column. */
    T_CHECK_STR(fail_text("x,y\n1\n", &keep), "t.csv:2: expected 2 fields, found 1");
    ts_csvtable_opts col = {.problem_column = 1};
    T_CHECK(strncmp(fail_text("x,y\n1,a\"b\n", &col), "t.csv:2:2: ", 11) == 0);

    /* Comments: none, skipped unless flagged, skipped always. */
    ts_csvtable_opts c1 = {.keep_rows = 1, .comments = TS_CSVTABLE_COMMENTS};
    t = read_text("# note\nx,y\n# a, b, c\n1,2\n", &c1, &err);
    T_CHECK(t == NULL);
    ts_err_clear(&err);
    t = read_text("# note\nx,y\n# a,b\n1,2\n", &c1, &err);
    T_CHECK(t && t->head_line == 2 && t->nrows == 1 && t->line[0] == 4);
    ts_csvtable_free(t);
    ts_csvtable_opts c2 = {.keep_rows = 1, .comments = TS_CSVTABLE_COMMENTS_ANY};
    t = read_text("# note\nx,y\n# a, b, c\n1,2\n", &c2, &err);
    T_CHECK(t && t->nrows == 1 && t->line[0] == 4);
    ts_csvtable_free(t);
    t = read_text("#x,y\n1,2\n", &keep, &err);
    T_CHECK(t && t->nrows == 1 && strcmp(t->head[0], "#x") == 0);
    ts_csvtable_free(t);

    /* Limits. */
    ts_csvtable_opts lim = {.keep_rows = 1, .max_cols = 2, .max_rows = 2};
    T_CHECK_STR(fail_text("\na,b,c\n", &lim), "t.csv:2: more than 2 columns");
    T_CHECK_STR(fail_text("a\n1\n2\n3\n", &lim), "t.csv: more than 2 rows");
    T_CHECK_STR(fail_text("a\n1\n2\n", &lim), "(no error)");

    /* A caller's complaint about a row comes before a broken row further down; rows after
     * the complaint are not read. */
    int calls = 0;
    ts_csvtable_opts cb = {.on_row = no_b, .ctx = &calls};
    T_CHECK_STR(fail_text("k,v\na,1\nb,2\nc\n", &cb), "t.csv:3: b");
    T_CHECK(calls == 2);
    T_CHECK_STR(fail_text("k,v\na,1\nc\nb,2\n", &cb), "t.csv:3: expected 2 fields, found 1");

    T_DONE();
}
