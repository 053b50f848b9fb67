/* fuzz_dataset.c — libFuzzer target for the dataset reader of lib/dataset_io.c (the binary
 * .tsd file every stage after ingest reads; docs/dataset-format.md), through
 * ts_dataset_read_mem.
 *
 * The first input byte chooses whether the target first rewrites the CRC-32 of the header and
 * of every section it can find (bit 0): without that nearly every mutation dies at a checksum,
 * and the decoders behind them would never be reached. The rest is the file, read as
 * "fuzz/in.tsd". Besides ASan/UBSan the target checks that a refusal has a message naming the
 * file, and for a dataset read reads every value of every variable (ts_var_num, ts_var_text,
 * ts_var_mask, ts_var_is_missing, ts_var_is_listed: a listed code is not missing) and every
 * provenance entry.
 *
 *   make fuzz                                  (needs clang; builds $(BUILD)/fuzz/fuzz_dataset)
 *   build/fuzz/fuzz_dataset -dict=tests/fuzz/dataset.dict tests/fuzz/corpus/dataset
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler), so crashers kept as cases can be rerun without clang. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dataset.h"

#define FUZZ_NAME "fuzz_dataset"
#include "check.h"

static const char NAME[] = "fuzz/in.tsd";
enum { HEADER_SIZE = 36 }; /* docs/dataset-format.md */

static uint64_t le_get(const unsigned char *p, int n)
{
    uint64_t x = 0;
    for (int i = 0; i < n; i++)
        x |= (uint64_t)p[i] << (8 * i);
    return x;
}

static void le_put32(unsigned char *p, uint32_t x)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(x >> (8 * i));
}

/* Rewrite the header's CRC and those of the sections (tag[4] length:u64 payload crc:u32)
 * that fit in the N bytes at P, in order, stopping at the first that does not. */
static void fix_crcs(unsigned char *p, size_t n)
{
    if (n < HEADER_SIZE)
        return;
    le_put32(p + 32, (uint32_t)crc32(0, p, 32));
    for (size_t at = HEADER_SIZE; n - at >= 16;) {
        uint64_t len = le_get(p + at + 4, 8);
        if (len > n - at - 16)
            break;
        le_put32(p + at + 12 + len, (uint32_t)crc32_z(crc32(0, NULL, 0), p + at + 12, (size_t)len));
        at += 16 + (size_t)len;
    }
}

/* ts_dataset_read_some's chooser: every other variable (tsunagari-tab keeps a few). */
static int keep_odd(const ts_dataset *head, unsigned char *keep, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < head->nvars; i++)
        keep[i] = i % 2 == 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    size_t n = size - 1;
    unsigned char *file = malloc(n ? n : 1); /* exactly N bytes, so that ASan sees the end */
    if (!file)
        return 0;
    memcpy(file, data + 1, n);
    if (data[0] & 1)
        fix_crcs(file, n);
    ts_err err = TS_ERR_INIT;
    ts_dataset *ds = ts_dataset_read_mem(file, n, NAME, &err);
    int got = ds != NULL;
    if (!ds) {
        CHECK(err.status != TS_OK && err.msg);
        CHECK(err.status == TS_E_NOMEM || strncmp(err.msg, "fuzz/in.tsd: ", strlen(NAME) + 2) == 0);
    } else {
        CHECK(err.status == TS_OK && ds->cap_rows >= ds->nrows);
        double sum = 0;
        size_t len = 0;
        for (size_t i = 0; i < ds->nvars; i++) {
            const ts_var *v = ds->vars[i];
            CHECK(v && v->name && v->label && v->label_en && v->source);
            CHECK(ts_dataset_find(ds, v->name) != NULL);
            for (size_t k = 0; k < v->ncodes; k++)
                CHECK(v->codes[k].label && v->codes[k].label_en && v->codes[k].column);
            for (size_t r = 0; r < ds->nrows; r++) {
                if (v->storage == TS_STORE_TEXT) {
                    const char *t = ts_var_text(v, r);
                    len += t ? strlen(t) : 0;
                } else {
                    sum += ts_var_num(v, r);
                    if (v->type == TS_VAR_MULTI)
                        sum += (double)(ts_var_mask(v, r) & 1);
                }
                sum += ts_var_is_missing(v, r) + ts_var_is_skipped(v, r);
                /* a listed code is never a missing one (one-byte cells answer through
                 * byte_kind, the others by the search of the codes) */
                if (v->type == TS_VAR_SINGLE || v->type == TS_VAR_INTEGER || v->type == TS_VAR_ID)
                    CHECK(!ts_var_is_listed(v, r) || !ts_var_is_missing(v, r));
            }
        }
        for (size_t i = 0; i < ds->nmeta; i++) {
            CHECK(ds->meta[i].key && ds->meta[i].value);
            len += strlen(ds->meta[i].value);
        }
        /* Keep the reads from being optimised away. */
        volatile double sink = sum + (double)len;
        (void)sink;
        ts_dataset_free(ds);
    }
    /* holding some variables refuses the same files with the same message, keeps the rest */
    ts_err err2 = TS_ERR_INIT;
    ts_dataset *some = ts_dataset_read_mem_some(file, n, NAME, keep_odd, NULL, &err2);
    CHECK((some != NULL) == got || err.status == TS_E_NOMEM || err2.status == TS_E_NOMEM);
    CHECK(some || got || err2.status == TS_E_NOMEM || err.status == TS_E_NOMEM || strcmp(err.msg, err2.msg) == 0);
    CHECK(!some || some->cap_rows >= some->nrows);
    ts_dataset_free(some);
    ts_err_clear(&err2);
    ts_err_clear(&err);
    free(file);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
