/* test_statreader.c — lib/statreader: SPSS and Stata files written by R's haven
 * (tests/fixtures/stat/make-fixtures.R) read as rows of text with their metadata, the same
 * from a file and from memory; damaged files refused whole; the embedded codebook read back
 * by ts_codebook_read_mem and checked against the rows the reader gives. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "codebook.h"
#include "statreader.h"
#include "strbuf.h"

#define FIX "../fixtures/stat/"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ts_strbuf b = TS_STRBUF_INIT;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        ts_strbuf_append(&b, buf, got);
    fclose(f);
    *n = b.len;
    return ts_strbuf_take(&b);
}

/* All records of R: rows[i][j] = the field (copied), nrows rows; row 0 the header. */
enum { MAXR = 256 };
typedef struct rows {
    size_t n, nf[MAXR];
    char *cell[MAXR][32];
    unsigned long line[MAXR];
    ts_rec_problem problem[MAXR];
    size_t pcol[MAXR];
} rows;

static void read_all(ts_statreader *r, rows *out)
{
    memset(out, 0, sizeof *out);
    ts_err err = TS_ERR_INIT;
    ts_record rec;
    while (out->n < MAXR && ts_statreader_next(r, &rec, &err) == 1) {
        size_t i = out->n++;
        out->nf[i] = rec.nfields;
        out->line[i] = rec.line;
        out->problem[i] = rec.problem;
        out->pcol[i] = rec.problem_column;
        for (size_t j = 0; j < rec.nfields && j < 32; j++) {
            T_CHECK(rec.fields[j].s[rec.fields[j].len] == '\0');
            out->cell[i][j] = ts_strndup(rec.fields[j].s, rec.fields[j].len);
        }
        T_CHECK(rec.raw != NULL);
    }
    T_CHECK(err.status == TS_OK);
}

static void free_rows(rows *x)
{
    for (size_t i = 0; i < x->n; i++)
        for (size_t j = 0; j < 32; j++)
            free(x->cell[i][j]);
}

static long column_of(const rows *x, const char *name)
{
    for (size_t j = 0; j < x->nf[0]; j++)
        if (strcmp(x->cell[0][j], name) == 0)
            return (long)j;
    return -1;
}

static const char *cellv(const rows *x, size_t row, const char *name)
{
    long j = column_of(x, name);
    return j >= 0 && x->cell[row][j] ? x->cell[row][j] : "(no column)";
}

static const ts_stat_var *var_named(const ts_statreader *r, const char *name)
{
    for (size_t i = 0; i < ts_statreader_nvars(r); i++)
        if (strcmp(ts_statreader_var(r, i)->name, name) == 0)
            return ts_statreader_var(r, i);
    return NULL;
}

static const ts_cbvar *cbvar(const ts_codebook *cb, const char *name)
{
    for (size_t i = 0; i < cb->nvars; i++)
        if (strcmp(cb->vars[i].def->name, name) == 0)
            return &cb->vars[i];
    return NULL;
}

static int has_code(const ts_var *v, long code, int missing)
{
    for (size_t i = 0; i < v->ncodes; i++)
        if (v->codes[i].code == code)
            return missing < 0 || (v->codes[i].missing != 0) == missing;
    return 0;
}

static int is_number(const char *s, int whole)
{
    char *end;
    double d = strtod(s, &end);
    return *s && !*end && (!whole || d == floor(d));
}

/* Every cell of the rows is what the codebook's variable of its column accepts without an
 * item warning: a code (or, with answers=either, a label or alias), 0/1 in a multi's option
 * columns, a whole number for integer and id, a number for numeric, anything for text. */
