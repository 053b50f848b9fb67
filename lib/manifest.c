/* manifest.c — see manifest.h. */
#include "manifest.h"
#include "grow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

typedef struct entry {
    char *section, *key, *value;
    unsigned long line;
} entry;

struct ts_manifest {
    char *path;
    int from_file;  /* read from PATH (ts_manifest_read), not made for --set alone */
    entry *v;
    size_t n, cap;
    char **sections;
    size_t nsections;
};

static char *trim_dup(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return ts_strndup(s, n);
}

/* Length of LINE before a comment: ';' or '#' at the start or after white space. */
static size_t before_comment(const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((line[i] == ';' || line[i] == '#') && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t'))
            return i;
    return n;
}

static int add_entry(ts_manifest *m, const char *section, char *key, char *value, unsigned long line)
{
    entry *v = ts_grow(m->v, &m->cap, m->n + 1, sizeof *v, 32);
    if (!v)
        return -1;
    m->v = v;
    char *sec = ts_strdup(section);
    if (!sec)
        return -1;
    m->v[m->n++] = (entry){sec, key, value, line};
    return 0;
}

static ts_status parse_line(ts_manifest *m, char **section, const char *line, size_t n, unsigned long lineno,
                            ts_err *err)
{
    n = before_comment(line, n);
    while (n > 0 && (line[0] == ' ' || line[0] == '\t')) {
        line++;
        n--;
    }
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
        n--;
    if (n == 0)
        return TS_OK;
    if (line[0] == '[') {
        if (line[n - 1] != ']' || n < 3)
            return ts_err_set(err, TS_E_DATA, "%s:%lu: expected a section name in brackets, like [design]",
                              m->path, lineno);
        char *name = trim_dup(line + 1, n - 2);
        if (!name)
            return ts_err_set(err, TS_E_NOMEM, "out of memory");
        if (ts_manifest_has_section(m, name)) {
            ts_err_set(err, TS_E_DATA, "%s:%lu: section [%s] appears twice", m->path, lineno, name);
            free(name);
            return TS_E_DATA;
        }
        char **s = realloc(m->sections, (m->nsections + 1) * sizeof *s);
        if (!s) {
            free(name);
            return ts_err_set(err, TS_E_NOMEM, "out of memory");
        }
        m->sections = s;
        m->sections[m->nsections++] = name;
        *section = name;
        return TS_OK;
    }
    const char *eq = memchr(line, '=', n);
    if (!eq)
        return ts_err_set(err, TS_E_DATA, "%s:%lu: expected `key = value`, a [section] or a comment", m->path,
                          lineno);
    if (!*section)
        return ts_err_set(err, TS_E_DATA, "%s:%lu: a key before the first [section]", m->path, lineno);
    char *key = trim_dup(line, (size_t)(eq - line));
    char *value = trim_dup(eq + 1, n - (size_t)(eq - line) - 1);
    if (!key || !value) {
        free(key);
        free(value);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    if (!*key) {
        free(key);
        free(value);
        return ts_err_set(err, TS_E_DATA, "%s:%lu: a value with no key", m->path, lineno);
    }
    unsigned long first = ts_manifest_line(m, *section, key);
    if (first) {
        ts_err_set(err, TS_E_DATA, "%s:%lu: [%s] %s is set twice (first on line %lu)", m->path, lineno, *section,
                   key, first);
        free(key);
        free(value);
        return TS_E_DATA;
    }
    if (add_entry(m, *section, key, value, lineno) != 0) {
        free(key);
        free(value);
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    return TS_OK;
}

ts_manifest *ts_manifest_read_mem(const void *data, size_t n, const char *name, ts_err *err)
{
    ts_manifest *m = calloc(1, sizeof *m);
    if (!m || !(m->path = ts_strdup(name))) {
        free(m);
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    m->from_file = 1;
    /* Lines end at LF (a CR before it is trimmed with the trailing blanks); a last line without
     * one still counts. Each line is handed on by length: none is NUL-terminated here. */
    const char *p = n ? data : "", *end = p + n;
    char *section = NULL;
    unsigned long lineno = 0;
    ts_status st = TS_OK;
    while (st == TS_OK && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *s = p;
        size_t len = (size_t)((nl ? nl : end) - p);
        p = nl ? nl + 1 : end;
        lineno++;
        if (lineno == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) { /* UTF-8 BOM */
            s += 3;
            len -= 3;
        }
        if (memchr(s, '\0', len))
            st = ts_err_set(err, TS_E_DATA, "%s:%lu: NUL byte: is this a text file?", name, lineno);
        else
            st = parse_line(m, &section, s, len, lineno, err);
    }
    if (st != TS_OK) {
        ts_manifest_free(m);
        return NULL;
    }
    return m;
}

/* A manifest is a page of text: read it whole and parse it from memory. */
ts_manifest *ts_manifest_read(const char *path, ts_err *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        ts_err_set(err, TS_E_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    ts_strbuf text = TS_STRBUF_INIT;
    char buf[1 << 14];
    size_t got;
    int nomem = 0;
    while (!nomem && (got = fread(buf, 1, sizeof buf, fp)) > 0)
        nomem = ts_strbuf_append(&text, buf, got) != 0;
    int bad = ferror(fp);
    fclose(fp);
    ts_manifest *m = NULL;
    if (nomem)
        ts_err_set(err, TS_E_NOMEM, "out of memory");
    else if (bad)
        ts_err_set(err, TS_E_IO, "%s: read error", path);
    else
        m = ts_manifest_read_mem(text.data, text.len, path, err);
    ts_strbuf_free(&text);
    return m;
}

ts_manifest *ts_manifest_new(const char *path)
{
    ts_manifest *m = calloc(1, sizeof *m);
    if (m && !(m->path = ts_strdup(path))) {
        free(m);
        m = NULL;
    }
    return m;
}

/* "survey.ini:31: [weighting] tolerance" when the file sets it, "--set weighting.tolerance"
 * when the command line does. A setting nobody gave is named without a line ("survey.ini:
 * [weighting] bounds"): pointing the user at a --set they never typed, or at a line that
 * does not hold it, would send them looking in the wrong place. */
int ts_manifest_where(const ts_manifest *m, const char *section, const char *key, ts_strbuf *out)
{
    unsigned long line = ts_manifest_line(m, section, key);
    if (line)
        return ts_strbuf_printf(out, "%s:%lu: [%s] %s", m->path, line, section, key);
    if (ts_manifest_get(m, section, key))
        return ts_strbuf_printf(out, "--set %s.%s", section, key);
    if (m->from_file)
        return ts_strbuf_printf(out, "%s: [%s] %s", m->path, section, key);
    return ts_strbuf_printf(out, "%s.%s", section, key);
}

int ts_manifest_set(ts_manifest *m, const char *section, const char *key, const char *value)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].section, section) == 0 && strcmp(m->v[i].key, key) == 0) {
            char *v = ts_strdup(value);
            if (!v)
                return -1;
            free(m->v[i].value);
            m->v[i].value = v;
            m->v[i].line = 0;
            return 0;
        }
    if (!ts_manifest_has_section(m, section)) {
        char **s = realloc(m->sections, (m->nsections + 1) * sizeof *s);
        if (!s)
            return -1;
        m->sections = s;
        if (!(m->sections[m->nsections] = ts_strdup(section)))
            return -1;
        m->nsections++;
    }
    char *k = ts_strdup(key), *v = ts_strdup(value);
    if (!k || !v || add_entry(m, section, k, v, 0) != 0) {
        free(k);
        free(v);
        return -1;
    }
    return 0;
}

void ts_manifest_free(ts_manifest *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].section);
        free(m->v[i].key);
        free(m->v[i].value);
    }
    for (size_t i = 0; i < m->nsections; i++)
        free(m->sections[i]);
    free(m->sections);
    free(m->v);
    free(m->path);
    free(m);
}

