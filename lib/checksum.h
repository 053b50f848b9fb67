/* checksum.h — SHA-256 of input files, for provenance records (OpenSSL libcrypto). */
#ifndef TS_CHECKSUM_H
#define TS_CHECKSUM_H

#include <stddef.h>

#include "status.h"

/* Write the lower-case hex SHA-256 of the bytes of PATH (as stored, before any gzip
 * decompression) into HEX (65 bytes with the NUL). */
ts_status ts_checksum_file(const char *path, char hex[65], ts_err *err);
/* The same for the N bytes at DATA (borrowed). */
ts_status ts_checksum_mem(const void *data, size_t n, char hex[65], ts_err *err);

#endif
