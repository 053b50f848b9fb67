/* draft.c — guess a codebook from a raw export.
 *
 * The whole export is read into memory first (exports are thousands of rows, not millions):
 * a guess needs every value of a column, and a 0/1 group needs its neighbours. Each column is
 * then classified by the first rule that fits, in this order, and the reason goes into the
 * comment line written above its variable:
 *   id         named like an id (id, ID, No, 回答ID, 番号 ...), unique positive integers, no blank
 *   timestamp  every answer looks like 2022/11/19 10:15:00 or ISO 8601: text, keep=no
 *   multi 0/1  two or more adjacent columns holding only 0/1 whose headers share a prefix (Q5_1, Q5_2);
 *              with two header rows also columns under one row-1 question each holding only its
 *              row-2 option text (SurveyMonkey): answers=labels
 *   multi list answers joined by ", " "," ";" "、" or "|" from a small set of repeated options
 *   single     small integers (codes), or a small set of repeated short labels
 *   integer, numeric   numbers (min and max: the observed ones, to be widened by the analyst)
 *   text       anything else (free text: keep=no)
 * Comments quote option labels and a timestamp, never free text: a codebook is shared, a
 * respondent's own words are not. The output is a function of the input bytes only (no dates, no version), so a rerun gives the
 * same file and a test can compare it exactly. The new codebook columns (answers, separator)
 * are written only when some variable needs them, so a codes-only export's draft is a codebook
 * that every ingest reads. */
#include "draft.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "csvreader.h"
#include "rawreader.h"
#include "csvwrite.h"
#include "numparse.h"
#include "strbuf.h"
#include "textfold.h"
#include "timestamp.h"

enum {
    MAX_DISTINCT = 64,     /* distinct values kept per column; more means free text or numbers */
    SINGLE_MAX = 20,       /* at most this many labels make a single choice */
    SINGLE_MAX_CODE = 12,  /* integers from 0 or 1 up to 12 at most, few distinct: codes */
    MULTI_MAX = 30,        /* options of a drafted list-form multiple answer */
    LABEL_MAX_CHARS = 50,  /* a longer answer is free text, not a label */
    NAME_MAX = 60,         /* bytes of a drafted name (the codebook allows 64; room for _2) */
    EXAMPLES = 5           /* distinct values quoted in a comment */
};

typedef struct distinct {
    const char *s;     /* borrowed from the cells */
    size_t count;
} distinct;

typedef struct values {
    distinct d[MAX_DISTINCT];
    size_t n;          /* distinct values kept */
    int overflow;      /* more than MAX_DISTINCT */
    size_t total;      /* values added */
} values;

typedef struct column {
    char *header;      /* the column text ingest matches (trimmed) */
    char *label;       /* question text for the label cell */
    char **cells;      /* trimmed, one per data row */
    int group;         /* in a 0/1 group: index of its first column, else -1 */
    size_t prefix;     /* first column of a 0/1 group: the length of the question part its
                        * columns' headers share ("Q9_" of "Q9_1 相談相手:家族") */
    char *question;    /* two header rows: the row-1 text over this column (carried), else NULL */
    char *option;      /* two header rows: the row-2 text, else NULL */
    int text_options;  /* first column of a group whose cells are the option's text, not 0/1 */
} column;

typedef struct draft {
    const draft_options *opt;
    const char *input; /* the raw file being read (one of opt->inputs) */
    column *cols;
    size_t ncols;
    size_t nrows, cap;
    unsigned long skipped, first_skipped, blank_rows;
    size_t first_skipped_file; /* the raw file of the first broken row */
    char **names;      /* drafted variable names so far (unique) */
    size_t nnames;
    char **reserved;   /* the slugs of every header: fallback names keep out of their way */
    size_t nreserved;
    int have_id;       /* an id variable written */
    int plan_id;       /* some column will be the id */
    int use_answers, use_separator, use_aliases;
    FILE *out;
    ts_strbuf buf;
} draft;

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

/* ---- small text helpers ---------------------------------------------------------------- */

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static const char *plural(size_t n) { return n == 1 ? "" : "s"; }

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static void values_add(values *v, const char *s)
{
    v->total++;
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->d[i].s, s) == 0) {
            v->d[i].count++;
            return;
        }
    if (v->n == MAX_DISTINCT) {
        v->overflow = 1;
        return;
    }
    v->d[v->n].s = s;
    v->d[v->n].count = 1;
    v->n++;
}

/* Missing-looking labels: what Japanese questionnaires print for "no valid answer". */
static int missing_label(const char *s)
{
    static const char *const words[] = {"無回答", "回答しない", "回答したくない", "答えたくない", "わからない",
                                        "分からない", "わかりません", "不明", "無記入", "無効回答", NULL};
    for (size_t i = 0; words[i]; i++)
        if (strcmp(s, words[i]) == 0)
            return 1;
    return 0;
}

/* Answer scales whose order is obvious to a reader but not to a sort. */
static const char *const *const SCALES[] = {
    (const char *const[]){"常にある", "時々ある", "ほとんどない", "決してない", NULL},
    (const char *const[]){"とてもそう思う", "ややそう思う", "どちらともいえない", "あまりそう思わない",
                          "まったくそう思わない", "全くそう思わない", NULL},
    (const char *const[]){"そう思う", "ややそう思う", "どちらともいえない", "あまりそう思わない", "そう思わない", NULL},
    (const char *const[]){"非常に満足", "満足", "やや満足", "どちらともいえない", "やや不満", "不満", "非常に不満", NULL},
    (const char *const[]){"とても良い", "良い", "やや良い", "普通", "やや悪い", "悪い", "とても悪い", NULL},
    (const char *const[]){"毎日", "ほぼ毎日", "週に数回", "週に1回", "月に数回", "月に1回", "年に数回", "ほとんどない",
                          "まったくない", NULL},
    (const char *const[]){"はい", "いいえ", NULL},
    (const char *const[]){"ある", "ない", NULL},
    (const char *const[]){"男性", "女性", "その他", NULL},
    NULL,
};

static long scale_pos(const char *const *scale, const char *s)
{
    for (long i = 0; scale[i]; i++)
        if (strcmp(scale[i], s) == 0)
            return i;
    return -1;
}

/* The number a label starts with ("3回以上" → 3; ASCII or full-width digits), or -1. */
static long leading_number(const char *s)
{
    long n = -1;
    for (;;) {
        int d;
        if (is_digit(*s)) {
            d = *s - '0';
            s++;
        } else if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBC && (unsigned char)s[2] >= 0x90 &&
                   (unsigned char)s[2] <= 0x99) {
            d = (unsigned char)s[2] - 0x90;
            s += 3;
        } else {
            return n;
        }
        if (n > 100000000)
            return -1;
        n = (n < 0 ? 0 : n * 10) + d;
    }
}

/* Headers of free-text questions: their answers are never labels, however often one repeats
 * (and the comments never quote them). */
static int free_text_header(const char *h)
{
    static const char *const words[] = {"自由", "意見", "感想", "記述", "コメント", "具体的", "要望", "備考", "comment",
                                        "Comment", "COMMENT", "feedback", "Feedback", "remarks", "Remarks", NULL};
    for (size_t i = 0; words[i]; i++)
        if (strstr(h, words[i]))
            return 1;
    return 0;
}

/* An answer that ends a sentence is no option label. */
static int sentence_like(const char *s)
{
    return strstr(s, "。") || strstr(s, "！") || strstr(s, "？") || strchr(s, '!') || strchr(s, '?');
}

static int is_01(const char *s) { return (s[0] == '0' || s[0] == '1') && s[1] == 0; }

static int is_int(const char *s, int64_t *out) { return ts_parse_int64(s, strlen(s), out) == 0; }

/* 2022/11/19 10:15:00, 2022-11-19T10:15:00+09:00, 2022/11/19 (a date alone), and what
 * Google Forms appends in some locales (" 午後 GMT+9"). */
static int looks_like_timestamp(const char *s)
{
    const char *p = s;
    int k = 0;
    while (is_digit(*p) && k < 4)
        p++, k++;
    if (k != 4 || (*p != '/' && *p != '-'))
        return 0;
    char sep = *p++;
    for (int part = 0; part < 2; part++) {
        k = 0;
        while (is_digit(*p) && k < 2)
            p++, k++;
        if (k == 0)
            return 0;
        if (part == 0 && *p++ != sep)
            return 0;
    }
    if (*p == 0)
        return 1;
    if (*p != ' ' && *p != 'T')
        return 0;
    p++;
    k = 0;
    while (is_digit(*p) && k < 2)
        p++, k++;
    if (k == 0 || *p != ':' || !is_digit(p[1]) || !is_digit(p[2]))
        return 0;
    p += 3;
    return strlen(p) <= 24; /* :SS, fractions, a zone or 午前/午後: no room for free text */
}

