/* counts.c — reading a counts file (counts.h, docs/counts.md): lib/csvreader for the records
 * and their positions (UTF-8 or CP932), lib/textfold for the label text. */
#include "counts.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvreader.h"
#include "numformat.h"
#include "numparse.h"
#include "strbuf.h"
#include "textfold.h"

void ts_counts_free(ts_counts *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ncols; i++) {
        free(c->col ? c->col[i] : NULL);
        free(c->col_label ? c->col_label[i] : NULL);
        free(c->total ? c->total[i] : NULL);
    }
    for (size_t i = 0; i < c->nrows * c->ncols; i++)
        free(c->cell[i]);
    free(c->col), free(c->col_label), free(c->total), free(c->cell), free(c->line), free(c->name);
    free(c);
}

long ts_counts_col(const ts_counts *c, const char *name)
{
    for (size_t i = 0; i < c->ncols; i++)
        if (strcmp(c->col[i], name) == 0)
            return (long)i;
    return -1;
}

/* S folded (width, spaces) as a new string. */
static char *fold_dup(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    if (out)
        ts_text_fold(s, n, out);
    return out;
}

/* A codebook-style name: an ASCII letter or _, then letters, digits, _; at most 64 bytes. */
static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    return 1;
}

/* Whether the folded cell S names the total of a column: 合計, 計, 総数, 総計, 全体, total
 * (spaces inside ignored: 「合　計」). */
static int is_total_word(const char *s)
{
    char buf[64];
    size_t k = 0;
    for (const char *p = s; *p && k + 1 < sizeof buf; p++)
        if (*p != ' ')
            buf[k++] = (char)tolower((unsigned char)*p);
    buf[k] = '\0';
    static const char *const words[] = {"合計", "計", "総数", "総計", "全体", "total", "総合計"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(buf, words[i]) == 0)
            return 1;
    return 0;
}

int ts_counts_parse(const char *s, double *out)
{
    /* digits with optional thousands separators in groups of three: 1234, 1,234, 12,345,678 */
    size_t n = strlen(s), digits = 0, group = 0;
    int seen_comma = 0;
    uint64_t v = 0;
    if (n == 0 || n > 24)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ',') {
            if (digits == 0 || (seen_comma && group != 3) || (!seen_comma && group > 3))
                return -1;
            seen_comma = 1;
            group = 0;
            continue;
        }
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0'); /* at most 24 characters: no overflow before the cap */
        digits++;
        group++;
        if (v > ((uint64_t)1 << 53)) /* 2^53: every count and every sum of a few exact in a double */
            return -1;
    }
    if (seen_comma && group != 3)
        return -1;
    *out = (double)v;
    return 0;
}

