/* statreader.c — see statreader.h. Three parts: reading the file whole through ReadStat's
 * callbacks into memory (cells and metadata), handing out the rows as text, and writing the
 * metadata as a codebook (docs/spss-stata.md). */
#include "statreader.h"
#include "timestamp.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <readstat.h>

#include "grow.h"
#include "textenc.h"
#include "textfold.h"

/* ---- the reader's memory ---------------------------------------------------------------- */

/* A cell: a number, or the offset of a string in the pool; KIND says which and whether it
 * is missing (kept in a separate byte array so a cell costs 9 bytes). */
typedef union cell {
    double d;
    uint64_t off;
} cell;

enum { CELL_VALUE = 0, CELL_SYSMISS = 1 }; /* else 'a'..'z': a Stata extended missing value */
enum { CELL_BYTES = sizeof(cell) + 1 };

typedef struct label_set {
    char *name;
    ts_stat_vlabel *v;
    size_t n, cap;
} label_set;

struct ts_statreader {
    char *name;
    ts_stat_format format;
    long format_version;
    char format_name[48];
    char *file_label, *encoding;
    size_t max_bytes, bytes;   /* the cap and what the cells and strings take */
    int tag_codes;             /* opts->stata_missing_codes */

    size_t nvars, cap_vars;
    ts_stat_var *vars;
    char **var_sets;           /* each variable's label set name, or NULL, until resolved */
    size_t nsets, cap_sets;
    label_set *sets;

    size_t nrows, cap_rows;    /* cases */
    cell *cells;               /* nrows * nvars, row-major */
    unsigned char *kinds;      /* the same shape */
    ts_strbuf pool;            /* string cells, each NUL-terminated */

    /* owned texts of the metadata, freed at close */
    char **owned;
    size_t nowned, cap_owned;

    /* the parse */
    const unsigned char *data; /* the file's bytes during the parse */
    size_t size, pos;
    ts_status fail;            /* set by a callback that aborts the parse */
    char fail_msg[160];
    char rs_msg[256];          /* ReadStat's last error-handler message */
    char probe_enc[64];        /* a .sav's encoding, as the probe parse found it */

    /* handing out */
    size_t expect;
    size_t next_row;           /* 0: the header; then case next_row */
    ts_field *fields;
    size_t cap_fields;
    size_t *offs;
    size_t cap_offs;
    ts_strbuf text, raw, problem;
};

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

/* A copy of S that is valid UTF-8 (bad bytes become U+FFFD), owned by R. NULL when out of
 * memory. */
static char *keep_text(ts_statreader *r, const char *s, size_t n)
{
    ts_strbuf b = TS_STRBUF_INIT;
    if (!s)
        s = "", n = 0;
    size_t i = 0;
    if (ts_strbuf_reserve(&b, n + 1) != 0)
        return NULL;
    while (i < n) {
        size_t ok = ts_utf8_valid_prefix((const unsigned char *)s + i, n - i);
        if (ts_strbuf_append(&b, s + i, ok) != 0)
            goto fail;
        i += ok;
        if (i < n) {
            if (ts_strbuf_append_str(&b, "\xEF\xBF\xBD") != 0)
                goto fail;
            i++;
        }
    }
    if (ts_strbuf_append(&b, "", 0) != 0)
        goto fail;
    char **v = ts_grow(r->owned, &r->cap_owned, r->nowned + 1, sizeof *v, 64);
    if (!v)
        goto fail;
    r->owned = v;
    char *t = ts_strbuf_take(&b);
    if (!t)
        goto fail;
    return r->owned[r->nowned++] = t;
fail:
    ts_strbuf_free(&b);
    return NULL;
}

static char *keep_str(ts_statreader *r, const char *s) { return keep_text(r, s, s ? strlen(s) : 0); }

/* Abort the parse from a callback with a reason of our own. */
static int abort_with(ts_statreader *r, ts_status st, const char *msg)
{
    if (r->fail == TS_OK) {
        r->fail = st;
        snprintf(r->fail_msg, sizeof r->fail_msg, "%s", msg);
    }
    return READSTAT_HANDLER_ABORT;
}

/* "2048 MiB", or "512 bytes" for a cap below a MiB (tests). */
static void say_size(char *buf, size_t len, size_t n)
{
    if (n >= (size_t)1 << 20)
        snprintf(buf, len, "%zu MiB", n >> 20);
    else
        snprintf(buf, len, "%zu bytes", n);
}

static int over_cap(ts_statreader *r, size_t more)
{
    if (more > r->max_bytes || r->bytes > r->max_bytes - more) {
        char msg[160], cap[32];
        say_size(cap, sizeof cap, r->max_bytes);
        snprintf(msg, sizeof msg, "the data need more than %s of memory (the cap): too large to read", cap);
        abort_with(r, TS_E_DATA, msg);
        return 1;
    }
    r->bytes += more;
    return 0;
}

/* ---- ReadStat's I/O over the bytes in memory -------------------------------------------- */

static int io_open(const char *path, void *ctx)
{
    (void)path;
    ((ts_statreader *)ctx)->pos = 0;
    return 0;
}

static int io_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static readstat_off_t io_seek(readstat_off_t off, readstat_io_flags_t whence, void *ctx)
{
    ts_statreader *r = ctx;
    long long base = whence == READSTAT_SEEK_SET ? 0 : whence == READSTAT_SEEK_CUR ? (long long)r->pos : (long long)r->size;
    /* A damaged length field can ask for any offset: refuse what lies outside the file
     * rather than let a later read start past its end. */
    if ((off > 0 && base > LLONG_MAX - (long long)off) || base + (long long)off < 0 ||
        base + (long long)off > (long long)r->size)
        return -1;
    r->pos = (size_t)(base + off);
    return (readstat_off_t)r->pos;
}

static ssize_t io_read(void *buf, size_t n, void *ctx)
{
    ts_statreader *r = ctx;
    size_t left = r->size - r->pos;
    if (n > left)
        n = left;
    if (n == 0)
        return 0; /* ReadStat asks for 0 bytes into a NULL buffer (an empty string record) */
    memcpy(buf, r->data + r->pos, n);
    r->pos += n;
    return (ssize_t)n;
}

static readstat_error_t io_update(long file_size, readstat_progress_handler progress, void *user_ctx, void *ctx)
{
    (void)file_size, (void)progress, (void)user_ctx, (void)ctx;
    return READSTAT_OK;
}

/* ---- ReadStat's callbacks --------------------------------------------------------------- */

static void on_error(const char *msg, void *ctx)
{
    ts_statreader *r = ctx;
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ' || msg[n - 1] == '.'))
        n--;
    snprintf(r->rs_msg, sizeof r->rs_msg, "%.*s", (int)n, msg);
}

static int on_metadata(readstat_metadata_t *m, void *ctx)
{
    ts_statreader *r = ctx;
    r->format_version = readstat_get_file_format_version(m);
    const char *enc = readstat_get_file_encoding(m);
    if (enc && strcmp(enc, "UTF8") == 0)
        enc = "UTF-8"; /* our alias (sav_encoding): the file says UTF-8 */
    if (!(r->file_label = keep_str(r, readstat_get_file_label(m))) || !(r->encoding = keep_str(r, enc)))
        return abort_with(r, TS_E_NOMEM, "out of memory");
    return READSTAT_HANDLER_OK;
}

/* The date kind of a display format: SPSS's date formats count seconds from 1582-10-14,
 * Stata's %td days and %tc/%tC milliseconds from 1960-01-01. Times of day, weeks, months and
 * quarters stay numbers (docs/spss-stata.md). */
static ts_stat_datekind date_kind(const char *f, ts_stat_format fmt)
{
    if (fmt == TS_STAT_DTA) {
        if (f[0] != '%')
            return TS_STAT_NOT_DATE;
        f++;
        if (*f == '-' || *f == '~')
            f++;
        if (f[0] == 't' && f[1] == 'd')
            return TS_STAT_DATE;
        if (f[0] == 't' && (f[1] == 'c' || f[1] == 'C'))
            return TS_STAT_DATETIME;
        if (f[0] == 'd') /* Stata before 10 */
            return TS_STAT_DATE;
        return TS_STAT_NOT_DATE;
    }
    static const char *const dates[] = {"DATE", "ADATE", "EDATE", "JDATE", "SDATE", "QYR", "MOYR", "WKYR"};
    static const char *const stamps[] = {"DATETIME", "YMDHMS"};
    size_t n = 0;
    while (f[n] >= 'A' && f[n] <= 'Z')
        n++;
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++)
        if (strlen(dates[i]) == n && memcmp(f, dates[i], n) == 0)
            return TS_STAT_DATE;
    for (size_t i = 0; i < sizeof stamps / sizeof *stamps; i++)
        if (strlen(stamps[i]) == n && memcmp(f, stamps[i], n) == 0)
            return TS_STAT_DATETIME;
    return TS_STAT_NOT_DATE;
}

/* ReadStat 1.1.8 hands a .dta's label-set names over as the file's fixed-width fields, not
 * always NUL-terminated (a full 129-byte name runs into the bytes after it: found by
 * fuzz_statreader, kept as corpus/statreader/crash-dta-*). Read at most the field's width:
 * in a variable's entry of <value_label_names> (LIST) or a value-label table's header. */
