/* Unit tests for lib/dataset.c and lib/dataset_io.c: cells, storage, write/read round trip,
 * refusal of truncated or corrupted files, and reading from memory as from the file. */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "dataset.h"
#include "harness.h"

static ts_dataset *build(void)
{
    ts_dataset *ds = ts_dataset_new();
    ts_var *id = ts_var_new("id", TS_VAR_ID);
    ts_var *sex = ts_var_new("sex", TS_VAR_SINGLE);
    ts_var_add_code(sex, 1, 0, "男性", "Male", "");
    ts_var_add_code(sex, 2, 0, "女性", "Female", "");
    ts_var_add_code(sex, 9, 1, "無回答", "No answer", "");
    ts_var_choose_storage(sex);
    ts_var *city = ts_var_new("city", TS_VAR_SINGLE);
    ts_var_add_code(city, 11100, 0, "さいたま市", "", "");
    ts_var_choose_storage(city);
    ts_var *who = ts_var_new("who", TS_VAR_MULTI);
    for (int k = 1; k <= 9; k++)
        ts_var_add_code(who, k, k == 9, "opt", "", "");
    ts_var_choose_storage(who);
    ts_var *mins = ts_var_new("minutes", TS_VAR_NUMERIC);
    ts_var *text = ts_var_new("comment", TS_VAR_TEXT);
    ts_dataset_add_var(ds, id);
    ts_dataset_add_var(ds, sex);
    ts_dataset_add_var(ds, city);
    ts_dataset_add_var(ds, who);
    ts_dataset_add_var(ds, mins);
    ts_dataset_add_var(ds, text);
    ts_dataset_reserve(ds, 3000);
    for (size_t r = 0; r < 3000; r++) {
        ts_var_set_int(id, r, (int64_t)r + 1);
        ts_var_set_int(sex, r, r % 3 == 2 ? 9 : (int64_t)(r % 2 + 1));
        ts_var_set_int(city, r, r % 5 ? 11100 : TS_MISSING_INT);
        ts_var_set_mask(who, r, r % 7 ? (uint64_t)(r % 300) : TS_MISSING_MASK);
        ts_var_set_num(mins, r, r % 11 ? (double)r / 8 : NAN);
        if (r % 4 == 0)
            ts_var_set_text(text, r, "自由記述, \"quoted\"\nline", strlen("自由記述, \"quoted\"\nline"));
    }
    ds->nrows = 3000;
    ts_dataset_set_meta(ds, "source.file", "raw.csv");
    return ds;
}

static int same(const ts_dataset *a, const ts_dataset *b)
{
    if (a->nrows != b->nrows || a->nvars != b->nvars || a->nmeta != b->nmeta)
        return 0;
    for (size_t i = 0; i < a->nvars; i++) {
        const ts_var *x = a->vars[i], *y = b->vars[i];
        if (strcmp(x->name, y->name) || x->type != y->type || x->storage != y->storage || x->ncodes != y->ncodes)
            return 0;
        for (size_t r = 0; r < a->nrows; r++) {
            if (x->type == TS_VAR_TEXT) {
                const char *s = ts_var_text(x, r), *t = ts_var_text(y, r);
                if ((s == NULL) != (t == NULL) || (s && strcmp(s, t)))
                    return 0;
            } else if (x->type == TS_VAR_MULTI) {
                if (ts_var_mask(x, r) != ts_var_mask(y, r))
                    return 0;
            } else {
                double p = ts_var_num(x, r), q = ts_var_num(y, r);
                if (!(p == q || (isnan(p) && isnan(q))))
                    return 0;
            }
        }
    }
    return 1;
}

/* ts_dataset_read_some's chooser: sex and the free text only; HEAD has every variable, no rows. */
static int keep_two(const ts_dataset *head, unsigned char *keep, void *ctx)
{
    int *seen = ctx;
    *seen = head->nvars == 6 && head->nrows == 0 && strcmp(head->vars[1]->name, "sex") == 0;
    for (size_t i = 0; i < head->nvars; i++)
        keep[i] = strcmp(head->vars[i]->name, "sex") == 0 || strcmp(head->vars[i]->name, "comment") == 0;
    return 0;
}

