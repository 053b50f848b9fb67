/* derive.c — see derive.h and docs/codebook.md ("Derived"). */
#include "derive.h"

#include <math.h>

#include "numparse.h"

static cell_status recode(const ts_cbvar *cv, const ts_var *src, ts_var *v, size_t row, ts_strbuf *why)
{
    double x = ts_var_num(src, row);
    if (isnan(x))
        return CELL_OK;
    /* A missing code of the source (999 無回答) maps only where a code row names it alone:
     * the open range 80.. must not turn it into 80歳以上. */
    int missing = ts_var_is_missing(src, row);
    for (size_t r = 0; r < cv->nranges; r++)
        if (x >= cv->ranges[r].lo && x <= cv->ranges[r].hi &&
            (!missing || cv->ranges[r].lo == cv->ranges[r].hi)) {
            ts_var_set_int(v, row, v->codes[cv->ranges[r].code].code);
            return CELL_OK;
        }
    if (missing)
        return CELL_OK;
    char shown[32];
    ts_format_double(x, shown);
    ts_strbuf_printf(why, "%s = %s falls in none of the values of this recode", src->name, shown);
    return CELL_WARN;
}

static cell_status sum(const ts_cbvar *cv, ts_var *const *vars, ts_var *v, size_t row, ts_strbuf *why)
{
    double total = 0;
    for (size_t k = 0; k < cv->nsources; k++) {
        const ts_var *src = vars[cv->sources[k]];
        if (ts_var_is_missing(src, row))
            return CELL_OK; /* defined only when every item is answered */
        total += ts_var_num(src, row);
    }
    if ((v->has_min && total < v->min) || (v->has_max && total > v->max)) {
        char shown[32], lo[32], hi[32];
        ts_format_double(total, shown);
        ts_format_double(v->min, lo);
        ts_format_double(v->max, hi);
        ts_strbuf_printf(why, "sum %s is outside %s..%s", shown, v->has_min ? lo : "", v->has_max ? hi : "");
        return CELL_WARN;
    }
    ts_var_set_num(v, row, total);
    return CELL_OK;
}

/* 1 where the condition holds, 0 where it fails, system missing where it is undetermined. */
static cell_status indicator(const ts_cbvar *cv, ts_var *const *vars, ts_var *v, size_t row)
{
    ts_truth t = ts_cond_eval(cv->cond, vars, row);
    ts_var_set_int(v, row, t == TS_TRUE ? 1 : t == TS_FALSE ? 0 : TS_MISSING_INT);
    return CELL_OK;
}

cell_status derive_row(const ts_codebook *cb, size_t i, ts_var *const *vars, size_t row, ts_strbuf *why)
{
    const ts_cbvar *cv = &cb->vars[i];
    if (cv->kind == TS_CB_RECODE)
        return recode(cv, vars[cv->from], vars[i], row, why);
    if (cv->kind == TS_CB_SUM)
        return sum(cv, vars, vars[i], row, why);
    if (cv->kind == TS_CB_INDICATOR)
        return indicator(cv, vars, vars[i], row);
    return CELL_OK;
}

/* Whether row ROW of V holds code index K (a multi: has option K among its choices). */
static int holds_code(const ts_var *v, size_t row, size_t k)
{
    if (v->type == TS_VAR_MULTI) {
        uint64_t m = ts_var_mask(v, row);
        return m != TS_MISSING_MASK && (m >> k & 1);
    }
    double x = ts_var_num(v, row);
    return !isnan(x) && x == v->codes[k].code;
}

static void set_code(ts_var *v, size_t row, size_t k)
{
    if (v->type == TS_VAR_MULTI)
        ts_var_set_mask(v, row, (uint64_t)1 << k);
    else if (v->type == TS_VAR_NUMERIC)
        ts_var_set_num(v, row, v->codes[k].code);
    else
        ts_var_set_int(v, row, v->codes[k].code);
}

static void set_missing(ts_var *v, size_t row)
{
    if (v->type == TS_VAR_MULTI)
        ts_var_set_mask(v, row, TS_MISSING_MASK);
    else if (v->type == TS_VAR_NUMERIC)
        ts_var_set_num(v, row, NAN);
    else
        ts_var_set_int(v, row, TS_MISSING_INT);
}

cell_status derive_skip(const ts_cbvar *cv, ts_var *const *vars, ts_var *v, size_t row, int blank,
                        cell_status parsed, ts_strbuf *why)
{
    if (!cv->asked_if || parsed == CELL_NOMEM)
        return parsed;
    size_t k = (size_t)cv->skip;
    ts_truth asked = ts_cond_eval(cv->asked_if, vars, row);
    if (asked == TS_FALSE) {
        /* Not asked: whatever the cell says, the item is 非該当. */
        if (blank || (parsed == CELL_OK && holds_code(v, row, k))) {
            set_code(v, row, k);
            return parsed;
        }
        set_code(v, row, k);
        if (parsed == CELL_WARN)
            ts_strbuf_append_str(why, "; ");
        ts_strbuf_printf(why, "answered although not asked (asked_if %s does not hold): stored as %d %s",
                         cv->asked_if_text, v->codes[k].code, v->codes[k].label);
        return CELL_WARN;
    }
    if (asked == TS_TRUE && parsed == CELL_OK && holds_code(v, row, k)) {
        set_missing(v, row);
        ts_strbuf_printf(why, "%d %s (skipped) although asked (asked_if %s holds): stored as missing",
                         v->codes[k].code, v->codes[k].label, cv->asked_if_text);
        return CELL_WARN;
    }
    return parsed;
}
