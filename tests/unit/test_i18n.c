/* Unit tests for lib/i18n.c (the report language's catalogue) and ts_dataset_use_labels
 * (lib/dataset.c: the label language with its fallback LANG → label_en → label). */
#include <stdlib.h>

#include "dataset.h"
#include "harness.h"
#include "i18n.h"
#include "manifest.h"

int main(void)
{
    /* Japanese: TR returns its argument itself (so Japanese output cannot change) */
    static const char ja[] = "集計の方法";
    T_CHECK(ts_i18n_lang() == TS_LANG_JA);
    T_CHECK(TR(ja) == ja);
    T_CHECK(TR(NULL) == NULL);
    /* English: the catalogue's text; a text it lacks stays as it is */
    ts_i18n_set(TS_LANG_EN);
    T_CHECK(strcmp(TR("集計の方法"), "Methods") == 0);
    T_CHECK(strcmp(TR("全体"), "All") == 0);
    T_CHECK(strcmp(TR("表%d　%s"), "Table %d  %s") == 0);
    static const char none[] = "カタログにない文";
    T_CHECK(TR(none) == none);
    ts_i18n_set(TS_LANG_JA);

    ts_lang l = TS_LANG_JA;
    T_CHECK(ts_lang_parse("en", &l) == 0 && l == TS_LANG_EN);
    T_CHECK(ts_lang_parse("ja", &l) == 0 && l == TS_LANG_JA);
    T_CHECK(ts_lang_parse("EN", &l) != 0 && ts_lang_parse("fr", &l) != 0 && ts_lang_parse(NULL, &l) != 0);
    T_CHECK(ts_label_lang_valid("vi") && ts_label_lang_valid("en") && ts_label_lang_valid("fil"));
    T_CHECK(!ts_label_lang_valid("v") && !ts_label_lang_valid("VI") && !ts_label_lang_valid("viet") &&
            !ts_label_lang_valid("v1") && !ts_label_lang_valid(""));

    /* the manifest: [report] language and labels, title_en beside title */
    ts_err err = TS_ERR_INIT;
    static const char ini[] = "[survey]\ntitle = 調査\ntitle_en = A survey\n[report]\nlanguage = en\nlabels = vi\n";
    ts_manifest *m = ts_manifest_read_mem(ini, sizeof ini - 1, "t.ini", &err);
    T_CHECK(m != NULL);
    const char *labels = NULL;
    T_CHECK(ts_i18n_setup(m, NULL, NULL, &labels, &err) == TS_OK && strcmp(labels, "vi") == 0 &&
            ts_i18n_lang() == TS_LANG_EN && strcmp(ts_i18n_labels(), "vi") == 0);
    T_CHECK(strcmp(ts_i18n_get(m, "survey", "title"), "A survey") == 0);
    T_CHECK(ts_i18n_setup(m, "ja", "en", &labels, &err) == TS_OK && strcmp(labels, "en") == 0 &&
            ts_i18n_lang() == TS_LANG_JA);
    T_CHECK(strcmp(ts_i18n_get(m, "survey", "title"), "調査") == 0);
    T_CHECK(ts_i18n_setup(NULL, NULL, NULL, &labels, &err) == TS_OK && strcmp(labels, "ja") == 0);
    ts_manifest_free(m);
    static const char bad[] = "[report]\nlabels = Tiếng Việt\n";
    m = ts_manifest_read_mem(bad, sizeof bad - 1, "b.ini", &err);
    T_CHECK(m != NULL && ts_i18n_setup(m, NULL, NULL, &labels, &err) == TS_E_DATA && err.msg &&
            strstr(err.msg, "b.ini:2:") != NULL);
    ts_err_clear(&err);
    ts_manifest_free(m);

    /* labels: vi where given, else label_en, else label; ja changes nothing */
    ts_dataset *ds = ts_dataset_new();
    ts_var *v = ts_var_new("q", TS_VAR_SINGLE);
    free(v->label), free(v->label_en);
    v->label = strdup("質問"), v->label_en = strdup("Question");
    T_CHECK(ts_var_add_code(v, 1, 0, "はい", "Yes", "") == 0 && ts_var_add_code(v, 2, 0, "いいえ", "No", "") == 0 &&
            ts_var_add_code(v, 3, 0, "不明", "", "") == 0);
    ts_var_choose_storage(v);
    T_CHECK(ts_dataset_add_var(ds, v) == 0);
    T_CHECK(ts_dataset_set_meta(ds, "label_vi.q", "Câu hỏi") == 0 && ts_dataset_set_meta(ds, "label_vi.q.1", "Có") == 0);
    T_CHECK(ts_dataset_use_labels(ds, "ja") == 0 && strcmp(v->label, "質問") == 0 && strcmp(v->codes[0].label, "はい") == 0);
    T_CHECK(ts_dataset_use_labels(ds, "vi") == 0);
    T_CHECK(strcmp(v->label, "Câu hỏi") == 0 && strcmp(v->codes[0].label, "Có") == 0);
    T_CHECK(strcmp(v->codes[1].label, "No") == 0);      /* no Vietnamese: the English */
    T_CHECK(strcmp(v->codes[2].label, "不明") == 0);    /* no English either: the Japanese */
    T_CHECK(strcmp(v->codes[0].label_en, "Yes") == 0);  /* label_en stays */
    ts_dataset_free(ds);
    T_DONE();
}
