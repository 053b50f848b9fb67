/* Unit tests for lib/linereader.c and the line ends lib/csvreader.c builds on: LF, CRLF and a
 * CR alone all end a line (a lone CR used to join two respondents into one row); a CRLF cut in
 * two by the reader's 1 MiB buffer is still one line end; inside a quoted field a lone CR stays
 * part of the field. Reads from memory (ts_*_open_mem). */
#include <stdlib.h>
#include <string.h>

#include "csvreader.h"
#include "harness.h"
#include "linereader.h"

/* Every line of TEXT as "NUMBER:TEXT" with "/cr" after a lone-CR end, space-separated. */
static const char *lines_of(const char *text, size_t n)
{
    static char out[4096];
    out[0] = '\0';
    ts_err err = TS_ERR_INIT;
    ts_linereader *r = ts_linereader_open_mem(text, n, "mem.csv", TS_ENC_AUTO, &err);
    ts_line line;
    while (ts_linereader_next(r, &line, &err) == 1) {
        char one[256];
        snprintf(one, sizeof one, "%lu:%.*s%s ", line.lineno, (int)(line.len < 64 ? line.len : 64), line.text,
                 line.ended_by_cr ? "/cr" : "");
        strcat(out, one);
    }
    ts_linereader_close(r, &err);
    ts_err_clear(&err);
    return out;
}

/* Records of TEXT as "LINE:NFIELDS:PROBLEM", space-separated, field count fixed by the header. */
static const char *records_of(const char *text, size_t n)
{
    static char out[4096];
    out[0] = '\0';
    ts_err err = TS_ERR_INIT;
    ts_csvreader *r = ts_csvreader_open_mem(text, n, "mem.csv", TS_ENC_AUTO, &err);
    ts_record rec;
    int first = 1;
    while (ts_csvreader_next(r, &rec, &err) == 1) {
        if (first)
            ts_csvreader_expect_fields(r, rec.nfields);
        first = 0;
        char one[64];
        snprintf(one, sizeof one, "%lu:%zu:%d ", rec.line, rec.nfields, (int)rec.problem);
        strcat(out, one);
    }
    ts_csvreader_close(r, &err);
    ts_err_clear(&err);
    return out;
}

int main(void)
{
    /* LF, CRLF, a lone CR, and a last line with none */
    const char *mixed = "a\nb\r\nc\rd";
    T_CHECK_STR(lines_of(mixed, strlen(mixed)), "1:a 2:b 3:c/cr 4:d ");
    /* CR only (classic Mac); a CR as the very last byte ends the last line */
    const char *mac = "h\r1\r2\r";
    T_CHECK_STR(lines_of(mac, strlen(mac)), "1:h/cr 2:1/cr 3:2/cr ");
    /* CR CR LF: a lone CR, then a CRLF (an empty line) */
    const char *crcrlf = "x\r\r\ny\n";
    T_CHECK_STR(lines_of(crcrlf, strlen(crcrlf)), "1:x/cr 2: 3:y ");

    /* the counts the ingest summary reports */
    {
        ts_err err = TS_ERR_INIT;
        ts_linereader *r = ts_linereader_open_mem(mixed, strlen(mixed), "mem.csv", TS_ENC_AUTO, &err);
        ts_line line;
        while (ts_linereader_next(r, &line, &err) == 1)
            ;
        unsigned long first = 0;
        T_CHECK(ts_linereader_cr_ends(r, &first) == 1 && first == 3);
        T_CHECK(ts_linereader_lf_ends(r) == 2);
        ts_linereader_close(r, &err);
    }

    /* a CRLF whose CR is the last byte of the first 1 MiB read, its LF the first of the next */
    {
        size_t chunk = 1 << 20, n = chunk + 4;
        char *big = malloc(n);
        memset(big, 'x', n);
        big[chunk - 1] = '\r';
        big[chunk] = '\n';
        big[n - 1] = '\n';
        ts_err err = TS_ERR_INIT;
        ts_linereader *r = ts_linereader_open_mem(big, n, "mem.csv", TS_ENC_AUTO, &err);
        ts_line line;
        int got = ts_linereader_next(r, &line, &err);
        T_CHECK(got == 1 && line.len == chunk - 1 && !line.ended_by_cr);
        got = ts_linereader_next(r, &line, &err);
        T_CHECK(got == 1 && line.lineno == 2 && line.len == 2);
        T_CHECK(ts_linereader_next(r, &line, &err) == 0);
        T_CHECK(ts_linereader_cr_ends(r, NULL) == 0);
        ts_linereader_close(r, &err);
        free(big);
    }

    /* two respondents split by a lone CR are two records on lines 2 and 3 */
    const char *two = "id,x\n1,a\r2,b\n3,c\n";
    T_CHECK_STR(records_of(two, strlen(two)), "1:2:0 2:2:0 3:2:0 4:2:0 ");
    /* a lone CR inside quotes stays in the field; the record spans lines 2-3 */
    const char *quoted = "id,x\n1,\"a\rb\"\n2,c\n";
    T_CHECK_STR(records_of(quoted, strlen(quoted)), "1:2:0 2:2:0 4:2:0 ");
    {
        ts_err err = TS_ERR_INIT;
        ts_csvreader *r = ts_csvreader_open_mem(quoted, strlen(quoted), "mem.csv", TS_ENC_AUTO, &err);
        ts_record rec;
        ts_csvreader_next(r, &rec, &err);
        ts_csvreader_next(r, &rec, &err);
        T_CHECK_STR(rec.fields[1].s, "a\rb");
        T_CHECK(rec.line == 2 && rec.last_line == 3);
        T_CHECK(rec.raw_len == 7 && memcmp(rec.raw, "1,\"a\rb\"", 7) == 0);
        ts_csvreader_close(r, &err);
    }
    /* a row cut in two by a lone CR: each piece flagged on its own line (wrong field count) */
    const char *cut = "id,x,y\n1,a\r,b\n2,c,d\n";
    T_CHECK_STR(records_of(cut, strlen(cut)), "1:3:0 2:2:7 3:2:7 4:3:0 ");
    /* an unclosed quote before a lone CR swallows nothing: later lines come back */
    const char *open = "id,x\n1,\"never\r2,b\n3,c\n";
    T_CHECK_STR(records_of(open, strlen(open)), "1:2:0 2:0:5 3:2:0 4:2:0 ");

    /* a BOM in a CP932 line is found where it is, not as bytes that are not CP932 */
    {
        const char cp[] = "\x89\xf1\x93\x9a,b\n1,\xEF\xBB\xBF" "2\n";
        ts_err err = TS_ERR_INIT;
        ts_linereader *r = ts_linereader_open_mem(cp, sizeof cp - 1, "mem.csv", TS_ENC_CP932, &err);
        ts_line line;
        ts_linereader_next(r, &line, &err);
        T_CHECK(line.problem == TS_LINE_OK);
        ts_linereader_next(r, &line, &err);
        T_CHECK(line.problem == TS_LINE_BOM && line.problem_offset == 2);
        ts_linereader_close(r, &err);
    }
    T_DONE();
}
