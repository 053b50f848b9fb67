/* replicates.c — tsunagari-weight's replicate weights ([design] variance; docs/estimation.md,
 * "Replicate weights"): made from the design's strata and PSUs as R survey 4.1.1's
 * as.svrepdesign makes them (jk1weights, jknweights, bootweights, brrweights), or taken from
 * the columns supplied with the data. Each replicate starts as its multipliers times the design
 * weight (base × nonresponse: the weights R's as.svrepdesign would be given); calibrate.c then
 * recalibrates every replicate to the same margins as the full sample (R: rake, postStratify,
 * calibrate on the svyrep.design) and trim.c trims them with the same bounds; run.c stores
 * them as repw_1 .. repw_R (lib/weight.c). */
#include "wctx.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replicate.h"

/* The first-stage units of the rows in the design, in R's order: strata and PSUs numbered by
 * first appearance (R's unique()). */
typedef struct {
    size_t npsu, nstrata;
    size_t *psu;          /* per row: its PSU, SIZE_MAX when not in the design */
    size_t *psu_stratum;  /* per PSU */
    size_t *psu_first;    /* per PSU: its first row */
    size_t *n_h;          /* per stratum: PSUs */
    double *N_h;          /* per stratum: the population of PSUs (fpc), NAN without */
    int64_t *code;        /* per stratum: the stratum variable's code (0 when unstratified) */
} units;

static void units_free(units *u)
{
    free(u->psu);
    free(u->psu_stratum);
    free(u->psu_first);
    free(u->n_h);
    free(u->N_h);
    free(u->code);
}

/* Dense numbering of 64-bit key pairs by first appearance, through an open-addressing hash. */
typedef struct {
    size_t cap, n;
    int64_t *a, *b;
    size_t *id;
} keymap;

static size_t key_get(keymap *m, int64_t a, int64_t b)
{
    uint64_t h = ((uint64_t)a * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)b + 0x632BE59BD9B4E019ULL);
    h ^= h >> 29;
    for (size_t k = (size_t)h & (m->cap - 1);; k = (k + 1) & (m->cap - 1)) {
        if (m->id[k] == SIZE_MAX) {
            m->a[k] = a;
            m->b[k] = b;
            m->id[k] = m->n++;
            return m->id[k];
        }
        if (m->a[k] == a && m->b[k] == b)
            return m->id[k];
    }
}

static ts_status find_units(const wctx *c, units *u, ts_err *err)
{
    size_t n = c->n, cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    keymap sm = {cap, 0, malloc(cap * sizeof(int64_t)), malloc(cap * sizeof(int64_t)), malloc(cap * sizeof(size_t))};
    keymap pm = {cap, 0, malloc(cap * sizeof(int64_t)), malloc(cap * sizeof(int64_t)), malloc(cap * sizeof(size_t))};
    u->psu = malloc((n ? n : 1) * sizeof *u->psu);
    u->psu_stratum = malloc((n ? n : 1) * sizeof *u->psu_stratum);
    u->psu_first = malloc((n ? n : 1) * sizeof *u->psu_first);
    u->n_h = calloc(n ? n : 1, sizeof *u->n_h);
    u->N_h = malloc((n ? n : 1) * sizeof *u->N_h);
    u->code = malloc((n ? n : 1) * sizeof *u->code);
    ts_status st = TS_OK;
    if (!sm.a || !sm.b || !sm.id || !pm.a || !pm.b || !pm.id || !u->psu || !u->psu_stratum ||
        !u->psu_first || !u->n_h || !u->N_h || !u->code)
        st = wctx_nomem(err);
    for (size_t k = 0; st == TS_OK && k < cap; k++)
        sm.id[k] = pm.id[k] = SIZE_MAX;
    for (size_t i = 0; st == TS_OK && i < n; i++) {
        u->psu[i] = SIZE_MAX;
        if (!c->in[i] || !(c->w[i] > 0))
            continue;
        int64_t s = c->strata ? ts_var_int(c->strata, i) : 0;
        size_t h = key_get(&sm, s, 0);
        if (h == u->nstrata) {
            u->code[h] = s;
            u->N_h[h] = c->fpc ? c->fpc[i] : NAN;
            u->nstrata++;
        }
        /* without clusters every respondent is a PSU (R: cluster = ~1, the rows) */
        size_t p = key_get(&pm, s, c->cluster ? ts_var_int(c->cluster, i) : (int64_t)i);
        if (p == u->npsu) {
            u->psu_stratum[p] = h;
            u->psu_first[p] = i;
            u->n_h[h]++;
            u->npsu++;
        }
        u->psu[i] = p;
    }
    free(sm.a);
    free(sm.b);
    free(sm.id);
    free(pm.a);
    free(pm.b);
    free(pm.id);
    return st;
}

