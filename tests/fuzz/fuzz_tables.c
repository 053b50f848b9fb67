/* fuzz_tables.c — libFuzzer target for the tables CSV reader of tsunagari-plot and
 * tsunagari-report (plots/tables.c; docs/tables-format.md), through ts_tables_read_mem.
 *
 * The whole input is the file, read as "fuzz/tables.csv". Besides ASan/UBSan the target
 * checks what the charts and the report rely on: a refusal has a message naming the file; in
 * a model read, every table has a non-empty id that ts_tables_find finds (ids are unique) and
 * ts_tables_ids lists, a domain or more, each with a cell or more, counts of -1 (not given) or
 * more, a line after the header; every cell is found again by its code (the first of that
 * code), a suppressed cell has no share and no interval, any other a share from 0 to 1.
 *
 *   make fuzz                                  (needs clang; builds $(BUILD)/fuzz/fuzz_tables)
 *   build/fuzz/fuzz_tables -dict=tests/fuzz/tables.dict tests/fuzz/corpus/tables
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler), so crashers kept as cases can be rerun without clang. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tables.h"

#define FUZZ_NAME "fuzz_tables"
#include "check.h"

static const char NAME[] = "fuzz/tables.csv";

static void check_domain(const ts_tdomain *d)
{
    CHECK(d->codes && d->label && d->ncells >= 1 && d->line >= 2);
    CHECK(d->n >= -1 && d->missing_n >= -1);
    CHECK(isnan(d->ci_level) || isfinite(d->ci_level));
    for (size_t i = 0; i < d->ncells; i++) {
        const ts_tcell *c = &d->cells[i];
        CHECK(c->code && c->label && c->n_category >= -1);
        const ts_tcell *found = ts_tdomain_cell(d, c->code);
        CHECK(found && found <= c && strcmp(found->code, c->code) == 0);
        if (c->suppressed)
            CHECK(isnan(c->estimate) && isnan(c->ci_low) && isnan(c->ci_high));
        else
            CHECK(c->estimate >= 0 && c->estimate <= 1 && !isinf(c->ci_low) && !isinf(c->ci_high));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20))
        return 0;
    ts_err err = TS_ERR_INIT;
    ts_tables *t = ts_tables_read_mem(data, size, NAME, &err);
    if (!t) {
        CHECK(err.status != TS_OK && err.msg && strncmp(err.msg, NAME, sizeof NAME - 1) == 0);
        ts_err_clear(&err);
        return 0;
    }
    CHECK(err.status == TS_OK);
    const char *ids = ts_tables_ids(t);
    CHECK(ids);
    for (size_t i = 0; i < ts_tables_count(t); i++) {
        const ts_ttable *tb = ts_tables_at(t, i);
        CHECK(tb->id && tb->id[0] && tb->by && tb->variable);
        CHECK(ts_tables_find(t, tb->id) == tb);
        CHECK(strstr(ids, tb->id) != NULL);
        CHECK(tb->ndomains >= 1);
        for (size_t j = 0; j < tb->ndomains; j++)
            check_domain(&tb->domains[j]);
    }
    CHECK(ts_tables_count(t) > 0 || ids[0] == '\0');
    ts_tables_free(t);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
