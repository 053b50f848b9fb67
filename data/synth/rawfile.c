/* rawfile.c — see rawfile.h. */
#include "rawfile.h"

#include <string.h>

#include "design.h"
#include "questionnaire.h"

/* Column order of each layout. */
static const synth_col yamagata_cols[] = {
    SYNTH_COL_ID, SYNTH_COL_TIME, SYNTH_COL_CHANNEL, SYNTH_COL_SECONDS, SYNTH_COL_SEX,
    SYNTH_COL_AGE, SYNTH_COL_ALONE, SYNTH_COL_LONELY, SYNTH_COL_UCLA, SYNTH_COL_GOOUT,
    SYNTH_COL_SINCE, SYNTH_COL_CONSULT, SYNTH_COL_WHO, SYNTH_COL_EVENTS, SYNTH_COL_HELP,
    SYNTH_COL_COMMENT,
};
static const synth_col saitama_cols[] = {
    SYNTH_COL_ID, SYNTH_COL_MODE, SYNTH_COL_MUNI, SYNTH_COL_SEX, SYNTH_COL_AGE,
    SYNTH_COL_ALONE, SYNTH_COL_LONELY, SYNTH_COL_UCLA, SYNTH_COL_GOOUT, SYNTH_COL_SINCE,
    SYNTH_COL_CONSULT, SYNTH_COL_WHO, SYNTH_COL_EVENTS, SYNTH_COL_HELP, SYNTH_COL_COMMENT,
};

/* Question number (for "Q<n>" / "問<n>") and short text of each column. */
static const struct {
    int q;
    const char *text;
} col_def[] = {
    [SYNTH_COL_ID] = {0, NULL},
    [SYNTH_COL_TIME] = {0, "回答日時"},
    [SYNTH_COL_CHANNEL] = {0, "回答経路"},
    [SYNTH_COL_SECONDS] = {0, "所要時間(秒)"},
    [SYNTH_COL_MODE] = {0, "回答方法"},
    [SYNTH_COL_MUNI] = {0, "市町村コード"},
    [SYNTH_COL_SEX] = {1, "性別"},
    [SYNTH_COL_AGE] = {2, "年齢"},
    [SYNTH_COL_ALONE] = {3, "同居の状況"},
    [SYNTH_COL_LONELY] = {4, "孤独感"},
    [SYNTH_COL_UCLA] = {5, NULL},
    [SYNTH_COL_GOOUT] = {6, "外出頻度"},
    [SYNTH_COL_SINCE] = {7, "外出頻度の継続期間"},
    [SYNTH_COL_CONSULT] = {8, "相談相手の有無"},
    [SYNTH_COL_WHO] = {9, "相談相手"},
    [SYNTH_COL_EVENTS] = {10, "孤独感に影響した出来事"},
    [SYNTH_COL_HELP] = {11, "必要な支援"},
    [SYNTH_COL_COMMENT] = {12, "自由記述"},
};

static const synth_optlist *multi_options(synth_col col)
{
    return col == SYNTH_COL_WHO ? &synth_q_who
           : col == SYNTH_COL_EVENTS ? &synth_q_events
                                     : &synth_q_help;
}

/* Short option headers of the yamagata 0/1 columns: "Q10_1 出来事:家族との死別". */
static const char *multi_short(synth_col col)
{
    return col == SYNTH_COL_WHO ? "相談相手" : col == SYNTH_COL_EVENTS ? "出来事" : "必要な支援";
}

void synth_raw_column(synth_buf *b, synth_layout lay, synth_col col, int option)
{
    synth_buf_reset(b);
    int q = col_def[col].q;
    if (col == SYNTH_COL_ID) {
        synth_buf_puts(b, lay == SYNTH_LAYOUT_YAMAGATA ? "回答ID" : "整理番号");
        return;
    }
    if (q == 0) {
        synth_buf_puts(b, col_def[col].text);
        return;
    }
    synth_buf_puts(b, lay == SYNTH_LAYOUT_YAMAGATA ? "Q" : "問");
    synth_buf_addint(b, q);
    if (col == SYNTH_COL_UCLA) {
        if (lay == SYNTH_LAYOUT_YAMAGATA) {
            synth_buf_addc(b, '_');
            synth_buf_addint(b, option);
        } else {
            synth_buf_addc(b, '(');
            synth_buf_addint(b, option);
            synth_buf_addc(b, ')');
        }
        synth_buf_addc(b, ' ');
        synth_buf_puts(b, synth_ucla_short[option - 1]);
        return;
    }
    if (lay == SYNTH_LAYOUT_YAMAGATA && option > 0) {
        synth_buf_addc(b, '_');
        synth_buf_addint(b, option);
        synth_buf_addc(b, ' ');
        synth_buf_puts(b, multi_short(col));
        synth_buf_addc(b, ':');
        synth_buf_puts(b, multi_options(col)->opt[option - 1].ja);
        return;
    }
    synth_buf_addc(b, ' ');
    synth_buf_puts(b, col_def[col].text);
}