/* Lower-cased ASCII with spaces, '_' and '.' left out, for matching id-like names. */
static int id_like_name(const char *h)
{
    static const char *const names[] = {"id", "no", "番号", "通し番号", "回答id", "回答者id", "回答番号",
                                        "回答no", "respondentid", "responseid", "sampleid", "サンプルid",
                                        "サンプル番号", "整理番号", "連番", "caseid", "serial", NULL};
    char low[128];
    size_t n = 0;
    for (const char *p = h; *p && n + 1 < sizeof low; p++) {
        char c = *p;
        if (c == ' ' || c == '_' || c == '.' || c == '-')
            continue;
        low[n++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    low[n] = 0;
    for (size_t i = 0; names[i]; i++)
        if (strcmp(low, names[i]) == 0)
            return 1;
    return 0;
}

/* ---- reading ---------------------------------------------------------------------------- */

static char *trimmed_copy(const ts_field *f)
{
    const char *s = f->s;
    size_t n = f->len;
    ts_trim(&s, &n);
    return ts_strndup(s, n);
}

static ts_status read_header(draft *d, const ts_record *rec, int row, ts_err *err)
{
    const char *in = d->input;
    if (rec->problem != TS_REC_OK)
        return ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: header line: %s", in, rec->line, rec->problem_column,
                          rec->problem_text);
    if (row == 0) {
        d->ncols = rec->nfields;
        if (!(d->cols = calloc(d->ncols ? d->ncols : 1, sizeof *d->cols)))
            return nomem(err);
        for (size_t i = 0; i < d->ncols; i++) {
            d->cols[i].group = -1;
            if (!(d->cols[i].header = trimmed_copy(&rec->fields[i])))
                return nomem(err);
        }
        return TS_OK;
    }
    /* The second header row names the options under a question (SurveyMonkey). A column's
     * name is the one tsunagari-ingest --header-rows 2 gives it: its row-1 text, carried
     * forward over blank row-1 cells to its right, then " / " and its row-2 text; either alone
     * when the other is blank. */
    if (rec->nfields != d->ncols)
        return ts_err_set(err, TS_E_DATA, "%s:%lu: the second header line has %zu fields, the first %zu", in,
                          rec->line, rec->nfields, d->ncols);
    const char *carried = "";
    char **row1 = calloc(d->ncols ? d->ncols : 1, sizeof *row1);
    if (!row1)
        return nomem(err);
    ts_status st = TS_OK;
    for (size_t i = 0; i < d->ncols && st == TS_OK; i++) {
        column *c = &d->cols[i];
        char *opt = trimmed_copy(&rec->fields[i]);
        row1[i] = c->header;
        if (!(c->question = ts_strdup(*c->header ? c->header : carried)) || !(c->option = ts_strdup(opt ? opt : "")))
            st = nomem(err);
        if (*c->header) {
            carried = c->header;
            /* The label is the question, not "Q1 / Response" (SurveyMonkey's second row over a
             * single answer); an option's column keeps its option in the label. */
            if (opt && (!*opt || strcmp(opt, "Response") == 0 || strcmp(opt, "Open-Ended Response") == 0) &&
                !(c->label = ts_strdup(c->header)))
                st = nomem(err);
        }
        ts_strbuf_reset(&d->buf);
        if (!opt || ts_strbuf_printf(&d->buf, "%s%s%s", carried, *carried && *opt ? " / " : "", opt) ||
            !(c->header = ts_strdup(d->buf.data ? d->buf.data : "")))
            st = nomem(err);
        free(opt);
    }
    for (size_t i = 0; i < d->ncols; i++)
        if (row1[i] != d->cols[i].header)
            free(row1[i]);
    free(row1);
    return st;
}

/* Add a data row. MAP (NULL: the identity) gives each field's column: a later raw file may
 * have the columns in another order. */
static ts_status add_row(draft *d, const ts_record *rec, const size_t *map, ts_err *err)
{
    int blank = 1;
    for (size_t i = 0; i < rec->nfields; i++)
        if (!ts_is_blank(rec->fields[i].s, rec->fields[i].len))
            blank = 0;
    if (blank) {
        d->blank_rows++; /* Excel's ",,,,," rows below a table */
        return TS_OK;
    }
    if (d->nrows == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        for (size_t i = 0; i < d->ncols; i++) {
            char **p = realloc(d->cols[i].cells, cap * sizeof *p);
            if (!p)
                return nomem(err);
            d->cols[i].cells = p;
        }
        d->cap = cap;
    }
    for (size_t i = 0; i < d->ncols; i++)
        d->cols[i].cells[d->nrows] = NULL;
    d->nrows++;
    for (size_t i = 0; i < d->ncols; i++)
        if (!(d->cols[map ? map[i] : i].cells[d->nrows - 1] = trimmed_copy(&rec->fields[i])))
            return nomem(err);
    return TS_OK;
}

static void free_columns(column *cols, size_t ncols, size_t nrows)
{
    for (size_t i = 0; i < ncols; i++) {
        for (size_t r = 0; cols[i].cells && r < nrows; r++)
            free(cols[i].cells[r]);
        free(cols[i].cells);
        free(cols[i].header);
        free(cols[i].label);
        free(cols[i].question);
        free(cols[i].option);
    }
    free(cols);
}

/* A later raw file's header H (its columns as read_header named them) against the first
 * file's: the same names, in any order (ingest matches each file by its own header), or an
 * error naming the column one file lacks. Fills MAP[field] = column. */
static ts_status map_header(const draft *d, const draft *h, size_t *map, ts_err *err)
{
    unsigned char *taken = calloc(d->ncols ? d->ncols : 1, 1);
    if (!taken)
        return nomem(err);
    ts_status st = TS_OK;
    for (size_t i = 0; i < h->ncols && st == TS_OK; i++) {
        size_t j = 0;
        while (j < d->ncols && (taken[j] || strcmp(d->cols[j].header, h->cols[i].header) != 0))
            j++;
        if (j == d->ncols)
            st = ts_err_set(err, TS_E_DATA,
                            "%s: column \"%s\" is not in %s: the raw files of one survey need the same columns "
                            "(in any order) to share one codebook",
                            h->input, h->cols[i].header, d->opt->inputs[0]);
        else
            taken[j] = 1, map[i] = j;
    }
    for (size_t j = 0; j < d->ncols && st == TS_OK; j++)
        if (!taken[j])
            st = ts_err_set(err, TS_E_DATA,
                            "%s: column \"%s\" of %s is missing: the raw files of one survey need the same columns "
                            "(in any order) to share one codebook",
                            h->input, d->cols[j].header, d->opt->inputs[0]);
    free(taken);
    return st;
}

/* Read raw file F (its header rows, then its data rows) into D. */
static ts_status read_raw(draft *d, size_t f, ts_rawreader *csv, ts_err *err)
{
    ts_record rec;
    int got, header = 0;
    ts_status st = TS_OK;
    /* A later file's header is read into a draft of its own, then matched to the first's. */
    draft h = {0};
    h.opt = d->opt;
    h.input = d->input;
    draft *hd = f == 0 ? d : &h;
    size_t *map = NULL;
    while (st == TS_OK && (got = ts_rawreader_next(csv, &rec, err)) == 1) {
        if (header < d->opt->header_rows) {
            if ((st = read_header(hd, &rec, header, err)) != TS_OK)
                break;
            if (++header == d->opt->header_rows) {
                ts_rawreader_expect_fields(csv, hd->ncols);
                if (f > 0 && !(map = malloc((h.ncols ? h.ncols : 1) * sizeof *map)))
                    st = nomem(err);
                else if (f > 0)
                    st = map_header(d, &h, map, err);
            }
            continue;
        }
        if (rec.problem != TS_REC_OK) {
            /* A broken row says nothing reliable about the types; ingest will reject it. */
            if (!d->skipped++) {
                d->first_skipped = rec.line;
                d->first_skipped_file = f;
            }
            continue;
        }
        st = add_row(d, &rec, map, err);
    }
    free(map);
    free_columns(h.cols, h.ncols, 0);
    ts_strbuf_free(&h.buf);
    if (st != TS_OK)
        return st;
    if (got < 0)
        return err->status;
    if (header == 0)
        return ts_err_set(err, TS_E_DATA, "%s: empty file: no header row", d->input);
    if (header < d->opt->header_rows)
        return ts_err_set(err, TS_E_DATA, "%s: only %d header row, --header-rows says %d", d->input, header,
                          d->opt->header_rows);
    return TS_OK;
}

/* ---- names ------------------------------------------------------------------------------ */

static int name_taken(const draft *d, const char *s)
{
    for (size_t i = 0; i < d->nnames; i++)
        if (strcmp(d->names[i], s) == 0)
            return 1;
    return 0;
}

/* The header's leading ASCII text as a name ("Q12 相談相手" → q12, "Timestamp" → timestamp,
 * "1. 性別" → q1), in BASE; its length, 0 when the header starts with no ASCII letter or digit. */
static size_t slugify(const char *header, char base[NAME_MAX + 1])
{
    size_t n = 0;
    int pending = 0;
    for (const char *p = header; *p && (unsigned char)*p < 0x80 && n < NAME_MAX - 1; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if ((c >= 'a' && c <= 'z') || is_digit(c)) {
            if (pending && n > 0)
                base[n++] = '_';
            pending = 0;
            if (n == 0 && is_digit(c))
                base[n++] = 'q';
            base[n++] = c;
        } else {
            pending = 1;
        }
    }
    base[n] = 0;
    return n;
}

static int name_reserved(const draft *d, const char *s)
{
    for (size_t i = 0; i < d->nreserved; i++)
        if (strcmp(d->reserved[i], s) == 0)
            return 1;
    return 0;
}

/* A safe ASCII name for the variable of HEADER: its slug, else q<column number> — or
 * col<column number> when some header's slug is that (Q1 性別 after a Japanese first column
 * stays q1); made unique with _2, _3 ... */
static const char *make_name(draft *d, const char *header, size_t colno, ts_err *err, ts_status *st)
{
    char base[NAME_MAX + 1];
    if (slugify(header, base) == 0) {
        snprintf(base, sizeof base, "q%zu", colno);
        if (name_reserved(d, base))
            snprintf(base, sizeof base, "col%zu", colno);
    }
    char name[NAME_MAX + 16];
    snprintf(name, sizeof name, "%s", base);
    for (unsigned k = 2; name_taken(d, name); k++)
        snprintf(name, sizeof name, "%s_%u", base, k);
    char **p = realloc(d->names, (d->nnames + 1) * sizeof *p);
    if (!p || !(p[d->nnames] = ts_strdup(name))) {
        if (p)
            d->names = p;
        *st = nomem(err);
        return NULL;
    }
    d->names = p;
    return d->names[d->nnames++];
}

/* ---- writing ---------------------------------------------------------------------------- */

enum { F_VARIABLE, F_TYPE, F_COLUMN, F_LABEL, F_CODE, F_MISSING, F_MIN, F_MAX, F_KEEP, F_ANSWERS, F_SEPARATOR,
       F_ALIASES, NF };
static const char *const FIELD_NAMES[NF] = {"variable", "type", "column", "label", "code", "missing",
                                            "min", "max", "keep", "answers", "separator", "aliases"};

/* The classic columns, then only those of answers, separator, aliases that some row uses. */
static void put_row(draft *d, const char *const f[NF])
{
    size_t k = 0;
    for (size_t i = 0; i < NF; i++) {
        if ((i == F_ANSWERS && !d->use_answers) || (i == F_SEPARATOR && !d->use_separator) ||
            (i == F_ALIASES && !d->use_aliases))
            continue;
        ts_csv_sep(d->out, k++);
        if (f[i])
            ts_csv_put_str(d->out, f[i]);
    }
    fputc('\n', d->out);
}

/* A comment line: its first field starts with '#', so the codebook reader skips it. Written
 * as it is, to read well in an editor (its commas split it over cells in a spreadsheet, which
 * is harmless); quoted only when it holds a quote, which unquoted CSV does not allow. */
static void put_comment(draft *d, const char *text)
{
    if (strchr(text, '"'))
        ts_csv_put_str(d->out, text);
    else
        fputs(text, d->out);
    fputc('\n', d->out);
}

/* Append S shortened to 20 characters, with control characters as spaces, in 「」. */
static int append_example(ts_strbuf *b, const char *s)
{
    int fail = ts_strbuf_append_str(b, "「");
    size_t chars = 0;
    for (const char *p = s; *p; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80 && ++chars > 20) {
            fail |= ts_strbuf_append_str(b, "…");
            break;
        }
        fail |= ts_strbuf_append_char(b, (unsigned char)*p < 0x20 ? ' ' : *p);
    }
    return fail | ts_strbuf_append_str(b, "」");
}

