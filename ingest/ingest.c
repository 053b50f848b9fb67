/* ingest.c — the ingest stage's run: read the codebook, match it to the raw header, read every
 * row into the dataset or the rejects file, compute derived variables, check the outcome, and
 * write the outputs atomically. Every row read is accounted for, in each raw file and in all:
 * read = accepted + rejected + blank (a row whose every cell is empty is skipped, not rejected).
 * Several raw files are read one after the other into one dataset, each matched to the
 * codebook by its own header; a source variable says which file a row came from. */
#include "ingest.h"
#include "grow.h"

#include <libgen.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "cells.h"
#include "checksum.h"
#include "codebook.h"
#include "csvreader.h"
#include "rawreader.h"
#include "dataset.h"
#include "derive.h"
#include "idset.h"
#include "numparse.h"
#include "rejects.h"
#include "schema.h"
#include "strbuf.h"
#include "timestamp.h"

#define PROG "tsunagari-ingest"
#define NO_COLUMN SIZE_MAX
#define MAX_ID 9007199254740991LL /* 2^53 - 1: exact in R's doubles and in Excel */

/* What a raw file was, kept once its reader is closed: the summary and the provenance. */
typedef struct file_facts {
    char sha256[65];
    const char *format;      /* "csv", "xlsx", "sav", ... (static) */
    char *sheet;             /* .xlsx: the sheet read; else NULL */
    ts_encoding encoding;
    int gzip;
    unsigned long rows_read, rows_rejected, rows_blank;
    unsigned long blank_lines, unused_columns;
    unsigned long cr_ends, first_cr_line, lf_ends; /* line ends that were a CR alone; LF or CRLF */
} file_facts;

typedef struct run {
    const ingest_options *opt;
    const char *input;       /* the raw file being read (opt->inputs[file]) */
    size_t file;
    file_facts *files;       /* per raw file */
    ts_var *source;          /* the source variable (several files, or --sources), or NULL */
    ts_var *idv;             /* the dataset's id column (the codebook's, or made for --id row) */
    unsigned long data_rows; /* rows read that are not blank, over all files: the id of --id row */
    ts_codebook *cb;
    ts_dataset *ds;
    ts_var **vars;           /* per codebook variable: its dataset column, or NULL (text not kept) */
    size_t *col;             /* per codebook variable: header field index, or NO_COLUMN */
    size_t **option_cols;    /* per multi in 0/1-column form: field index of each option */
    cells_tally *tally;      /* per codebook variable: answers read and unmatched */
    char **header;           /* raw header names (two header rows: "row 1 / row 2", docs/ingest.md) */
    char **own1, **own2;     /* two header rows: a column's own row-1 and row-2 text (NULL if blank) */
    char **row1;             /* two header rows: the first, until the second is read */
    size_t nheader, nrow1;
    rejects *rej;
    ts_rawreader *raw;       /* the raw file being read */
    idset *ids;
    uint32_t *row_line;  /* per dataset row: the raw line it began on, to name a duplicate's first line */
    size_t row_line_cap;
    unsigned char *row_file; /* several files: per dataset row, the file it came from */
    size_t row_file_cap;
    ts_strbuf why;
    ts_strbuf inputs;    /* the raw files' names for messages about all of them */
    int64_t id_multiplier; /* --ids per-source with several files: the 10^k of source × 10^k + id; else 0 */
} run;

static unsigned long total(const run *r, size_t offset)
{
    unsigned long n = 0;
    for (size_t f = 0; f < r->opt->ninputs; f++)
        n += *(const unsigned long *)((const char *)&r->files[f] + offset);
    return n;
}
#define TOTAL(r, field) total((r), offsetof(file_facts, field))

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

/* Several raw files (or --sources): a single-choice variable, codes 1..k in the files' order,
 * labelled by --sources or the file names, says which file each row came from. */
static ts_status make_source(run *r, ts_err *err)
{
    const ingest_options *o = r->opt;
    if (o->ninputs < 2 && !o->labels && !o->source_variable)
        return TS_OK;
    const char *name = o->source_variable ? o->source_variable : ts_schema_default("input", "source_variable");
    for (size_t i = 0; i < r->cb->nvars; i++)
        if (strcmp(r->cb->vars[i].def->name, name) == 0)
            return ts_err_set(err, TS_E_DATA,
                              "%s:%lu: %s: the source variable (which raw file a row came from) would take the "
                              "name of this codebook variable: give it another with --source-variable",
                              r->cb->vars[i].file, r->cb->vars[i].line, name);
    ts_var *v = ts_var_new(name, TS_VAR_SINGLE);
    if (v) { /* the report's tables and charts show the label */
        free(v->label); /* ts_var_new's empty labels */
        free(v->label_en);
        v->label = ts_strdup(o->source_label ? o->source_label : ts_schema_default("input", "source_label"));
        v->label_en = ts_strdup(o->source_label_en ? o->source_label_en : ts_schema_default("input", "source_label_en"));
    }
    if (!v || !v->label || !v->label_en) {
        ts_var_free(v);
        return nomem(err);
    }
    for (size_t f = 0; f < o->ninputs; f++)
        if (ts_var_add_code(v, (int32_t)f + 1, 0, o->labels ? o->labels[f] : base_name(o->inputs[f]), NULL, NULL) != 0) {
            ts_var_free(v);
            return nomem(err);
        }
    ts_var_choose_storage(v);
    if (ts_dataset_add_var(r->ds, v) != 0) {
        ts_var_free(v);
        return nomem(err);
    }
    r->source = v;
    return TS_OK;
}

/* --id row with a codebook that has no id variable: the dataset's first column `id`, as the
 * codebook line `id,id,,回答者ID（データの行番号）,...` would make it. */
