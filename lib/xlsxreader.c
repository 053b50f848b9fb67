/* xlsxreader.c — see xlsxreader.h. The parts read, in order: _rels/.rels (where the
 * workbook is), the workbook (sheet names and order, date1904) and its relationships (where
 * each sheet, the styles and the shared strings are), styles.xml (which cell styles show a
 * number as a date), sharedStrings.xml (into one arena), then the sheet: once raw for its
 * merged ranges, once through xmlTextReader for its rows, one row per ts_xlsxreader_next. */
#include "xlsxreader.h"
#include "timestamp.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <zip.h>

#include "grow.h"
#include "strbuf.h"

#define MAX_PART_BYTES ((uint64_t)4 << 30) /* unpacked XML of one part: past it, a zip bomb */
enum {
    MAX_SST_BYTES = 1 << 29,               /* all shared strings together (offsets are 32-bit) */
    MAX_SST_COUNT = 1 << 24,               /* 64 MiB of offsets */
    MAX_STYLES = 1 << 16,                  /* cell formats (Excel allows 64,000) */
    MAX_RELS = 1 << 13,                    /* a workbook's parts; sheets are looked up among */
    MAX_SHEETS = 1 << 12,                  /* them one by one, so both stay small */
    MAX_MERGES = 1 << 20,                  /* 16 MiB of ranges */
    MAX_ROW_BYTES = 16 * TS_CSV_MAX_FIELD, /* one row's cells together */
    ATTR_CAP = 32                          /* a cell's r, t or s attribute */
};

/* What a cell style makes of a number: bits of a date and of a time of day. */
enum { FMT_DATE = 1, FMT_TIME = 2 };

typedef struct rel {
    char *id, *type, *target; /* target resolved to a part name */
} rel;

typedef struct rel_list {
    rel *v;
    size_t n, cap;
} rel_list;

typedef struct sheet_info {
    char *name, *rid;
} sheet_info;

typedef struct merge {
    uint32_t r1, c1, r2, c2; /* 1-based, inclusive */
    char *val;               /* the top-left value, once its row has been read as a header row */
} merge;

typedef struct cellpos {
    uint32_t col; /* 1-based */
    size_t off, len;
} cellpos;

/* One XML part being streamed: the zip entry, the XML reader over it, and why it failed. */
typedef struct part {
    const char *book; /* the workbook's file name, for messages */
    char *path;       /* the part's name in the zip */
    zip_file_t *zf;
    xmlTextReaderPtr xr;
    uint64_t nread;
    int zip_code;     /* libzip's error when reading failed, else 0 */
    int zip_sys;
    int too_big;
    int doctype;
    int xml_failed;
    int xml_line;
    char xml_msg[200];
} part;

struct ts_xlsxreader {
    char *name;
    zip_t *za;
    int date1904;
    int header_rows;
    char *sheet_name;

    /* shared strings: string i is sst.data + sst_off[i], NUL-terminated */
    ts_strbuf sst;
    uint32_t *sst_off;
    size_t nsst, sst_cap;

    unsigned char *xf_kind; /* FMT_* of each cell style (cellXfs index) */
    size_t nxf;

    merge *merges;
    size_t nmerges, merges_cap;

    part sheet;
    int sheet_started, sheet_done;
    unsigned long row;      /* the last row number read */
    unsigned long emitted;  /* non-blank rows handed out */
    unsigned long blank;
    size_t expect;

    /* the row being read */
    ts_strbuf cells;        /* its cells' text, each NUL-terminated */
    cellpos *cv;
    size_t ncells, cv_cap;
    uint32_t last_col;
    ts_strbuf text;         /* the cell being read */
    int text_too_long;
    ts_field *fields;
    size_t fields_cap;
    ts_strbuf raw;
    ts_rec_problem problem;
    size_t problem_column;
    char problem_text[160];
};

static const char EMPTY[] = "";

static ts_status nomem(ts_err *err) { return ts_err_set(err, TS_E_NOMEM, "out of memory"); }

/* ---- streaming a part ------------------------------------------------------------------ */

static int part_read(void *ctx, char *buf, int len)
{
    part *p = ctx;
    zip_int64_t n = zip_fread(p->zf, buf, (zip_uint64_t)len);
    if (n < 0) {
        zip_error_t *ze = zip_file_get_error(p->zf);
        p->zip_code = zip_error_code_zip(ze);
        p->zip_sys = zip_error_code_system(ze);
        if (!p->zip_code)
            p->zip_code = ZIP_ER_READ;
        return -1;
    }
    p->nread += (uint64_t)n;
    if (p->nread > MAX_PART_BYTES) {
        p->too_big = 1;
        return -1;
    }
    return (int)n;
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    part *p = ctx;
    if (p->xml_failed || !e || e->level < XML_ERR_ERROR)
        return;
    p->xml_failed = 1;
    p->xml_line = e->line;
    snprintf(p->xml_msg, sizeof p->xml_msg, "%s", e->message ? e->message : "not well-formed");
    size_t n = strlen(p->xml_msg);
    while (n > 0 && (p->xml_msg[n - 1] == '\n' || p->xml_msg[n - 1] == ' '))
        p->xml_msg[--n] = '\0';
}

/* libxml2 prints errors it cannot give to a reader (before one exists) through its global
 * handler; lib/ never prints, so those are dropped: every failure is seen through the reader. */
static void drop_xml_error(void *ctx, xmlErrorPtr e) { (void)ctx; (void)e; }

