/* timestamp.h — the date and time of an answer as form tools export it, for ids made from the
 * timestamp (tsunagari-ingest --id timestamp, docs/ingest.md).
 *
 * Accepted, with ASCII or full-width digits and any spaces between the parts:
 *   2026/11/02 9:00:00     2026-11-02 09:00     2026-11-02T09:00:00+09:00   (year first)
 *   2026/11/02 午後 3:04:05 GMT+9    2026/11/02 3:04:05 PM               (12-hour clock)
 *   11/02/2026 03:04:05 PM                                               (SurveyMonkey: month, day, year)
 *   2026年11月2日 15時04分05秒
 * Fractions of a second are dropped; a zone (GMT+9, JST, UTC, Z, +09:00, +0900) is read and
 * ignored: the clock time as written is the answer's, as the form tool showed it. A date
 * without a time is 00:00:00. Day/month/year order (02/11/2026 meaning 2 November) is not
 * accepted: it cannot be told from month/day/year. */
#ifndef TS_TIMESTAMP_H
#define TS_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ts_timestamp {
    int year, month, day, hour, minute, second;
} ts_timestamp;

/* Return 0 and set *OUT, or -1 when S[0..N) is not one date and time of the forms above
 * (a real calendar date, years 1900..9000 — so that an id YYYYMMDDhhmmss × 100 + 99 stays
 * below 2^53 —, hours 0..23, minutes and seconds 0..59). */
int ts_timestamp_parse(const char *s, size_t n, ts_timestamp *out);

/* Days since 1970-01-01 of the proleptic Gregorian date Y-M-D, and back (Howard Hinnant's
 * days_from_civil and civil_from_days, exact for every date): the one calendar arithmetic of
 * the readers that turn day counts into ISO dates (SPSS, Stata, Excel serial dates). */
long long ts_days_from_civil(long long y, unsigned m, unsigned d);
void ts_civil_from_days(long long days, int *y, int *m, int *d);

/* The timestamp as the number YYYYMMDDhhmmss (20261102090000): orders as time does. */
int64_t ts_timestamp_number(const ts_timestamp *t);

#endif
