/* numparse.h — strict number parsing for survey cells: the whole cell must be the number
 * (ASCII spaces around it allowed), no locale, no hex, no "nan" or "inf". */
#ifndef TS_NUMPARSE_H
#define TS_NUMPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Return 0 and set *OUT, or -1 when S[0..N) is not an integer that fits in int64. */
int ts_parse_int64(const char *s, size_t n, int64_t *out);
/* Return 0 and set *OUT, or -1 when S[0..N) is not a finite decimal number. */
int ts_parse_double(const char *s, size_t n, double *out);
/* Whether S[0..N) is empty or only ASCII spaces and tabs. */
int ts_is_blank(const char *s, size_t n);
/* Shrink [*S, *S + *N) past ASCII spaces and tabs at both ends. */
void ts_trim(const char **s, size_t *n);
/* Format X the shortest way that reads back as the same double ("12.5", "3", "0.1"). */
void ts_format_double(double x, char buf[32]);

#endif
