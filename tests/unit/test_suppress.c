/* test_suppress.c — lib/suppress: primary and secondary suppression on tables small enough to
 * check by hand. A table is rows × columns of counts with a row-total column and a total row;
 * its relations are the ones tsunagari-tab writes (rows add up to their total, columns to the
 * total row). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "suppress.h"

#define MAXR 6
#define MAXC 6

typedef struct grid {
    size_t nr, nc;              /* body rows and columns */
    long cell[MAXR + 1][MAXC + 1]; /* [nr] is the total row, [.][nc] the total column */
} grid;

/* Cells and relations of the body counts V (NR × NC) with their margins. */
static ts_suppress *model(const double v[MAXR][MAXC], size_t nr, size_t nc, grid *g)
{
    ts_suppress *s = ts_suppress_new();
    g->nr = nr;
    g->nc = nc;
    double rowsum[MAXR + 1] = {0}, colsum[MAXC + 1] = {0};
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            rowsum[i] += v[i][j];
            colsum[j] += v[i][j];
            colsum[nc] += v[i][j];
        }
    char key[32];
    for (size_t i = 0; i <= nr; i++)
        for (size_t j = 0; j <= nc; j++) {
            snprintf(key, sizeof key, "%zu,%zu", i, j);
            double x = i == nr ? colsum[j] : j == nc ? rowsum[i] : v[i][j];
            g->cell[i][j] = ts_suppress_cell(s, key, x, i == nr || j == nc, 1);
        }
    size_t t[MAXC + 2];
    double k[MAXC + 2];
    for (size_t i = 0; i <= nr; i++) {
        for (size_t j = 0; j <= nc; j++) {
            t[j] = (size_t)g->cell[i][j];
            k[j] = j == nc ? -1 : 1;
        }
        ts_suppress_relation(s, t, k, nc + 1);
    }
    for (size_t j = 0; j <= nc; j++) {
        for (size_t i = 0; i <= nr; i++) {
            t[i] = (size_t)g->cell[i][j];
            k[i] = i == nr ? -1 : 1;
        }
        ts_suppress_relation(s, t, k, nr + 1);
    }
    return s;
}

static int state(const ts_suppress *s, const grid *g, size_t i, size_t j)
{
    return (int)ts_suppress_state(s, (size_t)g->cell[i][j]);
}

/* No row or column of the grid (totals included) has exactly one withheld cell. */
static int no_single(const ts_suppress *s, const grid *g)
{
    for (size_t i = 0; i <= g->nr; i++) {
        int k = 0;
        for (size_t j = 0; j <= g->nc; j++)
            k += state(s, g, i, j) != TS_CELL_PUBLISHED;
        if (k == 1)
            return 0;
    }
    for (size_t j = 0; j <= g->nc; j++) {
        int k = 0;
        for (size_t i = 0; i <= g->nr; i++)
            k += state(s, g, i, j) != TS_CELL_PUBLISHED;
        if (k == 1)
            return 0;
    }
    return 1;
}

static void test_nothing_small(void)
{
    const double v[MAXR][MAXC] = {{20, 30}, {40, 50}};
    grid g;
    ts_suppress *s = model(v, 2, 2, &g);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 10, &err) == TS_OK);
    T_CHECK(ts_suppress_count(s, TS_CELL_PRIMARY) == 0 && ts_suppress_count(s, TS_CELL_SECONDARY) == 0);
    ts_suppress_free(s);
}

