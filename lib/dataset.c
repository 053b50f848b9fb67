/* dataset.c — see dataset.h; the file layout is documented in docs/dataset-format.md. */
#include "dataset.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "atomicfile.h"
#include "strbuf.h"


/* ---- variables --------------------------------------------------------------------------- */

static size_t storage_width(ts_storage s)
{
    switch (s) {
    case TS_STORE_U8: case TS_STORE_MASK8: return 1;
    case TS_STORE_MASK16: return 2;
    case TS_STORE_I32: case TS_STORE_MASK32: return 4;
    case TS_STORE_I64: case TS_STORE_F64: case TS_STORE_MASK64: return 8;
    case TS_STORE_TEXT: return sizeof(char *);
    }
    return 8;
}

ts_var *ts_var_new(const char *name, ts_vartype type)
{
    ts_var *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->name = ts_strdup(name);
    v->label = ts_strdup("");
    v->label_en = ts_strdup("");
    v->source = ts_strdup("");
    if (!v->name || !v->label || !v->label_en || !v->source) {
        ts_var_free(v);
        return NULL;
    }
    v->type = type;
    ts_var_choose_storage(v);
    return v;
}

void ts_var_free(ts_var *v)
{
    if (!v)
        return;
    if (v->storage == TS_STORE_TEXT && v->data) {
        /* Text cells are freed by the dataset, which knows the row count. */
    }
    for (size_t i = 0; i < v->ncodes; i++) {
        free(v->codes[i].label);
        free(v->codes[i].label_en);
        free(v->codes[i].column);
    }
    free(v->codes);
    free(v->code_slots);
    free(v->name);
    free(v->label);
    free(v->label_en);
    free(v->source);
    free(v->data);
    free(v);
}

/* Up to this many codes ts_var_code_index scans; beyond, it looks in the hash. */
#define CODE_SCAN_MAX 16

static size_t code_slot(int64_t code, size_t nslots)
{
    uint64_t h = (uint64_t)code * UINT64_C(0x9E3779B97F4A7C15); /* Fibonacci hashing */
    return (size_t)(h >> 32) & (nslots - 1);
}

/* Put codes[i] in the hash unless an earlier index holds its code: a lookup gives the first
 * index with a code, as the scan did. */
static void code_hash_put(ts_var *v, size_t i)
{
    size_t s = code_slot(v->codes[i].code, v->nslots);
    while (v->code_slots[s] != 0) {
        if (v->codes[v->code_slots[s] - 1].code == v->codes[i].code) {
            v->code_dups = 1;
            return;
        }
        s = (s + 1) & (v->nslots - 1);
    }
    v->code_slots[s] = i + 1;
}

/* Make room in the hash for N codes and put the first N - 1 in it if it was rebuilt. */
static int code_hash_reserve(ts_var *v, size_t n)
{
    if (n <= CODE_SCAN_MAX || 2 * n <= v->nslots)
        return 0;
    size_t nslots = 64;
    while (nslots < 2 * n)
        nslots *= 2;
    size_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    free(v->code_slots);
    v->code_slots = slots;
    v->nslots = nslots;
    for (size_t i = 0; i + 1 < n; i++)
        code_hash_put(v, i);
    return 0;
}

int ts_var_add_code(ts_var *v, int32_t code, int missing, const char *label, const char *label_en,
                    const char *column)
{
    if (v->ncodes == v->cap_codes) {
        size_t cap = v->cap_codes ? 2 * v->cap_codes : 8;
        ts_code *c = realloc(v->codes, cap * sizeof *c);
        if (!c)
            return -1;
        v->codes = c;
        v->cap_codes = cap;
    }
    if (code_hash_reserve(v, v->ncodes + 1) != 0)
        return -1;
    ts_code *n = &v->codes[v->ncodes];
    n->code = code;
    n->missing = missing;
    n->label = ts_strdup(label ? label : "");
    n->label_en = ts_strdup(label_en ? label_en : "");
    n->column = ts_strdup(column ? column : "");
    if (!n->label || !n->label_en || !n->column) {
        free(n->label);
        free(n->label_en);
        free(n->column);
        return -1;
    }
    if (code >= 0 && code <= 255)
        v->byte_kind[code] |= (unsigned char)(TS_BYTE_CODE | (missing ? TS_BYTE_MISSING : 0));
    if (missing && v->ncodes < 64)
        v->miss_bits |= (uint64_t)1 << v->ncodes;
    v->ncodes++;
    if (v->code_slots)
        code_hash_put(v, v->ncodes - 1);
    if (missing == TS_CODE_SKIPPED && v->skip_plus1 == 0)
        v->skip_plus1 = v->ncodes;
    return 0;
}

