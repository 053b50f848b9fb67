/* xlsxread.c — read every row of an .xlsx's first sheet through lib/xlsxreader (for
 * bench/xlsx.sh): prints "rows=N fields=N blank=N seconds=S". Exit 65 when reading fails. */
#include <stdio.h>
#include <time.h>

#include "xlsxreader.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: xlsxread BOOK.xlsx\n");
        return 64;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ts_err err = TS_ERR_INIT;
    ts_xlsxreader *r = ts_xlsxreader_open(argv[1], NULL, &err);
    if (!r) {
        fprintf(stderr, "xlsxread: %s\n", err.msg);
        return 65;
    }
    ts_record rec;
    unsigned long rows = 0, fields = 0;
    int rc;
    while ((rc = ts_xlsxreader_next(r, &rec, &err)) == 1) {
        rows++;
        fields += rec.nfields;
    }
    if (rc < 0) {
        fprintf(stderr, "xlsxread: %s\n", err.msg);
        return 65;
    }
    unsigned long blank = ts_xlsxreader_blank_rows(r);
    ts_xlsxreader_close(r, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("rows=%lu fields=%lu blank=%lu seconds=%.3f\n", rows, fields, blank, secs);
    return 0;
}
