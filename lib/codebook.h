/* codebook.h — the survey's codebook (docs/codebook.md): which raw columns become which typed
 * variables, their codes and labels, missing codes, valid ranges and derived variables. */
#ifndef TS_CODEBOOK_H
#define TS_CODEBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "condition.h"
#include "dataset.h"
#include "status.h"

typedef enum {
    TS_CB_ID = 1, TS_CB_SINGLE, TS_CB_MULTI, TS_CB_INTEGER, TS_CB_NUMERIC, TS_CB_TEXT,
    TS_CB_RECODE, TS_CB_SUM, TS_CB_INDICATOR
} ts_cbkind;

/* One `values` item of a recode: source values in [lo, hi] map to code index CODE. */
typedef struct ts_cbrange {
    double lo, hi;   /* inclusive; -inf/+inf when open */
    size_t code;     /* index into def->codes */
} ts_cbrange;

/* How the raw cells of a single or multi (list form) item give their answers. */
typedef enum {
    TS_ANSWERS_CODES = 0, /* the codes (the default) */
    TS_ANSWERS_LABELS,    /* the codes' label text (or an alias), as form tools export */
    TS_ANSWERS_EITHER     /* a code if the cell is one, else a label */
} ts_cbanswers;

/* A code's label or one of its aliases, folded (ts_text_fold): what a raw answer is matched
 * against. Each folded text is there once per variable. */
typedef struct ts_cblabel {
    char *text;            /* folded, NUL-terminated (owned) */
    size_t len;
    size_t code;           /* index into def->codes */
    unsigned long line;    /* the code row that gave it */
    int alias;             /* 1: from the aliases column; 0: the label */
} ts_cblabel;

typedef struct ts_cbvar {
    ts_cbkind kind;
    ts_var *def;           /* name, labels, codes, range, layout (owned; no data) */
    unsigned long line;    /* codebook line of the variable row */
    const char *file;      /* the codebook (part) that line is in; owned by the codebook */
    char *column;          /* raw column, or NULL (derived; multi in 0/1-column form) */
    int keep;              /* text: store the text in the dataset */
    size_t from;           /* recode: index of the source variable */
    size_t nranges;
    ts_cbrange *ranges;    /* recode */
    size_t nsources;
    size_t *sources;       /* sum: indices of the summed variables */
    ts_cond *cond;         /* indicator: 1 where it holds, 0 where it fails, missing if undetermined */
    ts_cond *asked_if;     /* raw item: asked only where this holds (skip logic), or NULL */
    char *asked_if_text;   /* the asked_if cell as written, for messages */
    long skip;             /* index of the code with missing=skip (非該当), or -1 */
    unsigned char small_index[256]; /* code c (0..254) is codes[small_index[c]]; 255: not a code */
    ts_cbanswers answers;  /* single and multi in list form */
    char *separator;       /* multi in list form: the text between options as written, or NULL (";") */
    size_t nlabels, cap_labels;
    ts_cblabel *labels;    /* single and multi: every code's folded label and aliases */
    size_t *label_slots;   /* open-addressing hash over labels: index + 1, 0 empty; label_mask + 1 slots */
    size_t label_mask;
} ts_cbvar;

typedef struct ts_codebook {
    char *path;
    char sha256[65];
    size_t nvars;
    ts_cbvar *vars;        /* in codebook order; derived ones only refer to earlier ones */
    size_t id;             /* index of the id variable; (size_t)-1 only under TS_CB_ID_FROM_ROWS */
    unsigned flags;        /* the TS_CB_* read flags it was read with */
    char **part_names;     /* ts_codebook_read_parts: each part's name (vars' FILE point here) */
    size_t nparts;
    /* The labels of the label_LANG columns (vi, pt, zh, ...: any but label and label_en), in
     * codebook order: key "label_LANG.VAR" or "label_LANG.VAR.CODE", value the label. Ingest
     * keeps them as the dataset's provenance (docs/dataset-format.md). */
    ts_meta *xlabels;
    size_t nxlabels, cap_xlabels;
} ts_codebook;

/* At most this many label_LANG columns in a codebook. */
#define TS_CB_MAX_LANGS 8

/* Read flag: the caller takes the respondent ids from the data row numbers (ingest --id row),
 * so the id variable may have an empty column or be absent (cb->id is then (size_t)-1 and
 * the caller makes the id). Without it a codebook must have an id variable with its column. */
#define TS_CB_ID_FROM_ROWS 1u

/* Read and check the codebook at PATH (plain or gzip). The caller frees the result with
 * ts_codebook_free(). Returns NULL and sets ERR (TS_E_DATA with "path:line:column: ..." for a
 * codebook mistake, TS_E_NOINPUT if it cannot be opened). */
ts_codebook *ts_codebook_read(const char *path, ts_err *err);
/* ts_codebook_read with read FLAGS (TS_CB_ID_FROM_ROWS or 0). */
ts_codebook *ts_codebook_read_flags(const char *path, unsigned flags, ts_err *err);
/* The same parser on the N bytes at DATA (plain text, not gzip; borrowed, read during the
 * call only). NAME stands for the file in messages and becomes cb->path; cb->sha256 is that
 * of the bytes. For tests and fuzzing. */
ts_codebook *ts_codebook_read_mem(const void *data, size_t n, const char *name, ts_err *err);

/* One part of a codebook read from several: the metadata embedded in an SPSS or Stata file
 * (DATA, N bytes of codebook CSV, named NAME, e.g. "data.sav (embedded)") and a file that
 * extends it with derived variables (DATA NULL: the file at NAME, plain or gzip). */
typedef struct ts_codebook_part {
    const char *name;
    const void *data;
    size_t n;
} ts_codebook_part;

/* Read NPARTS parts in order as one codebook ([input] codebook = embedded, derived.csv): each
 * part has its own header row, its code rows follow its own variable rows, a later part may
 * refer to (derive from) an earlier part's variables, and a name declared twice anywhere is
 * an error. Messages name the part and its line; cb->path is the names joined by " + " and
 * cb->sha256 the checksum of the parts' checksums. Returns NULL with ERR set as
 * ts_codebook_read does. */
ts_codebook *ts_codebook_read_parts(const ts_codebook_part *parts, size_t nparts, unsigned flags, ts_err *err);
void ts_codebook_free(ts_codebook *cb);

const char *ts_cbkind_name(ts_cbkind k);

/* The code index whose label or alias is the N bytes at FOLDED (already ts_text_fold-ed),
 * or -1. O(1): one hash probe sequence. */
long ts_codebook_find_label(const ts_cbvar *v, const char *folded, size_t n);
/* The separator of V's list cells, trimmed of spaces (the raw cell is folded, then split
 * there): ";" unless the codebook gives one. *N is its length. */
const char *ts_codebook_separator(const ts_cbvar *v, size_t *n);

#endif
