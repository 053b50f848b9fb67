/* condition.c — see condition.h. A recursive-descent parser over the bytes of one codebook
 * cell, and an evaluator over the dataset columns of one row.
 *
 *   cond   := "all" "(" cond { "," cond } ")"
 *           | "any" "(" cond { "," cond } ")"
 *           | "not" cond
 *           | "(" cond ")"
 *           | NAME "in" value { ";" value }
 *   value  := NUMBER | NUMBER ".." NUMBER | NUMBER ".." | ".." NUMBER
 *
 * `all`, `any` and `not` are keywords only where an operator can stand (before "(" for all and
 * any; `not` unless "in" follows), so a variable may still be called `any`. */
#include "condition.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "numparse.h"
#include "strbuf.h"

ts_truth ts_truth_and(ts_truth a, ts_truth b)
{
    if (a == TS_FALSE || b == TS_FALSE)
        return TS_FALSE;
    return a == TS_TRUE && b == TS_TRUE ? TS_TRUE : TS_UNKNOWN;
}

ts_truth ts_truth_or(ts_truth a, ts_truth b)
{
    if (a == TS_TRUE || b == TS_TRUE)
        return TS_TRUE;
    return a == TS_FALSE && b == TS_FALSE ? TS_FALSE : TS_UNKNOWN;
}

ts_truth ts_truth_not(ts_truth a)
{
    return a == TS_UNKNOWN ? TS_UNKNOWN : a == TS_TRUE ? TS_FALSE : TS_TRUE;
}

typedef enum { OP_IN, OP_ALL, OP_ANY, OP_NOT } cond_op;

typedef struct range {
    double lo, hi; /* inclusive; -inf/+inf when open */
} range;

struct ts_cond {
    cond_op op;
    size_t var;        /* OP_IN: codebook index of the item */
    int multi;         /* OP_IN: the item is a multiple answer; OPTIONS then decides */
    long skip;         /* OP_IN: index of the item's 非該当 code (missing=skip), or -1 */
    uint64_t options;  /* OP_IN on a multi: bit i set when option i lies in the values */
    size_t nranges;
    range *ranges;     /* OP_IN: the values */
    size_t nkids;
    ts_cond **kids;    /* OP_ALL, OP_ANY (>= 1), OP_NOT (1) */
};

void ts_cond_free(ts_cond *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nkids; i++)
        ts_cond_free(c->kids[i]);
    free(c->kids);
    free(c->ranges);
    free(c);
}

int ts_cond_parse_range(const char *s, size_t n, double *lo, double *hi)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    const char *dots = NULL;
    for (size_t k = 0; k + 1 < n; k++)
        if (s[k] == '.' && s[k + 1] == '.') {
            dots = s + k;
            break;
        }
    if (!dots) {
        if (n == 0 || ts_parse_double(s, n, lo) != 0)
            return -1;
        *hi = *lo;
        return 0;
    }
    size_t ln = (size_t)(dots - s), rn = n - ln - 2;
    if ((ln == 0 && rn == 0) || (ln > 0 && ts_parse_double(s, ln, lo) != 0) ||
        (rn > 0 && ts_parse_double(dots + 2, rn, hi) != 0) || *lo > *hi)
        return -1;
    return 0;
}

typedef struct parser {
    const char *s;
    size_t n, i;       /* the text and the current byte offset */
    const ts_codebook *cb;
    size_t nvisible;
    int depth;
    size_t at;         /* on error: byte offset of the problem */
    ts_err *err;
} parser;

static void skip_space(parser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\r' || p->s[p->i] == '\n'))
        p->i++;
}

static int is_name_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

/* Length of the name at offset I, or 0. */
static size_t name_at(const parser *p, size_t i)
{
    size_t j = i;
    if (j < p->n && is_name_start(p->s[j]))
        while (j < p->n && is_name_char(p->s[j]))
            j++;
    return j - i;
}

/* Whether the word W stands at offset I (followed by no name character). */
static int word_at(const parser *p, size_t i, const char *w)
{
    size_t k = strlen(w);
    return name_at(p, i) == k && memcmp(p->s + i, w, k) == 0;
}