/* "area = 2 (南)" for messages. */
static void stratum_name(const wctx *c, const units *u, size_t h, ts_strbuf *out)
{
    if (!c->strata) {
        ts_strbuf_append_str(out, "the sample");
        return;
    }
    const ts_var *v = c->strata;
    long k = ts_var_code_index(v, u->code[h]);
    ts_strbuf_printf(out, "stratum %s = %" PRId64, v->name, u->code[h]);
    if (k >= 0 && v->codes[k].label)
        ts_strbuf_printf(out, " (%s)", v->codes[k].label);
}

static ts_status refuse(const wctx *c, ts_err *err, const char *fmt, const char *a, const char *b)
{
    ts_strbuf at = TS_STRBUF_INIT, msg = TS_STRBUF_INIT;
    wctx_where(c, "design", "variance", &at);
    ts_strbuf_printf(&msg, fmt, a ? a : "", b ? b : "");
    ts_err_set(err, TS_E_DATA, "%s: %s", at.data ? at.data : "", msg.data ? msg.data : "");
    ts_strbuf_free(&at);
    ts_strbuf_free(&msg);
    return TS_E_DATA;
}

/* ---- the generator of the bootstrap ---------------------------------------------------- */
/* xoshiro256** (Blackman & Vigna 2018), its state seeded by splitmix64 from [design] seed;
 * uniform integers below N by Lemire's multiply-and-reject (2019), so that a seed gives the
 * same replicates on every platform. */
typedef struct { uint64_t s[4]; } rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *g)
{
    uint64_t *s = g->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

/* Uniform in 0 .. N-1 (N >= 1). */
static uint64_t rng_below(rng *g, uint64_t n)
{
    for (;;) {
        uint64_t x = rng_next(g);
        unsigned __int128 m = (unsigned __int128)x * n;
        uint64_t l = (uint64_t)m;
        if (l >= n || l >= (uint64_t)(-n) % n)
            return (uint64_t)(m >> 64);
    }
}

/* ---- the replicates --------------------------------------------------------------------- */

/* Multipliers (n × R, replicate r at m + r*n) of the JK1 jackknife: one replicate per PSU,
 * that PSU 0 and every other n/(n−1) (R: jk1weights); scale (1 − n/N)(n − 1)/n. */
static ts_status make_jk1(wctx *c, const units *u, double **mult, size_t *nrep, ts_err *err)
{
    if (c->strata)
        return refuse(c, err, "jk1 on a stratified sample: the jackknife of a stratified design is jkn (R: \"Can't use "
                      "JK1 for a stratified design\")%s%s", NULL, NULL);
    size_t n = u->npsu, N = c->n;
    double f = isnan(u->N_h[0]) ? 1 : (u->N_h[0] - (double)n) / u->N_h[0];
    if (n < 2)
        return refuse(c, err, "jk1 needs at least 2 PSUs%s%s", NULL, NULL);
    if (f == 0)
        return refuse(c, err, "jk1: every PSU of the population is in the sample (fpc), so no replicate varies%s%s",
                      NULL, NULL);
    if (!(*mult = calloc(N ? N * n : 1, sizeof **mult)))
        return wctx_nomem(err);
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < N; i++)
            if (u->psu[i] != SIZE_MAX)
                (*mult)[r * N + i] = u->psu[i] == r ? 0 : (double)n / (double)(n - 1);
    *nrep = n;
    c->design.replicate_scale = f * (double)(n - 1) / (double)n;
    return TS_OK;
}

/* JKn: within each stratum (in order) one replicate per PSU, that PSU 0, the stratum's others
 * n_h/(n_h − 1), every other stratum 1; rscale (1 − n_h/N_h)(n_h − 1)/n_h, scale 1. A stratum
 * taken whole (N_h = n_h) gets no replicate (R's survey.drop.replicates); one with a single
 * PSU follows [design] lonely_psu as R's jknweights does. */
