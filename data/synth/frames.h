/* frames.h — population tables that later stages weight with: Yamagata's margins (age band
 * x sex) and Saitama's sampling frame (per area, and per area x age band x sex). Formats in
 * docs/synthetic-data.md. All counts are real-scale residents aged 16+. */
#ifndef SYNTH_FRAMES_H
#define SYNTH_FRAMES_H

#include <stdint.h>
#include <stddef.h>

#include "status.h"
#include "population.h"
#include "popspec.h"

ts_status synth_frames_margins(const char *path, const synth_popspec *spec, ts_err *err);

/* SAMPLED: the person indexes of the drawn sample (NSAMPLED of them), counted per cell. */
ts_status synth_frames_saitama(const char *dir, const synth_population *pop,
                                  const uint32_t *sampled, size_t nsampled, ts_err *err);

/* DIR + "/" + NAME into a new string (caller frees); NULL when out of memory. */
char *synth_path_join(const char *dir, const char *name);

#endif
