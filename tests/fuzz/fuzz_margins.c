/* fuzz_margins.c — libFuzzer target for the weight stage's margin and frame reader
 * (stats/weight/margins.c, [margin.*] and frame files: docs/manifest.md), through
 * margin_read_mem, against a small dataset built in memory: area (the Saitama demo's five
 * areas and the cases' 北, 南), sex (with a missing code), age_band (eight bands), pref (47
 * codes, so that code lookup goes through the hash) and age (an integer: refused as a margin
 * variable).
 *
 * The first input byte chooses the margin variables (bits 0-2: area; sex; age_band × sex;
 * area × age_band × sex; pref; age; a name not in the dataset; sex × area) and the count
 * column (bit 3: population, else sample); the rest is the file, read as "fuzz/margin.csv".
 * Besides ASan/UBSan the target checks what the weighting relies on: a refusal has a message
 * naming the file; an accepted table has a cell or more, every cell's codes among its
 * variable's codes, a finite total ≥ 0, one cell per code combination (margin_find finds
 * each at its own index), a line after the header, and a name for messages.
 *
 *   make fuzz                                  (needs clang; builds $(BUILD)/fuzz/fuzz_margins)
 *   build/fuzz/fuzz_margins tests/fuzz/corpus/margins
 *
 * Built with -DTS_FUZZ_MAIN it is a plain program that replays the files named on its command
 * line (any C compiler), so crashers kept as cases can be rerun without clang. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "margins.h"

#define FUZZ_NAME "fuzz_margins"
#include "check.h"

static const char NAME[] = "fuzz/margin.csv";

static ts_var *add_var(ts_dataset *ds, const char *name, ts_vartype type)
{
    ts_var *v = ts_var_new(name, type);
    CHECK(v);
    CHECK(ts_dataset_add_var(ds, v) == 0);
    return v;
}

static void add_code(ts_var *v, int32_t code, int missing, const char *label, const char *label_en)
{
    CHECK(ts_var_add_code(v, code, missing, label, label_en, "") == 0);
}

/* Built once: the reader only reads it. */
static ts_dataset *dataset(void)
{
    static ts_dataset *ds;
    if (ds)
        return ds;
    CHECK(ds = ts_dataset_new());
    ts_var *area = add_var(ds, "area", TS_VAR_SINGLE);
    static const char *const areas[][2] = {{"中央", "Central"}, {"西部", "West"}, {"東部", "East"},
                                           {"北部", "North"},   {"秩父", "Chichibu"}, {"北", ""}, {"南", ""}};
    for (int i = 0; i < 7; i++)
        add_code(area, i + 1, 0, areas[i][0], areas[i][1]);
    ts_var *sex = add_var(ds, "sex", TS_VAR_SINGLE);
    add_code(sex, 1, 0, "男性", "Male");
    add_code(sex, 2, 0, "女性", "Female");
    add_code(sex, 9, 1, "無回答", "No answer");
    ts_var *band = add_var(ds, "age_band", TS_VAR_SINGLE);
    static const char *const bands[][2] = {{"16～19歳", "16-19"}, {"20～29歳", "20-29"}, {"30～39歳", "30-39"},
                                           {"40～49歳", "40-49"}, {"50～59歳", "50-59"}, {"60～69歳", "60-69"},
                                           {"70～79歳", "70-79"}, {"80歳以上", "80+"}};
    for (int i = 0; i < 8; i++)
        add_code(band, i + 1, 0, bands[i][0], bands[i][1]);
    ts_var *pref = add_var(ds, "pref", TS_VAR_SINGLE);
    for (int i = 1; i <= 47; i++) {
        char label[32];
        snprintf(label, sizeof label, "都道府県%02d", i);
        add_code(pref, i, 0, label, "");
    }
    ts_var *age = add_var(ds, "age", TS_VAR_INTEGER);
    add_code(age, 999, 1, "無回答", "No answer");
    return ds;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *const sets[8][3] = {{"area"}, {"sex"}, {"age_band", "sex"}, {"area", "age_band", "sex"},
                                     {"pref"}, {"age"}, {"nosuch"}, {"sex", "area"}};
    static const size_t nset[8] = {1, 1, 2, 3, 1, 1, 1, 2};
    if (size < 1 || size > (1 << 20))
        return 0;
    const ts_dataset *ds = dataset();
    uint8_t b = data[0];
    char *const *names = sets[b & 7];
    size_t nnames = nset[b & 7];
    const char *count = b & 8 ? "population" : "sample";
    ts_err err = TS_ERR_INIT;
    margin_table *m = margin_read_mem(data + 1, size - 1, NAME, ds, names, nnames, count, &err);
    if (!m) {
        CHECK(err.status != TS_OK && err.msg && strncmp(err.msg, NAME, sizeof NAME - 1) == 0);
        ts_err_clear(&err);
        return 0;
    }
    CHECK(err.status == TS_OK);
    CHECK(strcmp(m->file, NAME) == 0 && m->nvars == nnames && m->ncells >= 1);
    for (size_t k = 0; k < m->nvars; k++)
        CHECK(m->vars[k] == ts_dataset_find(ds, names[k]) && m->vars[k]->type == TS_VAR_SINGLE);
    for (size_t c = 0; c < m->ncells; c++) {
        const int32_t *codes = &m->codes[c * m->nvars];
        for (size_t k = 0; k < m->nvars; k++)
            CHECK(ts_var_code_index(m->vars[k], codes[k]) >= 0);
        CHECK(isfinite(m->total[c]) && m->total[c] >= 0);
        CHECK(m->line[c] >= 2 && (c == 0 || m->line[c] > m->line[c - 1]));
        CHECK(margin_find(m, codes) == (long)c);
        char *name = margin_cell_name(m, c);
        CHECK(name);
        free(name);
    }
    margin_free(m);
    return 0;
}

#include "replay_main.h" /* main() for -DTS_FUZZ_MAIN */
