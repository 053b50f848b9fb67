/* palette.h — colours that survive colour-blindness and greyscale printing.
 *
 * Ordered answers (決してない … しばしばある・常にある) take a sequential ramp sampled from
 * viridis (van der Walt & Smith, matplotlib 2015): perceptually uniform, readable by the
 * common colour-vision deficiencies, and monotone in lightness, so the order survives a
 * black-and-white copy. Unordered series take the Okabe–Ito palette (Okabe & Ito 2008,
 * "Color Universal Design"). */
#ifndef TS_PALETTE_H
#define TS_PALETTE_H

#include <stddef.h>

typedef struct ts_rgb {
    double r, g, b; /* 0..1 */
} ts_rgb;

/* Colour I of N ordered categories: I = 0 is the lightest, N - 1 the darkest. */
ts_rgb ts_palette_sequential(size_t i, size_t n);
/* Okabe–Ito colour I (cycles after 7; black is left out, it is the text colour). */
ts_rgb ts_palette_qualitative(size_t i);
/* Relative luminance (sRGB, WCAG 2), to pick black or white text on a fill. */
double ts_palette_luminance(ts_rgb c);

/* Fixed roles: text, grid, the whole-population bar, the suppressed-cell hatch. */
extern const ts_rgb TS_INK, TS_GRID, TS_TOTAL, TS_HATCH_BG, TS_HATCH;

#endif
