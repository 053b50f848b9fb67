/* demo.c — see demo.h. The population, the sample and the row details use separate
 * generators (seed, seed + 1, seed + 2) so that a change in how rows are written does not
 * move who is in the sample. */
#include "demo.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "buf.h"
#include "codebook.h"
#include "csvout.h"
#include "design.h"
#include "frames.h"
#include "model.h"
#include "population.h"
#include "popspec.h"
#include "rawfile.h"
#include "truth.h"

/* What every demo needs: the spec, the model, its population and three generators. */
typedef struct world {
    synth_popspec spec;
    synth_model *model;
    synth_population *pop;
    gsl_rng *rpop, *rsample, *rrow;
} world;

static void world_free(world *w)
{
    synth_population_free(w->pop);
    synth_model_free(w->model);
    if (w->rpop)
        gsl_rng_free(w->rpop);
    if (w->rsample)
        gsl_rng_free(w->rsample);
    if (w->rrow)
        gsl_rng_free(w->rrow);
}

static ts_status world_init(world *w, int saitama, unsigned long seed, ts_err *err)
{
    memset(w, 0, sizeof *w);
    if (saitama)
        synth_popspec_saitama(&w->spec);
    else
        synth_popspec_yamagata(&w->spec);
    w->model = synth_model_new();
    w->rpop = gsl_rng_alloc(gsl_rng_mt19937);
    w->rsample = gsl_rng_alloc(gsl_rng_mt19937);
    w->rrow = gsl_rng_alloc(gsl_rng_mt19937);
    if (!w->model || !w->rpop || !w->rsample || !w->rrow)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    gsl_rng_set(w->rpop, seed);
    gsl_rng_set(w->rsample, seed + 1);
    gsl_rng_set(w->rrow, seed + 2);
    w->pop = synth_population_build(&w->spec, w->model, w->rpop, err);
    return w->pop ? TS_OK : err->status;
}

static ts_status write_truth(const synth_population *pop, const char *dir,
                             unsigned long seed, ts_err *err)
{
    synth_truth t;
    synth_truth_init(&t, pop->spec);
    for (size_t i = 0; i < pop->n; i++)
        synth_truth_add(&t, &pop->p[i]);
    char *path = synth_path_join(dir, "truth.csv");
    if (!path)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    ts_status st = synth_truth_write(&t, path, seed, err);
    free(path);
    return st;
}

static ts_status write_codebook(const synth_popspec *spec, const char *dir,
                                synth_layout lay, ts_err *err)
{
    char *path = synth_path_join(dir, "codebook.csv");
    if (!path)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    ts_status st = synth_codebook_write(path, lay, spec, err);
    free(path);
    return st;
}

static uint32_t *identity(size_t n)
{
    uint32_t *perm = malloc((n ? n : 1) * sizeof *perm);
    if (perm)
        for (size_t i = 0; i < n; i++)
            perm[i] = (uint32_t)i;
    return perm;
}

/* ---- Yamagata ------------------------------------------------------------------------ */

typedef struct answer {
    uint32_t person;
    synth_rowinfo ri;
} answer;

static int by_time(const void *a, const void *b)
{
    const answer *x = a, *y = b;
    if (x->ri.ts != y->ri.ts)
        return x->ri.ts < y->ri.ts ? -1 : 1;
    return x->person < y->person ? -1 : x->person > y->person;
}

/* The planted dirty records, by position in submission order (0-based). */
enum { PLANT_AGE_FROM = 455, PLANT_DUP = 812, PLANT_BROKEN = 1907, BROKEN_FIELDS = 9 };

typedef struct planted {
    unsigned long line;
    long long id;
    const char *problem, *expected;
} planted;

static ts_status write_planted(const char *dir, const planted *pl, size_t n,
                                  long long records, ts_err *err)
{
    char *path = synth_path_join(dir, "planted.csv");
    if (!path)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    synth_csv *w = synth_csv_open(path, SYNTH_ENC_UTF8, "\n", err);
    free(path);
    if (!w)
        return err->status;
    synth_buf b = SYNTH_BUF_INIT;
    synth_buf_puts(&b, "SYNTHETIC demo: the dirty records planted in raw.csv. Expected ingest: ");
    synth_buf_addint(&b, records);
    synth_buf_puts(&b, " records read, ");
    synth_buf_addint(&b, records - 2);
    synth_buf_puts(&b, " accepted, 2 rejected, 1 item warning.");
    ts_status st = synth_csv_comment(w, synth_buf_cstr(&b), err);
    synth_buf_free(&b);
    if (st == TS_OK)
        st = synth_csv_comment(w, "line: physical line of raw.csv where the record starts "
                                  "(line 1 is the header).", err);
    static const char *const head[] = {"line", "id", "problem", "expected"};
    for (size_t i = 0; i < 4; i++)
        synth_csv_field(w, head[i]);
    if (st == TS_OK)
        st = synth_csv_end(w, err);
    for (size_t i = 0; i < n && st == TS_OK; i++) {
        synth_csv_int(w, (long long)pl[i].line);
        synth_csv_int(w, pl[i].id);
        synth_csv_field(w, pl[i].problem);
        synth_csv_field(w, pl[i].expected);
        st = synth_csv_end(w, err);
    }
    if (st != TS_OK) {
        synth_csv_abort(w);
        return st;
    }
    return synth_csv_commit(w, err);
}