static void test_one_small_cell_gets_a_rectangle(void)
{
    /* 3 is below 10: its row and column each need a second withheld cell, and those a
     * fourth, the smallest ones that keep the totals: 20 (same row), 15 (same column), and
     * the corner 40; the totals stay published */
    const double v[MAXR][MAXC] = {{3, 20, 60}, {15, 40, 80}, {50, 70, 90}};
    grid g;
    ts_suppress *s = model(v, 3, 3, &g);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 10, &err) == TS_OK);
    T_CHECK(state(s, &g, 0, 0) == TS_CELL_PRIMARY);
    T_CHECK(ts_suppress_count(s, TS_CELL_PRIMARY) == 1);
    T_CHECK(state(s, &g, 0, 1) == TS_CELL_SECONDARY);
    T_CHECK(state(s, &g, 1, 0) == TS_CELL_SECONDARY);
    T_CHECK(state(s, &g, 1, 1) == TS_CELL_SECONDARY);
    T_CHECK(ts_suppress_count(s, TS_CELL_SECONDARY) == 3);
    for (size_t j = 0; j <= 3; j++)
        T_CHECK(state(s, &g, 3, j) == TS_CELL_PUBLISHED);
    T_CHECK(no_single(s, &g));
    ts_suppress_free(s);
}

static void test_min_cell_zero_suppresses_nothing(void)
{
    const double v[MAXR][MAXC] = {{0, 1}, {2, 50}};
    grid g;
    ts_suppress *s = model(v, 2, 2, &g);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 0, &err) == TS_OK);
    T_CHECK(ts_suppress_count(s, TS_CELL_PRIMARY) == 0 && ts_suppress_count(s, TS_CELL_SECONDARY) == 0);
    ts_suppress_free(s);
}

static void test_interval_wide_enough(void)
{
    /* 2 and 1 in one row: withheld together they could be told apart only to within the
     * room their partners leave; partners of at least 10 give every primary cell an interval
     * of at least min_cell */
    const double v[MAXR][MAXC] = {{2, 1, 40}, {30, 25, 35}, {12, 60, 45}};
    grid g;
    ts_suppress *s = model(v, 3, 3, &g);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 10, &err) == TS_OK);
    T_CHECK(state(s, &g, 0, 0) == TS_CELL_PRIMARY && state(s, &g, 0, 1) == TS_CELL_PRIMARY);
    T_CHECK(no_single(s, &g));
    /* each primary's column has a second withheld cell of at least 10 */
    for (size_t j = 0; j < 2; j++) {
        int partner = 0;
        for (size_t i = 1; i < 3; i++)
            partner |= state(s, &g, i, j) == TS_CELL_SECONDARY;
        T_CHECK(partner);
    }
    ts_suppress_free(s);
}

static void test_same_key_is_one_cell(void)
{
    ts_suppress *s = ts_suppress_new();
    long a = ts_suppress_cell(s, "lonely||c=1", 4, 1, 1), b = ts_suppress_cell(s, "lonely||c=1", 4, 1, 1);
    long u = ts_suppress_cell(s, "lonely|age=?|c=1", 0, 0, 0);
    T_CHECK(a == b && a >= 0 && u != a);
    T_CHECK(ts_suppress_state(s, (size_t)u) == TS_CELL_UNPUBLISHED);
    /* an unpublished cell published later (a margin another table shows) becomes a cell */
    long u2 = ts_suppress_cell(s, "lonely|age=?|c=1", 7, 0, 1);
    T_CHECK(u2 == u && ts_suppress_state(s, (size_t)u) == TS_CELL_PUBLISHED);
    /* many cells: the hash table grows */
    char key[32];
    long first = -1, again = -2;
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "v|d=%d|n", i);
        long c = ts_suppress_cell(s, key, i, 0, 1);
        if (i == 17)
            first = c;
    }
    again = ts_suppress_cell(s, "v|d=17|n", 17, 0, 1);
    T_CHECK(first == again);
    ts_suppress_free(s);
}