static void check_rows_against(const ts_codebook *cb, const rows *x)
{
    for (size_t i = 0; i < cb->nvars; i++) {
        const ts_cbvar *v = &cb->vars[i];
        if (v->kind == TS_CB_MULTI) {
            for (size_t c = 0; c < v->def->ncodes; c++) {
                long j = column_of(x, v->def->codes[c].column);
                T_CHECK(j >= 0);
                for (size_t row = 1; row < x->n && j >= 0; row++) {
                    const char *s = x->cell[row][j];
                    T_CHECK(!*s || strcmp(s, "0") == 0 || strcmp(s, "1") == 0);
                }
            }
            continue;
        }
        if (!v->column || strcmp(v->column, "(data row number: --id row)") == 0)
            continue;
        long j = column_of(x, v->column);
        T_CHECK(j >= 0);
        for (size_t row = 1; row < x->n && j >= 0; row++) {
            const char *s = x->cell[row][j];
            if (!*s)
                continue;
            char *end;
            double d = strtod(s, &end);
            int ok = 1;
            switch (v->kind) {
            case TS_CB_ID: ok = is_number(s, 1) && d >= 1; break;
            case TS_CB_SINGLE:
                ok = (is_number(s, 1) && has_code(v->def, (long)d, -1)) ||
                     (v->answers == TS_ANSWERS_EITHER && ts_codebook_find_label(v, s, strlen(s)) >= 0);
                break;
            case TS_CB_INTEGER: ok = is_number(s, 1); break;
            case TS_CB_NUMERIC: ok = is_number(s, 0); break;
            default: break;
            }
            if (!ok)
                fprintf(stderr, "row %zu, %s: \"%s\" is an item warning\n", row, v->def->name, s);
            T_CHECK(ok);
        }
    }
}

static ts_codebook *embedded(const ts_statreader *r, char **text)
{
    ts_strbuf b = TS_STRBUF_INIT;
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_statreader_codebook_csv(r, &b, &err) == TS_OK);
    ts_codebook *cb = ts_codebook_read_mem(b.data ? b.data : "", b.len, "embedded.csv", &err);
    if (!cb)
        fprintf(stderr, "embedded codebook: %s\n%s", err.msg, b.data);
    T_CHECK(cb != NULL);
    ts_err_clear(&err);
    if (text)
        *text = ts_strbuf_take(&b);
    ts_strbuf_free(&b);
    return cb;
}