static size_t dta_name_len(const ts_statreader *r, const char *s, int list)
{
    if (r->format != TS_STAT_DTA)
        return strlen(s);
    long v = r->format_version;
    size_t width = list ? (v < 110 ? 9 : v < 118 ? 33 : 129) : (v < 105 ? 12 : v < 118 ? 33 : 129);
    return strnlen(s, width);
}

static int on_variable(int index, readstat_variable_t *v, const char *val_labels, void *ctx)
{
    ts_statreader *r = ctx;
    /* Cells are addressed by this index: it must count up from 0. */
    if (index < 0 || (size_t)index != r->nvars || r->nrows > 0)
        return abort_with(r, TS_E_DATA, "variables out of order");
    ts_stat_var *vars = ts_grow(r->vars, &r->cap_vars, r->nvars + 1, sizeof *vars, 32);
    if (!vars)
        return abort_with(r, TS_E_NOMEM, "out of memory");
    r->vars = vars;
    size_t cap = r->cap_vars;
    char **sets = realloc(r->var_sets, cap * sizeof *sets);
    if (!sets)
        return abort_with(r, TS_E_NOMEM, "out of memory");
    r->var_sets = sets;
    ts_stat_var *x = &r->vars[r->nvars];
    memset(x, 0, sizeof *x);
    r->var_sets[r->nvars] = NULL;
    const char *fmt = readstat_variable_get_format(v);
    if (!(x->name = keep_str(r, readstat_variable_get_name(v))) || !(x->label = keep_str(r, readstat_variable_get_label(v))) ||
        !(x->format = keep_str(r, fmt)) || (val_labels && val_labels[0] &&
         !(r->var_sets[r->nvars] = keep_text(r, val_labels, dta_name_len(r, val_labels, 1)))))
        return abort_with(r, TS_E_NOMEM, "out of memory");
    x->is_string = readstat_variable_get_type_class(v) == READSTAT_TYPE_CLASS_STRING;
    x->date = x->is_string ? TS_STAT_NOT_DATE : date_kind(x->format, r->format);
    x->decimals = v->decimals;
    const char *dot = strchr(x->format, '.'); /* SPSS F8.2, Stata %9.2f: ReadStat leaves decimals 0 */
    if (x->decimals == 0 && dot && dot[1] >= '0' && dot[1] <= '9')
        x->decimals = atoi(dot + 1);
    switch (readstat_variable_get_measure(v)) {
    case READSTAT_MEASURE_NOMINAL: x->measure = TS_STAT_NOMINAL; break;
    case READSTAT_MEASURE_ORDINAL: x->measure = TS_STAT_ORDINAL; break;
    case READSTAT_MEASURE_SCALE: x->measure = TS_STAT_SCALE; break;
    default: x->measure = TS_STAT_MEASURE_UNKNOWN;
    }
    int nm = readstat_variable_get_missing_ranges_count(v);
    if (nm > 0) {
        if (nm > 32)
            nm = 32;
        ts_stat_missing *m = calloc((size_t)nm, sizeof *m);
        char **o = ts_grow(r->owned, &r->cap_owned, r->nowned + 1, sizeof *o, 64);
        if (!m || !o) {
            free(m);
            return abort_with(r, TS_E_NOMEM, "out of memory");
        }
        r->owned = o;
        r->owned[r->nowned++] = (char *)m;
        for (int i = 0; i < nm; i++) {
            readstat_value_t lo = readstat_variable_get_missing_range_lo(v, i);
            readstat_value_t hi = readstat_variable_get_missing_range_hi(v, i);
            if (x->is_string) {
                if (!(m[i].slo = keep_str(r, readstat_string_value(lo))) || !(m[i].shi = keep_str(r, readstat_string_value(hi))))
                    return abort_with(r, TS_E_NOMEM, "out of memory");
            } else {
                m[i].lo = readstat_double_value(lo);
                m[i].hi = readstat_double_value(hi);
            }
        }
        x->missing = m;
        x->nmissing = (size_t)nm;
    }
    r->nvars++;
    return READSTAT_HANDLER_OK;
}

/* Make room for case ROW. Rows are grown as values arrive, never from the count the header
 * claims (a damaged header can claim any number). */
static int grow_rows(ts_statreader *r, size_t row)
{
    if (row < r->cap_rows)
        return 0;
    size_t cap = r->cap_rows ? r->cap_rows : 64;
    while (cap <= row)
        cap *= 2;
    size_t nv = r->nvars ? r->nvars : 1;
    if (cap > SIZE_MAX / nv / CELL_BYTES || over_cap(r, (cap - r->cap_rows) * nv * CELL_BYTES))
        return abort_with(r, r->fail ? r->fail : TS_E_DATA, "too many cells");
    cell *c = realloc(r->cells, cap * nv * sizeof *c);
    if (!c)
        return abort_with(r, TS_E_NOMEM, "out of memory");
    r->cells = c;
    unsigned char *k = realloc(r->kinds, cap * nv);
    if (!k)
        return abort_with(r, TS_E_NOMEM, "out of memory");
    r->kinds = k;
    memset(r->kinds + r->cap_rows * nv, CELL_SYSMISS, (cap - r->cap_rows) * nv);
    r->cap_rows = cap;
    return 0;
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx)
{
    ts_statreader *r = ctx;
    int vi = readstat_variable_get_index(v);
    if (obs < 0 || vi < 0 || (size_t)vi >= r->nvars)
        return abort_with(r, TS_E_DATA, "a value of an unknown variable");
    if (grow_rows(r, (size_t)obs) != 0)
        return READSTAT_HANDLER_ABORT;
    if ((size_t)obs >= r->nrows)
        r->nrows = (size_t)obs + 1;
    size_t at = (size_t)obs * r->nvars + (size_t)vi;
    int is_string = readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING;
    if (is_string != r->vars[vi].is_string)
        return abort_with(r, TS_E_DATA, "a value whose type is not its variable's");
    if (is_string) {
        const char *s = readstat_string_value(value);
        size_t n = s ? strlen(s) : 0;
        if (over_cap(r, n + 1))
            return READSTAT_HANDLER_ABORT;
        r->cells[at].off = r->pool.len;
        if (ts_strbuf_append(&r->pool, s ? s : "", n) != 0 || ts_strbuf_append_char(&r->pool, '\0') != 0)
            return abort_with(r, TS_E_NOMEM, "out of memory");
        r->kinds[at] = CELL_VALUE;
        return READSTAT_HANDLER_OK;
    }
    if (readstat_value_is_tagged_missing(value)) {
        char t = readstat_value_tag(value);
        r->kinds[at] = t >= 'a' && t <= 'z' ? (unsigned char)t : CELL_SYSMISS;
        return READSTAT_HANDLER_OK;
    }
    if (readstat_value_is_system_missing(value)) {
        r->kinds[at] = CELL_SYSMISS;
        return READSTAT_HANDLER_OK;
    }
    double d;
    switch (readstat_value_type(value)) {
    case READSTAT_TYPE_INT8: d = readstat_int8_value(value); break;
    case READSTAT_TYPE_INT16: d = readstat_int16_value(value); break;
    case READSTAT_TYPE_INT32: d = readstat_int32_value(value); break;
    /* A Stata float keeps its float: 0.1f prints as 0.1, not 0.100000001490116 (below). */
    case READSTAT_TYPE_FLOAT: d = readstat_float_value(value); break;
    default: d = readstat_double_value(value);
    }
    if (isnan(d)) {
        r->kinds[at] = CELL_SYSMISS;
        return READSTAT_HANDLER_OK;
    }
    r->cells[at].d = d;
    r->kinds[at] = readstat_value_type(value) == READSTAT_TYPE_FLOAT ? 'F' : CELL_VALUE;
    return READSTAT_HANDLER_OK;
}

static label_set *find_set(ts_statreader *r, const char *name)
{
    for (size_t i = 0; i < r->nsets; i++)
        if (strcmp(r->sets[i].name, name) == 0)
            return &r->sets[i];
    return NULL;
}

static int on_value_label(const char *set_name, readstat_value_t value, const char *label, void *ctx)
{
    ts_statreader *r = ctx;
    if (!set_name)
        return READSTAT_HANDLER_OK;
    char *name = ts_strndup(set_name, dta_name_len(r, set_name, 0));
    if (!name)
        return abort_with(r, TS_E_NOMEM, "out of memory");
    label_set *s = find_set(r, name);
    if (!s) {
        label_set *v = ts_grow(r->sets, &r->cap_sets, r->nsets + 1, sizeof *v, 16);
        if (!v) {
            free(name);
            return abort_with(r, TS_E_NOMEM, "out of memory");
        }
        r->sets = v;
        s = &r->sets[r->nsets++];
        memset(s, 0, sizeof *s);
        s->name = name;
    } else {
        free(name);
    }
    if (s->n >= 100000)
        return abort_with(r, TS_E_DATA, "more than 100000 value labels in one set");
    ts_stat_vlabel *v = ts_grow(s->v, &s->cap, s->n + 1, sizeof *v, 16);
    if (!v)
        return abort_with(r, TS_E_NOMEM, "out of memory");
    s->v = v;
    ts_stat_vlabel *l = &s->v[s->n];
    memset(l, 0, sizeof *l);
    if (!(l->text = keep_str(r, label)))
        return abort_with(r, TS_E_NOMEM, "out of memory");
    if (readstat_value_type_class(value) == READSTAT_TYPE_CLASS_STRING) {
        if (!(l->svalue = keep_str(r, readstat_string_value(value))))
            return abort_with(r, TS_E_NOMEM, "out of memory");
    } else if (readstat_value_is_tagged_missing(value)) {
        l->tag = readstat_value_tag(value);
        l->value = NAN;
        if (!(l->tag >= 'a' && l->tag <= 'z'))
            return READSTAT_HANDLER_OK; /* a SAS special missing other than .a-.z: not kept */
    } else if (readstat_value_is_system_missing(value)) {
        return READSTAT_HANDLER_OK;
    } else {
        l->value = readstat_double_value(value);
        if (isnan(l->value))
            return READSTAT_HANDLER_OK; /* a label of NaN labels nothing a cell can hold */
    }
    s->n++;
    return READSTAT_HANDLER_OK;
}