static ts_status zip_message(ts_err *err, const char *book, const char *what, int code, int sys)
{
    if (code == ZIP_ER_CRC)
        return ts_err_set(err, TS_E_DATA, "%s: %s: CRC error: the file is damaged", book, what);
    if (code == ZIP_ER_MEMORY)
        return nomem(err);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_error_set(&ze, code, sys);
    ts_err_set(err, TS_E_DATA, "%s: %s: cannot unpack: %s", book, what, zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return TS_E_DATA;
}

/* The status and message for a part whose reading failed. */
static ts_status part_fail(part *p, ts_err *err)
{
    if (p->zip_code)
        return zip_message(err, p->book, p->path, p->zip_code, p->zip_sys);
    if (p->too_big)
        return ts_err_set(err, TS_E_DATA, "%s: %s: more than 4 GiB of XML once unpacked: no spreadsheet export is that big (a zip bomb?)",
                          p->book, p->path);
    if (p->nread == 0)
        return ts_err_set(err, TS_E_DATA, "%s: %s: the part is empty: damaged workbook", p->book, p->path);
    if (p->doctype)
        return ts_err_set(err, TS_E_DATA, "%s: %s: a DOCTYPE, which no Excel part has: refused", p->book, p->path);
    if (p->xml_failed)
        return ts_err_set(err, TS_E_DATA, "%s: %s:%d: malformed XML: %s", p->book, p->path, p->xml_line, p->xml_msg);
    return ts_err_set(err, TS_E_DATA, "%s: %s: malformed XML", p->book, p->path);
}

static void part_close(part *p)
{
    if (p->xr)
        xmlFreeTextReader(p->xr);
    if (p->zf)
        zip_fclose(p->zf);
    free(p->path);
    memset(p, 0, sizeof *p);
}

/* Locate a part by name (OPC names are case-insensitive). Returns its index or -1. */
static zip_int64_t locate(zip_t *za, const char *path)
{
    return zip_name_locate(za, path, ZIP_FL_NOCASE);
}

/* Open the zip entry PATH for reading. Returns 1, 0 when there is no such part, -1 with ERR. */
static int entry_open(ts_xlsxreader *r, part *p, const char *path, ts_err *err)
{
    memset(p, 0, sizeof *p);
    p->book = r->name;
    zip_int64_t idx = locate(r->za, path);
    if (idx < 0)
        return 0;
    p->path = ts_strdup(path);
    if (!p->path) {
        nomem(err);
        return -1;
    }
    p->zf = zip_fopen_index(r->za, (zip_uint64_t)idx, 0);
    if (!p->zf) {
        zip_error_t *ze = zip_get_error(r->za);
        zip_message(err, r->name, path, zip_error_code_zip(ze), zip_error_code_system(ze));
        part_close(p);
        return -1;
    }
    return 1;
}

/* Open PATH as XML. Returns 1, 0 when there is no such part, -1 with ERR set. */
static int part_open(ts_xlsxreader *r, part *p, const char *path, ts_err *err)
{
    int got = entry_open(r, p, path, err);
    if (got <= 0)
        return got;
    /* No entity substitution, no network, libxml2's default size limits (no XML_PARSE_HUGE). */
    p->xr = xmlReaderForIO(part_read, NULL, p, path, NULL, XML_PARSE_NONET | XML_PARSE_NOCDATA);
    if (!p->xr) {
        if (p->zip_code || p->too_big)
            part_fail(p, err);
        else
            nomem(err);
        part_close(p);
        return -1;
    }
    xmlTextReaderSetStructuredErrorHandler(p->xr, on_xml_error, p);
    return 1;
}

/* The next node: 1, 0 at the end, -1 when the part is damaged (part_fail says why). */
static int part_next(part *p)
{
    int rc = xmlTextReaderRead(p->xr);
    if (rc == 1 && xmlTextReaderNodeType(p->xr) == XML_READER_TYPE_DOCUMENT_TYPE) {
        p->doctype = 1;
        return -1;
    }
    if (rc == 0 && (p->xml_failed || p->zip_code || p->too_big))
        return -1;
    return rc < 0 ? -1 : rc;
}

static const char *local_name(part *p)
{
    const xmlChar *n = xmlTextReaderConstLocalName(p->xr);
    return n ? (const char *)n : "";
}

/* A copy of the current element's attribute LOCAL: unprefixed, or (PREFIXED) with any
 * namespace prefix (r:id). NULL when absent; *OOM set when memory ran out. */
static char *attr_dup(part *p, const char *local, int prefixed, int *oom)
{
    char *out = NULL;
    if (xmlTextReaderMoveToFirstAttribute(p->xr) == 1) {
        do {
            const xmlChar *prefix = xmlTextReaderConstPrefix(p->xr);
            if ((prefix != NULL) != (prefixed != 0))
                continue;
            if (prefix && strcmp((const char *)prefix, "xmlns") == 0)
                continue;
            if (strcmp(local_name(p), local) == 0) {
                const xmlChar *v = xmlTextReaderConstValue(p->xr);
                out = ts_strdup(v ? (const char *)v : "");
                if (!out)
                    *oom = 1;
                break;
            }
        } while (xmlTextReaderMoveToNextAttribute(p->xr) == 1);
        xmlTextReaderMoveToElement(p->xr);
    }
    return out;
}

static int is_element(part *p) { return xmlTextReaderNodeType(p->xr) == XML_READER_TYPE_ELEMENT; }
static int is_end(part *p) { return xmlTextReaderNodeType(p->xr) == XML_READER_TYPE_END_ELEMENT; }
static int is_text(part *p)
{
    int t = xmlTextReaderNodeType(p->xr);
    return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA || t == XML_READER_TYPE_WHITESPACE ||
           t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

/* ---- relationships --------------------------------------------------------------------- */

static void rels_free(rel_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].id);
        free(l->v[i].type);
        free(l->v[i].target);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* TARGET relative to the folder DIR ("xl/"), or absolute ("/xl/..."): a part name, with "."
 * and ".." segments resolved and backslashes read as slashes. NULL when out of memory. */
static char *resolve_target(const char *dir, const char *target)
{
    ts_strbuf in = TS_STRBUF_INIT;
    if (ts_strbuf_reserve(&in, 1) != 0)
        return NULL;
    if (target[0] != '/' && target[0] != '\\' && ts_strbuf_append_str(&in, dir) != 0)
        return NULL;
    if (ts_strbuf_append_str(&in, target) != 0) {
        ts_strbuf_free(&in);
        return NULL;
    }
    char *s = in.data;
    for (char *c = s; *c; c++)
        if (*c == '\\')
            *c = '/';
    /* Resolve segments in place: out never runs ahead of in. */
    size_t o = 0, i = 0, n = in.len;
    while (i < n) {
        while (i < n && s[i] == '/')
            i++;
        size_t j = i;
        while (j < n && s[j] != '/')
            j++;
        size_t len = j - i;
        if (len == 0)
            break;
        if (len == 1 && s[i] == '.') {
        } else if (len == 2 && s[i] == '.' && s[i + 1] == '.') {
            while (o > 0 && s[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else {
            if (o > 0)
                s[o++] = '/';
            memmove(s + o, s + i, len);
            o += len;
        }
        i = j;
    }
    s[o] = '\0';
    return s;
}

/* The folder of part PATH with its slash ("xl/" of "xl/workbook.xml"; "" at the top). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return ts_strndup(path, slash ? (size_t)(slash - path) + 1 : 0);
}

/* Read the relationships of part PATH (from DIR/_rels/NAME.rels) into L. Returns 1, 0 when
 * the part has none, -1 with ERR set. */
static int read_rels(ts_xlsxreader *r, const char *path, rel_list *l, ts_err *err)
{
    char *dir = dir_of(path);
    ts_strbuf rp = TS_STRBUF_INIT;
    if (!dir || ts_strbuf_printf(&rp, "%s_rels/%s.rels", dir, path + strlen(dir)) != 0) {
        free(dir);
        ts_strbuf_free(&rp);
        nomem(err);
        return -1;
    }
    part p;
    int got = part_open(r, &p, rp.data, err);
    ts_strbuf_free(&rp);
    if (got <= 0) {
        free(dir);
        return got;
    }
    int rc, oom = 0;
    while ((rc = part_next(&p)) == 1) {
        if (!is_element(&p) || strcmp(local_name(&p), "Relationship") != 0)
            continue;
        char *mode = attr_dup(&p, "TargetMode", 0, &oom);
        int external = mode && strcmp(mode, "External") == 0;
        free(mode);
        if (external)
            continue;
        if (l->n >= MAX_RELS) {
            ts_err_set(err, TS_E_DATA, "%s: %s: more than %d relationships", r->name, p.path, MAX_RELS);
            goto fail;
        }
        rel x = {attr_dup(&p, "Id", 0, &oom), attr_dup(&p, "Type", 0, &oom), NULL};
        char *target = attr_dup(&p, "Target", 0, &oom);
        if (target) {
            x.target = resolve_target(dir, target);
            oom |= !x.target;
        }
        free(target);
        rel *v = oom ? NULL : ts_grow(l->v, &l->cap, l->n + 1, sizeof *v, 8);
        if (v)
            l->v = v; /* ts_grow may have moved it */
        if (!v || !x.id || !x.type || !x.target) {
            free(x.id);
            free(x.type);
            free(x.target);
            if (oom || !v) {
                nomem(err);
                goto fail;
            }
            continue; /* a relationship without its attributes is of no use */
        }
        l->v = v;
        l->v[l->n++] = x;
    }
    if (rc < 0) {
        part_fail(&p, err);
        goto fail;
    }
    part_close(&p);
    free(dir);
    return 1;
fail:
    part_close(&p);
    free(dir);
    return -1;
}

static const rel *rel_by_type(const rel_list *l, const char *tail)
{
    for (size_t i = 0; i < l->n; i++)
        if (ends_with(l->v[i].type, tail))
            return &l->v[i];
    return NULL;
}

static const rel *rel_by_id(const rel_list *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].id, id) == 0)
            return &l->v[i];
    return NULL;
}

/* ---- the workbook ---------------------------------------------------------------------- */

typedef struct sheet_list {
    sheet_info *v;
    size_t n, cap;
} sheet_list;

static void sheets_free(sheet_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].rid);
    }
    free(l->v);
}

static int truthy(const char *v) { return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0); }