static void test_sav(const char *file, ts_stat_format fmt)
{
    ts_err err = TS_ERR_INIT;
    ts_statreader *r = ts_statreader_open(file, NULL, &err);
    T_CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    T_CHECK(ts_statreader_format(r) == fmt);
    T_CHECK_STR(ts_statreader_encoding(r), "UTF-8");
    T_CHECK(ts_statreader_ncases(r) == 12);
    T_CHECK(ts_statreader_nvars(r) == 13);
    const ts_stat_var *sex = var_named(r, "sex"), *lonely = var_named(r, "lonely"), *age = var_named(r, "age");
    T_CHECK(sex && lonely && age);
    if (sex && lonely && age) {
        T_CHECK_STR(sex->label, "性別");
        T_CHECK(sex->nlabels == 3 && sex->labels[2].value == 9);
        T_CHECK_STR(sex->labels[0].text, "男性");
        T_CHECK(sex->nmissing == 1 && sex->missing[0].lo == 9 && sex->missing[0].hi == 9);
        T_CHECK(lonely->nmissing == 1 && lonely->missing[0].lo == 8 && lonely->missing[0].hi == 9);
        T_CHECK(age->nmissing == 1 && age->nlabels == 0);
    }
    T_CHECK(var_named(r, "visit") && var_named(r, "visit")->date == TS_STAT_DATE);
    T_CHECK(var_named(r, "stamp") && var_named(r, "stamp")->date == TS_STAT_DATETIME);
    T_CHECK(var_named(r, "comment") && var_named(r, "comment")->is_string);
    T_CHECK(var_named(r, "満足度") != NULL);

    static rows x;
    read_all(r, &x);
    T_CHECK(x.n == 13);
    T_CHECK(x.line[0] == 0 && x.line[1] == 1 && x.line[12] == 12);
    T_CHECK_STR(x.cell[0][0], "id");
    T_CHECK_STR(x.cell[0][12], "満足度");
    T_CHECK_STR(cellv(&x, 1, "income"), "250.5");
    T_CHECK_STR(cellv(&x, 2, "income"), "410");     /* never "410.0" */
    T_CHECK_STR(cellv(&x, 6, "income"), "0.1");
    T_CHECK_STR(cellv(&x, 3, "income"), "");        /* system-missing */
    T_CHECK_STR(cellv(&x, 5, "sex"), "9");          /* user-missing: the code itself */
    T_CHECK_STR(cellv(&x, 6, "lonely"), "8");       /* inside the missing range 8..9 */
    T_CHECK_STR(cellv(&x, 9, "lonely"), "");
    T_CHECK_STR(cellv(&x, 1, "visit"), "2026-10-01");
    T_CHECK_STR(cellv(&x, 11, "visit"), "");
    T_CHECK_STR(cellv(&x, 1, "stamp"), "2026-10-01 09:00:00");
    T_CHECK_STR(cellv(&x, 4, "stamp"), "2026-10-02 08:59:59");
    T_CHECK_STR(cellv(&x, 6, "stamp"), "2026-10-02 10:01:01");
    T_CHECK_STR(cellv(&x, 3, "comment"), "近所に話せる人がいない");
    T_CHECK_STR(cellv(&x, 4, "comment"), "a, \"quoted\" text");
    T_CHECK_STR(cellv(&x, 10, "comment"), "改行\nあり");
    T_CHECK_STR(cellv(&x, 5, "q5_1"), "");
    for (size_t i = 0; i < x.n; i++)
        T_CHECK(x.problem[i] == TS_REC_OK);

    /* the same bytes from memory give the same rows */
    size_t n;
    char *bytes = slurp(file, &n);
    ts_statreader *m = ts_statreader_open_mem(bytes, n, file, NULL, &err);
    T_CHECK(m != NULL);
    if (m) {
        static rows y;
        read_all(m, &y);
        T_CHECK(y.n == x.n);
        for (size_t i = 0; i < x.n && i < y.n; i++)
            for (size_t j = 0; j < x.nf[i]; j++)
                T_CHECK(x.cell[i][j] && y.cell[i][j] && strcmp(x.cell[i][j], y.cell[i][j]) == 0);
        free_rows(&y);
        ts_statreader_close(m, &err);
    }
    free(bytes);

    /* the embedded codebook */
    char *text = NULL;
    ts_codebook *cb = embedded(r, &text);
    if (cb) {
        const ts_cbvar *v;
        T_CHECK((v = cbvar(cb, "id")) && v->kind == TS_CB_ID && strcmp(v->column, "id") == 0);
        T_CHECK((v = cbvar(cb, "sex")) && v->kind == TS_CB_SINGLE && v->def->ncodes == 3 && has_code(v->def, 9, 1) &&
                has_code(v->def, 1, 0));
        T_CHECK((v = cbvar(cb, "lonely")) && v->kind == TS_CB_SINGLE && has_code(v->def, 8, 1) && has_code(v->def, 9, 1) &&
                has_code(v->def, 4, 0));
        T_CHECK((v = cbvar(cb, "age")) && v->kind == TS_CB_INTEGER && has_code(v->def, 999, 1) && !v->def->has_min);
        T_CHECK((v = cbvar(cb, "age")) && strcmp(v->def->codes[0].label, "欠損値 999") == 0);
        T_CHECK((v = cbvar(cb, "q5")) && v->kind == TS_CB_MULTI && v->def->ncodes == 4 &&
                v->def->layout == TS_MULTI_COLUMNS && strcmp(v->def->label, "相談相手") == 0 &&
                strcmp(v->def->codes[0].label, "家族") == 0 && strcmp(v->def->codes[3].column, "q5_4") == 0);
        T_CHECK(!cbvar(cb, "q5_1"));
        T_CHECK((v = cbvar(cb, "income")) && v->kind == TS_CB_NUMERIC);
        T_CHECK((v = cbvar(cb, "visit")) && v->kind == TS_CB_TEXT);
        T_CHECK((v = cbvar(cb, "comment")) && v->kind == TS_CB_TEXT && !v->keep);
        /* a Japanese name is no codebook name: v13, its column the file's name; labels of
         * 1 and 5 only, so an integer with those as code rows */
        T_CHECK((v = cbvar(cb, "v13")) && v->kind == TS_CB_INTEGER && strcmp(v->column, "満足度") == 0 &&
                has_code(v->def, 5, 0));
        check_rows_against(cb, &x);
        T_CHECK(text && strstr(text, "# sex: single:"));
        T_CHECK(text && strstr(text, "# q5: multi:"));
    }
    free(text);
    ts_codebook_free(cb);
    free_rows(&x);
    ts_statreader_close(r, &err);
}