static void test_unpublished_remainder(void)
{
    /* domains 3 + 30 add up to 全体 40 with an unpublished remainder (respondents with the
     * domain variable missing): the remainder keeps 3 from being 40 − 30, yet 3 must still
     * not be alone in its column when the remainder is known to be small — here it is an
     * unknown, so the relation gives nothing away and nothing more is withheld */
    ts_suppress *s = ts_suppress_new();
    size_t d1 = (size_t)ts_suppress_cell(s, "a", 3, 0, 1), d2 = (size_t)ts_suppress_cell(s, "b", 30, 0, 1);
    size_t all = (size_t)ts_suppress_cell(s, "all", 40, 1, 1), rest = (size_t)ts_suppress_cell(s, "rest", 0, 0, 0);
    size_t t[4] = {d1, d2, all, rest};
    double k[4] = {1, 1, -1, 1};
    ts_suppress_relation(s, t, k, 4);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 10, &err) == TS_OK);
    T_CHECK(ts_suppress_state(s, d1) == TS_CELL_PRIMARY);
    T_CHECK(ts_suppress_count(s, TS_CELL_SECONDARY) == 0);
    ts_suppress_free(s);
}

static void test_rule_needs_a_category_partner(void)
{
    /* shares add up to 1 even when the domain's n is withheld: a rule over the categories
     * alone forces a second category, never the n */
    ts_suppress *s = ts_suppress_new();
    size_t c1 = (size_t)ts_suppress_cell(s, "c1", 2, 0, 1), c2 = (size_t)ts_suppress_cell(s, "c2", 40, 0, 1),
           c3 = (size_t)ts_suppress_cell(s, "c3", 50, 0, 1), n = (size_t)ts_suppress_cell(s, "n", 92, 1, 1);
    size_t t[4] = {c1, c2, c3, n};
    double k[4] = {1, 1, 1, -1};
    ts_suppress_relation(s, t, k, 4);
    ts_suppress_rule(s, t, 3);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 10, &err) == TS_OK);
    T_CHECK(ts_suppress_state(s, c1) == TS_CELL_PRIMARY);
    T_CHECK(ts_suppress_state(s, c2) == TS_CELL_SECONDARY); /* the smaller of the others */
    T_CHECK(ts_suppress_state(s, c3) == TS_CELL_PUBLISHED && ts_suppress_state(s, n) == TS_CELL_PUBLISHED);
    ts_suppress_free(s);
}

/* A census's zeros (ts_suppress_zero_safe): a 0 below min_cell is published, a 1 is not; by
 * default a 0 is primary like any small count. */
static void test_zero_safe(void)
{
    const double v[MAXR][MAXC] = {{0, 30, 40}, {20, 1, 50}, {25, 35, 45}};
    /* and with no small count besides it, a safe 0 is published */
    const double w[MAXR][MAXC] = {{0, 30}, {20, 50}};
    grid g0;
    ts_suppress *s0 = model(w, 2, 2, &g0);
    ts_err e0 = TS_ERR_INIT;
    ts_suppress_zero_safe(s0, 1);
    T_CHECK(ts_suppress_run(s0, 5, &e0) == TS_OK && ts_suppress_count(s0, TS_CELL_PUBLISHED) == 9);
    ts_suppress_free(s0);
    for (int safe = 0; safe <= 1; safe++) {
        grid g;
        ts_suppress *s = model(v, 3, 3, &g);
        ts_err err = TS_ERR_INIT;
        ts_suppress_zero_safe(s, safe);
        T_CHECK(ts_suppress_run(s, 5, &err) == TS_OK);
        /* (safe, the 0 may still be a partner of the 1: secondary, not primary) */
        T_CHECK(safe ? state(s, &g, 0, 0) != TS_CELL_PRIMARY : state(s, &g, 0, 0) == TS_CELL_PRIMARY);
        T_CHECK(state(s, &g, 1, 1) == TS_CELL_PRIMARY);
        T_CHECK(ts_suppress_count(s, TS_CELL_PRIMARY) == (safe ? 1u : 2u));
        T_CHECK(no_single(s, &g));
        ts_suppress_free(s);
    }
}

static void test_many_unknowns_in_one_interval(void)
{
    /* every body cell of a 6 × 6 table below 10: each interval's linear programme has all 36
     * unknowns in a row and a column relation, 72 entries, more than interval_of's first 64
     * (issue #19: its arrays grow, and a bound one short showed only here, under ASan) */
    double v[MAXR][MAXC];
    for (size_t i = 0; i < 6; i++)
        for (size_t j = 0; j < 6; j++)
            v[i][j] = (double)((i * 6 + j) % 9 + 1);
    grid g;
    ts_suppress *s = model((const double(*)[MAXC])v, 6, 6, &g);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 10, &err) == TS_OK);
    T_CHECK(ts_suppress_count(s, TS_CELL_PRIMARY) == 36);
    T_CHECK(no_single(s, &g));
    ts_suppress_free(s);
}

