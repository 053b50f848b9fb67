/* Unit tests for lib/atomicfile.c: the output appears only at commit, an abort leaves nothing,
 * and ts_atomicfile_open_csv begins the file with the byte-order mark (when asked) and the
 * header, the same bytes a stage wrote itself before. */
#include <stdlib.h>
#include <unistd.h>

#include "atomicfile.h"
#include "harness.h"

/* The whole of file PATH into BUF (at most SIZE - 1 bytes, NUL-terminated); its length, or -1. */
static long slurp(const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    size_t n = fread(buf, 1, size - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return (long)n;
}

int main(void)
{
    char dir[] = "/tmp/test_atomicfileXXXXXX", path[64], buf[128];
    ts_err err = TS_ERR_INIT;
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/out.csv", dir);

    /* with the mark: EF BB BF, then the header as given, then what the caller writes */
    ts_atomicfile *f = ts_atomicfile_open_csv(path, 1, "a,b\n", &err);
    T_CHECK(f != NULL);
    if (f) {
        fputs("1,2\n", ts_atomicfile_stream(f));
        T_CHECK(slurp(path, buf, sizeof buf) == -1); /* nothing at PATH before the commit */
        T_CHECK(ts_atomicfile_commit(f, &err) == TS_OK);
    }
    T_CHECK(slurp(path, buf, sizeof buf) == 11);
    T_CHECK_STR(buf, "\xEF\xBB\xBF" "a,b\n1,2\n");

    /* without the mark, and with no header */
    f = ts_atomicfile_open_csv(path, 0, "x\n", &err);
    T_CHECK(f && ts_atomicfile_commit(f, &err) == TS_OK);
    T_CHECK(slurp(path, buf, sizeof buf) == 2);
    T_CHECK_STR(buf, "x\n");
    f = ts_atomicfile_open_csv(path, 0, NULL, &err);
    T_CHECK(f && ts_atomicfile_commit(f, &err) == TS_OK);
    T_CHECK(slurp(path, buf, sizeof buf) == 0);

    /* an abort keeps the earlier file as it was */
    f = ts_atomicfile_open_csv(path, 1, "y\n", &err);
    T_CHECK(f != NULL);
    ts_atomicfile_abort(f);
    T_CHECK(slurp(path, buf, sizeof buf) == 0);

    /* a folder that is not there: TS_E_CANTCREAT and the path in the message */
    snprintf(path, sizeof path, "%s/no/out.csv", dir);
    T_CHECK(ts_atomicfile_open_csv(path, 1, "a\n", &err) == NULL && err.status == TS_E_CANTCREAT && err.msg &&
            strstr(err.msg, "no/out.csv"));
    ts_err_clear(&err);

    snprintf(path, sizeof path, "%s/out.csv", dir);
    unlink(path);
    rmdir(dir);
    T_DONE();
}