/* ---- opening ---------------------------------------------------------------------------- */

static int ends_with(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);
    return n >= e && strcasecmp(name + n - e, ext) == 0;
}

ts_stat_format ts_statreader_sniff(const void *data, size_t n, const char *name)
{
    const unsigned char *p = data;
    if (n >= 4 && memcmp(p, "$FL2", 4) == 0)
        return TS_STAT_SAV;
    if (n >= 4 && memcmp(p, "$FL3", 4) == 0)
        return TS_STAT_ZSAV;
    if (n >= 11 && memcmp(p, "<stata_dta>", 11) == 0)
        return TS_STAT_DTA;
    /* Stata before 13: the format number (104..115), the byte order (1 big, 2 little), the
     * file type 1. */
    if (n >= 4 && p[0] >= 104 && p[0] <= 115 && (p[1] == 1 || p[1] == 2) && p[2] == 1)
        return TS_STAT_DTA;
    /* A .por starts with a 200-byte splash, conventionally "ASCII SPSS PORT FILE", then a
     * 256-byte character table and the tag "SPSSPORT" (its lines may be broken at 80). */
    size_t look = n < 640 ? n : 640;
    for (size_t i = 0; i + 8 <= look; i++)
        if (memcmp(p + i, "SPSSPORT", 8) == 0)
            return TS_STAT_POR;
    for (size_t i = 0; i + 14 <= (look < 200 ? look : 200); i++)
        if (memcmp(p + i, "SPSS PORT FILE", 14) == 0)
            return TS_STAT_POR;
    if (name) {
        if (ends_with(name, ".sav"))
            return TS_STAT_SAV;
        if (ends_with(name, ".zsav"))
            return TS_STAT_ZSAV;
        if (ends_with(name, ".por"))
            return TS_STAT_POR;
        if (ends_with(name, ".dta"))
            return TS_STAT_DTA;
    }
    return TS_STAT_AUTO;
}

static const char *kind_word(ts_stat_format f)
{
    switch (f) {
    case TS_STAT_SAV: return "SPSS .sav";
    case TS_STAT_ZSAV: return "SPSS .zsav";
    case TS_STAT_POR: return "SPSS .por";
    case TS_STAT_DTA: return "Stata .dta";
    default: return "SPSS or Stata";
    }
}

static void free_reader(ts_statreader *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nowned; i++)
        free(r->owned[i]);
    free(r->owned);
    for (size_t i = 0; i < r->nsets; i++) {
        free(r->sets[i].name);
        free(r->sets[i].v);
    }
    free(r->sets);
    free(r->vars);
    free(r->var_sets);
    free(r->cells);
    free(r->kinds);
    ts_strbuf_free(&r->pool);
    free(r->fields);
    free(r->offs);
    ts_strbuf_free(&r->text);
    ts_strbuf_free(&r->raw);
    ts_strbuf_free(&r->problem);
    free(r->name);
    free(r);
}

static readstat_parser_t *new_parser(ts_statreader *r)
{
    readstat_parser_t *p = readstat_parser_init();
    if (!p)
        return NULL;
    readstat_set_open_handler(p, io_open);
    readstat_set_close_handler(p, io_close);
    readstat_set_seek_handler(p, io_seek);
    readstat_set_read_handler(p, io_read);
    readstat_set_update_handler(p, io_update);
    readstat_set_io_ctx(p, r);
    readstat_set_error_handler(p, on_error);
    return p;
}

static int on_probe_metadata(readstat_metadata_t *m, void *ctx)
{
    ts_statreader *r = ctx;
    const char *e = readstat_get_file_encoding(m);
    snprintf(r->probe_enc, sizeof r->probe_enc, "%s", e ? e : "");
    return READSTAT_HANDLER_ABORT; /* the dictionary is read: that is all the probe wants */
}

static int is_utf8_name(const char *e) { return strcasecmp(e, "UTF-8") == 0 || strcasecmp(e, "UTF8") == 0; }

/* The encoding to give ReadStat for a .sav. ReadStat 1.1.8 (Debian's) overflows a buffer on a
 * UTF-8 .sav whose very long string has a segment of NUL bytes (it skips NULs in UTF-8 files
 * only, and then counts a segment's length below zero: ReadStat issue #285, fixed after
 * 1.1.8; kept as corpus/statreader/crash-sav-vls-nul-segment). A probe parse reads the
 * dictionary alone; when the file is UTF-8 the real parse names it "UTF8" — the same
 * conversion through iconv, without that path — so a NUL ends a string instead. */
static const char *sav_encoding(ts_statreader *r, const char *given)
{
    if (!given) {
        readstat_parser_t *p = new_parser(r);
        if (!p)
            return NULL;
        readstat_set_metadata_handler(p, on_probe_metadata);
        r->probe_enc[0] = 0;
        readstat_parse_sav(p, r->name, r);
        readstat_parser_free(p);
        r->rs_msg[0] = 0;
        given = r->probe_enc;
    }
    return is_utf8_name(given) ? "UTF8" : given[0] ? given : NULL;
}

/* The parse proper, over r->data. */
static ts_status parse(ts_statreader *r, const ts_statreader_opts *opts, ts_err *err)
{
    const char *enc = opts && opts->encoding && opts->encoding[0] ? opts->encoding : NULL;
    if (r->format == TS_STAT_SAV || r->format == TS_STAT_ZSAV)
        enc = sav_encoding(r, enc);
    readstat_parser_t *p = new_parser(r);
    if (!p)
        return nomem(err);
    readstat_set_metadata_handler(p, on_metadata);
    readstat_set_variable_handler(p, on_variable);
    readstat_set_value_handler(p, on_value);
    readstat_set_value_label_handler(p, on_value_label);
    if (enc)
        readstat_set_file_character_encoding(p, enc);
    readstat_error_t rc;
    switch (r->format) {
    case TS_STAT_POR: rc = readstat_parse_por(p, r->name, r); break;
    case TS_STAT_DTA: rc = readstat_parse_dta(p, r->name, r); break;
    default: rc = readstat_parse_sav(p, r->name, r); break;
    }
    readstat_parser_free(p);
    if (r->fail != TS_OK && r->fail != TS_E_DATA)
        return ts_err_set(err, r->fail, "%s: %s", r->name, r->fail_msg);
    if (r->fail == TS_E_DATA)
        return ts_err_set(err, TS_E_DATA, "%s: not a readable %s file: %s", r->name, kind_word(r->format), r->fail_msg);
    if (rc != READSTAT_OK)
        return ts_err_set(err, TS_E_DATA, "%s: not a valid %s file (damaged or truncated?): %s%s%s%s", r->name,
                          kind_word(r->format), readstat_error_message(rc), r->rs_msg[0] ? " (" : "", r->rs_msg,
                          r->rs_msg[0] ? ")" : "");
    /* Each variable's value labels, now that all sets are known (a .dta gives them last). */
    for (size_t i = 0; i < r->nvars; i++) {
        label_set *s = r->var_sets[i] ? find_set(r, r->var_sets[i]) : NULL;
        if (s) {
            r->vars[i].labels = s->v;
            r->vars[i].nlabels = s->n;
        }
    }
    if (!r->file_label && !(r->file_label = keep_str(r, "")))
        return nomem(err);
    if (!r->encoding && !(r->encoding = keep_str(r, "")))
        return nomem(err);
    if (r->format == TS_STAT_DTA && !r->encoding[0] && r->format_version >= 118 && !(r->encoding = keep_str(r, "UTF-8")))
        return nomem(err);
    if (r->format == TS_STAT_DTA)
        snprintf(r->format_name, sizeof r->format_name, "Stata .dta (format %ld)", r->format_version);
    else
        snprintf(r->format_name, sizeof r->format_name, "%s", kind_word(r->format));
    r->data = NULL;
    return TS_OK;
}

ts_statreader *ts_statreader_open_mem(const void *data, size_t n, const char *name,
                                      const ts_statreader_opts *opts, ts_err *err)
{
    ts_statreader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = ts_strdup(name ? name : "(memory)"))) {
        free(r);
        nomem(err);
        return NULL;
    }
    r->max_bytes = opts && opts->max_bytes ? opts->max_bytes : TS_STAT_MAX_BYTES;
    r->tag_codes = opts && opts->stata_missing_codes;
    r->format = opts && opts->format != TS_STAT_AUTO ? opts->format : ts_statreader_sniff(data, n, name);
    if (r->format == TS_STAT_AUTO) {
        ts_err_set(err, TS_E_DATA, "%s: not an SPSS (.sav, .zsav, .por) or Stata (.dta) file: no known signature at its start", r->name);
        free_reader(r);
        return NULL;
    }
    r->data = data ? data : (const unsigned char *)"";
    r->size = n;
    if (parse(r, opts, err) != TS_OK) {
        free_reader(r);
        return NULL;
    }
    return r;
}