static void test_interval_partners_are_not_margins(void)
{
    /* 1, 3 and 7 below 10 in a 2 × 3 table: after the relations' own partners, the
     * intervals the published cells leave are still too narrow, and each widening partner is
     * a body cell — the whole body is withheld (three secondaries), every total published.
     * A margin is withheld only when no other partner is left (issue #19: with the margin
     * test of widening_partner inverted, seed 1319's mutant of lib/suppress.c:506, two column
     * totals were withheld as well) */
    const double v[MAXR][MAXC] = {{46, 1, 3}, {32, 20, 7}};
    grid g;
    ts_suppress *s = model(v, 2, 3, &g);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 10, &err) == TS_OK);
    T_CHECK(ts_suppress_count(s, TS_CELL_PRIMARY) == 3 && ts_suppress_count(s, TS_CELL_SECONDARY) == 3);
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 3; j++)
            T_CHECK(state(s, &g, i, j) != TS_CELL_PUBLISHED);
    for (size_t j = 0; j <= 3; j++)
        T_CHECK(state(s, &g, 2, j) == TS_CELL_PUBLISHED);
    for (size_t i = 0; i < 2; i++)
        T_CHECK(state(s, &g, i, 3) == TS_CELL_PUBLISHED);
    T_CHECK(no_single(s, &g));
    ts_suppress_free(s);
}

static void test_relation_too_long_refused(void)
{
    /* a relation of more terms than memory can index is refused (-1), the model unchanged:
     * its arrays' sizes would overflow, so nothing is allocated or copied (issue #19: seed
     * 1319's mutant of lib/suppress.c:150, return -0, said it was added) */
    ts_suppress *s = ts_suppress_new();
    size_t a = (size_t)ts_suppress_cell(s, "a", 3, 0, 1), c = (size_t)ts_suppress_cell(s, "c", 27, 0, 1),
           n = (size_t)ts_suppress_cell(s, "n", 30, 1, 1);
    size_t t[3] = {a, c, n};
    double k[3] = {1, 1, -1};
    T_CHECK(ts_suppress_relation(s, t, k, SIZE_MAX / 4) == -1);
    T_CHECK(ts_suppress_relation(s, t, k, 3) == 0);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 10, &err) == TS_OK);
    /* the one relation there is, a + c = n: 3 is primary, 27 its partner, the total published */
    T_CHECK(ts_suppress_state(s, a) == TS_CELL_PRIMARY && ts_suppress_state(s, c) == TS_CELL_SECONDARY);
    T_CHECK(ts_suppress_state(s, n) == TS_CELL_PUBLISHED);
    ts_suppress_free(s);
}

static void test_audit_needs_every_relation(void)
{
    /* 3 below 5 and an unpublished u: x + u = 13 (a margin), published in two tables, so the
     * same relation twice, then x + 7 = u. Each relation has two unknowns (pass one finds
     * nothing); only the third, past the group's two cells, determines x = 3, so the audit's
     * matrix needs a row per relation, three, not one per unknown: the audit withholds 7, the
     * partner that is not a margin, and 13 stays published (issue #19: seed 1319's mutant of
     * lib/suppress.c:291, r > nrel, counted no relation and sized the matrix by the unknowns;
     * this test fails with it, by hand) */
    ts_suppress *s = ts_suppress_new();
    size_t x = (size_t)ts_suppress_cell(s, "x", 3, 0, 1), u = (size_t)ts_suppress_cell(s, "u", 10, 0, 0),
           a = (size_t)ts_suppress_cell(s, "a", 13, 1, 1), p = (size_t)ts_suppress_cell(s, "p", 7, 0, 1);
    size_t t1[3] = {x, u, a}, t2[3] = {x, p, u};
    double k1[3] = {1, 1, -1}, k2[3] = {1, 1, -1};
    ts_suppress_relation(s, t1, k1, 3);
    ts_suppress_relation(s, t1, k1, 3);
    ts_suppress_relation(s, t2, k2, 3);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 5, &err) == TS_OK);
    T_CHECK(ts_suppress_state(s, x) == TS_CELL_PRIMARY && ts_suppress_state(s, u) == TS_CELL_UNPUBLISHED);
    T_CHECK(ts_suppress_state(s, p) == TS_CELL_SECONDARY && ts_suppress_state(s, a) == TS_CELL_PUBLISHED);
    T_CHECK(ts_suppress_count(s, TS_CELL_SECONDARY) == 1);
    ts_suppress_free(s);
}

