/* stream.h — benchmark-sized raw files: SIZE respondents drawn one at a time from a demo
 * population (never held in memory) and written in a demo layout, so the file ingests with
 * that demo's codebook. Memory stays constant whatever SIZE is. */
#ifndef SYNTH_STREAM_H
#define SYNTH_STREAM_H

#include "csvout.h"
#include "status.h"
#include "rawfile.h"

/* TRUTH may be NULL; otherwise the true values of the written respondents go there. */
ts_status synth_stream_population(const char *path, synth_layout lay, synth_enc enc,
                                     unsigned long long size, unsigned long seed,
                                     const char *truth, ts_err *err);

#endif