static int append_examples(ts_strbuf *b, const values *v, size_t most)
{
    int fail = 0;
    for (size_t i = 0; i < v->n && i < most; i++) {
        fail |= ts_strbuf_append_str(b, i ? ", " : " (e.g. ");
        fail |= append_example(b, v->d[i].s);
        fail |= ts_strbuf_printf(b, " %zu", v->d[i].count);
    }
    if (v->n > most || v->overflow)
        fail |= ts_strbuf_append_str(b, ", …");
    if (v->n)
        fail |= ts_strbuf_append_str(b, ")");
    return fail;
}

/* ---- code lists ------------------------------------------------------------------------- */

typedef struct code {
    const char *label;
    int64_t value;
    int missing;
    char *aliases;     /* owned: other spellings of the label, |-separated, or NULL */
} code;

static int64_t missing_base(size_t nvalid, size_t nmissing, int64_t top)
{
    int64_t m = 9;
    while (m - (int64_t)nmissing < (int64_t)nvalid || m <= top)
        m = m * 10 + 9;
    return m - (int64_t)nmissing + 1;
}

static char *fold_copy(const char *s)
{
    size_t n = strlen(s);
    char *f = malloc(n + 1);
    if (f)
        ts_text_fold(s, n, f);
    return f;
}

/* How many distinct answers of V are left once spellings that ingest matches as the same
 * label (ts_text_fold: width, spaces) count as one; -1 when memory runs out. */
static long folded_count(const values *v, int *variants)
{
    char *f[MAX_DISTINCT];
    long n = 0;
    *variants = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (!(f[i] = fold_copy(v->d[i].s))) {
            for (size_t j = 0; j < i; j++)
                free(f[j]);
            return -1;
        }
        size_t j = 0;
        while (j < i && strcmp(f[j], f[i]) != 0)
            j++;
        if (j == i)
            n++;
        else
            *variants = 1;
    }
    for (size_t i = 0; i < v->n; i++)
        free(f[i]);
    return n;
}

/* Codes for the distinct labels L[0..N) (first-seen order). Spellings that fold to the same
 * text are one code: the first seen is its label, the others its aliases. The valid labels
 * get 1..k in the order of a known answer scale, of the numbers they start with, or as first
 * seen; missing-looking ones come after them as ...8, 9 (or 98, 99 above more codes).
 * Returns the number of codes written to OUT (room for N), or -1 when memory runs out; *HOW
 * says which order was used. The caller frees OUT[i].aliases. */
static long label_codes(const distinct *l, size_t n, code *out, const char **how)
{
    char **folded = calloc(n ? n : 1, sizeof *folded);
    size_t *rep = calloc(n ? n : 1, sizeof *rep);
    size_t *uniq = calloc(n ? n : 1, sizeof *uniq);
    long result = -1;
    size_t nu = 0, k = 0, nmiss = 0;
    if (!folded || !rep || !uniq)
        goto done;
    for (size_t i = 0; i < n; i++) {
        if (!(folded[i] = fold_copy(l[i].s)))
            goto done;
        rep[i] = i;
        for (size_t j = 0; j < i; j++)
            if (rep[j] == j && strcmp(folded[j], folded[i]) == 0) {
                rep[i] = j;
                break;
            }
        if (rep[i] == i)
            uniq[nu++] = i;
    }
    /* The valid labels first, then the missing-looking ones; U holds indices into L. */
    size_t *u = malloc((nu ? nu : 1) * sizeof *u);
    if (!u)
        goto done;
    for (size_t i = 0; i < nu; i++)
        if (!missing_label(folded[uniq[i]]))
            u[k++] = uniq[i];
    size_t nvalid = k;
    for (size_t i = 0; i < nu; i++)
        if (missing_label(folded[uniq[i]]))
            u[k++] = uniq[i], nmiss++;
    *how = "in first-seen order";
    int sorted = 0;
    for (size_t sc = 0; SCALES[sc] && nvalid > 1 && !sorted; sc++) {
        size_t i = 0;
        while (i < nvalid && scale_pos(SCALES[sc], folded[u[i]]) >= 0)
            i++;
        if (i < nvalid)
            continue;
        for (size_t a = 1; a < nvalid; a++) /* insertion sort: stable, and nvalid <= SINGLE_MAX */
            for (size_t b = a; b > 0 && scale_pos(SCALES[sc], folded[u[b]]) < scale_pos(SCALES[sc], folded[u[b - 1]]);
                 b--) {
                size_t t = u[b];
                u[b] = u[b - 1];
                u[b - 1] = t;
            }
        *how = "in the order of a known answer scale";
        sorted = 1;
    }
    if (nvalid > 1 && !sorted) {
        size_t i = 0;
        while (i < nvalid && leading_number(folded[u[i]]) >= 0)
            i++;
        if (i == nvalid) {
            for (size_t a = 1; a < nvalid; a++)
                for (size_t b = a; b > 0 && leading_number(folded[u[b]]) < leading_number(folded[u[b - 1]]); b--) {
                    size_t t = u[b];
                    u[b] = u[b - 1];
                    u[b - 1] = t;
                }
            *how = "in the order of the numbers they start with";
        }
    }
    int64_t m = missing_base(nvalid, nmiss, (int64_t)nvalid);
    for (size_t c = 0; c < k; c++) {
        out[c].label = l[u[c]].s;
        out[c].missing = c >= nvalid;
        out[c].value = c < nvalid ? (int64_t)c + 1 : m++;
        out[c].aliases = NULL;
        ts_strbuf al = TS_STRBUF_INIT;
        for (size_t j = 0; j < n; j++)
            if (rep[j] == u[c] && j != u[c] &&
                ((al.len && ts_strbuf_append_char(&al, '|')) || ts_strbuf_append_str(&al, l[j].s))) {
                ts_strbuf_free(&al);
                for (size_t e = 0; e < c; e++)
                    free(out[e].aliases);
                free(u);
                goto done;
            }
        out[c].aliases = al.len ? ts_strbuf_take(&al) : NULL;
        ts_strbuf_free(&al);
    }
    free(u);
    result = (long)k;
done:
    for (size_t i = 0; folded && i < n; i++)
        free(folded[i]);
    free(folded);
    free(rep);
    free(uniq);
    return result;
}