/* Whether X is a missing code of V: through the hash when it has one and no code is there
 * twice (then the first index with X is the only one), else by the scan of every code. */
static int missing_code(const ts_var *v, double x)
{
    if (v->code_slots && !v->code_dups) {
        if (!(x == floor(x) && fabs(x) <= 2147483647.0))
            return 0; /* no code */
        long k = ts_var_code_index(v, (int64_t)x);
        return k >= 0 && v->codes[k].missing;
    }
    for (size_t i = 0; i < v->ncodes; i++)
        if (v->codes[i].missing && v->codes[i].code == x)
            return 1;
    return 0;
}

long ts_var_code_index(const ts_var *v, int64_t code)
{
    if (!v->code_slots) {
        for (size_t i = 0; i < v->ncodes; i++)
            if (v->codes[i].code == code)
                return (long)i;
        return -1;
    }
    for (size_t s = code_slot(code, v->nslots); v->code_slots[s] != 0; s = (s + 1) & (v->nslots - 1))
        if (v->codes[v->code_slots[s] - 1].code == code)
            return (long)(v->code_slots[s] - 1);
    return -1;
}

void ts_var_choose_storage(ts_var *v)
{
    switch (v->type) {
    case TS_VAR_ID: v->storage = TS_STORE_I64; break;
    case TS_VAR_SINGLE: {
        int small = 1;
        for (size_t i = 0; i < v->ncodes; i++)
            if (v->codes[i].code < 0 || v->codes[i].code > 254)
                small = 0;
        v->storage = small ? TS_STORE_U8 : TS_STORE_I32;
        break;
    }
    case TS_VAR_MULTI:
        v->storage = v->ncodes <= 7 ? TS_STORE_MASK8 : v->ncodes <= 15 ? TS_STORE_MASK16
                   : v->ncodes <= 31 ? TS_STORE_MASK32 : TS_STORE_MASK64;
        break;
    case TS_VAR_INTEGER: v->storage = TS_STORE_I32; break;
    case TS_VAR_NUMERIC: v->storage = TS_STORE_F64; break;
    case TS_VAR_TEXT: v->storage = TS_STORE_TEXT; break;
    }
}

const char *ts_vartype_name(ts_vartype t)
{
    switch (t) {
    case TS_VAR_ID: return "id";
    case TS_VAR_SINGLE: return "single";
    case TS_VAR_MULTI: return "multi";
    case TS_VAR_INTEGER: return "integer";
    case TS_VAR_NUMERIC: return "numeric";
    case TS_VAR_TEXT: return "text";
    }
    return "?";
}

/* ---- cells ------------------------------------------------------------------------------- */

static uint64_t mask_missing(ts_storage s)
{
    switch (s) {
    case TS_STORE_MASK8: return UINT8_MAX;
    case TS_STORE_MASK16: return UINT16_MAX;
    case TS_STORE_MASK32: return UINT32_MAX;
    default: return UINT64_MAX;
    }
}

int64_t ts_var_int(const ts_var *v, size_t row)
{
    switch (v->storage) {
    case TS_STORE_U8: {
        uint8_t x = ((const uint8_t *)v->data)[row];
        return x == UINT8_MAX ? TS_MISSING_INT : x;
    }
    case TS_STORE_I32: {
        int32_t x = ((const int32_t *)v->data)[row];
        return x == INT32_MIN ? TS_MISSING_INT : x;
    }
    case TS_STORE_I64: return ((const int64_t *)v->data)[row];
    case TS_STORE_F64: {
        double x = ((const double *)v->data)[row];
        /* outside int64's range the conversion is undefined: such a value has no integer */
        return isnan(x) || !(x > -9.2e18 && x < 9.2e18) ? TS_MISSING_INT : (int64_t)x;
    }
    default: return TS_MISSING_INT;
    }
}

double ts_var_num(const ts_var *v, size_t row)
{
    if (v->storage == TS_STORE_F64)
        return ((const double *)v->data)[row];
    int64_t x = ts_var_int(v, row);
    return x == TS_MISSING_INT ? NAN : (double)x;
}

uint64_t ts_var_mask(const ts_var *v, size_t row)
{
    uint64_t x;
    switch (v->storage) {
    case TS_STORE_MASK8: x = ((const uint8_t *)v->data)[row]; break;
    case TS_STORE_MASK16: x = ((const uint16_t *)v->data)[row]; break;
    case TS_STORE_MASK32: x = ((const uint32_t *)v->data)[row]; break;
    case TS_STORE_MASK64: x = ((const uint64_t *)v->data)[row]; break;
    default: return TS_MISSING_MASK;
    }
    return x == mask_missing(v->storage) ? TS_MISSING_MASK : x;
}

