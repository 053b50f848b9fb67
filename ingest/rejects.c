/* rejects.c — see rejects.h. */
#include "rejects.h"

#include <stdlib.h>
#include <string.h>

#include "csvwrite.h"
#include "strbuf.h"
#include "textenc.h"

static const char *const REASON_NAMES[REJ_NREASONS] = {
    [REJ_ENCODING] = "bytes not valid in the file's encoding",
    [REJ_NUL] = "NUL byte",
    [REJ_BOM] = "byte-order mark inside the file",
    [REJ_QUOTE] = "broken quoting",
    [REJ_UNCLOSED] = "quoted field never closed",
    [REJ_FIELD_TOO_LONG] = "field too long",
    [REJ_FIELD_COUNT] = "wrong number of fields",
    [REJ_ID_EMPTY] = "empty respondent id",
    [REJ_ID_INVALID] = "invalid respondent id",
    [REJ_ID_DUPLICATE] = "duplicate respondent id",
};

struct rejects {
    ts_atomicfile *file;
    FILE *fp;
    const char *input, *prog;
    const ts_rawreader *raw; /* a workbook or SPSS/Stata file: its words for a position */
    ts_strbuf where;
    unsigned max_messages, shown;
    ts_csv_mode mode;
    int with_file;
    unsigned long held_back;
    unsigned long rows, by_reason[REJ_NREASONS], items;
    unsigned long *items_by_var;
    size_t nvars_counted;
};

rejects *rejects_open(const char *path, const char *input, const char *prog, unsigned max_messages,
                      ts_csv_mode mode, int with_file, ts_err *err)
{
    rejects *r = calloc(1, sizeof *r);
    if (!r) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    r->file = ts_atomicfile_open(path, err);
    if (!r->file) {
        free(r);
        return NULL;
    }
    r->fp = ts_atomicfile_stream(r->file);
    r->input = input;
    r->prog = prog;
    r->max_messages = max_messages;
    r->mode = mode;
    r->with_file = with_file;
    ts_csv_put_bom(r->fp);
    if (with_file)
        fputs("file,", r->fp);
    fputs("line,column,column_name,variable,severity,reason,value,record\n", r->fp);
    return r;
}

void rejects_set_input(rejects *r, const char *input) { r->input = input; }
void rejects_set_reader(rejects *r, const ts_rawreader *raw) { r->raw = raw; }

/* A binary file's position ("回答.xlsx: 回答!C12", "data.sav: case 12, variable q3"), or NULL
 * for a CSV's file:line:column, which the callers print as they always have. */
static const char *binary_where(rejects *r, unsigned long line, size_t column, const char *column_name)
{
    if (!r->raw || ts_rawreader_kind(r->raw) == TS_RAW_CSV)
        return NULL;
    ts_strbuf_reset(&r->where);
    if (ts_rawreader_where(r->raw, r->input, line, column, column_name, &r->where))
        return NULL;
    return r->where.data;
}

static void message(rejects *r, unsigned long line, size_t column, const char *column_name, const char *what,
                    const char *reason)
{
    if (r->shown >= r->max_messages) {
        r->held_back++;
        return;
    }
    r->shown++;
    const char *at = binary_where(r, line, column, column_name);
    if (at)
        fprintf(stderr, "%s: %s: %s%s\n", r->prog, at, what, reason);
    else if (column)
        fprintf(stderr, "%s: %s:%lu:%zu: %s%s\n", r->prog, r->input, line, column, what, reason);
    else
        fprintf(stderr, "%s: %s:%lu: %s%s\n", r->prog, r->input, line, what, reason);
}

/* Write raw bytes as a CSV field that is clean UTF-8 whatever they were: bytes that are not
 * valid UTF-8 (a CP932 row in a UTF-8 file) and NUL bytes become \xNN, so the rejects file
 * itself always opens, and the user still sees which bytes were there. */
static void put_clean(FILE *fp, const char *s, size_t n, ts_csv_mode mode)
{
    const unsigned char *u = (const unsigned char *)s;
    if (ts_utf8_valid_prefix(u, n) == n && !memchr(s, '\0', n)) {
        ts_csv_put_text(fp, s, n, mode);
        return;
    }
    ts_strbuf clean = TS_STRBUF_INIT;
    for (size_t i = 0; i < n;) {
        size_t ok = ts_utf8_valid_prefix(u + i, n - i);
        const char *nul = memchr(s + i, '\0', ok);
        if (nul)
            ok = (size_t)(nul - (s + i));
        ts_strbuf_append(&clean, s + i, ok);
        i += ok;
        if (i < n) {
            ts_strbuf_printf(&clean, "\\x%02X", u[i]);
            i++;
        }
    }
    ts_csv_put_text(fp, clean.data ? clean.data : "", clean.len, mode);
    ts_strbuf_free(&clean);
}