static void put_codes(draft *d, const code *c, size_t n, const char *const *columns)
{
    char num[32];
    for (size_t i = 0; i < n; i++) {
        const char *f[NF] = {0};
        snprintf(num, sizeof num, "%lld", (long long)c[i].value);
        f[F_LABEL] = c[i].label;
        f[F_CODE] = num;
        f[F_MISSING] = c[i].missing ? "yes" : NULL;
        f[F_ALIASES] = c[i].aliases;
        if (columns)
            f[F_COLUMN] = columns[i];
        put_row(d, f);
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* ---- classification --------------------------------------------------------------------- */

typedef enum { G_NONE, G_ID, G_TIMESTAMP, G_SINGLE_CODES, G_SINGLE_LABELS, G_MULTI_LIST, G_INTEGER, G_NUMERIC,
               G_TEXT, G_BLANK } guess_kind;

typedef struct guess {
    guess_kind kind;
    values v;                  /* distinct answers */
    size_t nonblank;
    size_t maxchars;
    const char *sep;           /* multi list */
    values tokens;             /* multi list: distinct options */
    int tokens_int;            /* multi list: the options are codes */
    size_t merged;             /* multi list: pairs of pieces joined into one option (merge_pairs) */
    const char *merged_label;  /* the first such option ("友人, 知人") */
    int64_t imin, imax, miss;  /* integer / single codes; miss: a 9/99/999 code, or 0 */
    const char *nmin, *nmax;   /* numeric: the cells of the extremes */
    const char *not_id;        /* why a column named like an id is not one, or NULL */
    size_t id_bad, id_dups;    /* id: rows with no valid id; ids seen before */
} guess;

static const char *const SEPARATORS[] = {", ", ",", ";", "、", "|", NULL};

/* The index of S among TOK's distinct values, or -1. */
static long token_index(const values *tok, const char *s, size_t n)
{
    for (size_t i = 0; i < tok->n; i++)
        if (strlen(tok->d[i].s) == n && memcmp(tok->d[i].s, s, n) == 0)
            return (long)i;
    return -1;
}

/* Google Forms joins the chosen options with ", ", so an option whose label holds the
 * separator ("友人, 知人") comes out as two pieces that never appear apart, the one always
 * right after the other. Such pairs become one option, the pieces joined by SEP; G says how
 * many and the first. Returns 0, or -1 out of memory. */
static int merge_pairs(const column *c, size_t nrows, const char *sep, values *tok, guess *g, char ***pool,
                       size_t *npool)
{
    for (int again = 1; again;) {
        again = 0;
        long next[MAX_DISTINCT], prev[MAX_DISTINCT]; /* the piece always after / before, -1 none, -2 varies */
        for (size_t i = 0; i < tok->n; i++)
            next[i] = prev[i] = -1;
        size_t sl = strlen(sep);
        for (size_t r = 0; r < nrows; r++) {
            long last = -1;
            for (const char *p = c->cells[r]; *c->cells[r];) {
                const char *e = strstr(p, sep);
                size_t n = e ? (size_t)(e - p) : strlen(p);
                const char *t = p;
                ts_trim(&t, &n);
                long k = n ? token_index(tok, t, n) : -1;
                if (k >= 0) {
                    prev[k] = prev[k] == -1 ? (last >= 0 ? last : -2) : (prev[k] == last ? last : -2);
                    if (last >= 0)
                        next[last] = next[last] == -1 ? k : (next[last] == k ? k : -2);
                }
                if (last >= 0 && k < 0)
                    next[last] = -2;
                last = k;
                if (!e)
                    break;
                p = e + sl;
            }
            if (last >= 0)
                next[last] = -2; /* the last piece of a cell: nothing after it */
        }
        for (size_t a = 0; a < tok->n && !again; a++) {
            long b = next[a];
            if (b < 0 || (size_t)b == a || prev[b] != (long)a || tok->d[a].count != tok->d[b].count)
                continue;
            ts_strbuf j = TS_STRBUF_INIT;
            char **np = NULL;
            if (ts_strbuf_printf(&j, "%s%s%s", tok->d[a].s, sep, tok->d[b].s) ||
                !(np = realloc(*pool, (*npool + 1) * sizeof *np))) {
                ts_strbuf_free(&j);
                return -1;
            }
            *pool = np;
            (*pool)[(*npool)++] = j.data; /* the pool owns it now */
            tok->d[a].s = j.data;
            tok->total -= tok->d[b].count;
            memmove(&tok->d[b], &tok->d[b + 1], (tok->n - (size_t)b - 1) * sizeof tok->d[0]);
            tok->n--;
            if (!g->merged++)
                g->merged_label = j.data;
            again = 1; /* a label holding the separator twice: merge again */
        }
    }
    return 0;
}

/* Answers joined by a separator from a small set of options that repeat. The tokens are
 * interned in *POOL (freed by the caller). */
static int guess_multi(const column *c, size_t nrows, guess *g, char ***pool, size_t *npool)
{
    size_t best = 0;
    const char *sep = NULL;
    for (size_t s = 0; SEPARATORS[s]; s++) {
        size_t cnt = 0;
        for (size_t r = 0; r < nrows; r++)
            cnt += strstr(c->cells[r], SEPARATORS[s]) != NULL;
        if (cnt > best) {
            best = cnt;
            sep = SEPARATORS[s];
        }
    }
    if (!sep)
        return 0;
    values tok = {0};
    size_t occurrences = 0, maxchars = 0;
    for (size_t r = 0; r < nrows && !tok.overflow; r++) {
        const char *cell = c->cells[r];
        if (!cell[0])
            continue;
        size_t sl = strlen(sep);
        for (const char *p = cell;;) {
            const char *e = strstr(p, sep);
            size_t n = e ? (size_t)(e - p) : strlen(p);
            const char *s = p;
            ts_trim(&s, &n);
            if (n > 0) {
                char *t = ts_strndup(s, n);
                char **np = t ? realloc(*pool, (*npool + 1) * sizeof *np) : NULL;
                if (!np) {
                    free(t);
                    return -1;
                }
                *pool = np;
                (*pool)[(*npool)++] = t;
                values_add(&tok, t);
                occurrences++;
                size_t ch = utf8_chars(t);
                if (ch > maxchars)
                    maxchars = ch;
            }
            if (!e)
                break;
            p = e + sl;
        }
    }
    if (!tok.overflow && tok.n <= MAX_DISTINCT) {
        size_t before = tok.total;
        if (merge_pairs(c, nrows, sep, &tok, g, pool, npool) < 0)
            return -1;
        occurrences -= before - tok.total;
        if (g->merged && utf8_chars(g->merged_label) > maxchars)
            maxchars = utf8_chars(g->merged_label);
    }
    /* Free text with commas has many different pieces that seldom repeat, or sentences. */
    if (tok.overflow || tok.n > MULTI_MAX || tok.n < 2 || maxchars > LABEL_MAX_CHARS || occurrences < 2 * tok.n)
        return 0;
    for (size_t i = 0; i < tok.n; i++)
        if (sentence_like(tok.d[i].s))
            return 0;
    int all_int = 1;
    for (size_t i = 0; i < tok.n; i++) {
        int64_t x;
        if (!is_int(tok.d[i].s, &x) || x < 0 || x > 999)
            all_int = 0;
    }
    g->kind = G_MULTI_LIST;
    g->sep = sep;
    g->tokens = tok;
    g->tokens_int = all_int;
    return 1;
}

static int guess_column(const draft *d, const column *c, int id_ok, guess *g, char ***pool, size_t *npool)
{
    memset(g, 0, sizeof *g);
    int all_int = 1, all_num = 1, all_ts = 1;
    double dmin = 0, dmax = 0;
    size_t nvalues = 0;
    for (size_t r = 0; r < d->nrows; r++) {
        const char *s = c->cells[r];
        if (!s[0])
            continue;
        g->nonblank++;
        values_add(&g->v, s);
        size_t ch = utf8_chars(s);
        if (ch > g->maxchars)
            g->maxchars = ch;
        int64_t x;
        double y;
        if (!is_int(s, &x))
            all_int = 0;
        if (ts_parse_double(s, strlen(s), &y) != 0) {
            all_num = 0;
        } else if (all_num) {
            if (nvalues == 0 || y < dmin) {
                dmin = y;
                g->nmin = s;
            }
            if (nvalues == 0 || y > dmax) {
                dmax = y;
                g->nmax = s;
            }
            nvalues++;
        }
        if (!looks_like_timestamp(s))
            all_ts = 0;
    }
    if (g->nonblank == 0)
        return g->kind = G_BLANK;
    if (id_ok && id_like_name(c->header)) {
        /* An export's id column with a few duplicates or blanks is still its id: ingest
         * rejects those rows, and says why. More than 5% of them and it is something else. */
        int64_t *ids = malloc(d->nrows * sizeof *ids);
        if (!ids)
            return -1;
        size_t n = 0;
        for (size_t r = 0; r < d->nrows; r++)
            if (is_int(c->cells[r], &ids[n]) && ids[n] >= 1 && ids[n] <= INT64_C(9007199254740991))
                n++;
        qsort(ids, n, sizeof *ids, cmp_i64);
        size_t dups = 0;
        for (size_t r = 1; r < n; r++)
            dups += ids[r] == ids[r - 1];
        free(ids);
        g->id_bad = d->nrows - n;
        g->id_dups = dups;
        if (n > 0 && (g->id_bad + dups) * 20 <= d->nrows)
            return g->kind = G_ID;
        g->not_id = g->id_bad ? "not every row has a whole number 1..2^53-1 there"
                              : "too many values are there twice";
    }
    if (all_ts)
        return g->kind = G_TIMESTAMP;
    if (all_int) {
        int64_t *xs = malloc(g->nonblank * sizeof *xs);
        if (!xs)
            return -1;
        size_t n = 0;
        for (size_t r = 0; r < d->nrows; r++)
            if (c->cells[r][0])
                (void)is_int(c->cells[r], &xs[n++]);
        qsort(xs, n, sizeof *xs, cmp_i64);
        int64_t top = xs[n - 1];
        size_t below = n;
        while (below > 0 && xs[below - 1] == top)
            below--;
        /* 9, 99, 999 ... above the other answers with a gap: a missing code, as printed on
         * questionnaires (9 無回答; 999 for an age). */
        if (below > 0 && (top == 9 || top == 99 || top == 999 || top == 9999) && xs[below - 1] < top - 1) {
            g->miss = top;
            n = below;
        }
        g->imin = xs[0];
        g->imax = xs[n - 1];
        size_t ndistinct = 0;
        for (size_t i = 0; i < n; i++)
            ndistinct += i == 0 || xs[i] != xs[i - 1];
        free(xs);
        if (ndistinct <= 12 && g->imin >= 0 && g->imin <= 1 && g->imax <= SINGLE_MAX_CODE)
            return g->kind = G_SINGLE_CODES;
        return g->kind = G_INTEGER;
    }
    if (all_num)
        return g->kind = G_NUMERIC;
    if (free_text_header(c->header))
        return g->kind = G_TEXT;
    int m = guess_multi(c, d->nrows, g, pool, npool);
    if (m < 0)
        return -1;
    if (m)
        return G_MULTI_LIST;
    int sentences = 0;
    for (size_t i = 0; i < g->v.n; i++)
        sentences |= sentence_like(g->v.d[i].s);
    if (!g->v.overflow && g->v.n <= SINGLE_MAX && g->v.n < g->nonblank && g->maxchars <= LABEL_MAX_CHARS && !sentences)
        return g->kind = G_SINGLE_LABELS;
    return g->kind = G_TEXT;
}

/* ---- 0/1 groups ------------------------------------------------------------------------- */

static int is_cut(const char *s, size_t n)
{
    char c = s[n - 1];
    return c == '_' || c == '-' || c == '.' || c == ':' || c == '[' || c == '(' || c == ' ' || c == '/' ||
           (n >= 3 && memcmp(s + n - 3, "：", 3) == 0);
}

/* N shortened past the separators S[0..N) ends with (a full-width colon whole). */
static size_t trim_cuts(const char *s, size_t n)
{
    while (n > 0 && is_cut(s, n))
        n -= n >= 3 && memcmp(s + n - 3, "：", 3) == 0 ? 3 : 1;
    return n;
}

/* The question part headers A and B share: their longest common prefix cut back to just after
 * a separator ("Q9_" of "Q9_1 相談相手:家族" and "Q9_2 相談相手:友人"); 0 when there is none or
 * nothing would be left of either. */
static size_t shared_prefix(const char *a, const char *b)
{
    size_t n = 0;
    while (a[n] && a[n] == b[n])
        n++;
    while (n > 0 && !is_cut(a, n))
        n--;
    return n > 0 && a[n] && b[n] ? n : 0;
}

static int only_01(const draft *d, const column *c)
{
    size_t n = 0;
    for (size_t r = 0; r < d->nrows; r++) {
        if (!c->cells[r][0])
            continue;
        if (!is_01(c->cells[r]))
            return 0;
        n++;
    }
    return n > 0;
}

/* Runs of two or more adjacent 0/1 columns whose headers share a question part. */
static void find_groups(draft *d)
{
    for (size_t i = 0; i < d->ncols;) {
        const char *h = d->cols[i].header;
        size_t pl = 0, j = i + 1;
        if (j < d->ncols && only_01(d, &d->cols[i]) && only_01(d, &d->cols[j]))
            pl = shared_prefix(h, d->cols[j].header);
        if (pl)
            while (j < d->ncols && strncmp(d->cols[j].header, h, pl) == 0 && d->cols[j].header[pl] &&
                   only_01(d, &d->cols[j]))
                j++;
        if (!pl) {
            i++;
            continue;
        }
        d->cols[i].prefix = pl;
        for (size_t k = i; k < j; k++)
            d->cols[k].group = (int)i;
        i = j;
    }
}

/* Whether column C of a two-header-row export holds only its own option text (row 2, folded)
 * or nothing: 1 with some such cell, 0 all empty, -1 another value, -2 out of memory. */
static int only_option_text(const draft *d, const column *c)
{
    if (!c->option || !c->option[0] || !c->question || !c->question[0])
        return -1;
    size_t on = strlen(c->option);
    char *fo = malloc(on + 1);
    if (!fo)
        return -2;
    size_t fon = ts_text_fold(c->option, on, fo);
    int seen = 0;
    for (size_t r = 0; r < d->nrows && seen >= 0; r++) {
        const char *s = c->cells[r];
        size_t n = strlen(s);
        if (!n)
            continue;
        char *f = malloc(n + 1);
        if (!f) {
            seen = -2;
            break;
        }
        size_t fn = ts_text_fold(s, n, f);
        seen = fn == fon && memcmp(f, fo, fn) == 0 ? 1 : -1;
        free(f);
    }
    free(fo);
    return seen;
}

/* SurveyMonkey's multiple answer: two or more adjacent columns under one row-1 question, each
 * holding only its row-2 option text when chosen (and empty when not), some cell chosen. */
static ts_status find_text_groups(draft *d, ts_err *err)
{
    if (d->opt->header_rows != 2)
        return TS_OK;
    for (size_t i = 0; i < d->ncols;) {
        size_t j = i;
        int any = 0;
        while (j < d->ncols && d->cols[j].group < 0 &&
               (j == i || strcmp(d->cols[j].question, d->cols[i].question) == 0)) {
            int t = only_option_text(d, &d->cols[j]);
            if (t == -2)
                return nomem(err);
            if (t < 0)
                break;
            any |= t;
            j++;
        }
        if (j - i < 2 || !any) {
            i = j > i ? j : i + 1;
            continue;
        }
        d->cols[i].text_options = 1;
        d->use_answers = 1;
        for (size_t k = i; k < j; k++)
            d->cols[k].group = (int)i;
        i = j;
    }
    return TS_OK;
}

/* What the option parts (headers past the question) of a 0/1 group share at their start, cut
 * after a separator ("相談相手:" of "1 相談相手:家族", "2 相談相手:友人" once the numbers are
 * skipped), so that the option labels are 家族, 友人 and the question label takes 相談相手. */
static size_t shared_start(const char *const *rest, size_t k)
{
    size_t n = strlen(rest[0]);
    for (size_t i = 1; i < k; i++) {
        size_t m = 0;
        while (m < n && rest[i][m] == rest[0][m])
            m++;
        n = m;
    }
    while (n > 0 && !is_cut(rest[0], n))
        n--;
    for (size_t i = 0; i < k; i++)
        if (!rest[i][n])
            return 0;
    return n;
}

/* An option part without its leading option number ("1 相談相手:家族" → "相談相手:家族"),
 * unless nothing else is there ("1" stays "1"). */
static const char *skip_option_number(const char *s)
{
    const char *p = s;
    while (is_digit(*p))
        p++;
    if (p == s || !(*p == ' ' || *p == '.' || *p == ':' || *p == ')' || *p == '_'))
        return s;
    while (*p == ' ' || *p == '.' || *p == ':' || *p == ')' || *p == '_')
        p++;
    return *p ? p : s;
}

/* ---- the draft -------------------------------------------------------------------------- */

static const char *label_of(const column *c) { return c->label ? c->label : c->header; }

static int comment_start(draft *d, const char *name, const char *what)
{
    ts_strbuf_reset(&d->buf);
    return ts_strbuf_printf(&d->buf, "# %s: %s", name, what);
}

static ts_status write_text_group(draft *d, size_t first, size_t end, ts_err *err);

static ts_status write_group(draft *d, size_t first, size_t end, ts_err *err)
{
    if (d->cols[first].text_options)
        return write_text_group(d, first, end, err);
    ts_status st = TS_OK;
    const column *c0 = &d->cols[first];
    size_t pl = c0->prefix, k = end - first;
    code *codes = calloc(k, sizeof *codes);
    const char **columns = calloc(k, sizeof *columns);
    const char **opts = calloc(k, sizeof *opts);
    char *q = ts_strndup(c0->header, pl);
    const char *name = NULL;
    if (!codes || !columns || !opts || !q) {
        st = nomem(err);
        goto done;
    }
    size_t ql = trim_cuts(q, pl);
    q[ql] = 0;
    if (!(name = make_name(d, q, first + 1, err, &st)))
        goto done;
    for (size_t i = 0; i < k; i++)
        opts[i] = skip_option_number(d->cols[first + i].header + pl);
    size_t common = k > 1 ? shared_start(opts, k) : 0;
    size_t cl = trim_cuts(opts[0], common);
    ts_strbuf label = TS_STRBUF_INIT;
    if (ts_strbuf_printf(&label, "%s%s%.*s", q, ql && cl ? " " : "", (int)cl, opts[0])) {
        st = nomem(err);
        goto done;
    }
    size_t answered = 0;
    for (size_t r = 0; r < d->nrows; r++) {
        int any = 0;
        for (size_t i = first; i < end; i++)
            any |= d->cols[i].cells[r][0] != 0;
        answered += any;
    }
    for (size_t i = 0; i < k; i++) {
        const column *c = &d->cols[first + i];
        codes[i].label = opts[i] + common;
        codes[i].value = (int64_t)i + 1;
        codes[i].missing = missing_label(codes[i].label);
        columns[i] = c->header;
    }
    int fail = comment_start(d, name, "multi, 0/1-column form");
    fail |= ts_strbuf_printf(&d->buf,
                             ": %zu adjacent columns %s… holding only 0 and 1 (answered in %zu of %zu rows); "
                             "options coded 1..%zu in column order, labels from the headers",
                             k, q, answered, d->nrows, k);
    if (fail) {
        ts_strbuf_free(&label);
        st = nomem(err);
        goto done;
    }
    put_comment(d, d->buf.data);
    const char *f[NF] = {0};
    f[F_VARIABLE] = name;
    f[F_TYPE] = "multi";
    f[F_LABEL] = label.len ? label.data : label_of(c0);
    put_row(d, f);
    put_codes(d, codes, k, columns);
    ts_strbuf_free(&label);
done:
    free(q);
    free(codes);
    free(columns);
    free(opts);
    return st;
}

/* A SurveyMonkey multiple answer (find_text_groups): the question from row 1, the options
 * from row 2 in column order, answers=labels. */
static ts_status write_text_group(draft *d, size_t first, size_t end, ts_err *err)
{
    ts_status st = TS_OK;
    const column *c0 = &d->cols[first];
    size_t k = end - first;
    code *codes = calloc(k, sizeof *codes);
    const char **columns = calloc(k, sizeof *columns);
    const char *name = NULL;
    if (!codes || !columns) {
        st = nomem(err);
        goto done;
    }
    if (!(name = make_name(d, c0->question, first + 1, err, &st)))
        goto done;
    size_t answered = 0;
    for (size_t r = 0; r < d->nrows; r++) {
        int any = 0;
        for (size_t i = first; i < end; i++)
            any |= d->cols[i].cells[r][0] != 0;
        answered += any;
    }
    for (size_t i = 0; i < k; i++) {
        const column *c = &d->cols[first + i];
        codes[i].label = c->option;
        codes[i].value = (int64_t)i + 1;
        codes[i].missing = missing_label(codes[i].label);
        columns[i] = c->header;
    }
    int fail = comment_start(d, name, "multi, 0/1-column form with option text");
    fail |= ts_strbuf_printf(&d->buf,
                             ": %zu adjacent columns under %s each holding only its option's text or nothing "
                             "(answered in %zu of %zu rows; a row with none chosen cannot be told from one not answered); "
                             "options coded 1..%zu in column order, labels from the second header row",
                             k, c0->question, answered, d->nrows, k);
    if (fail) {
        st = nomem(err);
        goto done;
    }
    put_comment(d, d->buf.data);
    const char *f[NF] = {0};
    f[F_VARIABLE] = name;
    f[F_TYPE] = "multi";
    f[F_LABEL] = c0->question;
    f[F_ANSWERS] = "labels";
    put_row(d, f);
    put_codes(d, codes, k, columns);
done:
    free(codes);
    free(columns);
    return st;
}

static ts_status write_column(draft *d, size_t i, ts_err *err)
{
    column *c = &d->cols[i];
    ts_status st = TS_OK;
    guess g;
    char **pool = NULL;
    size_t npool = 0;
    code *codes = NULL;
    size_t ncodes = 0;
    int fail = 0;
    if (!c->header[0]) {
        ts_strbuf_reset(&d->buf);
        if (ts_strbuf_printf(&d->buf, "# column %zu has no header text: left out (ingest finds columns by their header)",
                             i + 1))
            return nomem(err);
        put_comment(d, d->buf.data);
        return TS_OK;
    }
    int kind = guess_column(d, c, !d->have_id, &g, &pool, &npool);
    if (kind < 0) {
        st = nomem(err);
        goto done;
    }
    const char *name = kind == G_ID && !name_taken(d, "id") ? "id" : c->header;
    if (!(name = make_name(d, name, i + 1, err, &st)))
        goto done;
    for (size_t j = 0; j < i; j++)
        if (strcmp(d->cols[j].header, c->header) == 0) {
            ts_strbuf_reset(&d->buf);
            if (ts_strbuf_printf(&d->buf, "# WARNING: columns %zu and %zu are both named \"%s\": ingest cannot tell them "
                                 "apart; rename one in the raw file", j + 1, i + 1, c->header))
                return nomem(err);
            put_comment(d, d->buf.data);
            break;
        }
    const char *f[NF] = {0};
    char smin[32], smax[32];
    f[F_VARIABLE] = name;
    f[F_COLUMN] = c->header;
    f[F_LABEL] = label_of(c);
    size_t blank = d->nrows - g.nonblank;
    switch (g.kind) {
    case G_BLANK:
        fail |= comment_start(d, name, "text (keep=no): every cell is blank");
        f[F_TYPE] = "text";
        f[F_KEEP] = "no";
        break;
    case G_ID:
        fail |= comment_start(d, name, "id");
        fail |= ts_strbuf_printf(&d->buf, ": named like an id, %zu distinct positive whole numbers",
                                 d->nrows - g.id_bad - g.id_dups);
        if (g.id_dups)
            fail |= ts_strbuf_printf(&d->buf, "; %zu there again", g.id_dups);
        if (g.id_bad)
            fail |= ts_strbuf_printf(&d->buf, "; %zu row%s blank or with no such number", g.id_bad, plural(g.id_bad));
        if (g.id_bad || g.id_dups)
            fail |= ts_strbuf_append_str(&d->buf, ": ingest rejects those rows");
        else
            fail |= ts_strbuf_append_str(&d->buf, ", one on every row");
        f[F_TYPE] = "id";
        d->have_id = 1;
        break;
    case G_TIMESTAMP:
        fail |= comment_start(d, name, "text (keep=no): a timestamp");
        fail |= ts_strbuf_printf(&d->buf, ", every answer looks like a date and time");
        fail |= append_examples(&d->buf, &g.v, 1);
        f[F_TYPE] = "text";
        f[F_KEEP] = "no";
        break;
    case G_TEXT:
        fail |= comment_start(d, name, "text (keep=no): free text");
        fail |= ts_strbuf_printf(&d->buf, ", %s%zu distinct answer%s in %zu, up to %zu character%s",
                                 g.v.overflow ? "more than " : "", g.v.n, plural(g.v.n), g.nonblank,
                                 g.maxchars, plural(g.maxchars));
        f[F_TYPE] = "text";
        f[F_KEEP] = "no";
        break;
    case G_INTEGER:
    case G_NUMERIC:
        if (g.kind == G_INTEGER) {
            snprintf(smin, sizeof smin, "%lld", (long long)g.imin);
            snprintf(smax, sizeof smax, "%lld", (long long)g.imax);
            f[F_MIN] = smin;
            f[F_MAX] = smax;
        } else {
            f[F_MIN] = g.nmin;
            f[F_MAX] = g.nmax;
        }
        fail |= comment_start(d, name, g.kind == G_INTEGER ? "integer" : "numeric");
        fail |= ts_strbuf_printf(&d->buf, ": every answer is a%s number, %s%zu distinct; min and max are the ones "
                                 "seen (%s..%s): widen them to the valid range",
                                 g.kind == G_INTEGER ? " whole" : "", g.v.overflow ? "more than " : "", g.v.n, f[F_MIN],
                                 f[F_MAX]);
        if (g.miss)
            fail |= ts_strbuf_printf(&d->buf, "; %lld stands apart above them: a missing code", (long long)g.miss);
        f[F_TYPE] = g.kind == G_INTEGER ? "integer" : "numeric";
        break;
    case G_SINGLE_CODES:
        fail |= comment_start(d, name, "single, answers=codes");
        fail |= ts_strbuf_printf(&d->buf, ": every answer is a small whole number, %zu distinct", g.v.n);
        fail |= append_examples(&d->buf, &g.v, EXAMPLES);
        if (g.miss)
            fail |= ts_strbuf_printf(&d->buf, "; %lld stands apart above the others: a missing code", (long long)g.miss);
        f[F_TYPE] = "single";
        break;
    case G_SINGLE_LABELS:
        fail |= comment_start(d, name, "single, answers=labels");
        fail |= ts_strbuf_printf(&d->buf, ": %zu distinct label%s in %zu answers", g.v.n, plural(g.v.n),
                                 g.nonblank);
        fail |= append_examples(&d->buf, &g.v, EXAMPLES);
        if (g.v.n == 1)
            fail |= ts_strbuf_append_str(&d->buf, "; one answer only: an option column of a multiple answer "
                                                  "(its text when chosen, blank when not)?");
        f[F_TYPE] = "single";
        f[F_ANSWERS] = "labels";
        break;
    case G_MULTI_LIST:
        fail |= comment_start(d, name, g.tokens_int ? "multi, answers=codes" : "multi, answers=labels");
        fail |= ts_strbuf_printf(&d->buf, ": answers joined by 「%s」 from %zu options", g.sep, g.tokens.n);
        fail |= append_examples(&d->buf, &g.tokens, EXAMPLES);
        f[F_TYPE] = "multi";
        if (!g.tokens_int)
            f[F_ANSWERS] = "labels";
        if (strcmp(g.sep, ";") != 0)
            f[F_SEPARATOR] = g.sep;
        break;
    default:
        st = ts_err_set(err, TS_E_INTERNAL, "unexpected guess");
        goto done;
    }
    if (g.not_id)
        fail |= ts_strbuf_printf(&d->buf, "; named like an id, but %s: not the id", g.not_id);
    if (blank && g.kind != G_BLANK && g.kind != G_ID)
        fail |= ts_strbuf_printf(&d->buf, "; %zu blank (system missing)", blank);

    /* The codes, and the order they came in. */
    if (g.kind == G_SINGLE_CODES || (g.kind == G_MULTI_LIST && g.tokens_int)) {
        const values *v = g.kind == G_MULTI_LIST ? &g.tokens : &g.v;
        codes = calloc(v->n + 1, sizeof *codes);
        int64_t *xs = calloc(v->n + 1, sizeof *xs);
        if (!codes || !xs) {
            free(xs);
            st = nomem(err);
            goto done;
        }
        for (size_t k = 0; k < v->n; k++)
            (void)is_int(v->d[k].s, &xs[k]);
        qsort(xs, v->n, sizeof *xs, cmp_i64);
        for (size_t k = 0; k < v->n; k++) {
            if (ncodes && xs[k] == codes[ncodes - 1].value)
                continue; /* "01" and "1" are one code */
            codes[ncodes].value = xs[k];
            codes[ncodes].missing = g.miss && xs[k] == g.miss;
            ncodes++;
        }
        free(xs);
        fail |= ts_strbuf_append_str(&d->buf, "; codes in numeric order, labelled with themselves: write the "
                                              "questionnaire's labels");
    } else if (g.kind == G_SINGLE_LABELS || g.kind == G_MULTI_LIST) {
        const values *v = g.kind == G_MULTI_LIST ? &g.tokens : &g.v;
        codes = calloc(v->n + 1, sizeof *codes);
        if (!codes) {
            st = nomem(err);
            goto done;
        }
        const char *how;
        long nc = label_codes(v->d, v->n, codes, &how);
        if (nc < 0) {
            st = nomem(err);
            goto done;
        }
        ncodes = (size_t)nc;
        size_t nmiss = 0;
        for (size_t k = 0; k < ncodes; k++)
            nmiss += codes[k].missing;
        fail |= ts_strbuf_printf(&d->buf, "; codes 1..%zu %s", ncodes - nmiss, how);
        if (nmiss)
            fail |= ts_strbuf_printf(&d->buf, ", missing-looking labels after them (missing=yes)");
        size_t nalias = 0;
        for (size_t k = 0; k < ncodes; k++)
            nalias += codes[k].aliases != NULL;
        if (nalias)
            fail |= ts_strbuf_printf(&d->buf, "; spellings that differ only in width or spaces are one code, the "
                                              "others its aliases");
        if (g.kind == G_MULTI_LIST && g.merged)
            fail |= ts_strbuf_printf(&d->buf, "; %zu option%s made of pieces that are never apart, one always right "
                                              "after the other, read as one label holding the separator (e.g. 「%s」): "
                                              "split by hand if they are two options",
                                     g.merged, plural(g.merged), g.merged_label);
        else if (g.kind == G_MULTI_LIST && g.sep[0] == ',')
            fail |= ts_strbuf_append_str(&d->buf, "; an option whose label holds a comma shows up split: join it by hand");
    }
    if (fail) {
        st = nomem(err);
        goto done;
    }
    put_comment(d, d->buf.data);
    put_row(d, f);
    if (g.kind == G_INTEGER && g.miss) {
        code m = {"無回答", g.miss, 1, NULL};
        put_codes(d, &m, 1, NULL);
    }
    /* A code row's label must be text; a code-valued export gives the codes as placeholders. */
    char (*nums)[32] = NULL;
    if (ncodes && !codes[0].label) {
        if (!(nums = calloc(ncodes, sizeof *nums))) {
            st = nomem(err);
            goto done;
        }
        for (size_t k = 0; k < ncodes; k++) {
            if (codes[k].missing)
                codes[k].label = "無回答";
            else {
                snprintf(nums[k], sizeof nums[k], "%lld", (long long)codes[k].value);
                codes[k].label = nums[k];
            }
        }
    }
    put_codes(d, codes, ncodes, NULL);
    free(nums);
done:
    for (size_t k = 0; codes && k < ncodes; k++)
        free(codes[k].aliases);
    free(codes);
    for (size_t k = 0; k < npool; k++)
        free(pool[k]);
    free(pool);
    return st;
}

/* Whether some column's guess needs the answers or separator columns: decided before the
 * header is written, so that a codes-only export's draft has only the classic columns. */
static ts_status plan_columns(draft *d, ts_err *err)
{
    int had_id = 0;
    if (!(d->reserved = calloc(d->ncols ? d->ncols : 1, sizeof *d->reserved)))
        return nomem(err);
    for (size_t i = 0; i < d->ncols; i++) {
        char base[NAME_MAX + 1];
        if (slugify(d->cols[i].header, base) && !(d->reserved[d->nreserved++] = ts_strdup(base)))
            return nomem(err);
    }
    for (size_t i = 0; i < d->ncols; i++) {
        if (d->cols[i].group >= 0 || !d->cols[i].header[0])
            continue;
        guess g;
        char **pool = NULL;
        size_t npool = 0;
        int kind = guess_column(d, &d->cols[i], !had_id, &g, &pool, &npool);
        if (kind == G_ID)
            had_id = d->plan_id = 1;
        if (kind == G_SINGLE_LABELS || (kind == G_MULTI_LIST && !g.tokens_int))
            d->use_answers = 1;
        if (kind == G_MULTI_LIST && strcmp(g.sep, ";") != 0)
            d->use_answers = d->use_separator = 1;
        int variants = 0;
        if (kind == G_SINGLE_LABELS || (kind == G_MULTI_LIST && !g.tokens_int))
            if (folded_count(kind == G_MULTI_LIST ? &g.tokens : &g.v, &variants) < 0)
                kind = -1;
        if (variants)
            d->use_answers = d->use_aliases = 1;
        for (size_t k = 0; k < npool; k++)
            free(pool[k]);
        free(pool);
        if (kind < 0)
            return nomem(err);
    }
    return TS_OK;
}

/* The first column whose every cell is an answer time ingest --id timestamp reads (no blank:
 * a row without its time would be rejected), or -1. */
static long timestamp_column(const draft *d)
{
    for (size_t i = 0; i < d->ncols; i++) {
        size_t r = 0;
        while (r < d->nrows && d->cols[i].cells[r] && *d->cols[i].cells[r]) {
            ts_timestamp t;
            if (ts_timestamp_parse(d->cols[i].cells[r], strlen(d->cols[i].cells[r]), &t) != 0)
                break;
            r++;
        }
        if (r == d->nrows && d->nrows > 0)
            return (long)i;
    }
    return -1;
}

/* The raw files and their encodings, as the first comment and the summary name them:
 * "raw.csv (utf-8)", or "a.csv (utf-8), b.csv (cp932)". */
static int append_inputs(ts_strbuf *b, const draft *d, const char *const *encnames)
{
    for (size_t f = 0; f < d->opt->ninputs; f++)
        if (ts_strbuf_printf(b, "%s%s (%s)", f ? ", " : "", d->opt->inputs[f], encnames[f]))
            return -1;
    return 0;
}

static ts_status write_draft(draft *d, const char *const *encnames, ts_err *err)
{
    ts_status st;
    if ((st = plan_columns(d, err)) != TS_OK)
        return st;
    ts_strbuf_reset(&d->buf);
    if (ts_strbuf_printf(&d->buf, "# codebook drafted by tsunagari-codebook from ") || append_inputs(&d->buf, d, encnames) ||
        ts_strbuf_printf(&d->buf, ": %zu data rows, %zu columns", d->nrows, d->ncols))
        return nomem(err);
    if (d->blank_rows)
        (void)ts_strbuf_printf(&d->buf, "; %lu blank row%s left out", d->blank_rows, plural(d->blank_rows));
    if (d->skipped && d->opt->ninputs > 1)
        (void)ts_strbuf_printf(&d->buf, "; %lu broken row%s left out (the first at %s line %lu)", d->skipped,
                               plural(d->skipped), d->opt->inputs[d->first_skipped_file], d->first_skipped);
    else if (d->skipped)
        (void)ts_strbuf_printf(&d->buf, "; %lu broken row%s left out (the first at line %lu)", d->skipped, plural(d->skipped),
                               d->first_skipped);
    put_comment(d, d->buf.data);
    put_comment(d, "# every guess below says why: check the types, labels and missing codes, then run tsunagari-ingest");
    const char *f[NF];
    for (size_t i = 0; i < NF; i++)
        f[i] = FIELD_NAMES[i];
    put_row(d, f);
    if (!d->plan_id) {
        /* Form tools export no id: ingest --id row numbers the data rows instead, and still
         * wants the codebook's id variable (its column is not read: the text says so when
         * ingest is run without --id row). */
        if (!make_name(d, "id", 0, err, &st))
            return st;
        ts_strbuf_reset(&d->buf);
        if (ts_strbuf_printf(&d->buf, "# id: id: no column is an id (unique positive integers under a name like ID or 回答ID): "
                                      "run tsunagari-ingest --id row ([input] id = row), which numbers the data rows"))
            return nomem(err);
        long ts = timestamp_column(d);
        if (ts >= 0 && ts_strbuf_printf(&d->buf, "; or set this column to 「%s」 and run --id timestamp ([input] id = timestamp): "
                                                 "ids from the answer times stay the same when the export is re-sorted",
                                        d->cols[ts].header))
            return nomem(err);
        put_comment(d, d->buf.data);
        const char *row[NF] = {"id", "id", "(data row number: --id row)", "回答者ID（行番号）"};
        put_row(d, row);
    }
    for (size_t i = 0; i < d->ncols && st == TS_OK; i++) {
        if (d->cols[i].group >= 0) {
            size_t end = i;
            while (end < d->ncols && d->cols[end].group == (int)i)
                end++;
            st = write_group(d, i, end, err);
            i = end - 1;
            continue;
        }
        st = write_column(d, i, err);
    }
    return st;
}

/* An SPSS or Stata file carries its codebook: write it as lib/statreader words it (its
 * variable and value labels, user-missing codes, 0/1 groups as multiple answers), under a
 * first comment naming the file, instead of guessing. */
static ts_status write_embedded(const draft_options *opt, ts_rawreader *raw, ts_atomicfile *out, FILE *summary,
                                ts_err *err)
{
    ts_strbuf text = TS_STRBUF_INIT;
    const ts_statreader *sr = ts_rawreader_stat(raw);
    ts_status st = ts_statreader_codebook_csv(sr, &text, err);
    if (st == TS_OK) {
        FILE *fp = ts_atomicfile_stream(out);
        if (opt->ninputs > 1) /* the text's own first comment names the file it came from */
            fprintf(fp, "# from the first of %zu raw files; ingest reads the others against it\n", opt->ninputs);
        fwrite(text.data ? text.data : "", 1, text.len, fp);
        st = ts_atomicfile_commit(out, err);
        if (st == TS_OK && summary && strcmp(opt->output, "-") != 0)
            fprintf(summary, "tsunagari-codebook: %s (%s): %lu cases, %zu variables: the file's own codebook written to %s\n",
                    opt->inputs[0], ts_statreader_format_name(sr), ts_statreader_ncases(sr), ts_statreader_nvars(sr),
                    opt->output);
    } else {
        ts_atomicfile_abort(out);
    }
    ts_strbuf_free(&text);
    return st;
}

ts_status draft_run(const draft_options *opt, FILE *summary, ts_err *err)
{
    draft d = {0};
    d.opt = opt;
    ts_status st = TS_OK;
    ts_atomicfile *out = NULL;
    ts_rawreader *csv = NULL;
    const char **encnames = calloc(opt->ninputs ? opt->ninputs : 1, sizeof *encnames);
    if (!encnames)
        return nomem(err);
    /* Find out now, not after reading the export, whether the codebook can be written. */
    if (!(out = ts_atomicfile_open(opt->output, err))) {
        free(encnames);
        return err->status;
    }
    for (size_t f = 0; f < opt->ninputs && st == TS_OK; f++) {
        d.input = opt->inputs[f];
        ts_encoding want = opt->nencodings == 1 ? opt->encodings[0] : opt->encodings[f];
        ts_raw_options ro = {want, opt->sheet, opt->header_rows};
        if (!(csv = ts_rawreader_open(d.input, &ro, err))) {
            st = err->status;
            break;
        }
        if (f == 0 && ts_rawreader_kind(csv) == TS_RAW_STAT) {
            st = write_embedded(opt, csv, out, summary, err);
            out = NULL;
            ts_rawreader_close(csv, NULL);
            free(encnames);
            return st;
        }
        st = read_raw(&d, f, csv, err);
        const ts_csvreader *cr = ts_rawreader_csv(csv);
        ts_encoding enc = cr ? ts_linereader_encoding(ts_csvreader_lines(cr)) : TS_ENC_UTF8;
        encnames[f] = cr ? ts_encoding_name(enc == TS_ENC_AUTO ? TS_ENC_UTF8 : enc) : ts_rawreader_format(csv);
        ts_status closed = ts_rawreader_close(csv, st == TS_OK ? err : NULL);
        csv = NULL;
        if (st == TS_OK)
            st = closed;
    }
    if (st == TS_OK && d.nrows == 0)
        st = ts_err_set(err, TS_E_DATA, "%s: no data rows below the header: nothing to guess the types from",
                        opt->ninputs == 1 ? opt->inputs[0] : "the raw files");
    if (st != TS_OK)
        goto done;
    find_groups(&d);
    if ((st = find_text_groups(&d, err)) != TS_OK)
        goto done;
    d.out = ts_atomicfile_stream(out);
    if ((st = write_draft(&d, encnames, err)) != TS_OK)
        goto done;
    st = ts_atomicfile_commit(out, err);
    out = NULL;
    if (st == TS_OK && summary && strcmp(opt->output, "-") != 0) {
        ts_strbuf_reset(&d.buf);
        if (append_inputs(&d.buf, &d, encnames) == 0)
            fprintf(summary, "tsunagari-codebook: %s: %zu rows, %zu columns: %zu variables drafted into %s\n",
                    d.buf.data, d.nrows, d.ncols, d.nnames, opt->output);
    }
done:
    ts_atomicfile_abort(out);
    if (csv)
        ts_rawreader_close(csv, NULL);
    free_columns(d.cols, d.ncols, d.nrows);
    for (size_t i = 0; i < d.nnames; i++)
        free(d.names[i]);
    free(d.names);
    for (size_t i = 0; i < d.nreserved; i++)
        free(d.reserved[i]);
    free(d.reserved);
    ts_strbuf_free(&d.buf);
    free(encnames);
    return st;
}