static void test_dta(void)
{
    ts_err err = TS_ERR_INIT;
    ts_statreader *r = ts_statreader_open(FIX "survey-118.dta", NULL, &err);
    T_CHECK(r != NULL);
    if (!r)
        return;
    T_CHECK(ts_statreader_format(r) == TS_STAT_DTA);
    T_CHECK_STR(ts_statreader_format_name(r), "Stata .dta (format 118)");
    T_CHECK_STR(ts_statreader_file_label(r), "つながり調査（合成データ）");
    const ts_stat_var *sex = var_named(r, "sex");
    T_CHECK(sex && sex->nlabels == 3 && sex->labels[2].tag == 'a' && strcmp(sex->labels[2].text, "無回答") == 0);
    static rows x;
    read_all(r, &x);
    T_CHECK_STR(cellv(&x, 5, "sex"), ".a");  /* Stata's extended missing value */
    T_CHECK_STR(cellv(&x, 3, "age"), ".b");
    T_CHECK_STR(cellv(&x, 1, "visit"), "2026-10-01");
    T_CHECK_STR(cellv(&x, 6, "stamp"), "2026-10-02 10:01:01");
    T_CHECK_STR(cellv(&x, 3, "comment"), "近所に話せる人がいない");
    ts_codebook *cb = embedded(r, NULL);
    if (cb) {
        const ts_cbvar *v;
        T_CHECK((v = cbvar(cb, "sex")) && v->kind == TS_CB_SINGLE && v->answers == TS_ANSWERS_EITHER &&
                has_code(v->def, -1001, 1));
        T_CHECK((v = cbvar(cb, "q5")) && v->kind == TS_CB_MULTI && v->def->ncodes == 4);
    }
    ts_codebook_free(cb);
    free_rows(&x);
    ts_statreader_close(r, &err);

    /* with stata_missing_codes the cells are codes, declared missing in every numeric type */
    ts_statreader_opts o = {.stata_missing_codes = 1};
    r = ts_statreader_open(FIX "survey-118.dta", &o, &err);
    T_CHECK(r != NULL);
    if (!r)
        return;
    read_all(r, &x);
    T_CHECK_STR(cellv(&x, 5, "sex"), "-1001");
    T_CHECK_STR(cellv(&x, 3, "age"), "-1002");
    cb = embedded(r, NULL);
    if (cb) {
        const ts_cbvar *v;
        T_CHECK((v = cbvar(cb, "sex")) && v->kind == TS_CB_SINGLE && v->answers == TS_ANSWERS_CODES &&
                has_code(v->def, -1001, 1) && strcmp(v->def->codes[2].label, "無回答") == 0);
        T_CHECK((v = cbvar(cb, "age")) && v->kind == TS_CB_INTEGER && has_code(v->def, -1002, 1));
        check_rows_against(cb, &x);
    }
    ts_codebook_free(cb);
    free_rows(&x);
    ts_statreader_close(r, &err);

    r = ts_statreader_open(FIX "old-114.dta", NULL, &err);
    T_CHECK(r != NULL);
    if (!r)
        return;
    T_CHECK_STR(ts_statreader_format_name(r), "Stata .dta (format 114)");
    read_all(r, &x);
    T_CHECK_STR(cellv(&x, 1, "score"), "0.1");
    T_CHECK_STR(cellv(&x, 7, "score"), "10000000000");
    T_CHECK_STR(cellv(&x, 8, "score"), "-4.5");
    T_CHECK_STR(cellv(&x, 10, "score"), "0.333333333333333");
    T_CHECK_STR(cellv(&x, 10, "id"), "10");
    T_CHECK_STR(cellv(&x, 4, "visit"), "2026-10-04");
    cb = embedded(r, NULL);
    if (cb)
        check_rows_against(cb, &x);
    ts_codebook_free(cb);
    free_rows(&x);
    ts_statreader_close(r, &err);
}

