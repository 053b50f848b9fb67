/* statfile.c — tsunagari-export --format sav|zsav|dta: the dataset as an SPSS or a Stata file,
 * written by ReadStat (the C library behind R's haven) through its writer API into the atomic
 * temporary file. docs/export.md "SPSS and Stata files" is the contract; in short:
 *
 *   - one column per variable, a multiple answer as one 0/1 column per option named VAR_CODE
 *     (the CSV export's names), labelled 「質問: 選択肢」 with value labels 0 非選択 / 1 選択;
 *   - the codebook's labels as variable and value labels (UTF-8; --labels=en: English);
 *   - missing codes (missing=yes and 非該当) as SPSS user-missing values, or in .dta as the
 *     extended missing values .a, .b, ... in ascending order of code, labelled, with a note
 *     per variable giving the codes behind the tags; empty cells as system missing;
 *   - the header's creation time fixed at 1970-01-01 00:00 UTC, so the same dataset always
 *     gives the same bytes (ReadStat would write the current time).
 * Nothing here prints except the warnings, on opt->warn. */
#include "export.h"

#include <math.h>
#include <readstat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "atomicfile.h"
#include "numparse.h"
#include "strbuf.h"

/* The formats' limits (IBM SPSS Statistics Command Syntax Reference; Stata [D] limits) */
#define SAV_NAME_MAX 64       /* bytes */
#define DTA_NAME_MAX 32       /* ASCII here: letters, digits, _ */
#define SAV_VARLABEL_MAX 256  /* bytes: ReadStat's sav writer cuts a variable label there */
#define SAV_VALLABEL_MAX 120  /* bytes: SPSS's limit for a value label */
#define SAV_FILELABEL_MAX 64  /* bytes of the header's file label */
#define DTA_LABEL_CHARS 80    /* Stata's variable and data labels, in characters ... */
#define DTA_LABEL_BYTES 320   /* ... of up to 4 bytes (dta 118's 321-byte field) */
#define SAV_STR_MAX 32767     /* bytes of a string variable */
#define DTA_STR_MAX 2045      /* bytes of a str# */
#define DTA_TAGS 26           /* .a ... .z */
#define ID_EXACT 9007199254740992.0 /* 2^53: every integer up to it is exact in a double */

typedef struct column {
    const ts_var *v;
    long opt;                 /* multi: the option's index in v->codes; -1 otherwise */
    char name[80];            /* at most SAV_NAME_MAX or DTA_NAME_MAX bytes */
    readstat_type_t type;
    size_t width;             /* strings: bytes of the longest value (at least 1) */
    int fmt_w, fmt_d;         /* numbers: display width and decimals (F w.d, %w.df) */
    readstat_variable_t *rv;  /* owned by the writer */
} column;

typedef struct sink {
    FILE *fp;
    int failed;
} sink;

static ssize_t write_bytes(const void *data, size_t len, void *ctx)
{
    sink *s = ctx;
    if (fwrite(data, 1, len, s->fp) != len) {
        s->failed = 1;
        return -1;
    }
    return (ssize_t)len;
}

static void warn(const export_options *opt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const export_options *opt, const char *fmt, ...)
{
    if (!opt->warn)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("tsunagari-export: warning: ", opt->warn);
    vfprintf(opt->warn, fmt, ap);
    fputc('\n', opt->warn);
    va_end(ap);
}

static const char *format_name(export_format f)
{
    return f == EXPORT_DTA ? ".dta" : f == EXPORT_ZSAV ? ".zsav" : ".sav";
}

/* Copy SRC into DST (of CAP bytes) cut to at most MAX_BYTES bytes and MAX_CHARS characters (0:
 * any), never inside a UTF-8 sequence. Returns whether it was cut. */
static int cut_utf8(char *dst, size_t cap, const char *src, size_t max_bytes, size_t max_chars)
{
    if (max_bytes > cap - 1)
        max_bytes = cap - 1;
    size_t i = 0, chars = 0;
    while (src[i]) {
        size_t len = 1;
        while ((src[i + len] & 0xC0) == 0x80)
            len++;
        if (i + len > max_bytes || (max_chars && chars == max_chars))
            break;
        i += len;
        chars++;
    }
    memcpy(dst, src, i);
    dst[i] = '\0';
    return src[i] != '\0';
}