static ts_status make_row_id(run *r, ts_err *err)
{
    for (size_t i = 0; i < r->cb->nvars; i++)
        if (strcmp(r->cb->vars[i].def->name, "id") == 0)
            return ts_err_set(err, TS_E_DATA,
                              "%s:%lu: id: --id row makes the respondent id `id`, but this codebook variable "
                              "(type %s) has that name: rename it, or declare it as the id (type id, column empty)",
                              r->cb->vars[i].file, r->cb->vars[i].line, ts_cbkind_name(r->cb->vars[i].kind));
    ts_var *v = ts_var_new("id", TS_VAR_ID);
    if (v) {
        free(v->label); /* ts_var_new's empty labels */
        free(v->label_en);
        v->label = ts_strdup("回答者ID（データの行番号）");
        v->label_en = ts_strdup("Respondent ID (data row number)");
    }
    if (!v || !v->label || !v->label_en) {
        ts_var_free(v);
        return nomem(err);
    }
    ts_var_choose_storage(v);
    if (ts_dataset_add_var(r->ds, v) != 0) {
        ts_var_free(v);
        return nomem(err);
    }
    r->idv = v;
    return TS_OK;
}

/* The dataset gets one column per codebook variable, except text that is not kept. */
static ts_status make_columns(run *r, ts_err *err)
{
    ts_codebook *cb = r->cb;
    r->vars = calloc(cb->nvars, sizeof *r->vars);
    r->col = malloc(cb->nvars * sizeof *r->col);
    r->option_cols = calloc(cb->nvars, sizeof *r->option_cols);
    r->tally = calloc(cb->nvars, sizeof *r->tally);
    if (!r->vars || !r->col || !r->option_cols || !r->tally)
        return nomem(err);
    if (cb->id == (size_t)-1) { /* --id row and a codebook without an id variable: ingest makes it */
        ts_status st = make_row_id(r, err);
        if (st != TS_OK)
            return st;
    }
    for (size_t i = 0; i < cb->nvars; i++) {
        r->col[i] = NO_COLUMN;
        if (cb->vars[i].kind == TS_CB_TEXT && !cb->vars[i].keep)
            continue;
        ts_var *v = ts_var_copy_def(cb->vars[i].def);
        if (!v || ts_dataset_add_var(r->ds, v) != 0) {
            ts_var_free(v);
            return nomem(err);
        }
        r->vars[i] = v;
    }
    if (cb->id != (size_t)-1)
        r->idv = r->vars[cb->id];
    return make_source(r, err);
}

/* The index of NAME among NAMES[0..N) (NULL entries never match), -1 if absent, -2 if twice. */
static long find_name(char *const *names, size_t n, const char *name)
{
    long found = -1;
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0) {
            if (found >= 0)
                return -2;
            found = (long)i;
        }
    return found;
}

/* A codebook column names a raw column by its header; with two header rows by its full name
 * ("row 1 / row 2"), else by its own row-1 text, else by its row-2 text (docs/ingest.md). */
static long find_header(const run *r, const char *name)
{
    long i = find_name(r->header, r->nheader, name);
    if (i != -1 || !r->own1)
        return i;
    if ((i = find_name(r->own1, r->nheader, name)) != -1)
        return i;
    return find_name(r->own2, r->nheader, name);
}

