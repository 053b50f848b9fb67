/* Unit tests for lib/condition.c: Kleene's connectives, parsing (and its error positions), and
 * evaluation over dataset columns, including 非該当 (not asked) against missing answers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "condition.h"
#include "harness.h"

enum { V_ID, V_A, V_M, V_N, NV };

static ts_codebook cb;
static ts_cbvar cbvars[NV];
static ts_var *cols[NV];
static ts_dataset *ds;

static ts_var *add(size_t i, const char *name, ts_vartype type, ts_cbkind kind)
{
    ts_var *v = ts_var_new(name, type);
    cbvars[i].kind = kind;
    cbvars[i].def = v;
    cbvars[i].skip = -1;
    cols[i] = v;
    return v;
}

/* id; a: single 1 はい 2 いいえ 8 非該当 9 無回答; m: multi 1 2 3, 98 非該当, 99 無回答; n: numeric. */
static void build(void)
{
    ds = ts_dataset_new();
    add(V_ID, "id", TS_VAR_ID, TS_CB_ID);
    ts_var *a = add(V_A, "a", TS_VAR_SINGLE, TS_CB_SINGLE);
    ts_var_add_code(a, 1, 0, "はい", "", "");
    ts_var_add_code(a, 2, 0, "いいえ", "", "");
    ts_var_add_code(a, 8, TS_CODE_SKIPPED, "非該当", "", "");
    ts_var_add_code(a, 9, TS_CODE_MISSING, "無回答", "", "");
    cbvars[V_A].skip = 2;
    ts_var *m = add(V_M, "m", TS_VAR_MULTI, TS_CB_MULTI);
    for (int k = 1; k <= 3; k++)
        ts_var_add_code(m, k, 0, "opt", "", "");
    ts_var_add_code(m, 98, TS_CODE_SKIPPED, "非該当", "", "");
    ts_var_add_code(m, 99, TS_CODE_MISSING, "無回答", "", "");
    cbvars[V_M].skip = 3;
    add(V_N, "n", TS_VAR_NUMERIC, TS_CB_NUMERIC);
    for (size_t i = 0; i < NV; i++) {
        ts_var_choose_storage(cols[i]);
        ts_dataset_add_var(ds, cols[i]);
    }
    cb.nvars = NV;
    cb.vars = cbvars;
    cb.id = V_ID;
    ts_dataset_reserve(ds, 6);
    ds->nrows = 6;
    /* row:       0    1    2    3        4 (not asked)  5 */
    int64_t av[] = {1, 2, 9, TS_MISSING_INT, 8, 1};
    uint64_t mv[] = {1u << 0, 1u << 2, 1u << 4, TS_MISSING_MASK, 1u << 3, 0};
    double nv[] = {1.5, 50, NAN, -3, 80, 12};
    for (size_t r = 0; r < 6; r++) {
        ts_var_set_int(cols[V_ID], r, (int64_t)r + 1);
        ts_var_set_int(cols[V_A], r, av[r]);
        ts_var_set_mask(cols[V_M], r, mv[r]);
        ts_var_set_num(cols[V_N], r, nv[r]);
    }
}

/* The values of condition S at rows 0..5 as a string of T, F, U ("" if it does not parse). */
static const char *eval(const char *s)
{
    static char out[8];
    size_t at;
    ts_err err = TS_ERR_INIT;
    ts_cond *c = ts_cond_parse(s, strlen(s), &cb, NV, &at, &err);
    if (!c) {
        fprintf(stderr, "%s: character %zu: %s\n", s, at, err.msg ? err.msg : "?");
        ts_err_clear(&err);
        return "";
    }
    for (size_t r = 0; r < 6; r++) {
        ts_truth t = ts_cond_eval(c, cols, r);
        out[r] = t == TS_TRUE ? 'T' : t == TS_FALSE ? 'F' : 'U';
    }
    out[6] = '\0';
    ts_cond_free(c);
    return out;
}

