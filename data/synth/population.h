/* population.h — a synthetic population held in memory: one synth_person per SCALE residents
 * aged 16+, in cell order (area, then age band, then sex), so every area and every
 * area x band x sex cell is a contiguous range — what the sampling designs need. */
#ifndef SYNTH_POPULATION_H
#define SYNTH_POPULATION_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "status.h"
#include "model.h"
#include "popspec.h"

typedef struct synth_population {
    const synth_popspec *spec;  /* borrowed */
    synth_person *p;            /* n persons, owned */
    size_t n;
    /* cell c = (area * SYNTH_NBANDS + band) * 2 + (sex - 1) holds persons
     * [cell_start[c], cell_start[c + 1]); cell_start has ncells + 1 entries. */
    size_t *cell_start;
    size_t ncells;
} synth_population;

size_t synth_cell_index(size_t area, int band, int sex);

/* Draw the population of SPEC with model M from R. Returns NULL with ERR set. */
synth_population *synth_population_build(const synth_popspec *spec, const synth_model *m,
                                         gsl_rng *r, ts_err *err);
void synth_population_free(synth_population *pop);

/* First and one-past-last person of AREA. */
size_t synth_population_area_begin(const synth_population *pop, size_t area);
size_t synth_population_area_end(const synth_population *pop, size_t area);

/* Draw one person of SPEC's population at random (persons proportional to cell sizes) into
 * P, without storing a population: used to stream benchmark files of any size. CUM holds
 * the cumulative cell sizes (ncells entries), from synth_population_cumulative(). */
long *synth_population_cumulative(const synth_popspec *spec, size_t *ncells);
void synth_population_draw_one(const synth_popspec *spec, const synth_model *m,
                               const long *cum, size_t ncells, gsl_rng *r, synth_person *p);

#endif