static ts_status match_column(run *r, const ts_cbvar *cv, const char *column, size_t *out, ts_err *err)
{
    long i = find_header(r, column);
    if (i == -1)
        return ts_err_set(err, TS_E_DATA, "%s:%lu: %s: raw file %s has no column \"%s\"", cv->file, cv->line,
                          cv->def->name, r->input, column);
    if (i == -2)
        return ts_err_set(err, TS_E_DATA, "%s:%lu: %s: raw file %s has two columns named \"%s\"", cv->file,
                          cv->line, cv->def->name, r->input, column);
    *out = (size_t)i;
    return TS_OK;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

/* Forget the header of the file just read: the next file has its own. */
static void free_header(run *r)
{
    free_names(r->header, r->nheader);
    free_names(r->own1, r->nheader);
    free_names(r->own2, r->nheader);
    free_names(r->row1, r->nrow1);
    r->header = r->own1 = r->own2 = r->row1 = NULL;
    r->nheader = r->nrow1 = 0;
    for (size_t i = 0; r->option_cols && i < r->cb->nvars; i++) {
        free(r->option_cols[i]);
        r->option_cols[i] = NULL;
    }
}

/* The trimmed fields of REC as strings, in *OUT (*N of them). */
static ts_status copy_fields(const ts_record *rec, char ***out, size_t *n, ts_err *err)
{
    *n = rec->nfields;
    if (!(*out = calloc(rec->nfields ? rec->nfields : 1, sizeof **out)))
        return nomem(err);
    for (size_t i = 0; i < rec->nfields; i++) {
        const char *s = rec->fields[i].s;
        size_t len = rec->fields[i].len;
        ts_trim(&s, &len);
        if (!((*out)[i] = ts_strndup(s, len)))
            return nomem(err);
    }
    return TS_OK;
}

/* Two header rows (the first in r->row1, the second ROW2): a column's name is its row-1 text,
 * carried forward over the blank row-1 cells to its right (the option columns of a multiple
 * answer), then " / " and its row-2 text; either alone when the other is blank. */
static ts_status name_two_rows(run *r, char **row2, unsigned long line, ts_err *err)
{
    if (r->nrow1 != r->nheader) {
        free_names(row2, r->nheader);
        return ts_err_set(err, TS_E_DATA, "%s:%lu: the second header line has %zu fields, the first %zu",
                          r->input, line, r->nheader, r->nrow1);
    }
    r->own1 = r->row1;
    r->own2 = row2;
    r->row1 = NULL;
    r->nrow1 = 0;
    if (!(r->header = calloc(r->nheader ? r->nheader : 1, sizeof *r->header)))
        return nomem(err);
    const char *carried = "";
    ts_strbuf name = TS_STRBUF_INIT;
    for (size_t i = 0; i < r->nheader; i++) {
        if (*r->own1[i])
            carried = r->own1[i];
        ts_strbuf_reset(&name);
        int fail = ts_strbuf_printf(&name, "%s%s%s", carried, *carried && *row2[i] ? " / " : "", row2[i]) != 0;
        if (fail || !(r->header[i] = ts_strdup(name.data ? name.data : ""))) {
            ts_strbuf_free(&name);
            return nomem(err);
        }
    }
    ts_strbuf_free(&name);
    for (size_t i = 0; i < r->nheader; i++) { /* blank own texts never match */
        if (!*r->own1[i]) {
            free(r->own1[i]);
            r->own1[i] = NULL;
        }
        if (!*r->own2[i]) {
            free(r->own2[i]);
            r->own2[i] = NULL;
        }
    }
    return TS_OK;
}

/* The header record (the last of --header-rows): keep its names and find every codebook column
 * in it. */
static ts_status read_header(run *r, const ts_record *rec, ts_err *err)
{
    char **names;
    ts_status st0 = copy_fields(rec, &names, &r->nheader, err);
    if (r->opt->header_rows == 2) { /* name_two_rows takes NAMES */
        if (st0 == TS_OK)
            st0 = name_two_rows(r, names, rec->line, err);
        else
            free_names(names, r->nheader);
    } else {
        r->header = names;
    }
    if (st0 != TS_OK)
        return st0;
    unsigned char *used = calloc(r->nheader ? r->nheader : 1, 1);
    if (!used)
        return nomem(err);
    ts_status st = TS_OK;
    for (size_t v = 0; v < r->cb->nvars && st == TS_OK; v++) {
        const ts_cbvar *cv = &r->cb->vars[v];
        if (v == r->cb->id && r->opt->id_row)
            continue; /* --id row: the id is the row number, its column is not read */
        if (cv->column) {
            st = match_column(r, cv, cv->column, &r->col[v], err);
            if (st == TS_OK)
                used[r->col[v]] = 1;
        } else if (cv->kind == TS_CB_MULTI) {
            r->option_cols[v] = malloc(cv->def->ncodes * sizeof(size_t));
            if (!r->option_cols[v])
                st = nomem(err);
            for (size_t k = 0; k < cv->def->ncodes && st == TS_OK; k++) {
                r->option_cols[v][k] = NO_COLUMN;
                if ((long)k == cv->skip)
                    continue; /* 非該当 has no column: ingest sets it (asked_if) */
                st = match_column(r, cv, cv->def->codes[k].column, &r->option_cols[v][k], err);
                if (st == TS_OK)
                    used[r->option_cols[v][k]] = 1;
            }
        }
    }
    for (size_t i = 0; i < r->nheader; i++)
        r->files[r->file].unused_columns += !used[i];
    free(used);
    ts_rawreader_expect_fields(r->raw, rec->nfields);
    return st;
}

static reject_reason reason_of(ts_rec_problem p)
{
    switch (p) {
    case TS_REC_ENCODING: return REJ_ENCODING;
    case TS_REC_NUL: return REJ_NUL;
    case TS_REC_BOM: return REJ_BOM;
    case TS_REC_QUOTE: return REJ_QUOTE;
    case TS_REC_UNCLOSED: return REJ_UNCLOSED;
    case TS_REC_FIELD_TOO_LONG: return REJ_FIELD_TOO_LONG;
    default: return REJ_FIELD_COUNT;
    }
}

static void reject_record(run *r, const ts_record *rec, reject_reason why, const char *reason, size_t column)
{
    const char *value = NULL, *name = "";
    size_t value_len = 0;
    if (column >= 1 && column <= rec->nfields) {
        value = rec->fields[column - 1].s;
        value_len = rec->fields[column - 1].len;
    }
    if (column >= 1 && column <= r->nheader)
        name = r->header[column - 1];
    rejects_row(r->rej, why, reason, rec->line, column, name, value, value_len, rec->raw, rec->raw_len);
}

/* --id timestamp: the id of the row whose timestamp is in field COL, YYYYMMDDhhmmss × 100 + k
 * with k the first of 1..99 that no earlier row of that second has taken. The largest id,
 * 9999-12-31 23:59:59 × 100 + 99, is below 2^53: exact in R and Excel. Returns as check_id. */
static int timestamp_id(run *r, const ts_record *rec, size_t row, size_t col, ts_err *err)
{
    ts_timestamp t;
    if (ts_timestamp_parse(rec->fields[col].s, rec->fields[col].len, &t) != 0) {
        reject_record(r, rec, REJ_ID_INVALID,
                      "respondent id (--id timestamp): expected a date and time like 2026/11/02 9:00:00 (docs/ingest.md)",
                      col + 1);
        return 0;
    }
    int64_t base = ts_timestamp_number(&t) * 100;
    for (int k = 1; k <= 99; k++) {
        ts_var_set_int(r->idv, row, base + k);
        long first = idset_add(r->ids, r->idv->data, base + k, row);
        if (first == -2) {
            nomem(err);
            return -1;
        }
        if (first == -1)
            return 1;
    }
    reject_record(r, rec, REJ_ID_DUPLICATE,
                  "respondent id (--id timestamp): 99 earlier answers have this same second already", col + 1);
    return 0;
}

/* Read the respondent id; returns 1 when the row may go on, 0 when it was rejected. */
static int check_id(run *r, const ts_record *rec, size_t row, ts_err *err)
{
    if (r->opt->id_row) {
        ts_var_set_int(r->idv, row, (int64_t)r->data_rows);
        return 1;
    }
    size_t col = r->col[r->cb->id];
    const char *s = rec->fields[col].s;
    size_t n = rec->fields[col].len;
    int64_t id;
    ts_strbuf_reset(&r->why);
    if (ts_is_blank(s, n)) {
        reject_record(r, rec, r->opt->id_timestamp ? REJ_ID_INVALID : REJ_ID_EMPTY,
                      r->opt->id_timestamp ? "respondent id (--id timestamp): the timestamp is empty"
                                           : "respondent id is empty",
                      col + 1);
        return 0;
    }
    if (r->opt->id_timestamp)
        return timestamp_id(r, rec, row, col, err);
    if (ts_parse_int64(s, n, &id) != 0 || id < 1 || id > MAX_ID) {
        reject_record(r, rec, REJ_ID_INVALID, "respondent id: expected an integer 1..9007199254740991",
                      col + 1);
        return 0;
    }
    ts_var *idv = r->idv;
    /* --ids per-source: until compose_ids, the column holds the file in the bits above the id,
     * so one idset finds duplicates within a file only (64 files × 2^53 fits an int64). */
    int64_t key = r->opt->ids_per_source && r->opt->ninputs > 1 ? ((int64_t)r->file << 53) | id : id;
    ts_var_set_int(idv, row, key);
    long first = idset_add(r->ids, idv->data, key, row);
    if (first == -2) {
        nomem(err);
        return -1;
    }
    if (first >= 0) {
        /* The user looks for the first row in the raw file, so name its line there. */
        if (r->row_file)
            ts_strbuf_printf(&r->why, "duplicate respondent id %lld: %s line %lu already has it (that row is kept)",
                             (long long)id, r->opt->inputs[r->row_file[first]], (unsigned long)r->row_line[first]);
        else
            ts_strbuf_printf(&r->why, "duplicate respondent id %lld: line %lu already has it (that row is kept)",
                             (long long)id, (unsigned long)r->row_line[first]);
        reject_record(r, rec, REJ_ID_DUPLICATE, r->why.data, col + 1);
        return 0;
    }
    return 1;
}

static void item_warning(run *r, size_t v, const ts_record *rec, size_t col)
{
    const char *value = col != NO_COLUMN ? rec->fields[col].s : NULL;
    size_t len = col != NO_COLUMN ? rec->fields[col].len : 0;
    rejects_item(r->rej, v, r->cb->vars[v].def->name, r->why.data, rec->line, col != NO_COLUMN ? col + 1 : 0,
                 col != NO_COLUMN ? r->header[col] : "", value, len);
    ts_strbuf_reset(&r->why); /* parsers append to it only when they warn: keep it empty */
}

/* Read one accepted row's items and derived variables into dataset row ROW. */
static ts_status read_items(run *r, const ts_record *rec, size_t row, ts_err *err)
{
    for (size_t v = 0; v < r->cb->nvars; v++) {
        const ts_cbvar *cv = &r->cb->vars[v];
        if (v == r->cb->id || (cv->kind == TS_CB_TEXT && !cv->keep))
            continue;
        cell_status cs;
        size_t col = r->col[v];
        int blank = 1;
        if (cv->kind == TS_CB_RECODE || cv->kind == TS_CB_SUM || cv->kind == TS_CB_INDICATOR) {
            cs = derive_row(r->cb, v, r->vars, row, &r->why);
        } else if (r->option_cols[v]) {
            size_t bad = 0;
            cs = cells_parse_multi_columns(cv, r->vars[v], row, rec->fields, r->option_cols[v], &r->why, &bad);
            col = r->option_cols[v][bad];
            /* option columns holding the option's label (SurveyMonkey) count toward
             * --max-item-warning-rate as a list cell does: a row answered in any of them,
             * unmatched when one holds another text (the example is that cell) */
            size_t shown = NO_COLUMN;
            int labelled = cv->answers != TS_ANSWERS_CODES;
            for (size_t k = 0; labelled && k < cv->def->ncodes; k++) {
                size_t c = r->option_cols[v][k];
                if (c != NO_COLUMN && !ts_is_blank(rec->fields[c].s, rec->fields[c].len) && shown == NO_COLUMN)
                    shown = c;
            }
            if (labelled && cs == CELL_WARN && col != NO_COLUMN)
                shown = col;
            if (shown != NO_COLUMN) {
                cells_tally_note(&r->tally[v], cv, rec->fields[shown].s, rec->fields[shown].len, cs, rec->line);
                if (cs == CELL_WARN && r->tally[v].unmatched == 1)
                    r->tally[v].example_file = r->file;
            }
            for (size_t k = 0; cv->asked_if && k < cv->def->ncodes && blank; k++) {
                size_t c = r->option_cols[v][k];
                if (c != NO_COLUMN && !ts_is_blank(rec->fields[c].s, rec->fields[c].len)) {
                    blank = 0;
                    if (cs == CELL_OK)
                        col = c; /* where a skip warning points */
                }
            }
        } else {
            cs = cells_parse(cv, r->vars[v], row, rec->fields[col].s, rec->fields[col].len, &r->why);
            cells_tally_note(&r->tally[v], cv, rec->fields[col].s, rec->fields[col].len, cs, rec->line);
            if (cs == CELL_WARN && r->tally[v].unmatched == 1)
                r->tally[v].example_file = r->file; /* the first one: its file, for the message */
            blank = cv->asked_if && ts_is_blank(rec->fields[col].s, rec->fields[col].len);
        }
        cs = derive_skip(cv, r->vars, r->vars[v], row, blank, cs, &r->why);
        if (cs == CELL_NOMEM)
            return nomem(err);
        if (cs == CELL_WARN)
            item_warning(r, v, rec, col);
    }
    return TS_OK;
}

/* Note that dataset row ROW comes from raw line LINE. Returns -1 when memory runs out. */
static int remember_line(run *r, size_t row, unsigned long line)
{
    if (row >= r->row_line_cap) {
        uint32_t *v = ts_grow(r->row_line, &r->row_line_cap, row + 1, sizeof *v, 1024);
        if (!v)
            return -1;
        r->row_line = v;
    }
    r->row_line[row] = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line; /* 4 bytes a row; 4e9 lines is beyond any survey */
    if (r->opt->ninputs > 1) {
        if (row >= r->row_file_cap) {
            unsigned char *v = ts_grow(r->row_file, &r->row_file_cap, row + 1, 1, 1024);
            if (!v)
                return -1;
            r->row_file = v;
        }
        r->row_file[row] = (unsigned char)r->file; /* INGEST_MAX_FILES fits */
    }
    return 0;
}

/* Every cell empty (the rows Excel leaves as ,,,,,,), whatever the number of fields. */
static int blank_row(const ts_record *rec)
{
    if (rec->problem != TS_REC_OK && rec->problem != TS_REC_FIELD_COUNT)
        return 0;
    for (size_t i = 0; i < rec->nfields; i++)
        if (!ts_is_blank(rec->fields[i].s, rec->fields[i].len))
            return 0;
    return 1;
}

static ts_status read_rows(run *r, ts_err *err)
{
    ts_record rec;
    int got, headers = 0;
    file_facts *ff = &r->files[r->file];
    while ((got = ts_rawreader_next(r->raw, &rec, err)) == 1) {
        if (headers < r->opt->header_rows) {
            if (rec.problem != TS_REC_OK) {
                ts_strbuf_reset(&r->why);
                if (ts_rawreader_where(r->raw, r->input, rec.line, rec.problem_column, "", &r->why))
                    return nomem(err);
                return ts_err_set(err, TS_E_DATA, "%s: header line: %s", r->why.data, rec.problem_text);
            }
            ts_status st = ++headers < r->opt->header_rows ? copy_fields(&rec, &r->row1, &r->nrow1, err)
                                                            : read_header(r, &rec, err);
            if (st != TS_OK)
                return st;
            continue;
        }
        ff->rows_read++;
        if (blank_row(&rec)) {
            ff->rows_blank++;
            continue;
        }
        r->data_rows++;
        if (rec.problem != TS_REC_OK) {
            reject_record(r, &rec, reason_of(rec.problem), rec.problem_text, rec.problem_column);
            continue;
        }
        size_t row = r->ds->nrows;
        if (ts_dataset_reserve(r->ds, row + 1) != 0 || remember_line(r, row, rec.line) != 0)
            return nomem(err);
        int ok = check_id(r, &rec, row, err);
        if (ok < 0)
            return err->status;
        if (ok == 0)
            continue;
        if (r->source)
            ts_var_set_int(r->source, row, (int64_t)r->file + 1);
        ts_status st = read_items(r, &rec, row, err);
        if (st != TS_OK)
            return st;
        r->ds->nrows++;
    }
    if (got < 0)
        return err->status;
    if (headers == 0)
        return ts_err_set(err, TS_E_DATA, "%s: the file is empty: expected a header line with the column names",
                          r->input);
    if (headers < r->opt->header_rows)
        return ts_err_set(err, TS_E_DATA, "%s: one header line only: --header-rows 2 expects two", r->input);
    return TS_OK;
}

/* --ids per-source: each file's ids are unique within it only, so the dataset's id becomes
 * (file number) × 10^k + id, k the digits of the largest id in any file: file 2's id 45 with
 * ids up to 120 is 2045. One number, so every later stage and R's merge() key on it as before,
 * and the original id is id %% 10^k (the file: id %/% 10^k, the source variable's code). */
static ts_status compose_ids(run *r, ts_err *err)
{
    ts_var *idv = r->idv;
    int64_t max = 0, mult = 1;
    for (size_t row = 0; row < r->ds->nrows; row++) {
        int64_t id = ts_var_int(idv, row) & MAX_ID; /* check_id's key less its file bits */
        ts_var_set_int(idv, row, id);
        if (id > max)
            max = id;
    }
    while (mult <= max)
        mult *= 10;
    if ((int64_t)r->opt->ninputs > (MAX_ID - max) / mult)
        return ts_err_set(err, TS_E_DATA,
                          "%s: --ids per-source: the largest id, %lld, leaves no room for the file number "
                          "(%zu files × %lld + id is over 9007199254740991)",
                          r->inputs.data, (long long)max, r->opt->ninputs, (long long)mult);
    for (size_t row = 0; row < r->ds->nrows; row++)
        ts_var_set_int(idv, row, ((int64_t)r->row_file[row] + 1) * mult + ts_var_int(idv, row));
    r->id_multiplier = mult;
    return TS_OK;
}

static int set_count(ts_dataset *ds, const char *key, unsigned long n)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lu", n);
    return ts_dataset_set_meta(ds, key, buf);
}

