/* Unit tests for lib/manifest.c's reader: ts_manifest_read_mem gives what ts_manifest_read
 * gives on the same bytes (entries, lines, sections, messages), names NAME in its messages and
 * resolves relative paths against NAME's folder. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "manifest.h"

/* Whether A and B hold the same keys, values, lines and sections in the same order. */
static int same(const ts_manifest *a, const ts_manifest *b)
{
    if (ts_manifest_count(a) != ts_manifest_count(b) || ts_manifest_section_count(a) != ts_manifest_section_count(b) ||
        strcmp(ts_manifest_path(a), ts_manifest_path(b)) != 0)
        return 0;
    for (size_t i = 0; i < ts_manifest_count(a); i++) {
        const char *sa, *ka, *sb, *kb;
        unsigned long la, lb;
        ts_manifest_entry(a, i, &sa, &ka, &la);
        ts_manifest_entry(b, i, &sb, &kb, &lb);
        if (strcmp(sa, sb) || strcmp(ka, kb) || la != lb || strcmp(ts_manifest_get(a, sa, ka), ts_manifest_get(b, sb, kb)))
            return 0;
    }
    for (size_t i = 0; i < ts_manifest_section_count(a); i++)
        if (strcmp(ts_manifest_section(a, i), ts_manifest_section(b, i)))
            return 0;
    return 1;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    *n = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

/* Write N bytes of TEXT to PATH, read it both ways under the same name, and check that both
 * agree: the same manifest, or the same message. Returns the message (owned) or NULL. */
static char *both_ways(const char *path, const char *text, size_t n)
{
    FILE *f = fopen(path, "wb");
    T_CHECK(f != NULL);
    if (!f)
        return NULL;
    fwrite(text, 1, n, f);
    fclose(f);
    ts_err e1 = TS_ERR_INIT, e2 = TS_ERR_INIT;
    ts_manifest *a = ts_manifest_read(path, &e1), *b = ts_manifest_read_mem(text, n, path, &e2);
    T_CHECK((a == NULL) == (b == NULL));
    T_CHECK(e1.status == e2.status);
    T_CHECK(!a || !b || same(a, b));
    T_CHECK((e1.msg == NULL) == (e2.msg == NULL) && (!e1.msg || strcmp(e1.msg, e2.msg) == 0));
    char *msg = e2.msg ? ts_strdup(e2.msg) : NULL;
    ts_manifest_free(a);
    ts_manifest_free(b);
    ts_err_clear(&e1);
    ts_err_clear(&e2);
    remove(path);
    return msg;
}

int main(void)
{
    /* A real manifest, read from its file and from its bytes. */
    const char *demo = "../../data/saitama-2022/survey.ini";
    size_t n = 0;
    char *text = slurp(demo, &n);
    T_CHECK(text != NULL && n > 0);
    ts_err err = TS_ERR_INIT;
    ts_manifest *a = ts_manifest_read(demo, &err), *b = ts_manifest_read_mem(text, n, demo, &err);
    T_CHECK(a && b && same(a, b));
    T_CHECK(b && ts_manifest_count(b) > 20);
    char *ra = a ? ts_manifest_resolve(a, "frame_area.csv") : NULL, *rb = b ? ts_manifest_resolve(b, "frame_area.csv") : NULL;
    T_CHECK_STR(rb, "../../data/saitama-2022/frame_area.csv");
    T_CHECK(ra && rb && strcmp(ra, rb) == 0);
    free(ra);
    free(rb);
    ts_manifest_free(a);
    ts_manifest_free(b);
    free(text);

    /* Line ends, a BOM, a last line without its end, comments: alike both ways. */
    static const char ok[] = "\xEF\xBB\xBF; top\r\n[design]\r\ntype = srs ; why\r\n\n[input]\nraw=raw.csv\n# c\ncodebook = cb.csv";
    T_CHECK(both_ways("test_manifest.ini", ok, sizeof ok - 1) == NULL);
    b = ts_manifest_read_mem(ok, sizeof ok - 1, "dir/survey.ini", &err);
    T_CHECK(b && ts_manifest_count(b) == 3);
    T_CHECK_STR(b ? ts_manifest_get(b, "design", "type") : NULL, "srs");
    T_CHECK(b && ts_manifest_line(b, "input", "codebook") == 8);
    rb = b ? ts_manifest_resolve(b, "cb.csv") : NULL;
    T_CHECK_STR(rb, "dir/cb.csv"); /* relative to NAME's folder */
    free(rb);
    ts_strbuf w = TS_STRBUF_INIT;
    T_CHECK(b && ts_manifest_where(b, "input", "raw", &w) == 0);
    T_CHECK_STR(w.data, "dir/survey.ini:6: [input] raw");
    ts_strbuf_reset(&w);
    T_CHECK(b && ts_manifest_where(b, "design", "fpc", &w) == 0);
    T_CHECK_STR(w.data, "dir/survey.ini: [design] fpc"); /* read from a "file", not the command line */
    ts_strbuf_free(&w);
    ts_manifest_free(b);
    T_CHECK(both_ways("test_manifest.ini", "", 0) == NULL);

    /* Each refusal: the same message both ways, naming the file given. */
    static const struct { const char *text; size_t n; const char *msg; } bad[] = {
        {"[a]\nk = 1\nk = 2\n", 0, "test_manifest.ini:3: [a] k is set twice (first on line 2)"},
        {"k = 1\n", 0, "test_manifest.ini:1: a key before the first [section]"},
        {"[a]\n[a]\n", 0, "test_manifest.ini:2: section [a] appears twice"},
        {"[a\n", 0, "test_manifest.ini:1: expected a section name in brackets, like [design]"},
        {"[a]\njust words\n", 0, "test_manifest.ini:2: expected `key = value`, a [section] or a comment"},
        {"[a]\n = 1\n", 0, "test_manifest.ini:2: a value with no key"},
        {"[a]\nk = 1\0\n", 11, "test_manifest.ini:2: NUL byte: is this a text file?"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *msg = both_ways("test_manifest.ini", bad[i].text, bad[i].n ? bad[i].n : strlen(bad[i].text));
        T_CHECK_STR(msg, bad[i].msg);
        free(msg);
    }
    b = ts_manifest_read_mem("[a]\nk\n", 6, "memory/survey.ini", &err);
    T_CHECK(b == NULL && err.status == TS_E_DATA);
    T_CHECK_STR(err.msg, "memory/survey.ini:2: expected `key = value`, a [section] or a comment");
    ts_err_clear(&err);

    /* The path version's own refusal. */
    T_CHECK(ts_manifest_read("no-such-manifest.ini", &err) == NULL && err.status == TS_E_NOINPUT);
    T_CHECK_STR(err.msg, "no-such-manifest.ini: cannot open: No such file or directory");
    ts_err_clear(&err);
    T_DONE();
}
