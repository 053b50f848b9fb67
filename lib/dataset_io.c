/* dataset_io.c — reading and writing the dataset file (docs/dataset-format.md).
 *
 * Layout: a 36-byte header (magic, version, row and variable counts, its own CRC-32), then
 * sections, each `tag[4] length:u64 payload crc32:u32`: one META (provenance and variable
 * definitions), one DATA per variable in order, and END. Integers are little-endian whatever
 * the host. Every length read from a file is checked against what is left of the file before
 * anything is allocated with it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "atomicfile.h"
#include "dataset.h"
#include "strbuf.h"

static const unsigned char MAGIC[8] = {0x89, 'T', 'S', 'D', '\r', '\n', 0x1A, '\n'};
enum { FORMAT_VERSION = 1, HEADER_SIZE = 36 };
enum { MAX_VARS = 1000000, MAX_CODES = 1000000, MAX_META = 1000000 };

/* ---- little-endian encoding -------------------------------------------------------------- */

static void le_put(unsigned char *p, uint64_t x, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(x >> (8 * i));
}

static uint64_t le_get(const unsigned char *p, int n)
{
    uint64_t x = 0;
    for (int i = 0; i < n; i++)
        x |= (uint64_t)p[i] << (8 * i);
    return x;
}

static int put_uint(ts_strbuf *b, uint64_t x, int n)
{
    unsigned char tmp[8];
    le_put(tmp, x, n);
    return ts_strbuf_append(b, tmp, (size_t)n);
}

static int put_str(ts_strbuf *b, const char *s)
{
    size_t n = strlen(s);
    return put_uint(b, n, 4) || ts_strbuf_append(b, s, n);
}

static int put_f64(ts_strbuf *b, double x)
{
    uint64_t u;
    memcpy(&u, &x, 8);
    return put_uint(b, u, 8);
}

/* ---- writing ----------------------------------------------------------------------------- */

/* A section whose payload is streamed: length first (known in advance), CRC at the end. */
typedef struct section_out {
    FILE *fp;
    uLong crc;
    unsigned char buf[1 << 16];
    size_t used;
} section_out;

static void sec_flush(section_out *s)
{
    s->crc = crc32(s->crc, s->buf, (uInt)s->used);
    fwrite(s->buf, 1, s->used, s->fp);
    s->used = 0;
}

static void sec_bytes(section_out *s, const void *p, size_t n)
{
    const unsigned char *c = p;
    while (n > 0) {
        if (s->used == sizeof s->buf)
            sec_flush(s);
        size_t k = sizeof s->buf - s->used < n ? sizeof s->buf - s->used : n;
        memcpy(s->buf + s->used, c, k);
        s->used += k;
        c += k;
        n -= k;
    }
}

static void sec_uint(section_out *s, uint64_t x, int n)
{
    unsigned char tmp[8];
    le_put(tmp, x, n);
    sec_bytes(s, tmp, (size_t)n);
}

static void sec_begin(section_out *s, FILE *fp, const char tag[4], uint64_t len)
{
    unsigned char head[12];
    memcpy(head, tag, 4);
    le_put(head + 4, len, 8);
    fwrite(head, 1, sizeof head, fp);
    s->fp = fp;
    s->crc = crc32(0, NULL, 0);
    s->used = 0;
}

static void sec_end(section_out *s)
{
    sec_flush(s);
    unsigned char tail[4];
    le_put(tail, s->crc, 4);
    fwrite(tail, 1, 4, s->fp);
}

static size_t width_of(ts_storage st)
{
    switch (st) {
    case TS_STORE_U8: case TS_STORE_MASK8: return 1;
    case TS_STORE_MASK16: return 2;
    case TS_STORE_I32: case TS_STORE_MASK32: return 4;
    default: return 8;
    }
}

static int encode_meta(const ts_dataset *ds, ts_strbuf *b)
{
    int rc = put_uint(b, ds->nmeta, 4);
    for (size_t i = 0; i < ds->nmeta && !rc; i++)
        rc = put_str(b, ds->meta[i].key) || put_str(b, ds->meta[i].value);
    for (size_t i = 0; i < ds->nvars && !rc; i++) {
        const ts_var *v = ds->vars[i];
        unsigned flags = (v->has_min ? 1u : 0) | (v->has_max ? 2u : 0) | (v->layout == TS_MULTI_COLUMNS ? 4u : 0);
        rc = put_str(b, v->name) || put_uint(b, v->type, 1) || put_uint(b, v->storage, 1) ||
             put_uint(b, flags, 1) || put_str(b, v->label) || put_str(b, v->label_en) ||
             put_str(b, v->source) || put_f64(b, v->has_min ? v->min : 0) ||
             put_f64(b, v->has_max ? v->max : 0) || put_uint(b, v->ncodes, 4);
        for (size_t k = 0; k < v->ncodes && !rc; k++) {
            const ts_code *c = &v->codes[k];
            rc = put_uint(b, (uint32_t)c->code, 4) || put_uint(b, c->missing == TS_CODE_SKIPPED ? 2 : c->missing ? 1 : 0, 1) ||
                 put_str(b, c->label) || put_str(b, c->label_en) || put_str(b, c->column);
        }
    }
    return rc ? -1 : 0;
}