/* SEP-joined VALUE(f) of every raw file, in OUT. */
static int join_files(const run *r, ts_strbuf *out, const char *(*value)(const run *, size_t))
{
    ts_strbuf_reset(out);
    int rc = 0;
    for (size_t f = 0; f < r->opt->ninputs; f++)
        rc |= ts_strbuf_printf(out, "%s%s", f ? ", " : "", value(r, f));
    return rc;
}
static const char *file_name(const run *r, size_t f) { return base_name(r->opt->inputs[f]); }
static const char *file_sha(const run *r, size_t f) { return r->files[f].sha256; }
static const char *file_encoding(const run *r, size_t f) { return ts_encoding_name(r->files[f].encoding); }

/* source.* (docs/dataset-format.md): one raw file as before; several: the totals, the lists
 * and source.N.* per file. rows_blank, id and header_rows only when they say something. */
static ts_status record_provenance(run *r, ts_err *err)
{
    ts_dataset *ds = r->ds;
    const ingest_options *o = r->opt;
    ts_strbuf b = TS_STRBUF_INIT;
    int rc = ts_dataset_set_meta(ds, "tool", PROG) || ts_dataset_set_meta(ds, "tool.version", TS_VERSION);
    if (o->ninputs == 1) {
        rc = rc || ts_dataset_set_meta(ds, "source.file", base_name(o->inputs[0])) ||
             ts_dataset_set_meta(ds, "source.sha256", r->files[0].sha256) ||
             ts_dataset_set_meta(ds, "source.encoding", ts_encoding_name(r->files[0].encoding)) ||
             ts_dataset_set_meta(ds, "source.gzip", r->files[0].gzip ? "yes" : "no");
        if (strcmp(r->files[0].format, "csv") != 0) /* a CSV's provenance stays as it always was */
            rc = rc || ts_dataset_set_meta(ds, "source.format", r->files[0].format);
        if (r->files[0].sheet)
            rc = rc || ts_dataset_set_meta(ds, "source.sheet", r->files[0].sheet);
    } else {
        int same_enc = 1;
        for (size_t f = 1; f < o->ninputs; f++)
            same_enc &= r->files[f].encoding == r->files[0].encoding;
        rc = rc || join_files(r, &b, file_name) || ts_dataset_set_meta(ds, "source.file", b.data) ||
             join_files(r, &b, file_sha) || ts_dataset_set_meta(ds, "source.sha256", b.data) ||
             (same_enc ? ts_dataset_set_meta(ds, "source.encoding", ts_encoding_name(r->files[0].encoding))
                       : join_files(r, &b, file_encoding) || ts_dataset_set_meta(ds, "source.encoding", b.data));
        int any_gzip = 0;
        for (size_t f = 0; f < o->ninputs; f++)
            any_gzip |= r->files[f].gzip;
        rc = rc || ts_dataset_set_meta(ds, "source.gzip", any_gzip ? "yes" : "no");
    }
    rc = rc || set_count(ds, "source.rows_read", TOTAL(r, rows_read)) ||
         set_count(ds, "source.rows_rejected", TOTAL(r, rows_rejected));
    if (TOTAL(r, rows_blank))
        rc = rc || set_count(ds, "source.rows_blank", TOTAL(r, rows_blank));
    if (o->header_rows != 1)
        rc = rc || set_count(ds, "source.header_rows", (unsigned long)o->header_rows);
    if (o->id_row)
        rc = rc || ts_dataset_set_meta(ds, "source.id", "row");
    if (o->id_timestamp)
        rc = rc || ts_dataset_set_meta(ds, "source.id", "timestamp") ||
             ts_dataset_set_meta(ds, "source.id_column", r->cb->vars[r->cb->id].column);
    if (r->id_multiplier) {
        char m[32];
        snprintf(m, sizeof m, "%lld", (long long)r->id_multiplier);
        rc = rc || ts_dataset_set_meta(ds, "source.ids", "per_source") || ts_dataset_set_meta(ds, "source.ids_multiplier", m);
    }
    if (r->source) {
        rc = rc || set_count(ds, "source.files", (unsigned long)o->ninputs) ||
             ts_dataset_set_meta(ds, "source.variable", r->source->name);
        for (size_t f = 0; f < o->ninputs && !rc; f++) {
            const file_facts *ff = &r->files[f];
            char key[48];
#define KEY(what) (snprintf(key, sizeof key, "source.%zu.%s", f + 1, what), key)
            rc = ts_dataset_set_meta(ds, KEY("file"), base_name(o->inputs[f])) ||
                 ts_dataset_set_meta(ds, KEY("label"), r->source->codes[f].label) ||
                 ts_dataset_set_meta(ds, KEY("sha256"), ff->sha256) ||
                 ts_dataset_set_meta(ds, KEY("encoding"), ts_encoding_name(ff->encoding)) ||
                 ts_dataset_set_meta(ds, KEY("gzip"), ff->gzip ? "yes" : "no") ||
                 (strcmp(ff->format, "csv") != 0 && ts_dataset_set_meta(ds, KEY("format"), ff->format)) ||
                 (ff->sheet && ts_dataset_set_meta(ds, KEY("sheet"), ff->sheet)) ||
                 set_count(ds, KEY("rows_read"), ff->rows_read) ||
                 set_count(ds, KEY("rows_rejected"), ff->rows_rejected) ||
                 set_count(ds, KEY("rows_blank"), ff->rows_blank);
#undef KEY
        }
    }
    if (o->embedded_codebook) {
        ts_strbuf_reset(&b);
        rc = rc || ts_strbuf_printf(&b, "embedded (%s)%s%s", base_name(o->inputs[0]), o->codebook ? " + " : "",
                                    o->codebook ? base_name(o->codebook) : "") ||
             ts_dataset_set_meta(ds, "codebook.file", b.data);
    } else {
        rc = rc || ts_dataset_set_meta(ds, "codebook.file", base_name(r->cb->path));
    }
    rc = rc || ts_dataset_set_meta(ds, "codebook.sha256", r->cb->sha256);
    /* the codebook's label_LANG labels (vi, pt, ...), for tab --labels LANG (docs/dataset-format.md) */
    for (size_t i = 0; i < r->cb->nxlabels && !rc; i++)
        rc = ts_dataset_set_meta(ds, r->cb->xlabels[i].key, r->cb->xlabels[i].value);
    ts_strbuf_free(&b);
    return rc ? nomem(err) : TS_OK;
}