ts_statreader *ts_statreader_open(const char *path, const ts_statreader_opts *opts, ts_err *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        ts_err_set(err, TS_E_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = opts && opts->max_bytes ? opts->max_bytes : TS_STAT_MAX_BYTES;
    ts_strbuf b = TS_STRBUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + got > cap) {
            if (!is_stdin)
                fclose(f);
            ts_strbuf_free(&b);
            char say[32];
            say_size(say, sizeof say, cap);
            ts_err_set(err, TS_E_DATA, "%s: larger than %s (the cap): too large to read", path, say);
            return NULL;
        }
        if (ts_strbuf_append(&b, chunk, got) != 0) {
            if (!is_stdin)
                fclose(f);
            ts_strbuf_free(&b);
            nomem(err);
            return NULL;
        }
    }
    int bad = ferror(f);
    if (!is_stdin)
        fclose(f);
    if (bad) {
        ts_strbuf_free(&b);
        ts_err_set(err, TS_E_IO, "%s: read error", path);
        return NULL;
    }
    ts_statreader *r = ts_statreader_open_mem(b.data, b.len, path, opts, err);
    ts_strbuf_free(&b);
    return r;
}

/* ---- rows as text ----------------------------------------------------------------------- */

void ts_statreader_expect_fields(ts_statreader *r, size_t n) { r->expect = n; }
size_t ts_statreader_nvars(const ts_statreader *r) { return r->nvars; }
const ts_stat_var *ts_statreader_var(const ts_statreader *r, size_t i) { return i < r->nvars ? &r->vars[i] : NULL; }
unsigned long ts_statreader_ncases(const ts_statreader *r) { return (unsigned long)r->nrows; }
const char *ts_statreader_file_label(const ts_statreader *r) { return r->file_label; }
const char *ts_statreader_encoding(const ts_statreader *r) { return r->encoding; }
ts_stat_format ts_statreader_format(const ts_statreader *r) { return r->format; }
const char *ts_statreader_format_name(const ts_statreader *r) { return r->format_name; }

/* A number as %.15g (3 is "3", 0.1 is "0.1", 0.1+0.2 is "0.3"); a float from a .dta as the
 * shortest text that reads back to the same float, so that 0.1f is "0.1" and not
 * 0.100000001490116 — then through %.15g, so that 10 is "10" and not "1e+01". */
static void format_number(double d, int is_float, char *buf, size_t len)
{
    if (d == 0) {
        snprintf(buf, len, "0"); /* never "-0" */
        return;
    }
    if (is_float)
        for (int prec = 1; prec <= 9; prec++) {
            snprintf(buf, len, "%.*g", prec, d);
            if ((float)strtod(buf, NULL) == (float)d) {
                d = strtod(buf, NULL);
                break;
            }
        }
    snprintf(buf, len, "%.15g", d);
}

enum {
    SPSS_EPOCH_DAYS = 141428, /* 1582-10-14 → 1970-01-01 */
    STATA_EPOCH_DAYS = 3653   /* 1960-01-01 → 1970-01-01 */
};

/* A date cell as ISO text; 0 (and BUF untouched) when the value lies outside years
 * 1..9999, which then prints as the number it is. */
static int format_date(const ts_stat_var *v, ts_stat_format f, double x, char *buf, size_t len)
{
    double secs; /* since 1970-01-01 00:00:00 */
    if (f == TS_STAT_DTA)
        secs = v->date == TS_STAT_DATE ? (x - STATA_EPOCH_DAYS) * 86400.0 : x / 1000.0 - STATA_EPOCH_DAYS * 86400.0;
    else
        secs = x - SPSS_EPOCH_DAYS * 86400.0;
    /* Half a millisecond absorbs the binary noise of a value written as seconds + fraction;
     * beyond it, as SPSS and Stata display, the time is truncated to the second. */
    double s = floor(secs + 0.0005);
    if (!(s > -62135596800.0 && s < 253402300800.0)) /* 0001-01-01 .. 9999-12-31 */
        return 0;
    long long t = (long long)s;
    long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    long long rem = t - days * 86400;
    int y, m, d;
    ts_civil_from_days(days, &y, &m, &d);
    if (v->date == TS_STAT_DATE)
        snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
    else
        snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    return 1;
}

static double tag_code(const ts_stat_var *v, char t);

/* Append cell (ROW, COL) as text to r->text. */
static int put_cell(ts_statreader *r, size_t row, size_t col)
{
    size_t at = row * r->nvars + col;
    unsigned char k = r->kinds[at];
    const ts_stat_var *v = &r->vars[col];
    if (k == CELL_SYSMISS)
        return 0;
    if (k >= 'a' && k <= 'z') {
        char t[32] = {'.', (char)k, 0};
        if (r->tag_codes)
            snprintf(t, sizeof t, "%.0f", tag_code(v, (char)k));
        return ts_strbuf_append_str(&r->text, t);
    }
    if (v->is_string)
        return ts_strbuf_append_str(&r->text, r->pool.data + r->cells[at].off);
    char buf[64];
    if (!(v->date && format_date(v, r->format, r->cells[at].d, buf, sizeof buf)))
        format_number(r->cells[at].d, k == 'F', buf, sizeof buf);
    return ts_strbuf_append_str(&r->text, buf);
}

static int put_raw_field(ts_strbuf *b, const char *s, size_t n, int first)
{
    int fail = first ? 0 : ts_strbuf_append_char(b, ',');
    if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n))
        return fail | ts_strbuf_append(b, s, n);
    fail |= ts_strbuf_append_char(b, '"');
    for (size_t i = 0; i < n; i++)
        fail |= s[i] == '"' ? ts_strbuf_append(b, "\"\"", 2) : ts_strbuf_append_char(b, s[i]);
    return fail | ts_strbuf_append_char(b, '"');
}

static void set_problem(ts_statreader *r, ts_record *rec, ts_rec_problem p, size_t column, const char *text)
{
    if (rec->problem != TS_REC_OK)
        return;
    rec->problem = p;
    rec->problem_column = column;
    ts_strbuf_reset(&r->problem);
    ts_strbuf_append_str(&r->problem, text);
}

int ts_statreader_next(ts_statreader *r, ts_record *rec, ts_err *err)
{
    if (r->next_row > r->nrows)
        return 0;
    size_t row = r->next_row++; /* 0: the header */
    size_t nv = r->nvars, nf = nv;
    if (r->expect && r->expect > nf)
        nf = r->expect;
    ts_strbuf_reset(&r->text);
    ts_strbuf_reset(&r->raw);
    memset(rec, 0, sizeof *rec);
    /* text.data is used below even when every field is empty: never NULL */
    if (ts_strbuf_reserve(&r->text, 1) != 0 || ts_strbuf_reserve(&r->raw, 1) != 0)
        goto nomem;
    r->text.data[0] = r->raw.data[0] = '\0';
    size_t *offs = ts_grow(r->offs, &r->cap_offs, nf + 1, sizeof *offs, 16);
    if (!offs)
        goto nomem;
    r->offs = offs;
    ts_field *fields = ts_grow(r->fields, &r->cap_fields, nf + 1, sizeof *fields, 16);
    if (!fields)
        goto nomem;
    r->fields = fields;
    for (size_t i = 0; i < nf; i++) {
        r->offs[i] = r->text.len;
        if (i < nv && (row == 0 ? ts_strbuf_append_str(&r->text, r->vars[i].name) : put_cell(r, row - 1, i)) != 0)
            goto nomem;
        size_t len = r->text.len - r->offs[i];
        if (row > 0 && i < nv && r->vars[i].is_string &&
            ts_utf8_valid_prefix((const unsigned char *)r->text.data + r->offs[i], len) != len)
            set_problem(r, rec, TS_REC_ENCODING, i + 1, "bytes that are not valid UTF-8: is the file's encoding "
                                                        "what it says (or give the encoding)?");
        if (put_raw_field(&r->raw, r->text.data + r->offs[i], len, i == 0) != 0 || ts_strbuf_append_char(&r->text, '\0') != 0)
            goto nomem;
    }
    r->offs[nf] = r->text.len;
    if (r->expect && r->expect < nv) {
        for (size_t i = r->expect; i < nv; i++)
            if (r->offs[i + 1] - r->offs[i] > 1) {
                char why[96];
                snprintf(why, sizeof why, "expected %zu fields, found %zu", r->expect, nv);
                set_problem(r, rec, TS_REC_FIELD_COUNT, i + 1, why);
                break;
            }
        if (rec->problem != TS_REC_FIELD_COUNT)
            nf = r->expect; /* the cells beyond are all empty: as if they were not there */
    }
    for (size_t i = 0; i < nf; i++) {
        r->fields[i].s = r->text.data ? r->text.data + r->offs[i] : "";
        r->fields[i].len = r->offs[i + 1] - r->offs[i] - 1;
    }
    rec->fields = r->fields;
    rec->nfields = nf;
    rec->line = rec->last_line = (unsigned long)row;
    rec->raw = r->raw.data ? r->raw.data : "";
    rec->raw_len = r->raw.len;
    rec->problem_text = rec->problem != TS_REC_OK && r->problem.data ? r->problem.data : "";
    return 1;
nomem:
    nomem(err);
    return -1;
}

