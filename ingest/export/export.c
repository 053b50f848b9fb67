/* export.c — writing a dataset as CSV (see export.h and docs/export.md); sav and dta files are
 * statfile.c's. */
#include "export.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "csvwrite.h"
#include "numparse.h"
#include "strbuf.h"

static int is_derived(const ts_var *v)
{
    return strncmp(v->source, "recode(", 7) == 0 || strncmp(v->source, "sum(", 4) == 0 ||
           strncmp(v->source, "indicator(", 10) == 0;
}

/* The index of V's 非該当 code (missing=skip: stored by ingest where the item was not asked),
 * or -1. In the raw layout it is written as the blank cell the raw export had. */
static long skip_index(const ts_var *v)
{
    for (size_t k = 0; k < v->ncodes; k++)
        if (v->codes[k].missing == TS_CODE_SKIPPED)
            return (long)k;
    return -1;
}

/* Which variables to write: --vars, or all (without derived ones in raw layout). */
static ts_status pick_vars(const ts_dataset *ds, const export_options *opt, ts_var ***out, size_t *n,
                           ts_err *err)
{
    ts_var **list = malloc((ds->nvars ? ds->nvars : 1) * sizeof *list);
    if (!list)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    *n = 0;
    if (!opt->vars) {
        for (size_t i = 0; i < ds->nvars; i++)
            if (!(opt->raw_layout && is_derived(ds->vars[i])))
                list[(*n)++] = ds->vars[i];
        *out = list;
        return TS_OK;
    }
    for (const char *p = opt->vars; *p;) {
        size_t len = strcspn(p, ",");
        ts_var *found = NULL;
        for (size_t i = 0; i < ds->nvars; i++)
            if (strlen(ds->vars[i]->name) == len && strncmp(ds->vars[i]->name, p, len) == 0)
                found = ds->vars[i];
        if (!found || *n >= ds->nvars) {
            free(list);
            return ts_err_set(err, TS_E_USAGE, "--vars: %s has no variable \"%.*s\"", opt->input, (int)len, p);
        }
        list[(*n)++] = found;
        p += len + (p[len] == ',');
    }
    *out = list;
    return TS_OK;
}

/* Text cells (names, labels, free text) are neutralised for spreadsheets unless --raw-csv. */
static ts_csv_mode text_mode(const export_options *opt)
{
    return opt->raw_csv ? TS_CSV_RAW : TS_CSV_SAFE;
}

static const char *code_label(const ts_var *v, long k, export_values how)
{
    return how == EXPORT_LABELS_EN && v->codes[k].label_en[0] ? v->codes[k].label_en : v->codes[k].label;
}

static void put_header(FILE *fp, ts_var **vars, size_t n, const export_options *opt)
{
    size_t col = 0;
    for (size_t i = 0; i < n; i++) {
        const ts_var *v = vars[i];
        if (v->type == TS_VAR_MULTI && (opt->raw_layout ? v->layout == TS_MULTI_COLUMNS : !opt->multi_list)) {
            for (size_t k = 0; k < v->ncodes; k++) {
                if (opt->raw_layout && (long)k == skip_index(v))
                    continue; /* set by ingest, no raw column */
                ts_csv_sep(fp, col++);
                if (opt->raw_layout)
                    ts_csv_put_text_str(fp, v->codes[k].column, text_mode(opt));
                else
                    fprintf(fp, "%s_%d", v->name, v->codes[k].code);
            }
            continue;
        }
        ts_csv_sep(fp, col++);
        ts_csv_put_text_str(fp, opt->raw_layout ? v->source : v->name, text_mode(opt));
    }
    putc('\n', fp);
}

static void put_number(FILE *fp, const ts_var *v, size_t row, const export_options *opt)
{
    long skip = opt->raw_layout ? skip_index(v) : -1;
    if (skip >= 0 && ts_var_num(v, row) == v->codes[skip].code)
        return; /* 非該当: blank in the raw layout */
    if (opt->values != EXPORT_CODES && v->ncodes > 0 && v->type != TS_VAR_ID) {
        double x = ts_var_num(v, row);
        long k = isnan(x) || x != floor(x) ? -1 : ts_var_code_index(v, (int64_t)x);
        if (k >= 0) {
            ts_csv_put_text_str(fp, code_label(v, k, opt->values), text_mode(opt));
            return;
        }
    }
    if (v->storage == TS_STORE_F64) {
        double x = ts_var_num(v, row);
        if (!isnan(x)) {
            char buf[32];
            ts_format_double(x, buf);
            fputs(buf, fp);
        }
        return;
    }
    int64_t x = ts_var_int(v, row);
    if (x != TS_MISSING_INT)
        fprintf(fp, "%lld", (long long)x);
}

/* The text between the labels of a multi answer in list form: the separator the codebook gave
 * (ingest records it as codebook.separator.NAME), so that labels go out as the form tool wrote
 * them ("家族, 友人"); codes are always joined by ";". */
static const char *label_separator(const ts_dataset *ds, const ts_var *v)
{
    char key[96];
    snprintf(key, sizeof key, "codebook.separator.%s", v->name);
    const char *sep = ts_dataset_get_meta(ds, key);
    return sep ? sep : ";";
}

