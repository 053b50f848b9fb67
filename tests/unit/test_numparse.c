/* Unit tests for lib/numparse.c: strict cell parsing and shortest number formatting. */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "numparse.h"

static int int_of(const char *s, long long *out)
{
    int64_t x;
    int rc = ts_parse_int64(s, strlen(s), &x);
    *out = (long long)x;
    return rc;
}

static int dbl_of(const char *s, double *out) { return ts_parse_double(s, strlen(s), out); }

int main(void)
{
    long long i;
    double d;
    T_CHECK(int_of("42", &i) == 0 && i == 42);
    T_CHECK(int_of("  -7 ", &i) == 0 && i == -7);
    T_CHECK(int_of("9223372036854775807", &i) == 0 && i == 9223372036854775807LL);
    T_CHECK(int_of("9223372036854775808", &i) == -1);
    T_CHECK(int_of("-9223372036854775808", &i) == 0);
    T_CHECK(int_of("4O", &i) == -1);   /* letter O, the classic typo */
    T_CHECK(int_of("", &i) == -1);
    T_CHECK(int_of("1.0", &i) == -1);
    T_CHECK(int_of("+", &i) == -1);

    T_CHECK(dbl_of("12.5", &d) == 0 && d == 12.5);
    T_CHECK(dbl_of(" 1e3 ", &d) == 0 && d == 1000);
    T_CHECK(dbl_of("nan", &d) == -1);
    T_CHECK(dbl_of("inf", &d) == -1);
    T_CHECK(dbl_of("0x10", &d) == -1);
    T_CHECK(dbl_of("1,5", &d) == -1);
    T_CHECK(dbl_of("1e999", &d) == -1);
    T_CHECK(dbl_of(".", &d) == -1);

    char buf[32];
    ts_format_double(30, buf);
    T_CHECK_STR(buf, "30");
    ts_format_double(0.1, buf);
    T_CHECK_STR(buf, "0.1");
    ts_format_double(3.25, buf);
    T_CHECK_STR(buf, "3.25");
    ts_format_double(1.0 / 3.0, buf);
    T_CHECK(strtod(buf, NULL) == 1.0 / 3.0);
    ts_format_double(-2, buf);
    T_CHECK_STR(buf, "-2");

    T_CHECK(ts_is_blank("  \t", 3));
    T_CHECK(!ts_is_blank(" x ", 3));
    T_DONE();
}