static void test_por(void)
{
    ts_err err = TS_ERR_INIT;
    ts_statreader *r = ts_statreader_open(FIX "ascii.por", NULL, &err);
    T_CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    T_CHECK(ts_statreader_format(r) == TS_STAT_POR);
    static rows x;
    read_all(r, &x);
    T_CHECK(x.n == 13);
    T_CHECK_STR(cellv(&x, 1, "X"), "0.1");
    T_CHECK_STR(cellv(&x, 5, "SEX"), "9");
    T_CHECK_STR(cellv(&x, 2, "TXT"), "two");
    const ts_stat_var *sex = var_named(r, "SEX");
    T_CHECK(sex && sex->nmissing == 1 && sex->nlabels == 3);
    ts_codebook *cb = embedded(r, NULL);
    if (cb) {
        T_CHECK(cbvar(cb, "ID") && cbvar(cb, "ID")->kind == TS_CB_ID);
        T_CHECK(cbvar(cb, "SEX") && cbvar(cb, "SEX")->kind == TS_CB_SINGLE);
        T_CHECK(cbvar(cb, "Q1") && cbvar(cb, "Q1")->kind == TS_CB_INTEGER);
        check_rows_against(cb, &x);
    }
    ts_codebook_free(cb);
    free_rows(&x);
    ts_statreader_close(r, &err);
}

/* A damaged file is refused whole with TS_E_DATA naming the file and the reason. */
static void expect_refused(const void *data, size_t n, const char *name, const char *words)
{
    ts_err err = TS_ERR_INIT;
    ts_statreader *r = ts_statreader_open_mem(data, n, name, NULL, &err);
    T_CHECK(r == NULL);
    T_CHECK(err.status == TS_E_DATA);
    T_CHECK(err.msg && strstr(err.msg, name) && strstr(err.msg, words));
    if (r || !err.msg || !strstr(err.msg, words))
        fprintf(stderr, "%s: got %s\n", name, err.msg ? err.msg : "(accepted)");
    ts_statreader_close(r, NULL);
    ts_err_clear(&err);
}