/* The model of the two audit-partner tests: x = 3 (below 5), u = 27 unpublished, p = 40 a
 * body cell, n = 70 a margin, and the 24 (a margin when LATER_MARGIN); relations x + u + p = n
 * and x + 24 = u. The cells' indices into C: x, u, p, n, the 24. */
static ts_suppress *two_partner_model(int later_margin, size_t c[5])
{
    ts_suppress *s = ts_suppress_new();
    c[0] = (size_t)ts_suppress_cell(s, "x", 3, 0, 1);
    c[1] = (size_t)ts_suppress_cell(s, "u", 27, 0, 0);
    c[2] = (size_t)ts_suppress_cell(s, "p", 40, 0, 1);
    c[3] = (size_t)ts_suppress_cell(s, "n", 70, 1, 1);
    c[4] = (size_t)ts_suppress_cell(s, later_margin ? "m" : "q", 24, later_margin, 1);
    size_t t1[4] = {c[0], c[1], c[2], c[3]}, t2[3] = {c[0], c[4], c[1]};
    double k1[4] = {1, 1, 1, -1}, k2[3] = {1, 1, -1};
    ts_suppress_relation(s, t1, k1, 4);
    ts_suppress_relation(s, t2, k2, 3);
    return s;
}

static void test_audit_partner_not_a_margin(void)
{
    /* 3 below 5 and an unpublished u in two relations, x + u + 40 = 70 (70 a margin, 40 not)
     * and x + 24 = u (24 a margin): two unknowns in each, so pass one finds nothing, and
     * together they determine x. The audit's partner is the non-margin 40 of the first
     * relation, though the margin 24 of the later one is the smaller count: a margin only when
     * no other partner is on offer. With 40 withheld x can be anything from 0 to 23, so
     * nothing more is (issue #19: seed 1319's mutant of lib/suppress.c:379, || for && in the
     * audit's tie-break, took the smaller count whatever its kind and withheld 24 instead;
     * this test fails with it, by hand) */
    size_t c[5];
    ts_suppress *s = two_partner_model(1, c);
    size_t x = c[0], u = c[1], p = c[2], n = c[3], m = c[4];
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 5, &err) == TS_OK);
    T_CHECK(ts_suppress_state(s, x) == TS_CELL_PRIMARY && ts_suppress_state(s, u) == TS_CELL_UNPUBLISHED);
    T_CHECK(ts_suppress_state(s, p) == TS_CELL_SECONDARY && ts_suppress_state(s, m) == TS_CELL_PUBLISHED);
    T_CHECK(ts_suppress_state(s, n) == TS_CELL_PUBLISHED && ts_suppress_count(s, TS_CELL_SECONDARY) == 1);
    ts_suppress_free(s);
}

