/* fuzz_codebook.c — libFuzzer target for the codebook reader of lib/codebook.c (the CSV that
 * tells ingest which raw columns become which typed variables), through ts_codebook_read_mem.
 * Each input is one codebook, read as "fuzz/codebook.csv". Besides ASan/UBSan the target checks
 * what ingest relies on: a refusal has a message naming the file; an accepted codebook has one
 * id variable, every derived variable refers to variables above it only, every recode range,
 * 非該当 code and small-code index points at one of the variable's codes, a multi answer has
 * at most 63 options, and every variable has a storage.
 *
 *   make fuzz                                  (needs clang; builds $(BUILD)/fuzz/fuzz_codebook)
 *   build/fuzz/fuzz_codebook -dict=tests/fuzz/codebook.dict tests/fuzz/corpus/codebook
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler), so crashers kept as cases can be rerun without clang. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"

#define FUZZ_NAME "fuzz_codebook"
#include "check.h"

static const char NAME[] = "fuzz/codebook.csv";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20))
        return 0;
    ts_err err = TS_ERR_INIT;
    ts_codebook *cb = ts_codebook_read_mem(data, size, NAME, &err);
    if (!cb) {
        CHECK(err.status != TS_OK && err.msg);
        CHECK(err.status == TS_E_NOMEM || strncmp(err.msg, "fuzz/codebook.csv:", strlen(NAME) + 1) == 0);
        ts_err_clear(&err);
        return 0;
    }
    CHECK(err.status == TS_OK && strcmp(cb->path, NAME) == 0 && strlen(cb->sha256) == 64);
    CHECK(cb->nvars > 0 && cb->id < cb->nvars && cb->vars[cb->id].kind == TS_CB_ID);
    for (size_t i = 0; i < cb->nvars; i++) {
        const ts_cbvar *v = &cb->vars[i];
        const ts_var *d = v->def;
        CHECK(d && d->name && d->name[0] && d->storage != 0 && d->label && d->label_en);
        CHECK(v->kind != TS_CB_ID || i == cb->id);
        CHECK(v->kind != TS_CB_RECODE || (v->from < i && v->nranges > 0));
        CHECK(v->kind != TS_CB_INDICATOR || (v->cond && d->ncodes == 2));
        for (size_t s = 0; s < v->nsources; s++)
            CHECK(v->sources[s] < i);
        for (size_t r = 0; r < v->nranges; r++)
            CHECK(v->ranges[r].code < d->ncodes && v->ranges[r].lo <= v->ranges[r].hi);
        CHECK(v->skip < 0 || (size_t)v->skip < d->ncodes);
        CHECK(!v->asked_if || (v->skip >= 0 && v->asked_if_text));
        CHECK(d->type != TS_VAR_MULTI || d->ncodes <= 63);
        for (int c = 0; c < 256; c++)
            CHECK(v->small_index[c] == 255 || (v->small_index[c] < d->ncodes && d->codes[v->small_index[c]].code == c));
        for (size_t k = 0; k < d->ncodes; k++)
            CHECK(ts_var_code_index(d, d->codes[k].code) == (long)k);
        /* Label-coded answers: only where they apply; every folded label or alias found again,
         * to its own code, each text once. */
        CHECK(v->answers == TS_ANSWERS_CODES || v->kind == TS_CB_SINGLE || v->kind == TS_CB_MULTI);
        CHECK(!v->separator || (v->kind == TS_CB_MULTI && d->layout == TS_MULTI_LIST && v->separator[0]));
        CHECK(v->nlabels == 0 || v->kind == TS_CB_SINGLE || v->kind == TS_CB_MULTI);
        for (size_t e = 0; e < v->nlabels; e++)
            CHECK(v->labels[e].code < d->ncodes && v->labels[e].len > 0 &&
                  ts_codebook_find_label(v, v->labels[e].text, v->labels[e].len) == (long)v->labels[e].code);
    }
    ts_codebook_free(cb);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
