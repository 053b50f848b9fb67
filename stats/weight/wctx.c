/* wctx.c — tsunagari-weight's helpers shared by its steps (wctx.h): settings read from the
 * manifest and --set, and where each came from for messages. */
#include "wctx.h"

#include <string.h>

#include "numparse.h"
#include "schema.h"

ts_status wctx_nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

const char *wctx_get(const wctx *c, const char *section, const char *key, const char *fallback)
{
    const char *v = ts_schema_get(c->m, section, key);
    return v && *v ? v : fallback;
}

/* A setting's position for messages (ts_manifest_where). */
void wctx_where(const wctx *c, const char *section, const char *key, ts_strbuf *out)
{
    ts_manifest_where(c->m, section, key, out);
}

ts_status wctx_bad_setting(const wctx *c, const char *section, const char *key, const char *expected, ts_err *err)
{
    ts_strbuf at = TS_STRBUF_INIT;
    wctx_where(c, section, key, &at);
    const char *v = ts_manifest_get(c->m, section, key);
    if (v)
        ts_err_set(err, TS_E_DATA, "%s: expected %s, got \"%s\"", at.data ? at.data : "", expected, v);
    else
        ts_err_set(err, TS_E_DATA, "%s: not set; expected %s", at.data ? at.data : "", expected);
    ts_strbuf_free(&at);
    return TS_E_DATA;
}

/* Row I for messages: the respondent's id, which the user can find in the raw file (row
 * numbers of the dataset are not raw lines once ingest has rejected a record). */
void wctx_row_name(const wctx *c, size_t i, ts_strbuf *out)
{
    for (size_t k = 0; k < c->ds->nvars; k++)
        if (c->ds->vars[k]->type == TS_VAR_ID) {
            ts_strbuf_printf(out, "respondent %s %lld", c->ds->vars[k]->name, (long long)ts_var_int(c->ds->vars[k], i));
            return;
        }
    ts_strbuf_printf(out, "row %zu", i + 1);
}

/* The variables NAMES of setting SECTION.KEY must be single-choice variables of the dataset:
 * said here, naming the setting, because the file they are then looked up in is not where
 * the mistake is. */
ts_status wctx_check_coded_vars(const wctx *c, const char *section, const char *key, char *const *names,
                                size_t n, ts_err *err)
{
    for (size_t k = 0; k < n; k++) {
        const ts_var *v = ts_dataset_find(c->ds, names[k]);
        if (!v || v->type != TS_VAR_SINGLE) {
            ts_strbuf at = TS_STRBUF_INIT;
            wctx_where(c, section, key, &at);
            ts_err_set(err, TS_E_DATA, "%s: %s %s", at.data ? at.data : "", names[k],
                       v ? "is not a single-choice (coded) variable" : "is not a variable of the dataset");
            ts_strbuf_free(&at);
            return TS_E_DATA;
        }
    }
    return TS_OK;
}

ts_status wctx_get_number(const wctx *c, const char *section, const char *key, double dflt, double *out,
                          ts_err *err)
{
    const char *v = wctx_get(c, section, key, NULL);
    *out = dflt;
    if (!v)
        return TS_OK;
    if (ts_parse_double(v, strlen(v), out) != 0)
        return wctx_bad_setting(c, section, key, "a number", err);
    return TS_OK;
}

ts_var *wctx_get_var(const wctx *c, const char *section, const char *key, ts_err *err, ts_status *st)
{
    const char *name = wctx_get(c, section, key, NULL);
    *st = TS_OK;
    if (!name)
        return NULL;
    ts_var *v = ts_dataset_find(c->ds, name);
    if (!v)
        *st = wctx_bad_setting(c, section, key, "a variable of the dataset", err);
    return v;
}
