/* population.c — see population.h. */
#include "population.h"

#include <stdlib.h>

size_t synth_cell_index(size_t area, int band, int sex)
{
    return (area * SYNTH_NBANDS + (size_t)band) * 2 + (size_t)(sex - 1);
}

/* Municipality within the area, by its ILLUSTRATIVE weight. */
static int draw_muni(gsl_rng *r, const synth_area *a)
{
    if (a->nmunis <= 1)
        return 0;
    double w[16];
    size_t n = a->nmunis < 16 ? a->nmunis : 16;
    for (size_t i = 0; i < n; i++)
        w[i] = a->munis[i].weight;
    return synth_draw_weighted(r, w, (int)n);
}

static void fill_person(const synth_popspec *spec, const synth_model *m, gsl_rng *r,
                        size_t area, int band, int sex, synth_person *p)
{
    p->sex = (uint8_t)sex;
    p->band = (uint8_t)band;
    p->age = (uint8_t)synth_model_age(r, band);
    p->area = (uint8_t)area;
    p->muni = (uint8_t)draw_muni(r, &spec->area[area]);
    synth_model_answers(m, r, &spec->area[area].fx, p);
}

synth_population *synth_population_build(const synth_popspec *spec, const synth_model *m,
                                         gsl_rng *r, ts_err *err)
{
    synth_population *pop = calloc(1, sizeof *pop);
    if (!pop)
        goto nomem;
    pop->spec = spec;
    pop->ncells = spec->nareas * SYNTH_NBANDS * 2;
    pop->cell_start = calloc(pop->ncells + 1, sizeof *pop->cell_start);
    if (!pop->cell_start)
        goto nomem;
    size_t n = 0;
    for (size_t a = 0; a < spec->nareas; a++)
        for (int b = 0; b < SYNTH_NBANDS; b++)
            for (int s = 1; s <= 2; s++) {
                pop->cell_start[synth_cell_index(a, b, s)] = n;
                n += (size_t)synth_popspec_cell_size(spec, a, s - 1, b);
            }
    pop->cell_start[pop->ncells] = n;
    pop->n = n;
    pop->p = calloc(n ? n : 1, sizeof *pop->p);
    if (!pop->p)
        goto nomem;
    for (size_t a = 0; a < spec->nareas; a++)
        for (int b = 0; b < SYNTH_NBANDS; b++)
            for (int s = 1; s <= 2; s++) {
                size_t c = synth_cell_index(a, b, s);
                for (size_t i = pop->cell_start[c]; i < pop->cell_start[c + 1]; i++)
                    fill_person(spec, m, r, a, b, s, &pop->p[i]);
            }
    return pop;
nomem:
    synth_population_free(pop);
    ts_err_set(err, TS_E_NOMEM, "out of memory building the %s population", spec->name);
    return NULL;
}

void synth_population_free(synth_population *pop)
{
    if (!pop)
        return;
    free(pop->p);
    free(pop->cell_start);
    free(pop);
}

size_t synth_population_area_begin(const synth_population *pop, size_t area)
{
    return pop->cell_start[synth_cell_index(area, 0, 1)];
}

size_t synth_population_area_end(const synth_population *pop, size_t area)
{
    return pop->cell_start[synth_cell_index(area, SYNTH_NBANDS - 1, 2) + 1];
}

long *synth_population_cumulative(const synth_popspec *spec, size_t *ncells)
{
    size_t n = spec->nareas * SYNTH_NBANDS * 2;
    long *cum = malloc(n * sizeof *cum);
    if (!cum)
        return NULL;
    long t = 0;
    for (size_t a = 0; a < spec->nareas; a++)
        for (int b = 0; b < SYNTH_NBANDS; b++)
            for (int s = 1; s <= 2; s++) {
                t += spec->area[a].pop[s - 1][b]; /* real scale: finest proportions */
                cum[synth_cell_index(a, b, s)] = t;
            }
    *ncells = n;
    return cum;
}

void synth_population_draw_one(const synth_popspec *spec, const synth_model *m,
                               const long *cum, size_t ncells, gsl_rng *r, synth_person *p)
{
    long u = (long)gsl_rng_uniform_int(r, (unsigned long)cum[ncells - 1]);
    size_t lo = 0, hi = ncells - 1; /* first cell with cum > u */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cum[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    size_t area = lo / (SYNTH_NBANDS * 2);
    int band = (int)(lo / 2 % SYNTH_NBANDS);
    int sex = (int)(lo % 2) + 1;
    fill_person(spec, m, r, area, band, sex, p);
}
