/* Unit tests for lib/timestamp.c: the answer timestamps of form-tool exports, as the number
 * YYYYMMDDhhmmss that --id timestamp builds ids from. */
#include "harness.h"
#include "timestamp.h"

/* S reads as the number WANT (YYYYMMDDhhmmss); WANT 0: S is refused. */
static int reads_as(const char *s, long long want)
{
    ts_timestamp t;
    int rc = ts_timestamp_parse(s, strlen(s), &t);
    long long got = rc == 0 ? (long long)ts_timestamp_number(&t) : 0;
    if (got != want)
        fprintf(stderr, "\"%s\": got %lld, expected %lld\n", s, got, want);
    return got == want;
}

int main(void)
{
    /* Google Forms (ja), Microsoft Forms, Excel */
    T_CHECK(reads_as("2026/11/02 9:00:00", 20261102090000LL));
    T_CHECK(reads_as("2026/11/2 9:05", 20261102090500LL));
    T_CHECK(reads_as("2026/11/02", 20261102000000LL));
    T_CHECK(reads_as("  2026/11/02 23:59:59  ", 20261102235959LL));
    /* Google Forms in some locales: 午前/午後 before the time and a zone after */
    T_CHECK(reads_as("2026/11/02 午後 3:04:05 GMT+9", 20261102150405LL));
    T_CHECK(reads_as("2026/11/02 午前 12:30:00 GMT+9", 20261102003000LL));
    T_CHECK(reads_as("2026/11/02 午後 0:10:00", 20261102121000LL));
    T_CHECK(reads_as("2026/11/02 午後 12:10:00", 20261102121000LL));
    T_CHECK(reads_as("2026/11/02 3:04:05 午後", 20261102150405LL));
    /* ISO 8601 */
    T_CHECK(reads_as("2026-11-02T09:00:00+09:00", 20261102090000LL));
    T_CHECK(reads_as("2026-11-02T09:00:00.123Z", 20261102090000LL));
    T_CHECK(reads_as("2026-11-02 09:00:00 +0900", 20261102090000LL));
    T_CHECK(reads_as("2024-2-29T23:59:5,98888888888888888888888Z", 20240229235905LL)); /* fuzz_timestamp: a long fraction overflowed */
    T_CHECK(reads_as("2026-11-02 09:00 JST", 20261102090000LL));
    /* SurveyMonkey: month/day/year, 12-hour clock */
    T_CHECK(reads_as("11/02/2026 03:04:05 PM", 20261102150405LL));
    T_CHECK(reads_as("11/02/2026 12:00:00 AM", 20261102000000LL));
    T_CHECK(reads_as("1/2/2026 1:02:03 pm", 20260102130203LL));
    /* Japanese units and full-width digits, an ideographic space */
    T_CHECK(reads_as("2026年11月2日 15時04分05秒", 20261102150405LL));
    T_CHECK(reads_as("2026年11月2日", 20261102000000LL));
    T_CHECK(reads_as("２０２６／１１／０２ ９:００:００", 0)); /* full-width slash is not a separator */
    T_CHECK(reads_as("２０２６/１１/０２\xE3\x80\x80９:００", 20261102090000LL));
    /* leap days */
    T_CHECK(reads_as("2024/02/29 10:00", 20240229100000LL));
    T_CHECK(reads_as("2026/02/29 10:00", 0));
    T_CHECK(reads_as("1900/02/29", 0));
    T_CHECK(reads_as("2000/02/29", 20000229000000LL));
    /* refused */
    T_CHECK(reads_as("", 0));
    T_CHECK(reads_as("2026/13/01", 0));
    T_CHECK(reads_as("2026/11/31", 0));
    T_CHECK(reads_as("2026/11/02 24:00:00", 0));
    T_CHECK(reads_as("2026/11/02 9:60", 0));
    T_CHECK(reads_as("2026/11/02 13:00 PM", 0));
    T_CHECK(reads_as("2026/11-02", 0));
    T_CHECK(reads_as("02/11/26", 0));
    T_CHECK(reads_as("1899/12/31", 0));
    T_CHECK(reads_as("9000/12/31 23:59:59", 90001231235959LL));
    T_CHECK(reads_as("9021-6-1", 0)); /* an id past 2^53 (found by fuzz_timestamp) */
    T_CHECK(reads_as("2026/11/02 9", 0));
    T_CHECK(reads_as("2026/11/02T", 0));
    T_CHECK(reads_as("2026/11/02 午後", 0));
    T_CHECK(reads_as("2026/11/02 9:00:00 extra", 0));
    T_CHECK(reads_as("20261102", 0));
    T_CHECK(reads_as("2026/11/02 9:00:00 GMT+9 x", 0));
    /* the calendar arithmetic: known days, and every day of 1582..2400 there and back */
    T_CHECK(ts_days_from_civil(1970, 1, 1) == 0 && ts_days_from_civil(2000, 3, 1) == 11017);
    T_CHECK(ts_days_from_civil(1582, 10, 14) == -141428 && ts_days_from_civil(1899, 12, 30) == -25569);
    int yy, mm, dd, roundtrip = 1;
    for (long long z = ts_days_from_civil(1582, 1, 1); z <= ts_days_from_civil(2400, 12, 31); z++) {
        ts_civil_from_days(z, &yy, &mm, &dd);
        roundtrip &= ts_days_from_civil(yy, (unsigned)mm, (unsigned)dd) == z && mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
    }
    T_CHECK(roundtrip);
    ts_civil_from_days(-1, &yy, &mm, &dd);
    T_CHECK(yy == 1969 && mm == 12 && dd == 31);
    ts_civil_from_days(ts_days_from_civil(2024, 2, 29) + 1, &yy, &mm, &dd);
    T_CHECK(yy == 2024 && mm == 3 && dd == 1);
    /* a NUL inside the cell is not the end */
    ts_timestamp t;
    T_CHECK(ts_timestamp_parse("2026/11/02\0 9:00", 15, &t) != 0);
    T_DONE();
}
