/* i18n.h — the fixed texts of the report, the tables' text and the charts in the report's
 * language ([report] language = ja | en, docs/report.md "Language").
 *
 * The texts are written in Japanese in the source, as they always were; ts_tr() looks the
 * Japanese string up in a small compiled-in catalogue (i18n.c) and returns its English when the
 * language is English. Not GNU gettext: a batch report must give the same bytes whatever the
 * process locale (LANG, LC_ALL, LANGUAGE) of the machine that runs it, and the catalogue must
 * travel inside the static programs without a .mo file to install and find. Japanese output is
 * untouched by construction: under ja ts_tr() returns its argument. */
#ifndef TS_I18N_H
#define TS_I18N_H

#include "status.h"

typedef enum { TS_LANG_JA = 0, TS_LANG_EN } ts_lang;

/* The language of this process's fixed texts (process-wide; main() sets it once, before any
 * text is made). The default is Japanese. */
void ts_i18n_set(ts_lang lang);
ts_lang ts_i18n_lang(void);
/* A --lang given on the command line: sets the language and makes ts_i18n_setup keep it over
 * the manifest's [report] language. */
void ts_i18n_force(ts_lang lang);
/* "ja" or "en" into *OUT: 0, or -1 for anything else (OUT untouched). */
int ts_lang_parse(const char *s, ts_lang *out);

/* JA's text in the current language: JA itself under ja, and under en the catalogue's English
 * (JA itself when the catalogue has none, so a missing entry shows, never crashes). Borrowed:
 * JA's storage or the catalogue's static text. Format strings are looked up the same way (their
 * conversions in the same order). */
const char *ts_tr(const char *ja);
#define TR(s) ts_tr(s)
/* A catalogue text in static data, where no call may stand: translated with TR() where used. */
#define N_(s) (s)

/* Whether the label language LANG ([report] labels, --labels) is well formed: ja, en, or 2-3
 * lowercase ASCII letters (a codebook column label_LANG: vi, pt, zh, ...). */
int ts_label_lang_valid(const char *lang);

/* The report's language and label language for a stage: LANG_OPT (--lang) or else the manifest
 * M's [report] language (M may be NULL), set as the process's language (ts_i18n_set); into
 * *LABELS LABELS_OPT (--labels) or else [report] labels, else the language's own ("ja" or "en").
 * TS_E_USAGE for a bad option, TS_E_DATA (with the manifest's line) for a bad [report] labels. */
struct ts_manifest;
/* The last *LABELS ts_i18n_setup chose ("ja" before any). */
const char *ts_i18n_labels(void);
ts_status ts_i18n_setup(const struct ts_manifest *m, const char *lang_opt, const char *labels_opt,
                        const char **labels, ts_err *err);
/* SECTION.KEY as ts_schema_get gives it, in the current language: under en KEY_en when the
 * manifest sets it (title_en beside title), else the value — a schema default text through
 * ts_tr(). Borrowed; NULL when neither is set and there is no default. */
const char *ts_i18n_get(const struct ts_manifest *m, const char *section, const char *key);

#endif
