/* checksum.c — see checksum.h. */
#include "checksum.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>

ts_status ts_checksum_file(const char *path, char hex[65], ts_err *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ts_err_set(err, TS_E_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        sha256_update(&ctx, n, buf);
    int bad = ferror(fp);
    fclose(fp);
    if (bad)
        return ts_err_set(err, TS_E_IO, "%s: read error", path);
    unsigned char digest[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof digest, digest);
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return TS_OK;
}