static const char *var_label(const ts_var *v, const export_options *opt)
{
    return opt->values == EXPORT_LABELS_EN && v->label_en[0] ? v->label_en : v->label;
}

static const char *code_label(const ts_var *v, size_t k, const export_options *opt)
{
    return opt->values == EXPORT_LABELS_EN && v->codes[k].label_en[0] ? v->codes[k].label_en : v->codes[k].label;
}

/* ---- names ------------------------------------------------------------------------------- */

static int reserved_sav(const char *s)
{
    static const char *const words[] = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE",
                                        "LT",  "NE",  "NOT", "OR", "TO", "WITH"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasecmp(s, words[i]) == 0)
            return 1;
    return 0;
}

static int reserved_dta(const char *s)
{
    static const char *const words[] = {"_all",  "_b",    "byte", "_coef", "_cons",  "double", "float",
                                        "if",    "in",    "int",  "long",  "_n",     "_N",     "_pi",
                                        "_pred", "_rc",   "_skip", "strL", "using",  "with"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i]) == 0)
            return 1;
    if (strncmp(s, "str", 3) == 0 && s[3]) { /* str1 ... str2045 name Stata's types */
        const char *p = s + 3;
        while (*p >= '0' && *p <= '9')
            p++;
        return *p == '\0';
    }
    return 0;
}

/* The column's name in the file: the CSV export's (VAR, or VAR_CODE with a '-' of a negative
 * code as 'm'), with a 'v' in front where the format would refuse it otherwise — an SPSS name
 * must begin with a letter (_cal_1 becomes v_cal_1), and neither format takes its reserved
 * words (BY, in, str5). Too long a name, or one with other characters, is refused (65). */
static ts_status name_column(column *c, const export_options *opt, ts_err *err)
{
    char base[80];
    size_t max = opt->format == EXPORT_DTA ? DTA_NAME_MAX : SAV_NAME_MAX;
    if (strlen(c->v->name) + 12 >= sizeof base) /* room for _m2147483648 and the v */
        return ts_err_set(err, TS_E_DATA,
                          "%s: %s: %zu characters, and a %s variable name has at most %zu: shorten it in the "
                          "codebook or leave it out with --vars",
                          opt->input, c->v->name, strlen(c->v->name), format_name(opt->format), max);
    if (c->opt >= 0) {
        int code = c->v->codes[c->opt].code;
        snprintf(base, sizeof base, code < 0 ? "%s_m%d" : "%s_%d", c->v->name, code < 0 ? -code : code);
    } else
        snprintf(base, sizeof base, "%s", c->v->name);
    for (const char *p = base; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return ts_err_set(err, TS_E_DATA, "%s: %s: a %s variable name takes only ASCII letters, digits and _",
                              opt->input, base, format_name(opt->format));
    int dta = opt->format == EXPORT_DTA;
    int prefix = dta ? reserved_dta(base) || (base[0] >= '0' && base[0] <= '9')
                     : reserved_sav(base) || !((base[0] >= 'A' && base[0] <= 'Z') || (base[0] >= 'a' && base[0] <= 'z'));
    snprintf(c->name, sizeof c->name, "%s%.78s", prefix ? "v" : "", base);
    if (strlen(c->name) > max)
        return ts_err_set(err, TS_E_DATA,
                          "%s: %s: %zu characters, and a %s variable name has at most %zu: shorten it in the "
                          "codebook or leave it out with --vars",
                          opt->input, c->name, strlen(c->name), format_name(opt->format), max);
    if (prefix)
        warn(opt, "%s is written as %s (%s)", base, c->name,
             dta ? "Stata reserves the name" : reserved_sav(base) ? "SPSS reserves the name" : "an SPSS name begins with a letter");
    return TS_OK;
}

/* SPSS compares names ignoring case, Stata does not. */
static ts_status check_unique(const column *cols, size_t n, const export_options *opt, ts_err *err)
{
    int dta = opt->format == EXPORT_DTA;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (dta ? strcmp(cols[i].name, cols[j].name) == 0 : strcasecmp(cols[i].name, cols[j].name) == 0)
                return ts_err_set(err, TS_E_DATA, "%s: two columns would be named %s%s%s in the %s file", opt->input,
                                  cols[j].name, strcmp(cols[i].name, cols[j].name) ? " and " : "",
                                  strcmp(cols[i].name, cols[j].name) ? cols[i].name : "", format_name(opt->format));
    return TS_OK;
}

/* ---- types and display formats ---------------------------------------------------------- */

/* The smallest type that holds every value in [LO, HI] (Stata's byte, int and long stop short
 * of their C ranges: the values above are its missing values). .sav stores every number as a
 * double whatever the type; the type only sets .dta's storage. */
static readstat_type_t int_type(double lo, double hi)
{
    if (lo >= -127 && hi <= 100)
        return READSTAT_TYPE_INT8;
    if (lo >= -32767 && hi <= 32740)
        return READSTAT_TYPE_INT16;
    if (lo >= -2147483647.0 && hi <= 2147483620.0)
        return READSTAT_TYPE_INT32;
    return READSTAT_TYPE_DOUBLE;
}

static int digits(double x)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.0f", fabs(x));
    return (int)strlen(buf) + (x < 0);
}

