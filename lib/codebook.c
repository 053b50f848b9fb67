/* codebook.c — reading and checking the codebook (docs/codebook.md). */
#include "codebook.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checksum.h"
#include "i18n.h"
#include "csvreader.h"
#include "numparse.h"
#include "strbuf.h"
#include "textfold.h"

enum { COL_VARIABLE, COL_TYPE, COL_COLUMN, COL_LABEL, COL_LABEL_EN, COL_CODE, COL_MISSING,
       COL_MIN, COL_MAX, COL_FROM, COL_VALUES, COL_KEEP, COL_ASKED_IF, COL_ANSWERS, COL_SEPARATOR,
       COL_ALIASES, NCOLS };
static const char *const COLUMN_NAMES[NCOLS] = {
    "variable", "type", "column", "label", "label_en", "code", "missing", "min", "max", "from",
    "values", "keep", "asked_if", "answers", "separator", "aliases"};

static const struct { const char *name; ts_cbkind kind; ts_vartype type; } KINDS[] = {
    {"id", TS_CB_ID, TS_VAR_ID},                {"single", TS_CB_SINGLE, TS_VAR_SINGLE},
    {"multi", TS_CB_MULTI, TS_VAR_MULTI},       {"integer", TS_CB_INTEGER, TS_VAR_INTEGER},
    {"numeric", TS_CB_NUMERIC, TS_VAR_NUMERIC}, {"text", TS_CB_TEXT, TS_VAR_TEXT},
    {"recode", TS_CB_RECODE, TS_VAR_SINGLE},    {"sum", TS_CB_SUM, TS_VAR_INTEGER},
    {"indicator", TS_CB_INDICATOR, TS_VAR_SINGLE},
};

const char *ts_cbkind_name(ts_cbkind k)
{
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (KINDS[i].kind == k)
            return KINDS[i].name;
    return "?";
}

typedef struct parse {
    const char *path;         /* the part being read (owned by cb: cb->part_names) */
    size_t first_var;         /* the part's first variable: its code rows belong to its own */
    ts_codebook *cb;
    long col[NCOLS];          /* field index of each known column, -1 if absent */
    const ts_record *rec;
    ts_err *err;
    long asked_col;           /* 1-based field of the last asked_if cell, for check_complete */
    size_t nx;                /* label_LANG columns beyond label and label_en (docs/codebook.md) */
    long xcol[TS_CB_MAX_LANGS];
    char xlang[TS_CB_MAX_LANGS][4];
} parse;

/* The cell of column C in the current row ("" when the column is absent), trimmed. */
static const char *cell(parse *p, int c, size_t *len)
{
    long i = p->col[c];
    if (i < 0 || (size_t)i >= p->rec->nfields) {
        *len = 0;
        return "";
    }
    const char *s = p->rec->fields[i].s;
    size_t n = p->rec->fields[i].len;
    ts_trim(&s, &n);
    *len = n;
    return s;
}

static char *cell_dup(parse *p, int c)
{
    size_t n;
    const char *s = cell(p, c, &n);
    return ts_strndup(s, n);
}

/* The current row's label_LANG cells that are not empty, as CB's extra labels: key
 * "label_LANG.VAR" on a variable row, "label_LANG.VAR.CODE" on a code row (CODE NULL for the
 * former). Ingest keeps them in the dataset's provenance (docs/dataset-format.md). */
static ts_status read_xlabels(parse *p, const char *var, const int32_t *code)
{
    ts_codebook *cb = p->cb;
    for (size_t k = 0; k < p->nx; k++) {
        long i = p->xcol[k];
        if (i < 0 || (size_t)i >= p->rec->nfields)
            continue;
        const char *s = p->rec->fields[i].s;
        size_t n = p->rec->fields[i].len;
        ts_trim(&s, &n);
        if (n == 0)
            continue;
        if (cb->nxlabels == cb->cap_xlabels) {
            size_t cap = cb->cap_xlabels ? 2 * cb->cap_xlabels : 16;
            ts_meta *m = realloc(cb->xlabels, cap * sizeof *m);
            if (!m)
                return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
            cb->xlabels = m;
            cb->cap_xlabels = cap;
        }
        ts_strbuf key = TS_STRBUF_INIT;
        int rc = code ? ts_strbuf_printf(&key, "label_%s.%s.%d", p->xlang[k], var, (int)*code)
                      : ts_strbuf_printf(&key, "label_%s.%s", p->xlang[k], var);
        char *v = ts_strndup(s, n);
        if (rc || !v) {
            ts_strbuf_free(&key);
            free(v);
            return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
        }
        cb->xlabels[cb->nxlabels++] = (ts_meta){ts_strbuf_take(&key), v};
    }
    return TS_OK;
}

/* The cell of column C as written, untrimmed (a separator may be ", "). */
static const char *raw_cell(parse *p, int c, size_t *len)
{
    long i = p->col[c];
    if (i < 0 || (size_t)i >= p->rec->nfields) {
        *len = 0;
        return "";
    }
    *len = p->rec->fields[i].len;
    return p->rec->fields[i].s;
}

