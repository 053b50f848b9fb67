/* chartspec.h — the charts a manifest asks for ([chart.NAME] sections, docs/charts.md),
 * checked against the tables CSV, with what the frame needs from [survey], [privacy] and
 * [table.NAME]. */
#ifndef TS_CHARTSPEC_H
#define TS_CHARTSPEC_H

#include <stddef.h>

#include "chart.h"
#include "manifest.h"
#include "tables.h"

typedef struct ts_chartset {
    ts_chart *charts;          /* in manifest order */
    size_t n;
    ts_reference **refs;       /* owned, one slot per chart (NULL when none) */
    ts_tables **wavefiles;     /* owned: the earlier waves' tables.csv of the line charts */
    size_t nwavefiles;
} ts_chartset;

/* The charts of M, or only those named in ONLY (comma-separated; NULL: all). Strings are
 * borrowed from M, tables from T: both must outlive the set. Returns an owned set
 * (ts_chartspec_free) or NULL with ERR set (TS_E_DATA naming the manifest line: an unknown
 * key or type, a table not in the CSV, a chart name not in the manifest; TS_E_NOINPUT: a
 * reference file that cannot be read). */
ts_chartset *ts_chartspec_read(const ts_manifest *m, const ts_tables *t, const char *tables_path, const char *only,
                               ts_err *err);
void ts_chartspec_free(ts_chartset *s);

#endif