const char *ts_var_text(const ts_var *v, size_t row)
{
    return v->storage == TS_STORE_TEXT ? ((char *const *)v->data)[row] : NULL;
}

int ts_var_set_int(ts_var *v, size_t row, int64_t x)
{
    switch (v->storage) {
    case TS_STORE_U8:
        if (x != TS_MISSING_INT && (x < 0 || x > 254))
            return -1;
        ((uint8_t *)v->data)[row] = x == TS_MISSING_INT ? UINT8_MAX : (uint8_t)x;
        return 0;
    case TS_STORE_I32:
        if (x != TS_MISSING_INT && (x <= INT32_MIN || x > INT32_MAX))
            return -1;
        ((int32_t *)v->data)[row] = x == TS_MISSING_INT ? INT32_MIN : (int32_t)x;
        return 0;
    case TS_STORE_I64: ((int64_t *)v->data)[row] = x; return 0;
    case TS_STORE_F64: ((double *)v->data)[row] = x == TS_MISSING_INT ? NAN : (double)x; return 0;
    default: return -1;
    }
}

void ts_var_set_num(ts_var *v, size_t row, double x)
{
    if (v->storage == TS_STORE_F64)
        ((double *)v->data)[row] = x;
    else
        ts_var_set_int(v, row, isnan(x) ? TS_MISSING_INT : (int64_t)x);
}

void ts_var_set_mask(ts_var *v, size_t row, uint64_t m)
{
    if (m == TS_MISSING_MASK)
        m = mask_missing(v->storage);
    switch (v->storage) {
    case TS_STORE_MASK8: ((uint8_t *)v->data)[row] = (uint8_t)m; break;
    case TS_STORE_MASK16: ((uint16_t *)v->data)[row] = (uint16_t)m; break;
    case TS_STORE_MASK32: ((uint32_t *)v->data)[row] = (uint32_t)m; break;
    case TS_STORE_MASK64: ((uint64_t *)v->data)[row] = m; break;
    default: break;
    }
}

int ts_var_set_text(ts_var *v, size_t row, const char *s, size_t len)
{
    char **cells = v->data;
    free(cells[row]);
    cells[row] = NULL;
    if (!s)
        return 0;
    cells[row] = ts_strndup(s, len);
    return cells[row] ? 0 : -1;
}

int ts_var_is_skipped(const ts_var *v, size_t row)
{
    /* the first code with missing=skip, kept by ts_var_add_code: no scan of the codes per row */
    for (size_t k = v->skip_plus1 ? v->skip_plus1 - 1 : v->ncodes; k < v->ncodes; k++) {
        if (v->codes[k].missing != TS_CODE_SKIPPED)
            continue;
        if (v->type == TS_VAR_MULTI)
            return ts_var_mask(v, row) == (uint64_t)1 << k;
        if (v->type == TS_VAR_SINGLE || v->type == TS_VAR_INTEGER || v->type == TS_VAR_NUMERIC)
            return ts_var_num(v, row) == v->codes[k].code;
        return 0;
    }
    return 0;
}

int ts_var_is_missing(const ts_var *v, size_t row)
{
    if (v->storage == TS_STORE_U8) { /* a single variable whose codes are 0..254 */
        uint8_t x = ((const uint8_t *)v->data)[row];
        return x == UINT8_MAX || (v->byte_kind[x] & TS_BYTE_MISSING) != 0;
    }
    switch (v->type) {
    case TS_VAR_MULTI: {
        uint64_t m = ts_var_mask(v, row);
        return m == TS_MISSING_MASK || (m & v->miss_bits) != 0;
    }
    case TS_VAR_TEXT: return ts_var_text(v, row) == NULL;
    case TS_VAR_NUMERIC: {
        double x = ts_var_num(v, row);
        if (isnan(x))
            return 1;
        return missing_code(v, x);
    }
    default: {
        int64_t x = ts_var_int(v, row);
        if (x == TS_MISSING_INT)
            return 1;
        if (!(x >= INT32_MIN && x <= INT32_MAX))
            return 0; /* no code */
        return missing_code(v, (double)x);
    }
    }
}

