/* suppress.c — see suppress.h. */
#include "suppress.h"

#include <gsl/gsl_errno.h>
#include <glpk.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "strbuf.h"

struct ts_suppress {
    size_t ncells, capcells;
    char **key;
    double *count;
    unsigned char *margin;
    unsigned char *state;       /* ts_cell_state */
    size_t *slot;               /* hash table of cell indices (SIZE_MAX: empty), nslots of them */
    size_t nslots;
    size_t nrel, caprel;
    size_t *rel_start;          /* relation r's terms are rel_start[r] .. rel_start[r+1]-1 */
    size_t nterms, capterms;
    size_t *term_cell;
    double *term_coef;
    unsigned char *rule;        /* per relation: 1 for a rule (ts_suppress_rule): not audited */
    size_t caprule;
    int zero_safe;              /* ts_suppress_zero_safe: a count of 0 is never primary */
};

ts_suppress *ts_suppress_new(void)
{
    ts_suppress *s = calloc(1, sizeof *s);
    if (s && !(s->rel_start = calloc(1, sizeof *s->rel_start))) {
        free(s);
        return NULL;
    }
    return s;
}

void ts_suppress_free(ts_suppress *s)
{
    if (!s)
        return;
    for (size_t c = 0; c < s->ncells; c++)
        free(s->key[c]);
    free(s->key);
    free(s->count);
    free(s->margin);
    free(s->state);
    free(s->slot);
    free(s->rel_start);
    free(s->term_cell);
    free(s->term_coef);
    free(s->rule);
    free(s);
}

static uint64_t hash(const char *k)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ULL;
    return h;
}

/* Rebuild the hash table with room for twice the cells. */
static int rehash(ts_suppress *s)
{
    size_t n = s->nslots ? s->nslots * 2 : 64;
    size_t *slot = malloc(n * sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < n; i++)
        slot[i] = SIZE_MAX;
    for (size_t c = 0; c < s->ncells; c++) {
        size_t i = (size_t)(hash(s->key[c]) & (n - 1));
        while (slot[i] != SIZE_MAX)
            i = (i + 1) & (n - 1);
        slot[i] = c;
    }
    free(s->slot);
    s->slot = slot;
    s->nslots = n;
    return 0;
}

long ts_suppress_cell(ts_suppress *s, const char *key, double count, int margin, int published)
{
    if (s->nslots) {
        for (size_t i = (size_t)(hash(key) & (s->nslots - 1)); s->slot[i] != SIZE_MAX; i = (i + 1) & (s->nslots - 1))
            if (strcmp(s->key[s->slot[i]], key) == 0) {
                size_t c = s->slot[i];
                if (published && s->state[c] == TS_CELL_UNPUBLISHED) {
                    s->state[c] = TS_CELL_PUBLISHED;
                    s->count[c] = count;
                }
                s->margin[c] |= margin != 0;
                return (long)c;
            }
    }
    if (2 * (s->ncells + 1) > s->nslots && rehash(s) != 0)
        return -1;
    if (s->ncells == s->capcells) {
        /* four arrays of one length: grown together, each from the same capacity */
        size_t cap = s->capcells, want = s->ncells + 1, c1 = cap, c2 = cap, c3 = cap, c4 = cap;
        char **k = ts_grow(s->key, &c1, want, sizeof *s->key, 64);
        if (k)
            s->key = k;
        double *n = k ? ts_grow(s->count, &c2, want, sizeof *s->count, 64) : NULL;
        if (n)
            s->count = n;
        unsigned char *mg = n ? ts_grow(s->margin, &c3, want, 1, 64) : NULL;
        if (mg)
            s->margin = mg;
        unsigned char *st = mg ? ts_grow(s->state, &c4, want, 1, 64) : NULL;
        if (st)
            s->state = st;
        if (!st)
            return -1;
        s->capcells = c1 < c2 ? c1 : c2;
    }
    size_t c = s->ncells;
    if (!(s->key[c] = ts_strdup(key)))
        return -1;
    s->count[c] = count;
    s->margin[c] = margin != 0;
    s->state[c] = published ? TS_CELL_PUBLISHED : TS_CELL_UNPUBLISHED;
    s->ncells++;
    size_t i = (size_t)(hash(key) & (s->nslots - 1));
    while (s->slot[i] != SIZE_MAX)
        i = (i + 1) & (s->nslots - 1);
    s->slot[i] = c;
    return (long)c;
}

