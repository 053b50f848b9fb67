/* test_xlsxreader.c — lib/xlsxreader over the synthetic workbooks in tests/fixtures/xlsx/
 * (make-fixtures.py writes them; README.md there says what each holds): every value type,
 * dates and times, empty cells and rows, sheets by name, merged header cells, and damaged
 * files refused with their reason. Each workbook is read from its file and from memory, which
 * must give the same rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "strbuf.h"
#include "xlsxreader.h"

#define FIX "" /* main() moves into tests/fixtures/xlsx/ */

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ts_strbuf b = TS_STRBUF_INIT;
    char buf[8192];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        ts_strbuf_append(&b, buf, k);
    fclose(f);
    *n = b.len;
    return b.data ? b.data : calloc(1, 1);
}

/* All rows of reader R as text, one "LINE|field|field..." per row, "!" and the problem's
 * column after a flagged row; "ERROR: msg" when reading fails. EXPECT: enforce the header's
 * width. */
static char *dump(ts_xlsxreader *r, int expect, unsigned long *blank)
{
    ts_strbuf out = TS_STRBUF_INIT;
    ts_err err = TS_ERR_INIT;
    ts_record rec;
    int rc, first = 1;
    while ((rc = ts_xlsxreader_next(r, &rec, &err)) == 1) {
        if (first && expect)
            ts_xlsxreader_expect_fields(r, rec.nfields);
        first = 0;
        ts_strbuf_printf(&out, "%lu", rec.line);
        for (size_t i = 0; i < rec.nfields; i++) {
            ts_strbuf_append_char(&out, '|');
            ts_strbuf_append(&out, rec.fields[i].s, rec.fields[i].len);
            T_CHECK(rec.fields[i].s[rec.fields[i].len] == '\0');
        }
        if (rec.problem != TS_REC_OK)
            ts_strbuf_printf(&out, "!%zu", rec.problem_column);
        T_CHECK(rec.line == rec.last_line);
        ts_strbuf_append_char(&out, '\n');
    }
    if (rc < 0)
        ts_strbuf_printf(&out, "ERROR: %s\n", err.msg);
    T_CHECK(ts_xlsxreader_next(r, &rec, &err) == 0 || rc < 0); /* the end stays the end */
    if (blank)
        *blank = ts_xlsxreader_blank_rows(r);
    ts_err_clear(&err);
    return ts_strbuf_take(&out);
}

/* The rows of fixture NAME read from its file (and from memory: the same text). */
static char *read_fixture(const char *name, const ts_xlsx_options *o, int expect, unsigned long *blank)
{
    char path[256];
    snprintf(path, sizeof path, FIX "%s", name);
    ts_err err = TS_ERR_INIT;
    ts_xlsxreader *r = ts_xlsxreader_open(path, o, &err);
    if (!r) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        ts_err_clear(&err);
        return ts_strdup("OPEN FAILED");
    }
    char *text = dump(r, expect, blank);
    ts_xlsxreader_close(r, &err);

    size_t n;
    char *data = slurp(path, &n);
    T_CHECK(data != NULL);
    r = ts_xlsxreader_open_mem(data, n, name, o, &err);
    T_CHECK(r != NULL);
    if (r) {
        char *again = dump(r, expect, NULL);
        T_CHECK_STR(again, text);
        free(again);
        ts_xlsxreader_close(r, &err);
    }
    free(data);
    ts_err_clear(&err);
    return text;
}

#define CHECK_ROWS(name, opts, expect, want)                 \
    do {                                                     \
        char *t_got = read_fixture(name, opts, expect, NULL); \
        T_CHECK_STR(t_got, want);                            \
        free(t_got);                                         \
    } while (0)

/* The error opening fixture NAME gives (from its file), or NULL when it opens. */
static char *open_error(const char *name, const ts_xlsx_options *o, ts_status *st)
{
    char path[256];
    snprintf(path, sizeof path, FIX "%s", name);
    ts_err err = TS_ERR_INIT;
    ts_xlsxreader *r = ts_xlsxreader_open(path, o, &err);
    if (r) {
        ts_xlsxreader_close(r, &err);
        return NULL;
    }
    *st = err.status;
    char *msg = err.msg;
    err.msg = NULL;
    /* from memory: the same refusal */
    size_t n;
    char *data = slurp(path, &n);
    if (data) {
        r = ts_xlsxreader_open_mem(data, n, path, o, &err);
        T_CHECK(r == NULL);
        if (r)
            ts_xlsxreader_close(r, &err);
        else
            T_CHECK_STR(err.msg, msg);
        free(data);
    }
    ts_err_clear(&err);
    return msg;
}

