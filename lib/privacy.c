/* privacy.c — see privacy.h. */
#include "privacy.h"

#include <string.h>

#include "numparse.h"

const char TS_PRIVACY_MIN_CELL_RULE[] = "expected a whole number of respondents, 0 (no suppression) to 1000000";

int ts_privacy_parse_min_cell(const char *text, long *out)
{
    int64_t x;
    if (!text || ts_parse_int64(text, strlen(text), &x) != 0 || x < 0 || x > TS_PRIVACY_MIN_CELL_MAX)
        return -1;
    *out = (long)x;
    return 0;
}

ts_status ts_privacy_min_cell(const ts_manifest *m, long *out, ts_err *err)
{
    const char *v = m ? ts_manifest_get(m, "privacy", "min_cell") : NULL;
    *out = TS_PRIVACY_MIN_CELL_DEFAULT;
    if (!v || ts_privacy_parse_min_cell(v, out) == 0)
        return TS_OK;
    unsigned long line = ts_manifest_line(m, "privacy", "min_cell");
    if (line)
        return ts_err_set(err, TS_E_DATA, "%s:%lu: [privacy] min_cell = %s: %s", ts_manifest_path(m), line, v,
                          TS_PRIVACY_MIN_CELL_RULE);
    return ts_err_set(err, TS_E_USAGE, "privacy.min_cell = %s: %s", v, TS_PRIVACY_MIN_CELL_RULE);
}