/* The variables not kept are gone; the kept ones are whole, in file order, in exactly nrows. */
static void test_read_some(const ts_dataset *ds, const char *path)
{
    ts_err err = TS_ERR_INIT;
    int seen = 0;
    ts_dataset *some = ts_dataset_read_some(path, keep_two, &seen, &err);
    T_CHECK(some != NULL && seen && some->nvars == 2 && some->nrows == ds->nrows && some->cap_rows == ds->nrows);
    T_CHECK(some && !ts_dataset_find(some, "city") && !ts_dataset_find(some, "id"));
    T_CHECK(some && strcmp(some->vars[0]->name, "sex") == 0 && strcmp(some->vars[1]->name, "comment") == 0);
    T_CHECK(some && strcmp(ts_dataset_get_meta(some, "source.file"), "raw.csv") == 0);
    int alike = some != NULL;
    for (size_t r = 0; some && r < ds->nrows; r++) {
        const char *a = ts_var_text(ts_dataset_find(ds, "comment"), r), *b = ts_var_text(some->vars[1], r);
        alike &= ts_var_int(ts_dataset_find(ds, "sex"), r) == ts_var_int(some->vars[0], r) &&
                 (a == NULL) == (b == NULL) && (!a || strcmp(a, b) == 0);
    }
    T_CHECK(alike);
    T_CHECK(ts_var_code_index(some->vars[0], 9) == 2 && ts_var_is_missing(some->vars[0], 2));
    ts_dataset_free(some);
    /* the whole file, as ts_dataset_read, when nothing chooses */
    ts_dataset *all = ts_dataset_read_some(path, NULL, NULL, &err);
    T_CHECK(all != NULL && all->nvars == 6 && all->cap_rows == all->nrows);
    ts_dataset_free(all);
    ts_err_clear(&err);
}

/* A checksum-valid file whose header claims rows but no variable (issue #12: 0 × 10^12 rows
 * was "read", and tsunagari-export then wrote 1.6 GB of empty lines) is refused as damaged. */
static void test_rows_without_variables(void)
{
    ts_dataset *ds = ts_dataset_new();
    ds->nrows = 1000000000000ULL;
    char path[] = "/tmp/tsunagari-test-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_dataset_write(ds, path, &err) == TS_OK);
    ts_err err2 = TS_ERR_INIT;
    ts_dataset *back = ts_dataset_read(path, &err2);
    T_CHECK(back == NULL && err2.status == TS_E_DATA && strstr(err2.msg, "damaged") != NULL);
    ts_err_clear(&err2);
    ts_dataset_free(back);
    ts_dataset_free(ds);
    remove(path);
}