/* "N rows read, A accepted, R rejected" of one file or all; the share of the rows with data. */
static void print_counts(FILE *out, unsigned long read, unsigned long rejected, unsigned long blank)
{
    fprintf(out, "%lu rows read, %lu accepted, %lu rejected", read, read - rejected - blank, rejected);
    if (read - blank)
        fprintf(out, " (%.2f%%)", 100.0 * (double)rejected / (double)(read - blank));
    if (blank)
        fprintf(out, ", %lu blank", blank);
}

static void print_summary(const run *r, FILE *out, const char *rejects_path, int wrote)
{
    const ingest_options *o = r->opt;
    for (size_t f = 0; f < o->ninputs; f++) {
        const file_facts *ff = &r->files[f];
        /* A file whose every line ends in a CR alone says so where the encoding is named. */
        int cr_only = ff->cr_ends && !ff->lf_ends;
        if (strcmp(ff->format, "csv") != 0) /* a workbook or SPSS/Stata file: its format, and the sheet */
            fprintf(out, "%s: %s (%s%s%s", PROG, o->inputs[f], ff->format, ff->sheet ? ", sheet " : "",
                    ff->sheet ? ff->sheet : "");
        else
            fprintf(out, "%s: %s (%s%s%s", PROG, o->inputs[f], ts_encoding_name(ff->encoding), ff->gzip ? ", gzip" : "",
                    cr_only ? ", CR line ends" : "");
        if (r->source)
            fprintf(out, "; %s %zu%s%s", r->source->name, f + 1, o->labels ? " = " : "", o->labels ? o->labels[f] : "");
        fputs("): ", out);
        print_counts(out, ff->rows_read, ff->rows_rejected, ff->rows_blank);
        fputc('\n', out);
    }
    unsigned long read = TOTAL(r, rows_read), blank = TOTAL(r, rows_blank), rejected = rejects_rows(r->rej);
    if (o->ninputs > 1) {
        fprintf(out, "%s: %zu raw files: ", PROG, o->ninputs);
        print_counts(out, read, rejected, blank);
        fputc('\n', out);
    }
    if (blank)
        fprintf(out, "  blank rows: %lu (every cell empty: skipped, not rejects)\n", blank);
    for (int i = 0; i < REJ_NREASONS; i++)
        if (rejects_by_reason(r->rej, (reject_reason)i))
            fprintf(out, "  rejected: %lu %s\n", rejects_by_reason(r->rej, (reject_reason)i),
                    rejects_reason_name((reject_reason)i));
    fprintf(out, "  item warnings: %lu", rejects_items(r->rej));
    const char *sep = " (";
    for (size_t v = 0; v < r->cb->nvars; v++)
        if (rejects_items_for(r->rej, v)) {
            fprintf(out, "%s%s %lu", sep, r->cb->vars[v].def->name, rejects_items_for(r->rej, v));
            sep = ", ";
        }
    fprintf(out, "%s\n", *sep == ',' ? ")" : "");
    for (size_t f = 0; f < o->ninputs; f++) {
        const file_facts *ff = &r->files[f];
        if (ff->cr_ends && ff->lf_ends)
            fprintf(out, "  lone CR line ends%s%s: %lu (the first ends line %lu): each read as a line end and counted in line numbers\n",
                    o->ninputs > 1 ? " in " : "", o->ninputs > 1 ? o->inputs[f] : "", ff->cr_ends, ff->first_cr_line);
    }
    if (o->id_row)
        fprintf(out, "  respondent id: the data row number (--id row)\n");
    if (o->id_timestamp)
        fprintf(out, "  respondent id: the time in column \"%s\" as YYYYMMDDhhmmss × 100 + its number in that second (--id timestamp)\n",
                r->cb->vars[r->cb->id].column);
    if (r->id_multiplier)
        fprintf(out, "  respondent id: file number × %lld + the id in its file (--ids per-source)\n",
                (long long)r->id_multiplier);
    if (TOTAL(r, blank_lines) || TOTAL(r, unused_columns))
        fprintf(out, "  blank lines skipped: %lu; raw columns not in the codebook (left out): %lu\n",
                TOTAL(r, blank_lines), TOTAL(r, unused_columns));
    if (wrote)
        fprintf(out, "  wrote %s (%zu rows, %zu variables) and %s\n", o->output, r->ds->nrows,
                r->ds->nvars, rejects_path);
    else
        fprintf(out, "  wrote %s; no dataset written\n", rejects_path);
}