ts_status ts_statreader_close(ts_statreader *r, ts_err *err)
{
    (void)err;
    free_reader(r);
    return TS_OK;
}

/* ---- the embedded codebook -------------------------------------------------------------- */

enum {
    MAX_CODES = 1000,          /* a numeric variable with more labels is no single choice */
    MAX_MISSING_SEEN = 100,    /* distinct data values inside a missing range written as codes */
    TAG_CODE_BASE = -1001      /* Stata's .a is code -1001, .b -1002, ... (docs/spss-stata.md) */
};

typedef enum { P_SKIP, P_ID, P_SINGLE, P_INTEGER, P_NUMERIC, P_TEXT, P_DATE, P_MULTI, P_MEMBER } plan_kind;

/* What the data say about one variable. */
typedef struct vstat {
    size_t nvalid;          /* cells that are neither missing nor a user-missing value */
    size_t nuser;           /* cells holding a user-missing value */
    unsigned long tags;     /* bit t-'a': the Stata missing value .t occurs */
    int whole;              /* every valid value is a whole number within ±2147483647 */
    int only01;             /* every valid value is 0 or 1, and no user-missing value occurs */
    int id_ok;              /* every cell a whole number 1..2^53-1, all distinct */
    size_t nunlabelled;     /* valid values that have no value label */
    double unlabelled[3];   /* the first few of them, for the comment */
    double unl_lo, unl_hi;  /* the smallest and largest of them (when nunlabelled > 0) */
    size_t nseen;
    double seen[MAX_MISSING_SEEN]; /* whole values inside a missing range, distinct */
} vstat;

typedef struct plan {
    plan_kind kind;
    char name[80];          /* the codebook variable name */
    size_t group_end;       /* P_MULTI: members are [index, group_end) */
    vstat st;
} plan;

typedef struct cbw {
    const ts_statreader *r;
    ts_strbuf *out;
    plan *p;
    int fail;
} cbw;

static int is_whole_code(double d) { return d == floor(d) && fabs(d) <= 2147483647.0; }

static int is_user_missing(const ts_stat_var *v, double d)
{
    for (size_t i = 0; i < v->nmissing; i++)
        if (d >= v->missing[i].lo && d <= v->missing[i].hi)
            return 1;
    return 0;
}

static const ts_stat_vlabel *label_of_value(const ts_stat_var *v, double d)
{
    for (size_t i = 0; i < v->nlabels; i++)
        if (!v->labels[i].svalue && !v->labels[i].tag && v->labels[i].value == d)
            return &v->labels[i];
    return NULL;
}

static const ts_stat_vlabel *label_of_tag(const ts_stat_var *v, char t)
{
    for (size_t i = 0; i < v->nlabels; i++)
        if (v->labels[i].tag == t)
            return &v->labels[i];
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int add_seen(vstat *s, double d)
{
    for (size_t i = 0; i < s->nseen; i++)
        if (s->seen[i] == d)
            return 0;
    if (s->nseen == MAX_MISSING_SEEN)
        return 0;
    s->seen[s->nseen++] = d;
    return 0;
}

/* One pass over the variable's cells. Returns 0, -1 when out of memory. */
static int stat_var(const ts_statreader *r, size_t col, vstat *s)
{
    const ts_stat_var *v = &r->vars[col];
    memset(s, 0, sizeof *s);
    s->whole = s->only01 = 1;
    s->id_ok = !v->is_string && !v->date && r->nrows > 0;
    double *ids = s->id_ok ? malloc(r->nrows * sizeof *ids) : NULL;
    if (s->id_ok && !ids)
        return -1;
    /* the labelled values, sorted: a lookup per cell must not scan a thousand labels */
    double *lv = malloc((v->nlabels ? v->nlabels : 1) * sizeof *lv);
    size_t nlv = 0;
    if (!lv) {
        free(ids);
        return -1;
    }
    for (size_t i = 0; i < v->nlabels; i++)
        if (!v->labels[i].svalue && !v->labels[i].tag)
            lv[nlv++] = v->labels[i].value;
    qsort(lv, nlv, sizeof *lv, cmp_double);
    for (size_t row = 0; row < r->nrows; row++) {
        size_t at = row * r->nvars + col;
        unsigned char k = r->kinds[at];
        if (v->is_string)
            continue;
        if (k == CELL_SYSMISS || (k >= 'a' && k <= 'z')) {
            if (k != CELL_SYSMISS)
                s->tags |= 1ul << (k - 'a');
            s->id_ok = 0;
            continue;
        }
        double d = r->cells[at].d;
        if (ids)
            ids[row] = d;
        if (!(d >= 1 && d <= 9007199254740991.0 && d == floor(d)))
            s->id_ok = 0;
        if (is_user_missing(v, d)) {
            s->nuser++;
            s->only01 = 0;
            if (is_whole_code(d))
                add_seen(s, d);
            continue;
        }
        s->nvalid++;
        if (!is_whole_code(d))
            s->whole = 0;
        if (d != 0 && d != 1)
            s->only01 = 0;
        if (!bsearch(&d, lv, nlv, sizeof *lv, cmp_double)) {
            if (s->nunlabelled == 0 || d < s->unl_lo)
                s->unl_lo = d;
            if (s->nunlabelled == 0 || d > s->unl_hi)
                s->unl_hi = d;
            if (s->nunlabelled < 3) {
                int dup = 0;
                for (size_t i = 0; i < s->nunlabelled; i++)
                    dup |= s->unlabelled[i] == d;
                if (!dup)
                    s->unlabelled[s->nunlabelled++] = d;
            } else {
                s->nunlabelled++;
            }
        }
    }
    if (s->nvalid == 0 || s->tags)
        s->only01 = 0;
    if (s->id_ok) {
        qsort(ids, r->nrows, sizeof *ids, cmp_double);
        for (size_t i = 1; i < r->nrows && s->id_ok; i++)
            if (ids[i] == ids[i - 1])
                s->id_ok = 0;
    }
    free(ids);
    free(lv);
    return 0;
}

/* S as a code: an optional minus and digits only, within ±2147483647. */
static int code_text(const char *s, double *out)
{
    const char *p = s + (*s == '-');
    if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 10)
        return 0;
    double d = strtod(s, NULL);
    if (fabs(d) > 2147483647.0)
        return 0;
    *out = d;
    return 1;
}

/* A string variable whose value labels all have code-like values ("1" 男性, "2" 女性) and whose
 * non-empty cells are all labelled: a single choice with string storage. */
static int string_codes(const ts_statreader *r, size_t col)
{
    const ts_stat_var *v = &r->vars[col];
    double d;
    if (!v->is_string || v->nlabels == 0 || v->nlabels > MAX_CODES)
        return 0;
    for (size_t i = 0; i < v->nlabels; i++)
        if (!v->labels[i].svalue || !code_text(v->labels[i].svalue, &d))
            return 0;
    for (size_t row = 0; row < r->nrows; row++) {
        size_t at = row * r->nvars + col;
        const char *c = r->pool.data + r->cells[at].off;
        if (r->kinds[at] != CELL_VALUE || !*c)
            continue;
        int found = 0;
        for (size_t i = 0; i < v->nlabels && !found; i++)
            found = strcmp(v->labels[i].svalue, c) == 0;
        if (!found)
            return 0;
    }
    return 1;
}

static int valid_cb_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
            return 0;
    return 1;
}

/* A name like id, ID, 回答者ID, SampleID, resp_id. */
static int id_like(const char *s)
{
    size_t n = strlen(s);
    if (n < 2)
        return 0;
    const char *t = s + n - 2;
    if (strcasecmp(s, "id") == 0)
        return 1;
    if (strcmp(t, "ID") == 0 || strcmp(t, "Id") == 0)
        return 1;
    if (strcasecmp(t, "id") == 0 && n > 2) {
        unsigned char c = (unsigned char)t[-1];
        return c == '_' || c == '-' || c == '.' || c >= 0x80;
    }
    return 0;
}

static int name_taken(const plan *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].kind != P_SKIP && p[i].kind != P_MEMBER && strcmp(p[i].name, name) == 0)
            return 1;
    return 0;
}

/* The stem of a 0/1 member's name: all but its trailing digits, when it ends with a
 * separator (q5_, Q5., q5s after a digit) — else NULL (q1, q2 are separate questions). */
static size_t stem_len(const char *name)
{
    size_t n = strlen(name), k = n;
    while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
        k--;
    if (k == n || k < 2)
        return 0;
    char c = name[k - 1];
    if (c == '_' || c == '.')
        return k;
    if ((c == 's' || c == 'S') && name[k - 2] >= '0' && name[k - 2] <= '9')
        return k;
    return 0;
}

static int member_ok(const ts_statreader *r, const plan *p, size_t i)
{
    const ts_stat_var *v = &r->vars[i];
    if (v->is_string || v->date || !p[i].st.only01 || p[i].kind == P_ID)
        return 0;
    for (size_t j = 0; j < v->nlabels; j++)
        if (v->labels[j].svalue || v->labels[j].tag || (v->labels[j].value != 0 && v->labels[j].value != 1))
            return 0;
    return 1;
}

