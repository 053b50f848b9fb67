/* load.h — the weighted dataset as tsunagari-tab holds it: only the columns it reads. */
#ifndef TS_TAB_LOAD_H
#define TS_TAB_LOAD_H

#include "dataset.h"
#include "manifest.h"
#include "tab.h"

/* OPT's input, holding the variables the tables (the ad hoc one of OPT, else every
 * [table.NAME] of M, which may be NULL) name as var, by or denominator, the columns of the
 * design recorded in the dataset, and the respondent ids (which messages name a row by);
 * everything else is read, checked and dropped (ts_dataset_read_some). The caller frees the
 * result with ts_dataset_free(); on error NULL, ERR set, with ts_dataset_read's messages. */
ts_dataset *tab_load(const tab_options *opt, const ts_manifest *m, ts_err *err);

/* Whether a table of M (the ad hoc table of OPT never) has weighted = no, so that the sample of
 * respondents counted 1 is needed: without one it is not built (a weight, stratum and PSU per
 * row, beside the weighted sample's, was the peak of a million rows). */
int tab_wants_unweighted(const tab_options *opt, const ts_manifest *m);

#endif
