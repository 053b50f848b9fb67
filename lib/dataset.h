/* dataset.h — the validated, self-describing survey dataset that every stage reads and writes.
 *
 * In memory: a list of variables, each a column of NROWS values in its storage type, with its
 * labels, codes and missing codes; plus provenance as ordered key/value pairs. On disk: the
 * binary format of docs/dataset-format.md (versioned, CRC-32 on every section). */
#ifndef TS_DATASET_H
#define TS_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef enum {
    TS_VAR_ID = 1,   /* respondent id */
    TS_VAR_SINGLE,   /* single choice: a code */
    TS_VAR_MULTI,    /* multiple answer: a bit set over the codes */
    TS_VAR_INTEGER,
    TS_VAR_NUMERIC,
    TS_VAR_TEXT      /* free text: never tabulated */
} ts_vartype;

typedef enum {
    TS_STORE_U8 = 1, /* single codes 0..254; 255 = system missing */
    TS_STORE_I32,    /* single/integer; INT32_MIN = system missing */
    TS_STORE_I64,    /* id; never missing */
    TS_STORE_F64,    /* numeric; NaN = system missing */
    TS_STORE_MASK8,  /* multi with <= 7 options; all bits set = system missing */
    TS_STORE_MASK16, /* <= 15 options */
    TS_STORE_MASK32, /* <= 31 options */
    TS_STORE_MASK64, /* <= 63 options */
    TS_STORE_TEXT    /* char * per row; NULL = missing */
} ts_storage;

#define TS_MISSING_INT INT64_MIN   /* what ts_var_int returns for system missing */
#define TS_MISSING_MASK UINT64_MAX /* what ts_var_mask returns for system missing */

#define TS_CODE_MISSING 1
#define TS_CODE_SKIPPED 2 /* also missing: every test of `missing` as a flag holds for it */

typedef struct ts_code {
    int32_t code;
    int missing;      /* 0 valid; TS_CODE_MISSING a missing code (無回答, わからない ...);
                         TS_CODE_SKIPPED 非該当: the item was not asked (skip logic) */
    char *label;      /* Japanese label (owned) */
    char *label_en;   /* English label (owned; may be "") */
    char *column;     /* multi in 0/1-column form: the option's raw column; else "" */
} ts_code;

typedef enum { TS_MULTI_LIST = 0, TS_MULTI_COLUMNS = 1 } ts_multi_layout;

enum { TS_BYTE_CODE = 1, TS_BYTE_MISSING = 2 }; /* ts_var.byte_kind's flags */

typedef struct ts_var {
    char *name;
    ts_vartype type;
    ts_storage storage;
    char *label, *label_en;
    char *source;         /* raw column, or how it was derived ("recode(age)") */
    int has_min, has_max;
    double min, max;      /* valid range (integer, numeric) */
    ts_multi_layout layout;
    size_t ncodes;
    ts_code *codes;       /* in questionnaire order; for multi, bit i = codes[i] */
    size_t cap_codes;     /* codes allocated (grown by doubling: a 20,000-code codebook) */
    /* ts_var_code_index's hash of code -> index + 1 (0: empty slot), kept up to date by
     * ts_var_add_code once a variable has more than a few codes (NULL before: a short scan
     * is faster). NSLOTS is a power of two, at least twice NCODES. */
    size_t nslots;
    size_t *code_slots;
    int code_dups;        /* a code was added twice (the hash knows the first only) */
    size_t skip_plus1;    /* 1 + the index of the first missing=skip code (非該当); 0: none */
    /* What each value 0..255 is, kept by ts_var_add_code: TS_BYTE_CODE for a code,
     * TS_BYTE_MISSING for a missing code; for multi, MISS_BITS has bit i set when codes[i] is
     * a missing code. They let ts_var_is_missing answer a one-byte or bit-mask cell without a
     * search of the codes (issue #17: tab asks it of every row of every table). */
    unsigned char byte_kind[256];
    uint64_t miss_bits;
    void *data;           /* NROWS values of STORAGE */
} ts_var;

typedef struct ts_meta {
    char *key, *value;
} ts_meta;

typedef struct ts_dataset {
    size_t nrows;
    size_t cap_rows;      /* rows allocated in every column */
    size_t nvars;
    ts_var **vars;
    size_t nmeta;
    ts_meta *meta;        /* provenance, in insertion order */
} ts_dataset;

/* An empty dataset; free with ts_dataset_free(). NULL when memory runs out. */
ts_dataset *ts_dataset_new(void);
void ts_dataset_free(ts_dataset *ds);

/* A new variable (name, type, storage set; everything else empty), owned by the caller until
 * ts_dataset_add_var() takes it. */
ts_var *ts_var_new(const char *name, ts_vartype type);
void ts_var_free(ts_var *v);
/* Append a code to V; returns 0 or -1 (out of memory). Strings are copied. */
int ts_var_add_code(ts_var *v, int32_t code, int missing, const char *label, const char *label_en,
                    const char *column);
/* Index of CODE in V's codes, or -1. */
long ts_var_code_index(const ts_var *v, int64_t code);
/* Choose V's storage from its type and codes (call once the codes are known). */
void ts_var_choose_storage(ts_var *v);

