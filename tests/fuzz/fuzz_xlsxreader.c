/* fuzz_xlsxreader.c — libFuzzer target for lib/xlsxreader.c: an .xlsx from memory, as ingest
 * and the codebook draft read a Microsoft Forms or LoGo フォーム export.
 *
 * The first input byte chooses the options: bit 0 header_rows 2 (else 1), bit 1 the header's
 * width enforced (expect_fields), bit 2 the sheet asked for by name ("Sheet1", else the
 * first), and bit 3 how the rest is read:
 *   - clear: the rest is the .xlsx file itself (seeds zip-*: the fixtures), so the zip layer
 *     (libzip: truncation, CRCs, directory) is fuzzed;
 *   - set: the rest is the XML of the parts, separated by NUL bytes — the sheet, the shared
 *     strings, the styles, and optionally the workbook and its relationships (else a one-sheet
 *     workbook "Sheet1") — which the target zips itself (seeds parts-*), so a mutation reaches
 *     the XML readers instead of failing a CRC.
 * Besides ASan/UBSan the target checks what callers rely on: a refusal has a message; row
 * numbers go up; every field is NUL-terminated at its length; a row has a non-empty last field
 * unless padded to the header's width, and no more fields than TS_XLSX_MAX_COLS; rec->raw is
 * NUL-terminated at raw_len; a problem has a reason; after the end or an error, next gives 0.
 *
 *   make fuzz                                  (needs clang; builds $(BUILD)/fuzz/fuzz_xlsxreader)
 *   build/fuzz/fuzz_xlsxreader -dict=tests/fuzz/xlsxreader.dict tests/fuzz/corpus/xlsxreader
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler), so crashers kept as cases can be rerun without clang. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "xlsxreader.h"

#define FUZZ_NAME "fuzz_xlsxreader"
#include "check.h"

static const char CONTENT_TYPES[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
static const char ROOT_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"xl/workbook.xml\"/></Relationships>";
static const char WORKBOOK[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char WORKBOOK_RELS[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
    "</Relationships>";

static void add_part(zip_t *za, const char *name, const void *data, size_t n)
{
    zip_source_t *s = zip_source_buffer(za, data, n, 0);
    CHECK(s);
    zip_int64_t i = zip_file_add(za, name, s, ZIP_FL_OVERWRITE);
    CHECK(i >= 0);
    zip_set_file_compression(za, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

/* Zip the NUL-separated parts in DATA[0..N) into a new buffer (*OUT, *OUTN; caller frees). */
static void zip_parts(const uint8_t *data, size_t n, uint8_t **out, size_t *outn)
{
    static const char *const names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
                                        "xl/workbook.xml", "xl/_rels/workbook.xml.rels"};
    const uint8_t *piece[5] = {0};
    size_t len[5] = {0};
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n && k < 5; i++)
        if (i == n || data[i] == 0) {
            piece[k] = data + start;
            len[k++] = i - start;
            start = i + 1;
        }
    if (k < 4) {
        piece[3] = (const uint8_t *)WORKBOOK;
        len[3] = strlen(WORKBOOK);
    }
    if (k < 5) {
        piece[4] = (const uint8_t *)WORKBOOK_RELS;
        len[4] = strlen(WORKBOOK_RELS);
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    CHECK(src);
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    CHECK(za);
    add_part(za, "[Content_Types].xml", CONTENT_TYPES, strlen(CONTENT_TYPES));
    add_part(za, "_rels/.rels", ROOT_RELS, strlen(ROOT_RELS));
    for (int i = 0; i < 5; i++)
        if (piece[i] && (i < 3 ? len[i] > 0 : 1))
            add_part(za, names[i], piece[i], len[i]);
    CHECK(zip_close(za) == 0);
    CHECK(zip_source_open(src) == 0);
    CHECK(zip_source_seek(src, 0, SEEK_END) == 0);
    zip_int64_t size = zip_source_tell(src);
    CHECK(size >= 0);
    CHECK(zip_source_seek(src, 0, SEEK_SET) == 0);
    *out = malloc((size_t)size + 1);
    CHECK(*out);
    CHECK(zip_source_read(src, *out, (zip_uint64_t)size) == size);
    *outn = (size_t)size;
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
}

static void read_book(const uint8_t *data, size_t n, uint8_t opt)
{
    ts_xlsx_options o = {(opt & 4) ? "Sheet1" : NULL, (opt & 1) ? 2 : 1};
    ts_err err = TS_ERR_INIT;
    ts_xlsxreader *r = ts_xlsxreader_open_mem(data, n, "fuzz.xlsx", &o, &err);
    if (!r) {
        CHECK(err.status != TS_OK && err.msg && strncmp(err.msg, "fuzz.xlsx: ", 11) == 0);
        ts_err_clear(&err);
        return;
    }
    CHECK(ts_xlsxreader_sheet_name(r) != NULL);
    ts_record rec;
    unsigned long last = 0;
    size_t expect = 0;
    int rc, first = 1;
    while ((rc = ts_xlsxreader_next(r, &rec, &err)) == 1) {
        if (first && (opt & 2)) {
            expect = rec.nfields;
            ts_xlsxreader_expect_fields(r, expect);
        }
        first = 0;
        CHECK(rec.line > last && rec.line <= TS_XLSX_MAX_ROWS && rec.last_line == rec.line);
        last = rec.line;
        CHECK(rec.nfields >= 1 && rec.nfields <= TS_XLSX_MAX_COLS);
        CHECK(rec.fields[rec.nfields - 1].len > 0 || rec.nfields <= expect);
        for (size_t i = 0; i < rec.nfields; i++)
            CHECK(rec.fields[i].s[rec.fields[i].len] == '\0');
        CHECK(rec.raw && rec.raw[rec.raw_len] == '\0' && strlen(rec.raw) == rec.raw_len);
        if (rec.problem != TS_REC_OK)
            CHECK(rec.problem_text && rec.problem_text[0] && rec.problem_column >= 1);
        if (rec.problem == TS_REC_FIELD_COUNT)
            CHECK(expect && rec.nfields > expect && rec.problem_column > expect);
    }
    if (rc < 0)
        CHECK(err.status != TS_OK && err.msg && strncmp(err.msg, "fuzz.xlsx: ", 11) == 0);
    CHECK(ts_xlsxreader_next(r, &rec, &err) == 0);
    ts_xlsxreader_close(r, &err);
    ts_err_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    uint8_t opt = data[0];
    if (opt & 8) {
        uint8_t *book;
        size_t n;
        zip_parts(data + 1, size - 1, &book, &n);
        read_book(book, n, opt);
        free(book);
    } else {
        read_book(data + 1, size - 1, opt);
    }
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