static ts_status yamagata_raw(const world *wd, const char *dir, answer *ans, size_t n,
                                 ts_err *err)
{
    char *path = synth_path_join(dir, "raw.csv");
    if (!path)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    synth_csv *w = synth_csv_open(path, SYNTH_ENC_CP932, "\r\n", err);
    free(path);
    if (!w)
        return err->status;

    size_t age_at = PLANT_AGE_FROM;
    while (age_at < n && wd->pop->p[ans[age_at].person].age > 19)
        age_at++;
    if (age_at < n)
        ans[age_at].ri.age_override = wd->pop->p[ans[age_at].person].age - 10;
    ans[PLANT_BROKEN].ri.truncate_at = BROKEN_FIELDS;

    planted pl[3];
    size_t npl = 0;
    ts_status st = synth_raw_header(w, SYNTH_LAYOUT_YAMAGATA, err);
    for (size_t i = 0; i < n && st == TS_OK; i++) {
        const synth_person *p = &wd->pop->p[ans[i].person];
        unsigned long line = synth_csv_lines(w) + 1;
        if (i == age_at)
            pl[npl++] = (planted){line, ans[i].ri.id,
                                  "Q2 年齢 is a typo below 16 (true age ten years older)",
                                  "item warning: age missing, row kept"};
        if (i == PLANT_BROKEN)
            pl[npl++] = (planted){line, ans[i].ri.id,
                                  "record cut off after 9 fields (broken export line)",
                                  "reject: wrong number of fields"};
        st = synth_raw_row(w, SYNTH_LAYOUT_YAMAGATA, &wd->spec, &ans[i].ri, p, wd->rrow, err);
        if (st == TS_OK && i == PLANT_DUP) {
            /* the form was sent twice: same 回答ID and answers, received 4 s later */
            synth_rowinfo again = ans[i].ri;
            again.ts += 4;
            pl[npl++] = (planted){synth_csv_lines(w) + 1, again.id,
                                  "duplicate submission: same 回答ID as the record before",
                                  "reject: duplicate id (the first copy is kept)"};
            st = synth_raw_row(w, SYNTH_LAYOUT_YAMAGATA, &wd->spec, &again, p, wd->rrow, err);
        }
    }
    if (st != TS_OK) {
        synth_csv_abort(w);
        return st;
    }
    if ((st = synth_csv_commit(w, err)) != TS_OK)
        return st;
    return write_planted(dir, pl, npl, (long long)n + 1, err);
}

ts_status synth_demo_yamagata(const char *dir, unsigned long seed, ts_err *err)
{
    world wd;
    answer *ans = NULL;
    uint32_t *perm = NULL;
    ts_status st = world_init(&wd, 0, seed, err);
    if (st != TS_OK)
        goto done;
    if ((st = write_truth(wd.pop, dir, seed, err)) != TS_OK)
        goto done;

    /* 2,583 records = 2,582 distinct submissions + one sent twice */
    const size_t distinct = SYNTH_YAMAGATA_ANSWERS - 1;
    size_t ncells = wd.pop->ncells;
    double w[2 * SYNTH_NBANDS];
    long alloc[2 * SYNTH_NBANDS];
    for (size_t c = 0; c < ncells; c++)
        w[c] = (double)(wd.pop->cell_start[c + 1] - wd.pop->cell_start[c]) *
               synth_design_yamagata_propensity((int)(c / 2), (int)(c % 2) + 1);
    synth_design_allocate(w, ncells, (long)distinct, alloc);

    perm = identity(wd.pop->n);
    ans = calloc(distinct, sizeof *ans);
    if (!perm || !ans) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    size_t k = 0;
    for (size_t c = 0; c < ncells; c++) {
        size_t b = wd.pop->cell_start[c], e = wd.pop->cell_start[c + 1];
        synth_design_srs(wd.rsample, perm, b, e, (size_t)alloc[c]);
        for (long i = 0; i < alloc[c] && b + (size_t)i < e; i++)
            ans[k++].person = perm[b + (size_t)i];
    }
    for (size_t i = 0; i < k; i++)
        synth_raw_yamagata_info(wd.rsample, &wd.pop->p[ans[i].person], &ans[i].ri);
    qsort(ans, k, sizeof *ans, by_time);
    for (size_t i = 0; i < k; i++)
        ans[i].ri.id = (long long)i + 1;
    if (k != distinct) {
        st = ts_err_set(err, TS_E_INTERNAL, "drew %zu answers, wanted %zu", k, distinct);
        goto done;
    }
    if ((st = yamagata_raw(&wd, dir, ans, k, err)) != TS_OK)
        goto done;
    if ((st = write_codebook(&wd.spec, dir, SYNTH_LAYOUT_YAMAGATA, err)) != TS_OK)
        goto done;
    char *path = synth_path_join(dir, "margins_age_sex.csv");
    if (!path) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    st = synth_frames_margins(path, &wd.spec, err);
    free(path);
done:
    free(ans);
    free(perm);
    world_free(&wd);
    return st;
}