static void test_damaged(void)
{
    size_t n;
    char *sav = slurp(FIX "survey.sav", &n);
    T_CHECK(sav != NULL);
    if (!sav)
        return;
    expect_refused(sav, n / 2, "half.sav", "not a valid SPSS .sav file");
    expect_refused(sav, n - 9, "short.sav", "not a valid SPSS .sav file");
    expect_refused(sav, 100, "header-only.sav", "not a valid SPSS .sav file");
    char *zeros = calloc(1, 4096);
    expect_refused(zeros, 4096, "zeros.sav", "not a valid SPSS .sav file");
    expect_refused(zeros, 4096, "zeros.bin", "no known signature");
    expect_refused("", 0, "empty.dta", "not a valid Stata .dta file");
    free(zeros);
    /* the first variable record's type (2) made 99: an unknown record */
    char *bad = malloc(n);
    memcpy(bad, sav, n);
    bad[176] = 99;
    expect_refused(bad, n, "bad-record.sav", "not a valid SPSS .sav file");
    free(bad);
    size_t nz;
    char *zsav = slurp(FIX "survey.zsav", &nz);
    if (zsav) {
        expect_refused(zsav, nz - 40, "short.zsav", "not a valid SPSS .zsav file");
        free(zsav);
    }
    size_t nd;
    char *dta = slurp(FIX "survey-118.dta", &nd);
    if (dta) {
        expect_refused(dta, nd / 2, "half.dta", "not a valid Stata .dta file");
        free(dta);
    }
    /* the memory cap */
    ts_statreader_opts o = {.max_bytes = 512};
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_statreader_open_mem(sav, n, "big.sav", &o, &err) == NULL);
    T_CHECK(err.status == TS_E_DATA && err.msg && strstr(err.msg, "cap"));
    ts_err_clear(&err);
    /* a forced format that is not the file's */
    ts_statreader_opts dta_opt = {.format = TS_STAT_DTA};
    T_CHECK(ts_statreader_open_mem(sav, n, "x.sav", &dta_opt, &err) == NULL && err.status == TS_E_DATA);
    ts_err_clear(&err);
    T_CHECK(ts_statreader_open("../fixtures/stat/no-such-file.sav", NULL, &err) == NULL && err.status == TS_E_NOINPUT);
    ts_err_clear(&err);
    free(sav);
}

/* ReadStat 1.1.8 overflows a buffer on a UTF-8 .sav whose very long string has a segment of
 * NUL bytes (its issue #285); statreader names the encoding so that path is not taken. */
static void test_vls_nul_segment(void)
{
    size_t n;
    char *sav = slurp(FIX "long-string.sav", &n);
    T_CHECK(sav != NULL);
    if (!sav)
        return;
    /* the data follow the dictionary's end: record type 999, then a zero */
    static const char end[8] = {(char)0xe7, 0x03, 0, 0, 0, 0, 0, 0};
    size_t at = 0;
    while (at + 8 <= n && memcmp(sav + at, end, 8) != 0)
        at++;
    T_CHECK(at + 8 + 8 + 256 <= n);
    if (at + 8 + 8 + 256 > n) {
        free(sav);
        return;
    }
    ts_err err = TS_ERR_INIT;
    ts_statreader *r = ts_statreader_open_mem(sav, n, "long-string.sav", NULL, &err);
    T_CHECK(r != NULL);
    if (r) {
        static rows x;
        read_all(r, &x);
        T_CHECK(x.n == 3 && x.cell[1][1] && strlen(x.cell[1][1]) == 300 && strcmp(x.cell[2][1], "short") == 0);
        free_rows(&x);
        ts_statreader_close(r, NULL);
    }
    memset(sav + at + 8 + 8, 0, 256); /* case 1: the id, then the string's first segment */
    r = ts_statreader_open_mem(sav, n, "long-string.sav", NULL, &err);
    T_CHECK(r != NULL);
    if (r) {
        static rows x;
        read_all(r, &x);
        T_CHECK(x.n == 3 && strcmp(x.cell[1][1], "") == 0 && strcmp(x.cell[2][1], "short") == 0);
        T_CHECK_STR(ts_statreader_encoding(r), "UTF-8");
        free_rows(&x);
        ts_statreader_close(r, NULL);
    }
    ts_err_clear(&err);
    free(sav);
}

/* Codes stored as strings, labelled: a single choice all the same. */
static void test_string_codes(void)
{
    ts_err err = TS_ERR_INIT;
    ts_statreader *r = ts_statreader_open(FIX "string-codes.sav", NULL, &err);
    T_CHECK(r != NULL);
    if (!r)
        return;
    const ts_stat_var *sex = var_named(r, "sex");
    T_CHECK(sex && sex->is_string && sex->nlabels == 3 && sex->nmissing == 1 && strcmp(sex->missing[0].slo, "9") == 0);
    static rows x;
    read_all(r, &x);
    T_CHECK_STR(cellv(&x, 3, "sex"), "9");
    ts_codebook *cb = embedded(r, NULL);
    const ts_cbvar *v;
    T_CHECK(cb && (v = cbvar(cb, "sex")) && v->kind == TS_CB_SINGLE && has_code(v->def, 9, 1) && has_code(v->def, 2, 0));
    if (cb)
        check_rows_against(cb, &x);
    ts_codebook_free(cb);
    free_rows(&x);
    ts_statreader_close(r, &err);
}

