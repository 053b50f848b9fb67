/* fuzz_csvtable.c — libFuzzer target for lib/csvtable.c, the loader the report's model, the
 * tables and reference readers of the chart stage and the weight stage's margins share.
 *
 * The first input byte chooses the options: bits 0-1 the comment handling (none, skipped
 * unless flagged, skipped always), bit 2 whether a flagged row's message names its column,
 * bit 3 a small column and row limit (4 columns, 8 rows), bit 4 keeping the rows; bits 5-6
 * the encoding (auto, utf-8, cp932). The rest is the file. Besides ASan/UBSan the target
 * checks what the callers rely on: a failure has a message; a result without a header has no
 * rows; every kept row has NCOLS NUL-terminated strings and a line after the header's and the
 * previous row's; limits hold; the row callback saw exactly the rows (kept or not).
 *
 *   make fuzz                                  (needs clang; builds $(BUILD)/fuzz/fuzz_csvtable)
 *   build/fuzz/fuzz_csvtable tests/fuzz/corpus/csvtable
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvtable.h"

#define FUZZ_NAME "fuzz_csvtable"
#include "check.h"

typedef struct seen {
    size_t rows;
    unsigned long last;
} seen;

static ts_status on_header(void *ctx, const ts_csvtable *t, const ts_record *rec, ts_err *err)
{
    (void)err;
    seen *s = ctx;
    CHECK(t->head && t->ncols == rec->nfields && t->head_line == rec->line && s->rows == 0);
    s->last = rec->line;
    return TS_OK;
}

static ts_status on_row(void *ctx, const ts_csvtable *t, const ts_record *rec, ts_err *err)
{
    (void)err;
    seen *s = ctx;
    CHECK(t->head && rec->nfields == t->ncols && rec->line > s->last);
    s->last = rec->line;
    s->rows++;
    return TS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ts_csvtable_comments comments[4] = {TS_CSVTABLE_NO_COMMENTS, TS_CSVTABLE_COMMENTS,
                                                     TS_CSVTABLE_COMMENTS_ANY, TS_CSVTABLE_NO_COMMENTS};
    static const ts_encoding encs[4] = {TS_ENC_AUTO, TS_ENC_UTF8, TS_ENC_CP932, TS_ENC_AUTO};
    if (size < 1 || size > (1 << 20))
        return 0;
    uint8_t b = data[0];
    seen s = {0};
    ts_csvtable_opts opt = {.comments = comments[b & 3], .problem_column = (b & 4) != 0,
                            .max_cols = b & 8 ? 4 : 0, .max_rows = b & 8 ? 8 : 0, .keep_rows = (b & 16) != 0,
                            .on_header = on_header, .on_row = on_row, .ctx = &s};
    ts_err err = TS_ERR_INIT;
    ts_csvtable *t = ts_csvtable_read_mem(data + 1, size - 1, "fuzz.csv", encs[(b >> 5) & 3], &opt, &err);
    if (!t) {
        CHECK(err.status != TS_OK && err.msg && err.msg[0]);
    } else {
        CHECK(err.status == TS_OK);
        CHECK(t->head || (t->nrows == 0 && s.rows == 0));
        CHECK(!opt.max_cols || t->ncols <= opt.max_cols);
        CHECK(!opt.max_rows || t->nrows <= opt.max_rows);
        CHECK(opt.keep_rows ? t->nrows == s.rows : t->nrows == 0);
        for (size_t r = 0; r < t->nrows; r++) {
            CHECK(t->line[r] > (r ? t->line[r - 1] : t->head_line));
            for (size_t i = 0; i < t->ncols; i++)
                CHECK(t->rows[r][i] != NULL);
        }
        if (t->nrows && t->ncols)
            CHECK(ts_csvtable_col(t, t->head[0]) == 0 && ts_csvtable_get(t, 0, t->head[0]) == t->rows[0][0]);
    }
    ts_csvtable_free(t);
    ts_err_clear(&err);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