static ts_status make_jkn(wctx *c, const units *u, double **mult, size_t *nrep, double **rscales, ts_err *err)
{
    if (!c->strata)
        return refuse(c, err, "jkn needs strata ([design] strata); an unstratified sample's jackknife is jk1 (R: \"Must "
                      "use JK1 or bootstrap for an unstratified design\")%s%s", NULL, NULL);
    size_t N = c->n, H = u->nstrata, R = 0;
    if (!(*mult = calloc(N ? N * (u->npsu + 1) : 1, sizeof **mult)) ||
        !(*rscales = malloc((u->npsu + 1) * sizeof **rscales)))
        return wctx_nomem(err);
    for (size_t h = 0; h < H; h++) {
        double nh = (double)u->n_h[h], f = isnan(u->N_h[h]) ? 1 : (u->N_h[h] - nh) / u->N_h[h];
        if (f == 0)
            continue;
        if (u->n_h[h] == 1) {
            if (c->design.lonely_psu == TS_LONELY_FAIL) {
                ts_strbuf s = TS_STRBUF_INIT;
                stratum_name(c, u, h, &s);
                ts_status st = refuse(c, err, "jkn: %s has a single PSU, which cannot be left out of its stratum (R: "
                                      "\"Stratum has only one PSU\"; [design] lonely_psu = remove, certainty or "
                                      "adjust says what to do with it)%s", s.data, NULL);
                ts_strbuf_free(&s);
                return st;
            }
            if (c->design.lonely_psu != TS_LONELY_ADJUST)
                continue;
            /* R's adjust: the stratum out, every other row H/(H − 1) */
            double *m = *mult + R * N;
            for (size_t i = 0; i < N; i++)
                m[i] = u->psu[i] == SIZE_MAX ? 0 : u->psu_stratum[u->psu[i]] == h ? 0 : (double)H / (double)(H - 1);
            (*rscales)[R++] = (double)(H - 1) / (double)H;
            continue;
        }
        for (size_t p = 0; p < u->npsu; p++) {
            if (u->psu_stratum[p] != h)
                continue;
            double *m = *mult + R * N;
            for (size_t i = 0; i < N; i++)
                m[i] = u->psu[i] == SIZE_MAX ? 0
                       : u->psu[i] == p ? 0
                       : u->psu_stratum[u->psu[i]] == h ? nh / (nh - 1)
                                                       : 1;
            (*rscales)[R++] = f * (nh - 1) / nh;
        }
    }
    if (R == 0)
        return refuse(c, err, "jkn: every stratum was taken whole (fpc) or left out, so no replicate varies (R: \"All "
                      "strata were exhaustively sampled\")%s%s", NULL, NULL);
    *nrep = R;
    c->design.replicate_scale = 1;
    return TS_OK;
}

/* The bootstrap of R's bootweights (Canty & Davison 1999's rescaled bootstrap as survey
 * does it): in each stratum, for each replicate, n_h draws of its PSUs with replacement — with
 * an fpc, n_h draws without replacement from the stratum's PSUs repeated to N_h — the
 * multiplier of a PSU its number of draws; scale n̄/((n̄ − 1)(R − 1)), n̄ the harmonic mean of
 * the n_h. Random numbers from tsunagari's own generator (above), not R's. */
