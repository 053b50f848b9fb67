/* rawreader.c — one reader over the three kinds of raw export (rawreader.h): a switch on the
 * kind, and the format's wording of a position. */
#include "rawreader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ts_rawreader {
    ts_raw_kind kind;
    ts_csvreader *csv;
    ts_xlsxreader *xlsx;
    ts_statreader *stat;
};

/* Stata's missing values .a-.z as codes (-1001 for .a down), which the embedded codebook
 * declares missing=yes for every numeric variable: an integer age with .b is then a missing
 * answer, as Stata means it, not an item warning for a cell that is no number. */
static const ts_statreader_opts STAT_OPTIONS = {TS_STAT_AUTO, NULL, 0, 1};

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = name ? strlen(name) : 0, k = strlen(suffix);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++) {
        char c = name[n - k + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != suffix[i])
            return 0;
    }
    return 1;
}

ts_raw_kind ts_raw_kind_of(const void *head, size_t n, const char *name)
{
    const unsigned char *h = head;
    if (n >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4)
        return TS_RAW_XLSX;
    if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
        return TS_RAW_CSV; /* gzip: a compressed CSV */
    /* By the bytes only: a CSV named .sav is still text. The name decides only for a file too
     * short or too damaged to say, so that its reader refuses it in its own words. */
    ts_stat_format f = ts_statreader_sniff(head, n, NULL);
    if (f != TS_STAT_AUTO)
        return TS_RAW_STAT;
    if (has_suffix(name, ".xlsx") || has_suffix(name, ".xlsm"))
        return TS_RAW_XLSX;
    if (has_suffix(name, ".sav") || has_suffix(name, ".zsav") || has_suffix(name, ".por") || has_suffix(name, ".dta"))
        return TS_RAW_STAT;
    return TS_RAW_CSV;
}

static ts_status check_options(ts_raw_kind kind, const char *name, const ts_raw_options *o, ts_err *err)
{
    if (o->sheet && kind != TS_RAW_XLSX)
        return ts_err_set(err, TS_E_USAGE, "%s: a sheet (%s) is given, but this is not an Excel workbook", name, o->sheet);
    if (o->header_rows == 2 && kind == TS_RAW_STAT)
        return ts_err_set(err, TS_E_USAGE,
                          "%s: two header rows are given, but an SPSS or Stata file has one row of variable names", name);
    return TS_OK;
}

