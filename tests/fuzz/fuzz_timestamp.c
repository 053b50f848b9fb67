/* fuzz_timestamp.c — libFuzzer target for lib/timestamp.c, the answer times --id timestamp
 * makes ids from. Besides ASan/UBSan it checks what ingest relies on: an accepted time is a
 * real calendar date and clock time (so YYYYMMDDhhmmss × 100 + 99 stays below 2^53), and
 * writing it back as "YYYY/MM/DD hh:mm:ss" reads to the same number.
 *
 *   make fuzz && build/fuzz/fuzz_timestamp tests/fuzz/corpus/timestamp
 *
 * Built with -DTS_FUZZ_MAIN it replays the files named on its command line. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timestamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ts_timestamp t;
    if (ts_timestamp_parse((const char *)data, size, &t) != 0)
        return 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (t.year < 1900 || t.year > 9000 || t.month < 1 || t.month > 12 || t.day < 1 || t.day > mdays[t.month - 1] ||
        t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59 || t.second < 0 || t.second > 59)
        abort();
    int64_t n = ts_timestamp_number(&t);
    if (n * 100 + 99 > 9007199254740991LL)
        abort();
    char back[32];
    int k = snprintf(back, sizeof back, "%04d/%02d/%02d %02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute,
                     t.second);
    ts_timestamp u;
    if (ts_timestamp_parse(back, (size_t)k, &u) != 0 || ts_timestamp_number(&u) != n)
        abort();
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