static ts_status make_bootstrap(wctx *c, const units *u, double **mult, size_t *nrep, ts_err *err)
{
    size_t N = c->n, R = c->design.replicates, H = u->nstrata;
    double inv = 0;
    for (size_t h = 0; h < H; h++)
        inv += 1 / (double)u->n_h[h];
    double nbar = (double)H / inv;
    if (!(nbar > 1))
        return refuse(c, err, "bootstrap: every stratum has a single PSU, so every replicate is the sample itself%s%s",
                      NULL, NULL);
    size_t *count = malloc((u->npsu ? u->npsu : 1) * sizeof *count), *members = malloc((u->npsu ? u->npsu : 1) * sizeof *members);
    double *m = calloc(N && R ? N * R : 1, sizeof *m);
    if (!count || !members || !m) {
        free(count);
        free(members);
        free(m);
        return wctx_nomem(err);
    }
    uint64_t seed = c->design.seed;
    rng g;
    for (int k = 0; k < 4; k++)
        g.s[k] = splitmix64(&seed);
    ts_status st = TS_OK;
    for (size_t h = 0; h < H && st == TS_OK; h++) {
        size_t nh = 0;
        for (size_t p = 0; p < u->npsu; p++)
            if (u->psu_stratum[p] == h)
                members[nh++] = p;
        double Nh = u->N_h[h];
        if (!isnan(Nh) && Nh < (double)nh) {
            ts_strbuf s = TS_STRBUF_INIT;
            stratum_name(c, u, h, &s);
            st = refuse(c, err, "bootstrap: %s has a population (fpc) smaller than its sample%s", s.data, NULL);
            ts_strbuf_free(&s);
            break;
        }
        for (size_t r = 0; r < R; r++) {
            for (size_t k = 0; k < nh; k++)
                count[members[k]] = 0;
            if (isnan(Nh)) {
                for (size_t k = 0; k < nh; k++)
                    count[members[rng_below(&g, nh)]]++;
            } else {
                /* n_h of the N_h pseudo-units without replacement (Floyd's algorithm: for
                 * j = N−n .. N−1 take t uniform in 0..j, or j when t was taken); pseudo-unit
                 * t is PSU t mod n_h (R: rep(psus, length = N_h)) */
                uint64_t Ni = (uint64_t)Nh, *taken = malloc(nh * sizeof *taken);
                if (!taken) {
                    st = wctx_nomem(err);
                    break;
                }
                size_t nt = 0;
                for (uint64_t j = Ni - nh; j < Ni; j++) {
                    uint64_t t = rng_below(&g, j + 1);
                    for (size_t q = 0; q < nt; q++)
                        if (taken[q] == t) {
                            t = j;
                            break;
                        }
                    taken[nt++] = t;
                    count[members[t % nh]]++;
                }
                free(taken);
            }
            for (size_t i = 0; i < N; i++)
                if (u->psu[i] != SIZE_MAX && u->psu_stratum[u->psu[i]] == h)
                    m[r * N + i] = (double)count[u->psu[i]];
        }
    }
    free(count);
    free(members);
    if (st != TS_OK) {
        free(m);
        return st;
    }
    *mult = m;
    *nrep = R;
    c->design.replicate_scale = nbar / ((nbar - 1) * (double)(R - 1));
    return TS_OK;
}

static int cmp_code_text(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    return strcmp(*x, *y);
}

/* Balanced repeated replication (Fay's variant with ρ > 0): exactly 2 PSUs in every stratum;
 * a Sylvester–Hadamard matrix of order R = the smallest power of 2 above the number of strata
 * (full orthogonal balance: its rows after the first sum to 0 and are orthogonal), the strata
 * in R's order (their codes sorted as text, as brrweights' order(as.character(strata))) on
 * rows 2 .., the PSUs of a pair in order of appearance; in replicate r the first PSU of pair p
 * gets ρ and the second 2 − ρ where H[p+1][r] = +1, and the other way round where it is −1 —
 * brrweights' sampler with R's hadamard.matrix = this H. Scale 1/(R(1 − ρ)²). An fpc is
 * dropped (R: "Finite population correction dropped in conversion"). */
