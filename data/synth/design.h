/* design.h — how the demo surveys pick their respondents.
 *
 * Saitama: a stratified simple random sample without replacement from the resident
 * register, strata = the five areas, 300 per area (equal allocation: heavily
 * disproportionate, so the small 秩父 area gets enough answers), then nonresponse that
 * depends on age and sex (about half respond) and the choice of mail or web.
 * Yamagata: a non-probability web sample — cells of age band x sex get respondents in
 * proportion to population x a recruitment propensity (QR flyers at schools and workplaces,
 * the city's SNS and a web panel reach working ages and miss the oldest), drawn at random
 * within the cell. Every rate here is ILLUSTRATIVE. */
#ifndef SYNTH_DESIGN_H
#define SYNTH_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "model.h"
#include "population.h"

enum { SYNTH_SAITAMA_PER_AREA = 300, SYNTH_YAMAGATA_ANSWERS = 2583 };

/* Move a simple random sample without replacement of N of PERM[BEGIN..END) to
 * PERM[BEGIN..BEGIN+N) (partial Fisher-Yates; PERM stays a permutation). */
void synth_design_srs(gsl_rng *r, uint32_t *perm, size_t begin, size_t end, size_t n);

/* Split TOTAL over N cells in proportion to W by largest remainder (ties: earlier cell). */
void synth_design_allocate(const double *w, size_t n, long total, long *out);

/* Saitama: probability that P returns the questionnaire, and that a respondent answers on
 * the web rather than by mail. */
double synth_design_saitama_response(const synth_person *p);
double synth_design_saitama_web(const synth_person *p);

/* Saitama: draw the 1,500 (SYNTH_SAITAMA_PER_AREA per area) into SAMPLE (person indexes,
 * area by area) using PERM (pop->n entries, any permutation of 0..n-1). */
void synth_design_saitama_sample(const synth_population *pop, gsl_rng *r, uint32_t *perm,
                                 uint32_t *sample);

/* Yamagata: relative recruitment propensity of a band x sex cell, and the channel
 * (1 チラシ, 2 SNS, 3 パネル) a respondent of BAND came through. */
double synth_design_yamagata_propensity(int band, int sex);
int synth_design_yamagata_channel(gsl_rng *r, int band);

#endif