/* Read the sheets (in order) and date1904 from the workbook part PATH. Returns 0 or -1. */
static int read_workbook(ts_xlsxreader *r, const char *path, sheet_list *l, ts_err *err)
{
    part p;
    int got = part_open(r, &p, path, err);
    if (got < 0)
        return -1;
    if (got == 0) {
        ts_err_set(err, TS_E_DATA, "%s: no workbook part (%s): a zip archive, but not an Excel workbook", r->name, path);
        return -1;
    }
    int rc, oom = 0, root = 0;
    while ((rc = part_next(&p)) == 1) {
        if (!is_element(&p))
            continue;
        const char *n = local_name(&p);
        if (!root) {
            root = 1;
            if (strcmp(n, "workbook") != 0) {
                ts_err_set(err, TS_E_DATA, "%s: %s: <%s> where a <workbook> belongs: not an Excel workbook", r->name, path, n);
                goto fail;
            }
        } else if (strcmp(n, "workbookPr") == 0) {
            char *v = attr_dup(&p, "date1904", 0, &oom);
            r->date1904 = truthy(v);
            free(v);
        } else if (strcmp(n, "sheet") == 0) {
            if (l->n >= MAX_SHEETS) {
                ts_err_set(err, TS_E_DATA, "%s: %s: more than %d sheets", r->name, path, MAX_SHEETS);
                goto fail;
            }
            sheet_info s = {attr_dup(&p, "name", 0, &oom), attr_dup(&p, "id", 1, &oom)};
            sheet_info *v = oom ? NULL : ts_grow(l->v, &l->cap, l->n + 1, sizeof *v, 8);
            if (v)
                l->v = v; /* ts_grow may have moved it */
            if (!v || !s.name || !s.rid) {
                free(s.name);
                free(s.rid);
                if (oom || !v) {
                    nomem(err);
                    goto fail;
                }
                continue;
            }
            l->v = v;
            l->v[l->n++] = s;
        }
        if (oom) {
            nomem(err);
            goto fail;
        }
    }
    if (rc < 0) {
        part_fail(&p, err);
        goto fail;
    }
    part_close(&p);
    return 0;
fail:
    part_close(&p);
    return -1;
}

/* ---- styles: which cell formats are dates ---------------------------------------------- */

/* FMT_* of a builtin number format (ECMA-376 18.8.30, and the ids Excel gives the East Asian
 * date and time formats: 27-36 and 50-58 in a Japanese, Chinese or Korean Excel). 46,
 * [h]:mm:ss, is a duration, not a time of day: it stays a number (of days), as format_kind
 * leaves every elapsed-time format. */
static int builtin_kind(long id)
{
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) || (id >= 50 && id <= 58))
        return FMT_DATE;
    if ((id >= 18 && id <= 21) || id == 45 || id == 47 || id == 32 || id == 33)
        return FMT_TIME;
    if (id == 22)
        return FMT_DATE | FMT_TIME;
    return 0;
}

static int iequal_n(const char *s, const char *word)
{
    for (; *word; s++, word++)
        if (!*s || (*s | 0x20) != (*word | 0x20))
            return 0;
    return 1;
}

/* The next date or time letter of CODE at or after I (lower-cased), skipping what format_kind
 * skips; 0 at the end. For m: minutes when next to h or s, else months. */
static char next_letter(const char *code, size_t i)
{
    for (; code[i]; i++) {
        char c = (char)(code[i] | 0x20);
        if (code[i] == '"') {
            while (code[i + 1] && code[i + 1] != '"')
                i++;
            if (code[i + 1])
                i++;
        } else if (code[i] == '\\' || code[i] == '_' || code[i] == '*') {
            if (code[i + 1])
                i++;
        } else if (code[i] == '[') {
            while (code[i + 1] && code[i + 1] != ']')
                i++;
        } else if (c == 'y' || c == 'd' || c == 'h' || c == 's' || c == 'm') {
            return c;
        }
    }
    return 0;
}

/* FMT_* of a custom number format code: date letters (y, d, m as months, e and g for the
 * Japanese era, aaa for the weekday, b for the Buddhist year) and time letters (h, s, m as
 * minutes, AM/PM) outside quotes, escapes and [..] (colours, locales, conditions), in any
 * section. An elapsed time ([h], [mm], [ss]) is a duration: 0, a number. */
static int format_kind(const char *code)
{
    int kind = 0;
    char prev = 0;
    for (size_t i = 0; code[i]; i++) {
        char ch = code[i], c = (char)(ch | 0x20);
        if (ch == '"') {
            while (code[i + 1] && code[i + 1] != '"')
                i++;
            if (code[i + 1])
                i++;
        } else if (ch == '\\' || ch == '_' || ch == '*') {
            if (code[i + 1])
                i++;
        } else if (ch == '[') {
            size_t j = i + 1;
            int elapsed = code[j] != ']';
            for (; code[j] && code[j] != ']'; j++) {
                char e = (char)(code[j] | 0x20);
                if (e != 'h' && e != 'm' && e != 's')
                    elapsed = 0;
            }
            if (elapsed) /* [h]:mm:ss, [mm]:ss: a duration, no date or time of day */
                return 0;
            i = code[j] ? j : j - 1;
        } else if (iequal_n(code + i, "general")) {
            i += 6;
        } else if (iequal_n(code + i, "am/pm")) {
            kind |= FMT_TIME;
            i += 4;
        } else if (iequal_n(code + i, "a/p")) {
            kind |= FMT_TIME;
            i += 2;
        } else if (c == 'e' && (code[i + 1] == '+' || code[i + 1] == '-')) {
            i++; /* an exponent: 0.00E+00 */
        } else if (c == 'y' || c == 'd' || c == 'e' || c == 'g' || c == 'a' || c == 'b') {
            kind |= FMT_DATE;
            prev = 'd';
        } else if (c == 'h' || c == 's') {
            kind |= FMT_TIME;
            prev = c;
        } else if (c == 'm') {
            while ((code[i + 1] | 0x20) == 'm')
                i++;
            if (prev == 'h' || next_letter(code, i + 1) == 's')
                kind |= FMT_TIME;
            else
                kind |= FMT_DATE;
            prev = 'm';
        }
    }
    return kind;
}

/* Custom number formats by id: kind | FMT_DEFINED, in a table (ids are small numbers: 164 up,
 * or a builtin id redefined), so that a style's lookup costs nothing however many there are. */
enum { FMT_DEFINED = 0x80, MAX_NUMFMT_ID = 1 << 16 };

static int read_styles(ts_xlsxreader *r, const char *path, ts_err *err)
{
    part p;
    int got = part_open(r, &p, path, err);
    if (got <= 0)
        return got; /* no styles: no dates */
    unsigned char *custom = NULL;
    size_t xf_cap = 0;
    int rc, oom = 0, in_xfs = 0;
    while ((rc = part_next(&p)) == 1) {
        const char *n = local_name(&p);
        if (is_end(&p)) {
            if (strcmp(n, "cellXfs") == 0)
                in_xfs = 0;
            continue;
        }
        if (!is_element(&p))
            continue;
        if (strcmp(n, "numFmt") == 0) {
            char *id = attr_dup(&p, "numFmtId", 0, &oom), *code = attr_dup(&p, "formatCode", 0, &oom);
            long fid = id ? strtol(id, NULL, 10) : -1;
            if (code && fid >= 0 && fid < MAX_NUMFMT_ID) {
                if (!custom && !(custom = calloc(MAX_NUMFMT_ID, 1)))
                    oom = 1;
                else
                    custom[fid] = (unsigned char)(format_kind(code) | FMT_DEFINED);
            }
            free(id);
            free(code);
        } else if (strcmp(n, "cellXfs") == 0) {
            in_xfs = !xmlTextReaderIsEmptyElement(p.xr);
        } else if (in_xfs && strcmp(n, "xf") == 0) {
            if (r->nxf >= MAX_STYLES) {
                ts_err_set(err, TS_E_DATA, "%s: %s: more than %d cell formats", r->name, path, MAX_STYLES);
                goto fail;
            }
            char *id = attr_dup(&p, "numFmtId", 0, &oom);
            long fid = id ? strtol(id, NULL, 10) : 0;
            free(id);
            int kind = custom && fid >= 0 && fid < MAX_NUMFMT_ID && custom[fid] ? custom[fid] & ~FMT_DEFINED : builtin_kind(fid);
            unsigned char *v = ts_grow(r->xf_kind, &xf_cap, r->nxf + 1, 1, 16);
            if (v) {
                r->xf_kind = v;
                r->xf_kind[r->nxf++] = (unsigned char)kind;
            }
            oom |= !v;
        }
        if (oom) {
            nomem(err);
            goto fail;
        }
    }
    if (rc < 0) {
        part_fail(&p, err);
        goto fail;
    }
    free(custom);
    part_close(&p);
    return 1;
fail:
    free(custom);
    part_close(&p);
    return -1;
}