int ts_suppress_relation(ts_suppress *s, const size_t *cells, const double *coef, size_t n)
{
    size_t c1 = s->capterms, c2 = s->capterms, c3 = s->caprel ? s->caprel : 1;
    size_t *tc = ts_grow(s->term_cell, &c1, s->nterms + n, sizeof *s->term_cell, 256);
    if (tc)
        s->term_cell = tc;
    double *tk = tc ? ts_grow(s->term_coef, &c2, s->nterms + n, sizeof *s->term_coef, 256) : NULL;
    if (tk)
        s->term_coef = tk;
    size_t *rs = tk ? ts_grow(s->rel_start, &c3, s->nrel + 2, sizeof *s->rel_start, 64) : NULL;
    if (!rs)
        return -1;
    s->rel_start = rs;
    s->capterms = c1 < c2 ? c1 : c2;
    s->caprel = c3;
    size_t c4 = s->caprule;
    unsigned char *ru = ts_grow(s->rule, &c4, s->nrel + 1, 1, 64);
    if (!ru)
        return -1;
    s->rule = ru;
    s->caprule = c4;
    memcpy(s->term_cell + s->nterms, cells, n * sizeof *cells);
    memcpy(s->term_coef + s->nterms, coef, n * sizeof *coef);
    s->nterms += n;
    s->rule[s->nrel] = 0;
    s->rel_start[++s->nrel] = s->nterms;
    return 0;
}

int ts_suppress_rule(ts_suppress *s, const size_t *cells, size_t n)
{
    double *one = malloc((n ? n : 1) * sizeof *one);
    if (!one)
        return -1;
    for (size_t k = 0; k < n; k++)
        one[k] = 1;
    int rc = ts_suppress_relation(s, cells, one, n);
    free(one);
    if (rc == 0)
        s->rule[s->nrel - 1] = 1;
    return rc;
}

ts_cell_state ts_suppress_state(const ts_suppress *s, size_t cell) { return (ts_cell_state)s->state[cell]; }

size_t ts_suppress_count(const ts_suppress *s, ts_cell_state state)
{
    size_t n = 0;
    for (size_t c = 0; c < s->ncells; c++)
        n += s->state[c] == state;
    return n;
}

static int unknown(const ts_suppress *s, size_t c) { return s->state[c] != TS_CELL_PUBLISHED; }

/* The published cell of relation R to withhold as the partner of its unknowns: the smallest
 * count that is not a margin, else the smallest margin (a total withheld hides most).
 * SIZE_MAX when every cell of R is unknown already. */
static size_t partner_in(const ts_suppress *s, size_t r, int *is_margin)
{
    size_t best = SIZE_MAX;
    for (size_t t = s->rel_start[r]; t < s->rel_start[r + 1]; t++) {
        size_t c = s->term_cell[t];
        if (unknown(s, c) || s->term_coef[t] == 0)
            continue;
        if (best == SIZE_MAX || s->margin[c] < s->margin[best] ||
            (s->margin[c] == s->margin[best] && s->count[c] < s->count[best]))
            best = c;
    }
    if (best != SIZE_MAX)
        *is_margin = s->margin[best];
    return best;
}

/* Pass one: every relation with exactly one unknown gets a partner. Returns the number of
 * cells withheld. */
static size_t single_unknowns(ts_suppress *s)
{
    size_t added = 0;
    for (size_t r = 0; r < s->nrel; r++) {
        size_t unknowns = 0, withheld = 0;
        for (size_t t = s->rel_start[r]; t < s->rel_start[r + 1]; t++)
            if (s->term_coef[t] != 0 && unknown(s, s->term_cell[t])) {
                unknowns++;
                withheld += s->state[s->term_cell[t]] != TS_CELL_UNPUBLISHED;
            }
        /* an unpublished cell given away is no published cell recovered */
        if (unknowns != 1 || withheld != 1)
            continue;
        int m;
        size_t p = partner_in(s, r, &m);
        if (p != SIZE_MAX) {
            s->state[p] = TS_CELL_SECONDARY;
            added++;
        }
    }
    return added;
}

static size_t find_root(size_t *parent, size_t x)
{
    while (parent[x] != x)
        x = parent[x] = parent[parent[x]];
    return x;
}

/* Link the unknown cells that share a relation (rules aside: they bind shares, not counts)
 * into groups: PARENT (one per cell) becomes a union-find forest over them. */