/* Set a data error at the current row and column C (or the row alone when C < 0). */
static ts_status fail(parse *p, int c, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static ts_status fail(parse *p, int c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_err_vset(p->err, TS_E_DATA, fmt, ap);
    va_end(ap);
    if (c >= 0 && p->col[c] >= 0)
        ts_err_prefix(p->err, "%s:%lu:%ld", p->path, p->rec->line, p->col[c] + 1);
    else
        ts_err_prefix(p->err, "%s:%lu", p->path, p->rec->line);
    return TS_E_DATA;
}

/* yes/no cell: 1, 0, or -1 when it is neither. */
static int parse_flag(const char *s, size_t n)
{
    static const char *const yes[] = {"yes", "y", "1", "true"}, *const no[] = {"no", "n", "0", "false"};
    if (n == 0)
        return 0;
    for (size_t i = 0; i < 4; i++) {
        if (strlen(yes[i]) == n && strncasecmp(s, yes[i], n) == 0)
            return 1;
        if (strlen(no[i]) == n && strncasecmp(s, no[i], n) == 0)
            return 0;
    }
    return -1;
}

static int valid_name(const char *s, size_t n)
{
    if (n == 0 || n > 64 || !(s[0] == '_' || (s[0] | 32) >= 'a') || (s[0] | 32) > 'z')
        if (!(n > 0 && n <= 64 && s[0] == '_'))
            return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!(c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return 0;
    }
    return !(s[0] >= '0' && s[0] <= '9');
}

static long find_var(const ts_codebook *cb, const char *name, size_t n)
{
    for (size_t i = 0; i < cb->nvars; i++)
        if (strlen(cb->vars[i].def->name) == n && memcmp(cb->vars[i].def->name, name, n) == 0)
            return (long)i;
    return -1;
}

static ts_status read_header(parse *p)
{
    for (int c = 0; c < NCOLS; c++)
        p->col[c] = -1;
    p->nx = 0;
    for (size_t i = 0; i < p->rec->nfields; i++) {
        const char *s = p->rec->fields[i].s;
        size_t n = p->rec->fields[i].len;
        ts_trim(&s, &n);
        int found = -1;
        for (int c = 0; c < NCOLS; c++)
            if (strlen(COLUMN_NAMES[c]) == n && strncasecmp(s, COLUMN_NAMES[c], n) == 0)
                found = c;
        if (found < 0 && n >= 8 && n <= 9 && strncmp(s, "label_", 6) == 0) { /* label_vi, label_pt, label_zh */
            char lang[4] = {0};
            memcpy(lang, s + 6, n - 6);
            if (ts_label_lang_valid(lang)) {
                for (size_t k = 0; k < p->nx; k++)
                    if (strcmp(p->xlang[k], lang) == 0)
                        return ts_err_set(p->err, TS_E_DATA, "%s:%lu:%zu: column \"label_%s\" appears twice", p->path,
                                          p->rec->line, i + 1, lang);
                if (p->nx == TS_CB_MAX_LANGS)
                    return ts_err_set(p->err, TS_E_DATA, "%s:%lu:%zu: more than %d label_LANG columns", p->path,
                                      p->rec->line, i + 1, TS_CB_MAX_LANGS);
                memcpy(p->xlang[p->nx], lang, sizeof lang);
                p->xcol[p->nx++] = (long)i;
                continue;
            }
        }
        if (found < 0) {
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(n > 100 ? 100 : n), s);
            return ts_err_set(p->err, TS_E_DATA,
                              "%s:%lu:%zu: unknown codebook column \"%s\"; expected variable, type, column, "
                              "label, label_en, code, missing, min, max, from, values, keep, asked_if, "
                              "answers, separator, aliases",
                              p->path, p->rec->line, i + 1, name);
        }
        if (p->col[found] >= 0)
            return ts_err_set(p->err, TS_E_DATA, "%s:%lu:%zu: column \"%s\" appears twice", p->path,
                              p->rec->line, i + 1, COLUMN_NAMES[found]);
        p->col[found] = (long)i;
    }
    if (p->col[COL_VARIABLE] < 0 || p->col[COL_TYPE] < 0)
        return ts_err_set(p->err, TS_E_DATA,
                          "%s:%lu: the header must have the columns \"variable\" and \"type\"", p->path,
                          p->rec->line);
    return TS_OK;
}

static ts_status read_number(parse *p, int c, int *has, double *out)
{
    size_t n;
    const char *s = cell(p, c, &n);
    *has = n > 0;
    if (n > 0 && ts_parse_double(s, n, out) != 0)
        return fail(p, c, "%s: expected a number, got \"%s\"", COLUMN_NAMES[c], s);
    return TS_OK;
}

/* Parse the condition in column C of the current row (naming variables declared above). */
static ts_status read_condition(parse *p, int c, ts_cond **out)
{
    size_t n, at;
    const char *s = cell(p, c, &n);
    ts_err e = TS_ERR_INIT;
    *out = ts_cond_parse(s, n, p->cb, p->cb->nvars - 1, &at, &e);
    if (*out)
        return TS_OK;
    if (e.status == TS_E_NOMEM) {
        ts_err_clear(&e);
        return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    }
    ts_status st = fail(p, c, "%s: %s: %s (character %zu of the condition)", p->cb->vars[p->cb->nvars - 1].def->name,
                        COLUMN_NAMES[c], e.msg ? e.msg : "?", at);
    ts_err_clear(&e);
    return st;
}