static const entry *find(const ts_manifest *m, const char *section, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].section, section) == 0 && strcmp(m->v[i].key, key) == 0)
            return &m->v[i];
    return NULL;
}

const char *ts_manifest_get(const ts_manifest *m, const char *section, const char *key)
{
    const entry *e = find(m, section, key);
    return e ? e->value : NULL;
}

unsigned long ts_manifest_line(const ts_manifest *m, const char *section, const char *key)
{
    const entry *e = find(m, section, key);
    return e ? e->line : 0;
}

int ts_manifest_has_section(const ts_manifest *m, const char *section)
{
    for (size_t i = 0; i < m->nsections; i++)
        if (strcmp(m->sections[i], section) == 0)
            return 1;
    return 0;
}

const char *ts_manifest_path(const ts_manifest *m) { return m->path; }

size_t ts_manifest_count(const ts_manifest *m) { return m->n; }

void ts_manifest_entry(const ts_manifest *m, size_t i, const char **section, const char **key, unsigned long *line)
{
    *section = m->v[i].section;
    *key = m->v[i].key;
    *line = m->v[i].line;
}

char *ts_manifest_resolve(const ts_manifest *m, const char *relative)
{
    const char *slash = strrchr(m->path, '/');
    if (relative[0] == '/' || !slash)
        return ts_strdup(relative);
    ts_strbuf b = TS_STRBUF_INIT;
    if (ts_strbuf_append(&b, m->path, (size_t)(slash - m->path) + 1) != 0 || ts_strbuf_append_str(&b, relative) != 0) {
        ts_strbuf_free(&b);
        return NULL;
    }
    return ts_strbuf_take(&b);
}

long ts_manifest_split_list(const char *value, char ***items)
{
    *items = NULL;
    size_t n = 0;
    for (const char *p = value;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char *item = trim_dup(p, len);
        char **v = item ? realloc(*items, (n + 1) * sizeof *v) : NULL;
        if (!v) {
            free(item);
            ts_manifest_free_list(*items, n);
            *items = NULL;
            return -1;
        }
        *items = v;
        if (*item)
            v[n++] = item;
        else
            free(item);
        if (!comma)
            break;
        p = comma + 1;
    }
    if (n == 0) { /* no items: no array, so that callers that free only a list with items leak nothing */
        free(*items);
        *items = NULL;
    }
    return (long)n;
}

void ts_manifest_free_list(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

size_t ts_manifest_section_count(const ts_manifest *m) { return m->nsections; }

const char *ts_manifest_section(const ts_manifest *m, size_t i)
{
    return i < m->nsections ? m->sections[i] : NULL;
}
