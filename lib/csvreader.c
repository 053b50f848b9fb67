/* csvreader.c — see csvreader.h. */
#include "csvreader.h"
#include "grow.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

enum {
    MAX_RECORD_BYTES = 4 * TS_CSV_MAX_FIELD, /* an unfinished record this long has an unclosed quote */
    MAX_RECORD_LINES = 10000
};

/* One physical line of the current record, kept so it can be read again. */
typedef struct line_info {
    size_t off, len;          /* in raw (the record text) or in the replay store */
    unsigned long lineno;
    ts_line_problem problem;
    size_t problem_offset;
    size_t fields_before;     /* fields completed before this line began */
    int cr;                   /* the line ended with a CR alone */
} line_info;

typedef struct line_list {
    line_info *v;
    size_t n, cap;
} line_list;

struct ts_csvreader {
    ts_linereader *lines;
    struct csv_parser parser;
    size_t expect;
    unsigned long blank;

    /* the record being built */
    ts_strbuf raw;
    const char *raw_borrowed;  /* fast path: the line itself, instead of a copy in raw */
    ts_strbuf fieldbytes;      /* every field's bytes, each followed by a NUL */
    size_t *field_off;         /* start of each field in fieldbytes; length is next start - 1 */
    size_t nfields, field_cap;
    ts_field *fields;          /* handed out */
    size_t fields_cap;
    int done;                  /* libcsv ended the record */
    line_list rec_lines;
    ts_rec_problem problem;
    size_t problem_column;
    ts_strbuf problem_text;
    int field_too_long;
    int last_line_cr;          /* the physical line read last ended with a lone CR */
    int cr_before;             /* ... and so did the line just before the record's first */

    /* lines to read again before asking the line reader for more */
    ts_strbuf replay_text;
    line_list replay;
    size_t replay_pos;
};

static int no_space(unsigned char c) { (void)c; return 0; }       /* keep text as typed */
/* Lines reach libcsv without their line ends; after each one we feed its end ourselves: LF
 * for LF or CRLF, CR for a lone CR. Outside quotes either ends the record; inside a quoted
 * field libcsv keeps it as part of the field. */
static int line_end(unsigned char c) { return c == '\n' || c == '\r'; }

static void parser_init(ts_csvreader *r)
{
    csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    csv_set_space_func(&r->parser, no_space);
    csv_set_term_func(&r->parser, line_end);
}

static void parser_reset(ts_csvreader *r)
{
    csv_free(&r->parser);
    parser_init(r);
}

ts_csvreader *ts_csvreader_open(const char *path, ts_encoding enc, ts_err *err)
{
    ts_csvreader *r = calloc(1, sizeof *r);
    if (!r) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    r->lines = ts_linereader_open(path, enc, err);
    if (!r->lines) {
        free(r);
        return NULL;
    }
    parser_init(r);
    return r;
}

ts_csvreader *ts_csvreader_open_mem(const void *data, size_t n, const char *name, ts_encoding enc, ts_err *err)
{
    ts_csvreader *r = calloc(1, sizeof *r);
    if (!r) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    r->lines = ts_linereader_open_mem(data, n, name, enc, err);
    if (!r->lines) {
        free(r);
        return NULL;
    }
    parser_init(r);
    return r;
}

void ts_csvreader_expect_fields(ts_csvreader *r, size_t n) { r->expect = n; }
unsigned long ts_csvreader_blank_lines(const ts_csvreader *r) { return r->blank; }
const ts_linereader *ts_csvreader_lines(const ts_csvreader *r) { return r->lines; }

static int list_push(line_list *l, line_info li)
{
    line_info *v = ts_grow(l->v, &l->cap, l->n + 1, sizeof *v, 16);
    if (!v)
        return -1;
    l->v = v;
    l->v[l->n++] = li;
    return 0;
}

static void set_problem(ts_csvreader *r, ts_rec_problem p, size_t column, const char *text)
{
    if (r->problem != TS_REC_OK)
        return; /* the first problem found in a record is the one reported */
    r->problem = p;
    r->problem_column = column;
    ts_strbuf_reset(&r->problem_text);
    ts_strbuf_append_str(&r->problem_text, text);
}

