/* check.h — the fuzz targets' invariant check. A target defines FUZZ_NAME (its name, e.g.
 * "fuzz_counts") and includes this; CHECK(c) then prints "fuzz_counts: FILE:LINE: c" and
 * aborts when C is false, which libFuzzer (and the replay, make check-fuzz-replay) report as a
 * crash on that input, as they do a sanitizer's report. */
#ifndef TS_FUZZ_CHECK_H
#define TS_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(c)                                                                     \
    do {                                                                             \
        if (!(c)) {                                                                  \
            fprintf(stderr, FUZZ_NAME ": %s:%d: %s\n", __FILE__, __LINE__, #c);      \
            abort();                                                                 \
        }                                                                            \
    } while (0)

#endif
