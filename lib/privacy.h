/* privacy.h — the [privacy] rules every stage applies the same way (docs/manifest.md):
 * min_cell, the fewest respondents an estimate may rest on before it is suppressed. One
 * parser, so that tsunagari-tab, tsunagari-plot and tsunagari-report cannot disagree on
 * what `min_cell = 0` or `--min-cell ''` means (issue #10, item 9). */
#ifndef TS_PRIVACY_H
#define TS_PRIVACY_H

#include "manifest.h"
#include "status.h"

/* The rule, for messages: "expected a whole number of respondents, 0 (no suppression) to 1000000". */
extern const char TS_PRIVACY_MIN_CELL_RULE[];

/* Parse TEXT (a --min-cell argument or the manifest's value) as min_cell: a whole number
 * 0..1000000, 0 meaning no suppression. Returns 0 and sets *OUT, or -1 for an empty string,
 * anything but a whole number, or a number out of range. */
int ts_privacy_parse_min_cell(const char *text, long *out);

/* [privacy] min_cell of M (NULL: none), or the schema's default when absent. An invalid value —
 * empty included — is TS_E_DATA "FILE:LINE: [privacy] min_cell: expected ..., got "VALUE""
 * (ts_schema_bad_value; TS_E_USAGE "--set privacy.min_cell: ..." for a command-line value). */
ts_status ts_privacy_min_cell(const ts_manifest *m, long *out, ts_err *err);

#endif