/* Make room for more field offsets. Returns 0 or -1 (out of memory). */
static int grow_offsets(ts_csvreader *r)
{
    size_t *v = ts_grow(r->field_off, &r->field_cap, r->field_cap + 1, sizeof *v, 64);
    if (!v)
        return -1;
    r->field_off = v;
    return 0;
}

/* Note that a field starts at byte START of fieldbytes (called for every field: the check
 * for room stays inline, the growing does not). Returns 0 or -1 (out of memory). */
static inline int push_field(ts_csvreader *r, size_t start)
{
    if (r->nfields == r->field_cap && grow_offsets(r) != 0)
        return -1;
    r->field_off[r->nfields++] = start;
    return 0;
}

/* libcsv field callback: append the field, or flag it if it is too long. */
static void on_field(void *s, size_t len, void *data)
{
    ts_csvreader *r = data;
    if (len > TS_CSV_MAX_FIELD) {
        char msg[96];
        snprintf(msg, sizeof msg, "field is longer than %d bytes", TS_CSV_MAX_FIELD);
        set_problem(r, TS_REC_FIELD_TOO_LONG, r->nfields + 1, msg);
        len = 0;
    }
    if (push_field(r, r->fieldbytes.len) != 0 || ts_strbuf_append(&r->fieldbytes, s ? s : "", len) != 0 ||
        ts_strbuf_append_char(&r->fieldbytes, '\0') != 0)
        r->field_too_long = -1;
}

static void on_record(int c, void *data)
{
    (void)c;
    ((ts_csvreader *)data)->done = 1;
}

static void start_record(ts_csvreader *r)
{
    r->raw_borrowed = NULL;
    ts_strbuf_reset(&r->raw);
    ts_strbuf_reset(&r->fieldbytes);
    r->nfields = 0;
    r->done = 0;
    r->rec_lines.n = 0;
    r->problem = TS_REC_OK;
    r->problem_column = 0;
    ts_strbuf_reset(&r->problem_text);
}

/* Next physical line: a replayed one first, else from the file. */
static int next_line(ts_csvreader *r, ts_line *line, ts_err *err)
{
    if (r->replay_pos < r->replay.n) {
        line_info *li = &r->replay.v[r->replay_pos++];
        line->text = r->replay_text.data + li->off;
        line->len = li->len;
        line->lineno = li->lineno;
        line->problem = li->problem;
        line->problem_offset = li->problem_offset;
        line->ended_by_newline = 1;
        line->ended_by_cr = li->cr;
        return 1;
    }
    return ts_linereader_next(r->lines, line, err);
}

/* Put lines [from, n) of the current record back in front of anything already queued. */
static int replay_lines(ts_csvreader *r, size_t from)
{
    ts_strbuf text = TS_STRBUF_INIT;
    line_list list = {0};
    int rc = 0;
    for (size_t i = from; i < r->rec_lines.n && rc == 0; i++) {
        line_info li = r->rec_lines.v[i];
        size_t off = text.len;
        rc = ts_strbuf_append(&text, r->raw.data + li.off, li.len) || ts_strbuf_append_char(&text, '\0');
        li.off = off;
        rc = rc || list_push(&list, li);
    }
    for (size_t i = r->replay_pos; i < r->replay.n && rc == 0; i++) {
        line_info li = r->replay.v[i];
        size_t off = text.len;
        rc = ts_strbuf_append(&text, r->replay_text.data + li.off, li.len) || ts_strbuf_append_char(&text, '\0');
        li.off = off;
        rc = rc || list_push(&list, li);
    }
    if (rc != 0) {
        ts_strbuf_free(&text);
        free(list.v);
        return -1;
    }
    ts_strbuf_free(&r->replay_text);
    free(r->replay.v);
    r->replay_text = text;
    r->replay = list;
    r->replay_pos = 0;
    return 0;
}