/* The reading, over a reader R already open. */
static ts_counts *read_all(ts_csvreader *r, const char *name, const char *names, ts_err *err)
{
    ts_counts *c = calloc(1, sizeof *c);
    ts_record rec;
    size_t cap_rows = 0;
    int got;
    if (!c || !(c->name = ts_strdup(name)))
        goto nomem;
    /* the header: the first record that is neither blank nor a comment */
    while ((got = ts_csvreader_next(r, &rec, err)) == 1) {
        if (rec.nfields >= 1 && rec.fields[0].len > 0 && rec.fields[0].s[0] == '#') {
            c->blank_rows++;
            continue;
        }
        int blank = 1;
        for (size_t i = 0; i < rec.nfields && blank; i++)
            blank = ts_is_blank(rec.fields[i].s, rec.fields[i].len);
        if (blank) {
            c->blank_rows++;
            continue;
        }
        break;
    }
    if (got < 0)
        goto fail;
    if (got == 0) {
        ts_err_set(err, TS_E_DATA, "%s: no header row: a counts file starts with its column names (docs/counts.md)", name);
        goto fail;
    }
    if (rec.problem != TS_REC_OK) {
        ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: %s", name, rec.line, rec.problem_column,
                   rec.problem_text ? rec.problem_text : "malformed header");
        goto fail;
    }
    /* trailing empty header cells (an Excel export's ",,") are not columns */
    size_t nh = rec.nfields;
    while (nh > 0 && ts_is_blank(rec.fields[nh - 1].s, rec.fields[nh - 1].len))
        nh--;
    if (nh < 2 || nh > TS_COUNTS_MAX_COLS) {
        ts_err_set(err, TS_E_DATA, "%s:%lu: %zu %s in the header: a counts file has the classifying columns, then at least one "
                   "count column (2..%d columns)", name, rec.line, nh, nh == 1 ? "column" : "columns", TS_COUNTS_MAX_COLS);
        goto fail;
    }
    c->ncols = nh;
    if (!(c->col = calloc(nh, sizeof *c->col)) || !(c->col_label = calloc(nh, sizeof *c->col_label)))
        goto nomem;
    char **given = NULL;
    size_t ngiven = 0;
    if (names) {
        const char *p = names;
        for (;;) {
            const char *e = strchr(p, ',');
            const char *a = p;
            size_t len = e ? (size_t)(e - p) : strlen(p);
            ts_trim(&a, &len);
            if (ngiven < nh) {
                if (!(given = given ? given : calloc(nh, sizeof *given)) || !(given[ngiven] = fold_dup(a, len)))
                    goto nomem_given;
            }
            ngiven++;
            if (!e)
                break;
            p = e + 1;
        }
        if (ngiven != nh) {
            ts_err_set(err, TS_E_DATA, "%s:%lu: [input] counts_columns names %zu columns, the header has %zu", name, rec.line,
                       ngiven, nh);
            goto fail_given;
        }
    }
    for (size_t i = 0; i < nh; i++) {
        const char *s = rec.fields[i].s;
        size_t len = rec.fields[i].len;
        ts_trim(&s, &len);
        if (!(c->col_label[i] = fold_dup(s, len)))
            goto nomem_given;
        c->col[i] = given ? given[i] : ts_strdup(c->col_label[i]);
        if (given)
            given[i] = NULL;
        if (!c->col[i])
            goto nomem_given;
        if (!*c->col_label[i]) {
            ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: an empty column name in the header", name, rec.line, i + 1);
            goto fail_given;
        }
        if (!valid_name(c->col[i])) {
            ts_err_set(err, TS_E_DATA,
                       "%s:%lu:%zu: column \"%s\" is not a name a table can use (ASCII letters, digits and _, starting "
                       "with a letter or _): name the columns in [input] counts_columns (docs/counts.md)",
                       name, rec.line, i + 1, c->col[i]);
            goto fail_given;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->col[j], c->col[i]) == 0) {
                ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: column \"%s\" named twice (also column %zu)", name, rec.line, i + 1,
                           c->col[i], j + 1);
                goto fail_given;
            }
    }
    free(given);
    given = NULL;
    ts_csvreader_expect_fields(r, nh);
    /* the rows */
    while ((got = ts_csvreader_next(r, &rec, err)) == 1) {
        if (rec.nfields >= 1 && rec.fields[0].len > 0 && rec.fields[0].s[0] == '#') {
            c->blank_rows++;
            continue;
        }
        if (rec.problem != TS_REC_OK) {
            if (rec.problem == TS_REC_FIELD_COUNT)
                ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: a cell beyond the header's %zu columns", name, rec.line,
                           rec.problem_column, nh);
            else
                ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: %s", name, rec.line, rec.problem_column,
                           rec.problem_text ? rec.problem_text : "malformed row");
            goto fail;
        }
        int blank = 1;
        for (size_t i = 0; i < nh && blank; i++)
            blank = ts_is_blank(rec.fields[i].s, rec.fields[i].len);
        if (blank) {
            c->blank_rows++;
            continue;
        }
        char **cells = calloc(nh, sizeof *cells);
        if (!cells)
            goto nomem;
        for (size_t i = 0; i < nh; i++)
            if (!(cells[i] = fold_dup(rec.fields[i].s, rec.fields[i].len))) {
                for (size_t j = 0; j < i; j++)
                    free(cells[j]);
                free(cells);
                goto nomem;
            }
        int total = is_total_word(cells[0]);
        for (size_t i = 1; i < nh && !total; i++)
            if (is_total_word(cells[i])) {
                ts_err_set(err, TS_E_DATA,
                           "%s:%lu:%zu: \"%s\": a subtotal row is not read (the total is worked out from the rows): "
                           "remove the row, or keep only a grand total row with the total word in the first column",
                           name, rec.line, i + 1, cells[i]);
                for (size_t j = 0; j < nh; j++)
                    free(cells[j]);
                free(cells);
                goto fail;
            }
        if (total) {
            if (c->total_line) {
                ts_err_set(err, TS_E_DATA, "%s:%lu:1: \"%s\": a second total row (the first is line %lu)", name, rec.line,
                           cells[0], c->total_line);
                for (size_t j = 0; j < nh; j++)
                    free(cells[j]);
                free(cells);
                goto fail;
            }
            c->total = cells;
            c->total_line = rec.line;
            continue;
        }
        if (c->total_line) {
            ts_err_set(err, TS_E_DATA, "%s:%lu: a row after the total row (line %lu): the total row comes last", name,
                       rec.line, c->total_line);
            for (size_t j = 0; j < nh; j++)
                free(cells[j]);
            free(cells);
            goto fail;
        }
        if (c->nrows >= TS_COUNTS_MAX_ROWS) {
            ts_err_set(err, TS_E_DATA, "%s:%lu: more than %d rows", name, rec.line, TS_COUNTS_MAX_ROWS);
            for (size_t j = 0; j < nh; j++)
                free(cells[j]);
            free(cells);
            goto fail;
        }
        if (c->nrows == cap_rows) { /* both arrays grow together, in rows */
            size_t nrows = cap_rows ? 2 * cap_rows : 64;
            char **nc = realloc(c->cell, nrows * nh * sizeof *nc);
            if (nc)
                c->cell = nc;
            unsigned long *nl = nc ? realloc(c->line, nrows * sizeof *nl) : NULL;
            if (!nl) {
                for (size_t j = 0; j < nh; j++)
                    free(cells[j]);
                free(cells);
                goto nomem;
            }
            c->line = nl;
            cap_rows = nrows;
        }
        memcpy(c->cell + c->nrows * nh, cells, nh * sizeof *cells);
        free(cells);
        c->line[c->nrows++] = rec.line;
    }
    if (got < 0)
        goto fail;
    c->blank_rows += ts_csvreader_blank_lines(r);
    if (c->nrows == 0) {
        ts_err_set(err, TS_E_DATA, "%s: no data rows after the header", name);
        goto fail;
    }
    return c;