static void link_unknowns(const ts_suppress *s, size_t *parent)
{
    for (size_t c = 0; c < s->ncells; c++)
        parent[c] = c;
    for (size_t r = 0; r < s->nrel; r++) {
        if (s->rule[r])
            continue;
        size_t first = SIZE_MAX;
        for (size_t t = s->rel_start[r]; t < s->rel_start[r + 1]; t++) {
            size_t c = s->term_cell[t];
            if (s->term_coef[t] == 0 || !unknown(s, c))
                continue;
            if (first == SIZE_MAX)
                first = c;
            else
                parent[find_root(parent, c)] = find_root(parent, first);
        }
    }
}

/* The unknown cells of the group ROOT into GROUP (their number returned), each cell's place
 * in it into COL_OF (SIZE_MAX: not in it), and how many of them are primary into *PRIMARIES. */
static size_t gather_group(const ts_suppress *s, size_t *parent, size_t root, size_t *group, size_t *col_of,
                           size_t *primaries)
{
    size_t m = 0;
    *primaries = 0;
    for (size_t c = 0; c < s->ncells; c++)
        if (unknown(s, c) && find_root(parent, c) == root) {
            col_of[c] = m;
            group[m++] = c;
            *primaries += s->state[c] == TS_CELL_PRIMARY;
        } else
            col_of[c] = SIZE_MAX;
    return m;
}

/* Of the unknown cells of one connected group (GROUP: their indices, N of them), the first
 * primary cell the relations determine, or SIZE_MAX: the unit vector e_j lies in the row
 * space of the relations restricted to the unknowns exactly when every vector of their null
 * space is 0 at j. -2 (as *ST) when memory runs out. */
static size_t determined_in(const ts_suppress *s, const size_t *group, size_t n, const size_t *col_of, int *st)
{
    size_t m = 0;
    for (size_t r = 0; r < s->nrel; r++)
        for (size_t t = s->rel_start[r]; t < s->rel_start[r + 1] && !s->rule[r]; t++)
            if (s->term_coef[t] != 0 && col_of[s->term_cell[t]] < n && group[col_of[s->term_cell[t]]] == s->term_cell[t]) {
                m++;
                break;
            }
    size_t rows = m > n ? m : n;
    gsl_matrix *a = gsl_matrix_calloc(rows, n), *v = gsl_matrix_alloc(n, n);
    gsl_vector *sv = gsl_vector_alloc(n), *work = gsl_vector_alloc(n);
    size_t found = SIZE_MAX;
    if (!a || !v || !sv || !work) {
        *st = -2;
        goto done;
    }
    size_t row = 0;
    for (size_t r = 0; r < s->nrel; r++) {
        if (s->rule[r])
            continue;
        int used = 0;
        for (size_t t = s->rel_start[r]; t < s->rel_start[r + 1]; t++) {
            size_t c = s->term_cell[t], j = col_of[c];
            if (s->term_coef[t] != 0 && j < n && group[j] == c) {
                *gsl_matrix_ptr(a, row, j) += s->term_coef[t];
                used = 1;
            }
        }
        row += used;
    }
    gsl_linalg_SV_decomp(a, v, sv, work);
    double smax = gsl_vector_get(sv, 0), tol = 1e-10 * (smax > 0 ? smax : 1);
    for (size_t j = 0; j < n && found == SIZE_MAX; j++) {
        if (s->state[group[j]] != TS_CELL_PRIMARY)
            continue;
        double free_part = 0;
        for (size_t k = 0; k < n; k++)
            if (gsl_vector_get(sv, k) <= tol)
                free_part += gsl_matrix_get(v, j, k) * gsl_matrix_get(v, j, k);
        if (free_part < 1e-16)
            found = group[j];
    }
done:
    gsl_matrix_free(a);
    gsl_matrix_free(v);
    gsl_vector_free(sv);
    gsl_vector_free(work);
    return found;
}

/* Pass two: the audit. Groups the unknown cells by the relations that link them; in each
 * group with a primary cell, a primary cell the whole system determines gets a partner from
 * one of its relations. Returns the cells withheld (0: every primary cell is protected), or
 * SIZE_MAX when memory runs out. */
