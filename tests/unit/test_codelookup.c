/* Unit tests for ts_var_code_index (lib/dataset.c): the hash it keeps once a variable has many
 * codes gives the same answer as a scan of codes[] — the first index with the code, or -1 —
 * for many codes, negative codes, codes never declared, and across the hash's regrowth; and a
 * codebook of 20,000 codes still refuses a code declared twice (issue #12). */
#include <stdint.h>
#include <stdlib.h>

#include "codebook.h"
#include "dataset.h"
#include "harness.h"
#include "strbuf.h"

static long scan(const ts_var *v, int64_t code)
{
    for (size_t i = 0; i < v->ncodes; i++)
        if (v->codes[i].code == code)
            return (long)i;
    return -1;
}

/* Every code of V and its neighbours are found where the scan finds them. */
static int agrees(const ts_var *v)
{
    for (size_t i = 0; i < v->ncodes; i++)
        for (int64_t d = -1; d <= 1; d++)
            if (ts_var_code_index(v, v->codes[i].code + d) != scan(v, v->codes[i].code + d))
                return 0;
    return 1;
}

static void test_many_codes(void)
{
    ts_var *v = ts_var_new("city", TS_VAR_SINGLE);
    int ok = 1;
    /* Scattered codes, half negative; checked at every size across the switch from scan to hash
     * and the first regrowths, then at the end. */
    for (int k = 0; k < 20000; k++) {
        int32_t code = (int32_t)((k * 7919L) % 100003) * (k % 2 ? -1 : 1) - 5;
        ok &= ts_var_add_code(v, code, 0, "label", "", "") == 0;
        if (k < 300)
            ok &= agrees(v);
    }
    T_CHECK(ok);
    T_CHECK(v->ncodes == 20000);
    T_CHECK(agrees(v));
    T_CHECK(ts_var_code_index(v, -5) == 0);
    T_CHECK(ts_var_code_index(v, 7919 - 5) == -1); /* k = 1 is negative: -7919 - 5 */
    T_CHECK(ts_var_code_index(v, -7919 - 5) == 1);
    T_CHECK(ts_var_code_index(v, INT64_C(1) << 40) == -1);
    T_CHECK(ts_var_code_index(v, INT32_MIN) == -1);
    T_CHECK(ts_var_code_index(v, INT32_MAX) == -1);
    ts_var_free(v);
}

static void test_duplicates_first(void)
{
    /* ts_var_add_code does not refuse a repeated code (the codebook does): the first wins. */
    ts_var *v = ts_var_new("x", TS_VAR_SINGLE);
    for (int k = 0; k < 100; k++)
        ts_var_add_code(v, k % 40 - 20, 0, "", "", "");
    T_CHECK(ts_var_code_index(v, -20) == 0);
    T_CHECK(ts_var_code_index(v, 19) == 39);
    T_CHECK(ts_var_code_index(v, 20) == -1);
    T_CHECK(agrees(v));
    ts_var_free(v);
}

static void test_small_and_empty(void)
{
    ts_var *v = ts_var_new("sex", TS_VAR_SINGLE);
    T_CHECK(ts_var_code_index(v, 1) == -1);
    ts_var_add_code(v, 1, 0, "男性", "", "");
    ts_var_add_code(v, 2, 0, "女性", "", "");
    ts_var_add_code(v, -9, 1, "無回答", "", "");
    T_CHECK(ts_var_code_index(v, 2) == 1 && ts_var_code_index(v, -9) == 2 && ts_var_code_index(v, 9) == -1);
    ts_var_free(v);
}

/* ts_var_is_missing and ts_var_is_skipped on a variable with the hash give what a scan of
 * the codes gives: missing codes among 1,000, 非該当, codes not declared, and a repeated code. */