int main(void)
{
    test_rows_without_variables();
    ts_dataset *ds = build();
    ts_var *sex = ts_dataset_find(ds, "sex"), *city = ts_dataset_find(ds, "city"), *who = ts_dataset_find(ds, "who");
    T_CHECK(sex->storage == TS_STORE_U8);      /* one byte per single-choice answer */
    T_CHECK(city->storage == TS_STORE_I32);    /* codes above 254 need more */
    T_CHECK(who->storage == TS_STORE_MASK16);  /* 9 options */
    T_CHECK(ts_var_is_missing(sex, 2));        /* 9 無回答 is a missing code */
    T_CHECK(!ts_var_is_missing(sex, 0));
    T_CHECK(ts_var_is_missing(who, 0));        /* system missing */
    T_CHECK(ts_var_mask(who, 256) == 256 && ts_var_is_missing(who, 256)); /* bit 8 = code 9 */
    T_CHECK(ts_var_set_int(sex, 0, 300) == -1); /* does not fit one byte: refused, not wrapped */

    char path[] = "/tmp/tsunagari-test-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_dataset_write(ds, path, &err) == TS_OK);
    ts_dataset *back = ts_dataset_read(path, &err);
    T_CHECK(back != NULL && same(ds, back));
    T_CHECK(back && strcmp(ts_dataset_get_meta(back, "source.file"), "raw.csv") == 0);
    ts_dataset_free(back);
    test_read_some(ds, path);

    /* The same dataset writes the same bytes. */
    char path2[] = "/tmp/tsunagari-test-XXXXXX";
    fd = mkstemp(path2);
    close(fd);
    T_CHECK(ts_dataset_write(ds, path2, &err) == TS_OK);
    FILE *a = fopen(path, "rb"), *b = fopen(path2, "rb");
    int c1, c2, identical = 1;
    long size = 0;
    do {
        c1 = getc(a);
        c2 = getc(b);
        identical &= c1 == c2;
        size++;
    } while (c1 != EOF && c2 != EOF);
    fclose(a);
    fclose(b);
    T_CHECK(identical);

    /* The same bytes from memory: the same dataset, and its messages name the NAME given. */
    size--; /* the loop above counted the EOF */
    unsigned char *bytes = malloc((size_t)size);
    FILE *f = fopen(path, "rb");
    T_CHECK(bytes && f && fread(bytes, 1, (size_t)size, f) == (size_t)size);
    if (f)
        fclose(f);
    back = ts_dataset_read_mem(bytes, (size_t)size, "in-memory.tsd", &err);
    T_CHECK(back != NULL && same(ds, back));
    T_CHECK(back && strcmp(ts_dataset_get_meta(back, "source.file"), "raw.csv") == 0);
    ts_dataset_free(back);
    T_CHECK(ts_dataset_read_mem(bytes, (size_t)size - 1, "in-memory.tsd", &err) == NULL);
    T_CHECK_STR(err.msg, "in-memory.tsd: file ends early (truncated?) inside section END");
    ts_err_clear(&err);
    T_CHECK(ts_dataset_read_mem(bytes, 0, "in-memory.tsd", &err) == NULL);
    T_CHECK_STR(err.msg, "in-memory.tsd: not a tsunagari dataset (made by tsunagari-ingest?)");
    ts_err_clear(&err);

    /* Truncated anywhere: refused with a message, never a crash; from memory, the same message.
     * Each cut is written afresh (truncate() on the last cut would pad it with zeros). */
    int refused = 1, alike = 1;
    for (long cut = 0; cut < size; cut += size / 97 + 1) {
        f = fopen(path2, "wb");
        T_CHECK(f && fwrite(bytes, 1, (size_t)cut, f) == (size_t)cut);
        if (f)
            fclose(f);
        ts_err_clear(&err);
        ts_dataset *t = ts_dataset_read(path2, &err);
        refused &= t == NULL && err.status == TS_E_DATA && err.msg != NULL;
        ts_dataset_free(t);
        ts_err e2 = TS_ERR_INIT;
        t = ts_dataset_read_mem(bytes, (size_t)cut, path2, &e2);
        alike &= t == NULL && e2.status == err.status && e2.msg && err.msg && strcmp(e2.msg, err.msg) == 0;
        ts_dataset_free(t);
        ts_err_clear(&e2);
        /* and wherever the cut, holding two variables does not hide it */
        int seen = 0;
        t = ts_dataset_read_mem_some(bytes, (size_t)cut, path2, keep_two, &seen, &e2);
        alike &= t == NULL && e2.status == err.status && e2.msg && err.msg && strcmp(e2.msg, err.msg) == 0;
        ts_dataset_free(t);
        ts_err_clear(&e2);
    }
    T_CHECK(refused);
    T_CHECK(alike);

    /* A flipped byte anywhere: refused by a checksum or a structure check. */
    int detected = 1;
    for (long at = 0; at < size; at += size / 89 + 1) {
        T_CHECK(ts_dataset_write(ds, path2, &err) == TS_OK);
        f = fopen(path2, "r+b");
        fseek(f, at, SEEK_SET);
        int ch = getc(f);
        fseek(f, at, SEEK_SET);
        putc(ch ^ 0x40, f);
        fclose(f);
        ts_err_clear(&err);
        ts_dataset *t = ts_dataset_read(path2, &err);
        detected &= t == NULL && err.status == TS_E_DATA;
        ts_dataset_free(t);
        bytes[at] ^= 0x40;
        ts_err e2 = TS_ERR_INIT;
        t = ts_dataset_read_mem(bytes, (size_t)size, path2, &e2);
        alike &= t == NULL && e2.status == err.status && e2.msg && err.msg && strcmp(e2.msg, err.msg) == 0;
        ts_dataset_free(t);
        ts_err_clear(&e2);
        int seen = 0; /* a flipped byte in a column not kept is refused all the same */
        t = ts_dataset_read_mem_some(bytes, (size_t)size, path2, keep_two, &seen, &e2);
        alike &= t == NULL && e2.status == err.status && e2.msg && err.msg && strcmp(e2.msg, err.msg) == 0;
        ts_dataset_free(t);
        ts_err_clear(&e2);
        bytes[at] ^= 0x40;
    }
    T_CHECK(detected);
    T_CHECK(alike);
    ts_err_clear(&err);
    free(bytes);

    /* More rows than doubling the capacity can reach: no endless loop (fuzz_dataset found a
     * file of no variables and 2^63 + 1 rows that hung the reader), and no column that large. */
    ts_dataset *wide = ts_dataset_new();
    T_CHECK(wide && ts_dataset_reserve(wide, SIZE_MAX / 2 + 2) == 0 && wide->cap_rows == SIZE_MAX / 2 + 2);
    ts_var *idv = ts_var_new("id", TS_VAR_ID);
    T_CHECK(wide && ts_dataset_add_var(wide, idv) == -1);
    ts_var_free(idv);
    ts_dataset_free(wide);
    T_CHECK(ts_dataset_reserve(ds, SIZE_MAX / 2 + 2) == -1);

    /* Row filtering keeps order and frees dropped text. */
    unsigned char *keep = calloc(ds->nrows, 1);
    for (size_t r = 0; r < ds->nrows; r += 2)
        keep[r] = 1;
    ts_dataset_filter_rows(ds, keep);
    T_CHECK(ds->nrows == 1500);
    T_CHECK(ts_var_int(ts_dataset_find(ds, "id"), 1) == 3);
    free(keep);

    unlink(path);
    unlink(path2);
    ts_dataset_free(ds);
    T_DONE();
}