int ts_var_is_listed(const ts_var *v, size_t row)
{
    if (v->storage == TS_STORE_U8) {
        uint8_t x = ((const uint8_t *)v->data)[row];
        return x != UINT8_MAX && (v->byte_kind[x] & (TS_BYTE_CODE | TS_BYTE_MISSING)) == TS_BYTE_CODE;
    }
    if (ts_var_is_missing(v, row))
        return 0;
    long k = ts_var_code_index(v, ts_var_int(v, row));
    return k >= 0 && !v->codes[k].missing;
}

/* ---- the dataset ------------------------------------------------------------------------- */

ts_dataset *ts_dataset_new(void)
{
    return calloc(1, sizeof(ts_dataset));
}

static void free_text_cells(ts_var *v, size_t nrows)
{
    if (v->storage != TS_STORE_TEXT || !v->data)
        return;
    char **cells = v->data;
    for (size_t i = 0; i < nrows; i++)
        free(cells[i]);
}

void ts_dataset_free(ts_dataset *ds)
{
    if (!ds)
        return;
    for (size_t i = 0; i < ds->nvars; i++) {
        free_text_cells(ds->vars[i], ds->nrows);
        ts_var_free(ds->vars[i]);
    }
    free(ds->vars);
    for (size_t i = 0; i < ds->nmeta; i++) {
        free(ds->meta[i].key);
        free(ds->meta[i].value);
    }
    free(ds->meta);
    free(ds);
}

/* Fill rows [from, to) of V with system missing. */
static void fill_missing(ts_var *v, size_t from, size_t to)
{
    if (from >= to)
        return;
    /* U8 and every mask width use all-ones bytes for missing: one memset. */
    if (v->storage == TS_STORE_U8 || (v->storage >= TS_STORE_MASK8 && v->storage <= TS_STORE_MASK64)) {
        size_t w = storage_width(v->storage);
        memset((char *)v->data + from * w, 0xFF, (to - from) * w);
        return;
    }
    for (size_t r = from; r < to; r++) {
        switch (v->storage) {
        case TS_STORE_TEXT: ((char **)v->data)[r] = NULL; break;
        case TS_STORE_F64: ((double *)v->data)[r] = NAN; break;
        case TS_STORE_I64: ((int64_t *)v->data)[r] = 0; break;
        case TS_STORE_U8: case TS_STORE_I32: ts_var_set_int(v, r, TS_MISSING_INT); break;
        default: ts_var_set_mask(v, r, TS_MISSING_MASK); break;
        }
    }
}

static int var_resize(ts_var *v, size_t old_cap, size_t cap)
{
    size_t w = storage_width(v->storage);
    if (cap > SIZE_MAX / w)
        return -1;
    void *p = realloc(v->data, cap ? cap * w : 1);
    if (!p)
        return -1;
    v->data = p;
    if (cap > old_cap)
        fill_missing(v, old_cap, cap);
    return 0;
}

int ts_dataset_add_var(ts_dataset *ds, ts_var *v)
{
    if (var_resize(v, 0, ds->cap_rows) != 0)
        return -1;
    ts_var **vars = realloc(ds->vars, (ds->nvars + 1) * sizeof *vars);
    if (!vars)
        return -1;
    ds->vars = vars;
    ds->vars[ds->nvars++] = v;
    return 0;
}

ts_var *ts_dataset_find(const ts_dataset *ds, const char *name)
{
    for (size_t i = 0; i < ds->nvars; i++)
        if (strcmp(ds->vars[i]->name, name) == 0)
            return ds->vars[i];
    return NULL;
}

int ts_dataset_reserve(ts_dataset *ds, size_t n)
{
    if (n <= ds->cap_rows)
        return 0;
    size_t cap = ds->cap_rows ? ds->cap_rows : 1024;
    while (cap < n)
        cap = cap > SIZE_MAX / 2 ? n : cap * 2; /* doubling past SIZE_MAX wrapped to 0: a hang */
    for (size_t i = 0; i < ds->nvars; i++)
        if (var_resize(ds->vars[i], ds->cap_rows, cap) != 0)
            return -1;
    ds->cap_rows = cap;
    return 0;
}

int ts_dataset_reserve_exact(ts_dataset *ds, size_t n)
{
    if (n <= ds->cap_rows)
        return 0;
    for (size_t i = 0; i < ds->nvars; i++)
        if (var_resize(ds->vars[i], ds->cap_rows, n) != 0)
            return -1;
    ds->cap_rows = n;
    return 0;
}