/* asked_if: the skip rule of a raw item (docs/codebook.md, "Skip logic"). */
static ts_status read_asked_if(parse *p, ts_cbvar *v)
{
    size_t n;
    const char *s = cell(p, COL_ASKED_IF, &n);
    if (n == 0)
        return TS_OK;
    if (!(v->kind == TS_CB_SINGLE || v->kind == TS_CB_MULTI || v->kind == TS_CB_INTEGER || v->kind == TS_CB_NUMERIC))
        return fail(p, COL_ASKED_IF, "%s: asked_if applies to single, multi, integer and numeric items only",
                    v->def->name);
    if (!(v->asked_if_text = ts_strndup(s, n)))
        return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    p->asked_col = p->col[COL_ASKED_IF] + 1;
    return read_condition(p, COL_ASKED_IF, &v->asked_if);
}

/* answers and separator: how a single or multi item's raw cells give answers (a multi in
 * 0/1-column form too: a SurveyMonkey option column holds the option's text when chosen). */
static ts_status read_answers(parse *p, ts_cbvar *v)
{
    static const char *const NAMES[] = {"codes", "labels", "either"};
    int list = v->kind == TS_CB_SINGLE || v->kind == TS_CB_MULTI;
    size_t an;
    const char *ans = cell(p, COL_ANSWERS, &an);
    if (an > 0) {
        long k = -1;
        for (int i = 0; i < 3; i++)
            if (strlen(NAMES[i]) == an && strncasecmp(ans, NAMES[i], an) == 0)
                k = i;
        if (k < 0)
            return fail(p, COL_ANSWERS, "answers: expected codes, labels or either, got \"%s\"", ans);
        if (!list)
            return fail(p, COL_ANSWERS, "%s: answers apply to single and multi items only (this is %s)",
                        v->def->name, ts_cbkind_name(v->kind));
        v->answers = (ts_cbanswers)k;
    }
    size_t sn;
    const char *sep = raw_cell(p, COL_SEPARATOR, &sn);
    if (sn == 0)
        return TS_OK;
    if (!(v->kind == TS_CB_MULTI && v->def->layout == TS_MULTI_LIST))
        return fail(p, COL_SEPARATOR, "%s: separator applies to multi items in list form only", v->def->name);
    const char *t = sep;
    size_t tn = sn;
    ts_trim(&t, &tn);
    if (tn == 0)
        return fail(p, COL_SEPARATOR, "%s: separator is only spaces: give the text between the chosen options, e.g. \", \" or ;",
                    v->def->name);
    if (!(v->separator = ts_strndup(sep, sn)))
        return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    return TS_OK;
}

