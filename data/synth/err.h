/* err.h — the generator's one error type: a status plus a message that names the file.
 *
 * tsunagari-synth is a stand-alone program (it links nothing from lib/, so that the demo data
 * can be rebuilt while lib/ changes), so it carries this small copy of lib/status.h's idea.
 * Module code fills a synth_err and returns; only main.c turns a status into an exit code. */
#ifndef SYNTH_ERR_H
#define SYNTH_ERR_H

typedef enum {
    SYNTH_OK = 0,
    SYNTH_E_USAGE,     /* the caller's arguments are wrong */
    SYNTH_E_DATA,      /* a value cannot be written as asked (e.g. not encodable in CP932) */
    SYNTH_E_CANTCREAT, /* an output file cannot be created */
    SYNTH_E_IO,        /* a write failed part-way */
    SYNTH_E_NOMEM,     /* out of memory */
    SYNTH_E_INTERNAL   /* a bug: GSL or iconv returned something it never should */
} synth_status;

typedef struct synth_err {
    synth_status status;
    char *msg; /* owned; NULL when status == SYNTH_OK or when memory ran out */
} synth_err;

#define SYNTH_ERR_INIT {SYNTH_OK, NULL}

/* Record STATUS and a printf-style message in ERR (replacing any earlier one); returns STATUS.
 * ERR may be NULL. */
synth_status synth_err_set(synth_err *err, synth_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void synth_err_clear(synth_err *err);

/* The sysexits code for STATUS: 64 usage, 65 data, 73 can't create, 74 I/O, 70 otherwise. */
int synth_err_exit_code(synth_status status);
const char *synth_err_name(synth_status status);

#endif