/* Decimals that show X exactly (as the CSV export writes it), at most 6: a display format only,
 * the value itself is the full double. */
static int decimals(double x)
{
    char buf[32];
    ts_format_double(x, buf);
    if (strchr(buf, 'e'))
        return 6;
    const char *dot = strchr(buf, '.');
    int d = dot ? (int)strlen(dot + 1) : 0;
    return d > 6 ? 6 : d;
}

static ts_status type_column(column *c, const ts_dataset *ds, const export_options *opt, ts_err *err)
{
    const ts_var *v = c->v;
    if (c->opt >= 0) {
        c->type = READSTAT_TYPE_INT8;
        c->fmt_w = 1;
        return TS_OK;
    }
    if (v->type == TS_VAR_TEXT) {
        size_t w = 1;
        for (size_t r = 0; r < ds->nrows; r++) {
            const char *t = ts_var_text(v, r);
            if (t && strlen(t) > w)
                w = strlen(t);
        }
        if (opt->format != EXPORT_DTA && w > SAV_STR_MAX)
            return ts_err_set(err, TS_E_DATA, "%s: %s: an answer of %zu bytes, and an SPSS string holds %d",
                              opt->input, v->name, w, SAV_STR_MAX);
        /* Stata keeps a longer text as a strL, but ReadStat 1.1.8's strL files do not read back
         * (its own reader and haven refuse them): such an answer is cut, said in a warning. */
        if (opt->format == EXPORT_DTA && w > DTA_STR_MAX) {
            size_t ncut = 0;
            for (size_t r = 0; r < ds->nrows; r++) {
                const char *t = ts_var_text(v, r);
                ncut += t && strlen(t) > DTA_STR_MAX;
            }
            warn(opt, "%s: %zu answer%s longer than %d bytes, which a Stata str holds: cut to %d bytes", v->name,
                 ncut, ncut == 1 ? "" : "s", DTA_STR_MAX, DTA_STR_MAX);
            w = DTA_STR_MAX;
        }
        c->type = READSTAT_TYPE_STRING;
        c->width = w;
        return TS_OK;
    }
    double lo = INFINITY, hi = -INFINITY;
    int d = 0;
    for (size_t k = 0; k < v->ncodes; k++) {
        lo = fmin(lo, v->codes[k].code);
        hi = fmax(hi, v->codes[k].code);
    }
    for (size_t r = 0; r < ds->nrows; r++) {
        double x = ts_var_num(v, r);
        if (isnan(x))
            continue;
        if (v->type == TS_VAR_ID && !(fabs(x) <= ID_EXACT))
            return ts_err_set(err, TS_E_DATA, "%s: %s: id %.0f is beyond 2^53, which a %s number cannot hold exactly",
                              opt->input, v->name, x, format_name(opt->format));
        lo = fmin(lo, x);
        hi = fmax(hi, x);
        if (v->type == TS_VAR_NUMERIC && d < 6)
            d = decimals(x) > d ? decimals(x) : d;
    }
    if (lo > hi)
        lo = hi = 0;
    c->type = v->type == TS_VAR_NUMERIC || v->type == TS_VAR_ID ? READSTAT_TYPE_DOUBLE : int_type(lo, hi);
    int w = digits(lo) > digits(hi) ? digits(lo) : digits(hi);
    c->fmt_d = d;
    c->fmt_w = w + (d ? d + 1 : 0);
    if (c->fmt_w < 8 && v->type != TS_VAR_SINGLE)
        c->fmt_w = 8; /* SPSS's and Stata's usual width for a number */
    if (c->fmt_w > 40)
        c->fmt_w = 40;
    return TS_OK;
}