static ts_status read_variable_row(parse *p)
{
    ts_codebook *cb = p->cb;
    size_t n;
    const char *name = cell(p, COL_VARIABLE, &n);
    if (!valid_name(name, n))
        return fail(p, COL_VARIABLE,
                    "variable name \"%s\" is not valid: use ASCII letters, digits and _, starting with a letter or _, at most 64 bytes",
                    name);
    if (find_var(cb, name, n) >= 0)
        return fail(p, COL_VARIABLE, "variable \"%s\" is declared twice", name);
    size_t tn;
    const char *type = cell(p, COL_TYPE, &tn);
    long kind = -1;
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (strlen(KINDS[i].name) == tn && strncasecmp(type, KINDS[i].name, tn) == 0)
            kind = (long)i;
    if (kind < 0)
        return fail(p, COL_TYPE,
                    "unknown type \"%s\"; expected id, single, multi, integer, numeric, text, recode, sum or indicator",
                    type);

    ts_cbvar *vars = realloc(cb->vars, (cb->nvars + 1) * sizeof *vars);
    if (!vars)
        return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    cb->vars = vars;
    ts_cbvar *v = &cb->vars[cb->nvars];
    memset(v, 0, sizeof *v);
    v->skip = -1;
    v->kind = KINDS[kind].kind;
    v->line = p->rec->line;
    v->file = p->path;
    char *vname = ts_strndup(name, n);
    v->def = vname ? ts_var_new(vname, KINDS[kind].type) : NULL;
    free(vname);
    if (!v->def)
        return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    cb->nvars++;

    free(v->def->label);
    free(v->def->label_en);
    v->def->label = cell_dup(p, COL_LABEL);
    v->def->label_en = cell_dup(p, COL_LABEL_EN);
    if (v->def->label && v->def->label_en) {
        ts_status xs = read_xlabels(p, v->def->name, NULL);
        if (xs != TS_OK)
            return xs;
    }
    size_t cn;
    const char *column = cell(p, COL_COLUMN, &cn);
    int derived = v->kind == TS_CB_RECODE || v->kind == TS_CB_SUM || v->kind == TS_CB_INDICATOR;
    if (derived && cn > 0)
        return fail(p, COL_COLUMN, "%s is derived (type %s): it takes no raw column", v->def->name,
                    ts_cbkind_name(v->kind));
    if (!derived && v->kind != TS_CB_MULTI && cn == 0 && !(v->kind == TS_CB_ID && (cb->flags & TS_CB_ID_FROM_ROWS)))
        return fail(p, COL_COLUMN, "%s: type %s needs the raw column it is read from", v->def->name,
                    ts_cbkind_name(v->kind));
    if (cn > 0) {
        v->column = ts_strndup(column, cn);
        free(v->def->source);
        v->def->source = ts_strndup(column, cn);
    }
    v->def->layout = cn > 0 ? TS_MULTI_LIST : TS_MULTI_COLUMNS;

    ts_status st;
    if ((st = read_answers(p, v)) != TS_OK)
        return st;
    if ((st = read_number(p, COL_MIN, &v->def->has_min, &v->def->min)) != TS_OK ||
        (st = read_number(p, COL_MAX, &v->def->has_max, &v->def->max)) != TS_OK)
        return st;
    if ((v->def->has_min || v->def->has_max) &&
        !(v->kind == TS_CB_INTEGER || v->kind == TS_CB_NUMERIC || v->kind == TS_CB_SUM))
        return fail(p, v->def->has_min ? COL_MIN : COL_MAX,
                    "%s: min and max apply to integer, numeric and sum variables only", v->def->name);
    if (v->def->has_min && v->def->has_max && v->def->min > v->def->max)
        return fail(p, COL_MIN, "%s: min is greater than max", v->def->name);

    size_t kn;
    const char *keep = cell(p, COL_KEEP, &kn);
    v->keep = parse_flag(keep, kn);
    if (v->keep < 0)
        return fail(p, COL_KEEP, "keep: expected yes or no, got \"%s\"", keep);
    if (kn > 0 && v->kind != TS_CB_TEXT)
        return fail(p, COL_KEEP, "%s: keep applies to text variables only", v->def->name);

    size_t fn;
    const char *from = cell(p, COL_FROM, &fn);
    if (!derived && fn > 0)
        return fail(p, COL_FROM, "%s: from applies to recode, sum and indicator variables only", v->def->name);
    if (v->kind == TS_CB_INDICATOR && fn == 0)
        return fail(p, COL_FROM, "%s: an indicator needs `from`: its condition, e.g. all(goout in 4..6, not reason in 1..3)",
                    v->def->name);
    if (derived && fn == 0)
        return fail(p, COL_FROM, "%s: a %s needs `from` (the variable(s) it is computed from)", v->def->name,
                    ts_cbkind_name(v->kind));
    if (v->kind == TS_CB_INDICATOR && (st = read_condition(p, COL_FROM, &v->cond)) != TS_OK)
        return st;
    if ((st = read_asked_if(p, v)) != TS_OK)
        return st;
    int all_integer = 1;
    /* `from`: one variable for recode, a+b+c for sum; each declared above and numeric-like. */
    for (size_t i = 0; derived && v->kind != TS_CB_INDICATOR && i < fn;) {
        size_t j = i;
        while (j < fn && from[j] != '+')
            j++;
        const char *nm = from + i;
        size_t nl = j - i;
        ts_trim(&nm, &nl);
        char shown[80];
        snprintf(shown, sizeof shown, "%.*s", (int)(nl > 64 ? 64 : nl), nm);
        long src = find_var(cb, nm, nl);
        if (src < 0 || (size_t)src == cb->nvars - 1)
            return fail(p, COL_FROM, "from: \"%s\" is not a variable declared above", shown);
        ts_cbkind k = cb->vars[src].kind;
        if (!(k == TS_CB_SINGLE || k == TS_CB_INTEGER || k == TS_CB_NUMERIC || k == TS_CB_RECODE || k == TS_CB_SUM))
            return fail(p, COL_FROM, "from: \"%s\" is not a number or a code (it is %s)", shown,
                        ts_cbkind_name(k));
        if (cb->vars[src].def->type == TS_VAR_NUMERIC)
            all_integer = 0;
        if (v->kind == TS_CB_RECODE) {
            if (j < fn)
                return fail(p, COL_FROM, "%s: a recode takes one source variable", v->def->name);
            v->from = (size_t)src;
        } else {
            size_t *s = realloc(v->sources, (v->nsources + 1) * sizeof *s);
            if (!s)
                return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
            v->sources = s;
            v->sources[v->nsources++] = (size_t)src;
        }
        i = j + 1;
    }
    if (v->kind == TS_CB_SUM && !all_integer)
        v->def->type = TS_VAR_NUMERIC;
    if (derived) {
        ts_strbuf src = TS_STRBUF_INIT;
        ts_strbuf_printf(&src, "%s(%.*s)", ts_cbkind_name(v->kind), (int)fn, from);
        free(v->def->source);
        v->def->source = ts_strbuf_take(&src);
    }
    if (v->kind == TS_CB_ID) {
        if (cb->id != (size_t)-1)
            return fail(p, COL_TYPE, "a second id variable (%s): there must be exactly one", v->def->name);
        cb->id = cb->nvars - 1;
    }
    return TS_OK;
}

