/* schema.h — the one table of every manifest section and key (docs/manifest.md): its value
 * type, default, which stages read it and one line of doc. Every stage rejects the keys it
 * does not know through ts_schema_check, and tests/docs/check-manifest-doc.sh checks the
 * key tables of docs/manifest.md against this table, so the doc and the code cannot drift. */
#ifndef TS_SCHEMA_H
#define TS_SCHEMA_H

#include <stddef.h>

#include "manifest.h"
#include "status.h"

/* Which stages read a key (bit flags). */
enum {
    TS_STAGE_INGEST = 1u << 0,
    TS_STAGE_WEIGHT = 1u << 1,
    TS_STAGE_TAB = 1u << 2,
    TS_STAGE_PLOT = 1u << 3,
    TS_STAGE_REPORT = 1u << 4,
    TS_STAGE_ALL = (1u << 5) - 1
};

typedef enum {
    TS_VAL_TEXT,     /* free text */
    TS_VAL_NUMBER,   /* a real number */
    TS_VAL_INTEGER,  /* a whole number */
    TS_VAL_YESNO,    /* yes or no */
    TS_VAL_ENUM,     /* one of `values` */
    TS_VAL_VARIABLE, /* a codebook variable name */
    TS_VAL_FILE,     /* a path, relative to the manifest's folder */
    TS_VAL_LIST      /* a comma-separated list */
} ts_value_type;

typedef struct {
    const char *section; /* "design", or a prefix ending in '.' ("table.") for [table.NAME] */
    const char *key;
    ts_value_type type;
    const char *values; /* TS_VAL_ENUM: the allowed values, comma-separated; else a range or NULL */
    const char *def;    /* the default as written in a manifest, or NULL (none) */
    unsigned stages;    /* TS_STAGE_* bits: the stages that read it */
    const char *doc;    /* one line */
} ts_schema_key;

/* The table, and its length. */
const ts_schema_key *ts_schema_table(size_t *n);
/* The entry of KEY in SECTION ("table.age" finds "table." keys), or NULL. */
const ts_schema_key *ts_schema_find(const char *section, const char *key);
/* The default of KEY in SECTION, or NULL (none, or no such key). */
const char *ts_schema_default(const char *section, const char *key);
/* Nonzero when some stage of STAGES reads SECTION. */
int ts_schema_reads(const char *section, unsigned stages);

/* The one unknown-key check. Every key of a section that a stage of STAGES reads must be a key
 * of that section: otherwise TS_E_DATA naming the manifest's file:line, or TS_E_USAGE for a
 * command-line setting (line 0), listing the known keys. Sections no stage of STAGES reads
 * belong to other stages and are passed over — except when STAGES is TS_STAGE_ALL (the whole
 * manifest, as tsunagari-report checks it): then a section no stage knows is an error too. */
ts_status ts_schema_check(const ts_manifest *m, unsigned stages, ts_err *err);

#endif
