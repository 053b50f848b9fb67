/* plot.c — see plot.h. */
#include "plot.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chartspec.h"
#include "fonts.h"
#include "i18n.h"
#include "manifest.h"
#include "strbuf.h"
#include "tables.h"

static ts_status make_outdir(const char *dir, ts_err *err)
{
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return ts_err_set(err, TS_E_CANTCREAT, "%s: not a folder", dir);
        return TS_OK;
    }
    if (mkdir(dir, 0777) != 0)
        return ts_err_set(err, TS_E_CANTCREAT, "%s: cannot create folder: %s", dir, strerror(errno));
    return TS_OK;
}

/* Add the ad hoc chart of O to M as [chart.NAME]. */
static ts_status add_adhoc(ts_manifest *m, const ts_plot_options *o, const char **name, char section[200], ts_err *err)
{
    *name = o->name ? o->name : o->table ? o->table : "adhoc";
    snprintf(section, 200, "chart.%s", *name);
    if (ts_manifest_has_section(m, section) && o->survey)
        return ts_err_set(err, TS_E_USAGE, "--name %s: the manifest already has [chart.%s]; choose another name", *name, *name);
    /* A reference given on the command line is relative to the current folder, not to the
     * manifest's: make it absolute before the manifest resolves it. */
    char *ref = NULL;
    if (o->reference) {
        char cwd[PATH_MAX];
        ts_strbuf b = TS_STRBUF_INIT;
        if (o->reference[0] == '/' || !getcwd(cwd, sizeof cwd))
            ts_strbuf_append_str(&b, o->reference);
        else
            ts_strbuf_printf(&b, "%s/%s", cwd, o->reference);
        if (!(ref = ts_strbuf_take(&b)))
            return ts_err_set(err, TS_E_NOMEM, "out of memory");
    }
    const char *keys[] = {"type", "table", "codes", "title", "style", "reference", "reference_row"};
    const char *vals[] = {o->type, o->table, o->codes, o->title, o->style, ref, o->reference_row};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (vals[i] && ts_manifest_set(m, section, keys[i], vals[i]) != 0) {
            free(ref);
            return ts_err_set(err, TS_E_NOMEM, "out of memory");
        }
    free(ref);
    return TS_OK;
}

ts_status ts_plot_run(const ts_plot_options *o, ts_err *err)
{
    ts_status st = TS_OK;
    ts_manifest *m = NULL;
    ts_tables *t = NULL;
    ts_fonts *fonts = NULL;
    ts_chartset *set = NULL;
    const char *only = o->only;
    char section[200];

    if (!(t = ts_tables_read(o->tables, err)))
        goto fail;
    if (o->survey) {
        if (!(m = ts_manifest_read(o->survey, err)))
            goto fail;
    } else if (!(m = ts_manifest_new("."))) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto fail;
    }
    /* [report] language: the charts' fixed texts (lib/i18n); the labels come in tables.csv */
    const char *labels;
    if ((st = ts_i18n_setup(m, NULL, NULL, &labels, err)) != TS_OK)
        goto fail;
    if (o->type) {
        if ((st = add_adhoc(m, o, &only, section, err)) != TS_OK)
            goto fail;
    }
    if (!(set = ts_chartspec_read(m, t, o->tables, only, err)))
        goto fail;
    if (set->n == 0) {
        st = ts_err_set(err, TS_E_USAGE, "%s: no [chart.NAME] sections: nothing to draw (or give --type and --table)",
                        o->survey ? o->survey : "-");
        goto fail;
    }
    if (!(fonts = ts_fonts_open(err)))
        goto fail;
    if ((st = make_outdir(o->outdir, err)) != TS_OK)
        goto fail;
    for (size_t i = 0; i < set->n; i++) {
        if ((st = ts_render_chart(&set->charts[i], fonts, &o->render, o->outdir, err)) != TS_OK)
            goto fail;
        if (!o->quiet) {
            const int f = o->render.formats;
            printf("tsunagari-plot: wrote %s/%s (%s%s%s)\n", o->outdir, set->charts[i].name,
                   f & TS_RENDER_PNG ? "png " : "", f & TS_RENDER_PDF ? "pdf " : "", f & TS_RENDER_SVG ? "svg" : "");
        }
    }
    goto done;
fail:
    if (st == TS_OK)
        st = err && err->status != TS_OK ? err->status : TS_E_INTERNAL;
done:
    ts_chartspec_free(set);
    ts_fonts_free(fonts);
    ts_tables_free(t);
    ts_manifest_free(m);
    ts_fonts_shutdown();
    return st;
}
