/* csvwrite.h — writing CSV fields the way Excel and R read them back (RFC 4180). */
#ifndef TS_CSVWRITE_H
#define TS_CSVWRITE_H

#include <stddef.h>
#include <stdio.h>

/* Write S[0..N) as one field, quoted when it holds a comma, quote, CR or LF, or starts or
 * ends with a space (inner quotes doubled). */
void ts_csv_put(FILE *fp, const char *s, size_t n);
void ts_csv_put_str(FILE *fp, const char *s);
/* A separator before every field but the first of a row: call with the field's index. */
void ts_csv_sep(FILE *fp, size_t index);
/* The UTF-8 byte-order mark Excel on Japanese Windows needs to read UTF-8. */
void ts_csv_put_bom(FILE *fp);

#endif