static void check_refused(const char *name, const ts_xlsx_options *o, ts_status want, const char *part)
{
    ts_status st = TS_OK;
    char *msg = open_error(name, o, &st);
    T_CHECK(msg != NULL);
    T_CHECK(st == want);
    if (msg && (!strstr(msg, part) || !strstr(msg, name))) {
        fprintf(stderr, "%s: message \"%s\" lacks \"%s\"\n", name, msg, part);
        T_CHECK(0);
    }
    free(msg);
}

static void test_strings(void)
{
    CHECK_ROWS("strings.xlsx", NULL, 0,
               "1|種類|値\n"
               "2|shared|こんにちは\n"
               "3|rich|東京都 千代田区\n"
               "4|phonetic|漢字\n"
               "5|rich+phonetic|山田太郎\n"
               "6|inline|インライン, \"引用\"\n"
               "7|inline+phonetic|学校\n"
               "8|formula|合計: 3\n"
               "9|true|TRUE\n"
               "10|false|FALSE\n"
               "11|error|#DIV/0!\n"
               "12|escape|改行\r\nあり_x0041_\n"
               "13|space| 前に空白\n"
               "14|empty\n");
}

static void test_numbers_and_dates(void)
{
    CHECK_ROWS("numbers.xlsx", NULL, 0,
               "1|名前|値\n"
               "2|sum|0.3\n"
               "3|small|1e-07\n"
               "4|int|3\n"
               "5|int.0|3\n"
               "6|large|123456789012\n"
               "7|huge|1.23456789012346e+16\n"
               "8|neg|-2.5\n"
               "9|negzero|0\n"
               "10|two|1.5\n"
               "11|red|2\n"
               "12|pct|0.25\n"
               "13|sci|12345\n"
               "14|text|7\n"
               "15|quoted|5\n"
               "16|general|5\n"
               "17|yen|1200\n"
               "18|d14|2024-01-01\n"
               "19|d14frac|2024-01-01\n"
               "20|d22|2024-01-01 12:00:00\n"
               "21|slash|2024-01-15\n"
               "22|nen|2024-01-15\n"
               "23|ja31|2024-01-15\n"
               "24|ja57|2024-01-15\n"
               "25|era|2024-01-15\n"
               "26|youbi|2024-01-15\n"
               "27|dt|2024-01-15 02:57:47\n"
               "28|ampm|2024-01-15 18:00:00\n"
               "29|t20|18:00:00\n"
               "30|mmss|00:01:26\n"
               "31|elapsed|1.5\n"
               "32|t46|1.5\n"
               "33|serial1|1900-01-01\n"
               "34|serial59|1900-02-28\n"
               "35|serial60|1900-02-29\n"
               "36|serial61|1900-03-01\n"
               "37|negdate|-1\n"
               "38|isodate|2024-03-05\n"
               "39|isodt|2024-03-05 10:20:30\n");
    CHECK_ROWS("date1904.xlsx", NULL, 0,
               "1|日付|日時\n"
               "2|1904-01-01|2024-01-01 06:00:00\n"
               "3|2024-01-01|1904-01-02 00:00:00\n");
}

static void test_layout(void)
{
    unsigned long blank = 0;
    char *t = read_fixture("layout.xlsx", NULL, 0, &blank);
    T_CHECK_STR(t, "1|a|b|c\n"
                   "2|1||3\n"
                   "5|x|y\n"
                   "6|p\n"
                   "7|q\n"
                   "8|wide||||beyond\n"
                   "10|last\n");
    T_CHECK(blank == 4); /* rows 3, 9, 11 and 12: cells with a style and no value */
    free(t);
    /* the header's width: short rows padded, a value beyond it flagged at its column */
    CHECK_ROWS("layout.xlsx", NULL, 1,
               "1|a|b|c\n"
               "2|1||3\n"
               "5|x|y|\n"
               "6|p||\n"
               "7|q||\n"
               "8|wide||||beyond!5\n"
               "10|last||\n");

    /* rec->raw is the row as a CSV line */
    ts_err err = TS_ERR_INIT;
    ts_xlsxreader *r = ts_xlsxreader_open(FIX "strings.xlsx", NULL, &err);
    T_CHECK(r != NULL);
    ts_record rec;
    for (int i = 0; i < 6 && r; i++)
        T_CHECK(ts_xlsxreader_next(r, &rec, &err) == 1);
    if (r) {
        T_CHECK_STR(rec.raw, "inline,\"インライン, \"\"引用\"\"\"");
        T_CHECK(rec.raw_len == strlen(rec.raw));
        T_CHECK(ts_xlsxreader_next(r, &rec, &err) == 1);
        T_CHECK_STR(rec.raw, "inline+phonetic,学校");
    }
    ts_xlsxreader_close(r, &err);
    r = ts_xlsxreader_open(FIX "layout.xlsx", NULL, &err);
    T_CHECK(r && ts_xlsxreader_next(r, &rec, &err) == 1);
    ts_xlsxreader_expect_fields(r, 3);
    T_CHECK(r && ts_xlsxreader_next(r, &rec, &err) == 1);
    if (r)
        T_CHECK_STR(rec.raw, "1,,3");
    T_CHECK(r && ts_xlsxreader_next(r, &rec, &err) == 1);
    if (r)
        T_CHECK_STR(rec.raw, "x,y,");
    ts_xlsxreader_close(r, &err);
}