/* Does every item pass --max-item-warning-rate? Many answers of one item that match no code
 * or label mean the codebook describes other data (codes where the export has label text, a
 * separator or a label spelled otherwise): a mismatch to fix, not dirty answers to drop. */
static ts_status judge_items(const run *r, const char *what, ts_err *err)
{
    for (size_t v = 0; v < r->cb->nvars; v++) {
        const cells_tally *t = &r->tally[v];
        const ts_cbvar *cv = &r->cb->vars[v];
        if (!t->unmatched)
            continue;
        double pct = 100.0 * (double)t->unmatched / (double)t->answered;
        if (pct > r->opt->max_item_warning_pct)
            return ts_err_set(err, TS_E_DATA,
                              "%s: codebook mismatch: %s (%s%s%s): %lu of %lu answers (%.2f%%) match no %s, "
                              "more than --max-item-warning-rate %g%% (%s%sline %lu: \"%s\"); check its answers, "
                              "separator, codes, labels and aliases in %s",
                              what, cv->def->name, cv->column ? "column \"" : "its option columns",
                              cv->column ? cv->column : "", cv->column ? "\"" : "", t->unmatched, t->answered, pct,
                              cv->answers == TS_ANSWERS_CODES ? "code" : cv->answers == TS_ANSWERS_LABELS ? "label" : "code or label",
                              r->opt->max_item_warning_pct,
                              r->opt->ninputs > 1 ? r->opt->inputs[t->example_file] : "", r->opt->ninputs > 1 ? " " : "",
                              t->example_line, t->example, r->cb->path);
    }
    return TS_OK;
}

