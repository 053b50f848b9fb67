/* status.h — one error type for all of lib/: a status code plus a message that names the
 * user's file and position. Library code fills a ts_err and returns; only a stage's main.c
 * turns a status into an exit code (ts_status_exit_code) and prints the message. */
#ifndef TS_STATUS_H
#define TS_STATUS_H

#include <stdarg.h>

typedef enum {
    TS_OK = 0,
    TS_E_USAGE,     /* the caller's arguments are wrong */
    TS_E_DATA,      /* the user's input is malformed or fails a check */
    TS_E_NOINPUT,   /* an input file does not exist or cannot be opened */
    TS_E_CANTCREAT, /* an output file cannot be created */
    TS_E_IO,        /* a read or write failed part-way */
    TS_E_NOMEM,     /* out of memory */
    TS_E_INTERNAL   /* a bug: a library returned something it never should */
} ts_status;

typedef struct ts_err {
    ts_status status;
    char *msg; /* owned; NULL when status == TS_OK */
} ts_err;

#define TS_ERR_INIT {TS_OK, NULL}

/* Record STATUS and a printf-style message in ERR (replacing any earlier one) and return
 * STATUS, so callers can write `return ts_err_set(err, TS_E_DATA, "...")`. ERR may be NULL. */
ts_status ts_err_set(ts_err *err, ts_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
ts_status ts_err_vset(ts_err *err, ts_status status, const char *fmt, va_list ap);

/* Prefix the current message with "PREFIX: " (used to add a file name on the way up). */
void ts_err_prefix(ts_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void ts_err_clear(ts_err *err);

/* A short English name for STATUS ("data error", "out of memory", ...). */
const char *ts_strerror(ts_status status);

/* The sysexits code for STATUS: 64 usage, 65 data, 66 no input, 73 can't create, 74 I/O,
 * 70 internal (and out of memory). */
int ts_status_exit_code(ts_status status);

#endif