/* ---- missing codes ----------------------------------------------------------------------- */

/* V's missing codes (missing=yes and 非該当), ascending, in *OUT (owned by the caller). */
static size_t missing_codes(const ts_var *v, int32_t **out)
{
    *out = NULL;
    if (v->type == TS_VAR_MULTI || v->type == TS_VAR_TEXT || v->type == TS_VAR_ID)
        return 0;
    size_t n = 0;
    int32_t *m = malloc((v->ncodes ? v->ncodes : 1) * sizeof *m);
    if (!m)
        return 0;
    for (size_t k = 0; k < v->ncodes; k++)
        if (v->codes[k].missing) {
            size_t i = n++;
            while (i > 0 && m[i - 1] > v->codes[k].code) { /* insertion: a handful of codes */
                m[i] = m[i - 1];
                i--;
            }
            m[i] = v->codes[k].code;
        }
    *out = m;
    return n;
}

static long find_code(const int32_t *m, size_t n, double x)
{
    for (size_t i = 0; i < n; i++)
        if (m[i] == x)
            return (long)i;
    return -1;
}

/* Whether [LO, HI] holds no value of V that is not a missing code: no valid code, nothing of
 * the valid min..max, no such value in the data. */
static int range_free(const ts_var *v, const ts_dataset *ds, double lo, double hi, const int32_t *m, size_t n)
{
    for (size_t k = 0; k < v->ncodes; k++)
        if (!v->codes[k].missing && v->codes[k].code >= lo && v->codes[k].code <= hi)
            return 0;
    if (v->has_min || v->has_max) {
        double a = v->has_min ? fmax(lo, v->min) : lo, b = v->has_max ? fmin(hi, v->max) : hi;
        if (a <= b)
            return 0;
    }
    for (size_t r = 0; r < ds->nrows; r++) {
        double x = ts_var_num(v, r);
        if (!isnan(x) && x >= lo && x <= hi && find_code(m, n, x) < 0)
            return 0;
    }
    return 1;
}

/* Declare V's missing codes M[0..N) (ascending) as user-missing in the .sav: SPSS holds three
 * values, or one range and one value. Four or more go in a range over all of them, or over all
 * but the smallest or the largest with that one as a value, when the range holds no valid
 * value; else the three smallest are declared and a warning names the others. */
static void sav_missing(readstat_variable_t *rv, const ts_var *v, const ts_dataset *ds, const int32_t *m, size_t n,
                        const char *name, const export_options *opt)
{
    if (n <= 3) {
        for (size_t i = 0; i < n; i++)
            readstat_variable_add_missing_double_value(rv, m[i]);
        return;
    }
    const struct {
        size_t a, b;
        long one;
    } tries[] = {{0, n - 1, -1}, {1, n - 1, 0}, {0, n - 2, (long)n - 1}};
    for (size_t t = 0; t < sizeof tries / sizeof tries[0]; t++)
        if (range_free(v, ds, m[tries[t].a], m[tries[t].b], m, n)) {
            readstat_variable_add_missing_double_range(rv, m[tries[t].a], m[tries[t].b]);
            if (tries[t].one >= 0)
                readstat_variable_add_missing_double_value(rv, m[tries[t].one]);
            return;
        }
    ts_strbuf rest = TS_STRBUF_INIT;
    for (size_t i = 3; i < n; i++)
        ts_strbuf_printf(&rest, "%s%d", i > 3 ? ", " : "", m[i]);
    for (size_t i = 0; i < 3; i++)
        readstat_variable_add_missing_double_value(rv, m[i]);
    warn(opt,
         "%s: %zu missing codes and no range holds them without a valid value: the .sav declares %d, %d and %d "
         "user-missing; %s stay ordinary (labelled) values",
         name, n, m[0], m[1], m[2], rest.data ? rest.data : "");
    ts_strbuf_free(&rest);
}

/* ---- the file ---------------------------------------------------------------------------- */

typedef struct writing {
    readstat_writer_t *w;
    column *cols;
    size_t ncols;
    int32_t **miss;            /* per column: its variable's missing codes (NULL: none) */
    size_t *nmiss;
    readstat_label_set_t **sets; /* per column: its value labels (NULL: none); shared by a multi's */
} writing;