static ts_status make_brr(wctx *c, const units *u, double rho, double **mult, size_t *nrep, ts_err *err)
{
    const char *what = rho > 0 ? "fay" : "brr";
    if (!c->strata)
        return refuse(c, err, "%s needs strata of 2 PSUs each ([design] strata); R: \"Must use JK1 or bootstrap for an "
                      "unstratified design\"%s", what, NULL);
    size_t H = u->nstrata, N = c->n;
    for (size_t h = 0; h < H; h++)
        if (u->n_h[h] != 2) {
            ts_strbuf s = TS_STRBUF_INIT, k = TS_STRBUF_INIT;
            stratum_name(c, u, h, &s);
            ts_strbuf_printf(&k, "%zu PSU%s", u->n_h[h], u->n_h[h] == 1 ? "" : "s");
            ts_strbuf_printf(&s, " has %s", k.data);
            ts_status st = refuse(c, err, "%s needs exactly 2 PSUs in every stratum, but %s (R's brrweights would "
                                  "refuse fewer and split more into pairs; use jkn or bootstrap)", what, s.data);
            ts_strbuf_free(&s);
            ts_strbuf_free(&k);
            return st;
        }
    size_t R = 1;
    while (R < H + 1)
        R *= 2;
    /* the strata's order: their codes as text, sorted */
    char **txt = malloc(H * sizeof *txt);
    size_t *rank = malloc(H * sizeof *rank);
    double *m = calloc(N && R ? N * R : 1, sizeof *m);
    ts_status st = txt && rank && m ? TS_OK : wctx_nomem(err);
    for (size_t h = 0; st == TS_OK && h < H; h++) {
        char buf[48];
        snprintf(buf, sizeof buf, "%" PRId64, u->code[h]);
        if (!(txt[h] = ts_strdup(buf)))
            st = wctx_nomem(err);
    }
    if (st == TS_OK) {
        char **sorted = malloc(H * sizeof *sorted);
        if (!sorted)
            st = wctx_nomem(err);
        else {
            memcpy(sorted, txt, H * sizeof *sorted);
            qsort(sorted, H, sizeof *sorted, cmp_code_text);
            for (size_t h = 0; h < H; h++)
                for (size_t q = 0; q < H; q++)
                    if (sorted[q] == txt[h])
                        rank[h] = q;
            free(sorted);
        }
    }
    /* which PSU of its pair comes first (PSUs are numbered in order of appearance) */
    unsigned char *first = malloc(u->npsu ? u->npsu : 1);
    if (st == TS_OK && !first)
        st = wctx_nomem(err);
    for (size_t p = 0; st == TS_OK && p < u->npsu; p++) {
        first[p] = 1;
        for (size_t q = 0; q < p; q++)
            if (u->psu_stratum[q] == u->psu_stratum[p])
                first[p] = 0;
    }
    for (size_t r = 0; st == TS_OK && r < R; r++)
        for (size_t i = 0; i < N; i++) {
            if (u->psu[i] == SIZE_MAX)
                continue;
            size_t p = u->psu[i], h = u->psu_stratum[p];
            /* Sylvester: H[a][b] = (−1)^popcount(a & b); pair rank[h] on row rank[h] + 1 */
            int plus = __builtin_popcountll((unsigned long long)((rank[h] + 1) & r)) % 2 == 0;
            m[r * N + i] = plus == first[p] ? rho : 2 - rho;
        }
    free(first);
    for (size_t h = 0; txt && h < H; h++)
        free(txt[h]);
    free(txt);
    free(rank);
    if (st != TS_OK) {
        free(m);
        return st;
    }
    *mult = m;
    *nrep = R;
    c->design.replicate_scale = 1 / ((double)R * (1 - rho) * (1 - rho));
    if (c->fpc)
        ts_strbuf_append_str(&c->text, "Replicates: the fpc is not used by BRR (as R's as.svrepdesign drops it)\n");
    return TS_OK;
}

/* The supplied columns as the replicates' design weights: combined, as they are; else times
 * the design weight. A missing or negative one in the design is refused. */
static ts_status take_supplied(wctx *c, double **repw, ts_err *err)
{
    size_t N = c->n, R = c->design.nreplicate_columns;
    double *w = calloc(N && R ? N * R : 1, sizeof *w);
    if (!w)
        return wctx_nomem(err);
    for (size_t r = 0; r < R; r++) {
        const ts_var *v = ts_dataset_find(c->ds, c->design.replicate_columns[r]);
        for (size_t i = 0; v && i < N; i++) {
            if (!c->in[i] || !(c->w[i] > 0))
                continue;
            double x = ts_var_num(v, i);
            if (isnan(x) || x < 0) {
                ts_strbuf who = TS_STRBUF_INIT;
                wctx_row_name(c, i, &who);
                ts_err_set(err, TS_E_DATA, "%s: %s: replicate weight %s is %s; every respondent in the design needs one "
                           ">= 0 (%s)", c->opt->input, who.data ? who.data : "?", v->name, isnan(x) ? "missing" : "negative",
                           isnan(x) ? "R's svrepdesign: \"Missing values not allowed in 'repweights'\""
                                    : "a replicate leaves a respondent out with 0, never below");
                ts_strbuf_free(&who);
                free(w);
                return TS_E_DATA;
            }
            w[r * N + i] = c->design.combined_weights ? x : x * c->w[i];
        }
    }
    *repw = w;
    return TS_OK;
}

