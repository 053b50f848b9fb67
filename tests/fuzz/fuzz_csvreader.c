/* fuzz_csvreader.c — libFuzzer target for the raw-export readers: lib/linereader.c (line ends
 * LF, CRLF and a lone CR, BOMs, NUL bytes, UTF-8/CP932 decoding) and lib/csvreader.c (quoting,
 * recovery after broken rows, positions) as every stage reads them, from memory.
 *
 * The first input byte chooses the encoding (bits 0-1: auto, utf-8, cp932; a BOM is the
 * file's own), whether the header's field count is enforced (bit 2), and whether the file is
 * read from disk as the stages read it, through zlib (bit 3: the rest gzip-compressed by the
 * target; bit 4: the rest as it is, so a mutated gzip file — seeds gz-* — is read as one);
 * the rest is the file. Besides ASan/UBSan, the target checks what callers rely on: line
 * numbers count up by one, no line holds a CR or LF, a record's lines are in order and after
 * the previous record's, every field is NUL-terminated at its length, a problem has a reason,
 * and the line reader accounts for every line end it reported. Read from disk, the lines
 * must be those read from memory (compressed by the target: the same text; as it is, without
 * the gzip magic bytes: the same bytes), and a compressed file reads to its end as gzip.
 *
 *   make fuzz                                  (needs clang; builds $(BUILD)/fuzz/fuzz_csvreader)
 *   build/fuzz/fuzz_csvreader tests/fuzz/corpus/csvreader
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler), so crashers kept as cases can be rerun without clang. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>
#include <zlib.h>

#include "csvreader.h"
#include "linereader.h"

#define FUZZ_NAME "fuzz_csvreader"
#include "check.h"

static ts_encoding pick_encoding(uint8_t b)
{
    static const ts_encoding encs[4] = {TS_ENC_AUTO, TS_ENC_UTF8, TS_ENC_CP932, TS_ENC_AUTO};
    return encs[b & 3];
}

/* What a read of lines saw: how it ended, how many lines, a hash of them. */
typedef struct digest {
    int got;
    unsigned long lines;
    uint64_t hash;
    int was_gzip;
} digest;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ ((const unsigned char *)p)[i]) * 1099511628211u;
    return h;
}

/* The file the disk modes write: made for each input and removed after it, so that none is
 * left behind however libFuzzer ends. */
static char disk_path[64];

static const char *disk_file(void)
{
    const char *dir = getenv("TMPDIR");
    snprintf(disk_path, sizeof disk_path, "%.40s/fuzz_csvreaderXXXXXX", dir && *dir && strlen(dir) < 40 ? dir : "/tmp");
    int fd = mkstemp(disk_path);
    CHECK(fd >= 0);
    close(fd);
    return disk_path;
}

/* Write N bytes at DATA to the disk file, gzip-compressed when GZ. */
static void write_disk(const uint8_t *data, size_t n, int gz)
{
    FILE *f = fopen(disk_path, "wb");
    CHECK(f);
    if (gz) {
        uLong cap = compressBound((uLong)n) + 32;
        unsigned char *out = malloc(cap);
        CHECK(out);
        z_stream z = {0};
        CHECK(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
        z.next_in = (unsigned char *)data;
        z.avail_in = (uInt)n;
        z.next_out = out;
        z.avail_out = (uInt)cap;
        CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
        CHECK(fwrite(out, 1, z.total_out, f) == z.total_out);
        deflateEnd(&z);
        free(out);
    } else {
        CHECK(fwrite(data, 1, n, f) == n);
    }
    CHECK(fclose(f) == 0);
}

static digest read_lines(const uint8_t *data, size_t n, ts_encoding enc, const char *path)
{
    ts_err err = TS_ERR_INIT;
    ts_linereader *r = path ? ts_linereader_open(path, enc, &err) : ts_linereader_open_mem(data, n, "fuzz.csv", enc, &err);
    CHECK(r);
    ts_line line;
    unsigned long expect = 1, ends = 0;
    int got;
    digest d = {.hash = 14695981039346656037u};
    while ((got = ts_linereader_next(r, &line, &err)) == 1) {
        d.hash = fnv(d.hash, &line.len, sizeof line.len);
        d.hash = fnv(d.hash, line.text, line.len);
        d.hash = fnv(d.hash, &line.problem, sizeof line.problem);
        d.hash = fnv(d.hash, &line.ended_by_cr, sizeof line.ended_by_cr);
        CHECK(line.lineno == expect++);
        CHECK(line.text[line.len] == '\0');
        CHECK(!memchr(line.text, '\n', line.len) && !memchr(line.text, '\r', line.len));
        CHECK(!line.ended_by_cr || line.ended_by_newline);
        CHECK(line.problem == TS_LINE_OK || line.problem_offset <= line.len);
        ends += line.ended_by_newline != 0;
    }
    if (got == 0) {
        unsigned long first = 0, cr = ts_linereader_cr_ends(r, &first);
        CHECK(cr + ts_linereader_lf_ends(r) == ends);
        CHECK(cr == 0 ? first == 0 : first >= 1 && first < expect);
    }
    d.got = got;
    d.lines = expect - 1;
    d.was_gzip = ts_linereader_was_gzip(r);
    if (ts_linereader_close(r, &err) != TS_OK)
        d.got = -1;
    ts_err_clear(&err);
    return d;
}

static void read_records(const uint8_t *data, size_t n, ts_encoding enc, int expect_fields, const char *path)
{
    ts_err err = TS_ERR_INIT;
    ts_csvreader *r = path ? ts_csvreader_open(path, enc, &err) : ts_csvreader_open_mem(data, n, "fuzz.csv", enc, &err);
    CHECK(r);
    ts_record rec;
    unsigned long last = 0;
    int first = 1;
    while (ts_csvreader_next(r, &rec, &err) == 1) {
        if (first && expect_fields)
            ts_csvreader_expect_fields(r, rec.nfields);
        first = 0;
        CHECK(rec.line > last && rec.last_line >= rec.line);
        last = rec.last_line;
        for (size_t i = 0; i < rec.nfields; i++)
            CHECK(rec.fields[i].s[rec.fields[i].len] == '\0');
        CHECK(rec.raw != NULL);
        if (rec.problem != TS_REC_OK)
            CHECK(rec.problem_text && rec.problem_text[0]);
    }
    ts_csvreader_close(r, &err);
    ts_err_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    ts_encoding enc = pick_encoding(data[0]);
    int gz = (data[0] & 8) != 0, raw = !gz && (data[0] & 16) != 0;
    digest mem = read_lines(data + 1, size - 1, enc, NULL);
    if (!gz && !raw) {
        read_records(data + 1, size - 1, enc, (data[0] & 4) != 0, NULL);
        return 0;
    }
    disk_file();
    write_disk(data + 1, size - 1, gz);
    digest disk = read_lines(NULL, 0, enc, disk_path);
    if (gz)
        CHECK(disk.got == 0 && (disk.was_gzip || size == 1)); /* zlib says so once it gives a byte */
    /* zlib takes a file for gzip by its first two bytes (and may fail before it gives one) */
    if (gz || !(size >= 3 && data[1] == 0x1f && data[2] == 0x8b))
        CHECK(disk.got == mem.got && disk.lines == mem.lines && disk.hash == mem.hash);
    read_records(NULL, 0, enc, (data[0] & 4) != 0, disk_path);
    unlink(disk_path);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
