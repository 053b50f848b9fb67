/* manifest.h — the survey manifest (docs/manifest.md): an INI file of sections and
 * `key = value` lines that tells every stage what to do with one survey.
 *
 * Read by our own small parser rather than libinih: Debian's libinih is built with a
 * 200-byte line limit and silently splits a longer line (a Japanese source note, say) into
 * a bogus second key, and its callback gets no line numbers for error messages. */
#ifndef TS_MANIFEST_H
#define TS_MANIFEST_H

#include <stddef.h>

#include "status.h"
#include "strbuf.h"

typedef struct ts_manifest ts_manifest;

/* Read PATH. The caller frees the result with ts_manifest_free(); on error returns NULL and
 * sets ERR: TS_E_NOINPUT when PATH cannot be opened, TS_E_DATA naming the file and line for a
 * line that is neither a section, a key = value pair nor a comment, a key outside any section,
 * a key given twice in one section. Comments start with ';' or '#' at the start of a line, or
 * after white space. */
ts_manifest *ts_manifest_read(const char *path, ts_err *err);
/* The same parser on the N bytes at DATA (borrowed, read during the call only; need not be
 * NUL-terminated, and a NUL byte in it is refused as in a file). NAME stands for the file:
 * messages say "NAME:line: ...", and ts_manifest_resolve() resolves relative paths against
 * NAME's folder. For tests, fuzzing and callers that hold the manifest in memory. */
ts_manifest *ts_manifest_read_mem(const void *data, size_t n, const char *name, ts_err *err);
void ts_manifest_free(ts_manifest *m);
/* An empty manifest whose relative paths resolve against the folder of PATH ("." alone: the
 * current folder), for runs configured by command-line settings only. */
ts_manifest *ts_manifest_new(const char *path);
/* Set or replace KEY in SECTION (a command-line override). Returns 0 or -1 (out of memory). */
int ts_manifest_set(ts_manifest *m, const char *section, const char *key, const char *value);

/* The value of KEY in SECTION (trimmed; "" when empty), or NULL when absent. */
const char *ts_manifest_get(const ts_manifest *m, const char *section, const char *key);
/* The line KEY is on in SECTION, or 0. */
unsigned long ts_manifest_line(const ts_manifest *m, const char *section, const char *key);
/* Append where SECTION.KEY was set to OUT, for messages: "survey.ini:31: [design] type",
 * "--set design.type", or, when nobody set it, "survey.ini: [design] type" (or "design.type"
 * for a run configured on the command line alone). Returns 0, or -1 when memory runs out. */
int ts_manifest_where(const ts_manifest *m, const char *section, const char *key, ts_strbuf *out);
int ts_manifest_has_section(const ts_manifest *m, const char *section);
/* The number of keys set (from the file and by ts_manifest_set), and the Ith of them in the
 * order they were set: its section, key and line (0: set on the command line). Lets a stage
 * reject the keys it does not know, as docs/manifest.md asks. The strings are borrowed. */
size_t ts_manifest_count(const ts_manifest *m);
void ts_manifest_entry(const ts_manifest *m, size_t i, const char **section, const char **key, unsigned long *line);
const char *ts_manifest_path(const ts_manifest *m);
/* The sections, in the order they first appear in the file. */
size_t ts_manifest_section_count(const ts_manifest *m);
const char *ts_manifest_section(const ts_manifest *m, size_t i);

/* A path given in the manifest, relative to the manifest's folder (absolute paths kept).
 * The caller frees the result. NULL when memory runs out. */
char *ts_manifest_resolve(const ts_manifest *m, const char *relative);

/* The unknown-key check is ts_schema_check (schema.h), over ts_manifest_entry. */

/* Split a comma-separated list VALUE into trimmed items (the caller frees the array and the
 * strings with ts_manifest_free_list). Returns the number of items, or -1 when memory runs out;
 * with no items *ITEMS is NULL (nothing to free). */
long ts_manifest_split_list(const char *value, char ***items);
void ts_manifest_free_list(char **items, size_t n);

#endif
