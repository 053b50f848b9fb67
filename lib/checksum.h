/* checksum.h — SHA-256 of input files, for provenance records (OpenSSL libcrypto). */
#ifndef TS_CHECKSUM_H
#define TS_CHECKSUM_H

#include "status.h"

/* Write the lower-case hex SHA-256 of the bytes of PATH (as stored, before any gzip
 * decompression) into HEX (65 bytes with the NUL). */
ts_status ts_checksum_file(const char *path, char hex[65], ts_err *err);

#endif