/* ---- text ------------------------------------------------------------------------------ */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Excel writes characters XML cannot hold (CR, control characters) as _xHHHH_, and a literal
 * "_x" that would look like one as _x005F_x...; decode them in place. Returns the new length. */
static size_t decode_escapes(char *s, size_t n)
{
    if (!memchr(s, '_', n))
        return n;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == '_' && i + 6 < n && s[i + 1] == 'x' && s[i + 6] == '_') {
            int h0 = hexval(s[i + 2]), h1 = hexval(s[i + 3]), h2 = hexval(s[i + 4]), h3 = hexval(s[i + 5]);
            if (h0 >= 0 && h1 >= 0 && h2 >= 0 && h3 >= 0) {
                unsigned cp = (unsigned)(h0 << 12 | h1 << 8 | h2 << 4 | h3);
                if (cp != 0 && (cp < 0xd800 || cp > 0xdfff)) {
                    if (cp < 0x80) {
                        s[o++] = (char)cp;
                    } else if (cp < 0x800) {
                        s[o++] = (char)(0xc0 | cp >> 6);
                        s[o++] = (char)(0x80 | (cp & 0x3f));
                    } else {
                        s[o++] = (char)(0xe0 | cp >> 12);
                        s[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
                        s[o++] = (char)(0x80 | (cp & 0x3f));
                    }
                    i += 7;
                    continue;
                }
            }
        }
        s[o++] = s[i++];
    }
    s[o] = '\0';
    return o;
}

/* ---- shared strings -------------------------------------------------------------------- */

static int read_shared_strings(ts_xlsxreader *r, const char *path, ts_err *err)
{
    part p;
    int got = part_open(r, &p, path, err);
    if (got <= 0)
        return got;
    int rc, in_si = 0, in_t = 0, in_rph = 0;
    size_t start = 0;
    while ((rc = part_next(&p)) == 1) {
        int type = xmlTextReaderNodeType(p.xr);
        if (type == XML_READER_TYPE_ELEMENT) {
            const char *n = local_name(&p);
            int empty = xmlTextReaderIsEmptyElement(p.xr);
            if (strcmp(n, "si") == 0) {
                in_si = 1;
                in_t = in_rph = 0;
                start = r->sst.len;
            } else if (in_si && strcmp(n, "rPh") == 0 && !empty) {
                in_rph = 1; /* furigana: the reading, not the text */
            } else if (in_si && !in_rph && strcmp(n, "t") == 0 && !empty) {
                in_t = 1;
            }
            if (!(empty && strcmp(n, "si") == 0))
                continue;
            type = XML_READER_TYPE_END_ELEMENT; /* <si/>: an empty string */
        }
        if (type == XML_READER_TYPE_END_ELEMENT) {
            const char *n = local_name(&p);
            if (strcmp(n, "t") == 0)
                in_t = 0;
            else if (strcmp(n, "rPh") == 0)
                in_rph = 0;
            else if (strcmp(n, "si") == 0 && in_si) {
                in_si = 0;
                size_t len = decode_escapes(r->sst.data ? r->sst.data + start : (char *)EMPTY, r->sst.len - start);
                r->sst.len = start + len;
                if (r->nsst >= MAX_SST_COUNT) {
                    ts_err_set(err, TS_E_DATA, "%s: %s: more than %d shared strings", r->name, path, MAX_SST_COUNT);
                    goto fail;
                }
                uint32_t *v = ts_grow(r->sst_off, &r->sst_cap, r->nsst + 1, sizeof *v, 256);
                if (!v)
                    goto oom;
                r->sst_off = v;
                if (ts_strbuf_append_char(&r->sst, '\0') != 0)
                    goto oom;
                r->sst_off[r->nsst++] = (uint32_t)start;
            }
        } else if (in_t && !in_rph && is_text(&p)) {
            const char *t = (const char *)xmlTextReaderConstValue(p.xr);
            size_t n = t ? strlen(t) : 0;
            if (r->sst.len - start + n > TS_CSV_MAX_FIELD) {
                ts_err_set(err, TS_E_DATA, "%s: %s: shared string %zu is longer than %d bytes", r->name, path, r->nsst,
                           TS_CSV_MAX_FIELD);
                goto fail;
            }
            if (r->sst.len + n > MAX_SST_BYTES) {
                ts_err_set(err, TS_E_DATA, "%s: %s: more than %d bytes of shared strings", r->name, path, MAX_SST_BYTES);
                goto fail;
            }
            if (ts_strbuf_append(&r->sst, t, n) != 0)
                goto oom;
        }
    }
    if (rc < 0) {
        part_fail(&p, err);
        goto fail;
    }
    part_close(&p);
    return 1;
oom:
    nomem(err);
fail:
    part_close(&p);
    return -1;
}

/* ---- cell references ------------------------------------------------------------------- */

/* Parse an A1 reference at *S (column letters, then a row number if ROW is not NULL) and
 * advance *S. Returns 0, or -1 when it is not one or is beyond Excel's limits. */
static int parse_ref(const char **s, uint32_t *col, uint32_t *row)
{
    const char *p = *s;
    uint32_t c = 0, rw = 0;
    int letters = 0, digits = 0;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
        c = c * 26 + (uint32_t)((*p | 0x20) - 'a' + 1);
        if (c > TS_XLSX_MAX_COLS || ++letters > 3)
            return -1;
        p++;
    }
    while (*p >= '0' && *p <= '9') {
        rw = rw * 10 + (uint32_t)(*p - '0');
        if (rw > TS_XLSX_MAX_ROWS || ++digits > 7)
            return -1;
        p++;
    }
    if (!letters || (row && (!digits || rw == 0)) || (!row && digits))
        return -1;
    *col = c;
    if (row)
        *row = rw;
    *s = p;
    return 0;
}

