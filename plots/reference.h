/* reference.h — a published result to draw beside the survey (compare charts): a row of
 * data/reference/national-direct-question.csv (data/reference/README.md) — percentages of
 * each answer of the direct loneliness question in the national survey. */
#ifndef TS_REFERENCE_H
#define TS_REFERENCE_H

#include <stddef.h>

#include "status.h"

enum { TS_REF_MAX = 16 };

typedef struct ts_reference {
    char *label;                /* 全国（令和4年） */
    char *source;               /* the row's source column; "" when none */
    long n;                     /* respondents; -1 when not given */
    size_t ncodes;
    char *code[TS_REF_MAX];     /* answer codes of the survey's question */
    double share[TS_REF_MAX];   /* 0..1, renormalised over the answers (無回答 left out) */
    double published[TS_REF_MAX]; /* 0..1 as published, of all respondents (無回答 included) */
    double no_answer;           /* the published 無回答 share, 0..1; 0 when none */
} ts_reference;

/* Read row ROW (the first column's value, e.g. R4) of the reference CSV at PATH. Columns
 * are mapped to codes by name: often_always 5, sometimes 4, occasionally 3, hardly_ever 2,
 * never 1 (the national question's codes), or a column named by a plain code ("5").
 * Returns an owned reference (ts_reference_free) or NULL with ERR set. */
ts_reference *ts_reference_read(const char *path, const char *row, ts_err *err);
void ts_reference_free(ts_reference *r);
/* The share of CODE (0..1), or NAN when the reference has no such answer. */
double ts_reference_share(const ts_reference *r, const char *code);
/* For a multiple answer (options do not add up to 100%): the share of respondents with an
 * answer who chose CODE, published / (1 − no_answer); NAN when there is no such option. */
double ts_reference_option_share(const ts_reference *r, const char *code);

#endif
