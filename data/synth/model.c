/* model.c — see model.h. Every number below that is not cited is ILLUSTRATIVE: chosen so
 * that the synthetic population behaves like the published national results. */
#include "model.h"

#include <stdlib.h>

struct synth_model {
    /* P(direct question = k+1) by age band for the reference person (woman, not living
     * alone, has someone to consult, tilt 1), fitted in synth_model_new(). */
    double base[SYNTH_NBANDS][5];
};

/* Targets by age band: しばしば・常に and 「ある」計 (しばしば+時々+たまに), %. Published (R4,
 * national-survey.md): 20代 7.1 / 47.9, 30代 7.2 / 45.9, 50代 「ある」 46.2; R3: 40代 5.6,
 * 70代 1.8 (lowest). The other cells are ILLUSTRATIVE interpolations chosen so the overall
 * shares come out at R4's 4.9 (often) and 40.3 (any). */
static const double target_often[SYNTH_NBANDS] = {5.0, 7.1, 7.2, 6.0, 5.8, 3.8, 2.4, 3.0};
static const double target_any[SYNTH_NBANDS] = {42.0, 47.9, 45.9, 44.5, 46.2, 37.5, 32.0, 33.0};
/* Within 「ある」: 時々 / (時々 + たまに) = 15.8 / (15.8 + 19.6); within 「ない」:
 * 決してない / (決してない + ほとんどない) = 18.4 / (18.4 + 40.6) (R4 overall shares). */
#define SHARE_SOMETIMES (15.8 / 35.4)
#define SHARE_NEVER (18.4 / 59.0)

/* The reference population for the calibration: R4 respondents by sex x age band
 * (national-r4-respondents.csv, 令和5年版厚生労働白書). */
static const double r4_respondents[2][SYNTH_NBANDS] = {
    {160, 387, 548, 762, 913, 929, 997, 483},
    {158, 493, 662, 950, 974, 980, 1097, 622},
};

/* P(一人暮らし) by sex x band: ILLUSTRATIVE (young men and old women most often alone). */
static const double p_alone[2][SYNTH_NBANDS] = {
    {.03, .30, .18, .14, .15, .14, .15, .22},
    {.03, .20, .10, .07, .08, .12, .25, .38},
};

/* Tilts of the direct question (see tilt()). The no-one-to-consult tilt is what makes
 * しばしば・常に come out near the published 19.5% vs 3.2% (R4). ILLUSTRATIVE sizes. */
#define T_ALONE 1.30
#define T_NOCONSULT 2.5
#define T_MALE 1.0

/* P(相談相手がいない): about 1 in 10 overall (implied by the R4 figures 3.2%/19.5%/4.9%),
 * more often men and people living alone. ILLUSTRATIVE. */
static double p_noconsult(int band, int sex, int alone)
{
    static const double base[SYNTH_NBANDS] = {.04, .05, .065, .075, .085, .085, .075, .075};
    double p = base[band];
    if (sex == 1)
        p *= 1.3;
    if (alone == 1)
        p *= 1.8;
    return p;
}

/* UCLA: a latent level L (0..3) given the direct answer, then each item is L+1, one lower
 * (DOWN) or one higher (rest) — items agree with each other as real answers do. Tuned so the
 * score bands land near the published 10-12点 7.1% (R4) and 7点以上 45.7% (R6), and
 * 10-12点 4.9% vs 25.9% with / without someone to consult (R4). ILLUSTRATIVE. */
static const double p_level[5][4] = {
    {.62, .36, .02, .00},
    {.17, .66, .17, .00},
    {.04, .46, .49, .01},
    {.01, .25, .70, .04},
    {.00, .10, .70, .20},
};
#define ITEM_STAY .76
#define ITEM_DOWN .14
#define T_LEVEL_NOCONSULT 1.9

/* 外出頻度 by band (categories ILLUSTRATIVE): ほぼ毎日 … ほとんど外出しない. */
static const double p_goout[SYNTH_NBANDS][SYNTH_NGOOUT] = {
    {.80, .10, .06, .02, .02}, {.62, .20, .12, .04, .02}, {.62, .20, .12, .04, .02},
    {.62, .20, .12, .04, .02}, {.60, .21, .13, .04, .02}, {.45, .28, .18, .06, .03},
    {.35, .30, .22, .08, .05}, {.18, .25, .27, .16, .14},
};