static void test_missing_and_skipped(void)
{
    ts_var *v = ts_var_new("city", TS_VAR_SINGLE);
    for (int k = 0; k < 1000; k++)
        ts_var_add_code(v, k * 3 - 1500, k % 100 == 7 ? TS_CODE_MISSING : k == 500 ? TS_CODE_SKIPPED : 0, "", "", "");
    ts_var_choose_storage(v);
    ts_dataset *ds = ts_dataset_new();
    ts_dataset_add_var(ds, v);
    ts_dataset_reserve(ds, 4000);
    ds->nrows = 4000;
    int ok = 1;
    for (size_t r = 0; r < 4000; r++) {
        int64_t x = (int64_t)r - 1600; /* codes, non-codes, below and above */
        ts_var_set_int(v, r, x);
        long k = scan(v, x);
        int missing = k >= 0 && v->codes[k].missing, skipped = k == 500;
        ok &= ts_var_is_missing(v, r) == missing && ts_var_is_skipped(v, r) == skipped;
    }
    T_CHECK(ok);
    T_CHECK(ts_var_is_missing(v, 7 * 3 - 1500 + 1600) == 1 && ts_var_is_skipped(v, 500 * 3 - 1500 + 1600) == 1);
    ts_var_set_int(v, 0, TS_MISSING_INT);
    T_CHECK(ts_var_is_missing(v, 0) == 1);
    ts_dataset_free(ds);

    /* a repeated code: missing when any code with that value is (the scan's answer) */
    ts_var *d = ts_var_new("d", TS_VAR_NUMERIC);
    for (int k = 0; k < 40; k++)
        ts_var_add_code(d, k, 0, "", "", "");
    ts_var_add_code(d, 5, TS_CODE_MISSING, "", "", "");
    ds = ts_dataset_new();
    ts_dataset_add_var(ds, d);
    ts_dataset_reserve(ds, 3);
    ds->nrows = 3;
    ts_var_set_num(d, 0, 5);
    ts_var_set_num(d, 1, 5.5);
    ts_var_set_num(d, 2, 6);
    T_CHECK(ts_var_is_missing(d, 0) == 1 && ts_var_is_missing(d, 1) == 0 && ts_var_is_missing(d, 2) == 0);
    ts_dataset_free(ds);
}

/* A codebook: an id and one single variable with N codes; DUP repeats code DUP (if >= 0). */
static ts_codebook *big_codebook(int n, int dup, ts_err *err)
{
    ts_strbuf b = TS_STRBUF_INIT;
    ts_strbuf_append_str(&b, "variable,type,column,label,code,missing\nid,id,ID,ID,,\ncity,single,C,City,,\n");
    for (int k = 0; k < n; k++)
        ts_strbuf_printf(&b, ",,,code %d,%d,\n", k, k - n / 2);
    if (dup >= 0)
        ts_strbuf_printf(&b, ",,,again,%d,\n", dup - n / 2);
    ts_codebook *cb = ts_codebook_read_mem(b.data, b.len, "mem.csv", err);
    ts_strbuf_free(&b);
    return cb;
}

static void test_codebook(void)
{
    ts_err err = TS_ERR_INIT;
    ts_codebook *cb = big_codebook(20000, -1, &err);
    T_CHECK(cb != NULL);
    if (cb) {
        const ts_var *v = cb->vars[1].def;
        T_CHECK(v->ncodes == 20000);
        T_CHECK(ts_var_code_index(v, -10000) == 0 && ts_var_code_index(v, 9999) == 19999);
        T_CHECK(ts_var_code_index(v, 10000) == -1 && ts_var_code_index(v, -10001) == -1);
        T_CHECK(agrees(v));
        ts_codebook_free(cb);
    }
    /* The repeated code is refused on its own line, 20,000 code rows below the first. */
    T_CHECK(big_codebook(20000, 12345, &err) == NULL);
    T_CHECK_STR(err.msg, "mem.csv:20004:5: city: code 2345 is declared twice (conflicting codes)");
    ts_err_clear(&err);
    T_CHECK(big_codebook(20000, 0, &err) == NULL);
    T_CHECK_STR(err.msg, "mem.csv:20004:5: city: code -10000 is declared twice (conflicting codes)");
    ts_err_clear(&err);
}

/* ts_var_is_missing and ts_var_is_listed answer a one-byte cell through the table of the
 * values 0..255 that ts_var_add_code keeps, and a multi's mask through its missing bits (issue
 * #17): the same answers as the search of the codes, which an I32 column still takes — every
 * byte value, a code declared twice (missing once: missing), codes past 255 that no byte holds,
 * and every mask of a multi with missing codes among its bits. */
static int missing_by_scan(const ts_var *v, int64_t x)
{
    for (size_t i = 0; i < v->ncodes; i++)
        if (v->codes[i].missing && v->codes[i].code == x)
            return 1;
    return 0;
}

