/* status.c — see status.h. */
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

ts_status ts_err_vset(ts_err *err, ts_status status, const char *fmt, va_list ap)
{
    if (!err)
        return status;
    free(err->msg);
    err->status = status;
    err->msg = vformat(fmt, ap);
    return status;
}

ts_status ts_err_set(ts_err *err, ts_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_err_vset(err, status, fmt, ap);
    va_end(ap);
    return status;
}

void ts_err_prefix(ts_err *err, const char *fmt, ...)
{
    if (!err || err->status == TS_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *prefix = vformat(fmt, ap);
    va_end(ap);
    if (!prefix)
        return;
    const char *old = err->msg ? err->msg : ts_strerror(err->status);
    size_t n = strlen(prefix) + 2 + strlen(old) + 1;
    char *joined = malloc(n);
    if (joined) {
        snprintf(joined, n, "%s: %s", prefix, old);
        free(err->msg);
        err->msg = joined;
    }
    free(prefix);
}

void ts_err_clear(ts_err *err)
{
    if (!err)
        return;
    free(err->msg);
    err->msg = NULL;
    err->status = TS_OK;
}

const char *ts_strerror(ts_status status)
{
    switch (status) {
    case TS_OK: return "success";
    case TS_E_USAGE: return "usage error";
    case TS_E_DATA: return "data error";
    case TS_E_NOINPUT: return "cannot open input";
    case TS_E_CANTCREAT: return "cannot create output";
    case TS_E_IO: return "input/output error";
    case TS_E_NOMEM: return "out of memory";
    case TS_E_INTERNAL: return "internal error";
    }
    return "unknown error";
}

int ts_status_exit_code(ts_status status)
{
    switch (status) {
    case TS_OK: return 0;
    case TS_E_USAGE: return 64;
    case TS_E_DATA: return 65;
    case TS_E_NOINPUT: return 66;
    case TS_E_CANTCREAT: return 73;
    case TS_E_IO: return 74;
    case TS_E_NOMEM:
    case TS_E_INTERNAL: return 70;
    }
    return 70;
}