/* A multi answer's separator other than ";", for tsunagari-export --labels to join labels as
 * the raw file did (docs/dataset-format.md). */
static ts_status record_separators(run *r, ts_err *err)
{
    for (size_t v = 0; v < r->cb->nvars; v++) {
        const ts_cbvar *cv = &r->cb->vars[v];
        if (!cv->separator || !r->vars[v])
            continue;
        ts_strbuf key = TS_STRBUF_INIT;
        int rc = ts_strbuf_printf(&key, "codebook.separator.%s", cv->def->name) ||
                 ts_dataset_set_meta(r->ds, key.data, cv->separator);
        ts_strbuf_free(&key);
        if (rc)
            return nomem(err);
    }
    return TS_OK;
}

/* After reading: does the run pass --strict, --max-reject-rate and --max-item-warning-rate? Blank rows are neither
 * data nor rejects: the rate is of the rows with data. */
static ts_status judge(const run *r, ts_err *err)
{
    unsigned long rejected = rejects_rows(r->rej);
    unsigned long blank = TOTAL(r, rows_blank), data = TOTAL(r, rows_read) - blank;
    const char *what = r->inputs.data;
    if (data == 0 && blank)
        return ts_err_set(err, TS_E_DATA, "%s: no data rows after the header (%lu blank %s)", what, blank,
                          blank == 1 ? "row" : "rows");
    if (data == 0)
        return ts_err_set(err, TS_E_DATA, "%s: no data rows after the header", what);
    if (r->ds->nrows == 0)
        return ts_err_set(err, TS_E_DATA, "%s: every one of the %lu rows was rejected", what, data);
    if (r->opt->strict && (rejected || rejects_items(r->rej)))
        return ts_err_set(err, TS_E_DATA, "%s: --strict: %lu %s rejected and %lu item %s", what,
                          rejected, rejected == 1 ? "row" : "rows", rejects_items(r->rej),
                          rejects_items(r->rej) == 1 ? "warning" : "warnings");
    double pct = 100.0 * (double)rejected / (double)data;
    if (pct > r->opt->max_reject_pct)
        return ts_err_set(err, TS_E_DATA, "%s: %lu of %lu rows rejected (%.2f%%), more than --max-reject-rate %g%%",
                          what, rejected, data, pct, r->opt->max_reject_pct);
    return judge_items(r, what, err);
}

/* Read raw file F into the dataset, its facts into r->files[F]. */
static ts_status read_file(run *r, size_t f, ts_err *err)
{
    r->file = f;
    r->input = r->opt->inputs[f];
    rejects_set_input(r->rej, r->input);
    file_facts *ff = &r->files[f];
    ts_raw_options ro = {r->opt->encodings[f], r->opt->sheet, r->opt->header_rows};
    if (!(r->raw = ts_rawreader_open(r->input, &ro, err)))
        return err->status;
    rejects_set_reader(r->rej, r->raw);
    unsigned long rejected_before = rejects_rows(r->rej);
    ts_status st = read_rows(r, err);
    ff->format = ts_rawreader_format(r->raw);
    ff->blank_lines = ts_rawreader_blank_lines(r->raw);
    const ts_csvreader *csv = ts_rawreader_csv(r->raw);
    if (csv) {
        const ts_linereader *lines = ts_csvreader_lines(csv);
        ff->encoding = ts_linereader_encoding(lines) == TS_ENC_AUTO ? TS_ENC_UTF8 : ts_linereader_encoding(lines);
        ff->gzip = ts_linereader_was_gzip(lines);
        ff->cr_ends = ts_linereader_cr_ends(lines, &ff->first_cr_line);
        ff->lf_ends = ts_linereader_lf_ends(lines);
    } else {
        ff->encoding = TS_ENC_UTF8; /* a workbook's XML, and ReadStat's text, are UTF-8 */
    }
    if (ts_rawreader_xlsx(r->raw) && !(ff->sheet = ts_strdup(ts_xlsxreader_sheet_name(ts_rawreader_xlsx(r->raw)))) &&
        st == TS_OK)
        st = nomem(err);
    ff->rows_rejected = rejects_rows(r->rej) - rejected_before;
    /* zlib may find a truncated stream only when it is closed. */
    rejects_set_reader(r->rej, NULL);
    ts_status closed = ts_rawreader_close(r->raw, st == TS_OK ? err : NULL);
    r->raw = NULL;
    free_header(r);
    return st == TS_OK ? closed : st;
}