static size_t audit(ts_suppress *s)
{
    size_t n = s->ncells, added = 0;
    size_t *parent = malloc((n ? n : 1) * sizeof *parent), *col_of = malloc((n ? n : 1) * sizeof *col_of),
           *group = malloc((n ? n : 1) * sizeof *group);
    if (!parent || !col_of || !group) {
        added = SIZE_MAX;
        goto done;
    }
    link_unknowns(s, parent);
    for (size_t root = 0; root < n && !added; root++) {
        if (find_root(parent, root) != root)
            continue;
        size_t primaries = 0, m = gather_group(s, parent, root, group, col_of, &primaries);
        if (!primaries)
            continue;
        int st = 0;
        size_t p = determined_in(s, group, m, col_of, &st);
        if (st) {
            added = SIZE_MAX;
            break;
        }
        if (p == SIZE_MAX)
            continue;
        /* a partner from the relation of P with the best one on offer */
        size_t best = SIZE_MAX;
        int best_margin = 1;
        for (size_t r = 0; r < s->nrel; r++) {
            if (s->rule[r])
                continue;
            int has = 0;
            for (size_t t = s->rel_start[r]; t < s->rel_start[r + 1] && !has; t++)
                has = s->term_cell[t] == p && s->term_coef[t] != 0;
            int mg;
            size_t q = has ? partner_in(s, r, &mg) : SIZE_MAX;
            if (q != SIZE_MAX && (best == SIZE_MAX || mg < best_margin ||
                                  (mg == best_margin && s->count[q] < s->count[best]))) {
                best = q;
                best_margin = mg;
            }
        }
        if (best != SIZE_MAX) {
            s->state[best] = TS_CELL_SECONDARY;
            added = 1;
        }
    }
done:
    free(parent);
    free(col_of);
    free(group);
    return added;
}

/* The interval a reader can narrow unknown cell P down to, from every relation and the
 * counts being ≥ 0: min and max of P over the unknowns of P's group (GROUP, N cells; COL_OF
 * maps a cell to its column) subject to the relations (R: the attacker of
 * tests/privacy/attack.R does the same with lpSolve). GLPK's simplex, twice. Returns 0, -1
 * when GLPK fails (then the interval is taken as too narrow), -2 when memory runs out. */
static int interval_of(const ts_suppress *s, size_t p, const size_t *group, size_t n, const size_t *col_of,
                       double *lo, double *hi)
{
    glp_prob *lp = glp_create_prob();
    size_t cap = 64, nz = 0;
    int *ia = malloc((cap + 1) * sizeof *ia), *ja = malloc((cap + 1) * sizeof *ja);
    double *ar = malloc((cap + 1) * sizeof *ar);
    int rc = ia && ja && ar ? 0 : -2;
    glp_add_cols(lp, (int)n);
    for (size_t j = 0; j < n; j++)
        glp_set_col_bnds(lp, (int)j + 1, GLP_LO, 0, 0);
    int row = 0;
    for (size_t r = 0; r < s->nrel && rc == 0; r++) {
        if (s->rule[r])
            continue;
        double rhs = 0;
        size_t first_nz = nz;
        for (size_t t = s->rel_start[r]; t < s->rel_start[r + 1]; t++) {
            size_t c = s->term_cell[t], j = col_of[c];
            if (s->term_coef[t] == 0)
                continue;
            if (!unknown(s, c)) {
                rhs -= s->term_coef[t] * s->count[c];
                continue;
            }
            if (j >= n || group[j] != c)
                continue;
            /* a cell twice in one relation: one entry (GLPK refuses duplicate indices) */
            size_t q = first_nz + 1;
            while (q <= nz && ja[q] != (int)j + 1)
                q++;
            if (q <= nz) {
                ar[q] += s->term_coef[t];
                continue;
            }
            if (nz + 1 >= cap) {
                cap *= 2;
                int *ni = realloc(ia, (cap + 1) * sizeof *ia), *nj = ni ? realloc(ja, (cap + 1) * sizeof *ja) : NULL;
                if (ni)
                    ia = ni;
                if (nj)
                    ja = nj;
                double *na = nj ? realloc(ar, (cap + 1) * sizeof *ar) : NULL;
                if (!na) {
                    rc = -2;
                    break;
                }
                ar = na;
            }
            nz++;
            ia[nz] = row + 1;
            ja[nz] = (int)j + 1;
            ar[nz] = s->term_coef[t];
        }
        if (nz == first_nz)
            continue; /* no unknown of this group */
        glp_add_rows(lp, 1);
        glp_set_row_bnds(lp, ++row, GLP_FX, rhs, rhs);
    }
    if (rc == 0 && row > 0)
        glp_load_matrix(lp, (int)nz, ia, ja, ar);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_ON;
    for (int dir = 0; dir < 2 && rc == 0; dir++) {
        glp_set_obj_coef(lp, (int)col_of[p] + 1, 1);
        glp_set_obj_dir(lp, dir ? GLP_MAX : GLP_MIN);
        int ret = glp_simplex(lp, &parm);
        int status = glp_get_status(lp);
        /* With the presolver on, an unbounded maximum comes back as GLP_ENODFS (no dual
         * feasible solution) and no status is set; the published counts themselves are a
         * feasible point, so that is a P with no upper bound (the minimum is bounded by 0). */
        if (dir && ret == GLP_ENODFS)
            *hi = INFINITY;
        else if (ret != 0 || (status != GLP_OPT && status != GLP_UNBND))
            rc = -1;
        else if (dir)
            *hi = status == GLP_UNBND ? INFINITY : glp_get_obj_val(lp);
        else
            *lo = glp_get_obj_val(lp);
    }
    glp_delete_prob(lp);
    free(ia);
    free(ja);
    free(ar);
    return rc;
}

