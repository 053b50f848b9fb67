/* numformat.h — numbers for tables a person reads (see numformat.c). */
#ifndef TS_NUMFORMAT_H
#define TS_NUMFORMAT_H

#include <stddef.h>

/* The decimals that give standard error SE two significant digits, 0..4 (2 when SE is not
 * a positive finite number). */
int ts_numformat_se_decimals(double se);

/* V with DEC decimals and thousands separators into BUF (LEN bytes, always terminated):
 * 20,313,812; −1,234.5 with U+2212 (UTF-8) for a negative value that does not round to 0;
 * "—" for NaN or infinity; %.6g beyond 1e18. */
void ts_numformat_grouped(double v, int dec, char *buf, size_t len);

#endif