/* The record's first line alone is flagged as an unclosed quote; the rest is read again. */
static int cut_unclosed(ts_csvreader *r, const char *why)
{
    if (replay_lines(r, 1) != 0)
        return -1;
    size_t column = r->rec_lines.n > 1 ? r->rec_lines.v[1].fields_before + 1 : r->nfields + 1;
    r->problem = TS_REC_OK; /* this reason replaces any earlier one */
    set_problem(r, TS_REC_UNCLOSED, column, why);
    r->raw.len = r->rec_lines.v[0].len;
    r->raw.data[r->raw.len] = '\0';
    r->rec_lines.n = 1;
    r->last_line_cr = r->rec_lines.v[0].cr; /* the lines after it come again */
    r->nfields = 0;
    ts_strbuf_reset(&r->fieldbytes);
    parser_reset(r);
    return 0;
}

/* Field number (1-based) that byte OFFSET of TEXT falls in, counting from a record start. */
static size_t column_at(const char *text, size_t offset)
{
    size_t col = 1;
    int quoted = 0;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '"')
            quoted = !quoted;
        else if (text[i] == ',' && !quoted)
            col++;
    }
    return col;
}

static void flag_line_problem(ts_csvreader *r, const ts_line *line, size_t fields_before)
{
    static const char *const reasons[] = {
        [TS_LINE_BAD_ENCODING] = NULL, /* depends on the encoding: below */
        [TS_LINE_NUL] = "NUL byte in the line: binary data in a text file?",
        [TS_LINE_BOM] = "byte-order mark inside the file: two files joined together?",
    };
    const char *why = reasons[line->problem];
    ts_rec_problem p = line->problem == TS_LINE_NUL ? TS_REC_NUL
                     : line->problem == TS_LINE_BOM ? TS_REC_BOM : TS_REC_ENCODING;
    if (!why && ts_linereader_leading_bom(r->lines) && ts_linereader_encoding(r->lines) == TS_ENC_UTF8 &&
        ts_cp932_error_count((const unsigned char *)line->text, line->len, 0) == 0)
        /* Some converters put a UTF-8 mark in front of whatever they write; the mark made
         * this file UTF-8, yet its bytes read as CP932. */
        why = "bytes that are not valid UTF-8, though the file starts with a UTF-8 byte-order mark: "
              "the text reads as CP932 (Shift_JIS) behind a mark put in front of it; --encoding cp932 reads it so";
    if (!why)
        why = ts_linereader_encoding(r->lines) == TS_ENC_CP932
                  ? "bytes that are not valid CP932 (Shift_JIS): is part of the file in another encoding?"
                  : "bytes that are not valid UTF-8: is part of the file in another encoding?";
    set_problem(r, p, fields_before + column_at(line->text, line->problem_offset), why);
}

static void hand_out(ts_csvreader *r, ts_record *rec)
{
    for (size_t i = 0; i < r->nfields; i++) {
        size_t end = i + 1 < r->nfields ? r->field_off[i + 1] : r->fieldbytes.len;
        r->fields[i].s = r->fieldbytes.data + r->field_off[i];
        r->fields[i].len = end - r->field_off[i] - 1;
    }
    rec->fields = r->fields;
    rec->nfields = r->nfields;
    rec->line = r->rec_lines.v[0].lineno;
    rec->last_line = r->rec_lines.v[r->rec_lines.n - 1].lineno;
    if (r->raw_borrowed) {
        rec->raw = r->raw_borrowed;
        rec->raw_len = r->rec_lines.v[0].len;
    } else {
        rec->raw = r->raw.data ? r->raw.data : "";
        rec->raw_len = r->raw.len;
    }
    rec->problem = r->problem;
    rec->problem_column = r->problem_column;
    rec->problem_text = r->problem_text.data ? r->problem_text.data : "";
}

static int grow_fields(ts_csvreader *r)
{
    if (r->nfields <= r->fields_cap)
        return 0;
    ts_field *f = realloc(r->fields, r->nfields * sizeof *f);
    if (!f)
        return -1;
    r->fields = f;
    r->fields_cap = r->nfields;
    return 0;
}

