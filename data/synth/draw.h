/* draw.h — replicate samples of the Saitama design from the one fixed demo population, for
 * Monte Carlo tests of the whole pipeline (ingest -> weight -> tab) against the truth.
 *
 * The population is the demo's (built from SEED, as `demo saitama-2022 --seed SEED`);
 * replicate R draws its stratified sample, response and mode from a generator seeded
 * SEED + 1 + 2R and the mail answers' blanks from one seeded SEED + 2 + 2R. Replicate 0 is
 * therefore the demo itself, byte for byte, and no two replicates share a generator. */
#ifndef SYNTH_DRAW_H
#define SYNTH_DRAW_H

#include "status.h"

enum { SYNTH_DRAW_MAX_REPLICATE = 1000000, SYNTH_DRAW_MAX_COUNT = 100000 };

/* Write replicates FIRST .. FIRST + COUNT - 1 of the Saitama design: the demo's five files
 * (raw.csv, codebook.csv, frame_area.csv, frame_area_age_sex.csv, truth.csv). With SUBDIRS
 * 0, COUNT must be 1 and the files go into DIR; otherwise replicate R goes into DIR/R/,
 * created when missing (DIR must exist). The population is built once. Returns TS_OK, or
 * an error with ERR set (TS_E_CANTCREAT when a folder or file cannot be created). */
ts_status synth_draw_saitama(const char *dir, unsigned long seed, unsigned long first,
                             unsigned long count, int subdirs, ts_err *err);

#endif