/* The codebook: -c, or (--embedded-codebook) the first raw file's own metadata as
 * lib/statreader words it, then -c's derived variables after it. */
static ts_codebook *read_codebook(const ingest_options *opt, ts_err *err)
{
    unsigned flags = opt->id_row ? TS_CB_ID_FROM_ROWS : 0;
    if (!opt->embedded_codebook)
        return ts_codebook_read_flags(opt->codebook, flags, err);
    const char *in = opt->inputs[0];
    ts_rawreader *raw = ts_rawreader_open(in, NULL, err);
    if (!raw)
        return NULL;
    if (ts_rawreader_kind(raw) != TS_RAW_STAT) {
        ts_err_set(err, TS_E_DATA,
                   "%s: --embedded-codebook: this is a%s %s file, which carries no codebook of its own: give the "
                   "codebook with -c (tsunagari-codebook draft writes one to start from)",
                   in, ts_rawreader_kind(raw) == TS_RAW_XLSX ? "n" : "", ts_rawreader_kind(raw) == TS_RAW_XLSX ? "Excel" : "CSV");
        ts_rawreader_close(raw, NULL);
        return NULL;
    }
    ts_strbuf text = TS_STRBUF_INIT, name = TS_STRBUF_INIT;
    ts_codebook *cb = NULL;
    if (ts_statreader_codebook_csv(ts_rawreader_stat(raw), &text, err) == TS_OK) {
        if (ts_strbuf_printf(&name, "%s (embedded)", base_name(in))) {
            nomem(err);
        } else {
            ts_codebook_part parts[2] = {{name.data, text.data ? text.data : "", text.len}, {opt->codebook, NULL, 0}};
            cb = ts_codebook_read_parts(parts, opt->codebook ? 2 : 1, flags, err);
        }
    }
    ts_rawreader_close(raw, NULL);
    ts_strbuf_free(&text);
    ts_strbuf_free(&name);
    return cb;
}

ts_status ingest_run(const ingest_options *opt, FILE *summary, ts_err *err)
{
    run r = {0};
    r.opt = opt;
    ts_strbuf rejects_path = TS_STRBUF_INIT;
    ts_status st;

    if (!(r.cb = read_codebook(opt, err)))
        return err->status;
    if (!(r.ds = ts_dataset_new()) || !(r.ids = idset_new()) ||
        !(r.files = calloc(opt->ninputs, sizeof *r.files))) {
        st = nomem(err);
        goto done;
    }
    for (size_t f = 0; f < opt->ninputs; f++)
        if (ts_strbuf_printf(&r.inputs, "%s%s", f ? ", " : "", opt->inputs[f]) != 0) {
            st = nomem(err);
            goto done;
        }
    if ((st = make_columns(&r, err)) != TS_OK)
        goto done;
    /* Find out now, not after reading a large file, whether the dataset can be written. */
    ts_atomicfile *probe = ts_atomicfile_open(opt->output, err);
    if (!probe) {
        st = err->status;
        goto done;
    }
    ts_atomicfile_abort(probe);
    /* Every raw file opens before the first is read. */
    for (size_t f = 0; f < opt->ninputs; f++) {
        strcpy(r.files[f].sha256, "-");
        if (strcmp(opt->inputs[f], "-") != 0 && (st = ts_checksum_file(opt->inputs[f], r.files[f].sha256, err)) != TS_OK)
            goto done;
    }
    if (opt->rejects)
        st = ts_strbuf_append_str(&rejects_path, opt->rejects) ? nomem(err) : TS_OK;
    else
        st = ts_strbuf_printf(&rejects_path, "%s.rejects.csv", opt->output) ? nomem(err) : TS_OK;
    if (st != TS_OK)
        goto done;
    if (!(r.rej = rejects_open(rejects_path.data, opt->inputs[0], PROG, opt->max_messages,
                               opt->raw_csv ? TS_CSV_RAW : TS_CSV_SAFE, opt->ninputs > 1, err))) {
        st = err->status;
        goto done;
    }
    for (size_t f = 0; f < opt->ninputs && st == TS_OK; f++)
        st = read_file(&r, f, err);
    if (st == TS_OK && opt->ids_per_source && opt->ninputs > 1)
        st = compose_ids(&r, err);
    if (st != TS_OK)
        goto done;
    rejects_note_more(r.rej, rejects_path.data);

    /* The rejects file is written even when the run fails its checks: it says why. */
    ts_status verdict = judge(&r, err);
    st = rejects_commit(r.rej, verdict == TS_OK ? err : NULL);
    if (verdict == TS_OK && st == TS_OK && (st = record_provenance(&r, err)) == TS_OK &&
        (st = record_separators(&r, err)) == TS_OK)
        st = ts_dataset_write(r.ds, opt->output, err);
    if (verdict != TS_OK)
        st = verdict;
    if (!opt->quiet)
        print_summary(&r, summary, rejects_path.data, st == TS_OK);
done:
    if (r.cb)
        free_header(&r);
    rejects_free(r.rej);
    ts_strbuf_free(&rejects_path);
    free(r.option_cols);
    free(r.tally);
    ts_dataset_free(r.ds);
    ts_codebook_free(r.cb);
    idset_free(r.ids);
    free(r.row_line);
    free(r.row_file);
    for (size_t f = 0; r.files && f < opt->ninputs; f++)
        free(r.files[f].sheet);
    free(r.files);
    ts_strbuf_free(&r.why);
    ts_strbuf_free(&r.inputs);
    free(r.vars);
    free(r.col);
    return st;
}
