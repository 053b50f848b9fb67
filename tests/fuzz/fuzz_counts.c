/* fuzz_counts.c — libFuzzer target for counts files (lib/counts.c, docs/counts.md) read from
 * memory as tsunagari-tab --counts reads them: the header, comment and blank rows, the total
 * row, every column parsed as counts (thousands separators, the total checked).
 *
 * The first input byte chooses the encoding (bits 0-1: auto, utf-8, cp932) and whether the
 * columns are named by a list (bit 2: "c1, c2, ..." as [input] counts_columns, as many names as
 * bit 3-5 say); the rest is the file. Besides ASan/UBSan the target checks what tab relies on:
 * a file that reads has a header of 2..64 valid column names and at least one row, every cell
 * NUL-terminated and at most 3 bytes per input byte (CP932 to UTF-8), rows in line order after the header, the total
 * row (if any) after them; a column that parses gives whole numbers >= 0 below 2^53, and an
 * error always says why with the file's name.
 *
 *   make fuzz && build/fuzz/fuzz_counts tests/fuzz/corpus/counts
 *
 * Built with -DTS_FUZZ_MAIN it replays the files named on its command line. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counts.h"

#define FUZZ_NAME "fuzz_counts"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    static const ts_encoding encs[4] = {TS_ENC_AUTO, TS_ENC_UTF8, TS_ENC_CP932, TS_ENC_AUTO};
    ts_encoding enc = encs[data[0] & 3];
    char names[256] = "";
    if (data[0] & 4) {
        size_t k = 1 + ((data[0] >> 3) & 7);
        for (size_t i = 0; i < k; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%sc%zu", i ? ", " : "", i);
    }
    ts_err err = TS_ERR_INIT;
    ts_counts *c = ts_counts_read_mem(data + 1, size - 1, "fuzz.csv", enc, names[0] ? names : NULL, &err);
    if (!c) {
        CHECK(err.status != TS_OK && err.msg && strstr(err.msg, "fuzz.csv"));
        ts_err_clear(&err);
        return 0;
    }
    CHECK(c->ncols >= 2 && c->ncols <= TS_COUNTS_MAX_COLS && c->nrows >= 1 && c->nrows <= TS_COUNTS_MAX_ROWS);
    for (size_t i = 0; i < c->ncols; i++) {
        CHECK(c->col[i] && c->col[i][0] && c->col_label[i]);
        CHECK(ts_counts_col(c, c->col[i]) == (long)i);
    }
    for (size_t r = 0; r < c->nrows; r++) {
        CHECK(r == 0 || c->line[r] > c->line[r - 1]);
        for (size_t i = 0; i < c->ncols; i++)
            CHECK(strlen(c->cell[r * c->ncols + i]) <= 3 * size); /* CP932 → UTF-8: at most 3 bytes a byte */
    }
    CHECK(!c->total_line || c->total_line > c->line[c->nrows - 1]);
    double *v = malloc(c->nrows * sizeof *v);
    CHECK(v);
    for (size_t i = 0; i < c->ncols; i++) {
        if (ts_counts_column(c, i, v, &err) == TS_OK) {
            for (size_t r = 0; r < c->nrows; r++)
                CHECK(v[r] >= 0 && v[r] <= 9007199254740992.0 && v[r] == (double)(int64_t)v[r]);
        } else {
            CHECK(err.status == TS_E_DATA && err.msg && strstr(err.msg, "fuzz.csv:"));
        }
        ts_err_clear(&err);
    }
    free(v);
    ts_counts_free(c);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