/* No variable is an id: the codebook names one for --id row, as tsunagari-codebook draft does. */
static void test_no_id(void)
{
    ts_err err = TS_ERR_INIT;
    ts_statreader *r = ts_statreader_open(FIX "no-id.sav", NULL, &err);
    T_CHECK(r != NULL);
    if (!r)
        return;
    char *text = NULL;
    ts_codebook *cb = embedded(r, &text);
    const ts_cbvar *v;
    T_CHECK(cb && (v = cbvar(cb, "id")) && v->kind == TS_CB_ID && strcmp(v->column, "(data row number: --id row)") == 0);
    T_CHECK(cb && (v = cbvar(cb, "q1")) && v->kind == TS_CB_SINGLE);
    T_CHECK(cb && (v = cbvar(cb, "score")) && v->kind == TS_CB_INTEGER);
    T_CHECK(text && strstr(text, "--id row"));
    free(text);
    ts_codebook_free(cb);
    ts_statreader_close(r, &err);
}

/* Which runs of 0/1 variables become one multi, and where their option labels come from. */
static void test_multi_names(void)
{
    ts_err err = TS_ERR_INIT;
    ts_statreader *r = ts_statreader_open(FIX "multi-names.sav", NULL, &err);
    T_CHECK(r != NULL);
    if (!r)
        return;
    static rows x;
    read_all(r, &x);
    ts_codebook *cb = embedded(r, NULL);
    const ts_cbvar *v;
    if (cb) {
        T_CHECK((v = cbvar(cb, "Q5")) && v->kind == TS_CB_MULTI && v->def->ncodes == 2 &&
                strcmp(v->def->codes[0].label, "家族") == 0 && strcmp(v->def->codes[1].column, "Q5.2") == 0);
        T_CHECK((v = cbvar(cb, "q6")) && v->kind == TS_CB_MULTI && v->def->ncodes == 3 &&
                strcmp(v->def->label, "Q6 利用したもの") == 0 && strcmp(v->def->codes[2].label, "SNS") == 0);
        T_CHECK((v = cbvar(cb, "q7")) && v->kind == TS_CB_MULTI && v->def->ncodes == 2);
        T_CHECK((v = cbvar(cb, "x1")) && v->kind == TS_CB_INTEGER); /* no separator: separate questions */
        T_CHECK((v = cbvar(cb, "z_1")) && v->kind == TS_CB_INTEGER); /* z_2 holds a 2 */
        T_CHECK((v = cbvar(cb, "z_2")) && v->kind == TS_CB_INTEGER);
        check_rows_against(cb, &x);
    }
    ts_codebook_free(cb);
    free_rows(&x);
    ts_statreader_close(r, &err);
}

static void test_sniff(void)
{
    T_CHECK(ts_statreader_sniff("$FL2xxxx", 8, NULL) == TS_STAT_SAV);
    T_CHECK(ts_statreader_sniff("$FL3xxxx", 8, "a.sav") == TS_STAT_ZSAV);
    T_CHECK(ts_statreader_sniff("<stata_dta><header>", 19, NULL) == TS_STAT_DTA);
    T_CHECK(ts_statreader_sniff("\x72\x02\x01\x00", 4, NULL) == TS_STAT_DTA);
    T_CHECK(ts_statreader_sniff("ASCII SPSS PORT FILE", 20, NULL) == TS_STAT_POR);
    T_CHECK(ts_statreader_sniff("???", 3, "X.POR") == TS_STAT_POR);
    T_CHECK(ts_statreader_sniff("???", 3, "x.dta") == TS_STAT_DTA);
    T_CHECK(ts_statreader_sniff("???", 3, "x.csv") == TS_STAT_AUTO);
}