nomem_given:
    ts_err_set(err, TS_E_NOMEM, "out of memory");
fail_given:
    if (given)
        for (size_t i = 0; i < nh; i++)
            free(given[i]);
    free(given);
    goto fail;
nomem:
    ts_err_set(err, TS_E_NOMEM, "out of memory");
fail:
    ts_counts_free(c);
    return NULL;
}

ts_counts *ts_counts_read(const char *path, ts_encoding enc, const char *names, ts_err *err)
{
    ts_csvreader *r = ts_csvreader_open(path, enc, err);
    if (!r)
        return NULL;
    ts_counts *c = read_all(r, path, names, err);
    ts_err e2 = TS_ERR_INIT;
    if (ts_csvreader_close(r, &e2) != TS_OK && c) {
        ts_counts_free(c);
        c = NULL;
        ts_err_set(err, e2.status, "%s", e2.msg ? e2.msg : "read error");
    }
    ts_err_clear(&e2);
    return c;
}

ts_counts *ts_counts_read_mem(const void *data, size_t n, const char *name, ts_encoding enc, const char *names,
                              ts_err *err)
{
    ts_csvreader *r = ts_csvreader_open_mem(data, n, name, enc, err);
    if (!r)
        return NULL;
    ts_counts *c = read_all(r, name, names, err);
    ts_csvreader_close(r, NULL);
    return c;
}

/* The message for a cell that is not a count. */
static ts_status bad_count(const ts_counts *c, unsigned long line, size_t col, const char *s, ts_err *err)
{
    const char *why = !*s                                     ? "an empty cell is not a count: write 0 for none"
                      : strchr(s, '.')                        ? "a count is a whole number"
                      : s[0] == '-' && s[1]                   ? "a count cannot be negative"
                      : strcmp(s, "-") == 0 || strcmp(s, "－") == 0 || strcmp(s, "―") == 0 || strcmp(s, "‐") == 0
                          ? "a dash is not a count: write 0 for none, and leave out a cell that was not counted"
                          : "expected a count: a whole number >= 0, with or without thousands separators (1234, 1,234)";
    return ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: %s: %s, got \"%s\"", c->name, line, col + 1, c->col_label[col], why, s);
}

ts_status ts_counts_column(const ts_counts *c, size_t col, double *out, ts_err *err)
{
    double sum = 0;
    for (size_t r = 0; r < c->nrows; r++) {
        const char *s = c->cell[r * c->ncols + col];
        if (ts_counts_parse(s, &out[r]) != 0)
            return bad_count(c, c->line[r], col, s, err);
        sum += out[r];
    }
    if (c->total) {
        double t;
        if (ts_counts_parse(c->total[col], &t) != 0)
            return bad_count(c, c->total_line, col, c->total[col], err);
        if (t != sum) {
            char a[64], b[64];
            ts_numformat_grouped(t, 0, a, sizeof a);
            ts_numformat_grouped(sum, 0, b, sizeof b);
            return ts_err_set(err, TS_E_DATA,
                              "%s:%lu:%zu: the total row %s says %s, but the %zu rows above it add up to %s: a row is "
                              "missing or mistyped, or the total counts something else",
                              c->name, c->total_line, col + 1, c->total[0], a, c->nrows, b);
        }
    }
    return TS_OK;
}
