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

cell_status derive_row(const ts_codebook *cb, size_t i, ts_var *const *vars, size_t row, ts_strbuf *why)
{
    const ts_cbvar *cv = &cb->vars[i];
    if (cv->kind == TS_CB_RECODE)
        return recode(cv, vars[cv->from], vars[i], row, why);
    if (cv->kind == TS_CB_SUM)
        return sum(cv, vars, vars[i], row, why);
    return CELL_OK;
}