/* The offset of the next non-space byte from I. */
static size_t next_token(const parser *p, size_t i)
{
    while (i < p->n && (p->s[i] == ' ' || p->s[i] == '\t' || p->s[i] == '\r' || p->s[i] == '\n'))
        i++;
    return i;
}

/* Describe what stands at the current position for "got ...": a token, shortened. */
static void describe_here(const parser *p, ts_strbuf *out)
{
    size_t i = next_token(p, p->i);
    if (i >= p->n) {
        ts_strbuf_append_str(out, "the end of the condition");
        return;
    }
    unsigned char b = (unsigned char)p->s[i];
    if (b < 0x20 || b == 0x7F) {
        ts_strbuf_printf(out, "the byte 0x%02X", b); /* a control byte would garble the message */
        return;
    }
    size_t k = name_at(p, i);
    if (k == 0) {
        k = 1;
        while (i + k < p->n && k < 20 && (unsigned char)p->s[i + k] >= 0x20 && !strchr(" \t(),;", p->s[i + k]) &&
               !is_name_start(p->s[i + k]))
            k++;
    }
    if (k > 20)
        k = 20;
    while (i + k < p->n && k > 0 && ((unsigned char)p->s[i + k] & 0xC0) == 0x80)
        k++; /* end on a UTF-8 character boundary */
    ts_strbuf_append_char(out, '"');
    ts_strbuf_append(out, p->s + i, k);
    ts_strbuf_append_char(out, '"');
}

/* Fail with "expected WHAT, got ..." at the current token. */
static ts_cond *expected(parser *p, const char *what)
{
    ts_strbuf b = TS_STRBUF_INIT;
    ts_strbuf_printf(&b, "expected %s, got ", what);
    describe_here(p, &b);
    p->at = next_token(p, p->i);
    ts_err_set(p->err, TS_E_DATA, "%s", b.data ? b.data : "out of memory");
    ts_strbuf_free(&b);
    return NULL;
}