static ts_rawreader *opened(ts_raw_kind kind, void *reader, ts_err *err)
{
    if (!reader)
        return NULL;
    ts_rawreader *r = calloc(1, sizeof *r);
    if (!r) {
        if (kind == TS_RAW_CSV)
            ts_csvreader_close(reader, NULL);
        else if (kind == TS_RAW_XLSX)
            ts_xlsxreader_close(reader, NULL);
        else
            ts_statreader_close(reader, NULL);
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    r->kind = kind;
    if (kind == TS_RAW_CSV)
        r->csv = reader;
    else if (kind == TS_RAW_XLSX)
        r->xlsx = reader;
    else
        r->stat = reader;
    return r;
}

ts_rawreader *ts_rawreader_open(const char *path, const ts_raw_options *opt, ts_err *err)
{
    ts_raw_options o = opt ? *opt : (ts_raw_options){TS_ENC_AUTO, NULL, 1};
    unsigned char head[64];
    size_t n = 0;
    if (strcmp(path, "-") != 0) {
        FILE *f = fopen(path, "rb");
        if (f) { /* a file that cannot be opened is the CSV reader's to report */
            n = fread(head, 1, sizeof head, f);
            fclose(f);
        }
    }
    ts_raw_kind kind = strcmp(path, "-") == 0 ? TS_RAW_CSV : ts_raw_kind_of(head, n, path);
    if (check_options(kind, path, &o, err) != TS_OK)
        return NULL;
    if (kind == TS_RAW_XLSX) {
        ts_xlsx_options xo = {o.sheet, o.header_rows};
        return opened(kind, ts_xlsxreader_open(path, &xo, err), err);
    }
    if (kind == TS_RAW_STAT)
        return opened(kind, ts_statreader_open(path, &STAT_OPTIONS, err), err);
    return opened(kind, ts_csvreader_open(path, o.encoding, err), err);
}

ts_rawreader *ts_rawreader_open_mem(const void *data, size_t n, const char *name, const ts_raw_options *opt,
                                    ts_err *err)
{
    ts_raw_options o = opt ? *opt : (ts_raw_options){TS_ENC_AUTO, NULL, 1};
    ts_raw_kind kind = ts_raw_kind_of(data, n < 64 ? n : 64, name);
    if (check_options(kind, name, &o, err) != TS_OK)
        return NULL;
    if (kind == TS_RAW_XLSX) {
        ts_xlsx_options xo = {o.sheet, o.header_rows};
        return opened(kind, ts_xlsxreader_open_mem(data, n, name, &xo, err), err);
    }
    if (kind == TS_RAW_STAT)
        return opened(kind, ts_statreader_open_mem(data, n, name, &STAT_OPTIONS, err), err);
    return opened(kind, ts_csvreader_open_mem(data, n, name, o.encoding, err), err);
}

int ts_rawreader_next(ts_rawreader *r, ts_record *rec, ts_err *err)
{
    switch (r->kind) {
    case TS_RAW_XLSX: return ts_xlsxreader_next(r->xlsx, rec, err);
    case TS_RAW_STAT: return ts_statreader_next(r->stat, rec, err);
    default: return ts_csvreader_next(r->csv, rec, err);
    }
}

void ts_rawreader_expect_fields(ts_rawreader *r, size_t n)
{
    if (r->kind == TS_RAW_XLSX)
        ts_xlsxreader_expect_fields(r->xlsx, n);
    else if (r->kind == TS_RAW_STAT)
        ts_statreader_expect_fields(r->stat, n);
    else
        ts_csvreader_expect_fields(r->csv, n);
}

ts_raw_kind ts_rawreader_kind(const ts_rawreader *r) { return r->kind; }

const char *ts_rawreader_format(const ts_rawreader *r)
{
    if (r->kind == TS_RAW_CSV)
        return "csv";
    if (r->kind == TS_RAW_XLSX)
        return "xlsx";
    switch (ts_statreader_format(r->stat)) {
    case TS_STAT_ZSAV: return "zsav";
    case TS_STAT_POR: return "por";
    case TS_STAT_DTA: return "dta";
    default: return "sav";
    }
}

const ts_csvreader *ts_rawreader_csv(const ts_rawreader *r) { return r->csv; }
const ts_xlsxreader *ts_rawreader_xlsx(const ts_rawreader *r) { return r->xlsx; }
const ts_statreader *ts_rawreader_stat(const ts_rawreader *r) { return r->stat; }

unsigned long ts_rawreader_blank_lines(const ts_rawreader *r)
{
    if (r->kind == TS_RAW_CSV)
        return ts_csvreader_blank_lines(r->csv);
    if (r->kind == TS_RAW_XLSX)
        return ts_xlsxreader_blank_rows(r->xlsx);
    return 0;
}

/* Column 1 is A, 27 AA: Excel's letters. */
static void column_letters(size_t column, char out[8])
{
    char rev[8];
    size_t k = 0;
    while (column > 0 && k < 7) {
        rev[k++] = (char)('A' + (column - 1) % 26);
        column = (column - 1) / 26;
    }
    for (size_t i = 0; i < k; i++)
        out[i] = rev[k - 1 - i];
    out[k] = 0;
}

int ts_rawreader_where(const ts_rawreader *r, const char *name, unsigned long line, size_t column,
                       const char *column_name, ts_strbuf *out)
{
    if (r->kind == TS_RAW_XLSX) {
        const char *sheet = ts_xlsxreader_sheet_name(r->xlsx);
        if (!column)
            return ts_strbuf_printf(out, "%s: %s row %lu", name, sheet, line);
        char letters[8];
        column_letters(column, letters);
        return ts_strbuf_printf(out, "%s: %s!%s%lu", name, sheet, letters, line);
    }
    if (r->kind == TS_RAW_STAT) {
        if (line == 0)
            return ts_strbuf_printf(out, "%s: the variable names", name);
        if (column && column_name && *column_name)
            return ts_strbuf_printf(out, "%s: case %lu, variable %s", name, line, column_name);
        return ts_strbuf_printf(out, "%s: case %lu", name, line);
    }
    return column ? ts_strbuf_printf(out, "%s:%lu:%zu", name, line, column) : ts_strbuf_printf(out, "%s:%lu", name, line);
}

ts_status ts_rawreader_close(ts_rawreader *r, ts_err *err)
{
    if (!r)
        return TS_OK;
    ts_status st = r->kind == TS_RAW_CSV    ? ts_csvreader_close(r->csv, err)
                   : r->kind == TS_RAW_XLSX ? ts_xlsxreader_close(r->xlsx, err)
                                            : ts_statreader_close(r->stat, err);
    free(r);
    return st;
}
