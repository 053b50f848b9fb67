/* err.c — see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

synth_status synth_err_set(synth_err *err, synth_status status, const char *fmt, ...)
{
    if (!err)
        return status;
    free(err->msg);
    err->msg = NULL;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return status;
    char *m = malloc((size_t)n + 1);
    if (!m)
        return status; /* the status still tells main.c what happened */
    va_start(ap, fmt);
    vsnprintf(m, (size_t)n + 1, fmt, ap);
    va_end(ap);
    err->msg = m;
    return status;
}

void synth_err_clear(synth_err *err)
{
    if (!err)
        return;
    free(err->msg);
    err->msg = NULL;
    err->status = SYNTH_OK;
}

int synth_err_exit_code(synth_status status)
{
    switch (status) {
    case SYNTH_OK: return 0;
    case SYNTH_E_USAGE: return 64;
    case SYNTH_E_DATA: return 65;
    case SYNTH_E_CANTCREAT: return 73;
    case SYNTH_E_IO: return 74;
    case SYNTH_E_NOMEM:
    case SYNTH_E_INTERNAL: return 70;
    }
    return 70;
}

const char *synth_err_name(synth_status status)
{
    switch (status) {
    case SYNTH_OK: return "success";
    case SYNTH_E_USAGE: return "usage error";
    case SYNTH_E_DATA: return "data error";
    case SYNTH_E_CANTCREAT: return "cannot create output";
    case SYNTH_E_IO: return "i/o error";
    case SYNTH_E_NOMEM: return "out of memory";
    case SYNTH_E_INTERNAL: return "internal error";
    }
    return "unknown error";
}