static void test_expect_fields(void)
{
    ts_err err = TS_ERR_INIT;
    ts_statreader *r = ts_statreader_open(FIX "ascii.sav", NULL, &err);
    T_CHECK(r != NULL);
    if (!r)
        return;
    ts_record rec;
    T_CHECK(ts_statreader_next(r, &rec, &err) == 1 && rec.nfields == 5 && rec.line == 0);
    ts_statreader_expect_fields(r, 7); /* padded */
    T_CHECK(ts_statreader_next(r, &rec, &err) == 1 && rec.nfields == 7 && rec.fields[6].len == 0 && rec.problem == TS_REC_OK);
    T_CHECK_STR(rec.raw, "1,1,1,0.1,one,,");
    ts_statreader_expect_fields(r, 4); /* TXT is not empty: flagged */
    T_CHECK(ts_statreader_next(r, &rec, &err) == 1 && rec.problem == TS_REC_FIELD_COUNT && rec.problem_column == 5 &&
            rec.line == 2 && rec.problem_text[0]);
    ts_statreader_next(r, &rec, &err); /* case 3: TXT empty, so 4 fields and no problem */
    T_CHECK(rec.line == 3 && rec.nfields == 4 && rec.problem == TS_REC_OK);
    size_t cases = 3;
    while (ts_statreader_next(r, &rec, &err) == 1)
        cases++;
    T_CHECK(cases == 12);
    T_CHECK(ts_statreader_next(r, &rec, &err) == 0);
    ts_statreader_close(r, &err);
    T_CHECK(ts_statreader_close(NULL, &err) == TS_OK);
}

/* The contractor-style delivery (tests/fixtures/spss-contractor): the embedded codebook. */
static void test_contractor(void)
{
    ts_err err = TS_ERR_INIT;
    ts_statreader *r = ts_statreader_open("../fixtures/spss-contractor/raw.sav", NULL, &err);
    T_CHECK(r != NULL);
    if (!r)
        return;
    static rows x;
    read_all(r, &x);
    T_CHECK(x.n == 201 && x.line[200] == 200);
    ts_codebook *cb = embedded(r, NULL);
    if (cb) {
        const ts_cbvar *v;
        T_CHECK(cb->id != (size_t)-1 && strcmp(cb->vars[cb->id].def->name, "SampleID") == 0);
        T_CHECK((v = cbvar(cb, "Q1")) && v->kind == TS_CB_SINGLE && has_code(v->def, 9, 1));
        T_CHECK((v = cbvar(cb, "Q2")) && v->kind == TS_CB_INTEGER && has_code(v->def, 999, 1));
        T_CHECK((v = cbvar(cb, "Q4_2")) && v->kind == TS_CB_SINGLE && v->def->ncodes == 5);
        T_CHECK((v = cbvar(cb, "Q5")) && v->kind == TS_CB_MULTI && v->def->ncodes == 6 &&
                strcmp(v->def->label, "問5 困ったときの相談相手") == 0 &&
                strcmp(v->def->codes[5].label, "相談できる相手はいない") == 0);
        T_CHECK((v = cbvar(cb, "Q6")) && v->kind == TS_CB_TEXT && !v->keep);
        T_CHECK((v = cbvar(cb, "RDATE")) && v->kind == TS_CB_TEXT);
        check_rows_against(cb, &x);
    }
    ts_codebook_free(cb);
    free_rows(&x);
    ts_statreader_close(r, &err);
}

int main(void)
{
    test_sav(FIX "survey.sav", TS_STAT_SAV);
    test_sav(FIX "survey-uncompressed.sav", TS_STAT_SAV);
    test_sav(FIX "survey.zsav", TS_STAT_ZSAV);
    test_dta();
    test_por();
    test_damaged();
    test_sniff();
    test_string_codes();
    test_no_id();
    test_multi_names();
    test_vls_nul_segment();
    test_expect_fields();
    test_contractor();
    T_DONE();
}
