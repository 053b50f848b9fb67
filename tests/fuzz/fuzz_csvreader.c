/* fuzz_csvreader.c — libFuzzer target for the raw-export readers: lib/linereader.c (line ends
 * LF, CRLF and a lone CR, BOMs, NUL bytes, UTF-8/CP932 decoding) and lib/csvreader.c (quoting,
 * recovery after broken rows, positions) as every stage reads them, from memory.
 *
 * The first input byte chooses the encoding (bits 0-1: auto, utf-8, cp932) and whether the
 * header's field count is enforced (bit 2); the rest is the file. Besides ASan/UBSan, the
 * target checks what callers rely on: line numbers count up by one, no line holds a CR or LF,
 * a record's lines are in order and after the previous record's, every field is
 * NUL-terminated at its length, a problem has a reason, and the line reader accounts for
 * every line end it reported.
 *
 *   make fuzz                                  (needs clang; builds $(BUILD)/fuzz/fuzz_csvreader)
 *   build/fuzz/fuzz_csvreader tests/fuzz/corpus/csvreader
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler), so crashers kept as cases can be rerun without clang. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvreader.h"
#include "linereader.h"

#define CHECK(c)                                                                    \
    do {                                                                            \
        if (!(c)) {                                                                 \
            fprintf(stderr, "fuzz_csvreader: %s:%d: %s\n", __FILE__, __LINE__, #c); \
            abort();                                                                \
        }                                                                           \
    } while (0)

static ts_encoding pick_encoding(uint8_t b)
{
    static const ts_encoding encs[4] = {TS_ENC_AUTO, TS_ENC_UTF8, TS_ENC_CP932, TS_ENC_AUTO};
    return encs[b & 3];
}

static void read_lines(const uint8_t *data, size_t n, ts_encoding enc)
{
    ts_err err = TS_ERR_INIT;
    ts_linereader *r = ts_linereader_open_mem(data, n, "fuzz.csv", enc, &err);
    CHECK(r);
    ts_line line;
    unsigned long expect = 1, ends = 0;
    int got;
    while ((got = ts_linereader_next(r, &line, &err)) == 1) {
        CHECK(line.lineno == expect++);
        CHECK(line.text[line.len] == '\0');
        CHECK(!memchr(line.text, '\n', line.len) && !memchr(line.text, '\r', line.len));
        CHECK(!line.ended_by_cr || line.ended_by_newline);
        CHECK(line.problem == TS_LINE_OK || line.problem_offset <= line.len);
        ends += line.ended_by_newline != 0;
    }
    if (got == 0) {
        unsigned long first = 0, cr = ts_linereader_cr_ends(r, &first);
        CHECK(cr + ts_linereader_lf_ends(r) == ends);
        CHECK(cr == 0 ? first == 0 : first >= 1 && first < expect);
    }
    ts_linereader_close(r, &err);
    ts_err_clear(&err);
}

static void read_records(const uint8_t *data, size_t n, ts_encoding enc, int expect_fields)
{
    ts_err err = TS_ERR_INIT;
    ts_csvreader *r = ts_csvreader_open_mem(data, n, "fuzz.csv", enc, &err);
    CHECK(r);
    ts_record rec;
    unsigned long last = 0;
    int first = 1;
    while (ts_csvreader_next(r, &rec, &err) == 1) {
        if (first && expect_fields)
            ts_csvreader_expect_fields(r, rec.nfields);
        first = 0;
        CHECK(rec.line > last && rec.last_line >= rec.line);
        last = rec.last_line;
        for (size_t i = 0; i < rec.nfields; i++)
            CHECK(rec.fields[i].s[rec.fields[i].len] == '\0');
        CHECK(rec.raw != NULL);
        if (rec.problem != TS_REC_OK)
            CHECK(rec.problem_text && rec.problem_text[0]);
    }
    ts_csvreader_close(r, &err);
    ts_err_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    ts_encoding enc = pick_encoding(data[0]);
    read_lines(data + 1, size - 1, enc);
    read_records(data + 1, size - 1, enc, (data[0] & 4) != 0);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
