/* privacy.c — see privacy.h. */
#include "privacy.h"

#include <string.h>

#include "numparse.h"
#include "schema.h"

const char TS_PRIVACY_MIN_CELL_RULE[] = "expected a whole number of respondents, 0 (no suppression) to 1000000";

int ts_privacy_parse_min_cell(const char *text, long *out)
{
    int64_t x; /* the range is the schema's (lib/schema.c) */
    if (!text || !*text || !ts_schema_valid(ts_schema_find("privacy", "min_cell"), text) ||
        ts_parse_int64(text, strlen(text), &x) != 0)
        return -1;
    *out = (long)x;
    return 0;
}

ts_status ts_privacy_min_cell(const ts_manifest *m, long *out, ts_err *err)
{
    /* not ts_schema_get: an empty min_cell is an error here, not the default */
    const char *v = m ? ts_manifest_get(m, "privacy", "min_cell") : NULL;
    if (ts_privacy_parse_min_cell(v ? v : ts_schema_default("privacy", "min_cell"), out) == 0)
        return TS_OK;
    return ts_schema_bad_value(m, "privacy", "min_cell", err);
}
