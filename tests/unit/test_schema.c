/* test_schema.c — lib/schema: the one table of manifest keys, the one unknown-key check, and the
 * defaults the code applies agreeing with the table. `test_schema --dump` prints the table as
 * SECTION<TAB>KEY<TAB>DEFAULT lines for tests/docs/check-manifest-doc.sh. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "manifest.h"
#include "privacy.h"
#include "schema.h"

static void dump(void)
{
    size_t n;
    const ts_schema_key *t = ts_schema_table(&n);
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\n", t[i].section, t[i].key, t[i].def ? t[i].def : "");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--dump") == 0) {
        dump();
        return 0;
    }
    /* finding keys, with section prefixes */
    T_CHECK(ts_schema_find("weighting", "method") != NULL);
    T_CHECK(ts_schema_find("weighting", "methd") == NULL);
    T_CHECK(ts_schema_find("table.lonely_age", "ci") != NULL);
    T_CHECK(ts_schema_find("margin.age", "vars") != NULL);
    T_CHECK(ts_schema_find("margin.", "vars") == NULL); /* a margin needs a NAME */
    T_CHECK(ts_schema_find("chart.x", "style") != NULL && ts_schema_find("table.x", "style") == NULL);
    T_CHECK(ts_schema_reads("design", TS_STAGE_WEIGHT) && !ts_schema_reads("design", TS_STAGE_TAB));
    T_CHECK(!ts_schema_reads("estimate.x", TS_STAGE_ALL));
    T_CHECK_STR(ts_schema_default("table.x", "level"), "0.95");
    T_CHECK_STR(ts_schema_default("weighting", "method"), "none");
    T_CHECK(ts_schema_default("survey", "title") == NULL);

    /* every entry: a section, a key, a doc line; an enum lists its values; no key twice */
    size_t n;
    const ts_schema_key *t = ts_schema_table(&n);
    T_CHECK(n > 50);
    for (size_t i = 0; i < n; i++) {
        T_CHECK(t[i].section && *t[i].section && t[i].key && *t[i].key && t[i].doc && *t[i].doc);
        T_CHECK(t[i].type != TS_VAL_ENUM || (t[i].values && *t[i].values));
        T_CHECK((t[i].stages & ~(unsigned)TS_STAGE_ALL) == 0);
        for (size_t j = 0; j < i; j++)
            T_CHECK(strcmp(t[i].section, t[j].section) != 0 || strcmp(t[i].key, t[j].key) != 0);
    }

    /* the default the code applies: [privacy] min_cell (lib/privacy.c) */
    ts_err err = TS_ERR_INIT;
    ts_manifest *m = ts_manifest_new(".");
    long mc = -1;
    T_CHECK(m && ts_privacy_min_cell(m, &mc, &err) == TS_OK);
    T_CHECK(mc == atol(ts_schema_default("privacy", "min_cell")));

    /* the one check: a stage judges only its own sections; the whole-manifest check judges all */
    T_CHECK(ts_manifest_set(m, "survey", "titel", "x") == 0);
    T_CHECK(ts_schema_check(m, TS_STAGE_WEIGHT, &err) == TS_OK);
    T_CHECK(ts_schema_check(m, TS_STAGE_ALL, &err) == TS_E_USAGE);
    T_CHECK_STR(err.msg, "--set survey.titel: unknown key of [survey] (known: id, title, title_en, period, mode, "
                         "population, synthetic, source, notes)");
    ts_err_clear(&err);
    ts_manifest_free(m);
    m = ts_manifest_new(".");
    T_CHECK(ts_manifest_set(m, "estimate.x", "var", "x") == 0);
    T_CHECK(ts_schema_check(m, TS_STAGE_TAB, &err) == TS_OK);
    T_CHECK(ts_schema_check(m, TS_STAGE_ALL, &err) == TS_E_USAGE);
    ts_err_clear(&err);
    ts_manifest_free(m);
    T_DONE();
}
