/* truth.c — see truth.h. */
#include "truth.h"

#include <string.h>

#include "buf.h"
#include "csvout.h"

int synth_ucla_band_of_score(int score)
{
    return score >= 10 ? 3 : score >= 7 ? 2 : score >= 4 ? 1 : 0;
}

void synth_tally_add(synth_tally *y, const synth_person *p)
{
    int score = synth_person_ucla_score(p);
    y->n++;
    y->lonely[p->lonely - 1]++;
    y->uband[synth_ucla_band_of_score(score)]++;
    y->usum += score;
    y->noconsult += p->consult == 2;
    y->alone += p->alone == 1;
    y->goout_rare += p->goout == 5;
}

void synth_truth_init(synth_truth *t, const synth_popspec *spec)
{
    memset(t, 0, sizeof *t);
    t->spec = spec;
}

void synth_truth_add(synth_truth *t, const synth_person *p)
{
    synth_tally_add(&t->all, p);
    synth_tally_add(&t->sex[p->sex - 1], p);
    synth_tally_add(&t->band[p->band], p);
    synth_tally_add(&t->area[p->area], p);
    synth_tally_add(&t->consult[p->consult - 1], p);
}

static void row(synth_csv *w, const char *ind, const char *by, const char *level,
                long long num, long long den, int dec)
{
    long long p = 1;
    for (int i = 0; i < dec; i++)
        p *= 10;
    /* percent (or mean) rounded half up: (num * 100 * p / den) */
    long long scaled = den ? (num * (dec == 2 ? 100 : 1) * p * 2 + den) / (2 * den) : 0;
    synth_csv_field(w, ind);
    synth_csv_field(w, by);
    synth_csv_field(w, level);
    synth_csv_int(w, num);
    synth_csv_int(w, den);
    synth_csv_fixed(w, scaled, dec);
}

static ts_status write_tally(synth_csv *w, const char *by, const char *level,
                                const synth_tally *y, int with_consult, ts_err *err)
{
    static const char *const lonely_names[5] = {"lonely_never", "lonely_hardly",
                                                "lonely_occasionally", "lonely_sometimes",
                                                "lonely_often"};
    static const char *const uband_names[4] = {"ucla_3", "ucla_4_6", "ucla_7_9", "ucla_10_12"};
    ts_status st;
#define END()                                                                                  \
    do {                                                                                       \
        if ((st = synth_csv_end(w, err)) != TS_OK)                                          \
            return st;                                                                         \
    } while (0)
    for (int k = 0; k < 5; k++) {
        row(w, lonely_names[k], by, level, y->lonely[k], y->n, 2);
        END();
    }
    row(w, "lonely_any", by, level, y->lonely[2] + y->lonely[3] + y->lonely[4], y->n, 2);
    END();
    for (int k = 0; k < 4; k++) {
        row(w, uband_names[k], by, level, y->uband[k], y->n, 2);
        END();
    }
    row(w, "ucla_mean", by, level, y->usum, y->n, 3);
    END();
    if (with_consult) {
        row(w, "no_consult", by, level, y->noconsult, y->n, 2);
        END();
    }
    row(w, "alone", by, level, y->alone, y->n, 2);
    END();
    row(w, "goout_rarely", by, level, y->goout_rare, y->n, 2);
    END();
#undef END
    return TS_OK;
}

ts_status synth_truth_write(const synth_truth *t, const char *path, unsigned long seed,
                               ts_err *err)
{
    synth_csv *w = synth_csv_open(path, SYNTH_ENC_UTF8, "\n", err);
    if (!w)
        return err->status;
    synth_buf note = SYNTH_BUF_INIT;
    if (t->streamed) {
        synth_buf_puts(&note, "SYNTHETIC: values over every respondent of a streamed ");
        synth_buf_puts(&note, t->spec->name);
        synth_buf_puts(&note, " benchmark file (tsunagari-synth population, seed ");
        synth_buf_addint(&note, (long long)seed);
        synth_buf_puts(&note, ").");
    } else {
        synth_buf_puts(&note, "SYNTHETIC: true values of the synthetic population of ");
        synth_buf_puts(&note, t->spec->name);
        synth_buf_puts(&note, " (tsunagari-synth, seed ");
        synth_buf_addint(&note, (long long)seed);
        synth_buf_puts(&note, "); not survey results. One synthetic person = ");
        synth_buf_addint(&note, t->spec->scale);
        synth_buf_puts(&note, " resident(s) aged 16+.");
    }
    ts_status st = synth_csv_comment(w, synth_buf_cstr(&note), err);
    synth_buf_free(&note);
    if (st == TS_OK)
        st = synth_csv_comment(w, "value: percent of the domain (2 decimals, rounded half up); "
                                  "ucla_mean: mean UCLA-3 score (3 decimals). "
                                  "Format: docs/synthetic-data.md", err);
    if (st != TS_OK)
        goto fail;
    static const char *const head[] = {"indicator", "by", "level", "numerator", "denominator",
                                       "value"};
    for (size_t i = 0; i < 6; i++)
        synth_csv_field(w, head[i]);
    if ((st = synth_csv_end(w, err)) != TS_OK)
        goto fail;
    if ((st = write_tally(w, "all", "全体", &t->all, 1, err)) != TS_OK)
        goto fail;
    for (int s = 0; s < 2; s++)
        if ((st = write_tally(w, "sex", synth_q_sex.opt[s].ja, &t->sex[s], 1, err)) != TS_OK)
            goto fail;
    for (int b = 0; b < SYNTH_NBANDS; b++)
        if ((st = write_tally(w, "age_band", synth_q_band.opt[b].ja, &t->band[b], 1, err)) !=
            TS_OK)
            goto fail;
    if (t->spec->nareas > 1)
        for (size_t a = 0; a < t->spec->nareas; a++)
            if ((st = write_tally(w, "area", t->spec->area[a].ja, &t->area[a], 1, err)) !=
                TS_OK)
                goto fail;
    for (int c = 0; c < 2; c++)
        if ((st = write_tally(w, "consult", synth_q_consult.opt[c].ja, &t->consult[c], 0,
                              err)) != TS_OK)
            goto fail;
    return synth_csv_commit(w, err);
fail:
    synth_csv_abort(w);
    return st;
}