void ts_dataset_filter_rows(ts_dataset *ds, const unsigned char *keep)
{
    for (size_t i = 0; i < ds->nvars; i++) {
        ts_var *v = ds->vars[i];
        size_t w = storage_width(v->storage), out = 0;
        char *d = v->data;
        for (size_t r = 0; r < ds->nrows; r++) {
            if (keep[r]) {
                if (out != r)
                    memcpy(d + out * w, d + r * w, w);
                out++;
            } else if (v->storage == TS_STORE_TEXT) {
                free(((char **)v->data)[r]);
            }
        }
        fill_missing(v, out, ds->nrows);
    }
    size_t out = 0;
    for (size_t r = 0; r < ds->nrows; r++)
        out += keep[r] != 0;
    ds->nrows = out;
}

int ts_dataset_set_meta(ts_dataset *ds, const char *key, const char *value)
{
    for (size_t i = 0; i < ds->nmeta; i++)
        if (strcmp(ds->meta[i].key, key) == 0) {
            char *v = ts_strdup(value);
            if (!v)
                return -1;
            free(ds->meta[i].value);
            ds->meta[i].value = v;
            return 0;
        }
    ts_meta *m = realloc(ds->meta, (ds->nmeta + 1) * sizeof *m);
    if (!m)
        return -1;
    ds->meta = m;
    m[ds->nmeta].key = ts_strdup(key);
    m[ds->nmeta].value = ts_strdup(value);
    if (!m[ds->nmeta].key || !m[ds->nmeta].value) {
        free(m[ds->nmeta].key);
        free(m[ds->nmeta].value);
        return -1;
    }
    ds->nmeta++;
    return 0;
}

const char *ts_dataset_get_meta(const ts_dataset *ds, const char *key)
{
    for (size_t i = 0; i < ds->nmeta; i++)
        if (strcmp(ds->meta[i].key, key) == 0)
            return ds->meta[i].value;
    return NULL;
}

ts_var *ts_var_copy_def(const ts_var *v)
{
    ts_var *c = ts_var_new(v->name, v->type);
    if (!c)
        return NULL;
    free(c->label);
    free(c->label_en);
    free(c->source);
    c->label = ts_strdup(v->label);
    c->label_en = ts_strdup(v->label_en);
    c->source = ts_strdup(v->source);
    c->storage = v->storage;
    c->has_min = v->has_min;
    c->has_max = v->has_max;
    c->min = v->min;
    c->max = v->max;
    c->layout = v->layout;
    int bad = !c->label || !c->label_en || !c->source;
    for (size_t i = 0; i < v->ncodes && !bad; i++)
        bad = ts_var_add_code(c, v->codes[i].code, v->codes[i].missing, v->codes[i].label,
                              v->codes[i].label_en, v->codes[i].column) != 0;
    if (bad) {
        ts_var_free(c);
        return NULL;
    }
    return c;
}

/* The label of language LANG that ingest kept as provenance (KEY "label_LANG.VAR" or
 * "label_LANG.VAR.CODE", docs/dataset-format.md), else the English one, else the Japanese.
 * Borrowed. */
static const char *label_in(const ts_dataset *ds, const char *lang, const char *var, const char *code,
                            const char *ja, const char *en)
{
    if (strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0) {
        char key[512];
        int k = code ? snprintf(key, sizeof key, "label_%s.%s.%s", lang, var, code)
                     : snprintf(key, sizeof key, "label_%s.%s", lang, var);
        const char *s = k > 0 && (size_t)k < sizeof key ? ts_dataset_get_meta(ds, key) : NULL;
        if (s && *s)
            return s;
    }
    if (strcmp(lang, "ja") != 0 && en && *en)
        return en;
    return ja;
}

/* Replace *DST by a copy of S (S may be *DST itself: nothing to do). */
static int set_label(char **dst, const char *s)
{
    if (s == *dst)
        return 0;
    char *c = ts_strdup(s);
    if (!c)
        return -1;
    free(*dst);
    *dst = c;
    return 0;
}

int ts_dataset_use_labels(ts_dataset *ds, const char *lang)
{
    if (!lang || strcmp(lang, "ja") == 0)
        return 0;
    for (size_t i = 0; i < ds->nvars; i++) {
        ts_var *v = ds->vars[i];
        if (set_label(&v->label, label_in(ds, lang, v->name, NULL, v->label, v->label_en)) != 0)
            return -1;
        for (size_t k = 0; k < v->ncodes; k++) {
            char code[16];
            snprintf(code, sizeof code, "%d", (int)v->codes[k].code);
            if (set_label(&v->codes[k].label,
                          label_in(ds, lang, v->name, code, v->codes[k].label, v->codes[k].label_en)) != 0)
                return -1;
        }
    }
    return 0;
}