static void col_name(uint32_t col, char out[4])
{
    char tmp[4];
    int n = 0;
    while (col > 0 && n < 3) {
        tmp[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

/* ---- merged ranges: a raw first pass over the sheet ------------------------------------ */

/* <mergeCells> comes after <sheetData>, yet the header rows, which come first, need them.
 * Holding the rows until the end would hold the whole sheet; a second XML parse of the whole
 * sheet would double the cost. So a first pass reads the sheet's bytes without an XML parser:
 * it only finds tags, steps over comments, CDATA and quoted attribute values (which may hold
 * '>'), and reads the ref of each mergeCell tag — about the cost of unzipping the part.
 * Memory: 16 bytes a range, at most MAX_MERGES ranges. Reading the part to its end also has
 * libzip check its CRC, so a damaged sheet is refused before its first row. Whether the XML
 * is well formed is the second pass's to find out. */
typedef struct mscan {
    enum { M_TEXT, M_NAME, M_BODY, M_SKIP, M_COMMENT, M_CDATA } state;
    char name[16];
    size_t nlen;
    char body[256];
    size_t blen;
    char quote;
    int run; /* closing characters of a comment or CDATA matched so far */
} mscan;

static int add_merge(ts_xlsxreader *r, const char *ref, ts_err *err)
{
    uint32_t c1, r1, c2, r2;
    const char *s = ref;
    if (parse_ref(&s, &c1, &r1) != 0)
        return 0; /* a range that is not one is no merge */
    c2 = c1, r2 = r1;
    if (*s == ':') {
        s++;
        if (parse_ref(&s, &c2, &r2) != 0)
            return 0;
    }
    if (*s || c2 < c1 || r2 < r1 || (c1 == c2 && r1 == r2))
        return 0;
    if (r->nmerges >= MAX_MERGES)
        return ts_err_set(err, TS_E_DATA, "%s: sheet \"%s\": more than %d merged ranges", r->name, r->sheet_name, MAX_MERGES), -1;
    merge *v = ts_grow(r->merges, &r->merges_cap, r->nmerges + 1, sizeof *v, 16);
    if (!v)
        return nomem(err), -1;
    r->merges = v;
    r->merges[r->nmerges++] = (merge){r1, c1, r2, c2, NULL};
    return 0;
}

/* The ref="..." of a mergeCell tag's attributes BODY. */
static int merge_tag(ts_xlsxreader *r, const char *body, ts_err *err)
{
    const char *s = body;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '/')
            s++;
        const char *name = s;
        while (*s && *s != '=' && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            s++;
        size_t nlen = (size_t)(s - name);
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        if (*s != '=')
            return 0;
        s++;
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        char q = *s;
        if (q != '"' && q != '\'')
            return 0;
        const char *v = ++s;
        while (*s && *s != q)
            s++;
        if (!*s)
            return 0;
        if (nlen == 3 && memcmp(name, "ref", 3) == 0) {
            char ref[32];
            size_t vlen = (size_t)(s - v);
            if (vlen >= sizeof ref)
                return 0;
            memcpy(ref, v, vlen);
            ref[vlen] = '\0';
            return add_merge(r, ref, err);
        }
        s++;
    }
}

static int mscan_feed(ts_xlsxreader *r, mscan *m, const char *buf, size_t n, ts_err *err)
{
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        switch (m->state) {
        case M_TEXT: {
            const char *lt = memchr(buf + i, '<', n - i);
            if (!lt)
                return 0;
            i = (size_t)(lt - buf);
            m->state = M_NAME;
            m->nlen = 0;
            break;
        }
        case M_NAME:
            if (m->nlen == 3 && memcmp(m->name, "!--", 3) == 0) {
                m->state = M_COMMENT;
                m->run = 0;
                i--;
            } else if (m->nlen == 8 && memcmp(m->name, "![CDATA[", 8) == 0) {
                m->state = M_CDATA;
                m->run = 0;
                i--;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>') {
                const char *colon = memchr(m->name, ':', m->nlen);
                const char *local = colon ? colon + 1 : m->name;
                size_t llen = m->nlen - (size_t)(local - m->name);
                if (llen == 9 && memcmp(local, "mergeCell", 9) == 0 && m->name[0] != '/') {
                    m->state = M_BODY;
                    m->blen = 0;
                    m->quote = 0;
                    i--;
                } else if (c == '>') {
                    m->state = M_TEXT;
                } else {
                    m->state = M_SKIP;
                    m->quote = 0;
                }
            } else if (m->nlen < sizeof m->name) {
                m->name[m->nlen++] = c;
            } else {
                m->state = M_SKIP; /* a long name: not one we look for */
                m->quote = 0;
            }
            break;
        case M_BODY:
        case M_SKIP:
            if (m->quote) {
                if (c == m->quote)
                    m->quote = 0;
            } else if (c == '"' || c == '\'') {
                m->quote = c;
            } else if (c == '>') {
                if (m->state == M_BODY && m->blen < sizeof m->body) {
                    m->body[m->blen] = '\0';
                    if (merge_tag(r, m->body, err) != 0)
                        return -1;
                }
                m->state = M_TEXT;
                break;
            }
            if (m->state == M_BODY && m->blen < sizeof m->body)
                m->body[m->blen++] = c; /* a tag too long for body is no mergeCell of Excel's */
            break;
        case M_COMMENT:
            if (c == '>' && m->run >= 2)
                m->state = M_TEXT;
            m->run = c == '-' ? m->run + 1 : 0;
            break;
        case M_CDATA:
            if (c == '>' && m->run >= 2)
                m->state = M_TEXT;
            m->run = c == ']' ? m->run + 1 : 0;
            break;
        }
    }
    return 0;
}

static int scan_merges(ts_xlsxreader *r, const char *path, ts_err *err)
{
    part p;
    int got = entry_open(r, &p, path, err);
    if (got < 0)
        return -1;
    if (got == 0)
        return ts_err_set(err, TS_E_DATA, "%s: sheet \"%s\": its part %s is missing", r->name, r->sheet_name, path), -1;
    mscan m = {0};
    enum { CHUNK = 1 << 16 };
    char *buf = malloc(CHUNK);
    if (!buf) {
        part_close(&p);
        return nomem(err), -1;
    }
    int n, rc = 0;
    while ((n = part_read(&p, buf, CHUNK)) > 0)
        if (mscan_feed(r, &m, buf, (size_t)n, err) != 0) {
            rc = -1;
            break;
        }
    if (n < 0 || (rc == 0 && p.nread == 0)) { /* a damaged part, or an empty one */
        part_fail(&p, err);
        rc = -1;
    }
    free(buf);
    part_close(&p);
    return rc;
}

/* ---- opening --------------------------------------------------------------------------- */

static ts_xlsxreader *finish_open(ts_xlsxreader *r, const ts_xlsx_options *opts, ts_err *err)
{
    rel_list root = {0}, wrels = {0};
    sheet_list sheets = {0};
    char *wb_path = NULL;
    const char *want = opts && opts->sheet && opts->sheet[0] ? opts->sheet : NULL;

    int got = read_rels(r, "", &root, err); /* _rels/.rels */
    if (got < 0)
        goto fail;
    const rel *office = rel_by_type(&root, "/officeDocument");
    wb_path = ts_strdup(office ? office->target : "xl/workbook.xml");
    if (!wb_path) {
        nomem(err);
        goto fail;
    }
    if (read_workbook(r, wb_path, &sheets, err) != 0)
        goto fail;
    got = read_rels(r, wb_path, &wrels, err);
    if (got < 0)
        goto fail;
    if (got == 0) {
        ts_err_set(err, TS_E_DATA, "%s: the workbook has no relationships part, so its sheets cannot be found: damaged workbook",
                   r->name);
        goto fail;
    }

    /* The sheet: by name, or the first worksheet (not a chart sheet) in the workbook's order. */
    const sheet_info *chosen = NULL;
    const rel *target = NULL;
    for (int pass = 0; pass < 2 && want && !chosen; pass++)
        for (size_t i = 0; i < sheets.n && !chosen; i++)
            if (pass == 0 ? strcmp(sheets.v[i].name, want) == 0 : xmlStrcasecmp((const xmlChar *)sheets.v[i].name,
                                                                                  (const xmlChar *)want) == 0)
                chosen = &sheets.v[i];
    if (want && !chosen) {
        ts_strbuf names = TS_STRBUF_INIT;
        for (size_t i = 0; i < sheets.n && names.len < 400; i++)
            ts_strbuf_printf(&names, "%s\"%s\"", i ? ", " : "", sheets.v[i].name);
        if (sheets.n && names.len >= 400)
            ts_strbuf_append_str(&names, ", ...");
        ts_err_set(err, TS_E_DATA, "%s: no sheet named \"%s\"; the workbook's sheets are %s", r->name, want,
                   names.data ? names.data : "none");
        ts_strbuf_free(&names);
        goto fail;
    }
    if (chosen) {
        target = rel_by_id(&wrels, chosen->rid);
        if (target && !ends_with(target->type, "/worksheet")) {
            ts_err_set(err, TS_E_DATA, "%s: sheet \"%s\" is a chart or dialog sheet, not a worksheet of cells", r->name, chosen->name);
            goto fail;
        }
    } else {
        for (size_t i = 0; i < sheets.n && !chosen; i++) {
            const rel *t = rel_by_id(&wrels, sheets.v[i].rid);
            if (t && ends_with(t->type, "/worksheet")) {
                chosen = &sheets.v[i];
                target = t;
            }
        }
        if (!chosen) {
            ts_err_set(err, TS_E_DATA, "%s: the workbook has no worksheet", r->name);
            goto fail;
        }
    }
    if (!target) {
        ts_err_set(err, TS_E_DATA, "%s: sheet \"%s\" has no part in the workbook's relationships (%s): damaged workbook",
                   r->name, chosen->name, chosen->rid);
        goto fail;
    }
    r->sheet_name = ts_strdup(chosen->name);
    if (!r->sheet_name) {
        nomem(err);
        goto fail;
    }

    const rel *styles = rel_by_type(&wrels, "/styles");
    if (styles && read_styles(r, styles->target, err) < 0)
        goto fail;
    const rel *sst = rel_by_type(&wrels, "/sharedStrings");
    if (sst && read_shared_strings(r, sst->target, err) < 0)
        goto fail;
    if (scan_merges(r, target->target, err) != 0)
        goto fail;
    if (part_open(r, &r->sheet, target->target, err) <= 0)
        goto fail;

    free(wb_path);
    rels_free(&root);
    rels_free(&wrels);
    sheets_free(&sheets);
    return r;
fail:
    free(wb_path);
    rels_free(&root);
    rels_free(&wrels);
    sheets_free(&sheets);
    ts_xlsxreader_close(r, NULL);
    return NULL;
}

static ts_xlsxreader *new_reader(const char *name, const ts_xlsx_options *opts, ts_err *err)
{
    int hr = opts && opts->header_rows ? opts->header_rows : 1;
    if (hr < 1 || hr > 2) {
        ts_err_set(err, TS_E_USAGE, "header_rows must be 1 or 2, not %d", hr);
        return NULL;
    }
    ts_xlsxreader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = ts_strdup(name ? name : "(memory)"))) {
        free(r);
        nomem(err);
        return NULL;
    }
    r->header_rows = hr;
    xmlInitParser();
    xmlSetStructuredErrorFunc(NULL, drop_xml_error);
    return r;
}