/* The partner that widens primary cell P's interval most cheaply: a published cell of one of
 * P's relations, not a margin if one is on offer, the smallest count of at least NEED (else
 * the largest). SIZE_MAX: none left. */
static size_t widening_partner(const ts_suppress *s, size_t p, double need)
{
    size_t best = SIZE_MAX;
    for (size_t r = 0; r < s->nrel; r++) {
        if (s->rule[r])
            continue;
        int has = 0;
        for (size_t t = s->rel_start[r]; t < s->rel_start[r + 1] && !has; t++)
            has = s->term_cell[t] == p && s->term_coef[t] != 0;
        for (size_t t = s->rel_start[r]; has && t < s->rel_start[r + 1]; t++) {
            size_t c = s->term_cell[t];
            if (unknown(s, c) || s->term_coef[t] == 0)
                continue;
            if (best == SIZE_MAX) {
                best = c;
                continue;
            }
            int ok_c = s->count[c] >= need, ok_b = s->count[best] >= need;
            if (s->margin[c] != s->margin[best] ? s->margin[c] < s->margin[best]
                : ok_c != ok_b                  ? ok_c
                : ok_c                          ? s->count[c] < s->count[best]
                                                : s->count[c] > s->count[best])
                best = c;
        }
    }
    return best;
}

/* Pass three: every primary cell's interval must be at least MIN_CELL wide, so that a reader
 * cannot tell how small it is (a cell of 3 might be anything from 0 to 10 or more). Returns
 * the cells withheld, or SIZE_MAX when memory runs out. */
static size_t interval_audit(ts_suppress *s, long min_cell)
{
    size_t n = s->ncells, added = 0;
    size_t *parent = malloc((n ? n : 1) * sizeof *parent), *col_of = malloc((n ? n : 1) * sizeof *col_of),
           *group = malloc((n ? n : 1) * sizeof *group);
    unsigned char *add = calloc(n ? n : 1, 1);
    if (!parent || !col_of || !group || !add) {
        added = SIZE_MAX;
        goto done;
    }
    link_unknowns(s, parent);
    for (size_t p = 0; p < n; p++) {
        if (s->state[p] != TS_CELL_PRIMARY)
            continue;
        size_t primaries, m = gather_group(s, parent, find_root(parent, p), group, col_of, &primaries);
        double lo = 0, hi = 0;
        int rc = interval_of(s, p, group, m, col_of, &lo, &hi);
        if (rc == -2) {
            added = SIZE_MAX;
            goto done;
        }
        if (rc == 0 && hi - lo >= (double)min_cell - 1e-9)
            continue;
        size_t q = widening_partner(s, p, (double)min_cell);
        if (q != SIZE_MAX)
            add[q] = 1;
    }
    for (size_t c = 0; c < n; c++)
        if (add[c]) {
            s->state[c] = TS_CELL_SECONDARY;
            added++;
        }
done:
    free(parent);
    free(col_of);
    free(group);
    free(add);
    return added;
}

void ts_suppress_zero_safe(ts_suppress *s, int safe)
{
    s->zero_safe = safe != 0;
}

ts_status ts_suppress_run(ts_suppress *s, long min_cell, ts_err *err)
{
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    for (size_t c = 0; c < s->ncells; c++)
        if (s->state[c] == TS_CELL_PUBLISHED && min_cell > 0 && s->count[c] < (double)min_cell &&
            !(s->zero_safe && s->count[c] == 0))
            s->state[c] = TS_CELL_PRIMARY;
    ts_status st = TS_OK;
    if (ts_suppress_count(s, TS_CELL_PRIMARY) > 0)
        for (;;) {
            if (single_unknowns(s) > 0)
                continue;
            size_t added = audit(s);
            if (added == 0)
                added = interval_audit(s, min_cell);
            if (added == SIZE_MAX)
                st = ts_err_set(err, TS_E_NOMEM, "out of memory");
            if (added == 0 || added == SIZE_MAX)
                break;
        }
    gsl_set_error_handler(old);
    return st;
}