static ts_status rs_fail(readstat_error_t e, const sink *s, const export_options *opt, ts_err *err)
{
    if (s->failed)
        return ts_err_set(err, TS_E_IO, "%s: write error", opt->output);
    return ts_err_set(err, TS_E_DATA, "%s: %s: %s", opt->input, format_name(opt->format), readstat_error_message(e));
}

/* The value labels of column C (a new set, or the one its multi shares with the previous). */
static readstat_label_set_t *label_set_for(writing *W, size_t i, const export_options *opt)
{
    column *c = &W->cols[i];
    const ts_var *v = c->v;
    if (c->opt >= 0) {
        if (i > 0 && W->cols[i - 1].v == v)
            return W->sets[i - 1];
        /* named as its first column: a name Stata takes (the multi's own may be reserved) */
        readstat_label_set_t *s = readstat_add_label_set(W->w, READSTAT_TYPE_INT32, c->name);
        int en = opt->values == EXPORT_LABELS_EN;
        readstat_label_int32_value(s, 0, en ? "not chosen" : "非選択");
        readstat_label_int32_value(s, 1, en ? "chosen" : "選択");
        return s;
    }
    if (v->ncodes == 0 || v->type == TS_VAR_TEXT || v->type == TS_VAR_ID)
        return NULL;
    readstat_label_set_t *s = readstat_add_label_set(W->w, READSTAT_TYPE_INT32, c->name);
    int cut = 0;
    for (size_t k = 0; k < v->ncodes; k++) {
        char label[SAV_VALLABEL_MAX * 4 + 1];
        if (opt->format == EXPORT_DTA)
            snprintf(label, sizeof label, "%s", code_label(v, k, opt));
        else
            cut |= cut_utf8(label, sizeof label, code_label(v, k, opt), SAV_VALLABEL_MAX, 0);
        long tag = opt->format == EXPORT_DTA ? find_code(W->miss[i], W->nmiss[i], v->codes[k].code) : -1;
        if (tag >= 0 && tag < DTA_TAGS)
            readstat_label_tagged_value(s, (char)('a' + tag), label);
        else
            readstat_label_int32_value(s, v->codes[k].code, label);
    }
    if (cut)
        warn(opt, "%s: a value label cut to %d bytes (SPSS's limit)", c->name, SAV_VALLABEL_MAX);
    return s;
}

static void set_format(column *c, export_format f)
{
    char fmt[32];
    if (c->type == READSTAT_TYPE_STRING)
        return; /* ReadStat's defaults: A<width>, %<width>s */
    if (f == EXPORT_DTA)
        snprintf(fmt, sizeof fmt, c->fmt_d || c->v->type == TS_VAR_ID ? "%%%d.%df" : "%%%d.%dg", c->fmt_w < 8 ? 8 : c->fmt_w,
                 c->fmt_d);
    else
        snprintf(fmt, sizeof fmt, "F%d.%d", c->fmt_w, c->fmt_d);
    readstat_variable_set_format(c->rv, fmt);
}

/* A .dta keeps a missing code's label on its tag but not the code: a note (_dta[noteN], Stata's
 * `notes`) says which code each tag stands for, "age: .a = 999 無回答", so a reader can map
 * them back. */
static ts_status dta_note(readstat_writer_t *w, const column *c, const int32_t *m, size_t n, const export_options *opt)
{
    ts_strbuf note = TS_STRBUF_INIT;
    ts_strbuf_printf(&note, "%s:", c->name);
    for (size_t i = 0; i < n && i < DTA_TAGS; i++) {
        long k = ts_var_code_index(c->v, m[i]);
        ts_strbuf_printf(&note, "%s .%c = %d %s", i ? "," : "", (char)('a' + i), m[i],
                         k >= 0 ? code_label(c->v, (size_t)k, opt) : "");
    }
    if (!note.data)
        return TS_E_NOMEM;
    readstat_add_note(w, note.data);
    ts_strbuf_free(&note);
    return TS_OK;
}