/* Parse a `values` cell: "3", "16..19", "80..", "..15", separated by ';'. */
static ts_status read_values(parse *p, ts_cbvar *v, size_t code_index)
{
    size_t n;
    const char *s = cell(p, COL_VALUES, &n);
    if (v->kind != TS_CB_RECODE) {
        if (n > 0)
            return fail(p, COL_VALUES, "values apply to the code rows of a recode only");
        return TS_OK;
    }
    if (n == 0)
        return fail(p, COL_VALUES, "%s: each code of a recode needs `values` (e.g. 16..19)", v->def->name);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != ';')
            j++;
        const char *item = s + i;
        size_t len = j - i;
        ts_trim(&item, &len);
        char shown[80];
        snprintf(shown, sizeof shown, "%.*s", (int)(len > 64 ? 64 : len), item);
        double lo, hi;
        if (ts_cond_parse_range(item, len, &lo, &hi) != 0)
            return fail(p, COL_VALUES, "values: \"%s\" is not a value or a range like 16..19, 80.. or ..15",
                        shown);
        for (size_t r = 0; r < v->nranges; r++)
            if (lo <= v->ranges[r].hi && v->ranges[r].lo <= hi && v->ranges[r].code != code_index) {
                char other[32];
                snprintf(other, sizeof other, "%d", v->def->codes[v->ranges[r].code].code);
                return fail(p, COL_VALUES, "values: \"%s\" overlaps the values of code %s", shown, other);
            }
        ts_cbrange *rg = realloc(v->ranges, (v->nranges + 1) * sizeof *rg);
        if (!rg)
            return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
        v->ranges = rg;
        v->ranges[v->nranges++] = (ts_cbrange){lo, hi, code_index};
        i = j + 1;
    }
    return TS_OK;
}

/* ---- the folded labels and aliases of a variable, hashed (docs/codebook.md, "Label-coded
 * answers"): built while the code rows are read, so that collisions are found on their line. */

static size_t hash_text(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return (size_t)(h ^ h >> 29);
}

/* The entry of V whose text is S[0..N), or -1. */
static long find_entry(const ts_cbvar *v, const char *s, size_t n)
{
    if (!v->label_slots)
        return -1;
    for (size_t i = hash_text(s, n) & v->label_mask;; i = (i + 1) & v->label_mask) {
        size_t e = v->label_slots[i];
        if (e == 0)
            return -1;
        const ts_cblabel *l = &v->labels[e - 1];
        if (l->len == n && memcmp(l->text, s, n) == 0)
            return (long)(e - 1);
    }
}

long ts_codebook_find_label(const ts_cbvar *v, const char *folded, size_t n)
{
    long e = find_entry(v, folded, n);
    return e < 0 ? -1 : (long)v->labels[e].code;
}

const char *ts_codebook_separator(const ts_cbvar *v, size_t *n)
{
    if (!v->separator) {
        *n = 1;
        return ";";
    }
    const char *s = v->separator;
    *n = strlen(s);
    ts_trim(&s, n);
    return s;
}

/* Add TEXT (owned: freed on failure too) as an entry of V. Returns 0, or -1 out of memory. */
static int add_entry(ts_cbvar *v, char *text, size_t len, size_t code, unsigned long line, int alias)
{
    if (v->nlabels == v->cap_labels) {
        size_t cap = v->cap_labels ? 2 * v->cap_labels : 8;
        ts_cblabel *l = realloc(v->labels, cap * sizeof *l);
        if (!l) {
            free(text);
            return -1;
        }
        v->labels = l;
        v->cap_labels = cap;
    }
    /* Slots at most half full: rebuild at twice the size. */
    if (2 * (v->nlabels + 1) > (v->label_slots ? v->label_mask + 1 : 0)) {
        size_t nslots = v->label_slots ? 2 * (v->label_mask + 1) : 16;
        size_t *slots = calloc(nslots, sizeof *slots);
        if (!slots) {
            free(text);
            return -1;
        }
        for (size_t e = 0; e < v->nlabels; e++) {
            size_t i = hash_text(v->labels[e].text, v->labels[e].len) & (nslots - 1);
            while (slots[i])
                i = (i + 1) & (nslots - 1);
            slots[i] = e + 1;
        }
        free(v->label_slots);
        v->label_slots = slots;
        v->label_mask = nslots - 1;
    }
    v->labels[v->nlabels] = (ts_cblabel){text, len, code, line, alias};
    size_t i = hash_text(text, len) & v->label_mask;
    while (v->label_slots[i])
        i = (i + 1) & v->label_mask;
    v->label_slots[i] = ++v->nlabels;
    return 0;
}

/* S[0..N) folded, in a new string (*LEN its length), or NULL out of memory. */
static char *fold_dup(const char *s, size_t n, size_t *len)
{
    char *t = malloc(n + 1);
    if (t)
        *len = ts_text_fold(s, n, t);
    return t;
}

