/* questionnaire.h — the items both demo surveys ask, with their codes and labels.
 *
 * Modelled on the national 「人々のつながりに関する基礎調査」 (see docs/synthetic-data.md for
 * sources): the direct question, the three UCLA items and their bands, 相談相手 and whom, the
 * events behind loneliness and the age bands are the national ones; the 外出頻度 and duration
 * categories, the tail of the events list and the list of what would help are ILLUSTRATIVE
 * (marked in each table). The raw writers, the codebook writer and the truth file all read
 * these tables, so a label cannot drift between a raw header and its codebook row. */
#ifndef SYNTH_QUESTIONNAIRE_H
#define SYNTH_QUESTIONNAIRE_H

#include <stddef.h>

typedef struct synth_option {
    int code;
    const char *ja;  /* Japanese label (CP932-encodable: ～ is U+FF5E) */
    const char *en;
    const char *values; /* for recodes: the source values, "16..19"; NULL otherwise */
} synth_option;

typedef struct synth_optlist {
    const synth_option *opt;
    size_t n;
} synth_optlist;

enum {
    SYNTH_NBANDS = 8,  /* 16～19歳 … 80歳以上 */
    SYNTH_NWHO = 9,    /* 相談相手 options */
    SYNTH_NEVENTS = 10,
    SYNTH_NHELP = 9,
    SYNTH_NGOOUT = 5,
    SYNTH_NSINCE = 4,
    SYNTH_NCOMMENTS = 16
};

extern const synth_optlist synth_q_sex, synth_q_band, synth_q_alone, synth_q_lonely,
    synth_q_ucla, synth_q_ucla_band, synth_q_goout, synth_q_since, synth_q_consult, synth_q_who,
    synth_q_events, synth_q_help, synth_q_channel, synth_q_mode;

/* The three UCLA items: short label for raw headers, full wording, English. */
extern const char *const synth_ucla_short[3];
extern const char *const synth_ucla_wording[3];
extern const char *const synth_ucla_en[3];

/* Free-text comments (ILLUSTRATIVE, written for the demo; some hold a comma, a quote or a
 * line break, as real exports do). */
extern const char *const synth_comments[SYNTH_NCOMMENTS];

/* The age band (0..7) of AGE in years (16 or more). */
int synth_band_of_age(int age);

#endif