static void test_sheets(void)
{
    ts_xlsx_options o = {"回答2", 1};
    CHECK_ROWS("layout.xlsx", &o, 0, "1|x|y\n2|1|2\n");
    ts_err err = TS_ERR_INIT;
    ts_xlsxreader *r = ts_xlsxreader_open(FIX "layout.xlsx", &o, &err);
    T_CHECK(r && strcmp(ts_xlsxreader_sheet_name(r), "回答2") == 0);
    ts_xlsxreader_close(r, &err);
    r = ts_xlsxreader_open(FIX "layout.xlsx", NULL, &err);
    T_CHECK(r && strcmp(ts_xlsxreader_sheet_name(r), "Sheet1") == 0);
    ts_xlsxreader_close(r, &err);
    o.sheet = "SHEET1"; /* Excel's sheet names are case-insensitive */
    r = ts_xlsxreader_open(FIX "layout.xlsx", &o, &err);
    T_CHECK(r && strcmp(ts_xlsxreader_sheet_name(r), "Sheet1") == 0);
    ts_xlsxreader_close(r, &err);

    o.sheet = "集計";
    check_refused("layout.xlsx", &o, TS_E_DATA, "no sheet named \"集計\"; the workbook's sheets are \"Sheet1\", \"回答2\"");
    ts_xlsx_options bad = {NULL, 3};
    T_CHECK(ts_xlsxreader_open(FIX "layout.xlsx", &bad, &err) == NULL && err.status == TS_E_USAGE);
    ts_err_clear(&err);
    CHECK_ROWS("absolute.xlsx", NULL, 0, "1|a\n2|1\n");
}

static void test_merged(void)
{
    unsigned long blank = 0;
    char *t = read_fixture("merged.xlsx", NULL, 0, &blank);
    /* one header row: only it gets the merged values; row 3 is data as it stands */
    T_CHECK_STR(t, "2|ID|Q1 好きな果物|Q1 好きな果物|Q1 好きな果物|Q2 年齢\n"
                   "3||りんご|みかん|ぶどう\n"
                   "4|1|1||1|30\n"
                   "5|2||1||40\n");
    T_CHECK(blank == 1);
    free(t);
    /* two header rows: the question over its options, ID and Q2 down both rows; the merge in
     * the data (C5:D5) and the one in a comment change nothing */
    ts_xlsx_options o = {NULL, 2};
    CHECK_ROWS("merged.xlsx", &o, 1,
               "2|ID|Q1 好きな果物|Q1 好きな果物|Q1 好きな果物|Q2 年齢\n"
               "3|ID|りんご|みかん|ぶどう|Q2 年齢\n"
               "4|1|1||1|30\n"
               "5|2||1||40\n");
    /* a third-party writer (openpyxl) */
    CHECK_ROWS("openpyxl.xlsx", &o, 0,
               "1|ID|回答日時|Q1 満足度|Q1 満足度|Q2 金額\n"
               "2|ID|回答日時|とても|まあまあ|Q2 金額\n"
               "3|1|2024-05-06 07:08:09|1||1234.5\n"
               "4|2|2024-05-07||1|0.3\n");
    ts_xlsx_options memo = {"メモ", 1};
    CHECK_ROWS("openpyxl.xlsx", &memo, 0, "1|note|TRUE|FALSE\n");
}