static ts_status open_failed(ts_xlsxreader *r, zip_error_t *ze, const void *head, size_t n, ts_err *err)
{
    int code = zip_error_code_zip(ze);
    ts_status st;
    static const unsigned char ole[4] = {0xd0, 0xcf, 0x11, 0xe0}, pk[4] = {'P', 'K', 3, 4};
    if (code == ZIP_ER_NOZIP && n >= 4 && memcmp(head, pk, 4) == 0) {
        /* it starts as a zip does, but its end, the zip's directory, is not there */
        st = ts_err_set(err, TS_E_DATA, "%s: damaged zip archive: its directory at the end is missing: truncated?", r->name);
    } else if (code == ZIP_ER_NOZIP) {
        if (n >= 4 && memcmp(head, ole, 4) == 0)
            st = ts_err_set(err, TS_E_DATA, "%s: not an .xlsx but an OLE compound file: an Excel 97-2003 .xls, or a password-protected "
                            "workbook (save it again as .xlsx without a password)", r->name);
        else
            st = ts_err_set(err, TS_E_DATA, "%s: not a zip archive, so not an .xlsx workbook (a CSV or an old .xls renamed?)", r->name);
    } else if (code == ZIP_ER_INCONS) {
        st = ts_err_set(err, TS_E_DATA, "%s: damaged zip archive (its directory does not match its contents): truncated?", r->name);
    } else if (code == ZIP_ER_OPEN || code == ZIP_ER_NOENT) {
        errno = zip_error_code_system(ze);
        st = ts_err_set(err, TS_E_NOINPUT, "%s: cannot open: %s", r->name, strerror(errno ? errno : ENOENT));
    } else if (code == ZIP_ER_MEMORY) {
        st = nomem(err);
    } else if (code == ZIP_ER_READ) {
        st = ts_err_set(err, TS_E_IO, "%s: %s", r->name, zip_error_strerror(ze));
    } else {
        st = ts_err_set(err, TS_E_DATA, "%s: damaged zip archive: %s", r->name, zip_error_strerror(ze));
    }
    zip_error_fini(ze);
    ts_xlsxreader_close(r, NULL);
    return st;
}

ts_xlsxreader *ts_xlsxreader_open(const char *path, const ts_xlsx_options *opts, ts_err *err)
{
    ts_xlsxreader *r = new_reader(path, opts, err);
    if (!r)
        return NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    unsigned char head[4] = {0};
    size_t nhead = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        ts_err_set(err, TS_E_NOINPUT, "%s: cannot open: %s", path, strerror(e));
        zip_error_fini(&ze);
        ts_xlsxreader_close(r, NULL);
        return NULL;
    }
    nhead = fread(head, 1, sizeof head, f);
    int read_failed = ferror(f), e = errno;
    fclose(f);
    if (nhead == 0 && read_failed) { /* a folder, say */
        ts_err_set(err, TS_E_NOINPUT, "%s: cannot read: %s", path, strerror(e));
        zip_error_fini(&ze);
        ts_xlsxreader_close(r, NULL);
        return NULL;
    }
    if (nhead == 0) {
        ts_err_set(err, TS_E_DATA, "%s: empty file, not an .xlsx workbook", path);
        zip_error_fini(&ze);
        ts_xlsxreader_close(r, NULL);
        return NULL;
    }
    zip_source_t *src = zip_source_file_create(path, 0, -1, &ze);
    if (!src || !(r->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze))) {
        if (src)
            zip_source_free(src);
        open_failed(r, &ze, head, nhead, err);
        return NULL;
    }
    zip_error_fini(&ze);
    return finish_open(r, opts, err);
}

ts_xlsxreader *ts_xlsxreader_open_mem(const void *data, size_t n, const char *name, const ts_xlsx_options *opts, ts_err *err)
{
    ts_xlsxreader *r = new_reader(name, opts, err);
    if (!r)
        return NULL;
    if (n == 0) {
        ts_err_set(err, TS_E_DATA, "%s: empty file, not an .xlsx workbook", r->name);
        ts_xlsxreader_close(r, NULL);
        return NULL;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, n, 0, &ze);
    if (!src || !(r->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze))) {
        if (src)
            zip_source_free(src);
        open_failed(r, &ze, data, n, err);
        return NULL;
    }
    zip_error_fini(&ze);
    return finish_open(r, opts, err);
}

void ts_xlsxreader_expect_fields(ts_xlsxreader *r, size_t n) { r->expect = n; }
unsigned long ts_xlsxreader_blank_rows(const ts_xlsxreader *r) { return r->blank; }
const char *ts_xlsxreader_sheet_name(const ts_xlsxreader *r) { return r->sheet_name; }

ts_status ts_xlsxreader_close(ts_xlsxreader *r, ts_err *err)
{
    (void)err;
    if (!r)
        return TS_OK;
    part_close(&r->sheet);
    if (r->za)
        zip_discard(r->za); /* read only: nothing to write back */
    for (size_t i = 0; i < r->nmerges; i++)
        free(r->merges[i].val);
    free(r->merges);
    free(r->name);
    free(r->sheet_name);
    ts_strbuf_free(&r->sst);
    free(r->sst_off);
    free(r->xf_kind);
    ts_strbuf_free(&r->cells);
    free(r->cv);
    ts_strbuf_free(&r->text);
    free(r->fields);
    ts_strbuf_free(&r->raw);
    free(r);
    return TS_OK;
}

/* ---- values ---------------------------------------------------------------------------- */

/* A serial date V (days since the workbook's epoch, the fraction the time of day) as ISO
 * text: KIND FMT_DATE a date, with FMT_TIME a date and time, FMT_TIME alone a time of day
 * (HH:MM:SS) when V is under a day. Excel's 1900 system counts a 29 February 1900 (serial 60,
 * Lotus 1-2-3's leap-year bug) and shows serial 0 as 1900-01-00: both are written so. Returns
 * -1 for a value no date is shown for (negative, past 9999-12-31). */
static int format_serial(double v, int kind, int date1904, char *out, size_t cap)
{
    if (!(v >= 0) || v >= (date1904 ? 2957004.0 : 2958466.0))
        return -1;
    long long days, sod = 0;
    if (kind & FMT_TIME) {
        long long secs = llround(v * 86400.0);
        days = secs / 86400;
        sod = secs % 86400;
    } else {
        days = llround(v * 86400000.0) / 86400000; /* Excel rounds to the millisecond */
    }
    if (kind == FMT_TIME && days == 0) {
        snprintf(out, cap, "%02lld:%02lld:%02lld", sod / 3600, sod / 60 % 60, sod % 60);
        return 0;
    }
    int y, m, d;
    if (date1904) {
        ts_civil_from_days(ts_days_from_civil(1904, 1, 1) + days, &y, &m, &d);
    } else if (days == 60) {
        y = 1900, m = 2, d = 29;
    } else if (days == 0) {
        y = 1900, m = 1, d = 0;
    } else {
        ts_civil_from_days(ts_days_from_civil(1899, 12, days < 60 ? 31 : 30) + days, &y, &m, &d);
    }
    if (kind & FMT_TIME)
        snprintf(out, cap, "%04d-%02d-%02d %02lld:%02lld:%02lld", y, m, d, sod / 3600, sod / 60 % 60, sod % 60);
    else
        snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
    return 0;
}

/* A t="d" cell (ISO 8601 text) as the other dates are written: date, or date and time. */
static size_t format_iso(char *s, size_t n, int kind)
{
    int ok = n >= 10 && s[4] == '-' && s[7] == '-';
    if (!ok)
        return n;
    if (n >= 19 && s[10] == 'T' && s[13] == ':' && s[16] == ':' && kind != FMT_DATE) {
        s[10] = ' ';
        s[19] = '\0';
        return 19;
    }
    if (n == 10 || s[10] == 'T') {
        s[10] = '\0';
        return 10;
    }
    return n;
}