static void write_line(rejects *r, unsigned long line, size_t column, const char *column_name,
                       const char *variable, const char *severity, const char *reason, const char *value,
                       size_t value_len, const char *record, size_t record_len)
{
    if (r->with_file) {
        ts_csv_put_text_str(r->fp, r->input, r->mode);
        putc(',', r->fp);
    }
    fprintf(r->fp, "%lu,", line);
    if (column)
        fprintf(r->fp, "%zu", column);
    putc(',', r->fp);
    ts_csv_put_text_str(r->fp, column_name, r->mode); /* the raw file's own header */
    putc(',', r->fp);
    ts_csv_put_text_str(r->fp, variable, r->mode);
    fprintf(r->fp, ",%s,", severity);
    ts_csv_put_text_str(r->fp, reason, r->mode);
    putc(',', r->fp);
    put_clean(r->fp, value ? value : "", value ? value_len : 0, r->mode);
    putc(',', r->fp);
    put_clean(r->fp, record ? record : "", record ? record_len : 0, r->mode);
    putc('\n', r->fp);
}

void rejects_row(rejects *r, reject_reason why, const char *reason, unsigned long line, size_t column,
                 const char *column_name, const char *value, size_t value_len, const char *record,
                 size_t record_len)
{
    r->rows++;
    r->by_reason[why]++;
    write_line(r, line, column, column_name, "", "rejected", reason, value, value_len, record, record_len);
    message(r, line, column, column_name, "row rejected: ", reason);
}

void rejects_item(rejects *r, size_t var_index, const char *variable, const char *reason, unsigned long line,
                  size_t column, const char *column_name, const char *value, size_t value_len)
{
    r->items++;
    if (var_index >= r->nvars_counted) {
        size_t n = var_index + 16;
        unsigned long *p = realloc(r->items_by_var, n * sizeof *p);
        if (p) {
            memset(p + r->nvars_counted, 0, (n - r->nvars_counted) * sizeof *p);
            r->items_by_var = p;
            r->nvars_counted = n;
        }
    }
    if (var_index < r->nvars_counted)
        r->items_by_var[var_index]++;
    write_line(r, line, column, column_name, variable, "warning", reason, value, value_len, NULL, 0);
    if (r->shown >= r->max_messages) {
        r->held_back++;
        return;
    }
    r->shown++;
    const char *who = column_name && *column_name ? column_name : variable;
    const char *at = binary_where(r, line, column, column_name);
    if (at)
        fprintf(stderr, "%s: %s: %s: %s\n", r->prog, at, who, reason);
    else if (column)
        fprintf(stderr, "%s: %s:%lu:%zu: %s: %s\n", r->prog, r->input, line, column, who, reason);
    else
        fprintf(stderr, "%s: %s:%lu: %s: %s\n", r->prog, r->input, line, who, reason);
}

unsigned long rejects_rows(const rejects *r) { return r->rows; }
unsigned long rejects_by_reason(const rejects *r, reject_reason why) { return r->by_reason[why]; }
const char *rejects_reason_name(reject_reason why) { return REASON_NAMES[why]; }
unsigned long rejects_items(const rejects *r) { return r->items; }
unsigned long rejects_items_for(const rejects *r, size_t i)
{
    return i < r->nvars_counted ? r->items_by_var[i] : 0;
}

void rejects_note_more(const rejects *r, const char *path)
{
    if (r->held_back)
        fprintf(stderr, "%s: ... and %lu more problems, all listed in %s\n", r->prog, r->held_back, path);
}

ts_status rejects_commit(rejects *r, ts_err *err)
{
    ts_status st = ts_atomicfile_commit(r->file, err);
    r->file = NULL;
    return st;
}

void rejects_free(rejects *r)
{
    if (!r)
        return;
    ts_atomicfile_abort(r->file);
    free(r->items_by_var);
    ts_strbuf_free(&r->where);
    free(r);
}
