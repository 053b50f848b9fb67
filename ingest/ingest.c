/* ingest.c — the ingest stage's run: read the codebook, match it to the raw header, read every
 * row into the dataset or the rejects file, compute derived variables, check the outcome, and
 * write the outputs atomically. Every row read is accounted for: read = accepted + rejected. */
#include "ingest.h"
#include "grow.h"

#include <libgen.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "cells.h"
#include "checksum.h"
#include "codebook.h"
#include "csvreader.h"
#include "dataset.h"
#include "derive.h"
#include "idset.h"
#include "numparse.h"
#include "rejects.h"
#include "strbuf.h"

#define PROG "tsunagari-ingest"
#define NO_COLUMN SIZE_MAX
#define MAX_ID 9007199254740991LL /* 2^53 - 1: exact in R's doubles and in Excel */

typedef struct run {
    const ingest_options *opt;
    ts_codebook *cb;
    ts_dataset *ds;
    ts_var **vars;           /* per codebook variable: its dataset column, or NULL (text not kept) */
    size_t *col;             /* per codebook variable: header field index, or NO_COLUMN */
    size_t **option_cols;    /* per multi in 0/1-column form: field index of each option */
    cells_tally *tally;      /* per codebook variable: answers read and unmatched */
    char **header;           /* raw header names */
    size_t nheader;
    unsigned long unused_columns;
    rejects *rej;
    idset *ids;
    uint32_t *row_line;  /* per dataset row: the raw line it began on, to name a duplicate's first line */
    size_t row_line_cap;
    ts_strbuf why;
    unsigned long rows_read;
    /* facts about the input, kept once the reader is closed */
    ts_encoding encoding;
    int gzip;
    unsigned long blank_lines;
    unsigned long cr_ends, first_cr_line, lf_ends; /* line ends that were a CR alone; LF or CRLF */
} run;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

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
    return TS_OK;
}

static long find_header(const run *r, const char *name)
{
    long found = -1;
    for (size_t i = 0; i < r->nheader; i++)
        if (strcmp(r->header[i], name) == 0) {
            if (found >= 0)
                return -2;
            found = (long)i;
        }
    return found;
}

static ts_status match_column(run *r, const ts_cbvar *cv, const char *column, size_t *out, ts_err *err)
{
    long i = find_header(r, column);
    if (i == -1)
        return ts_err_set(err, TS_E_DATA, "%s:%lu: %s: raw file %s has no column \"%s\"", r->cb->path, cv->line,
                          cv->def->name, r->opt->input, column);
    if (i == -2)
        return ts_err_set(err, TS_E_DATA, "%s:%lu: %s: raw file %s has two columns named \"%s\"", r->cb->path,
                          cv->line, cv->def->name, r->opt->input, column);
    *out = (size_t)i;
    return TS_OK;
}

