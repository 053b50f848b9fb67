/* rawfile.h — raw survey exports as they arrive at a city hall.
 *
 * Layout "yamagata": a web vendor's export — CP932, CRLF, Japanese headers (`Q1 性別`), one
 * 0/1 column per option of a multiple answer (`Q9_1 相談相手:家族・親族`), the answer time,
 * channel and completion time in seconds; no 無回答 codes (the web form required answers),
 * empty cells where a question was skipped by design.
 * Layout "saitama": keyed mail and web answers — UTF-8, LF, `問1 性別` headers, multiple
 * answers as `1;4` lists, and for mail answers `9` (`999` for age, `99` for a multiple
 * answer) where the respondent left a question blank.
 * The codebook writer (codebook.h) names the same columns through synth_raw_column(). */
#ifndef SYNTH_RAWFILE_H
#define SYNTH_RAWFILE_H

#include <gsl/gsl_rng.h>

#include "buf.h"
#include "csvout.h"
#include "model.h"
#include "popspec.h"

typedef enum { SYNTH_LAYOUT_YAMAGATA = 0, SYNTH_LAYOUT_SAITAMA } synth_layout;

typedef enum {
    SYNTH_COL_ID, SYNTH_COL_TIME, SYNTH_COL_CHANNEL, SYNTH_COL_SECONDS, SYNTH_COL_MODE,
    SYNTH_COL_MUNI, SYNTH_COL_SEX, SYNTH_COL_AGE, SYNTH_COL_ALONE, SYNTH_COL_LONELY,
    SYNTH_COL_UCLA, SYNTH_COL_GOOUT, SYNTH_COL_SINCE, SYNTH_COL_CONSULT, SYNTH_COL_WHO,
    SYNTH_COL_EVENTS, SYNTH_COL_HELP, SYNTH_COL_COMMENT
} synth_col;

/* Missing-answer codes of the saitama layout (mail answers). */
enum { SYNTH_NA = 9, SYNTH_NA_AGE = 999, SYNTH_NA_MULTI = 99 };

/* Everything a row needs besides the person's answers. */
typedef struct synth_rowinfo {
    long long id;
    long ts;              /* yamagata: seconds since 2022-11-19 00:00 JST */
    int channel;          /* yamagata: 1..3 */
    int seconds;          /* yamagata: completion time */
    int mode;             /* saitama: 1 郵送, 2 WEB */
    int age_override;     /* > 0: write this age (a planted out-of-range age) */
    unsigned truncate_at; /* > 0: write only this many fields (a planted broken row) */
} synth_rowinfo;

/* The header text of column COL (OPTION: 1-based UCLA item or, for a multiple answer in the
 * yamagata layout, option number; 0 otherwise) into B (reset first). */
void synth_raw_column(synth_buf *b, synth_layout lay, synth_col col, int option);

ts_status synth_raw_header(synth_csv *w, synth_layout lay, ts_err *err);

/* Write P's row. R is used only for the item nonresponse of saitama mail answers. */
ts_status synth_raw_row(synth_csv *w, synth_layout lay, const synth_popspec *spec,
                           const synth_rowinfo *ri, const synth_person *p, gsl_rng *r,
                           ts_err *err);

/* "2022/11/19 10:23:45" for TS seconds after 2022-11-19 00:00 (TS < 42 days). */
void synth_raw_timestamp(synth_buf *b, long ts);

/* Yamagata row details for P: answer time (fieldwork 2022-11-19 .. 12-16), channel,
 * completion time. */
void synth_raw_yamagata_info(gsl_rng *r, const synth_person *p, synth_rowinfo *ri);

#endif
