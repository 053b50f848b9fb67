/* i18n.c — the catalogue of fixed texts (i18n.h): Japanese, as the source writes it, to English. */
#include "i18n.h"

#include <stdio.h>
#include <string.h>

#include "manifest.h"
#include "schema.h"

static ts_lang current = TS_LANG_JA;
static const char *labels_lang = "ja";

const char *ts_i18n_labels(void) { return labels_lang; }

static int forced;

void ts_i18n_set(ts_lang lang) { current = lang; }
void ts_i18n_force(ts_lang lang) { current = lang, forced = 1; }
ts_lang ts_i18n_lang(void) { return current; }

int ts_lang_parse(const char *s, ts_lang *out)
{
    if (s && strcmp(s, "ja") == 0)
        *out = TS_LANG_JA;
    else if (s && strcmp(s, "en") == 0)
        *out = TS_LANG_EN;
    else
        return -1;
    return 0;
}

int ts_label_lang_valid(const char *lang)
{
    size_t n = lang ? strlen(lang) : 0;
    if (n < 2 || n > 3)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lang[i] < 'a' || lang[i] > 'z')
            return 0;
    return 1;
}

typedef struct {
    const char *ja, *en;
} entry;

/* Keyed by the exact Japanese string of the source (format strings with their conversions). A
 * linear scan: a few hundred entries, looked up a few thousand times a report. */
static const entry CATALOGUE[] = {
#include "i18n_en.inc"
};

const char *ts_tr(const char *ja)
{
    if (current == TS_LANG_JA || !ja)
        return ja;
    for (size_t i = 0; i < sizeof CATALOGUE / sizeof CATALOGUE[0]; i++)
        if (strcmp(CATALOGUE[i].ja, ja) == 0)
            return CATALOGUE[i].en;
    return ja;
}

ts_status ts_i18n_setup(const ts_manifest *m, const char *lang_opt, const char *labels_opt, const char **labels,
                        ts_err *err)
{
    ts_lang lang = TS_LANG_JA;
    const char *l = lang_opt ? lang_opt : forced ? (current == TS_LANG_EN ? "en" : "ja")
                                        : m ? ts_schema_get(m, "report", "language") : "ja";
    if (ts_lang_parse(l, &lang) != 0) /* the manifest's value was checked by ts_schema_check */
        return ts_err_set(err, TS_E_USAGE, "--lang: expected ja or en, got \"%s\"", l ? l : "");
    ts_i18n_set(lang);
    const char *lb = labels_opt;
    if (!lb && m && (lb = ts_manifest_get(m, "report", "labels")) && *lb && !ts_label_lang_valid(lb))
        return ts_err_set(err, TS_E_DATA, "%s:%lu: [report] labels = %s: expected ja, en or a label language of "
                          "2-3 lowercase letters (the codebook's label_LANG column, e.g. vi)",
                          ts_manifest_path(m), ts_manifest_line(m, "report", "labels"), lb);
    if (lb && !*lb)
        lb = NULL;
    if (lb && !ts_label_lang_valid(lb))
        return ts_err_set(err, TS_E_USAGE, "--labels: expected ja, en or 2-3 lowercase letters (e.g. vi), got \"%s\"", lb);
    *labels = labels_lang = lb ? lb : lang == TS_LANG_EN ? "en" : "ja";
    return TS_OK;
}

const char *ts_i18n_get(const ts_manifest *m, const char *section, const char *key)
{
    if (current == TS_LANG_EN) {
        char k[128];
        int n = snprintf(k, sizeof k, "%s_en", key);
        const char *v = n > 0 && (size_t)n < sizeof k ? ts_manifest_get(m, section, k) : NULL;
        if (v && *v)
            return v;
    }
    const char *v = ts_manifest_get(m, section, key);
    if (v && *v)
        return v;
    return ts_tr(ts_schema_get(m, section, key));
}