static int is_multi(synth_col c)
{
    return c == SYNTH_COL_WHO || c == SYNTH_COL_EVENTS || c == SYNTH_COL_HELP;
}

ts_status synth_raw_header(synth_csv *w, synth_layout lay, ts_err *err)
{
    const synth_col *cols = lay == SYNTH_LAYOUT_YAMAGATA ? yamagata_cols : saitama_cols;
    size_t n = lay == SYNTH_LAYOUT_YAMAGATA ? sizeof yamagata_cols / sizeof yamagata_cols[0]
                                            : sizeof saitama_cols / sizeof saitama_cols[0];
    synth_buf b = SYNTH_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        synth_col c = cols[i];
        if (c == SYNTH_COL_UCLA) {
            for (int k = 1; k <= 3; k++) {
                synth_raw_column(&b, lay, c, k);
                synth_csv_field(w, synth_buf_cstr(&b));
            }
        } else if (is_multi(c) && lay == SYNTH_LAYOUT_YAMAGATA) {
            for (int k = 1; k <= (int)multi_options(c)->n; k++) {
                synth_raw_column(&b, lay, c, k);
                synth_csv_field(w, synth_buf_cstr(&b));
            }
        } else {
            synth_raw_column(&b, lay, c, 0);
            synth_csv_field(w, synth_buf_cstr(&b));
        }
    }
    int oom = b.oom;
    synth_buf_free(&b);
    if (oom)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    return synth_csv_end(w, err);
}

void synth_raw_timestamp(synth_buf *b, long ts)
{
    long day = ts / 86400, sec = ts % 86400;
    int month = 11, mday = 19 + (int)day;
    if (mday > 30) {
        month = 12;
        mday -= 30;
    }
    synth_buf_puts(b, "2022/");
    synth_buf_addint(b, month);
    synth_buf_addc(b, '/');
    if (mday < 10)
        synth_buf_addc(b, '0');
    synth_buf_addint(b, mday);
    long parts[3] = {sec / 3600, sec / 60 % 60, sec % 60};
    for (int i = 0; i < 3; i++) {
        synth_buf_addc(b, i ? ':' : ' ');
        if (parts[i] < 10)
            synth_buf_addc(b, '0');
        synth_buf_addint(b, parts[i]);
    }
}

/* Mail item nonresponse: a blank answer, more often among the oldest. ILLUSTRATIVE. */
static int left_blank(gsl_rng *r, const synth_person *p, const synth_rowinfo *ri, double base)
{
    if (ri->mode != 1)
        return 0;
    return synth_draw_bern(r, base + (p->band >= 6 ? .025 : 0));
}

/* One single-choice answer: the code, or 9 when a mail respondent left it blank. Returns 1
 * when the answer is there (used for skip logic). */
static int single(synth_csv *w, synth_layout lay, gsl_rng *r, const synth_person *p,
                  const synth_rowinfo *ri, int code)
{
    if (lay == SYNTH_LAYOUT_SAITAMA && left_blank(r, p, ri, .008)) {
        synth_csv_int(w, SYNTH_NA);
        return 0;
    }
    synth_csv_int(w, code);
    return 1;
}

/* A multiple answer: BITS (0 = not asked: empty cells). */
static void multi(synth_csv *w, synth_layout lay, gsl_rng *r, const synth_person *p,
                  const synth_rowinfo *ri, synth_col col, unsigned bits, int asked)
{
    int n = (int)multi_options(col)->n;
    if (lay == SYNTH_LAYOUT_YAMAGATA) {
        for (int k = 0; k < n; k++) {
            if (!asked)
                synth_csv_empty(w);
            else
                synth_csv_int(w, (bits >> k) & 1u);
        }
        return;
    }
    if (!asked) {
        synth_csv_empty(w);
        return;
    }
    if (left_blank(r, p, ri, .008)) {
        synth_csv_int(w, SYNTH_NA_MULTI);
        return;
    }
    char cell[64];
    size_t len = 0;
    for (int k = 0; k < n; k++)
        if ((bits >> k) & 1u) {
            if (len)
                cell[len++] = ';';
            int code = multi_options(col)->opt[k].code;
            if (code >= 10)
                cell[len++] = (char)('0' + code / 10);
            cell[len++] = (char)('0' + code % 10);
        }
    cell[len] = '\0'; /* at most 10 options of 2 digits + separators: fits */
    synth_csv_field(w, cell);
}