static void test_damaged(void)
{
    check_refused("not-zip.xlsx", NULL, TS_E_DATA, "not a zip archive");
    check_refused("ole.xlsx", NULL, TS_E_DATA, "OLE compound file");
    check_refused("truncated.xlsx", NULL, TS_E_DATA, "truncated?");
    check_refused("no-workbook.xlsx", NULL, TS_E_DATA, "no workbook part (xl/workbook.xml)");
    check_refused("crc.xlsx", NULL, TS_E_DATA, "xl/worksheets/sheet1.xml: CRC error");
    check_refused("empty-sheet.xlsx", NULL, TS_E_DATA, "xl/worksheets/sheet1.xml: the part is empty");
    check_refused("nonexistent.xlsx", NULL, TS_E_NOINPUT, "cannot open");

    /* a sheet whose XML breaks after three rows: an error, never an end (libxml2 parses
     * ahead, so in a sheet this small the error comes before the first row is out) */
    CHECK_ROWS("malformed.xlsx", NULL, 0,
               "ERROR: malformed.xlsx: xl/worksheets/sheet1.xml:5: malformed XML: Opening and ending tag mismatch: v line 5 and c\n");
    CHECK_ROWS("rows-out-of-order.xlsx", NULL, 0,
               "1|a\n3|1\n"
               "ERROR: rows-out-of-order.xlsx: sheet \"Sheet1\" (xl/worksheets/sheet1.xml): row 2 comes after row 3: the rows are out of order\n");
    CHECK_ROWS("bad-shared-string.xlsx", NULL, 0,
               "1|only\n"
               "ERROR: bad-shared-string.xlsx: sheet \"Sheet1\" (xl/worksheets/sheet1.xml): cell A2: shared string \"7\" does not exist (the workbook has 1)\n");
    /* a cell over TS_CSV_MAX_FIELD flags its row and is left empty; reading goes on */
    CHECK_ROWS("long-cell.xlsx", NULL, 0, "1|a|b\n2||ok!1\n3|fine\n");

    ts_err err = TS_ERR_INIT;
    T_CHECK(ts_xlsxreader_open_mem("", 0, "empty.xlsx", NULL, &err) == NULL && err.status == TS_E_DATA);
    T_CHECK(err.msg && strcmp(err.msg, "empty.xlsx: empty file, not an .xlsx workbook") == 0);
    ts_err_clear(&err);
    T_CHECK(ts_xlsxreader_open(".", NULL, &err) == NULL && err.status == TS_E_NOINPUT); /* a folder */
    T_CHECK(err.msg && strstr(err.msg, ".: cannot read: "));
    ts_err_clear(&err);
    T_CHECK(ts_xlsxreader_close(NULL, &err) == TS_OK);
}

/* The Microsoft Forms-like export (tests/fixtures/ms-forms/): every row's raw CSV line is the
 * line of its CSV twin, 回答.csv — times ISO, the multiple answer "家族;友人;" as written. */
static void test_ms_forms(void)
{
    ts_err err = TS_ERR_INIT;
    ts_xlsxreader *r = ts_xlsxreader_open("../ms-forms/回答.xlsx", NULL, &err);
    T_CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "%s\n", err.msg);
        ts_err_clear(&err);
        return;
    }
    ts_strbuf got = TS_STRBUF_INIT;
    ts_record rec;
    int rc;
    unsigned long rows = 0;
    while ((rc = ts_xlsxreader_next(r, &rec, &err)) == 1) {
        ts_strbuf_append(&got, rec.raw, rec.raw_len);
        ts_strbuf_append_char(&got, '\n');
        T_CHECK(rec.line == ++rows);
        T_CHECK(rec.problem == TS_REC_OK);
    }
    T_CHECK(rc == 0 && rows == 41 && ts_xlsxreader_blank_rows(r) == 0);
    T_CHECK_STR(ts_xlsxreader_sheet_name(r), "Sheet1");
    size_t n;
    char *want = slurp("../ms-forms/回答.csv", &n);
    T_CHECK_STR(got.data, want);
    free(want);
    ts_strbuf_free(&got);
    ts_xlsxreader_close(r, &err);
}

int main(void)
{
    if (chdir("../fixtures/xlsx") != 0) {
        perror("../fixtures/xlsx");
        return 1;
    }
    test_strings();
    test_numbers_and_dates();
    test_layout();
    test_sheets();
    test_merged();
    test_damaged();
    test_ms_forms();
    T_DONE();
}