/* Parse S[0..N), which must fail: return the message, *AT the character. */
static char msg[512];
static const char *error_of(const char *s, size_t n, size_t *at)
{
    ts_err err = TS_ERR_INIT;
    ts_cond *c = ts_cond_parse(s, n, &cb, NV, at, &err);
    if (c) {
        ts_cond_free(c);
        return "(parsed)";
    }
    snprintf(msg, sizeof msg, "%s", err.msg ? err.msg : "(no message)");
    ts_err_clear(&err);
    return msg;
}

static void test_kleene(void)
{
    /* Kleene (1952) strong tables, F T U in that order. */
    const ts_truth v[3] = {TS_FALSE, TS_TRUE, TS_UNKNOWN};
    const ts_truth and_[3][3] = {{TS_FALSE, TS_FALSE, TS_FALSE}, {TS_FALSE, TS_TRUE, TS_UNKNOWN},
                                 {TS_FALSE, TS_UNKNOWN, TS_UNKNOWN}};
    const ts_truth or_[3][3] = {{TS_FALSE, TS_TRUE, TS_UNKNOWN}, {TS_TRUE, TS_TRUE, TS_TRUE},
                                {TS_UNKNOWN, TS_TRUE, TS_UNKNOWN}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            T_CHECK(ts_truth_and(v[i], v[j]) == and_[i][j]);
            T_CHECK(ts_truth_or(v[i], v[j]) == or_[i][j]);
        }
    T_CHECK(ts_truth_not(TS_TRUE) == TS_FALSE);
    T_CHECK(ts_truth_not(TS_FALSE) == TS_TRUE);
    T_CHECK(ts_truth_not(TS_UNKNOWN) == TS_UNKNOWN);
}

static void test_eval(void)
{
    /* a = 1 2 9 . 8 1: 無回答 and blank undetermined, 非該当 false */
    T_CHECK_STR(eval("a in 1"), "TFUUFT");
    T_CHECK_STR(eval("not a in 1"), "FTUUTF");
    T_CHECK_STR(eval("a in 1;2"), "TTUUFT");
    T_CHECK_STR(eval("a in ..1"), "TFUUFT");
    /* m = {1} {3} {99} . {98} {} */
    T_CHECK_STR(eval("m in 1..2"), "TFUUFF");
    T_CHECK_STR(eval("m in 3"), "FTUUFF");
    /* n = 1.5 50 . -3 80 12 */
    T_CHECK_STR(eval("n in 1.5"), "TFUFFF");
    T_CHECK_STR(eval("n in 50.."), "FTUFTF");
    T_CHECK_STR(eval("n in ..0; 10..20"), "FFUTFT");
    /* false AND undetermined = false; true OR undetermined = true */
    T_CHECK_STR(eval("all(a in 2, m in 1)"), "FFUUFF");
    T_CHECK_STR(eval("all(n in 50.., a in 1;2)"), "FTUFFF");
    T_CHECK_STR(eval("any(a in 1, n in 50..)"), "TTUUTT");
    T_CHECK_STR(eval("any(m in 1, n in ..0)"), "TFUTFF");
    T_CHECK_STR(eval("not(any(a in 1, not m in 3))"), "FTUUFF");
    T_CHECK_STR(eval("all(any(a in 1, n in 50..), not (m in 1))"), "FTUUTT");
    T_CHECK_STR(eval("  all ( a in 1 , n in 1.5 )  "), "TFUFFF");
    /* one-element all/any and parentheses are the condition itself */
    T_CHECK_STR(eval("all(a in 1)"), "TFUUFT");
    T_CHECK_STR(eval("any(a in 1)"), "TFUUFT");
    T_CHECK_STR(eval("((a in 1))"), "TFUUFT");
}

