/* design.c — see design.h. */
#include "design.h"

void synth_design_srs(gsl_rng *r, uint32_t *perm, size_t begin, size_t end, size_t n)
{
    size_t N = end - begin;
    if (n > N)
        n = N;
    for (size_t i = 0; i < n; i++) {
        size_t j = i + (size_t)gsl_rng_uniform_int(r, (unsigned long)(N - i));
        uint32_t t = perm[begin + i];
        perm[begin + i] = perm[begin + j];
        perm[begin + j] = t;
    }
}

void synth_design_allocate(const double *w, size_t n, long total, long *out)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += w[i];
    long given = 0;
    double rem[64];
    for (size_t i = 0; i < n && i < 64; i++) {
        double q = sum > 0 ? total * (w[i] / sum) : 0;
        out[i] = (long)q;
        rem[i] = q - (double)out[i];
        given += out[i];
    }
    while (given < total) {
        size_t best = 0;
        for (size_t i = 1; i < n && i < 64; i++)
            if (rem[i] > rem[best])
                best = i;
        out[best]++;
        rem[best] = -1;
        given++;
    }
}

/* Response by band: the young answer least, the 70s most; women a little more. About half
 * overall, as the prefecture reported ("a little over 50% by mail"). ILLUSTRATIVE. */
double synth_design_saitama_response(const synth_person *p)
{
    static const double by_band[SYNTH_NBANDS] = {.36, .30, .38, .45, .52, .62, .66, .50};
    return by_band[p->band] + (p->sex == 2 ? .04 : 0);
}

double synth_design_saitama_web(const synth_person *p)
{
    static const double by_band[SYNTH_NBANDS] = {.70, .65, .55, .45, .35, .20, .08, .03};
    return by_band[p->band];
}

void synth_design_saitama_sample(const synth_population *pop, gsl_rng *r, uint32_t *perm,
                                 uint32_t *sample)
{
    size_t k = 0;
    for (size_t a = 0; a < pop->spec->nareas; a++) {
        size_t b = synth_population_area_begin(pop, a), e = synth_population_area_end(pop, a);
        synth_design_srs(r, perm, b, e, SYNTH_SAITAMA_PER_AREA);
        for (size_t i = 0; i < SYNTH_SAITAMA_PER_AREA; i++)
            sample[k++] = perm[b + i];
    }
}

/* Relative chance of answering, by band: schools (16-19), workplaces and the panel
 * (30s-50s) reach people; the oldest are hardly reached by a web survey. Women answer web
 * surveys more often. ILLUSTRATIVE. */
double synth_design_yamagata_propensity(int band, int sex)
{
    static const double by_band[SYNTH_NBANDS] = {1.5, 1.3, 1.9, 1.8, 1.4, 0.75, 0.30, 0.06};
    return by_band[band] * (sex == 2 ? 1.35 : 1.0);
}

int synth_design_yamagata_channel(gsl_rng *r, int band)
{
    static const double by_band[SYNTH_NBANDS][3] = {
        {.75, .20, .05}, {.30, .35, .35}, {.30, .25, .45}, {.30, .15, .55},
        {.30, .10, .60}, {.40, .05, .55}, {.65, .05, .30}, {.85, .05, .10},
    };
    return 1 + synth_draw_weighted(r, by_band[band], 3);
}