static void test_byte_table(void)
{
    ts_var *u = ts_var_new("q", TS_VAR_SINGLE), *w = ts_var_new("q", TS_VAR_SINGLE);
    const int32_t code[] = {0, 1, 5, 5, 7, 200, 254, 3};
    const int miss[] = {0, TS_CODE_MISSING, 0, TS_CODE_MISSING, TS_CODE_SKIPPED, 0, TS_CODE_MISSING, 0};
    for (size_t k = 0; k < sizeof code / sizeof *code; k++) {
        ts_var_add_code(u, code[k], miss[k], "", "", "");
        ts_var_add_code(w, code[k], miss[k], "", "", "");
    }
    ts_var_choose_storage(u);
    T_CHECK(u->storage == TS_STORE_U8);
    w->storage = TS_STORE_I32; /* the same codes, answered by the search */
    u->data = malloc(256);
    w->data = malloc(256 * sizeof(int32_t));
    for (int x = 0; x < 256; x++) {
        ((uint8_t *)u->data)[x] = (uint8_t)x; /* 255: system missing */
        ((int32_t *)w->data)[x] = x == 255 ? INT32_MIN : x;
    }
    int same = 1, right = 1;
    for (size_t x = 0; x < 256; x++) {
        same &= ts_var_is_missing(u, x) == ts_var_is_missing(w, x) && ts_var_is_listed(u, x) == ts_var_is_listed(w, x);
        int m = x == 255 || missing_by_scan(u, (int64_t)x);
        right &= ts_var_is_missing(u, x) == m && ts_var_is_listed(u, x) == (!m && scan(u, (int64_t)x) >= 0);
    }
    T_CHECK(same);
    T_CHECK(right);
    T_CHECK(ts_var_is_missing(u, 5) && !ts_var_is_listed(u, 5)); /* declared twice, missing once */
    T_CHECK(ts_var_is_missing(u, 7) && ts_var_is_missing(u, 254) && ts_var_is_missing(u, 255));
    T_CHECK(!ts_var_is_missing(u, 9) && !ts_var_is_listed(u, 9)); /* no code */
    T_CHECK(ts_var_is_listed(u, 0) && ts_var_is_listed(u, 3) && ts_var_is_listed(u, 200));
    ts_var_free(u);
    ts_var_free(w);

    /* codes past 255 leave the table alone: 256 + 5 missing, 5 not */
    ts_var *big = ts_var_new("city", TS_VAR_SINGLE);
    ts_var_add_code(big, 261, TS_CODE_MISSING, "", "", "");
    ts_var_add_code(big, 5, 0, "", "", "");
    ts_var_choose_storage(big);
    T_CHECK(big->storage == TS_STORE_I32 && big->byte_kind[5] == TS_BYTE_CODE);
    big->data = malloc(2 * sizeof(int32_t));
    ((int32_t *)big->data)[0] = 261;
    ((int32_t *)big->data)[1] = 5;
    T_CHECK(ts_var_is_missing(big, 0) && !ts_var_is_listed(big, 0));
    T_CHECK(!ts_var_is_missing(big, 1) && ts_var_is_listed(big, 1));
    ts_var_free(big);

    /* a multi of 10 codes, bits 3 and 9 missing: every mask of the low 10 bits, and all ones */
    ts_var *mv = ts_var_new("who", TS_VAR_MULTI);
    for (int k = 0; k < 10; k++)
        ts_var_add_code(mv, k + 1, k == 3 || k == 9 ? TS_CODE_MISSING : 0, "", "", "");
    ts_var_choose_storage(mv);
    T_CHECK(mv->storage == TS_STORE_MASK16 && mv->miss_bits == ((1u << 3) | (1u << 9)));
    mv->data = malloc(1025 * sizeof(uint16_t));
    for (size_t r = 0; r < 1024; r++)
        ((uint16_t *)mv->data)[r] = (uint16_t)r;
    ((uint16_t *)mv->data)[1024] = UINT16_MAX; /* system missing */
    int mok = 1;
    for (size_t r = 0; r < 1024; r++)
        mok &= ts_var_is_missing(mv, r) == ((r >> 3 & 1) || (r >> 9 & 1));
    T_CHECK(mok);
    T_CHECK(ts_var_is_missing(mv, 1024));
    ts_var_free(mv);
}

int main(void)
{
    test_small_and_empty();
    test_many_codes();
    test_duplicates_first();
    test_missing_and_skipped();
    test_codebook();
    test_byte_table();
    T_DONE();
}