/* The record is complete: check its field count and hand it out. */
static int finish(ts_csvreader *r, ts_record *rec, ts_err *err)
{
    if (r->expect && r->nfields != r->expect && r->problem == TS_REC_OK) {
        if (r->rec_lines.n > 1) {
            /* A record spanning lines with the wrong shape is a stray quote that ate the
             * lines below it: give those lines back. */
            char why[160];
            snprintf(why, sizeof why,
                     "quoted field that starts here runs on to line %lu and leaves %zu fields, expected %zu",
                     r->rec_lines.v[r->rec_lines.n - 1].lineno, r->nfields, r->expect);
            if (cut_unclosed(r, why) != 0)
                goto nomem;
        } else {
            /* A lone CR ends a line (linereader.h); where it split a row, say so. */
            const char *hint = r->rec_lines.v[0].cr ? "; the line ends with a lone CR (carriage return): was the row broken in two?"
                             : r->cr_before ? "; the line before ends with a lone CR (carriage return): was the row broken in two?"
                                            : "";
            char why[192];
            snprintf(why, sizeof why, "expected %zu fields, found %zu%s", r->expect, r->nfields, hint);
            set_problem(r, TS_REC_FIELD_COUNT, r->nfields < r->expect ? r->nfields + 1 : r->expect + 1, why);
        }
    }
    if (r->field_too_long < 0 || grow_fields(r) != 0)
        goto nomem;
    hand_out(r, rec);
    return 1;
nomem:
    ts_err_set(err, TS_E_NOMEM, "out of memory");
    return -1;
}

/* The common case: a whole record on one clean line, its quoting well formed (RFC 4180).
 * Split it here in one pass — libcsv would return exactly these fields, but it looks at
 * every byte through callbacks and is the slowest part of ingest. Anything unusual (a quote
 * left open at the line end, a stray quote, text after a closing quote) returns 0 untouched,
 * and the line goes through libcsv, which also words the error. */
static int split_line(ts_csvreader *r, const ts_line *line, ts_record *rec, ts_err *err)
{
    const char *in = line->text;
    size_t n = line->len, pos = 0;
    if (ts_strbuf_reserve(&r->fieldbytes, n + 1) != 0)
        goto nomem;
    char *out = r->fieldbytes.data;
    size_t o = 0;
    for (;;) {
        size_t start = o;
        if (push_field(r, start) != 0)
            goto nomem;
        if (pos < n && in[pos] == '"') {
            pos++;
            for (;;) {
                const char *q = memchr(in + pos, '"', n - pos);
                if (!q)
                    goto not_simple; /* open at the line end: a multi-line field */
                size_t k = (size_t)(q - in) - pos;
                memcpy(out + o, in + pos, k);
                o += k;
                pos += k + 1;
                if (pos < n && in[pos] == '"') { /* a doubled quote stands for one */
                    out[o++] = '"';
                    pos++;
                    continue;
                }
                break;
            }
            if (pos < n && in[pos] != ',')
                goto not_simple; /* text after a closing quote */
        } else {
            while (pos < n && in[pos] != ',') {
                if (in[pos] == '"')
                    goto not_simple; /* a quote inside an unquoted field */
                out[o++] = in[pos++];
            }
        }
        out[o++] = '\0';
        if (o - 1 - start > TS_CSV_MAX_FIELD) {
            char msg[96];
            snprintf(msg, sizeof msg, "field is longer than %d bytes", TS_CSV_MAX_FIELD);
            set_problem(r, TS_REC_FIELD_TOO_LONG, r->nfields, msg);
        }
        if (pos >= n)
            break;
        pos++; /* the comma */
    }
    r->fieldbytes.len = o;
    line_info li = {0, line->len, line->lineno, TS_LINE_OK, 0, 0, line->ended_by_cr};
    if (list_push(&r->rec_lines, li) != 0)
        goto nomem;
    r->raw_borrowed = line->text;
    return finish(r, rec, err);
not_simple:
    r->nfields = 0;
    r->problem = TS_REC_OK;
    ts_strbuf_reset(&r->problem_text);
    return 0;
nomem:
    ts_err_set(err, TS_E_NOMEM, "out of memory");
    return -1;
}