static uint64_t data_length(const ts_dataset *ds, const ts_var *v)
{
    if (v->storage != TS_STORE_TEXT)
        return (uint64_t)ds->nrows * width_of(v->storage);
    uint64_t n = 0;
    for (size_t r = 0; r < ds->nrows; r++) {
        const char *t = ts_var_text(v, r);
        n += 4 + (t ? strlen(t) : 0);
    }
    return n;
}

static int host_is_little_endian(void)
{
    const uint16_t probe = 1;
    unsigned char first;
    memcpy(&first, &probe, 1);
    return first == 1;
}

static void write_data(section_out *s, const ts_dataset *ds, const ts_var *v)
{
    size_t w = width_of(v->storage);
    if (v->storage != TS_STORE_TEXT && host_is_little_endian()) {
        /* The column is already in file order: one CRC and one write for all of it. */
        sec_flush(s);
        s->crc = crc32_z(s->crc, v->data, ds->nrows * w);
        fwrite(v->data, w, ds->nrows, s->fp);
        return;
    }
    for (size_t r = 0; r < ds->nrows; r++) {
        if (v->storage == TS_STORE_TEXT) {
            const char *t = ts_var_text(v, r);
            size_t n = t ? strlen(t) : 0;
            sec_uint(s, t ? n : UINT32_MAX, 4);
            sec_bytes(s, t, n);
        } else {
            /* Read the value in host order, store it little-endian. */
            uint64_t x;
            const char *src = (const char *)v->data + r * w;
            if (w == 8) {
                memcpy(&x, src, 8);
            } else if (w == 4) {
                uint32_t u;
                memcpy(&u, src, 4);
                x = u;
            } else if (w == 2) {
                uint16_t u;
                memcpy(&u, src, 2);
                x = u;
            } else {
                x = *(const uint8_t *)src;
            }
            sec_uint(s, x, (int)w);
        }
    }
}