/* ---- reading rows ---------------------------------------------------------------------- */

static void set_problem(ts_xlsxreader *r, ts_rec_problem p, size_t column, const char *text)
{
    if (r->problem != TS_REC_OK)
        return; /* the first problem of a row is the one reported */
    r->problem = p;
    r->problem_column = column;
    snprintf(r->problem_text, sizeof r->problem_text, "%s", text);
}

/* An attribute copied into a fixed buffer: an over-long one becomes "\x01", which no parser
 * of it accepts. */
static void cell_attrs(part *p, char ref[ATTR_CAP], char t[ATTR_CAP], char s[ATTR_CAP])
{
    ref[0] = t[0] = s[0] = '\0';
    if (xmlTextReaderMoveToFirstAttribute(p->xr) != 1)
        return;
    do {
        if (xmlTextReaderConstPrefix(p->xr))
            continue;
        const char *n = local_name(p);
        char *out = n[0] && !n[1] ? (n[0] == 'r' ? ref : n[0] == 't' ? t : n[0] == 's' ? s : NULL) : NULL;
        if (!out)
            continue;
        const char *v = (const char *)xmlTextReaderConstValue(p->xr);
        size_t len = v ? strlen(v) : 0;
        if (len >= ATTR_CAP)
            strcpy(out, "\x01");
        else
            memcpy(out, v ? v : "", len + 1);
    } while (xmlTextReaderMoveToNextAttribute(p->xr) == 1);
    xmlTextReaderMoveToElement(p->xr);
}

typedef struct cell_state {
    int in_cell, in_v, in_is, in_t, in_rph;
    uint32_t col;
    char t[ATTR_CAP], s[ATTR_CAP];
} cell_state;