ts_status synth_raw_row(synth_csv *w, synth_layout lay, const synth_popspec *spec,
                           const synth_rowinfo *ri, const synth_person *p, gsl_rng *r,
                           ts_err *err)
{
    int sa = lay == SYNTH_LAYOUT_SAITAMA;
    synth_buf b = SYNTH_BUF_INIT;
    if (ri->truncate_at)
        synth_csv_truncate_at(w, ri->truncate_at);
    synth_csv_int(w, ri->id);
    if (sa) {
        synth_csv_int(w, ri->mode);
        synth_csv_int(w, spec->area[p->area].munis[p->muni].code);
        if (left_blank(r, p, ri, .004))
            synth_csv_int(w, SYNTH_NA);
        else
            synth_csv_int(w, p->sex);
        if (left_blank(r, p, ri, .004))
            synth_csv_int(w, SYNTH_NA_AGE);
        else
            synth_csv_int(w, ri->age_override > 0 ? ri->age_override : p->age);
    } else {
        synth_raw_timestamp(&b, ri->ts);
        synth_csv_field(w, synth_buf_cstr(&b));
        synth_csv_int(w, ri->channel);
        synth_csv_int(w, ri->seconds);
        synth_csv_int(w, p->sex);
        synth_csv_int(w, ri->age_override > 0 ? ri->age_override : p->age);
    }
    single(w, lay, r, p, ri, p->alone);
    int lonely_given = single(w, lay, r, p, ri, p->lonely);
    for (int i = 0; i < 3; i++)
        single(w, lay, r, p, ri, p->ucla[i]);
    int goout_given = single(w, lay, r, p, ri, p->goout);
    if (p->since && goout_given)
        single(w, lay, r, p, ri, p->since);
    else
        synth_csv_empty(w);
    int consult_given = single(w, lay, r, p, ri, p->consult);
    multi(w, lay, r, p, ri, SYNTH_COL_WHO, p->who, consult_given && p->consult == 1);
    multi(w, lay, r, p, ri, SYNTH_COL_EVENTS, p->events, lonely_given && p->lonely >= 3);
    multi(w, lay, r, p, ri, SYNTH_COL_HELP, p->help, 1);
    if (p->comment)
        synth_csv_field(w, synth_comments[p->comment - 1]);
    else
        synth_csv_empty(w);
    int oom = b.oom;
    synth_buf_free(&b);
    if (oom)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    return synth_csv_end(w, err);
}

static int popcount(unsigned v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

void synth_raw_yamagata_info(gsl_rng *r, const synth_person *p, synth_rowinfo *ri)
{
    /* ILLUSTRATIVE timing: flyers from the first day on, tailing off; the city's SNS posts
     * on 11/19 and 12/1; the panel fielded 11/28-12/5. Fieldwork 11/19-12/16 is real. */
    enum { DAYS = 28 };
    double day_w[DAYS];
    ri->channel = synth_design_yamagata_channel(r, p->band);
    for (int d = 0; d < DAYS; d++) {
        if (ri->channel == 1)
            day_w[d] = 33 - d;
        else if (ri->channel == 2)
            day_w[d] = 1 + (d <= 1 ? 20 : 0) + (d == 12 || d == 13 ? 15 : 0);
        else
            day_w[d] = d >= 9 && d <= 16 ? 10 : 0.3;
    }
    static const double hour_w[24] = {1,   .5,  .3,  .2,  .2,  .3,  .8, 1.5, 2, 2.5, 2.5, 2.5,
                                      3,   2.5, 2,   2,   2.2, 2.5, 3,  3.5, 4, 4,   3,   2};
    int day = synth_draw_weighted(r, day_w, DAYS);
    int hour = synth_draw_weighted(r, hour_w, 24);
    ri->ts = (long)day * 86400 + hour * 3600 + (long)gsl_rng_uniform_int(r, 3600);
    /* about three minutes (local-surveys.md), longer with more options ticked; a few leave
     * the page open */
    int ticks = popcount(p->who) + popcount(p->events) + popcount(p->help);
    double u = gsl_rng_uniform(r) + gsl_rng_uniform(r) + gsl_rng_uniform(r);
    ri->seconds = 60 + (int)(75 * u) + 3 * ticks + (p->comment ? 40 : 0);
    if (synth_draw_bern(r, .03))
        ri->seconds += 600 + (int)gsl_rng_uniform_int(r, 3000);
}
