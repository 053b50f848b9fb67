/* fuzz_statreader.c — libFuzzer target for lib/statreader.c: SPSS .sav/.zsav/.por and Stata
 * .dta bytes parsed by ReadStat through our in-memory I/O, then every row handed out and the
 * embedded codebook written and read back by ts_codebook_read_mem.
 *
 * The first input byte chooses the format (bits 0-2: 0 by the magic bytes, 1 sav, 2 zsav,
 * 3 por, 4 dta, else by the magic bytes with a .sav name), whether Stata's extended missing
 * values are codes (bit 3), a padded or short field count (bit 4), and a small memory cap
 * (bit 5: 64 KiB, so the cap's refusal is exercised); the rest is the file. Besides ASan/UBSan,
 * the target checks what callers rely on: a refused file has TS_E_DATA (or TS_E_NOMEM) and a
 * message, the header is line 0 and the cases count up from 1, every field is NUL-terminated
 * at its length, a problem has a reason, and the embedded codebook of a file that was read
 * parses (a codebook error is a bug in ts_statreader_codebook_csv, not in the input).
 *
 *   make fuzz                                  (needs clang; builds $(BUILD)/fuzz/fuzz_statreader)
 *   build/fuzz/fuzz_statreader tests/fuzz/corpus/statreader
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "statreader.h"
#include "strbuf.h"

#define FUZZ_NAME "fuzz_statreader"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    static const ts_stat_format formats[8] = {TS_STAT_AUTO, TS_STAT_SAV, TS_STAT_ZSAV, TS_STAT_POR,
                                              TS_STAT_DTA, TS_STAT_AUTO, TS_STAT_AUTO, TS_STAT_AUTO};
    uint8_t ctl = data[0];
    ts_statreader_opts o = {formats[ctl & 7], NULL, (ctl & 32) ? (size_t)64 << 10 : 0, (ctl & 8) != 0};
    const char *name = (ctl & 7) >= 5 ? "fuzz.sav" : "fuzz";
    ts_err err = TS_ERR_INIT;
    ts_statreader *r = ts_statreader_open_mem(data + 1, size - 1, name, &o, &err);
    if (!r) {
        CHECK(err.status == TS_E_DATA || err.status == TS_E_NOMEM);
        CHECK(err.msg && err.msg[0]);
        ts_err_clear(&err);
        return 0;
    }
    size_t nv = ts_statreader_nvars(r);
    for (size_t i = 0; i < nv; i++) {
        const ts_stat_var *v = ts_statreader_var(r, i);
        CHECK(v && v->name && v->label && v->format);
        for (size_t j = 0; j < v->nlabels; j++)
            CHECK(v->labels[j].text);
    }
    CHECK(ts_statreader_format_name(r)[0]);
    if (ctl & 16)
        ts_statreader_expect_fields(r, nv > 1 && (ctl & 64) ? nv - 1 : nv + 2);
    ts_record rec;
    unsigned long expect = 0;
    int got;
    while ((got = ts_statreader_next(r, &rec, &err)) == 1) {
        CHECK(rec.line == expect++);
        for (size_t i = 0; i < rec.nfields; i++)
            CHECK(rec.fields[i].s[rec.fields[i].len] == '\0');
        CHECK(rec.raw && rec.raw[rec.raw_len] == '\0');
        if (rec.problem != TS_REC_OK)
            CHECK(rec.problem_text && rec.problem_text[0] && rec.problem_column >= 1);
    }
    CHECK(got == 0 || err.status == TS_E_NOMEM);
    CHECK(got != 0 || expect == ts_statreader_ncases(r) + 1);
    ts_err_clear(&err);
    ts_strbuf cb = TS_STRBUF_INIT;
    if (ts_statreader_codebook_csv(r, &cb, &err) == TS_OK) {
        ts_codebook *c = ts_codebook_read_mem(cb.data ? cb.data : "", cb.len, "embedded.csv", &err);
        if (!c)
            fprintf(stderr, "fuzz_statreader: the embedded codebook does not read: %s\n%s", err.msg, cb.data);
        CHECK(c != NULL);
        ts_codebook_free(c);
    }
    ts_err_clear(&err);
    ts_strbuf_free(&cb);
    ts_statreader_close(r, NULL);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
