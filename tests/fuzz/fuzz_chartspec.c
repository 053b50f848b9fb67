/* fuzz_chartspec.c — libFuzzer target for the chart specifications of tsunagari-plot and the
 * report (plots/chartspec.c: [chart.NAME] sections, docs/charts.md), read from a manifest in
 * memory (ts_manifest_read_mem) against a tables CSV in memory (ts_tables_read_mem).
 *
 * The first input byte chooses the charts asked for (bits 0-1: all; "stacked"; "indicator,
 * nosuch"; "") and where the manifest says it lives (bit 2: tests/plots/fixtures/, else
 * data/saitama-2022/), so that a compare chart's reference (reference.csv, or the demos'
 * ../reference/national-direct-question.csv) is found when run from the top of the tree.
 * The rest is the manifest, then, after a line "=====", the tables CSV; without that line
 * the tables are a small built-in file (tables lonely_age and events). Besides ASan/UBSan
 * the target checks what drawing relies on: a refusal has a message naming the manifest; in
 * a set read, every chart has a plain file name from its section, a table of the CSV with at
 * most TS_MAX_BARS domains and answers, codes listed once (some for an indicator, none for a
 * stacked or multi chart), a reference exactly when it compares, a title, a min_cell of 0 to
 * 1,000,000, and is one of those asked for.
 *
 *   make fuzz                                  (needs clang; builds $(BUILD)/fuzz/fuzz_chartspec)
 *   build/fuzz/fuzz_chartspec -dict=tests/fuzz/chartspec.dict tests/fuzz/corpus/chartspec
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler), so crashers kept as cases can be rerun without clang. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chartspec.h"

#define FUZZ_NAME "fuzz_chartspec"
#include "check.h"

static const char SEPARATOR[] = "\n=====\n";
static const char TABLES_NAME[] = "fuzz/tables.csv";
static const char BUILTIN_TABLES[] =
    "table,by,by_codes,by_labels,variable,code,label,statistic,n,n_category,estimate,ci_low,ci_high,ci_level,suppressed,missing_n\n"
    "lonely_age,age_band,,全体,lonely,1,決してない,share,400,80,0.2,0.16,0.24,0.95,no,0\n"
    "lonely_age,age_band,,全体,lonely,5,常にある,share,400,320,0.8,0.76,0.84,0.95,no,0\n"
    "lonely_age,age_band,1,16～29歳,lonely,1,決してない,share,8,,,,,0.95,yes,0\n"
    "lonely_age,age_band,1,16～29歳,lonely,5,常にある,share,8,4,0.5,0.2,0.8,0.95,no,0\n"
    "events,,,全体,events,1,家族との死別,share,400,40,0.1,0.07,0.13,0.95,no,3\n"
    "events,,,全体,events,2,転校・転職,share,400,,0.3,,,0.95,no,3\n"
    "events,,,全体,events,,平均,mean,400,,2.5,2.1,2.9,0.95,no,3\n";

/* Whether NAME is one of the comma-separated names in ONLY. */
static int asked(const char *only, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = only; *p;) {
        p += strspn(p, " ,");
        size_t k = strcspn(p, ",");
        size_t e = k;
        while (e && p[e - 1] == ' ')
            e--;
        if (e == n && memcmp(p, name, n) == 0)
            return 1;
        p += k;
    }
    return 0;
}

static int is_table_of(const ts_tables *t, const ts_ttable *tb)
{
    for (size_t i = 0; i < ts_tables_count(t); i++)
        if (ts_tables_at(t, i) == tb)
            return 1;
    return 0;
}

static void check_set(const ts_chartset *s, const ts_tables *t, const char *only)
{
    for (size_t i = 0; i < s->n; i++) {
        const ts_chart *c = &s->charts[i];
        CHECK(c->name && c->name[0] && c->name[0] != '.' && !strchr(c->name, '/'));
        CHECK(!only || asked(only, c->name));
        CHECK(c->table && is_table_of(t, c->table) && c->table->ndomains <= TS_MAX_BARS);
        for (size_t d = 0; d < c->table->ndomains; d++)
            CHECK(c->table->domains[d].ncells <= TS_MAX_BARS);
        for (size_t a = 0; a < c->ncodes; a++)
            for (size_t b = 0; b < a; b++)
                CHECK(strcmp(c->codes[a], c->codes[b]) != 0);
        if (c->type == TS_CHART_INDICATOR)
            CHECK(c->ncodes > 0);
        if (c->type == TS_CHART_STACKED || c->type == TS_CHART_MULTI)
            CHECK(c->ncodes == 0);
        CHECK((c->type == TS_CHART_COMPARE) == (c->reference != NULL));
        CHECK(c->reference == s->refs[i]);
        CHECK(c->title && c->title[0] && c->survey_title);
        CHECK(c->min_cell >= 0 && c->min_cell <= 1000000);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const onlys[4] = {NULL, "stacked", "indicator, nosuch", ""};
    if (size < 1 || size > (1 << 20))
        return 0;
    const char *only = onlys[data[0] & 3];
    const char *name = data[0] & 4 ? "tests/plots/fixtures/fuzz.ini" : "data/saitama-2022/fuzz.ini";
    const uint8_t *ini = data + 1, *tab = (const uint8_t *)BUILTIN_TABLES;
    size_t nini = size - 1, ntab = sizeof BUILTIN_TABLES - 1;
    /* memmem is not C11: find the separator by hand. */
    for (size_t i = 0; nini >= sizeof SEPARATOR - 1 && i <= nini - (sizeof SEPARATOR - 1); i++)
        if (memcmp(ini + i, SEPARATOR, sizeof SEPARATOR - 1) == 0) {
            tab = ini + i + sizeof SEPARATOR - 1;
            ntab = nini - i - (sizeof SEPARATOR - 1);
            nini = i + 1; /* the manifest keeps its last newline */
            break;
        }
    /* Each part in a buffer of exactly its size, so that ASan sees its end. */
    uint8_t *ini_copy = malloc(nini ? nini : 1), *tab_copy = malloc(ntab ? ntab : 1);
    if (!ini_copy || !tab_copy) {
        free(ini_copy);
        free(tab_copy);
        return 0;
    }
    memcpy(ini_copy, ini, nini);
    memcpy(tab_copy, tab, ntab);
    ts_err err = TS_ERR_INIT;
    ts_manifest *m = ts_manifest_read_mem(ini_copy, nini, name, &err);
    ts_tables *t = m ? ts_tables_read_mem(tab_copy, ntab, TABLES_NAME, &err) : NULL;
    if (m && t) {
        ts_chartset *s = ts_chartspec_read(m, t, TABLES_NAME, only, &err);
        if (!s) {
            CHECK(err.status != TS_OK && err.msg && strstr(err.msg, name));
        } else {
            CHECK(err.status == TS_OK);
            check_set(s, t, only);
            ts_chartspec_free(s);
        }
    }
    ts_tables_free(t);
    ts_manifest_free(m);
    ts_err_clear(&err);
    free(ini_copy);
    free(tab_copy);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