static void test_audit_partner_smallest(void)
{
    /* as test_audit_partner_not_a_margin, the later relation's partner a body cell: x + u + 40
     * = 70 and x + 24 = u, 40 and 24 neither of them margins. Of two partners of one kind the
     * audit takes the smaller count, 24, and x is then anything from 0 to 15 (issue #19: seed
     * 1319's mutant of lib/suppress.c:379:68, count[q] > count[best], survived the first two
     * tests; it withheld 40 and fails this one, by hand) */
    size_t c[5];
    ts_suppress *s = two_partner_model(0, c);
    size_t x = c[0], u = c[1], p = c[2], n = c[3], q = c[4];
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 5, &err) == TS_OK);
    T_CHECK(ts_suppress_state(s, x) == TS_CELL_PRIMARY && ts_suppress_state(s, u) == TS_CELL_UNPUBLISHED);
    T_CHECK(ts_suppress_state(s, q) == TS_CELL_SECONDARY && ts_suppress_state(s, p) == TS_CELL_PUBLISHED);
    T_CHECK(ts_suppress_state(s, n) == TS_CELL_PUBLISHED && ts_suppress_count(s, TS_CELL_SECONDARY) == 1);
    ts_suppress_free(s);
}

static void test_audit_unbounded_interval_needs_no_partner(void)
{
    /* x = 3 (below 5) and y = 30 published, their total n = 33 a margin no table publishes:
     * x + y - n = 0 leaves x anything from 0 up, so nothing more need be withheld. GLPK's
     * presolver reports that unbounded maximum as GLP_ENODFS, which interval_of took for a
     * failure (then the interval counts as too narrow) and withheld y needlessly (found by
     * helper H2 for issue #19) */
    ts_suppress *s = ts_suppress_new();
    size_t x = (size_t)ts_suppress_cell(s, "x", 3, 0, 1), y = (size_t)ts_suppress_cell(s, "y", 30, 0, 1),
           n = (size_t)ts_suppress_cell(s, "n", 33, 1, 0);
    size_t t[3] = {x, y, n};
    double k[3] = {1, 1, -1};
    ts_suppress_relation(s, t, k, 3);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 5, &err) == TS_OK);
    T_CHECK(ts_suppress_state(s, x) == TS_CELL_PRIMARY && ts_suppress_state(s, n) == TS_CELL_UNPUBLISHED);
    T_CHECK(ts_suppress_state(s, y) == TS_CELL_PUBLISHED && ts_suppress_count(s, TS_CELL_SECONDARY) == 0);
    ts_suppress_free(s);
}

/* The three relations of test_audit_one_partner_for_two (below) in S: x + y + a = n1,
 * x + u + b = n2, y + u + c = n3. Their cells in C, in the order x, y, u, a, b, c, n1, n2, n3. */
static void pairs_in_three_relations(ts_suppress *s, size_t c[9])
{
    static const char *const key[9] = {"x", "y", "u", "a", "b", "c", "n1", "n2", "n3"};
    static const double count[9] = {3, 4, 10, 30, 8, 9, 37, 21, 23};
    for (size_t i = 0; i < 9; i++)
        c[i] = (size_t)ts_suppress_cell(s, key[i], count[i], i >= 6, i != 2); /* u unpublished */
    size_t t1[4] = {c[0], c[1], c[3], c[6]}, t2[4] = {c[0], c[2], c[4], c[7]}, t3[4] = {c[1], c[2], c[5], c[8]};
    double k[4] = {1, 1, 1, -1};
    ts_suppress_relation(s, t1, k, 4);
    ts_suppress_relation(s, t2, k, 4);
    ts_suppress_relation(s, t3, k, 4);
}