/* The first record is the header: keep its names and find every codebook column in it. */
static ts_status read_header(run *r, const ts_record *rec, ts_csvreader *csv, ts_err *err)
{
    if (rec->problem != TS_REC_OK)
        return ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: header line: %s", r->opt->input, rec->line,
                          rec->problem_column, rec->problem_text);
    r->nheader = rec->nfields;
    r->header = calloc(rec->nfields, sizeof *r->header);
    if (!r->header)
        return nomem(err);
    for (size_t i = 0; i < rec->nfields; i++) {
        const char *s = rec->fields[i].s;
        size_t n = rec->fields[i].len;
        ts_trim(&s, &n);
        if (!(r->header[i] = ts_strndup(s, n)))
            return nomem(err);
    }
    unsigned char *used = calloc(r->nheader ? r->nheader : 1, 1);
    if (!used)
        return nomem(err);
    ts_status st = TS_OK;
    for (size_t v = 0; v < r->cb->nvars && st == TS_OK; v++) {
        const ts_cbvar *cv = &r->cb->vars[v];
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
        r->unused_columns += !used[i];
    free(used);
    ts_csvreader_expect_fields(csv, rec->nfields);
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

/* Read the respondent id; returns 1 when the row may go on, 0 when it was rejected. */
static int check_id(run *r, const ts_record *rec, size_t row, ts_err *err)
{
    size_t col = r->col[r->cb->id];
    const char *s = rec->fields[col].s;
    size_t n = rec->fields[col].len;
    int64_t id;
    ts_strbuf_reset(&r->why);
    if (ts_is_blank(s, n)) {
        reject_record(r, rec, REJ_ID_EMPTY, "respondent id is empty", col + 1);
        return 0;
    }
    if (ts_parse_int64(s, n, &id) != 0 || id < 1 || id > MAX_ID) {
        reject_record(r, rec, REJ_ID_INVALID, "respondent id: expected an integer 1..9007199254740991",
                      col + 1);
        return 0;
    }
    ts_var *idv = r->vars[r->cb->id];
    ts_var_set_int(idv, row, id);
    long first = idset_add(r->ids, idv->data, id, row);
    if (first == -2) {
        nomem(err);
        return -1;
    }
    if (first >= 0) {
        /* The user looks for the first row in the raw file, so name its line there. */
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
    return 0;
}

static ts_status read_rows(run *r, ts_csvreader *csv, ts_err *err)
{
    ts_record rec;
    int got, have_header = 0;
    while ((got = ts_csvreader_next(csv, &rec, err)) == 1) {
        if (!have_header) {
            ts_status st = read_header(r, &rec, csv, err);
            if (st != TS_OK)
                return st;
            have_header = 1;
            continue;
        }
        r->rows_read++;
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
        ts_status st = read_items(r, &rec, row, err);
        if (st != TS_OK)
            return st;
        r->ds->nrows++;
    }
    if (got < 0)
        return err->status;
    if (!have_header)
        return ts_err_set(err, TS_E_DATA, "%s: the file is empty: expected a header line with the column names",
                          r->opt->input);
    return TS_OK;
}

static ts_status record_provenance(run *r, const char *input_sha, ts_err *err)
{
    ts_dataset *ds = r->ds;
    char count[32];
    snprintf(count, sizeof count, "%lu", r->rows_read);
    char rejected[32];
    snprintf(rejected, sizeof rejected, "%lu", rejects_rows(r->rej));
    int rc = ts_dataset_set_meta(ds, "tool", PROG) || ts_dataset_set_meta(ds, "tool.version", TS_VERSION) ||
             ts_dataset_set_meta(ds, "source.file", base_name(r->opt->input)) ||
             ts_dataset_set_meta(ds, "source.sha256", input_sha) ||
             ts_dataset_set_meta(ds, "source.encoding", ts_encoding_name(r->encoding)) ||
             ts_dataset_set_meta(ds, "source.gzip", r->gzip ? "yes" : "no") ||
             ts_dataset_set_meta(ds, "source.rows_read", count) ||
             ts_dataset_set_meta(ds, "source.rows_rejected", rejected) ||
             ts_dataset_set_meta(ds, "codebook.file", base_name(r->cb->path)) ||
             ts_dataset_set_meta(ds, "codebook.sha256", r->cb->sha256);
    return rc ? nomem(err) : TS_OK;
}

static void print_summary(const run *r, FILE *out, const char *rejects_path, int wrote)
{
    unsigned long rejected = rejects_rows(r->rej), accepted = (unsigned long)r->ds->nrows;
    /* A file whose every line ends in a CR alone says so where the encoding is named. */
    int cr_only = r->cr_ends && !r->lf_ends;
    fprintf(out, "%s: %s (%s%s%s): %lu rows read, %lu accepted, %lu rejected", PROG, r->opt->input,
            ts_encoding_name(r->encoding), r->gzip ? ", gzip" : "", cr_only ? ", CR line ends" : "", r->rows_read,
            accepted, rejected);
    if (r->rows_read)
        fprintf(out, " (%.2f%%)", 100.0 * (double)rejected / (double)r->rows_read);
    fputc('\n', out);
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
    if (r->cr_ends && !cr_only)
        fprintf(out, "  lone CR line ends: %lu (the first ends line %lu): each read as a line end and counted in line numbers\n",
                r->cr_ends, r->first_cr_line);
    if (r->blank_lines || r->unused_columns)
        fprintf(out, "  blank lines skipped: %lu; raw columns not in the codebook (left out): %lu\n",
                r->blank_lines, r->unused_columns);
    if (wrote)
        fprintf(out, "  wrote %s (%zu rows, %zu variables) and %s\n", r->opt->output, r->ds->nrows,
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
                              "%s: codebook mismatch: %s (column \"%s\"): %lu of %lu answers (%.2f%%) match no %s, "
                              "more than --max-item-warning-rate %g%% (line %lu: \"%s\"); check its answers, "
                              "separator, codes, labels and aliases in %s",
                              what, cv->def->name, cv->column, t->unmatched, t->answered, pct,
                              cv->answers == TS_ANSWERS_CODES ? "code" : cv->answers == TS_ANSWERS_LABELS ? "label" : "code or label",
                              r->opt->max_item_warning_pct, t->example_line, t->example, r->cb->path);
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

/* After reading: does the run pass --strict, --max-reject-rate and --max-item-warning-rate? */
static ts_status judge(const run *r, ts_err *err)
{
    unsigned long rejected = rejects_rows(r->rej);
    if (r->rows_read == 0)
        return ts_err_set(err, TS_E_DATA, "%s: no data rows after the header", r->opt->input);
    if (r->ds->nrows == 0)
        return ts_err_set(err, TS_E_DATA, "%s: every one of the %lu rows was rejected", r->opt->input, r->rows_read);
    if (r->opt->strict && (rejected || rejects_items(r->rej)))
        return ts_err_set(err, TS_E_DATA, "%s: --strict: %lu %s rejected and %lu item %s", r->opt->input,
                          rejected, rejected == 1 ? "row" : "rows", rejects_items(r->rej),
                          rejects_items(r->rej) == 1 ? "warning" : "warnings");
    double pct = 100.0 * (double)rejected / (double)r->rows_read;
    if (pct > r->opt->max_reject_pct)
        return ts_err_set(err, TS_E_DATA, "%s: %lu of %lu rows rejected (%.2f%%), more than --max-reject-rate %g%%",
                          r->opt->input, rejected, r->rows_read, pct, r->opt->max_reject_pct);
    return judge_items(r, r->opt->input, err);
}

ts_status ingest_run(const ingest_options *opt, FILE *summary, ts_err *err)
{
    run r = {0};
    r.opt = opt;
    ts_csvreader *csv = NULL;
    ts_strbuf rejects_path = TS_STRBUF_INIT;
    ts_status st;
    char input_sha[65] = "-";

    if (!(r.cb = ts_codebook_read(opt->codebook, err)))
        return err->status;
    if (!(r.ds = ts_dataset_new()) || !(r.ids = idset_new())) {
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
    if (strcmp(opt->input, "-") != 0 && (st = ts_checksum_file(opt->input, input_sha, err)) != TS_OK)
        goto done;
    if (!(csv = ts_csvreader_open(opt->input, opt->encoding, err))) {
        st = err->status;
        goto done;
    }
    if (opt->rejects)
        st = ts_strbuf_append_str(&rejects_path, opt->rejects) ? nomem(err) : TS_OK;
    else
        st = ts_strbuf_printf(&rejects_path, "%s.rejects.csv", opt->output) ? nomem(err) : TS_OK;
    if (st != TS_OK)
        goto done;
    if (!(r.rej = rejects_open(rejects_path.data, opt->input, PROG, opt->max_messages,
                                 opt->raw_csv ? TS_CSV_RAW : TS_CSV_SAFE, err))) {
        st = err->status;
        goto done;
    }

    st = read_rows(&r, csv, err);
    const ts_linereader *lines = ts_csvreader_lines(csv);
    r.encoding = ts_linereader_encoding(lines) == TS_ENC_AUTO ? TS_ENC_UTF8 : ts_linereader_encoding(lines);
    r.gzip = ts_linereader_was_gzip(lines);
    r.blank_lines = ts_csvreader_blank_lines(csv);
    r.cr_ends = ts_linereader_cr_ends(lines, &r.first_cr_line);
    r.lf_ends = ts_linereader_lf_ends(lines);
    /* zlib may find a truncated stream only when it is closed. */
    ts_status closed = ts_csvreader_close(csv, st == TS_OK ? err : NULL);
    csv = NULL;
    if (st == TS_OK)
        st = closed;
    if (st != TS_OK)
        goto done;
    rejects_note_more(r.rej, rejects_path.data);

    /* The rejects file is written even when the run fails its checks: it says why. */
    ts_status verdict = judge(&r, err);
    st = rejects_commit(r.rej, verdict == TS_OK ? err : NULL);
    if (verdict == TS_OK && st == TS_OK && (st = record_provenance(&r, input_sha, err)) == TS_OK &&
        (st = record_separators(&r, err)) == TS_OK)
        st = ts_dataset_write(r.ds, opt->output, err);
    if (verdict != TS_OK)
        st = verdict;
    if (!opt->quiet)
        print_summary(&r, summary, rejects_path.data, st == TS_OK);
done:
    if (csv)
        ts_csvreader_close(csv, NULL);
    rejects_free(r.rej);
    ts_strbuf_free(&rejects_path);
    for (size_t i = 0; r.option_cols && i < r.cb->nvars; i++)
        free(r.option_cols[i]);
    free(r.option_cols);
    free(r.tally);
    ts_dataset_free(r.ds);
    ts_codebook_free(r.cb);
    idset_free(r.ids);
    free(r.row_line);
    ts_strbuf_free(&r.why);
    for (size_t i = 0; i < r.nheader; i++)
        free(r.header[i]);
    free(r.header);
    free(r.vars);
    free(r.col);
    return st;
}
