/* load.c — the weighted dataset, holding only what the estimates read (issue #17). A survey
 * file may have hundreds of questions and every table a few: held whole, a million rows of
 * 43 variables came to more than the estimates' own memory. The columns kept are those a
 * table names, the design's (lib/design.c records them; lib/sample.c reads them) and the ids;
 * the others are checked and dropped as the file is read. A name that is not a variable is
 * simply not kept: the table's own check says it is missing, as before. */
#include "load.h"

#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "numparse.h"
#include "schema.h"

typedef struct wanted {
    const ts_dataset *head;
    unsigned char *keep;
} wanted;

/* Keep the variable NAME (LEN bytes) of the file, if it has one. */
static void want_n(wanted *w, const char *name, size_t len)
{
    for (size_t i = 0; name && i < w->head->nvars; i++)
        if (strlen(w->head->vars[i]->name) == len && memcmp(w->head->vars[i]->name, name, len) == 0)
            w->keep[i] = 1;
}

static void want(wanted *w, const char *name)
{
    if (name)
        want_n(w, name, strlen(name));
}

/* A name as a table gives it: as written, and each of its comma- or semicolon-separated,
 * trimmed items (by = A, B; tab.c's parse_spec splits it so). Keeping a column too many
 * costs memory only; one too few would change a table. */
static void want_list(wanted *w, const char *list)
{
    want(w, list);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",;");
        const char *s = p;
        size_t sl = len;
        ts_trim(&s, &sl);
        want_n(w, s, sl);
        p += len + (p[len] != '\0');
    }
}

/* Every column of the recorded design that ts_sample_new and ts_sample_unweighted read:
 * weights, strata, clusters and their later stages, fpc, calibration and replicate columns.
 * (A column a new design feature reads must be added here: without it ts_design_read on the
 * dataset held says the design's variable is not in the dataset.) */
static void want_design(wanted *w, const ts_design *d)
{
    want(w, d->weight);
    want(w, d->design_weight);
    want(w, d->calibrated_weight);
    want(w, d->strata);
    want(w, d->cluster);
    want(w, d->fpc);
    for (size_t s = 0; s < TS_DESIGN_MAX_STAGES - 1; s++) {
        want(w, d->subcluster[s]);
        want(w, d->subfpc[s]);
    }
    for (size_t k = 0; k < d->ncalibration_columns; k++)
        want(w, d->calibration_columns[k]);
    for (size_t k = 0; k < d->nreplicate_columns; k++)
        want(w, d->replicate_columns[k]);
}

typedef struct load_ctx {
    const tab_options *opt;
    const ts_manifest *m;
} load_ctx;

static int keep_columns(const ts_dataset *head, unsigned char *keep, void *arg)
{
    const load_ctx *c = arg;
    wanted w = {head, keep};
    for (size_t i = 0; i < head->nvars; i++)
        if (head->vars[i]->type == TS_VAR_ID) /* "respondent id 17" in lib/sample.c's messages */
            keep[i] = 1;
    /* A design that does not read (an unknown type, a column not in the file) is refused by
     * tab_run in its turn, with its message: until then nothing is dropped. */
    ts_design d;
    ts_err derr = TS_ERR_INIT;
    if (ts_design_read(head, &d, &derr) == TS_OK) {
        want_design(&w, &d);
    } else {
        if (derr.status == TS_E_NOMEM) {
            ts_design_clear(&d);
            ts_err_clear(&derr);
            return -1;
        }
        memset(keep, 1, head->nvars);
    }
    ts_design_clear(&d);
    ts_err_clear(&derr);
    if (c->opt->var) {
        want(&w, c->opt->var);
        want_list(&w, c->opt->by);
        want(&w, c->opt->denominator);
        return 0;
    }
    for (size_t s = 0; c->m && s < ts_manifest_section_count(c->m); s++) {
        const char *sec = ts_manifest_section(c->m, s);
        if (strncmp(sec, "table.", 6) != 0)
            continue;
        want(&w, ts_manifest_get(c->m, sec, "var"));
        want_list(&w, ts_manifest_get(c->m, sec, "by"));
        want(&w, ts_manifest_get(c->m, sec, "denominator"));
    }
    return 0;
}

ts_dataset *tab_load(const tab_options *opt, const ts_manifest *m, ts_err *err)
{
    load_ctx c = {opt, m};
    return ts_dataset_read_some(opt->input, keep_columns, &c, err);
}

int tab_wants_unweighted(const tab_options *opt, const ts_manifest *m)
{
    for (size_t s = 0; !opt->var && m && s < ts_manifest_section_count(m); s++) {
        const char *sec = ts_manifest_section(m, s);
        const char *w = strncmp(sec, "table.", 6) == 0 ? ts_schema_get(m, sec, "weighted") : NULL;
        if (w && strcmp(w, "no") == 0) /* as tab.c's manifest_tables reads it */
            return 1;
    }
    return 0;
}