static ts_status add_variables(writing *W, const ts_dataset *ds, const export_options *opt, ts_err *err)
{
    ts_status st;
    for (size_t i = 0; i < W->ncols; i++) {
        column *c = &W->cols[i];
        const ts_var *v = c->v;
        W->nmiss[i] = c->opt >= 0 ? 0 : missing_codes(v, &W->miss[i]);
        if (W->nmiss[i] > 0 && !W->miss[i])
            return ts_err_set(err, TS_E_NOMEM, "out of memory");
        W->sets[i] = label_set_for(W, i, opt);
        c->rv = readstat_add_variable(W->w, c->name, c->type, c->width);
        if (!c->rv)
            return ts_err_set(err, TS_E_NOMEM, "out of memory");
        char full[1024], label[1024];
        if (c->opt >= 0)
            snprintf(full, sizeof full, "%s: %s", var_label(v, opt), code_label(v, (size_t)c->opt, opt));
        else
            snprintf(full, sizeof full, "%s", var_label(v, opt));
        int cut = opt->format == EXPORT_DTA ? cut_utf8(label, sizeof label, full, DTA_LABEL_BYTES, DTA_LABEL_CHARS)
                                             : cut_utf8(label, sizeof label, full, SAV_VARLABEL_MAX, 0);
        if (cut)
            warn(opt, "%s: its label cut to %s (the format's limit): %s", c->name,
                 opt->format == EXPORT_DTA ? "80 characters" : "256 bytes", label);
        readstat_variable_set_label(c->rv, label);
        if (W->sets[i])
            readstat_variable_set_label_set(c->rv, W->sets[i]);
        set_format(c, opt->format);
        readstat_variable_set_measure(c->rv, v->type == TS_VAR_SINGLE || v->type == TS_VAR_MULTI ||
                                                     v->type == TS_VAR_TEXT
                                                 ? READSTAT_MEASURE_NOMINAL
                                                 : READSTAT_MEASURE_SCALE);
        if (opt->format != EXPORT_DTA)
            sav_missing(c->rv, v, ds, W->miss[i], W->nmiss[i], c->name, opt);
        else {
            if (W->nmiss[i] > DTA_TAGS)
                warn(opt, "%s: %zu missing codes and Stata has 26 extended missing values (.a-.z): the codes from the "
                          "27th on stay ordinary (labelled) values", c->name, W->nmiss[i]);
            if (W->nmiss[i] > 0 && (st = dta_note(W->w, c, W->miss[i], W->nmiss[i], opt)) != TS_OK)
                return ts_err_set(err, st, "out of memory");
        }
    }
    return TS_OK;
}

static readstat_error_t put_number(readstat_writer_t *w, const column *c, double x)
{
    switch (c->type) {
    case READSTAT_TYPE_INT8: return readstat_insert_int8_value(w, c->rv, (int8_t)x);
    case READSTAT_TYPE_INT16: return readstat_insert_int16_value(w, c->rv, (int16_t)x);
    case READSTAT_TYPE_INT32: return readstat_insert_int32_value(w, c->rv, (int32_t)x);
    default: return readstat_insert_double_value(w, c->rv, x);
    }
}

static readstat_error_t put_cell(writing *W, size_t i, size_t row, export_format f)
{
    const column *c = &W->cols[i];
    const ts_var *v = c->v;
    if (c->opt >= 0) {
        uint64_t m = ts_var_mask(v, row);
        if (m == TS_MISSING_MASK)
            return readstat_insert_missing_value(W->w, c->rv);
        return put_number(W->w, c, (double)(m >> c->opt & 1));
    }
    if (v->type == TS_VAR_TEXT) {
        const char *t = ts_var_text(v, row);
        if (t && strlen(t) > c->width) {
            char cut[DTA_STR_MAX + 1];
            cut_utf8(cut, sizeof cut, t, c->width, 0);
            return readstat_insert_string_value(W->w, c->rv, cut);
        }
        return readstat_insert_string_value(W->w, c->rv, t ? t : "");
    }
    double x = ts_var_num(v, row);
    if (isnan(x))
        return readstat_insert_missing_value(W->w, c->rv);
    long tag = f == EXPORT_DTA ? find_code(W->miss[i], W->nmiss[i], x) : -1;
    if (tag >= 0 && tag < DTA_TAGS)
        return readstat_insert_tagged_missing_value(W->w, c->rv, (char)('a' + tag));
    return put_number(W->w, c, x);
}

/* The file label: --file-label, else the dataset's own title (provenance survey.title) if it
 * has one; cut to the format's limit. */
