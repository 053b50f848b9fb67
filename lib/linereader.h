/* linereader.h — physical lines of a raw export, decoded to UTF-8, with their line numbers.
 *
 * Reads plain or gzip files alike (zlib reads plain files through unchanged), strips a
 * leading UTF-8 BOM, guesses or applies the encoding, and converts CP932 to UTF-8. A line
 * ends at LF, CRLF or a CR alone: a lone CR is the line end of classic Mac OS files (Excel's
 * "CSV (Macintosh)") and of pieces pasted from them, and reading it as data would join two
 * respondents into one row; line numbers count every one of these line ends. A line
 * that cannot be decoded, holds a NUL byte or a stray byte-order mark is still returned —
 * with its raw bytes and a problem set — so the caller can reject it and go on. */
#ifndef TS_LINEREADER_H
#define TS_LINEREADER_H

#include <stddef.h>

#include "status.h"
#include "textenc.h"

typedef enum {
    TS_LINE_OK = 0,
    TS_LINE_BAD_ENCODING, /* not valid in the file's encoding (mixed encodings?) */
    TS_LINE_NUL,          /* holds a NUL byte */
    TS_LINE_BOM           /* a byte-order mark after the start of the file */
} ts_line_problem;

typedef struct ts_line {
    const char *text;        /* borrowed until the next call; no line terminator; NUL-terminated */
    size_t len;
    unsigned long lineno;    /* 1-based physical line number in the input */
    ts_line_problem problem;
    size_t problem_offset;   /* 0-based byte offset of the problem in TEXT */
    int ended_by_newline;    /* 0 only for a last line with no terminator */
    int ended_by_cr;         /* the line end was a CR alone (not LF, not CRLF) */
} ts_line;

typedef struct ts_linereader ts_linereader;

/* Open PATH ("-" for standard input). ENC may be TS_ENC_AUTO. Returns NULL and sets ERR
 * (TS_E_NOINPUT) when the file cannot be opened. */
ts_linereader *ts_linereader_open(const char *path, ts_encoding enc, ts_err *err);

/* Read the N bytes at DATA (plain text, not gzip) instead of a file; NAME stands for the file
 * in messages. DATA is borrowed and must outlive the reader. For tests and fuzzing. */
ts_linereader *ts_linereader_open_mem(const void *data, size_t n, const char *name, ts_encoding enc,
                                      ts_err *err);

/* Read the next line into LINE. Returns 1, 0 at end of input, or -1 with ERR set (an I/O
 * error, a damaged or truncated gzip stream, a line longer than 64 MiB). */
int ts_linereader_next(ts_linereader *r, ts_line *line, ts_err *err);

/* The encoding in force: the forced one, the guess once made, or TS_ENC_AUTO while every
 * byte so far was ASCII. */
ts_encoding ts_linereader_encoding(const ts_linereader *r);
/* Whether the input was gzip-compressed, and how many bytes (after decompression) were read. */
int ts_linereader_was_gzip(const ts_linereader *r);
unsigned long long ts_linereader_bytes(const ts_linereader *r);
/* Line ends read so far: how many were a CR alone, and the line the first of them ended
 * (0 when none); and how many were LF or CRLF. */
unsigned long ts_linereader_cr_ends(const ts_linereader *r, unsigned long *first_line);
unsigned long ts_linereader_lf_ends(const ts_linereader *r);
/* Whether the input began with a UTF-8 byte-order mark (which is not handed out). */
int ts_linereader_leading_bom(const ts_linereader *r);

/* Close. Returns TS_OK, or an error if zlib reports the stream damaged only now. */
ts_status ts_linereader_close(ts_linereader *r, ts_err *err);

#endif
