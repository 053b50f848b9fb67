/* truth.h — the true population values of the headline indicators, so tests and reviewers
 * can compare an estimate with what it estimates. Counts are kept as integers and shares are
 * printed by integer rounding, so the file is the same on every machine. Format in
 * docs/synthetic-data.md ("truth.csv"). */
#ifndef SYNTH_TRUTH_H
#define SYNTH_TRUTH_H

#include "status.h"
#include "model.h"
#include "popspec.h"

typedef struct synth_tally {
    long long n;          /* persons */
    long long lonely[5];  /* direct question, codes 1..5 */
    long long uband[4];   /* UCLA score 3 / 4-6 / 7-9 / 10-12 */
    long long usum;       /* sum of UCLA scores */
    long long noconsult;  /* 相談相手がいない */
    long long alone;      /* 一人暮らし */
    long long goout_rare; /* ほとんど外出しない */
} synth_tally;

typedef struct synth_truth {
    const synth_popspec *spec; /* borrowed */
    int streamed; /* 1: tallies of a streamed benchmark file, not of a whole population */
    synth_tally all, sex[2], band[SYNTH_NBANDS], area[5], consult[2];
} synth_truth;

void synth_truth_init(synth_truth *t, const synth_popspec *spec);
void synth_truth_add(synth_truth *t, const synth_person *p);
void synth_tally_add(synth_tally *y, const synth_person *p);

/* Index 0..3 of the UCLA band of a score 3..12. */
int synth_ucla_band_of_score(int score);

/* Write T to PATH. SEED goes into the header comment. */
ts_status synth_truth_write(const synth_truth *t, const char *path, unsigned long seed,
                               ts_err *err);

#endif
