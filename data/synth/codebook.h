/* codebook.h — write the codebook (docs/codebook.md) that tells tsunagari-ingest what each
 * column of a raw layout means. Generated from the same tables as the raw file, so a header
 * and its codebook row cannot disagree. */
#ifndef SYNTH_CODEBOOK_H
#define SYNTH_CODEBOOK_H

#include "status.h"
#include "popspec.h"
#include "rawfile.h"

ts_status synth_codebook_write(const char *path, synth_layout lay, const synth_popspec *spec,
                                  ts_err *err);

#endif