/* The label and the aliases of code IDX (the row just read) into V's entries. */
static ts_status read_labels(parse *p, ts_cbvar *v, size_t idx)
{
    const ts_code *c = &v->def->codes[idx];
    size_t len;
    char *t = fold_dup(c->label, strlen(c->label), &len);
    if (!t)
        return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    long e = len ? find_entry(v, t, len) : -2;
    if (e >= 0) {
        const ts_cblabel *o = &v->labels[e];
        ts_status st = TS_OK;
        if (o->alias)
            st = fail(p, COL_LABEL, "%s: the label \"%s\" of code %d is, after folding, an alias of code %d (line %lu)",
                      v->def->name, c->label, c->code, v->def->codes[o->code].code, o->line);
        else if (v->answers != TS_ANSWERS_CODES)
            st = fail(p, COL_LABEL,
                      "%s: codes %d (line %lu) and %d have the same label \"%s\" after folding: answers given as labels could not tell them apart",
                      v->def->name, v->def->codes[o->code].code, o->line, c->code, o->text);
        free(t); /* codes only: two codes may share a label, as before */
        if (st != TS_OK)
            return st;
    } else if (e == -2)
        free(t);
    else if (add_entry(v, t, len, idx, p->rec->line, 0) != 0)
        return ts_err_set(p->err, TS_E_NOMEM, "out of memory");

    size_t n;
    const char *a = cell(p, COL_ALIASES, &n);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && a[j] != '|')
            j++;
        const char *item = a + i;
        size_t il = j - i;
        ts_trim(&item, &il);
        i = j + 1;
        if (il == 0)
            continue;
        if (!(t = fold_dup(item, il, &len)))
            return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
        e = len ? find_entry(v, t, len) : -1;
        if (e >= 0 && v->labels[e].code != idx) {
            const ts_cblabel *o = &v->labels[e];
            ts_status st = fail(p, COL_ALIASES,
                                "%s: alias \"%.*s\" of code %d is, after folding, the same as the %s of code %d (line %lu)",
                                v->def->name, (int)(il > 200 ? 200 : il), item, c->code, o->alias ? "alias" : "label",
                                v->def->codes[o->code].code, o->line);
            free(t);
            return st;
        }
        if (e >= 0 || len == 0)
            free(t); /* its own label again, or an alias repeated */
        else if (add_entry(v, t, len, idx, p->rec->line, 1) != 0)
            return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    }
    return TS_OK;
}

static ts_status read_code_row(parse *p)
{
    ts_codebook *cb = p->cb;
    if (cb->nvars == p->first_var)
        return fail(p, COL_CODE, "a code row with no variable row above it");
    ts_cbvar *v = &cb->vars[cb->nvars - 1];
    size_t n;
    cell(p, COL_TYPE, &n);
    if (n > 0)
        return fail(p, COL_VARIABLE, "a row with a type needs a variable name");
    const char *codes = cell(p, COL_CODE, &n);
    int64_t code;
    if (ts_parse_int64(codes, n, &code) != 0 || code <= INT32_MIN || code > INT32_MAX)
        return fail(p, COL_CODE, "code: expected an integer from -2147483647 to 2147483647, got \"%s\"", codes);
    if (v->kind == TS_CB_ID || v->kind == TS_CB_TEXT || v->kind == TS_CB_SUM)
        return fail(p, COL_CODE, "%s: a %s variable takes no codes", v->def->name, ts_cbkind_name(v->kind));
    char shown[32];
    snprintf(shown, sizeof shown, "%lld", (long long)code);
    if (ts_var_code_index(v->def, code) >= 0)
        return fail(p, COL_CODE, "%s: code %s is declared twice (conflicting codes)", v->def->name, shown);
    size_t mn;
    const char *miss = cell(p, COL_MISSING, &mn);
    int missing = mn == 4 && strncasecmp(miss, "skip", 4) == 0 ? TS_CODE_SKIPPED : parse_flag(miss, mn);
    if (missing < 0)
        return fail(p, COL_MISSING, "missing: expected yes, no or skip, got \"%s\"", miss);
    if (v->kind == TS_CB_INDICATOR && (missing || !(code == 0 || code == 1)))
        return fail(p, COL_CODE, "%s: an indicator has the codes 1 (holds) and 0 (does not hold) only, neither missing",
                    v->def->name);
    if (missing == TS_CODE_SKIPPED && v->skip >= 0)
        return fail(p, COL_MISSING, "%s: a second code with missing=skip: one code means 非該当", v->def->name);
    size_t coln;
    const char *column = cell(p, COL_COLUMN, &coln);
    if (coln > 0 && !(v->kind == TS_CB_MULTI && v->def->layout == TS_MULTI_COLUMNS))
        return fail(p, COL_COLUMN,
                    "a code row has a column only for a multi answer in 0/1-column form (whose variable row has no column)");
    if (v->kind == TS_CB_MULTI && v->def->layout == TS_MULTI_COLUMNS && coln == 0 && missing != TS_CODE_SKIPPED)
        return fail(p, COL_COLUMN, "%s is a multi answer in 0/1-column form: each code row needs its column",
                    v->def->name);
    if (v->kind == TS_CB_MULTI && v->def->layout == TS_MULTI_COLUMNS && coln > 0 && missing == TS_CODE_SKIPPED)
        return fail(p, COL_COLUMN, "%s: the missing=skip option (非該当) takes no column: ingest sets it where the item was skipped",
                    v->def->name);
    if (v->kind == TS_CB_MULTI && v->def->ncodes == 63)
        return fail(p, COL_CODE, "%s: a multi answer can have at most 63 options", v->def->name);
    for (size_t i = 0; coln > 0 && i < v->def->ncodes; i++)
        if (strlen(v->def->codes[i].column) == coln && memcmp(v->def->codes[i].column, column, coln) == 0)
            return fail(p, COL_COLUMN, "column is used by two options");
    char *label = cell_dup(p, COL_LABEL), *label_en = cell_dup(p, COL_LABEL_EN), *col = ts_strndup(column, coln);
    int rc = !label || !label_en || !col || ts_var_add_code(v->def, (int32_t)code, missing, label, label_en, col);
    free(label);
    free(label_en);
    free(col);
    if (rc)
        return ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    if (missing == TS_CODE_SKIPPED)
        v->skip = (long)v->def->ncodes - 1;
    int32_t c32 = (int32_t)code;
    ts_status st = read_xlabels(p, v->def->name, &c32);
    if (st == TS_OK)
        st = read_values(p, v, v->def->ncodes - 1);
    if (st != TS_OK)
        return st;
    size_t an;
    cell(p, COL_ALIASES, &an);
    if (v->kind == TS_CB_SINGLE || v->kind == TS_CB_MULTI) {
        if ((st = read_labels(p, v, v->def->ncodes - 1)) != TS_OK)
            return st;
    } else if (an > 0)
        return fail(p, COL_ALIASES, "%s: aliases apply to the codes of single and multi items only", v->def->name);
    for (int c = COL_MIN; c <= COL_MAX; c++) {
        size_t k;
        cell(p, c, &k);
        if (k > 0)
            return fail(p, c, "min and max belong on the variable row");
    }
    return TS_OK;
}