/* w[k] = base[k] * t^k, normalised: t > 1 moves weight to the higher (lonelier) codes. */
static void tilt(const double *base, int n, double t, double *out)
{
    double f = 1, sum = 0;
    for (int k = 0; k < n; k++) {
        out[k] = base[k] * f;
        sum += out[k];
        f *= t;
    }
    for (int k = 0; k < n; k++)
        out[k] /= sum;
}

static double lonely_tilt(int sex, int alone, int consult)
{
    double t = sex == 1 ? T_MALE : 1.0;
    if (alone == 1)
        t *= T_ALONE;
    if (consult == 2)
        t *= T_NOCONSULT;
    return t;
}

/* Iterative proportional fitting of base[b] so that the mixture over sex (R4 respondents),
 * household and consultation reproduces the band's target shares exactly. */
static void calibrate_band(synth_model *m, int b)
{
    double o = target_often[b] / 100, a = target_any[b] / 100;
    double st = (a - o) * SHARE_SOMETIMES, nv = (1 - a) * SHARE_NEVER;
    double tg[5] = {nv, 1 - a - nv, a - o - st, st, o};
    double *base = m->base[b];
    for (int k = 0; k < 5; k++)
        base[k] = tg[k];
    for (int it = 0; it < 200; it++) {
        double mix[5] = {0}, total = 0;
        for (int sex = 1; sex <= 2; sex++)
            for (int alone = 1; alone <= 2; alone++)
                for (int consult = 1; consult <= 2; consult++) {
                    double pa = p_alone[sex - 1][b], pn = p_noconsult(b, sex, alone);
                    double w = r4_respondents[sex - 1][b] * (alone == 1 ? pa : 1 - pa) *
                               (consult == 2 ? pn : 1 - pn);
                    double d[5];
                    tilt(base, 5, lonely_tilt(sex, alone, consult), d);
                    for (int k = 0; k < 5; k++)
                        mix[k] += w * d[k];
                    total += w;
                }
        for (int k = 0; k < 5; k++)
            base[k] *= tg[k] / (mix[k] / total);
    }
}

synth_model *synth_model_new(void)
{
    synth_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    for (int b = 0; b < SYNTH_NBANDS; b++)
        calibrate_band(m, b);
    return m;
}

void synth_model_free(synth_model *m) { free(m); }

int synth_draw_weighted(gsl_rng *r, const double *w, int n)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    double u = gsl_rng_uniform(r) * total;
    int last = 0;
    for (int i = 0; i < n; i++) {
        if (w[i] <= 0)
            continue;
        last = i;
        if (u < w[i])
            return i;
        u -= w[i];
    }
    return last; /* rounding left u a hair above the last weight */
}

int synth_draw_bern(gsl_rng *r, double p) { return gsl_rng_uniform(r) < p; }

int synth_model_age(gsl_rng *r, int band)
{
    if (band == 0)
        return 16 + (int)gsl_rng_uniform_int(r, 4);
    if (band < 7)
        return 10 * (band + 1) + (int)gsl_rng_uniform_int(r, 10);
    /* 80..100 with weights 21, 20, ..., 1 (sum 231) */
    long u = (long)gsl_rng_uniform_int(r, 231);
    for (int age = 80, w = 21; age < 100; age++, w--) {
        if (u < w)
            return age;
        u -= w;
    }
    return 100;
}

int synth_person_ucla_score(const synth_person *p) { return p->ucla[0] + p->ucla[1] + p->ucla[2]; }

static void draw_ucla(gsl_rng *r, synth_person *p)
{
    double w[4];
    tilt(p_level[p->lonely - 1], 4, p->consult == 2 ? T_LEVEL_NOCONSULT : 1.0, w);
    int level = synth_draw_weighted(r, w, 4);
    for (int i = 0; i < 3; i++) {
        double u = gsl_rng_uniform(r);
        int v = level;
        if (u >= ITEM_STAY + ITEM_DOWN)
            v = level < 3 ? level + 1 : level;
        else if (u >= ITEM_STAY)
            v = level > 0 ? level - 1 : level;
        p->ucla[i] = (uint8_t)(v + 1);
    }
}

static void draw_goout(gsl_rng *r, synth_person *p)
{
    double w[SYNTH_NGOOUT];
    tilt(p_goout[p->band], SYNTH_NGOOUT, 1.0 + 0.1 * (p->lonely - 1), w);
    p->goout = (uint8_t)(1 + synth_draw_weighted(r, w, SYNTH_NGOOUT));
    p->since = 0;
    if (p->goout >= 4) {
        /* ILLUSTRATIVE: older people have kept to home longer */
        double d[SYNTH_NSINCE] = {.25, .20, .30, .25};
        if (p->band >= 6) {
            d[0] = .12;
            d[3] = .43;
        }
        p->since = (uint8_t)(1 + synth_draw_weighted(r, d, SYNTH_NSINCE));
    }
}

