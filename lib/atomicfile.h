/* atomicfile.h — outputs appear whole or not at all: write to a temporary file in the same
 * folder, then rename() it over the target. A failed run leaves no half-written file, and
 * neither does SIGTERM, SIGINT or SIGHUP: the first open installs a handler for each of them
 * still at its default action that unlinks the temporary files open, then dies of the signal
 * (atomicfile.c says how). */
#ifndef TS_ATOMICFILE_H
#define TS_ATOMICFILE_H

#include <stdio.h>

#include "status.h"

typedef struct ts_atomicfile ts_atomicfile;

/* Start writing PATH ("-" writes straight to stdout). Returns NULL and sets ERR
 * (TS_E_CANTCREAT) when the folder does not allow it. */
ts_atomicfile *ts_atomicfile_open(const char *path, ts_err *err);
/* ts_atomicfile_open for a stage's CSV results: the file begins with the UTF-8 byte-order mark
 * when BOM is set (Excel then reads it as UTF-8), then HEADER as it is (NULL: nothing). */
ts_atomicfile *ts_atomicfile_open_csv(const char *path, int bom, const char *header, ts_err *err);
FILE *ts_atomicfile_stream(ts_atomicfile *f);
/* Flush, check every write, and rename into place. Frees F whatever happens. */
ts_status ts_atomicfile_commit(ts_atomicfile *f, ts_err *err);
/* Throw the temporary file away. Frees F; NULL is fine. */
void ts_atomicfile_abort(ts_atomicfile *f);

#endif