ts_status ts_dataset_write(const ts_dataset *ds, const char *path, ts_err *err)
{
    ts_strbuf meta = TS_STRBUF_INIT;
    if (encode_meta(ds, &meta) != 0) {
        ts_strbuf_free(&meta);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    ts_atomicfile *af = ts_atomicfile_open(path, err);
    if (!af) {
        ts_strbuf_free(&meta);
        return err ? err->status : TS_E_CANTCREAT;
    }
    FILE *fp = ts_atomicfile_stream(af);
    unsigned char head[HEADER_SIZE];
    memcpy(head, MAGIC, 8);
    le_put(head + 8, FORMAT_VERSION, 4);
    le_put(head + 12, 0, 4);
    le_put(head + 16, ds->nrows, 8);
    le_put(head + 24, ds->nvars, 4);
    le_put(head + 28, 0, 4);
    le_put(head + 32, crc32(0, head, 32), 4);
    fwrite(head, 1, sizeof head, fp);

    section_out *s = malloc(sizeof *s);
    if (!s) {
        ts_strbuf_free(&meta);
        ts_atomicfile_abort(af);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    sec_begin(s, fp, "META", meta.len);
    sec_bytes(s, meta.data, meta.len);
    sec_end(s);
    ts_strbuf_free(&meta);
    for (size_t i = 0; i < ds->nvars; i++) {
        sec_begin(s, fp, "DATA", data_length(ds, ds->vars[i]));
        write_data(s, ds, ds->vars[i]);
        sec_end(s);
    }
    sec_begin(s, fp, "END ", 0);
    sec_end(s);
    free(s);
    return ts_atomicfile_commit(af, err);
}

/* ---- reading ----------------------------------------------------------------------------- */

typedef struct cursor {
    const unsigned char *p, *end;
    int bad;
} cursor;

static uint64_t get_uint(cursor *c, int n)
{
    if (c->bad || c->end - c->p < n) {
        c->bad = 1;
        return 0;
    }
    uint64_t x = le_get(c->p, n);
    c->p += n;
    return x;
}

static char *get_str(cursor *c)
{
    uint64_t n = get_uint(c, 4);
    if (c->bad || (uint64_t)(c->end - c->p) < n) {
        c->bad = 1;
        return NULL;
    }
    char *s = ts_strndup((const char *)c->p, (size_t)n);
    c->p += n;
    if (!s)
        c->bad = 1;
    return s;
}

static double get_f64(cursor *c)
{
    uint64_t u = get_uint(c, 8);
    double x;
    memcpy(&x, &u, 8);
    return x;
}

/* The bytes of a dataset, from a file (read a section at a time: the file is never held
 * whole) or from memory. */
typedef struct reader {
    FILE *fp;                /* or NULL: read from MEM */
    const unsigned char *mem;
    const char *path;
    uint64_t left;           /* bytes of the input not yet read */
} reader;

/* Copy the next N bytes (N <= rd->left, which the caller checks) to DST. Returns 0 or -1 (a
 * read error). The copy from memory keeps one code path and lets ASan see a section's end. */
static int read_bytes(reader *rd, void *dst, size_t n)
{
    if (rd->fp) {
        if (fread(dst, 1, n, rd->fp) != n)
            return -1;
    } else if (n > 0) {
        memcpy(dst, rd->mem, n);
        rd->mem += n;
    }
    rd->left -= n;
    return 0;
}

/* Length of TAG without its padding spaces: "END " is named END in messages. */
static int tag_len(const char *tag)
{
    int n = 4;
    while (n > 0 && tag[n - 1] == ' ')
        n--;
    return n;
}

/* Read one section with tag TAG into a new buffer (*OUT, *LEN), checking its CRC. */
static ts_status read_section(reader *rd, const char *tag, unsigned char **out, uint64_t *len, ts_err *err)
{
    int tl = tag_len(tag);
    unsigned char head[12];
    if (rd->left < 12 || read_bytes(rd, head, 12) != 0)
        return ts_err_set(err, TS_E_DATA, "%s: file ends early (truncated?): expected section %.*s",
                          rd->path, tl, tag);
    if (memcmp(head, tag, 4) != 0)
        return ts_err_set(err, TS_E_DATA, "%s: damaged file: expected section %.*s", rd->path, tl, tag);
    uint64_t n = le_get(head + 4, 8);
    if (n > rd->left || rd->left - n < 4)
        return ts_err_set(err, TS_E_DATA, "%s: file ends early (truncated?) inside section %.*s",
                          rd->path, tl, tag);
    unsigned char *buf = malloc(n ? (size_t)n : 1);
    if (!buf)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    unsigned char tail[4];
    if (read_bytes(rd, buf, (size_t)n) != 0 || read_bytes(rd, tail, 4) != 0) {
        free(buf);
        return ts_err_set(err, TS_E_IO, "%s: read error", rd->path);
    }
    if (crc32_z(crc32(0, NULL, 0), buf, (size_t)n) != le_get(tail, 4)) {
        free(buf);
        return ts_err_set(err, TS_E_DATA, "%s: damaged file: checksum of section %.*s does not match",
                          rd->path, tl, tag);
    }
    *out = buf;
    *len = n;
    return TS_OK;
}

static int valid_storage(ts_vartype t, ts_storage s)
{
    switch (t) {
    case TS_VAR_ID: return s == TS_STORE_I64;
    case TS_VAR_SINGLE: return s == TS_STORE_U8 || s == TS_STORE_I32;
    case TS_VAR_MULTI: return s >= TS_STORE_MASK8 && s <= TS_STORE_MASK64;
    case TS_VAR_INTEGER: return s == TS_STORE_I32 || s == TS_STORE_U8;
    case TS_VAR_NUMERIC: return s == TS_STORE_F64;
    case TS_VAR_TEXT: return s == TS_STORE_TEXT;
    }
    return 0;
}

static ts_status decode_meta(ts_dataset *ds, cursor *c, size_t nvars, const char *path, ts_err *err)
{
    uint64_t nmeta = get_uint(c, 4);
    if (nmeta > MAX_META)
        c->bad = 1;
    for (uint64_t i = 0; i < nmeta && !c->bad; i++) {
        char *k = get_str(c), *v = get_str(c);
        if (!c->bad && ts_dataset_set_meta(ds, k, v) != 0)
            c->bad = 1;
        free(k);
        free(v);
    }
    for (size_t i = 0; i < nvars && !c->bad; i++) {
        char *name = get_str(c);
        ts_vartype type = (ts_vartype)get_uint(c, 1);
        ts_storage storage = (ts_storage)get_uint(c, 1);
        unsigned flags = (unsigned)get_uint(c, 1);
        ts_var *v = c->bad ? NULL : ts_var_new(name, type);
        free(name);
        if (!v || !valid_storage(type, storage)) {
            ts_var_free(v);
            c->bad = 1;
            break;
        }
        v->storage = storage;
        v->has_min = flags & 1;
        v->has_max = (flags >> 1) & 1;
        v->layout = flags & 4 ? TS_MULTI_COLUMNS : TS_MULTI_LIST;
        free(v->label);
        free(v->label_en);
        free(v->source);
        v->label = get_str(c);
        v->label_en = get_str(c);
        v->source = get_str(c);
        v->min = get_f64(c);
        v->max = get_f64(c);
        uint64_t ncodes = get_uint(c, 4);
        if (ncodes > MAX_CODES || (type == TS_VAR_MULTI && ncodes > 63))
            c->bad = 1;
        for (uint64_t k = 0; k < ncodes && !c->bad; k++) {
            int32_t code = (int32_t)(uint32_t)get_uint(c, 4);
            int missing = (int)get_uint(c, 1);
            char *l = get_str(c), *le = get_str(c), *col = get_str(c);
            if (!c->bad && ts_var_add_code(v, code, missing, l, le, col) != 0)
                c->bad = 1;
            free(l);
            free(le);
            free(col);
        }
        if (c->bad || !v->label || !v->label_en || !v->source || ts_dataset_add_var(ds, v) != 0) {
            c->bad = 1;
            ts_var_free(v);
        }
    }
    if (c->bad || c->p != c->end)
        return ts_err_set(err, TS_E_DATA, "%s: damaged file: variable definitions do not parse", path);
    return TS_OK;
}

/* Column V's NROWS values from the DATA payload P (LEN bytes) into V, or, when !HOLD (a
 * variable the reader does not keep), only checked as they would be read: the same messages
 * for the same damage, nothing stored. */
static ts_status decode_data(ts_var *v, int hold, size_t nrows, const unsigned char *p, uint64_t len,
                             const char *path, ts_err *err)
{
    if (v->storage == TS_STORE_TEXT) {
        cursor c = {p, p + len, 0};
        for (size_t r = 0; r < nrows && !c.bad; r++) {
            uint64_t n = get_uint(&c, 4);
            if (n == UINT32_MAX)
                continue;
            if ((uint64_t)(c.end - c.p) < n || (hold && ts_var_set_text(v, r, (const char *)c.p, (size_t)n) != 0))
                c.bad = 1;
            else
                c.p += n;
        }
        if (c.bad || c.p != c.end)
            return ts_err_set(err, TS_E_DATA, "%s: damaged file: column %s does not parse", path, v->name);
        return TS_OK;
    }
    size_t w = width_of(v->storage);
    if (len != (uint64_t)nrows * w)
        return ts_err_set(err, TS_E_DATA, "%s: damaged file: column %s has the wrong size", path, v->name);
    for (size_t r = 0; hold && r < nrows; r++) {
        uint64_t x = le_get(p + r * w, (int)w);
        char *dst = (char *)v->data + r * w;
        if (w == 8)
            memcpy(dst, &x, 8);
        else if (w == 4) {
            uint32_t u = (uint32_t)x;
            memcpy(dst, &u, 4);
        } else if (w == 2) {
            uint16_t u = (uint16_t)x;
            memcpy(dst, &u, 2);
        } else
            *(uint8_t *)dst = (uint8_t)x;
    }
    return TS_OK;
}

/* The one dataset parser, over the input of RD (RD->left bytes in all), keeping the variables
 * KEEP chooses (NULL: all). */
static ts_dataset *read_dataset(reader *rd, ts_dataset_keep_fn keep, void *ctx, ts_err *err)
{
    const char *path = rd->path;
    ts_dataset *ds = NULL;
    unsigned char *buf = NULL, *kept = NULL;
    ts_var **all = NULL; /* every variable of the file, once the kept ones are in DS */
    size_t nall = 0;
    uint64_t len;
    unsigned char head[HEADER_SIZE];
    if (rd->left < HEADER_SIZE || read_bytes(rd, head, HEADER_SIZE) != 0 || memcmp(head, MAGIC, 8) != 0) {
        ts_err_set(err, TS_E_DATA, "%s: not a tsunagari dataset (made by tsunagari-ingest?)", path);
        goto fail;
    }
    if (le_get(head + 32, 4) != crc32(0, head, 32)) {
        ts_err_set(err, TS_E_DATA, "%s: damaged file: header checksum does not match", path);
        goto fail;
    }
    uint64_t version = le_get(head + 8, 4);
    if (version != FORMAT_VERSION) {
        ts_err_set(err, TS_E_DATA, "%s: dataset format version %llu; this tsunagari reads version %d",
                   path, (unsigned long long)version, FORMAT_VERSION);
        goto fail;
    }
    uint64_t nrows = le_get(head + 16, 8), nvars = le_get(head + 24, 4);
    /* Every row takes at least one byte in every column: cap the counts by the file size.
     * Rows without a variable take none, so a checksum-valid header could claim 10^12 of them
     * (every reader would then loop over empty rows): no dataset tsunagari writes has rows
     * but no variable, and none has more rows than a size_t can count bytes of. */
    if (nvars > MAX_VARS || (nvars > 0 && nrows > rd->left / nvars) || (nvars == 0 && nrows > 0) ||
        nrows > SIZE_MAX / 16) {
        ts_err_set(err, TS_E_DATA, "%s: damaged file: %llu rows × %llu variables cannot fit in it", path,
                   (unsigned long long)nrows, (unsigned long long)nvars);
        goto fail;
    }
    /* The columns get their room once the variables to keep are known, and exactly NROWS
     * values each (not ts_dataset_reserve's doubling: 5% more at a million rows, 31% at 100k). */
    if (!(ds = ts_dataset_new())) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto fail;
    }
    if (read_section(rd, "META", &buf, &len, err) != TS_OK)
        goto fail;
    cursor c = {buf, buf + len, 0};
    if (decode_meta(ds, &c, (size_t)nvars, path, err) != TS_OK)
        goto fail;
    free(buf);
    buf = NULL;
    nall = ds->nvars;
    ts_var **defs = malloc((nall ? nall : 1) * sizeof *defs);
    if (!(kept = malloc(nall ? nall : 1)) || !defs) {
        free(defs);
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto fail;
    }
    memset(kept, keep ? 0 : 1, nall);
    if (keep && keep(ds, kept, ctx) != 0) {
        free(defs);
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto fail;
    }
    /* DS keeps the chosen variables; ALL has every definition, for reading the rest */
    memcpy(defs, ds->vars, nall * sizeof *defs);
    all = defs;
    ds->nvars = 0;
    for (size_t i = 0; i < nall; i++)
        if (kept[i])
            ds->vars[ds->nvars++] = all[i];
    if (ts_dataset_reserve_exact(ds, (size_t)nrows) != 0) {
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto fail;
    }
    ds->nrows = (size_t)nrows;
    for (size_t i = 0; i < nall; i++) {
        if (read_section(rd, "DATA", &buf, &len, err) != TS_OK ||
            decode_data(all[i], kept[i], ds->nrows, buf, len, path, err) != TS_OK)
            goto fail;
        free(buf);
        buf = NULL;
    }
    if (read_section(rd, "END ", &buf, &len, err) != TS_OK)
        goto fail;
    if (rd->left != 0) {
        ts_err_set(err, TS_E_DATA, "%s: damaged file: %llu unexpected bytes after the end", path,
                   (unsigned long long)rd->left);
        goto fail;
    }
    free(buf);
    for (size_t i = 0; i < nall; i++)
        if (!kept[i])
            ts_var_free(all[i]);
    free(all);
    free(kept);
    return ds;
fail:
    free(buf);
    /* until ALL is set every variable is in DS; then the ones not kept are ALL's alone */
    for (size_t i = 0; all && i < nall; i++)
        if (!kept[i])
            ts_var_free(all[i]);
    free(all);
    free(kept);
    ts_dataset_free(ds);
    return NULL;
}

ts_dataset *ts_dataset_read(const char *path, ts_err *err)
{
    return ts_dataset_read_some(path, NULL, NULL, err);
}

ts_dataset *ts_dataset_read_some(const char *path, ts_dataset_keep_fn keep, void *ctx, ts_err *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        ts_err_set(err, TS_E_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    ts_dataset *ds = NULL;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        ts_err_set(err, TS_E_NOINPUT, "%s: not a regular file", path);
    } else {
        reader rd = {fp, NULL, path, (uint64_t)st.st_size};
        ds = read_dataset(&rd, keep, ctx, err);
    }
    fclose(fp);
    return ds;
}

ts_dataset *ts_dataset_read_mem(const void *data, size_t n, const char *name, ts_err *err)
{
    return ts_dataset_read_mem_some(data, n, name, NULL, NULL, err);
}

ts_dataset *ts_dataset_read_mem_some(const void *data, size_t n, const char *name, ts_dataset_keep_fn keep,
                                     void *ctx, ts_err *err)
{
    reader rd = {NULL, data, name, n};
    return read_dataset(&rd, keep, ctx, err);
}