/* Bytes of S and T in common at their start, cut back to a character boundary. */
static size_t common_prefix(const char *s, const char *t)
{
    size_t n = 0;
    while (s[n] && s[n] == t[n])
        n++;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Separators a question's label puts before the option: ASCII punctuation and spaces and
 * their full-width forms. Returns the bytes of one at S, or 0. */
static size_t sep_at(const char *s)
{
    static const char *const seps[] = {"：", "　", "・", "／", "－", "―", "ー", "（", "）", "【", "】", "「", "」", "、"};
    if (*s == ' ' || *s == ':' || *s == '_' || *s == '-' || *s == '/' || *s == '.' || *s == '|' || *s == '(' ||
        *s == ')' || *s == '[' || *s == ']')
        return 1;
    for (size_t i = 0; i < sizeof seps / sizeof *seps; i++)
        if (strncmp(s, seps[i], strlen(seps[i])) == 0)
            return strlen(seps[i]);
    return 0;
}

/* Whether the K bytes at S + N - K close a bracket opened in S[0..N - K): 「相談相手(複数回答)」
 * keeps its ")" when the question part is cut back to a separator. */
static int closes_bracket(const char *s, size_t n, size_t k)
{
    static const char *const pairs[][2] = {{"(", ")"}, {"[", "]"}, {"（", "）"}, {"【", "】"}, {"「", "」"}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        size_t cl = strlen(pairs[i][1]);
        if (cl != k || strncmp(s + n - k, pairs[i][1], k) != 0)
            continue;
        char *head = ts_strndup(s, n - k);
        int open = head && strstr(head, pairs[i][0]) != NULL;
        free(head);
        return open;
    }
    return 0;
}

static size_t trim_seps_end(const char *s, size_t n)
{
    for (;;) {
        size_t k = 0;
        for (size_t back = 1; back <= 3 && back <= n; back++)
            if (sep_at(s + n - back) == back) {
                k = back;
                break;
            }
        if (!k || closes_bracket(s, n, k))
            return n;
        n -= k;
    }
}

static const char *skip_seps(const char *s)
{
    size_t k;
    while ((k = sep_at(s)) > 0)
        s += k;
    return s;
}

/* ---- writing ---- */

static void put_field(cbw *w, const char *s, size_t n, int first)
{
    if (!first)
        w->fail |= ts_strbuf_append_char(w->out, ',');
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        w->fail |= ts_strbuf_append(w->out, s, n);
        return;
    }
    w->fail |= ts_strbuf_append_char(w->out, '"');
    for (size_t i = 0; i < n; i++)
        w->fail |= s[i] == '"' ? ts_strbuf_append(w->out, "\"\"", 2) : ts_strbuf_append_char(w->out, s[i]);
    w->fail |= ts_strbuf_append_char(w->out, '"');
}

enum { F_VARIABLE, F_TYPE, F_COLUMN, F_LABEL, F_CODE, F_MISSING, F_KEEP, F_ANSWERS, F_ALIASES, NF };
static const char *const FIELD_NAMES[NF] = {"variable", "type", "column", "label", "code", "missing", "keep", "answers", "aliases"};

static void put_row(cbw *w, const char *const f[NF])
{
    for (size_t i = 0; i < NF; i++)
        put_field(w, f[i] ? f[i] : "", f[i] ? strlen(f[i]) : 0, i == 0);
    w->fail |= ts_strbuf_append_char(w->out, '\n');
}