/* ---- Saitama ------------------------------------------------------------------------- */

/* A sampled person and a random key: the register lists people by municipality and then
 * by address, which the key stands in for (sorting by person index would sort by age). */
typedef struct drawn {
    uint32_t person;
    uint8_t area, muni;
    unsigned long key;
} drawn;

static int by_register(const void *a, const void *b)
{
    const drawn *x = a, *y = b;
    if (x->area != y->area)
        return x->area < y->area ? -1 : 1;
    if (x->muni != y->muni)
        return x->muni < y->muni ? -1 : 1;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->person < y->person ? -1 : x->person > y->person;
}

ts_status synth_demo_saitama_write(const char *dir, const synth_population *pop,
                                   gsl_rng *rsample, gsl_rng *rrow, unsigned long seed,
                                   ts_err *err)
{
    const synth_popspec *spec = pop->spec;
    uint32_t *perm = NULL, *sample = NULL;
    drawn *reg = NULL;
    synth_csv *w = NULL;
    ts_status st = write_truth(pop, dir, seed, err);
    if (st != TS_OK)
        goto done;

    size_t n = spec->nareas * SYNTH_SAITAMA_PER_AREA;
    perm = identity(pop->n);
    sample = malloc(n * sizeof *sample);
    reg = malloc(n * sizeof *reg);
    if (!perm || !sample || !reg) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    synth_design_saitama_sample(pop, rsample, perm, sample);
    for (size_t i = 0; i < n; i++) {
        const synth_person *p = &pop->p[sample[i]];
        reg[i] = (drawn){sample[i], p->area, p->muni, gsl_rng_get(rsample)};
    }
    qsort(reg, n, sizeof *reg, by_register);
    for (size_t i = 0; i < n; i++)
        sample[i] = reg[i].person;

    char *path = synth_path_join(dir, "raw.csv");
    if (!path) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    w = synth_csv_open(path, SYNTH_ENC_UTF8, "\n", err);
    free(path);
    if (!w) {
        st = err->status;
        goto done;
    }
    st = synth_raw_header(w, SYNTH_LAYOUT_SAITAMA, err);
    for (size_t i = 0; i < n && st == TS_OK; i++) {
        const synth_person *p = &pop->p[sample[i]];
        /* draw response and mode for everyone, so the sample's fate is one stream */
        int responds = synth_draw_bern(rsample, synth_design_saitama_response(p));
        int web = synth_draw_bern(rsample, synth_design_saitama_web(p));
        if (!responds)
            continue;
        synth_rowinfo ri = {.id = (long long)i + 1, .mode = web ? 2 : 1};
        st = synth_raw_row(w, SYNTH_LAYOUT_SAITAMA, spec, &ri, p, rrow, err);
    }
    if (st != TS_OK)
        goto done;
    st = synth_csv_commit(w, err);
    w = NULL;
    if (st != TS_OK)
        goto done;
    if ((st = synth_frames_saitama(dir, pop, sample, n, err)) != TS_OK)
        goto done;
    st = write_codebook(spec, dir, SYNTH_LAYOUT_SAITAMA, err);
done:
    synth_csv_abort(w);
    free(reg);
    free(sample);
    free(perm);
    return st;
}

ts_status synth_demo_saitama(const char *dir, unsigned long seed, ts_err *err)
{
    world wd;
    ts_status st = world_init(&wd, 1, seed, err);
    if (st == TS_OK)
        st = synth_demo_saitama_write(dir, wd.pop, wd.rsample, wd.rrow, seed, err);
    world_free(&wd);
    return st;
}
