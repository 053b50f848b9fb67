/* demo.h — the two demo surveys, written into a folder: raw export, codebook, population
 * tables and the truth file. Same seed, same bytes. */
#ifndef SYNTH_DEMO_H
#define SYNTH_DEMO_H

#include <gsl/gsl_rng.h>

#include "population.h"
#include "status.h"

enum { SYNTH_SEED_YAMAGATA = 20221119, SYNTH_SEED_SAITAMA = 20230117 };

/* DIR/raw.csv (CP932, CRLF), codebook.csv, margins_age_sex.csv, truth.csv, planted.csv. */
ts_status synth_demo_yamagata(const char *dir, unsigned long seed, ts_err *err);

/* DIR/raw.csv (UTF-8, LF), codebook.csv, frame_area.csv, frame_area_age_sex.csv, truth.csv. */
ts_status synth_demo_saitama(const char *dir, unsigned long seed, ts_err *err);

/* The same five files for the Saitama population POP (built from SEED, which the truth
 * file names): the sample and its response and mode drawn from RSAMPLE, the mail
 * answers' blanks from RROW. synth_demo_saitama() is this with generators seeded SEED + 1
 * and SEED + 2; draw.h uses other seeds for replicate samples. POP is not modified. */
ts_status synth_demo_saitama_write(const char *dir, const synth_population *pop,
                                   gsl_rng *rsample, gsl_rng *rrow, unsigned long seed,
                                   ts_err *err);

#endif