static void test_errors(void)
{
    size_t at = 0;
    T_CHECK_STR(error_of("a in", 4, &at), "expected a value or a range like 3, 4..6, 80.. or ..15, got the end of the condition");
    T_CHECK(at == 5);
    T_CHECK_STR(error_of("all(a in 1", 10, &at), "expected \",\" or the \")\" that closes all(, got the end of the condition");
    T_CHECK(at == 11);
    T_CHECK_STR(error_of("any(a in 1, b in 2)", 19, &at), "\"b\" is not a variable declared above");
    T_CHECK(at == 13);
    T_CHECK_STR(error_of("a 1", 3, &at), "expected \"in\" after a, got \"1\"");
    T_CHECK(at == 3);
    T_CHECK_STR(error_of("a in 1 n in 2", 13, &at),
                "expected the end of the condition (join conditions with all(...) or any(...)), got \"n\"");
    T_CHECK(at == 8);
    T_CHECK_STR(error_of("a in 9", 6, &at),
                "code 9 of a is a missing code: a missing answer leaves a condition undetermined, never true");
    T_CHECK_STR(error_of("a in 5", 6, &at), "a has no valid code 5");
    T_CHECK_STR(error_of("m in 4..97", 10, &at), "m has no valid code in 4..97");
    T_CHECK_STR(error_of("a in 3..1", 9, &at), "expected a value or a range like 3, 4..6, 80.. or ..15, got \"3..1\"");
    T_CHECK_STR(error_of("id in 1", 7, &at), "id is the respondent id: a condition takes an item with codes or numbers");
    T_CHECK_STR(error_of("", 0, &at), "expected a variable name, all(, any( or not, got the end of the condition");
    T_CHECK(at == 1);
    T_CHECK_STR(error_of("all()", 5, &at), "expected a variable name, all(, any( or not, got \")\"");
    /* positions count characters, not bytes */
    T_CHECK_STR(error_of("all(a in 1, 外出 in 1)", strlen("all(a in 1, 外出 in 1)"), &at),
                "expected a variable name, all(, any( or not, got \"外出\"");
    T_CHECK(at == 13);
    /* only N bytes are read: the text need not end in NUL, and a NUL inside is just a byte */
    T_CHECK_STR(error_of("a in 1)", 6, &at), "(parsed)");
    T_CHECK_STR(error_of("a in 1\0", 7, &at),
                "expected the end of the condition (join conditions with all(...) or any(...)), got the byte 0x00");
    /* nesting is capped (the parser recurses) */
    char deep[200];
    memset(deep, '(', 40);
    strcpy(deep + 40, "a in 1");
    memset(deep + 46, ')', 40);
    deep[86] = '\0';
    T_CHECK_STR(error_of(deep, strlen(deep), &at), "conditions nested more than 32 deep");
    T_CHECK_STR(error_of("not not not a in 1", 18, &at), "(parsed)");
}

static void test_ranges(void)
{
    double lo, hi;
    T_CHECK(ts_cond_parse_range("3", 1, &lo, &hi) == 0 && lo == 3 && hi == 3);
    T_CHECK(ts_cond_parse_range("16..19", 6, &lo, &hi) == 0 && lo == 16 && hi == 19);
    T_CHECK(ts_cond_parse_range("80..", 4, &lo, &hi) == 0 && lo == 80 && isinf(hi));
    T_CHECK(ts_cond_parse_range("..15", 4, &lo, &hi) == 0 && isinf(lo) && lo < 0 && hi == 15);
    T_CHECK(ts_cond_parse_range("..", 2, &lo, &hi) != 0);
    T_CHECK(ts_cond_parse_range("", 0, &lo, &hi) != 0);
    T_CHECK(ts_cond_parse_range("9..1", 4, &lo, &hi) != 0);
    T_CHECK(ts_cond_parse_range("1...3", 5, &lo, &hi) != 0);
}

int main(void)
{
    build();
    test_kleene();
    test_eval();
    test_errors();
    test_ranges();
    ts_dataset_free(ds);
    T_DONE();
}