static ts_status check_complete(ts_codebook *cb, long asked_col, ts_err *err)
{
    if (cb->nvars == 0)
        return ts_err_set(err, TS_E_DATA, "%s: the codebook declares no variables", cb->path);
    if (cb->id == (size_t)-1 && !(cb->flags & TS_CB_ID_FROM_ROWS))
        return ts_err_set(err, TS_E_DATA, "%s: no variable of type id: the codebook must name the respondent id column", cb->path);
    for (size_t i = 0; i < cb->nvars; i++) {
        ts_cbvar *v = &cb->vars[i];
        if ((v->kind == TS_CB_SINGLE || v->kind == TS_CB_MULTI || v->kind == TS_CB_RECODE) && v->def->ncodes == 0)
            return ts_err_set(err, TS_E_DATA, "%s:%lu: %s (type %s) has no code rows below it", v->file, v->line,
                              v->def->name, ts_cbkind_name(v->kind));
        if (v->kind == TS_CB_INDICATOR && v->def->ncodes != 2)
            return ts_err_set(err, TS_E_DATA, "%s:%lu: %s (type indicator) needs two code rows: 1 (holds) and 0 (does not hold), with their labels",
                              v->file, v->line, v->def->name);
        if (v->asked_if && v->skip < 0)
            return ts_err_set(err, TS_E_DATA,
                              "%s:%lu:%ld: %s has asked_if but no code row with missing=skip: the code stored where the item was skipped (非該当)",
                              v->file, v->line, asked_col, v->def->name);
        ts_var_choose_storage(v->def);
        /* A table from small codes to their index: the cell parser's fast path. */
        memset(v->small_index, 255, sizeof v->small_index);
        for (size_t k = 0; k < v->def->ncodes && k < 255; k++) {
            int32_t c = v->def->codes[k].code;
            if (c >= 0 && c <= 254)
                v->small_index[c] = (unsigned char)k;
        }
    }
    return TS_OK;
}

