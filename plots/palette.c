/* palette.c — see palette.h. */
#include "palette.h"

#include <math.h>

const ts_rgb TS_INK = {0.13, 0.13, 0.13};
const ts_rgb TS_GRID = {0.80, 0.80, 0.80};
const ts_rgb TS_TOTAL = {0.33, 0.33, 0.33};
const ts_rgb TS_HATCH_BG = {0.95, 0.95, 0.95};
const ts_rgb TS_HATCH = {0.55, 0.55, 0.55};

/* viridis at t = 0, 0.1, ..., 1 (matplotlib's _viridis_data, every 25.5th entry). */
static const double VIRIDIS[11][3] = {
    {0.267004, 0.004874, 0.329415}, {0.282623, 0.140926, 0.457517}, {0.253935, 0.265254, 0.529983},
    {0.206756, 0.371758, 0.553117}, {0.163625, 0.471133, 0.558148}, {0.127568, 0.566949, 0.550556},
    {0.134692, 0.658636, 0.517649}, {0.266941, 0.748751, 0.440573}, {0.477504, 0.821444, 0.318195},
    {0.741388, 0.873449, 0.149561}, {0.993248, 0.906157, 0.143936}};

static ts_rgb viridis(double t)
{
    if (t < 0)
        t = 0;
    if (t > 1)
        t = 1;
    double x = t * 10;
    int k = (int)floor(x);
    if (k >= 10)
        k = 9;
    double f = x - k;
    ts_rgb c = {VIRIDIS[k][0] + f * (VIRIDIS[k + 1][0] - VIRIDIS[k][0]),
                VIRIDIS[k][1] + f * (VIRIDIS[k + 1][1] - VIRIDIS[k][1]),
                VIRIDIS[k][2] + f * (VIRIDIS[k + 1][2] - VIRIDIS[k][2])};
    return c;
}

ts_rgb ts_palette_sequential(size_t i, size_t n)
{
    /* From pale yellow-green to deep blue-violet; the ends of viridis are left out (its
     * yellow is too light on white paper, its darkest purple hides black text borders). */
    const double light = 0.90, dark = 0.12;
    if (n <= 1)
        return viridis(0.5);
    return viridis(light - (light - dark) * (double)i / (double)(n - 1));
}

ts_rgb ts_palette_qualitative(size_t i)
{
    static const ts_rgb OKABE_ITO[7] = {
        {0.000, 0.447, 0.698}, /* blue */
        {0.902, 0.624, 0.000}, /* orange */
        {0.000, 0.620, 0.451}, /* bluish green */
        {0.835, 0.369, 0.000}, /* vermillion */
        {0.337, 0.706, 0.914}, /* sky blue */
        {0.800, 0.475, 0.655}, /* reddish purple */
        {0.941, 0.894, 0.259}, /* yellow */
    };
    return OKABE_ITO[i % 7];
}

static double linear(double c) { return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4); }

double ts_palette_luminance(ts_rgb c) { return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b); }
