/* schema.h — the one table of every manifest section and key (docs/manifest.md): its value
 * type, default, which stages read it and one line of doc. Every stage rejects the keys it
 * does not know through ts_schema_check, and tests/docs/check-manifest-doc.sh checks the
 * key tables of docs/manifest.md against this table, so the doc and the code cannot drift. */
#ifndef TS_SCHEMA_H
#define TS_SCHEMA_H

#include <stddef.h>

#include "manifest.h"
#include "status.h"
#include "strbuf.h"

/* Which stages read a key (bit flags). */
enum {
    TS_STAGE_INGEST = 1u << 0,
    TS_STAGE_WEIGHT = 1u << 1,
    TS_STAGE_TAB = 1u << 2,
    TS_STAGE_PLOT = 1u << 3,
    TS_STAGE_REPORT = 1u << 4,
    TS_STAGE_MODEL = 1u << 5,
    TS_STAGE_ALL = (1u << 6) - 1
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

/* The allowed range of a TS_VAL_NUMBER or TS_VAL_INTEGER key, the bounds `values` writes in
 * words ("> 0", ">= 1", "(0, 1)", "0..1000000"); tests/unit/test_schema.c checks they agree. */
typedef struct {
    unsigned char has_lo, has_hi;   /* bounded below, above */
    unsigned char lo_open, hi_open; /* the bound itself is excluded */
    double lo, hi;
} ts_schema_range;

typedef struct {
    const char *section; /* "design", or a prefix ending in '.' ("table.") for [table.NAME] */
    const char *key;
    ts_value_type type;
    const char *values; /* TS_VAL_ENUM: the allowed values, comma-separated; else a range or NULL */
    const char *def;    /* the default as written in a manifest, or NULL (none) */
    unsigned stages;    /* TS_STAGE_* bits: the stages that read it */
    const char *doc;    /* one line */
    ts_schema_range range; /* TS_VAL_NUMBER, TS_VAL_INTEGER: the range (all zero: any value) */
    const char *aliases;   /* TS_VAL_ENUM: other spellings a stage accepts, not documented, or NULL */
    int fold_case;         /* TS_VAL_ENUM: values compared ignoring ASCII case */
    int list;              /* TS_VAL_ENUM: a comma-separated list of such values (one per raw file) */
} ts_schema_key;

/* The table, and its length. */
const ts_schema_key *ts_schema_table(size_t *n);
/* The entry of KEY in SECTION ("table.age" finds "table." keys), or NULL. */
const ts_schema_key *ts_schema_find(const char *section, const char *key);
/* The default of KEY in SECTION, or NULL (none, or no such key). */
const char *ts_schema_default(const char *section, const char *key);
/* The value of KEY in SECTION of M (M may be NULL): the manifest's when set and not empty, else
 * the schema's default (NULL: no default, or no such key). The one place a stage takes a
 * default from: stages never write a key's default themselves. Borrowed from M or the table. */
const char *ts_schema_get(const ts_manifest *m, const char *section, const char *key);
/* The default of KEY in SECTION as a number (a TS_VAL_NUMBER or TS_VAL_INTEGER key), or NaN. */
double ts_schema_default_number(const char *section, const char *key);
/* Nonzero when some stage of STAGES reads SECTION. */
int ts_schema_reads(const char *section, unsigned stages);

/* The one unknown-key check. Every key of a section that a stage of STAGES reads must be a key
 * of that section: otherwise TS_E_DATA naming the manifest's file:line, or TS_E_USAGE for a
 * command-line setting (line 0), listing the known keys. Sections no stage of STAGES reads
 * belong to other stages and are passed over — except when STAGES is TS_STAGE_ALL (the whole
 * manifest, as tsunagari-report checks it): then a section no stage knows is an error too. */
ts_status ts_schema_check(const ts_manifest *m, unsigned stages, ts_err *err);
/* The check of each value, part of ts_schema_check: a value set (not empty) for a key of a
 * section checked must be of the key's type — TS_VAL_NUMBER and TS_VAL_INTEGER strictly
 * (numparse.h) and within the range, TS_VAL_YESNO yes or no, TS_VAL_ENUM one of `values`,
 * TS_VAL_VARIABLE a possible variable name. What depends on the data (does the variable or
 * the file exist) stays with the stage. Returns 1 when VALUE is valid for K, else 0. */
int ts_schema_valid(const ts_schema_key *k, const char *value);
/* Write what K expects ("a number > 0", "yes or no", "mean or absolute") into OUT. */
void ts_schema_expected(const ts_schema_key *k, ts_strbuf *out);
/* The error for a value of SECTION.KEY in M that K refuses: TS_E_DATA "FILE:LINE: [SECTION] KEY:
 * expected ..., got "VALUE"", or TS_E_USAGE "--set SECTION.KEY: ..." for a command-line value. */
ts_status ts_schema_bad_value(const ts_manifest *m, const char *section, const char *key, ts_err *err);

#endif