/* A new codebook named PATH, its id unset, or NULL (and ERR set) when memory runs out. */
static ts_codebook *codebook_new(const char *path, ts_err *err)
{
    ts_codebook *cb = calloc(1, sizeof *cb);
    if (cb)
        cb->id = (size_t)-1;
    if (!cb || !(cb->path = ts_strdup(path))) {
        free(cb);
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    return cb;
}

/* The rows of one part (R, which it closes; PATH names it) into CB. */
static ts_status parse_part(ts_codebook *cb, const char *path, ts_csvreader *r, long *asked_col, ts_err *err)
{
    parse p = {path, cb->nvars, cb, {0}, NULL, err, 0, 0, {0}, {{0}}};
    ts_record rec;
    int got, have_header = 0;
    ts_status st = TS_OK;
    while (st == TS_OK && (got = ts_csvreader_next(r, &rec, err)) == 1) {
        p.rec = &rec;
        if (rec.problem != TS_REC_OK) {
            st = ts_err_set(err, TS_E_DATA, "%s:%lu:%zu: %s", path, rec.line, rec.problem_column, rec.problem_text);
            break;
        }
        if (rec.nfields > 0 && rec.fields[0].len > 0 && rec.fields[0].s[0] == '#')
            continue;
        int empty = 1;
        for (size_t i = 0; i < rec.nfields; i++)
            if (!ts_is_blank(rec.fields[i].s, rec.fields[i].len))
                empty = 0;
        if (empty)
            continue; /* a row of empty cells, as Excel leaves below a table */
        if (!have_header) {
            st = read_header(&p);
            have_header = 1;
        } else {
            size_t n;
            cell(&p, COL_VARIABLE, &n);
            st = n > 0 ? read_variable_row(&p) : read_code_row(&p);
        }
    }
    if (st == TS_OK && got < 0)
        st = err->status;
    ts_status closed = ts_csvreader_close(r, st == TS_OK ? err : NULL);
    if (st == TS_OK)
        st = closed;
    if (st == TS_OK && !have_header)
        st = ts_err_set(err, TS_E_DATA, "%s: the codebook is empty: expected a header row (variable,type,column,...)", path);
    if (p.asked_col)
        *asked_col = p.asked_col;
    return st;
}

/* The one codebook parser, over the rows of R (which it closes), into CB (whose path and
 * sha256 are set). Returns CB, or NULL with ERR set and CB freed. */
static ts_codebook *parse_codebook(ts_codebook *cb, ts_csvreader *r, ts_err *err)
{
    long asked_col = 0;
    if (parse_part(cb, cb->path, r, &asked_col, err) != TS_OK || check_complete(cb, asked_col, err) != TS_OK) {
        ts_codebook_free(cb);
        return NULL;
    }
    return cb;
}

ts_codebook *ts_codebook_read(const char *path, ts_err *err)
{
    return ts_codebook_read_flags(path, 0, err);
}

ts_codebook *ts_codebook_read_flags(const char *path, unsigned flags, ts_err *err)
{
    ts_codebook *cb = codebook_new(path, err);
    if (!cb)
        return NULL;
    cb->flags = flags;
    ts_csvreader *r = NULL;
    if (ts_checksum_file(path, cb->sha256, err) != TS_OK || !(r = ts_csvreader_open(path, TS_ENC_AUTO, err))) {
        ts_codebook_free(cb);
        return NULL;
    }
    return parse_codebook(cb, r, err);
}

ts_codebook *ts_codebook_read_mem(const void *data, size_t n, const char *name, ts_err *err)
{
    ts_codebook *cb = codebook_new(name, err);
    if (!cb)
        return NULL;
    ts_csvreader *r = NULL;
    if (ts_checksum_mem(data, n, cb->sha256, err) != TS_OK ||
        !(r = ts_csvreader_open_mem(data, n, name, TS_ENC_AUTO, err))) {
        ts_codebook_free(cb);
        return NULL;
    }
    return parse_codebook(cb, r, err);
}

ts_codebook *ts_codebook_read_parts(const ts_codebook_part *parts, size_t nparts, unsigned flags, ts_err *err)
{
    ts_strbuf joined = TS_STRBUF_INIT, shas = TS_STRBUF_INIT;
    for (size_t i = 0; i < nparts; i++)
        if (ts_strbuf_printf(&joined, "%s%s", i ? " + " : "", parts[i].name)) {
            ts_strbuf_free(&joined);
            ts_err_set(err, TS_E_NOMEM, "out of memory");
            return NULL;
        }
    ts_codebook *cb = codebook_new(nparts ? joined.data : "", err);
    ts_strbuf_free(&joined);
    if (!cb)
        return NULL;
    cb->flags = flags;
    if (!(cb->part_names = calloc(nparts ? nparts : 1, sizeof *cb->part_names))) {
        ts_codebook_free(cb);
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    long asked_col = 0;
    ts_status st = TS_OK;
    for (size_t i = 0; i < nparts && st == TS_OK; i++) {
        char sha[65];
        ts_csvreader *r = NULL;
        if (!(cb->part_names[i] = ts_strdup(parts[i].name)))
            st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        else
            cb->nparts++;
        if (st == TS_OK)
            st = parts[i].data ? ts_checksum_mem(parts[i].data, parts[i].n, sha, err)
                               : ts_checksum_file(parts[i].name, sha, err);
        if (st == TS_OK && !(r = parts[i].data ? ts_csvreader_open_mem(parts[i].data, parts[i].n, parts[i].name,
                                                                      TS_ENC_AUTO, err)
                                               : ts_csvreader_open(parts[i].name, TS_ENC_AUTO, err)))
            st = err->status;
        if (st == TS_OK && ts_strbuf_append_str(&shas, sha))
            st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        if (st == TS_OK)
            st = parse_part(cb, cb->part_names[i], r, &asked_col, err);
    }
    /* one checksum for the whole: that of the parts' checksums, in order */
    if (st == TS_OK)
        st = ts_checksum_mem(shas.data ? shas.data : "", shas.len, cb->sha256, err);
    ts_strbuf_free(&shas);
    if (st == TS_OK)
        st = check_complete(cb, asked_col, err);
    if (st != TS_OK) {
        ts_codebook_free(cb);
        return NULL;
    }
    return cb;
}

void ts_codebook_free(ts_codebook *cb)
{
    if (!cb)
        return;
    for (size_t i = 0; i < cb->nvars; i++) {
        ts_var_free(cb->vars[i].def);
        free(cb->vars[i].column);
        free(cb->vars[i].ranges);
        free(cb->vars[i].sources);
        ts_cond_free(cb->vars[i].cond);
        ts_cond_free(cb->vars[i].asked_if);
        free(cb->vars[i].asked_if_text);
        free(cb->vars[i].separator);
        for (size_t k = 0; k < cb->vars[i].nlabels; k++)
            free(cb->vars[i].labels[k].text);
        free(cb->vars[i].labels);
        free(cb->vars[i].label_slots);
    }
    free(cb->vars);
    for (size_t i = 0; i < cb->nxlabels; i++)
        free(cb->xlabels[i].key), free(cb->xlabels[i].value);
    free(cb->xlabels);
    for (size_t i = 0; i < cb->nparts; i++)
        free(cb->part_names[i]);
    free(cb->part_names);
    free(cb->path);
    free(cb);
}