int ts_csvreader_next(ts_csvreader *r, ts_record *rec, ts_err *err)
{
    start_record(r);
    for (;;) {
        ts_line line;
        int got = next_line(r, &line, err);
        if (got < 0)
            return -1;
        if (got == 1) {
            if (r->rec_lines.n == 0)
                r->cr_before = r->last_line_cr;
            r->last_line_cr = line.ended_by_cr;
        }
        if (got == 0) {
            if (r->rec_lines.n == 0)
                return 0;
            /* End of input inside a record: only an open quote can cause that. */
            if (csv_fini(&r->parser, on_field, on_record, r) != 0 && !r->done) {
                if (cut_unclosed(r, "quoted field that starts here is never closed") != 0)
                    goto nomem;
                return finish(r, rec, err);
            }
            parser_reset(r);
            return finish(r, rec, err);
        }
        if (r->rec_lines.n == 0 && line.len == 0 && line.problem == TS_LINE_OK) {
            r->blank++;
            continue;
        }
        if (r->rec_lines.n == 0 && line.problem == TS_LINE_OK) {
            int got_fast = split_line(r, &line, rec, err);
            if (got_fast != 0)
                return got_fast;
        }
        line_info li = {r->raw.len + (r->rec_lines.n ? 1 : 0), line.len, line.lineno, line.problem,
                        line.problem_offset, r->nfields, line.ended_by_cr};
        /* The record's text keeps the line end that joined its lines: LF, or a lone CR. */
        char joint = r->rec_lines.n && r->rec_lines.v[r->rec_lines.n - 1].cr ? '\r' : '\n';
        if ((r->rec_lines.n && ts_strbuf_append_char(&r->raw, joint) != 0) ||
            ts_strbuf_append(&r->raw, line.text, line.len) != 0 || list_push(&r->rec_lines, li) != 0)
            goto nomem;
        if (line.problem != TS_LINE_OK)
            flag_line_problem(r, &line, li.fields_before);

        size_t used = csv_parse(&r->parser, line.text, line.len, on_field, on_record, r);
        if (used == line.len)
            used += csv_parse(&r->parser, line.ended_by_cr ? "\r" : "\n", 1, on_field, on_record, r) == 1 ? 1 : 0;
        if (csv_error(&r->parser) == CSV_ENOMEM)
            goto nomem;
        if (used < line.len + 1 && r->rec_lines.n > 1) {
            /* The quote trouble is on a later line of a record whose quoted field opened
             * lines earlier: that opening quote was the stray one. Give the lines back. */
            char why[160];
            snprintf(why, sizeof why,
                     "quoted field that starts here runs on to line %lu, where its quoting breaks down",
                     line.lineno);
            if (cut_unclosed(r, why) != 0)
                goto nomem;
            return finish(r, rec, err);
        }
        if (used < line.len + 1) {
            /* libcsv stopped at a quote it cannot accept; say which kind. */
            size_t at = used < line.len ? used : line.len;
            size_t col = li.fields_before + column_at(line.text, at);
            int after_close = at > 0 && line.text[at] != '"';
            set_problem(r, TS_REC_QUOTE, col,
                        after_close ? "text after a closing quote: expected a comma or the end of the line"
                                    : "quote inside an unquoted field: a field with quotes must be quoted whole, with inner quotes doubled");
            parser_reset(r);
            if (grow_fields(r) != 0)
                goto nomem;
            hand_out(r, rec);
            return 1;
        }
        if (r->done)
            return finish(r, rec, err);
        if (r->raw.len > MAX_RECORD_BYTES || r->rec_lines.n > MAX_RECORD_LINES) {
            if (cut_unclosed(r, "quoted field that starts here is not closed within 4 MiB") != 0)
                goto nomem;
            return finish(r, rec, err);
        }
    }
nomem:
    ts_err_set(err, TS_E_NOMEM, "out of memory");
    return -1;
}

ts_status ts_csvreader_close(ts_csvreader *r, ts_err *err)
{
    if (!r)
        return TS_OK;
    ts_status st = ts_linereader_close(r->lines, err);
    csv_free(&r->parser);
    ts_strbuf_free(&r->raw);
    ts_strbuf_free(&r->fieldbytes);
    ts_strbuf_free(&r->problem_text);
    ts_strbuf_free(&r->replay_text);
    free(r->replay.v);
    free(r->rec_lines.v);
    free(r->field_off);
    free(r->fields);
    free(r);
    return st;
}
