/* Unit tests for lib/csvreader.c: positions, quoting, recovery after broken rows. */
#include <stdlib.h>
#include <unistd.h>

#include "csvreader.h"
#include "harness.h"

static char path[] = "/tmp/tsunagari-csv-XXXXXX";

static ts_csvreader *open_text(const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(text, 1, n, f);
    fclose(f);
    ts_err err = TS_ERR_INIT;
    ts_csvreader *r = ts_csvreader_open(path, TS_ENC_AUTO, &err);
    ts_err_clear(&err);
    return r;
}

/* Read every record; note its first line, field count and problem in a compact string. */
static char *summarise(const char *text, size_t n, int expect)
{
    static char out[4096];
    out[0] = '\0';
    ts_csvreader *r = open_text(text, n);
    ts_record rec;
    ts_err err = TS_ERR_INIT;
    int first = 1;
    while (ts_csvreader_next(r, &rec, &err) == 1) {
        if (first && expect)
            ts_csvreader_expect_fields(r, rec.nfields);
        first = 0;
        char one[64];
        snprintf(one, sizeof one, "%lu:%zu:%d:%zu ", rec.line, rec.nfields, (int)rec.problem, rec.problem_column);
        strcat(out, one);
    }
    ts_csvreader_close(r, &err);
    ts_err_clear(&err);
    return out;
}

int main(void)
{
    close(mkstemp(path));
    /* quoted commas, doubled quotes and newlines; CRLF; no newline at the end */
    const char *ok = "a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",z\r\nlast,row";
    T_CHECK_STR(summarise(ok, strlen(ok), 1), "1:2:0:0 2:2:0:0 3:2:0:0 5:2:0:0 ");

    ts_csvreader *r = open_text(ok, strlen(ok));
    ts_record rec;
    ts_err err = TS_ERR_INIT;
    ts_csvreader_next(r, &rec, &err);
    ts_csvreader_next(r, &rec, &err);
    T_CHECK_STR(rec.fields[0].s, "x, y");
    T_CHECK_STR(rec.fields[1].s, "say \"hi\"");
    ts_csvreader_next(r, &rec, &err);
    T_CHECK_STR(rec.fields[0].s, "two\nlines");
    T_CHECK(rec.last_line == 4);
    ts_csvreader_close(r, &err);

    /* a stray quote inside an unquoted field: that row only */
    const char *stray = "a,b,c\n1,x\"y,z\n2,p,q\n";
    T_CHECK_STR(summarise(stray, strlen(stray), 1), "1:3:0:0 2:1:4:2 3:3:0:0 ");
    /* text after a closing quote */
    const char *after = "a,b\n\"x\"y,1\n2,3\n";
    T_CHECK_STR(summarise(after, strlen(after), 1), "1:2:0:0 2:0:4:1 3:2:0:0 ");
    /* a quote opened and never closed swallows nothing: its line is flagged, the rest read */
    const char *open_eof = "a,b\n1,\"never\n2,x\n3,y\n";
    T_CHECK_STR(summarise(open_eof, strlen(open_eof), 1), "1:2:0:0 2:0:5:2 3:2:0:0 4:2:0:0 ");
    /* a stray quote that meets another one lines later: the lines between come back */
    const char *far = "a,b\n1,\"x\n2,y\n3,\"z\n4,w\n";
    T_CHECK_STR(summarise(far, strlen(far), 1), "1:2:0:0 2:0:5:2 3:2:0:0 4:0:5:2 5:2:0:0 ");
    /* wrong field counts, with the column of the first missing or extra field */
    const char *counts = "a,b,c\n1,2\n1,2,3,4\n";
    T_CHECK_STR(summarise(counts, strlen(counts), 1), "1:3:0:0 2:2:7:3 3:4:7:4 ");
    /* blank lines are skipped, not rows */
    const char *blank = "a\n\n1\n\r\n2\n";
    T_CHECK_STR(summarise(blank, strlen(blank), 1), "1:1:0:0 3:1:0:0 5:1:0:0 ");
    /* NUL byte and a BOM in the middle are flagged with their column */
    const char nul[] = "a,b\n1,x\0y\n\xEF\xBB\xBF" "a,b\n";
    T_CHECK_STR(summarise(nul, sizeof nul - 1, 1), "1:2:0:0 2:2:2:2 3:2:3:1 ");
    /* invalid UTF-8 after a UTF-8 header */
    const char mixed[] = "名前,b\n\x8E\x52,1\n";
    T_CHECK_STR(summarise(mixed, sizeof mixed - 1, 1), "1:2:0:0 2:2:1:1 ");

    /* an over-long field flags its row, and reading goes on */
    size_t big = TS_CSV_MAX_FIELD + 10;
    char *huge = malloc(big + 32);
    strcpy(huge, "a,b\n1,");
    memset(huge + 6, 'x', big);
    strcpy(huge + 6 + big, "\n2,y\n");
    T_CHECK_STR(summarise(huge, strlen(huge), 1), "1:2:0:0 2:2:6:2 3:2:0:0 ");
    free(huge);

    unlink(path);
    T_DONE();
}
