/* popspec.h — the populations the demo surveys are drawn from: residents aged 16+ by area,
 * municipality, sex and age band, at real scale.
 *
 * Yamagata City: the 2020 census total (247,590) and the 2015 census age structure (real,
 * ../shared/facts/population.md); 0-14, 75-79 and 80+ are ILLUSTRATIVE fill-ins.
 * Saitama Prefecture: the 2020 census total (7,344,765, real); its split into five areas, the
 * municipalities in each, and the age structure of each area are ILLUSTRATIVE.
 * The derivations are integer arithmetic, documented in docs/synthetic-data.md. */
#ifndef SYNTH_POPSPEC_H
#define SYNTH_POPSPEC_H

#include <stddef.h>

#include "model.h"
#include "status.h"

typedef struct synth_muni {
    int code;          /* 地方公共団体コード, 5 digits without the check digit */
    const char *name;
    unsigned weight;   /* ILLUSTRATIVE share of the area's residents, relative */
} synth_muni;

typedef struct synth_area {
    int code;               /* 1.. as in the codebook */
    const char *ja, *en;
    synth_area_effect fx;
    const synth_muni *munis;
    size_t nmunis;
    long all_ages;                      /* residents of all ages (real scale) */
    long pop[2][SYNTH_NBANDS];          /* residents 16+ by sex (0 men, 1 women) x band */
} synth_area;

typedef struct synth_popspec {
    const char *name;      /* "yamagata-2022", "saitama-2022" */
    const char *title;
    long total_all_ages;   /* the census total the areas add up to */
    long scale;            /* one synthetic person stands for SCALE residents */
    size_t nareas;
    synth_area area[5];
} synth_popspec;

/* Fill SPEC. Returns TS_OK (these cannot fail today; the status keeps callers honest). */
ts_status synth_popspec_yamagata(synth_popspec *spec);
ts_status synth_popspec_saitama(synth_popspec *spec);

/* Residents 16+ of SPEC (real scale), and of one area. */
long synth_popspec_total16(const synth_popspec *spec);
long synth_area_total16(const synth_area *a);

/* Synthetic persons in a cell: round(pop / scale), half up. */
long synth_popspec_cell_size(const synth_popspec *spec, size_t area, int sex, int band);

#endif