static void set_file_label(readstat_writer_t *w, const ts_dataset *ds, const export_options *opt)
{
    const char *t = opt->file_label ? opt->file_label : ts_dataset_get_meta(ds, "survey.title");
    if (!t || !*t)
        return;
    char label[400];
    int cut = opt->format == EXPORT_DTA ? cut_utf8(label, sizeof label, t, DTA_LABEL_BYTES, DTA_LABEL_CHARS)
                                         : cut_utf8(label, sizeof label, t, SAV_FILELABEL_MAX, 0);
    if (cut)
        warn(opt, "the file label cut to %s (the format's limit): %s",
             opt->format == EXPORT_DTA ? "80 characters" : "64 bytes", label);
    readstat_writer_set_file_label(w, label);
}

ts_status export_statfile(const ts_dataset *ds, ts_var **vars, size_t n, const export_options *opt, ts_err *err)
{
    size_t ncols = 0;
    for (size_t i = 0; i < n; i++)
        ncols += vars[i]->type == TS_VAR_MULTI ? vars[i]->ncodes : 1;
    writing W = {0};
    W.ncols = ncols;
    W.cols = calloc(ncols ? ncols : 1, sizeof *W.cols);
    W.miss = calloc(ncols ? ncols : 1, sizeof *W.miss);
    W.nmiss = calloc(ncols ? ncols : 1, sizeof *W.nmiss);
    W.sets = calloc(ncols ? ncols : 1, sizeof *W.sets);
    ts_atomicfile *af = NULL;
    ts_status st = TS_OK;
    if (!W.cols || !W.miss || !W.nmiss || !W.sets) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = vars[i]->type == TS_VAR_MULTI ? vars[i]->ncodes : 1;
        for (size_t o = 0; o < k; o++, j++) {
            W.cols[j].v = vars[i];
            W.cols[j].opt = vars[i]->type == TS_VAR_MULTI ? (long)o : -1;
            if ((st = name_column(&W.cols[j], opt, err)) != TS_OK ||
                (st = type_column(&W.cols[j], ds, opt, err)) != TS_OK)
                goto done;
        }
    }
    if ((st = check_unique(W.cols, ncols, opt, err)) != TS_OK)
        goto done;

    W.w = readstat_writer_init();
    if (!W.w) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    readstat_set_data_writer(W.w, write_bytes);
    /* ReadStat stamps the header with the writer's time in local time: a fixed time in UTC
     * makes the bytes depend on the dataset alone (docs/export.md). */
    setenv("TZ", "UTC0", 1);
    tzset();
    readstat_writer_set_file_timestamp(W.w, 0);
    set_file_label(W.w, ds, opt);
    if (opt->format == EXPORT_DTA)
        readstat_writer_set_file_format_version(W.w, 118); /* Stata 14+: UTF-8 */
    else
        readstat_writer_set_compression(W.w, opt->format == EXPORT_ZSAV ? READSTAT_COMPRESS_BINARY
                                                                        : READSTAT_COMPRESS_ROWS);
    if ((st = add_variables(&W, ds, opt, err)) != TS_OK)
        goto done;

    af = ts_atomicfile_open(opt->output, err);
    if (!af) {
        st = err->status;
        goto done;
    }
    sink s = {ts_atomicfile_stream(af), 0};
    readstat_error_t e = opt->format == EXPORT_DTA ? readstat_begin_writing_dta(W.w, &s, (long)ds->nrows)
                                                   : readstat_begin_writing_sav(W.w, &s, (long)ds->nrows);
    for (size_t row = 0; e == READSTAT_OK && row < ds->nrows; row++) {
        e = readstat_begin_row(W.w);
        for (size_t i = 0; e == READSTAT_OK && i < ncols; i++)
            e = put_cell(&W, i, row, opt->format);
        if (e == READSTAT_OK)
            e = readstat_end_row(W.w);
    }
    if (e == READSTAT_OK)
        e = readstat_end_writing(W.w);
    if (e != READSTAT_OK) {
        st = rs_fail(e, &s, opt, err);
        goto done;
    }
    st = ts_atomicfile_commit(af, err);
    af = NULL;
done:
    ts_atomicfile_abort(af);
    if (W.w)
        readstat_writer_free(W.w);
    for (size_t i = 0; W.miss && i < ncols; i++)
        free(W.miss[i]);
    free(W.miss);
    free(W.nmiss);
    free(W.sets);
    free(W.cols);
    return st;
}