/* Take ownership of V and give it NROWS system-missing values. Returns 0 or -1. */
int ts_dataset_add_var(ts_dataset *ds, ts_var *v);
ts_var *ts_dataset_find(const ts_dataset *ds, const char *name);
/* Make room for at least N rows in every column (new values are system missing). */
int ts_dataset_reserve(ts_dataset *ds, size_t n);
/* The same for exactly N rows (no more, when N is above cap_rows): for a reader that knows the
 * count, so a million rows take a million values, not the 1,048,576 of doubling. */
int ts_dataset_reserve_exact(ts_dataset *ds, size_t n);
/* Keep only rows where KEEP[row] is nonzero, in order. */
void ts_dataset_filter_rows(ts_dataset *ds, const unsigned char *keep);

/* Set or replace a provenance entry. Returns 0 or -1. */
int ts_dataset_set_meta(ts_dataset *ds, const char *key, const char *value);
const char *ts_dataset_get_meta(const ts_dataset *ds, const char *key);

/* Cell access. Setters must stay within cap_rows. */
int64_t ts_var_int(const ts_var *v, size_t row);       /* id/single/integer; TS_MISSING_INT */
double ts_var_num(const ts_var *v, size_t row);        /* any number; NaN when system missing */
uint64_t ts_var_mask(const ts_var *v, size_t row);     /* multi; TS_MISSING_MASK */
const char *ts_var_text(const ts_var *v, size_t row);  /* text; NULL when missing */
int ts_var_set_int(ts_var *v, size_t row, int64_t value);   /* TS_MISSING_INT allowed */
void ts_var_set_num(ts_var *v, size_t row, double value);
void ts_var_set_mask(ts_var *v, size_t row, uint64_t mask);
int ts_var_set_text(ts_var *v, size_t row, const char *s, size_t len); /* copies; NULL = missing */
/* Whether the value at ROW is system missing or one of V's missing codes. */
int ts_var_is_missing(const ts_var *v, size_t row);
/* Whether ROW holds V's 非該当 code (TS_CODE_SKIPPED: the item was not asked); such a row is
 * also missing. Always 0 for a variable without such a code. */
int ts_var_is_skipped(const ts_var *v, size_t row);
/* Whether the value at ROW (id/single/integer) is one of V's codes and not a missing one. */
int ts_var_is_listed(const ts_var *v, size_t row);

const char *ts_vartype_name(ts_vartype t);

/* Write DS to PATH atomically. */
ts_status ts_dataset_write(const ts_dataset *ds, const char *path, ts_err *err);
/* Read a dataset written by ts_dataset_write(); refuses truncated, corrupted or newer files
 * with a message naming PATH and what is wrong. The file is read a section at a time, never
 * whole. The caller frees the result with ts_dataset_free(); on error returns NULL, ERR set. */
ts_dataset *ts_dataset_read(const char *path, ts_err *err);
/* The same parser on the N bytes at DATA (borrowed, read during the call only: the dataset
 * copies what it keeps). NAME stands for the file in messages. For tests and fuzzing. */
ts_dataset *ts_dataset_read_mem(const void *data, size_t n, const char *name, ts_err *err);

/* Which variables a reader keeps: called once the file's provenance and variable definitions
 * are read, before any column. HEAD holds them (every variable, in file order; no rows:
 * nrows 0); KEEP has one zeroed entry per variable of HEAD: set KEEP[i] to keep HEAD->vars[i].
 * Returns 0, or -1 when memory runs out (the read then fails with TS_E_NOMEM). */
typedef int (*ts_dataset_keep_fn)(const ts_dataset *head, unsigned char *keep, void *ctx);
/* ts_dataset_read holding only the variables KEEP chooses, in file order: a stage that needs
 * a dozen columns of a wide dataset holds a dozen (issue #17). The other columns are still
 * read and checked as ever — a damaged or truncated file is refused with the same message
 * wherever the damage is — but not kept, and the dataset is as if they were not in the file
 * (ts_dataset_find does not find them). KEEP NULL: every variable, as ts_dataset_read. */
ts_dataset *ts_dataset_read_some(const char *path, ts_dataset_keep_fn keep, void *ctx, ts_err *err);
/* The same on memory (as ts_dataset_read_mem), for tests and fuzzing. */
ts_dataset *ts_dataset_read_mem_some(const void *data, size_t n, const char *name, ts_dataset_keep_fn keep,
                                     void *ctx, ts_err *err);

/* Make the labels of language LANG (ja, en, or a codebook's label_LANG column, kept by ingest
 * as provenance "label_LANG.VAR" and "label_LANG.VAR.CODE") the `label` of every variable and
 * code of DS, for stages that print labels (tsunagari-tab --labels). A label LANG lacks falls
 * back to English (label_en), then to Japanese; "ja" (or NULL) changes nothing. label_en stays.
 * Returns 0 or -1 (out of memory; DS then partly converted, still valid). */
int ts_dataset_use_labels(ts_dataset *ds, const char *lang);

/* A new variable with V's name, type, labels, codes and range but no data. NULL on OOM. */
ts_var *ts_var_copy_def(const ts_var *v);

#endif