ts_status replicates_make(wctx *c, ts_err *err)
{
    ts_design *d = &c->design;
    if (d->variance == TS_REP_NONE)
        return TS_OK;
    size_t N = c->n, R = 0;
    double *mult = NULL, *rscales = NULL;
    ts_status st;
    if (d->replicates_supplied) {
        /* supplied replicates stand for the weights they came with: a nonresponse adjustment
         * made here would reach the full sample's weight and not theirs */
        if (wctx_get(c, "nonresponse", "classes", NULL)) {
            ts_strbuf at = TS_STRBUF_INIT;
            wctx_where(c, "nonresponse", "classes", &at);
            ts_err_set(err, TS_E_DATA, "%s: a nonresponse adjustment with [design] variance = supplied would adjust the "
                       "weight but not the supplied replicates; adjust them where they were made, or let "
                       "tsunagari-weight make the replicates (variance = jk1, jkn, bootstrap, brr or fay)",
                       at.data ? at.data : "");
            ts_strbuf_free(&at);
            return TS_E_DATA;
        }
        if ((st = take_supplied(c, &c->repw, err)) != TS_OK)
            return st;
        c->nrep = d->nreplicate_columns;
        return TS_OK;
    }
    units u = {0};
    if ((st = find_units(c, &u, err)) != TS_OK) {
        units_free(&u);
        return st;
    }
    /* A jackknife of an unclustered sample has a replicate per respondent: n² weights to keep
     * (and a QR of them for the df). Past 200 million the run would take hours and gigabytes. */
    size_t want = d->variance == TS_REP_BOOTSTRAP ? d->replicates : d->variance == TS_REP_JK1 || d->variance == TS_REP_JKN
                                                                      ? u.npsu : 2 * u.nstrata + 2;
    if ((double)want * (double)N > 2e8) {
        char a[64];
        snprintf(a, sizeof a, "%zu replicates of %zu rows", want, N);
        units_free(&u);
        return refuse(c, err, "%s: %s are too many replicate weights to keep; cluster the jackknife (PSUs) or use "
                      "the bootstrap", ts_rep_type_name(d->variance), a);
    }
    switch (d->variance) {
    case TS_REP_JK1: st = make_jk1(c, &u, &mult, &R, err); break;
    case TS_REP_JKN: st = make_jkn(c, &u, &mult, &R, &rscales, err); break;
    case TS_REP_BOOTSTRAP: st = make_bootstrap(c, &u, &mult, &R, err); break;
    case TS_REP_BRR: st = make_brr(c, &u, 0, &mult, &R, err); break;
    case TS_REP_FAY: st = make_brr(c, &u, d->fay_rho, &mult, &R, err); break;
    default: st = ts_err_set(err, TS_E_INTERNAL, "replicates: variance %s", ts_rep_type_name(d->variance));
    }
    units_free(&u);
    if (st != TS_OK) {
        free(mult);
        free(rscales);
        return st;
    }
    /* the replicates' design weights: multiplier × the design weight */
    for (size_t r = 0; r < R; r++)
        for (size_t i = 0; i < N; i++)
            mult[r * N + i] *= c->in[i] ? c->w[i] : 0;
    c->repw = mult;
    c->nrep = R;
    free(d->replicate_rscales);
    d->replicate_rscales = NULL;
    d->nreplicate_rscales = 0;
    if (rscales) {
        d->replicate_rscales = rscales;
        d->nreplicate_rscales = R;
    }
    ts_strbuf_printf(&c->method, "; %zu %s replicate weights", R, ts_rep_type_name(d->variance));
    ts_strbuf_printf(&c->text, "Replicates: %zu %s replicate weights made from the design (R's as.svrepdesign, type %s)\n",
                     R, ts_rep_type_name(d->variance),
                     d->variance == TS_REP_JK1 ? "JK1" : d->variance == TS_REP_JKN ? "JKn"
                     : d->variance == TS_REP_BRR ? "BRR" : d->variance == TS_REP_FAY ? "Fay" : "bootstrap");
    return TS_OK;
}