/* Whom they consult: ILLUSTRATIVE rates; at least one is chosen. */
static void draw_who(gsl_rng *r, synth_person *p)
{
    p->who = 0;
    if (p->consult != 1)
        return;
    int b = p->band;
    double pr[SYNTH_NWHO] = {
        .88,
        b <= 1 ? .75 : b <= 3 ? .60 : b <= 5 ? .45 : .35,
        b >= 6 ? .12 : b == 5 ? .06 : .02,
        b <= 1 ? .20 : b <= 4 ? .14 : .03,
        .03,
        .02,
        .01,
        b >= 6 ? .15 : b == 5 ? .07 : .02,
        .02,
    };
    for (int k = 0; k < SYNTH_NWHO; k++)
        if (synth_draw_bern(r, pr[k]))
            p->who |= (uint16_t)(1u << k);
    if (!p->who)
        p->who = 1; /* 家族・親族 */
}

/* Events behind loneliness, asked of those who feel lonely at least たまに. The published R5
 * shares (家族との死別 23.3, 一人暮らし 19.5, 心身 15.5) guided the rates; ILLUSTRATIVE. */
static void draw_events(gsl_rng *r, synth_person *p)
{
    p->events = 0;
    if (p->lonely < 3)
        return;
    int b = p->band;
    double f = p->lonely == 5 ? 1.4 : p->lonely == 4 ? 1.15 : 1.0;
    double pr[SYNTH_NEVENTS - 1] = {
        b >= 7 ? .42 : b >= 5 ? .32 : .10,
        p->alone == 1 ? .60 : .04,
        b >= 5 ? .20 : .12,
        b <= 2 ? .22 : b <= 4 ? .15 : .06,
        b <= 1 ? .12 : b <= 4 ? .08 : .02,
        b >= 1 && b <= 2 ? .12 : .05,
        b >= 3 && b <= 5 ? .10 : .04,
        .20,
        .04,
    };
    for (int k = 0; k < SYNTH_NEVENTS - 1; k++)
        if (synth_draw_bern(r, pr[k] * f))
            p->events |= (uint16_t)(1u << k);
    if (!p->events)
        p->events = (uint16_t)(1u << (SYNTH_NEVENTS - 1)); /* 特にない */
}

/* What would help: ILLUSTRATIVE rates; 特にない excludes the others. */
static void draw_help(gsl_rng *r, synth_person *p)
{
    int b = p->band;
    p->help = 0;
    if (synth_draw_bern(r, p->lonely == 1 ? .30 : .15)) {
        p->help = (uint16_t)(1u << (SYNTH_NHELP - 1));
        return;
    }
    double pr[SYNTH_NHELP - 1] = {
        .28,
        b <= 1 ? .35 : b <= 3 ? .22 : .08,
        .22,
        b >= 5 ? .22 : .08,
        .30,
        .25,
        b >= 1 && b <= 4 ? .20 : .10,
        .03,
    };
    for (int k = 0; k < SYNTH_NHELP - 1; k++)
        if (synth_draw_bern(r, pr[k]))
            p->help |= (uint16_t)(1u << k);
    if (!p->help)
        p->help = (uint16_t)(1u << (SYNTH_NHELP - 1));
}

void synth_model_answers(const synth_model *m, gsl_rng *r, const synth_area_effect *fx,
                         synth_person *p)
{
    double pa = p_alone[p->sex - 1][p->band] * fx->alone_mult;
    p->alone = synth_draw_bern(r, pa < .95 ? pa : .95) ? 1 : 2;
    p->consult = synth_draw_bern(r, p_noconsult(p->band, p->sex, p->alone)) ? 2 : 1;

    double d[5];
    tilt(m->base[p->band], 5, fx->lonely_tilt * lonely_tilt(p->sex, p->alone, p->consult), d);
    p->lonely = (uint8_t)(1 + synth_draw_weighted(r, d, 5));

    draw_ucla(r, p);
    draw_goout(r, p);
    draw_who(r, p);
    draw_events(r, p);
    draw_help(r, p);
    p->comment = 0;
    if (synth_draw_bern(r, p->lonely >= 4 ? .09 : .06))
        p->comment = (uint8_t)(1 + gsl_rng_uniform_int(r, SYNTH_NCOMMENTS));
}