static void test_audit_one_partner_for_two(void)
{
    /* 3 and 4 below 5 (x, y) and an unpublished u = 10, each pair in one relation of three
     * margins: x + y + 30 = 37, x + u + 8 = 21, y + u + 9 = 23 (30, 8 and 9 not margins). Two
     * unknowns in each relation, so pass one finds nothing; together they determine x and y.
     * The audit withholds one partner for x, the smallest of its relations, 8, and then x and
     * y are each anything from 0 to 7 (x = 7 - y, u = 7 + x, the 8 = 14 - 2x), so nothing
     * more is withheld. The interval audit, left to itself, takes a partner for each narrow
     * cell in one sweep: 8 for x and 9 for y, two cells where one does (issue #19: seed
     * 1319's mutant of lib/suppress.c:374, t > rel_start[r + 1], found no relation holding x,
     * so the audit withheld nothing and the interval audit withheld 8 and 9; this test fails
     * with it, by hand) */
    ts_suppress *s = ts_suppress_new();
    size_t cell[9];
    pairs_in_three_relations(s, cell);
    size_t x = cell[0], y = cell[1], u = cell[2], a = cell[3], b = cell[4], c = cell[5], n1 = cell[6], n2 = cell[7],
           n3 = cell[8];
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 5, &err) == TS_OK);
    T_CHECK(ts_suppress_state(s, x) == TS_CELL_PRIMARY && ts_suppress_state(s, y) == TS_CELL_PRIMARY);
    T_CHECK(ts_suppress_state(s, u) == TS_CELL_UNPUBLISHED && ts_suppress_state(s, b) == TS_CELL_SECONDARY);
    T_CHECK(ts_suppress_state(s, a) == TS_CELL_PUBLISHED && ts_suppress_state(s, c) == TS_CELL_PUBLISHED);
    T_CHECK(ts_suppress_state(s, n1) == TS_CELL_PUBLISHED && ts_suppress_state(s, n2) == TS_CELL_PUBLISHED &&
            ts_suppress_state(s, n3) == TS_CELL_PUBLISHED);
    T_CHECK(ts_suppress_count(s, TS_CELL_SECONDARY) == 1);
    ts_suppress_free(s);
}

static void test_audit_partner_from_own_relation(void)
{
    /* test_audit_one_partner_for_two's three relations and a fourth apart from them, d + e =
     * n4 with d = 6, e = 40 (no unknowns: nothing of it is withheld). The audit's partner for
     * the determined x comes from a relation that holds x, 8, never from another relation,
     * however small its cells: d stays published (issue #19: seed 2026's mutant of
     * lib/suppress.c:375, term_cell[t] != p, offered every relation's cells; it withheld 6,
     * which protects nothing, and then more; this test fails with it, by hand) */
    ts_suppress *s = ts_suppress_new();
    size_t cell[9];
    pairs_in_three_relations(s, cell);
    size_t a = cell[3], b = cell[4], c = cell[5], d = (size_t)ts_suppress_cell(s, "d", 6, 0, 1),
           e = (size_t)ts_suppress_cell(s, "e", 40, 0, 1), n4 = (size_t)ts_suppress_cell(s, "n4", 46, 1, 1);
    size_t t4[3] = {d, e, n4};
    double k4[3] = {1, 1, -1};
    ts_suppress_relation(s, t4, k4, 3);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 5, &err) == TS_OK);
    T_CHECK(ts_suppress_state(s, b) == TS_CELL_SECONDARY && ts_suppress_count(s, TS_CELL_SECONDARY) == 1);
    T_CHECK(ts_suppress_state(s, d) == TS_CELL_PUBLISHED && ts_suppress_state(s, e) == TS_CELL_PUBLISHED &&
            ts_suppress_state(s, n4) == TS_CELL_PUBLISHED);
    T_CHECK(ts_suppress_state(s, a) == TS_CELL_PUBLISHED && ts_suppress_state(s, c) == TS_CELL_PUBLISHED);
    ts_suppress_free(s);
}