static ts_cond *fail_at(parser *p, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static ts_cond *fail_at(parser *p, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ts_err_vset(p->err, TS_E_DATA, fmt, ap);
    va_end(ap);
    p->at = at;
    return NULL;
}

static ts_cond *new_node(parser *p, cond_op op)
{
    ts_cond *c = calloc(1, sizeof *c);
    if (!c)
        ts_err_set(p->err, TS_E_NOMEM, "out of memory");
    else
        c->op = op;
    return c;
}

static int add_kid(parser *p, ts_cond *c, ts_cond *kid)
{
    ts_cond **k = realloc(c->kids, (c->nkids + 1) * sizeof *k);
    if (!k) {
        ts_cond_free(kid);
        ts_err_set(p->err, TS_E_NOMEM, "out of memory");
        return -1;
    }
    c->kids = k;
    c->kids[c->nkids++] = kid;
    return 0;
}

static ts_cond *parse_cond(parser *p);

/* all( ... ) / any( ... ): the word is already consumed, "(" is next. */
static ts_cond *parse_list(parser *p, cond_op op, const char *word)
{
    skip_space(p);
    p->i++; /* "(" */
    ts_cond *c = new_node(p, op);
    if (!c)
        return NULL;
    for (;;) {
        ts_cond *kid = parse_cond(p);
        if (!kid || add_kid(p, c, kid) != 0) {
            ts_cond_free(c);
            return NULL;
        }
        skip_space(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->n && p->s[p->i] == ')') {
            p->i++;
            return c;
        }
        ts_cond_free(c);
        char what[64];
        snprintf(what, sizeof what, "\",\" or the \")\" that closes %s(", word);
        return expected(p, what);
    }
}

/* Whether code K of V lies in one of C's ranges. */
static int code_in(const ts_cond *c, int32_t code)
{
    for (size_t r = 0; r < c->nranges; r++)
        if (code >= c->ranges[r].lo && code <= c->ranges[r].hi)
            return 1;
    return 0;
}

/* NAME in VALUES: the name is at P->i. */
static ts_cond *parse_item(parser *p)
{
    size_t start = p->i, k = name_at(p, p->i);
    if (k == 0)
        return expected(p, "a variable name, all(, any( or not");
    long idx = -1;
    for (size_t v = 0; v < p->nvisible; v++)
        if (strlen(p->cb->vars[v].def->name) == k && memcmp(p->cb->vars[v].def->name, p->s + start, k) == 0)
            idx = (long)v;
    if (idx < 0)
        return fail_at(p, start, "\"%.*s\" is not a variable declared above", (int)k, p->s + start);
    const ts_cbvar *cv = &p->cb->vars[idx];
    const char *name = cv->def->name;
    if (cv->kind == TS_CB_ID || cv->kind == TS_CB_TEXT)
        return fail_at(p, start, "%s is %s: a condition takes an item with codes or numbers", name,
                       cv->kind == TS_CB_ID ? "the respondent id" : "free text");
    p->i += k;
    skip_space(p);
    if (!word_at(p, p->i, "in")) {
        char what[96];
        snprintf(what, sizeof what, "\"in\" after %s", name);
        return expected(p, what);
    }
    p->i += 2;
    ts_cond *c = new_node(p, OP_IN);
    if (!c)
        return NULL;
    c->var = (size_t)idx;
    c->multi = cv->kind == TS_CB_MULTI;
    c->skip = cv->skip >= 0 && (size_t)cv->skip < cv->def->ncodes && cv->skip < 64 ? cv->skip : -1;
    int coded = cv->kind == TS_CB_SINGLE || cv->kind == TS_CB_MULTI || cv->kind == TS_CB_RECODE ||
                cv->kind == TS_CB_INDICATOR;
    for (;;) {
        skip_space(p);
        size_t vs = p->i;
        while (p->i < p->n && p->s[p->i] != '\0' && !strchr(" \t\r\n;,()", p->s[p->i]))
            p->i++;
        double lo, hi;
        if (p->i == vs) {
            ts_cond_free(c);
            return expected(p, "a value or a range like 3, 4..6, 80.. or ..15");
        }
        if (ts_cond_parse_range(p->s + vs, p->i - vs, &lo, &hi) != 0) {
            size_t shown = p->i - vs > 20 ? 20 : p->i - vs;
            while (vs + shown < p->i && ((unsigned char)p->s[vs + shown] & 0xC0) == 0x80)
                shown++;
            ts_cond_free(c);
            return fail_at(p, vs, "expected a value or a range like 3, 4..6, 80.. or ..15, got \"%.*s\"",
                           (int)shown, p->s + vs);
        }
        if (coded) {
            /* Catch a mistyped code here rather than as an indicator that is never true. */
            int any = 0;
            for (size_t j = 0; j < cv->def->ncodes; j++) {
                const ts_code *cd = &cv->def->codes[j];
                if (cd->code >= lo && cd->code <= hi) {
                    if (lo == hi && cd->missing) {
                        ts_cond_free(c);
                        return fail_at(p, vs,
                                       "code %d of %s is a missing code: a missing answer leaves a condition "
                                       "undetermined, never true",
                                       cd->code, name);
                    }
                    any |= !cd->missing;
                }
            }
            if (!any) {
                ts_cond_free(c);
                return fail_at(p, vs, "%s has no valid code %s%.*s", name, lo == hi ? "" : "in ",
                               (int)(p->i - vs), p->s + vs);
            }
        }
        range *rg = realloc(c->ranges, (c->nranges + 1) * sizeof *rg);
        if (!rg) {
            ts_cond_free(c);
            ts_err_set(p->err, TS_E_NOMEM, "out of memory");
            return NULL;
        }
        c->ranges = rg;
        c->ranges[c->nranges++] = (range){lo, hi};
        skip_space(p);
        if (p->i < p->n && p->s[p->i] == ';') {
            p->i++;
            continue;
        }
        break;
    }
    if (c->multi)
        for (size_t j = 0; j < cv->def->ncodes && j < 64; j++)
            if (!cv->def->codes[j].missing && code_in(c, cv->def->codes[j].code))
                c->options |= (uint64_t)1 << j;
    return c;
}

static ts_cond *parse_cond(parser *p)
{
    skip_space(p);
    if (++p->depth > TS_COND_MAX_DEPTH) {
        p->depth--;
        return fail_at(p, p->i, "conditions nested more than %d deep", TS_COND_MAX_DEPTH);
    }
    ts_cond *c;
    size_t after = next_token(p, p->i + name_at(p, p->i));
    if ((word_at(p, p->i, "all") || word_at(p, p->i, "any")) && after < p->n && p->s[after] == '(') {
        int all = p->s[p->i + 1] == 'l';
        p->i += 3;
        c = parse_list(p, all ? OP_ALL : OP_ANY, all ? "all" : "any");
    } else if (word_at(p, p->i, "not") && !word_at(p, after, "in")) {
        p->i += 3;
        ts_cond *kid = parse_cond(p);
        c = kid ? new_node(p, OP_NOT) : NULL;
        if (c && add_kid(p, c, kid) != 0) {
            ts_cond_free(c);
            c = NULL;
        } else if (!c)
            ts_cond_free(kid);
    } else if (p->i < p->n && p->s[p->i] == '(') {
        p->i++;
        c = parse_cond(p);
        skip_space(p);
        if (c && !(p->i < p->n && p->s[p->i] == ')')) {
            ts_cond_free(c);
            c = expected(p, "\")\"");
        } else if (c)
            p->i++;
    } else
        c = parse_item(p);
    p->depth--;
    return c;
}

/* The 1-based character (not byte) at byte offset AT of S. */
static size_t char_index(const char *s, size_t at)
{
    size_t k = 1;
    for (size_t i = 0; i < at; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

ts_cond *ts_cond_parse(const char *s, size_t n, const struct ts_codebook *cb, size_t nvisible, size_t *at,
                       ts_err *err)
{
    parser p = {s, n, 0, cb, nvisible, 0, 0, err};
    *at = 1;
    if (nvisible > cb->nvars)
        p.nvisible = cb->nvars;
    ts_cond *c = parse_cond(&p);
    if (c) {
        skip_space(&p);
        if (p.i < p.n) {
            ts_cond_free(c);
            c = expected(&p, "the end of the condition (join conditions with all(...) or any(...))");
        }
    }
    if (!c)
        *at = char_index(s, p.at > n ? n : p.at);
    return c;
}

ts_truth ts_cond_eval(const ts_cond *c, ts_var *const *vars, size_t row)
{
    switch (c->op) {
    case OP_IN: {
        const ts_var *v = vars[c->var];
        if (!v)
            return TS_UNKNOWN;
        /* Not asked (非該当): there is no answer, so it is in no set of answers — decided, unlike
         * a missing answer (blank, 無回答, an item warning), which could have been anything. */
        if (c->skip >= 0 && (c->multi ? ts_var_mask(v, row) == (uint64_t)1 << c->skip
                                      : ts_var_num(v, row) == v->codes[c->skip].code))
            return TS_FALSE;
        if (ts_var_is_missing(v, row))
            return TS_UNKNOWN;
        if (c->multi) {
            uint64_t m = ts_var_mask(v, row);
            return m == TS_MISSING_MASK ? TS_UNKNOWN : (m & c->options) ? TS_TRUE : TS_FALSE;
        }
        double x = ts_var_num(v, row);
        if (isnan(x))
            return TS_UNKNOWN;
        for (size_t r = 0; r < c->nranges; r++)
            if (x >= c->ranges[r].lo && x <= c->ranges[r].hi)
                return TS_TRUE;
        return TS_FALSE;
    }
    case OP_NOT:
        return ts_truth_not(ts_cond_eval(c->kids[0], vars, row));
    case OP_ALL: {
        ts_truth t = TS_TRUE;
        for (size_t i = 0; i < c->nkids && t != TS_FALSE; i++)
            t = ts_truth_and(t, ts_cond_eval(c->kids[i], vars, row));
        return t;
    }
    case OP_ANY: {
        ts_truth t = TS_FALSE;
        for (size_t i = 0; i < c->nkids && t != TS_TRUE; i++)
            t = ts_truth_or(t, ts_cond_eval(c->kids[i], vars, row));
        return t;
    }
    }
    return TS_UNKNOWN;
}
