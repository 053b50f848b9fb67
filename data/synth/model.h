/* model.h — the population model: who a synthetic resident is and how they answer.
 *
 * Demographics (sex, age, area) come from the population specification (popspec.h); this
 * module draws the rest: living alone, having someone to consult, the direct loneliness
 * question, the UCLA items, 外出頻度 and its duration, whom they consult, the events behind
 * loneliness, what would help, and an occasional comment. Probabilities depend on age band,
 * sex, household, consultation and area, and are calibrated at start-up so that a population
 * shaped like the national R4 respondents reproduces the published national figures
 * (docs/synthetic-data.md shows how close the truth lands). Only + - * / are used on
 * doubles, no libm, so every machine draws the same bytes from the same seed. */
#ifndef SYNTH_MODEL_H
#define SYNTH_MODEL_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "questionnaire.h"

typedef struct synth_person {
    uint8_t sex;     /* 1 男性, 2 女性 */
    uint8_t age;     /* years, 16..100 */
    uint8_t band;    /* 0..7, synth_band_of_age(age) */
    uint8_t area;    /* index into the spec's areas */
    uint8_t muni;    /* index into that area's municipalities */
    uint8_t alone;   /* 1 一人暮らし, 2 同居者がいる */
    uint8_t consult; /* 1 いる, 2 いない */
    uint8_t lonely;  /* direct question 1..5 */
    uint8_t ucla[3]; /* 1..4 each */
    uint8_t goout;   /* 1..5 */
    uint8_t since;   /* 1..4 when goout >= 4, else 0 (not asked) */
    uint8_t comment; /* 0 none, else 1 + index into synth_comments */
    uint16_t who;    /* bit k-1 set: 相談相手 option k chosen; 0 when consult == 2 */
    uint16_t events; /* bit k-1: event k; 0 when not asked (lonely <= 2) */
    uint16_t help;   /* bit k-1: option k */
} synth_person;

/* Area effects on top of the national calibration (ILLUSTRATIVE). */
typedef struct synth_area_effect {
    double alone_mult;  /* multiplies the chance of living alone */
    double lonely_tilt; /* > 1 moves the direct question towards "often" */
} synth_area_effect;

typedef struct synth_model synth_model;

/* Build the calibrated model. Returns NULL when memory runs out. Free with synth_model_free. */
synth_model *synth_model_new(void);
void synth_model_free(synth_model *m);

/* Draw everything but the demographics. P's sex, age, band, area, muni must be set. */
void synth_model_answers(const synth_model *m, gsl_rng *r, const synth_area_effect *fx,
                         synth_person *p);

/* A uniform age within BAND (0..7); 80歳以上 tails off linearly to 100. */
int synth_model_age(gsl_rng *r, int band);

/* The UCLA score 3..12 of P. */
int synth_person_ucla_score(const synth_person *p);

/* Draw an index 0..N-1 with probability proportional to W[i] (W not all zero). */
int synth_draw_weighted(gsl_rng *r, const double *w, int n);

/* 1 with probability P. */
int synth_draw_bern(gsl_rng *r, double p);

#endif