static ts_status sheet_error(ts_xlsxreader *r, ts_err *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A damaged sheet: "book.xlsx: sheet "回答" (xl/worksheets/sheet1.xml): WHAT". */
static ts_status sheet_error(ts_xlsxreader *r, ts_err *err, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ts_err_set(err, TS_E_DATA, "%s: sheet \"%s\" (%s): %s", r->name, r->sheet_name, r->sheet.path, what);
}

/* The cell's text by its type, appended to the row's cells. Returns 0 or -1 with ERR. */
static int finish_cell(ts_xlsxreader *r, cell_state *c, ts_err *err)
{
    char num[64], colbuf[4];
    const char *out = r->text.data ? r->text.data : EMPTY;
    size_t len = r->text.len;
    col_name(c->col, colbuf);
    if (r->text_too_long) {
        char msg[96];
        snprintf(msg, sizeof msg, "cell text is longer than %d bytes", TS_CSV_MAX_FIELD);
        set_problem(r, TS_REC_FIELD_TOO_LONG, c->col, msg);
        len = 0;
    } else if (strcmp(c->t, "s") == 0) {
        char *end;
        errno = 0;
        unsigned long long i = len ? strtoull(out, &end, 10) : 0;
        if (!len || *end || errno || out[0] == '-' || i >= r->nsst) {
            return sheet_error(r, err, "cell %s%lu: shared string \"%.20s\" does not exist (the workbook has %zu)", colbuf,
                               r->row, out, r->nsst), -1;
        }
        out = r->sst.data + r->sst_off[i];
        len = (i + 1 < r->nsst ? r->sst_off[i + 1] - 1 : r->sst.len - 1) - r->sst_off[i];
    } else if (strcmp(c->t, "inlineStr") == 0 || strcmp(c->t, "str") == 0) {
        len = decode_escapes(r->text.data ? r->text.data : (char *)EMPTY, len);
    } else if (strcmp(c->t, "b") == 0) {
        if (len == 1 && (out[0] == '0' || out[0] == '1')) {
            out = out[0] == '1' ? "TRUE" : "FALSE";
            len = strlen(out);
        }
    } else if (strcmp(c->t, "e") == 0) {
        /* the error's text (#DIV/0!, #N/A) as Excel shows it */
    } else if (strcmp(c->t, "d") == 0) {
        unsigned long xf = strtoul(c->s, NULL, 10);
        int kind = xf < r->nxf ? r->xf_kind[xf] : 0;
        len = format_iso(r->text.data ? r->text.data : (char *)EMPTY, len, kind ? kind : FMT_DATE | FMT_TIME);
    } else if (len > 0) { /* a number (t="n" or none) */
        char *end;
        double v = strtod(out, &end);
        if (*end == '\0' && isfinite(v)) {
            char *send;
            unsigned long xf = c->s[0] ? strtoul(c->s, &send, 10) : 0;
            int kind = xf < r->nxf ? r->xf_kind[xf] : 0;
            if (!kind || format_serial(v, kind, r->date1904, num, sizeof num) != 0)
                snprintf(num, sizeof num, "%.15g", v == 0 ? 0.0 : v); /* no "-0" */
            out = num;
            len = strlen(num);
        }
    }
    if (len == 0)
        return 0; /* empty cells are not kept */
    if (r->cells.len + len + 1 > MAX_ROW_BYTES) {
        char msg[96];
        snprintf(msg, sizeof msg, "row is longer than %d bytes", MAX_ROW_BYTES);
        set_problem(r, TS_REC_FIELD_TOO_LONG, c->col, msg);
        return 0;
    }
    cellpos *v = ts_grow(r->cv, &r->cv_cap, r->ncells + 1, sizeof *v, 64);
    if (!v)
        return nomem(err), -1;
    r->cv = v;
    size_t off = r->cells.len;
    if (ts_strbuf_append(&r->cells, out, len) != 0 || ts_strbuf_append_char(&r->cells, '\0') != 0)
        return nomem(err), -1;
    r->cv[r->ncells++] = (cellpos){c->col, off, len};
    return 0;
}

/* Append S[0..N) to the CSV line in B, quoted as ts_csv_put quotes. */
static int csv_append(ts_strbuf *b, const char *s, size_t n)
{
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote)
        return ts_strbuf_append(b, s, n);
    if (ts_strbuf_append_char(b, '"') != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((s[i] == '"' && ts_strbuf_append_char(b, '"') != 0) || ts_strbuf_append_char(b, s[i]) != 0)
            return -1;
    return ts_strbuf_append_char(b, '"');
}

/* The row is read: fill merged header cells, pad, check the width, hand out. Returns 1, 0 for
 * a blank row, -1 with ERR. */
static int finish_row(ts_xlsxreader *r, ts_record *rec, ts_err *err)
{
    size_t n = r->ncells ? r->cv[r->ncells - 1].col : 0;
    int header = r->emitted < (unsigned long)r->header_rows;
    if (!header && r->merges) {
        /* the header rows are out (the last one's fields are no longer borrowed): the merges
         * have served, give their memory back */
        for (size_t i = 0; i < r->nmerges; i++)
            free(r->merges[i].val);
        free(r->merges);
        r->merges = NULL;
        r->nmerges = r->merges_cap = 0;
    }
    if (header)
        for (size_t i = 0; i < r->nmerges; i++)
            if (r->merges[i].r1 <= r->row && r->row <= r->merges[i].r2 && r->merges[i].c2 > n)
                n = r->merges[i].c2;
    size_t width = n > r->expect ? n : r->expect;
    if (width > r->fields_cap) {
        ts_field *f = realloc(r->fields, width * sizeof *f);
        if (!f)
            return nomem(err), -1;
        r->fields = f;
        r->fields_cap = width;
    }
    for (size_t i = 0; i < width; i++)
        r->fields[i] = (ts_field){EMPTY, 0};
    for (size_t i = 0; i < r->ncells; i++)
        r->fields[r->cv[i].col - 1] = (ts_field){r->cells.data + r->cv[i].off, r->cv[i].len};
    if (header) {
        /* A merged range's top-left value over all its cells (a question over its options).
         * Ranges never overlap in Excel, so a row's fills add up to at most its 16,384 cells;
         * the budget stops overlapping ones (a crafted file) from costing ranges x columns. */
        size_t budget = 4 * TS_XLSX_MAX_COLS;
        for (size_t i = 0; i < r->nmerges; i++) {
            merge *m = &r->merges[i];
            if (m->r1 > r->row || r->row > m->r2)
                continue;
            if (m->c2 - m->c1 + 1 > budget)
                break;
            budget -= m->c2 - m->c1 + 1;
            if (m->r1 == r->row && !m->val) {
                m->val = ts_strndup(r->fields[m->c1 - 1].s, r->fields[m->c1 - 1].len);
                if (!m->val)
                    return nomem(err), -1;
            }
            const char *v = m->val ? m->val : EMPTY;
            for (uint32_t c = m->c1; c <= m->c2; c++)
                r->fields[c - 1] = (ts_field){v, strlen(v)};
        }
    }
    while (n > 0 && r->fields[n - 1].len == 0)
        n--;
    if (n == 0) {
        r->blank++;
        return 0;
    }
    r->emitted++;
    if (r->expect && n > r->expect) {
        size_t first = r->expect;
        while (r->fields[first].len == 0)
            first++;
        char colbuf[4], why[160];
        col_name((uint32_t)first + 1, colbuf);
        snprintf(why, sizeof why, "a value in column %zu (%s), beyond the %zu columns of the header", first + 1, colbuf, r->expect);
        set_problem(r, TS_REC_FIELD_COUNT, first + 1, why);
    }
    size_t nf = n > r->expect ? n : r->expect;
    ts_strbuf_reset(&r->raw);
    for (size_t i = 0; i < nf; i++)
        if ((i && ts_strbuf_append_char(&r->raw, ',') != 0) || csv_append(&r->raw, r->fields[i].s, r->fields[i].len) != 0)
            return nomem(err), -1;
    rec->fields = r->fields;
    rec->nfields = nf;
    rec->line = rec->last_line = r->row;
    rec->raw = r->raw.data ? r->raw.data : EMPTY;
    rec->raw_len = r->raw.len;
    rec->problem = r->problem;
    rec->problem_column = r->problem_column;
    rec->problem_text = r->problem_text;
    return 1;
}

static void start_row(ts_xlsxreader *r)
{
    ts_strbuf_reset(&r->cells);
    r->ncells = 0;
    r->last_col = 0;
    r->problem = TS_REC_OK;
    r->problem_column = 0;
    r->problem_text[0] = '\0';
}

/* After </sheetData>: read the rest, so that XML broken after the rows is still refused. */
static int drain(ts_xlsxreader *r, ts_err *err)
{
    int rc;
    while ((rc = part_next(&r->sheet)) == 1) {
    }
    r->sheet_done = 1;
    if (rc < 0)
        return part_fail(&r->sheet, err), -1;
    return 0;
}

static int read_row(ts_xlsxreader *r, ts_record *rec, ts_err *err)
{
    part *p = &r->sheet;
    int in_row = 0;
    cell_state c = {0};
    for (;;) {
        int rc = part_next(p);
        if (rc < 0) {
            r->sheet_done = 1;
            return part_fail(p, err), -1;
        }
        if (rc == 0) {
            r->sheet_done = 1;
            if (!r->sheet_started)
                return ts_err_set(err, TS_E_DATA, "%s: sheet \"%s\" (%s) has no <sheetData>: not a worksheet", r->name,
                                  r->sheet_name, p->path), -1;
            return 0;
        }
        int type = xmlTextReaderNodeType(p->xr);
        if (type == XML_READER_TYPE_ELEMENT) {
            const char *n = local_name(p);
            int empty = xmlTextReaderIsEmptyElement(p->xr);
            if (!r->sheet_started) {
                if (strcmp(n, "sheetData") == 0) {
                    r->sheet_started = 1;
                    if (empty)
                        return drain(r, err);
                }
                continue;
            }
            if (!in_row) {
                if (strcmp(n, "row") != 0)
                    continue;
                char ref[ATTR_CAP], t[ATTR_CAP], s[ATTR_CAP];
                cell_attrs(p, ref, t, s);
                unsigned long rownum = r->row + 1;
                if (ref[0]) {
                    char *end;
                    errno = 0;
                    rownum = strtoul(ref, &end, 10);
                    if (*end || errno || ref[0] == '-' || rownum == 0 || rownum > TS_XLSX_MAX_ROWS)
                        return sheet_error(r, err, "row number \"%s\" is not one of 1..1048576", ref), -1;
                }
                if (rownum <= r->row)
                    return sheet_error(r, err, "row %lu comes after row %lu: the rows are out of order", rownum, r->row), -1;
                if (rownum > TS_XLSX_MAX_ROWS)
                    return sheet_error(r, err, "more than %d rows", TS_XLSX_MAX_ROWS), -1;
                r->row = rownum;
                start_row(r);
                in_row = 1;
                if (!empty)
                    continue;
                type = XML_READER_TYPE_END_ELEMENT; /* <row/> */
            } else if (!c.in_cell) {
                if (strcmp(n, "c") != 0)
                    continue;
                char ref[ATTR_CAP];
                cell_attrs(p, ref, c.t, c.s);
                uint32_t col = r->last_col + 1, row = 0;
                if (ref[0]) {
                    const char *q = ref;
                    if (parse_ref(&q, &col, &row) != 0 || *q)
                        return sheet_error(r, err, "cell reference \"%s\" in row %lu is not a cell of Excel's", ref, r->row), -1;
                }
                if (col <= r->last_col) {
                    char prev[4];
                    col_name(r->last_col, prev);
                    return sheet_error(r, err, "cell %s comes after column %s in row %lu: the cells are out of order",
                                       ref[0] ? ref : "(no reference)", prev, r->row), -1;
                }
                if (col > TS_XLSX_MAX_COLS)
                    return sheet_error(r, err, "more than %d columns in row %lu", TS_XLSX_MAX_COLS, r->row), -1;
                r->last_col = col;
                c.col = col;
                c.in_cell = 1;
                c.in_v = c.in_is = c.in_t = c.in_rph = 0;
                ts_strbuf_reset(&r->text);
                r->text_too_long = 0;
                if (!empty)
                    continue;
                type = XML_READER_TYPE_END_ELEMENT; /* <c r="A1"/> */
            } else {
                if (!empty) {
                    if (strcmp(n, "v") == 0 && !c.in_is)
                        c.in_v = 1;
                    else if (strcmp(n, "is") == 0)
                        c.in_is = 1;
                    else if (c.in_is && strcmp(n, "rPh") == 0)
                        c.in_rph = 1;
                    else if (c.in_is && !c.in_rph && strcmp(n, "t") == 0)
                        c.in_t = 1;
                }
                continue;
            }
        }
        if (type == XML_READER_TYPE_END_ELEMENT) {
            const char *n = local_name(p);
            if (c.in_cell) {
                if (strcmp(n, "c") == 0) {
                    c.in_cell = 0;
                    if (finish_cell(r, &c, err) != 0)
                        return r->sheet_done = 1, -1;
                } else if (strcmp(n, "v") == 0) {
                    c.in_v = 0;
                } else if (strcmp(n, "t") == 0) {
                    c.in_t = 0;
                } else if (strcmp(n, "rPh") == 0) {
                    c.in_rph = 0;
                } else if (strcmp(n, "is") == 0) {
                    c.in_is = 0;
                }
            } else if (in_row && strcmp(n, "row") == 0) {
                in_row = 0;
                int got = finish_row(r, rec, err);
                if (got != 0)
                    return got < 0 ? (r->sheet_done = 1, -1) : 1;
            } else if (!in_row && strcmp(n, "sheetData") == 0) {
                return drain(r, err);
            }
            continue;
        }
        if ((c.in_v || (c.in_t && !c.in_rph)) && is_text(p)) {
            const char *t = (const char *)xmlTextReaderConstValue(p->xr);
            size_t len = t ? strlen(t) : 0;
            if (r->text.len + len > TS_CSV_MAX_FIELD)
                r->text_too_long = 1;
            else if (ts_strbuf_append(&r->text, t, len) != 0)
                return r->sheet_done = 1, nomem(err), -1;
        }
    }
}

int ts_xlsxreader_next(ts_xlsxreader *r, ts_record *rec, ts_err *err)
{
    if (r->sheet_done)
        return 0;
    int rc = read_row(r, rec, err);
    if (rc <= 0)
        r->sheet_done = 1; /* the end, or an error, stays so */
    return rc;
}