/* A `#` comment line: one CSV field (quoted when it must be), line breaks as spaces. */
static void put_comment(cbw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_comment(cbw *w, const char *fmt, ...)
{
    ts_strbuf b = TS_STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        w->fail = 1;
        return;
    }
    if ((size_t)n >= sizeof small) {
        if (ts_strbuf_reserve(&b, (size_t)n + 1) != 0) {
            w->fail = 1;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(b.data, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b.len = (size_t)n;
    } else if (ts_strbuf_append(&b, small, (size_t)n) != 0) {
        w->fail = 1;
        return;
    }
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\n' || b.data[i] == '\r')
            b.data[i] = ' ';
    /* As tsunagari-codebook draft writes them: quoted only when a quote would break the row
     * (its commas then split it into fields, and the first still starts with #). */
    if (memchr(b.data, '"', b.len))
        put_field(w, b.data, b.len, 1);
    else
        w->fail |= ts_strbuf_append(w->out, b.data, b.len);
    w->fail |= ts_strbuf_append_char(w->out, '\n');
    ts_strbuf_free(&b);
}

static const char *label_or(const ts_stat_var *v) { return v->label[0] ? v->label : v->name; }

static void put_code(cbw *w, double code, const char *label, const char *missing, const char *column, const char *alias)
{
    char c[32];
    snprintf(c, sizeof c, "%.0f", code);
    const char *f[NF] = {0};
    f[F_CODE] = c;
    f[F_LABEL] = label;
    f[F_MISSING] = missing;
    f[F_COLUMN] = column;
    f[F_ALIASES] = alias;
    put_row(w, f);
}

/* The missing codes of V as code numbers: its discrete missing values, its labelled values
 * inside a missing range and the whole values the data hold inside one. Sorted, distinct. */
static size_t missing_codes(const ts_stat_var *v, const vstat *s, double *out, size_t cap, size_t *not_whole)
{
    size_t n = 0;
    *not_whole = 0;
    for (size_t i = 0; i < v->nmissing && n < cap; i++) {
        if (v->missing[i].lo == v->missing[i].hi) {
            if (is_whole_code(v->missing[i].lo))
                out[n++] = v->missing[i].lo;
            else
                (*not_whole)++;
        }
    }
    for (size_t i = 0; i < v->nlabels && n < cap; i++)
        if (!v->labels[i].svalue && !v->labels[i].tag && is_whole_code(v->labels[i].value) &&
            is_user_missing(v, v->labels[i].value))
            out[n++] = v->labels[i].value;
    for (size_t i = 0; i < s->nseen && n < cap; i++)
        out[n++] = s->seen[i];
    qsort(out, n, sizeof *out, cmp_double);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || out[k - 1] != out[i])
            out[k++] = out[i];
    return k;
}

static void describe_missing(ts_strbuf *b, const ts_stat_var *v)
{
    for (size_t i = 0; i < v->nmissing; i++) {
        char lo[32], hi[32];
        format_number(v->missing[i].lo, 0, lo, sizeof lo);
        format_number(v->missing[i].hi, 0, hi, sizeof hi);
        if (isinf(v->missing[i].lo))
            snprintf(lo, sizeof lo, "LOWEST");
        if (isinf(v->missing[i].hi))
            snprintf(hi, sizeof hi, "HIGHEST");
        if (v->missing[i].lo == v->missing[i].hi)
            ts_strbuf_printf(b, "%s%s", i ? ", " : "", lo);
        else
            ts_strbuf_printf(b, "%s%s THRU %s", i ? ", " : "", lo, hi);
    }
}

/* Whether the code rows write_numeric writes for V — its labelled codes, the missing codes
 * MISS that have no label, the Stata missing values TAGS with their aliases .a — have labels
 * and aliases that stay distinct after folding, as answers=either needs. */
static int labels_distinct(const ts_stat_var *v, unsigned long tags, const double *miss, size_t nmiss)
{
    size_t cap = v->nlabels + nmiss + 2 * 26, n = 0;
    char **f = calloc(cap, sizeof *f);
    int ok = f != NULL;
    char buf[64], alias[4];
    for (size_t i = 0; i < v->nlabels + nmiss + 26 && ok; i++) {
        const char *texts[2] = {NULL, NULL};
        if (i < v->nlabels) {
            const ts_stat_vlabel *l = &v->labels[i];
            if (l->svalue || l->tag || !is_whole_code(l->value) || label_of_value(v, l->value) != l)
                continue;
            texts[0] = l->text[0] ? l->text : "(no label)";
        } else if (i < v->nlabels + nmiss) {
            double m = miss[i - v->nlabels];
            if (label_of_value(v, m))
                continue;
            char num[32];
            format_number(m, 0, num, sizeof num);
            snprintf(buf, sizeof buf, "欠損値 %s", num);
            texts[0] = buf;
        } else {
            char t = (char)('a' + (i - v->nlabels - nmiss));
            if (!(tags & (1ul << (t - 'a'))))
                continue;
            const ts_stat_vlabel *l = label_of_tag(v, t);
            snprintf(buf, sizeof buf, "欠損値 .%c", t);
            texts[0] = l && l->text[0] ? l->text : buf;
            alias[0] = '.', alias[1] = t, alias[2] = 0;
            texts[1] = alias;
        }
        for (int k = 0; k < 2 && texts[k] && ok; k++) {
            size_t len = strlen(texts[k]);
            if (!(f[n] = malloc(len + 1))) {
                ok = 0;
                break;
            }
            ts_text_fold(texts[k], len, f[n]);
            for (size_t j = 0; j < n && ok; j++)
                if (strcmp(f[n], f[j]) == 0)
                    ok = 0;
            n++;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(f[i]);
    free(f);
    return ok;
}

/* The code of Stata's .T in V: TAG_CODE_BASE - (T - 'a'), moved down by 100 while it is one
 * of V's labelled values. */
static double tag_code(const ts_stat_var *v, char t)
{
    double c = TAG_CODE_BASE - (t - 'a');
    while (label_of_value(v, c))
        c -= 100;
    return c;
}

/* Whether V's value labels name points of a scale rather than the codes of a single choice:
 * the data's unlabelled values all lie strictly between the
 * smallest and largest labelled code and the labels name at most half of the whole numbers
 * there (1 不満 … 5 満足, 0 まったく … 10 とても). A value outside the labelled codes (a 3 of a
 * 1 男性 / 2 女性 item) or a gap in a mostly labelled list stays a single choice, so that ingest
 * flags it as an item warning instead of taking it as a valid number. */
static int anchored_scale(const ts_stat_var *v, const vstat *s, size_t ncodes)
{
    /* not SPSS's measure: haven and most syntax leave every numeric variable "scale" */
    if (s->nunlabelled == 0)
        return 0;
    double lo = 0, hi = 0;
    int any = 0;
    for (size_t j = 0; j < v->nlabels; j++) {
        const ts_stat_vlabel *l = &v->labels[j];
        if (l->svalue || l->tag || !is_whole_code(l->value) || is_user_missing(v, l->value))
            continue;
        if (!any || l->value < lo)
            lo = l->value;
        if (!any || l->value > hi)
            hi = l->value;
        any = 1;
    }
    if (!any || !(s->unl_lo > lo && s->unl_hi < hi))
        return 0;
    return (double)ncodes * 2 <= hi - lo + 1;
}

static void write_numeric(cbw *w, size_t i)
{
    const ts_statreader *r = w->r;
    const ts_stat_var *v = &r->vars[i];
    plan *p = &w->p[i];
    const vstat *s = &p->st;
    double miss[MAX_MISSING_SEEN + 64];
    size_t not_whole = 0;
    size_t nmiss = missing_codes(v, s, miss, sizeof miss / sizeof *miss, &not_whole);
    size_t ncodes = 0, nfrac = 0;
    for (size_t j = 0; j < v->nlabels; j++) {
        if (v->labels[j].svalue || v->labels[j].tag)
            continue;
        if (is_whole_code(v->labels[j].value))
            ncodes++;
        else
            nfrac++;
    }
    unsigned long tags = s->tags;
    for (size_t j = 0; j < v->nlabels; j++)
        if (v->labels[j].tag)
            tags |= 1ul << (v->labels[j].tag - 'a');
    ts_strbuf why = TS_STRBUF_INIT;
    const char *type;
    int either = 0, tagcodes = tags && r->tag_codes;
    /* labels of valid answers, not only of missing codes (999 無回答 on an age) */
    size_t nanswer = 0;
    for (size_t j = 0; j < v->nlabels; j++)
        nanswer += !v->labels[j].svalue && !v->labels[j].tag && is_whole_code(v->labels[j].value) &&
                   !is_user_missing(v, v->labels[j].value);
    int anchors = ncodes > 0 && anchored_scale(v, s, ncodes);
    if (ncodes > 0 && ncodes <= MAX_CODES && nfrac == 0 && s->whole && !anchors &&
        (s->nunlabelled == 0 || nanswer > 0)) {
        p->kind = P_SINGLE;
        type = "single";
        if (s->nunlabelled == 0)
            ts_strbuf_printf(&why, "single: %zu value label%s, every value in the data labelled", ncodes,
                             ncodes == 1 ? "" : "s");
        else /* the file's labels are the codes; a value without one is what ingest must flag */
            ts_strbuf_printf(&why, "single: %zu value label%s; values in the data without a label are item warnings "
                                   "(e.g. %.15g): add a code row if they are valid answers",
                             ncodes, ncodes == 1 ? "" : "s", s->unlabelled[0]);
        either = tags && !r->tag_codes && labels_distinct(v, tags, miss, nmiss);
    } else {
        p->kind = s->whole ? P_INTEGER : P_NUMERIC;
        type = s->whole ? "integer" : "numeric";
        ts_strbuf_printf(&why, "%s: %s", type, s->whole ? "every value in the data is a whole number" : "values with decimals in the data");
        if (ncodes > 0 && s->nunlabelled > 0) {
            ts_strbuf_printf(&why, "; a scale labelled at its anchors only, the values between them unlabelled (not ");
            for (size_t j = 0; j < s->nunlabelled && j < 3; j++) {
                char b[32];
                format_number(s->unlabelled[j], 0, b, sizeof b);
                ts_strbuf_printf(&why, "%s%s", j ? ", " : "", b);
            }
            ts_strbuf_printf(&why, "%s): they are kept as code rows", s->nunlabelled > 3 ? ", ..." : "");
        } else if (ncodes > MAX_CODES) {
            ts_strbuf_printf(&why, "; more than %d value labels: not a single choice", MAX_CODES);
        }
        if (nfrac)
            ts_strbuf_printf(&why, "; %zu value label%s of non-whole values left out (codes are integers)", nfrac,
                             nfrac == 1 ? "" : "s");
    }
    if (v->nmissing) {
        ts_strbuf_printf(&why, "; user-missing ");
        describe_missing(&why, v);
        ts_strbuf_printf(&why, " → missing=yes");
        if (not_whole)
            ts_strbuf_printf(&why, " (a non-whole missing value cannot be a code: such cells are item warnings)");
    }
    if (tags) {
        if (tagcodes)
            ts_strbuf_printf(&why, "; Stata missing values .a-.z as codes %d (.a) downwards (read so), missing=yes", TAG_CODE_BASE);
        else if (either)
            ts_strbuf_printf(&why, "; Stata missing values .a-.z as codes %d (.a) downwards, read by their text (answers=either, alias .a)",
                             TAG_CODE_BASE);
        else
            ts_strbuf_printf(&why, "; Stata missing values .a-.z in the data: ingest counts each as an item warning (missing)");
    }
    put_comment(w, "# %s: %s", p->name, why.data ? why.data : "");
    ts_strbuf_free(&why);
    const char *f[NF] = {0};
    f[F_VARIABLE] = p->name;
    f[F_TYPE] = type;
    f[F_COLUMN] = v->name;
    f[F_LABEL] = label_or(v);
    f[F_ANSWERS] = either ? "either" : NULL;
    put_row(w, f);
    /* the labelled codes, then the missing codes that have no label */
    for (size_t j = 0; j < v->nlabels; j++) {
        const ts_stat_vlabel *l = &v->labels[j];
        if (l->svalue || l->tag || !is_whole_code(l->value) || ncodes > MAX_CODES)
            continue;
        if (label_of_value(v, l->value) != l)
            continue; /* a value labelled twice: the first label */
        put_code(w, l->value, l->text[0] ? l->text : "(no label)", is_user_missing(v, l->value) ? "yes" : NULL, NULL, NULL);
    }
    for (size_t j = 0; j < nmiss; j++) {
        if (label_of_value(v, miss[j]) && ncodes <= MAX_CODES)
            continue;
        char lab[64], num[32];
        format_number(miss[j], 0, num, sizeof num);
        snprintf(lab, sizeof lab, "欠損値 %s", num);
        put_code(w, miss[j], lab, "yes", NULL, NULL);
    }
    if (either || tagcodes)
        for (char t = 'a'; t <= 'z'; t++) {
            if (!(tags & (1ul << (t - 'a'))))
                continue;
            const ts_stat_vlabel *l = label_of_tag(v, t);
            char lab[64], alias[4] = {'.', t, 0};
            snprintf(lab, sizeof lab, "欠損値 .%c", t);
            put_code(w, tag_code(v, t), l && l->text[0] ? l->text : lab, "yes", NULL, either ? alias : NULL);
        }
}

static void write_multi(cbw *w, size_t first)
{
    const ts_statreader *r = w->r;
    plan *p = &w->p[first];
    size_t end = p->group_end, k = end - first;
    /* The question: what the members' labels share, up to a separator. */
    size_t pre = strlen(r->vars[first].label);
    for (size_t i = first + 1; i < end; i++)
        pre = common_prefix(r->vars[first].label, r->vars[i].label) < pre ? common_prefix(r->vars[first].label, r->vars[i].label) : pre;
    if (k > 1 && pre == strlen(r->vars[first].label))
        pre = 0; /* identical labels say nothing about the options */
    size_t qlen = trim_seps_end(r->vars[first].label, pre);
    char *q = qlen ? ts_strndup(r->vars[first].label, qlen) : NULL;
    if (qlen && !q) {
        w->fail = 1;
        return;
    }
    put_comment(w, "# %s: multi: %zu consecutive variables %s..%s hold only 0/1 (and missing) and share the stem of their names; "
                   "option labels from %s",
                p->name, k, r->vars[first].name, r->vars[end - 1].name,
                pre ? "the variable labels after their common part" : "the value label of 1 or the variable labels");
    /* The options' codes: the numbers after the stem when they are distinct codes 1..99 (q5_1,
     * q5_2, q5_8, q5_9 — a tsunagari-export of a multiple answer names its columns VAR_CODE,
     * so it reads back with its own codes), else 1..k in order. */
    int suffix_codes = 1;
    for (size_t i = first; i < end && suffix_codes; i++) {
        const char *d = r->vars[i].name + stem_len(r->vars[i].name);
        long c = strlen(d) <= 2 ? atol(d) : 0;
        suffix_codes = c >= 1 && c <= 99 && d[0] != '0';
        for (size_t j = first; j < i && suffix_codes; j++)
            suffix_codes = atol(r->vars[j].name + stem_len(r->vars[j].name)) != c;
    }
    const char *f[NF] = {0};
    f[F_VARIABLE] = p->name;
    f[F_TYPE] = "multi";
    f[F_LABEL] = q ? q : r->vars[first].label[0] ? r->vars[first].label : p->name;
    put_row(w, f);
    for (size_t i = first; i < end; i++) {
        const ts_stat_var *v = &r->vars[i];
        const char *opt = pre ? skip_seps(v->label + pre) : "";
        const ts_stat_vlabel *one = label_of_value(v, 1);
        if (!opt[0] && one && one->text[0]) {
            /* the label of 1 names the option only when it differs between the members */
            int same = 0;
            for (size_t j = first; j < end; j++) {
                const ts_stat_vlabel *o = j == i ? NULL : label_of_value(&r->vars[j], 1);
                same |= o && strcmp(o->text, one->text) == 0;
            }
            if (!same)
                opt = one->text;
        }
        if (!opt[0])
            opt = label_or(v);
        put_code(w, suffix_codes ? (double)atol(r->vars[i].name + stem_len(r->vars[i].name)) : (double)(i - first + 1), opt,
                 NULL, v->name, NULL);
    }
    free(q);
}

ts_status ts_statreader_codebook_csv(const ts_statreader *r, ts_strbuf *out, ts_err *err)
{
    size_t n = r->nvars;
    plan *p = calloc(n ? n : 1, sizeof *p);
    if (!p)
        return nomem(err);
    cbw w = {r, out, p, 0};
    for (size_t i = 0; i < n; i++)
        if (stat_var(r, i, &p[i].st) != 0) {
            free(p);
            return nomem(err);
        }
    /* names: the file's where the codebook accepts them, else v1, v2, ... */
    for (size_t i = 0; i < n; i++) {
        const char *nm = r->vars[i].name;
        p[i].group_end = 0;
        for (size_t j = 0; j < i && !p[i].group_end; j++)
            if (strcmp(r->vars[j].name, nm) == 0)
                p[i].group_end = j + 1; /* P_SKIP: the earlier variable of that name, 1-based */
        if (nm[strspn(nm, " \t")] == '\0' || p[i].group_end) {
            p[i].kind = P_SKIP; /* ingest finds a column by its name: a second one is unreachable */
            continue;
        }
        p[i].kind = P_NUMERIC; /* for name_taken; decided below */
        if (valid_cb_name(nm))
            snprintf(p[i].name, sizeof p[i].name, "%s", nm);
        else
            p[i].name[0] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i].kind == P_SKIP || p[i].name[0])
            continue;
        snprintf(p[i].name, sizeof p[i].name, "v%zu", i + 1);
        while (name_taken(p, i, p[i].name) || name_taken(p + i + 1, n - i - 1, p[i].name))
            if (strlen(p[i].name) < 70)
                strcat(p[i].name, "_");
    }
    /* the id: by its name, else the first variable, if its values are unique positive integers */
    long id = -1;
    for (size_t i = 0; i < n && id < 0; i++)
        if (p[i].kind != P_SKIP && id_like(r->vars[i].name) && p[i].st.id_ok)
            id = (long)i;
    if (id < 0 && n > 0 && p[0].kind != P_SKIP && p[0].st.id_ok && r->vars[0].nlabels == 0)
        id = 0; /* (a first variable with value labels is a question, whatever its values) */
    if (id >= 0)
        p[id].kind = P_ID;
    /* the rest */
    for (size_t i = 0; i < n; i++) {
        if (p[i].kind == P_SKIP || p[i].kind == P_ID)
            continue;
        const ts_stat_var *v = &r->vars[i];
        p[i].kind = v->is_string ? P_TEXT : v->date ? P_DATE : P_NUMERIC;
    }
    /* multiple answers: runs of 0/1 variables whose names share a stem */
    for (size_t i = 0; i < n; i++) {
        size_t sl = p[i].kind == P_NUMERIC && member_ok(r, p, i) ? stem_len(r->vars[i].name) : 0;
        if (!sl)
            continue;
        size_t end = i + 1;
        while (end < n && end - i < 63 && p[end].kind == P_NUMERIC && member_ok(r, p, end) &&
               stem_len(r->vars[end].name) == sl && strncmp(r->vars[end].name, r->vars[i].name, sl) == 0)
            end++;
        if (end - i < 2)
            continue;
        for (size_t j = i; j < end; j++)
            p[j].kind = P_MEMBER;
        p[i].kind = P_MULTI;
        p[i].group_end = end;
        char stem[80];
        size_t k = sl;
        while (k > 0 && (r->vars[i].name[k - 1] == '_' || r->vars[i].name[k - 1] == '.'))
            k--;
        if (k > 1 && (r->vars[i].name[k - 1] == 's' || r->vars[i].name[k - 1] == 'S') && sl == k)
            k--;
        snprintf(stem, sizeof stem, "%.*s", (int)(k < 64 ? k : 64), r->vars[i].name);
        if (valid_cb_name(stem) && !name_taken(p, n, stem))
            snprintf(p[i].name, sizeof p[i].name, "%s", stem);
        else
            while (name_taken(p, i, p[i].name) || name_taken(p + i + 1, n - i - 1, p[i].name))
                strcat(p[i].name, "_");
        i = end - 1;
    }

    put_comment(&w, "# codebook embedded in %s (%s%s%s): %zu cases, %zu variables%s%s", r->name, r->format_name,
                r->encoding[0] ? ", encoding " : "", r->encoding, r->nrows, n, r->file_label[0] ? "; file label: " : "",
                r->file_label);
    put_comment(&w, "# every guess below says why: check the types, codes and missing codes (docs/spss-stata.md)");
    put_row(&w, FIELD_NAMES);
    if (id < 0) {
        char idname[80] = "id";
        while (name_taken(p, n, idname))
            strcat(idname, "_");
        put_comment(&w, "# %s: id: no variable is an id (unique positive integers, named like ID or first): "
                        "run tsunagari-ingest --id row ([input] id = row), which numbers the cases",
                    idname);
        const char *f[NF] = {idname, "id", "(data row number: --id row)", "回答者ID（行番号）"};
        put_row(&w, f);
    }
    for (size_t i = 0; i < n && !w.fail; i++) {
        const ts_stat_var *v = &r->vars[i];
        const char *f[NF] = {0};
        f[F_VARIABLE] = p[i].name;
        f[F_COLUMN] = v->name;
        f[F_LABEL] = label_or(v);
        switch (p[i].kind) {
        case P_SKIP:
            if (p[i].group_end)
                put_comment(&w, "# variable %zu (%s) has the name of variable %zu: left out, as ingest finds a column by its name",
                            i + 1, v->name, p[i].group_end);
            else
                put_comment(&w, "# variable %zu has no name (or only spaces): left out", i + 1);
            break;
        case P_ID:
            put_comment(&w, "# %s: id: %s, and every case has a distinct positive whole number", p[i].name,
                        (long)i == id && id_like(v->name) ? "named like an id" : "the first variable");
            f[F_TYPE] = "id";
            put_row(&w, f);
            break;
        case P_TEXT:
            if (string_codes(r, i)) {
                put_comment(&w, "# %s: single: a string variable whose %zu value labels all have codes as values, "
                                "every value in the data labelled",
                            p[i].name, v->nlabels);
                f[F_TYPE] = "single";
                put_row(&w, f);
                for (size_t j = 0; j < v->nlabels; j++) {
                    double c;
                    int dup = 0;
                    code_text(v->labels[j].svalue, &c);
                    for (size_t k = 0; k < j; k++) {
                        double e;
                        dup |= code_text(v->labels[k].svalue, &e) && e == c;
                    }
                    int miss = 0;
                    for (size_t k = 0; k < v->nmissing; k++)
                        miss |= v->missing[k].slo && strcmp(v->missing[k].slo, v->labels[j].svalue) == 0;
                    if (!dup)
                        put_code(&w, c, v->labels[j].text[0] ? v->labels[j].text : "(no label)", miss ? "yes" : NULL, NULL, NULL);
                }
                break;
            }
            put_comment(&w, "# %s: text: a string variable%s; free text is not kept (keep=yes keeps it in the dataset, never in tables)",
                        p[i].name, v->nlabels ? " (its value labels are left out)" : "");
            f[F_TYPE] = "text";
            f[F_KEEP] = "no";
            put_row(&w, f);
            break;
        case P_DATE:
            /* The codebook has no date type: a date is read as text (ingest keeps any text),
             * and not kept, as a date of birth would identify a respondent. */
            put_comment(&w, "# %s: text: a %s (format %s) read as ISO text; the codebook has no date type, keep=yes keeps it",
                        p[i].name, v->date == TS_STAT_DATE ? "date" : "date and time", v->format);
            f[F_TYPE] = "text";
            f[F_KEEP] = "no";
            put_row(&w, f);
            break;
        case P_MULTI:
            write_multi(&w, i);
            i = p[i].group_end - 1;
            break;
        case P_MEMBER:
            break;
        default:
            write_numeric(&w, i);
        }
    }
    free(p);
    if (w.fail)
        return nomem(err);
    return TS_OK;
}