static void put_multi(FILE *fp, const ts_var *v, size_t row, size_t *col, const export_options *opt,
                      const char *sep)
{
    uint64_t m = ts_var_mask(v, row);
    int columns = opt->raw_layout ? v->layout == TS_MULTI_COLUMNS : !opt->multi_list;
    long skip = opt->raw_layout ? skip_index(v) : -1;
    if (skip >= 0 && m == (uint64_t)1 << skip)
        m = TS_MISSING_MASK; /* 非該当: blank in the raw layout */
    if (columns) {
        for (size_t k = 0; k < v->ncodes; k++) {
            if ((long)k == skip)
                continue;
            ts_csv_sep(fp, (*col)++);
            if (m != TS_MISSING_MASK)
                putc(m >> k & 1 ? '1' : '0', fp);
        }
        return;
    }
    ts_csv_sep(fp, (*col)++);
    if (m == TS_MISSING_MASK)
        return;
    ts_strbuf cellbuf = TS_STRBUF_INIT;
    for (size_t k = 0; k < v->ncodes; k++)
        if (m >> k & 1) {
            if (cellbuf.len)
                ts_strbuf_append_str(&cellbuf, opt->values == EXPORT_CODES ? ";" : sep);
            if (opt->values == EXPORT_CODES)
                ts_strbuf_printf(&cellbuf, "%d", v->codes[k].code);
            else
                ts_strbuf_append_str(&cellbuf, code_label(v, (long)k, opt->values));
        }
    if (m == 0 && ts_var_code_index(v, 0) < 0)
        ts_strbuf_append_char(&cellbuf, '0'); /* answered, nothing chosen: not the same as missing */
    ts_csv_put_text(fp, cellbuf.data ? cellbuf.data : "", cellbuf.len, text_mode(opt));
    ts_strbuf_free(&cellbuf);
}

ts_status export_run(const export_options *opt, ts_err *err)
{
    ts_dataset *ds = ts_dataset_read(opt->input, err);
    if (!ds)
        return err->status;
    ts_var **vars = NULL;
    size_t n = 0;
    ts_status st = pick_vars(ds, opt, &vars, &n, err);
    if (st != TS_OK) {
        ts_dataset_free(ds);
        return st;
    }
    if (opt->format != EXPORT_CSV) {
        st = export_statfile(ds, vars, n, opt, err);
        free(vars);
        ts_dataset_free(ds);
        return st;
    }
    ts_atomicfile *af = ts_atomicfile_open(opt->output, err);
    if (!af) {
        free(vars);
        ts_dataset_free(ds);
        return err->status;
    }
    FILE *fp = ts_atomicfile_stream(af);
    if (opt->bom)
        ts_csv_put_bom(fp);
    put_header(fp, vars, n, opt);
    const char **seps = calloc(n ? n : 1, sizeof *seps);
    if (!seps) {
        ts_atomicfile_abort(af);
        free(vars);
        ts_dataset_free(ds);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        seps[i] = label_separator(ds, vars[i]);
    for (size_t row = 0; row < ds->nrows; row++) {
        size_t col = 0;
        for (size_t i = 0; i < n; i++) {
            const ts_var *v = vars[i];
            if (v->type == TS_VAR_MULTI) {
                put_multi(fp, v, row, &col, opt, seps[i]);
                continue;
            }
            ts_csv_sep(fp, col++);
            if (v->type == TS_VAR_TEXT) {
                const char *t = ts_var_text(v, row);
                if (t)
                    ts_csv_put_text_str(fp, t, text_mode(opt));
            } else
                put_number(fp, v, row, opt);
        }
        putc('\n', fp);
    }
    free(seps);
    free(vars);
    ts_dataset_free(ds);
    return ts_atomicfile_commit(af, err);
}

ts_status export_describe(const char *input, FILE *out, ts_err *err)
{
    ts_dataset *ds = ts_dataset_read(input, err);
    if (!ds)
        return err->status;
    fprintf(out, "%s: %zu rows, %zu variables\n", input, ds->nrows, ds->nvars);
    for (size_t i = 0; i < ds->nmeta; i++)
        fprintf(out, "  %s = %s\n", ds->meta[i].key, ds->meta[i].value);
    for (size_t i = 0; i < ds->nvars; i++) {
        const ts_var *v = ds->vars[i];
        size_t missing = 0, skipped = 0;
        long skip = skip_index(v);
        for (size_t r = 0; r < ds->nrows; r++) {
            missing += ts_var_is_missing(v, r) != 0;
            skipped += ts_var_is_skipped(v, r) != 0;
        }
        fprintf(out, "%s\t%s\t%s\t[%s]\tmissing %zu", v->name, ts_vartype_name(v->type), v->label, v->source,
                missing);
        if (skip >= 0)
            fprintf(out, " (非該当 %zu: not asked)", skipped);
        fputc('\n', out);
        for (size_t k = 0; k < v->ncodes; k++)
            fprintf(out, "  %d\t%s%s\n", v->codes[k].code, v->codes[k].label,
                    v->codes[k].missing == TS_CODE_SKIPPED ? "\t(missing: 非該当, not asked)"
                    : v->codes[k].missing                ? "\t(missing)"
                                                         : "");
    }
    ts_dataset_free(ds);
    return ferror(out) ? ts_err_set(err, TS_E_IO, "write error") : TS_OK;
}