static void interval_partner_of_exactly_min_cell(int b_first)
{
    ts_suppress *s = ts_suppress_new();
    size_t x = (size_t)ts_suppress_cell(s, "x", 3, 0, 1), u = (size_t)ts_suppress_cell(s, "u", 3, 0, 0), a, b;
    if (b_first) {
        b = (size_t)ts_suppress_cell(s, "b", 12, 0, 1);
        a = (size_t)ts_suppress_cell(s, "a", 10, 0, 1);
    } else {
        a = (size_t)ts_suppress_cell(s, "a", 10, 0, 1);
        b = (size_t)ts_suppress_cell(s, "b", 12, 0, 1);
    }
    size_t n = (size_t)ts_suppress_cell(s, "n", 28, 1, 1);
    size_t t[5] = {x, u, b_first ? b : a, b_first ? a : b, n};
    double k[5] = {1, 1, 1, 1, -1};
    ts_suppress_relation(s, t, k, 5);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 10, &err) == TS_OK);
    T_CHECK(ts_suppress_state(s, x) == TS_CELL_PRIMARY && ts_suppress_state(s, u) == TS_CELL_UNPUBLISHED);
    T_CHECK(ts_suppress_state(s, a) == TS_CELL_SECONDARY && ts_suppress_state(s, b) == TS_CELL_PUBLISHED);
    T_CHECK(ts_suppress_state(s, n) == TS_CELL_PUBLISHED && ts_suppress_count(s, TS_CELL_SECONDARY) == 1);
    ts_suppress_free(s);
}

static void test_interval_partner_of_exactly_min_cell(void)
{
    /* x = 3 below 10 and an unpublished u = 3 in one relation x + u + a + b = 28 with a = 10,
     * b = 12 (28 a margin). Two unknowns, so nothing determines x, but x lies in [0, 6], narrower
     * than 10: the interval audit withholds the smallest published count of at least 10 — a
     * = 10 itself, which widens x to [0, 16] — not b, whichever of the two it meets first
     * (issue #19: seed 2026's mutant of lib/suppress.c:510:66, count[best] >= need → >, took
     * a count equal to min_cell for too small and withheld 12; this test fails with it, and
     * with the same change of ok_c, by hand) */
    interval_partner_of_exactly_min_cell(0);
    interval_partner_of_exactly_min_cell(1);
}

static void test_interval_partner_not_a_zero(void)
{
    /* As interval_partner_of_exactly_min_cell, with a = 0 published under zero_safe (a 0 is no
     * small count) and b = 12: withholding the 0 widens nothing, so the partner is b and the
     * 0 stays published (issue #19: the harness's --only at lib/suppress.c:510:66 also tried
     * count[best] <= need, not drawn; it took the 0 as enough and then withheld both) */
    ts_suppress *s = ts_suppress_new();
    ts_suppress_zero_safe(s, 1);
    size_t x = (size_t)ts_suppress_cell(s, "x", 3, 0, 1), u = (size_t)ts_suppress_cell(s, "u", 3, 0, 0),
           a = (size_t)ts_suppress_cell(s, "a", 0, 0, 1), b = (size_t)ts_suppress_cell(s, "b", 12, 0, 1),
           n = (size_t)ts_suppress_cell(s, "n", 18, 1, 1);
    size_t t[5] = {x, u, a, b, n};
    double k[5] = {1, 1, 1, 1, -1};
    ts_suppress_relation(s, t, k, 5);
    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_suppress_run(s, 10, &err) == TS_OK);
    T_CHECK(ts_suppress_state(s, b) == TS_CELL_SECONDARY && ts_suppress_state(s, a) == TS_CELL_PUBLISHED);
    T_CHECK(ts_suppress_state(s, n) == TS_CELL_PUBLISHED && ts_suppress_count(s, TS_CELL_SECONDARY) == 1);
    ts_suppress_free(s);
}

int main(void)
{
    test_interval_partner_not_a_zero();
    test_audit_partner_from_own_relation();
    test_interval_partner_of_exactly_min_cell();
    test_audit_one_partner_for_two();
    test_audit_unbounded_interval_needs_no_partner();
    test_audit_needs_every_relation();
    test_audit_partner_not_a_margin();
    test_audit_partner_smallest();
    test_interval_partners_are_not_margins();
    test_relation_too_long_refused();
    test_many_unknowns_in_one_interval();
    test_zero_safe();
    test_nothing_small();
    test_one_small_cell_gets_a_rectangle();
    test_min_cell_zero_suppresses_nothing();
    test_interval_wide_enough();
    test_same_key_is_one_cell();
    test_unpublished_remainder();
    test_rule_needs_a_category_partner();
    T_DONE();
}
