/* timestamp.c — read the answer timestamps form tools export (timestamp.h). A small scanner
 * over tokens: numbers (ASCII or full-width digits), the separators / - : . T, the Japanese
 * unit characters 年 月 日 時 分 秒, 午前/午後 and AM/PM, and a trailing zone. */
#include "timestamp.h"

#include <string.h>

typedef struct scan {
    const char *p, *end;
} scan;

/* A full-width digit ０-９ is EF BC 90..99 in UTF-8. */
static int digit_at(const scan *s, int *d, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s->p;
    if (s->p < s->end && *p >= '0' && *p <= '9') {
        *d = *p - '0';
        *len = 1;
        return 1;
    }
    if (s->end - s->p >= 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99) {
        *d = p[2] - 0x90;
        *len = 3;
        return 1;
    }
    return 0;
}

/* A number of 1..MAXD digits; its digit count in *NDIG. Returns 0 when there is none. */
static int number(scan *s, int maxd, int *out, int *ndig)
{
    int d, v = 0, k = 0;
    size_t len;
    while (k < maxd + 1 && digit_at(s, &d, &len)) {
        v = v * 10 + d;
        s->p += len;
        k++;
    }
    if (k == 0 || k > maxd)
        return 0;
    *out = v;
    if (ndig)
        *ndig = k;
    return 1;
}

static void spaces(scan *s)
{
    for (;;) {
        if (s->p < s->end && (*s->p == ' ' || *s->p == '\t'))
            s->p++;
        else if (s->end - s->p >= 3 && memcmp(s->p, "\xE3\x80\x80", 3) == 0) /* U+3000 */
            s->p += 3;
        else
            return;
    }
}

static int word(scan *s, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(s->end - s->p) >= n && memcmp(s->p, w, n) == 0) {
        s->p += n;
        return 1;
    }
    return 0;
}

static int word_nocase(scan *s, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(s->end - s->p) < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s->p[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        if (c != w[i])
            return 0;
    }
    s->p += n;
    return 1;
}

/* 午前/AM → 1, 午後/PM → 2, none → 0 */
static int meridiem(scan *s)
{
    spaces(s);
    if (word(s, "午前") || word_nocase(s, "AM") || word_nocase(s, "A.M."))
        return 1;
    if (word(s, "午後") || word_nocase(s, "PM") || word_nocase(s, "P.M."))
        return 2;
    return 0;
}

/* A zone after the time: GMT+9, UTC+09:00, JST, Z, +09:00, -0500. Read and ignored. */
static void zone(scan *s)
{
    spaces(s);
    (void)(word_nocase(s, "GMT") || word_nocase(s, "UTC") || word_nocase(s, "JST") || word_nocase(s, "Z"));
    if (s->p < s->end && (*s->p == '+' || *s->p == '-')) {
        scan t = *s;
        int h, m, nd;
        t.p++;
        if (number(&t, 4, &h, &nd)) {
            if (nd <= 2 && t.p < t.end && *t.p == ':') {
                t.p++;
                if (!number(&t, 2, &m, NULL))
                    return;
            }
            *s = t;
        }
    }
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : d[m - 1];
}

/* The date: Y/M/D, Y-M-D, Y年M月D日, or M/D/Y (four-digit year last). */
static int date(scan *s, ts_timestamp *t)
{
    int a, b, c, na, nc;
    if (!number(s, 4, &a, &na))
        return 0;
    if (na == 4) {
        char sep = s->p < s->end ? *s->p : 0;
        int kanji = 0;
        if (sep == '/' || sep == '-' || sep == '.')
            s->p++;
        else if (word(s, "年"))
            kanji = 1;
        else
            return 0;
        if (!number(s, 2, &b, NULL))
            return 0;
        if (kanji ? !word(s, "月") : (s->p >= s->end || *s->p++ != sep))
            return 0;
        if (!number(s, 2, &c, NULL))
            return 0;
        if (kanji && !word(s, "日"))
            return 0;
        t->year = a, t->month = b, t->day = c;
    } else {
        if (s->p >= s->end || *s->p != '/')
            return 0;
        s->p++;
        if (!number(s, 2, &b, NULL) || s->p >= s->end || *s->p++ != '/' || !number(s, 4, &c, &nc) || nc != 4)
            return 0;
        t->year = c, t->month = a, t->day = b;
    }
    return t->year >= 1900 && t->year <= 9000 && t->month >= 1 && t->month <= 12 && t->day >= 1 &&
           t->day <= days_in(t->year, t->month);
}

/* The time: H:MM[:SS[.fff]] or H時M分[S秒]. Returns 0 when there is no time, 1 when read,
 * -1 when malformed. */
static int clock_time(scan *s, ts_timestamp *t)
{
    int h, m = 0, sec = 0;
    if (!number(s, 2, &h, NULL))
        return 0;
    if (word(s, "時")) {
        if (number(s, 2, &m, NULL)) {
            if (!word(s, "分"))
                return -1;
            if (number(s, 2, &sec, NULL) && !word(s, "秒"))
                return -1;
        }
    } else {
        if (s->p >= s->end || *s->p++ != ':' || !number(s, 2, &m, NULL))
            return -1;
        if (s->p < s->end && *s->p == ':') {
            s->p++;
            if (!number(s, 2, &sec, NULL))
                return -1;
            if (s->p < s->end && (*s->p == '.' || *s->p == ',')) { /* a fraction: dropped */
                int d, k = 0;
                size_t len;
                s->p++;
                while (digit_at(s, &d, &len)) /* any number of digits: not summed, cannot overflow */
                    s->p += len, k++;
                if (k == 0)
                    return -1;
            }
        }
    }
    t->hour = h, t->minute = m, t->second = sec;
    return m <= 59 && sec <= 59 ? 1 : -1;
}

int ts_timestamp_parse(const char *str, size_t n, ts_timestamp *out)
{
    scan s = {str, str + n};
    ts_timestamp t = {0, 0, 0, 0, 0, 0};
    spaces(&s);
    if (!date(&s, &t))
        return -1;
    int have_t = s.p < s.end && *s.p == 'T';
    if (have_t)
        s.p++;
    int mer = meridiem(&s);
    spaces(&s);
    int got = clock_time(&s, &t);
    if (got < 0 || (have_t && got == 0) || (mer && got == 0))
        return -1;
    if (!mer)
        mer = got ? meridiem(&s) : 0;
    if (mer) {
        /* 12-hour clock: 12 AM is midnight, 12 PM noon; 午後0時 is noon too (Japanese usage) */
        if (t.hour > 12)
            return -1;
        if (mer == 1 && t.hour == 12)
            t.hour = 0;
        else if (mer == 2 && t.hour < 12)
            t.hour += 12;
    }
    if (t.hour > 23)
        return -1;
    if (got)
        zone(&s);
    spaces(&s);
    if (s.p != s.end)
        return -1;
    *out = t;
    return 0;
}

int64_t ts_timestamp_number(const ts_timestamp *t)
{
    return ((((int64_t)t->year * 100 + t->month) * 100 + t->day) * 100 + t->hour) * 10000 + t->minute * 100 + t->second;
}

/* Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms" (howardhinnant.github.io/date_algorithms.html). */
long long ts_days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

void ts_civil_from_days(long long z, int *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long yy = (long long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}
