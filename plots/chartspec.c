/* chartspec.c — reads [chart.NAME] sections into ts_chart (see chartspec.h). */
#include "chartspec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "numparse.h"
#include "privacy.h"
#include "schema.h"
#include "strbuf.h"


void ts_chartspec_free(ts_chartset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nwavefiles; i++)
        ts_tables_free(s->wavefiles[i]);
    free(s->wavefiles);
    for (size_t i = 0; i < s->n; i++) {
        ts_manifest_free_list(s->charts[i].codes, s->charts[i].ncodes);
        if (s->charts[i].wave_labels)
            ts_manifest_free_list(s->charts[i].wave_labels, s->charts[i].nwaves + 1);
        if (s->refs)
            ts_reference_free(s->refs[i]);
    }
    free(s->charts);
    free(s->refs);
    free(s);
}

static int listed(const char *only, const char *name)
{
    if (!only)
        return 1;
    size_t n = strlen(name);
    for (const char *p = only; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > p && t[-1] == ' ')
            t--;
        if ((size_t)(t - p) == n && memcmp(p, name, n) == 0)
            return 1;
        p = e;
    }
    return 0;
}

/* Every key of every [chart.*] (and [privacy]) section must be one we know (lib/schema.c;
 * docs/manifest.md: a misspelt key must not be ignored). */
static ts_status check_keys(const ts_manifest *m, ts_err *err)
{
    return ts_schema_check(m, TS_STAGE_PLOT, err);
}

static ts_status bad(const ts_manifest *m, const char *sec, const char *key, ts_err *err, const char *what)
{
    unsigned long line = ts_manifest_line(m, sec, key);
    if (line)
        return ts_err_set(err, TS_E_DATA, "%s:%lu: [%s] %s: %s", ts_manifest_path(m), line, sec, key, what);
    return ts_err_set(err, TS_E_DATA, "%s: [%s] %s: %s", ts_manifest_path(m), sec, key, what);
}

/* [chart.NAME] waves, wave_labels (a line chart): each earlier wave's tables.csv, read into S
 * (which owns them), and the same table in each. */
static ts_status read_waves(const ts_manifest *m, const char *sec, ts_chart *c, ts_chartset *s, ts_err *err)
{
    const char *waves = ts_manifest_get(m, sec, "waves"), *labels = ts_manifest_get(m, sec, "wave_labels");
    if (!waves || !*waves) {
        if (labels && *labels)
            return bad(m, sec, "wave_labels", err, "only with waves (the earlier waves' tables.csv)");
        return TS_OK;
    }
    if (c->type != TS_CHART_LINE)
        return bad(m, sec, "waves", err, "only line charts take waves");
    char **files = NULL;
    long nf = ts_manifest_split_list(waves, &files);
    if (nf < 0)
        return ts_err_set(err, TS_E_NOMEM, "out of memory");
    ts_status st = TS_OK;
    char msg[700];
    if (nf == 0 || nf > TS_MAX_WAVES) {
        snprintf(msg, sizeof msg, "%ld files: give 1 to %d earlier waves' tables.csv, oldest first", nf, TS_MAX_WAVES);
        st = bad(m, sec, "waves", err, msg);
        goto done;
    }
    long nl = labels && *labels ? ts_manifest_split_list(labels, &c->wave_labels) : 0;
    if (nl != nf + 1) {
        if (nl > 0)
            ts_manifest_free_list(c->wave_labels, (size_t)nl);
        c->wave_labels = NULL;
        snprintf(msg, sizeof msg, "%ld labels for %ld earlier waves and this survey: give %ld (令和3年, …, this survey's last)",
                 nl < 0 ? 0 : nl, nf, nf + 1);
        st = bad(m, sec, labels && *labels ? "wave_labels" : "waves", err, msg);
        goto done;
    }
    ts_tables **grown = realloc(s->wavefiles, (s->nwavefiles + (size_t)nf) * sizeof *grown);
    if (!grown) {
        st = ts_err_set(err, TS_E_NOMEM, "out of memory");
        goto done;
    }
    s->wavefiles = grown;
    c->nwaves = (size_t)nf;
    for (long i = 0; i < nf && st == TS_OK; i++) {
        char *path = ts_manifest_resolve(m, files[i]);
        ts_tables *w = path ? ts_tables_read(path, err) : NULL;
        free(path);
        if (!w) {
            unsigned long line = ts_manifest_line(m, sec, "waves");
            ts_err_prefix(err, "%s:%lu: [%s] waves = %s", ts_manifest_path(m), line, sec, files[i]);
            st = err->status ? err->status : TS_E_DATA;
            break;
        }
        s->wavefiles[s->nwavefiles++] = w;
        const ts_ttable *tt = ts_tables_find(w, c->table->id);
        if (!tt || tt->ndomains == 0 || tt->domains[0].codes[0] != '\0' || strcmp(tt->variable, c->table->variable) != 0) {
            snprintf(msg, sizeof msg, "%.200s has no table %.100s of %.60s with a 全体 row (it has: %.250s)", files[i],
                     c->table->id, c->table->variable, ts_tables_ids(w));
            st = bad(m, sec, "waves", err, msg);
            break;
        }
        c->wave[i] = tt;
    }
done:
    ts_manifest_free_list(files, (size_t)nf);
    return st;
}

static ts_status read_chart(const ts_manifest *m, const ts_tables *t, const char *tables_path, const char *sec,
                            ts_chart *c, ts_reference **ref, ts_err *err)
{
    c->name = sec + 6;
    /* The name becomes a file name in OUTDIR: keep it to one plain path component. */
    if (!*c->name || c->name[0] == '.' || strspn(c->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != strlen(c->name))
        return bad(m, sec, "type", err, "the chart name must be ASCII letters, digits, '_', '-' or '.' (it names the output files)");
    const char *type = ts_manifest_get(m, sec, "type");
    if (!type || !*type)
        return bad(m, sec, "type", err, "missing: give stacked, indicator, multi, compare, difference, line or grouped");
    if (strcmp(type, "stacked") == 0)
        c->type = TS_CHART_STACKED;
    else if (strcmp(type, "indicator") == 0)
        c->type = TS_CHART_INDICATOR;
    else if (strcmp(type, "multi") == 0)
        c->type = TS_CHART_MULTI;
    else if (strcmp(type, "compare") == 0)
        c->type = TS_CHART_COMPARE;
    else if (strcmp(type, "difference") == 0)
        c->type = TS_CHART_DIFFERENCE;
    else if (strcmp(type, "line") == 0)
        c->type = TS_CHART_LINE;
    else if (strcmp(type, "grouped") == 0)
        c->type = TS_CHART_GROUPED;
    else
        return bad(m, sec, "type", err, "expected stacked, indicator, multi, compare, difference, line or grouped");
    const char *table = ts_manifest_get(m, sec, "table");
    if (!table || !*table)
        return bad(m, sec, "table", err, "missing: the [table.NAME] this chart draws");
    /* a table with difference rows only (means) is in the model for the difference chart */
    c->table = ts_tables_find(t, table);
    if (c->table && c->type != TS_CHART_DIFFERENCE && c->table->ndomains == 0)
        c->table = NULL;
    if (!c->table) {
        char msg[600];
        if (*ts_tables_ids(t))
            snprintf(msg, sizeof msg, "table %.100s has no share rows in %.200s (it has: %.250s)", table, tables_path,
                     ts_tables_ids(t));
        else
            snprintf(msg, sizeof msg,
                     "table %.100s has no share rows in %.200s (no table there has any: charts draw shares, not means or totals)",
                     table, tables_path);
        return bad(m, sec, "table", err, msg);
    }
    for (size_t i = 0; i < c->table->ndomains; i++)
        if (c->table->ndomains > TS_MAX_BARS || c->table->domains[i].ncells > TS_MAX_BARS) {
            char msg[300];
            snprintf(msg, sizeof msg, "table %.100s has more than %d domains or answers: too many bars for one chart", table,
                     TS_MAX_BARS);
            return bad(m, sec, "table", err, msg);
        }
    const char *codes = ts_manifest_get(m, sec, "codes");
    if (codes && *codes) {
        long n = ts_manifest_split_list(codes, &c->codes);
        if (n < 0)
            return ts_err_set(err, TS_E_NOMEM, "out of memory");
        c->ncodes = (size_t)n;
        for (size_t i = 0; i < c->ncodes; i++)
            for (size_t j = 0; j < i; j++)
                if (strcmp(c->codes[i], c->codes[j]) == 0)
                    return bad(m, sec, "codes", err, "a code is listed twice");
    }
    if (c->type == TS_CHART_INDICATOR && c->ncodes == 0)
        return bad(m, sec, "codes", err, "missing: an indicator adds up these categories' shares (codes = 3, 4, 5)");
    if ((c->type == TS_CHART_STACKED || c->type == TS_CHART_MULTI) && c->ncodes)
        return bad(m, sec, "codes", err, "only indicator, compare and difference charts take codes");
    if (c->type == TS_CHART_DIFFERENCE && c->ncodes > 1)
        return bad(m, sec, "codes", err, "a difference chart shows one category (codes = 5): a sum of categories has no difference row");
    const char *style = ts_schema_get(m, sec, "style"); /* or the default */
    if (strcmp(style, "dots") == 0)
        c->dots = 1;
    else if (strcmp(style, "bars") != 0)
        return bad(m, sec, "style", err, "expected bars or dots");
    /* value = count: line and grouped draw n_category (a counts file's counts) */
    const char *value = ts_manifest_get(m, sec, "value");
    if (value && *value && c->type != TS_CHART_LINE && c->type != TS_CHART_GROUPED)
        return bad(m, sec, "value", err, "only line and grouped charts take value (share or count)");
    c->value_count = value && strcmp(value, "count") == 0;
    const char *counts = ts_manifest_get(m, "input", "counts");
    c->counts = counts && *counts;
    const char *title = ts_i18n_get(m, sec, "title"); /* title_en in an English report */
    c->title = title && *title ? title : c->name;
    const char *reference = ts_manifest_get(m, sec, "reference");
    const char *row = ts_manifest_get(m, sec, "reference_row");
    if (c->type == TS_CHART_COMPARE || (c->type == TS_CHART_GROUPED && reference && *reference)) {
        if (!reference || !*reference)
            return bad(m, sec, "reference", err, "missing: the CSV of published shares to compare with");
        if (!row || !*row)
            return bad(m, sec, "reference_row", err, "missing: the row of the reference to use (e.g. R4)");
        char *path = ts_manifest_resolve(m, reference);
        if (!path)
            return ts_err_set(err, TS_E_NOMEM, "out of memory");
        *ref = ts_reference_read(path, row, err);
        free(path);
        if (!*ref) {
            unsigned long line = ts_manifest_line(m, sec, "reference");
            ts_err_prefix(err, "%s:%lu: [%s] reference", ts_manifest_path(m), line, sec);
            return err ? err->status : TS_E_DATA;
        }
        c->reference = *ref;
    } else if ((reference && *reference) || (row && *row)) {
        return bad(m, sec, reference ? "reference" : "reference_row", err, "only compare and grouped charts take a reference");
    }
    /* [table.NAME] weighted = no: counted respondents, and the subtitle must say so. */
    char tsec[300];
    snprintf(tsec, sizeof tsec, "table.%s", table);
    c->weighted = strcmp(ts_schema_get(m, tsec, "weighted"), "no") != 0;
    /* a census (issue #16): its tables have no sampling error and its units may be organisations */
    const char *design = ts_manifest_get(m, "design", "type");
    c->census = design && strcmp(design, "census") == 0;
    c->unit = strcmp(ts_schema_get(m, "privacy", "units"), "organisations") == 0 ? "団体" : "人";
    return TS_OK;
}

ts_chartset *ts_chartspec_read(const ts_manifest *m, const ts_tables *t, const char *tables_path, const char *only,
                               ts_err *err)
{
    ts_chartset *s = calloc(1, sizeof *s);
    size_t nsec = ts_manifest_section_count(m);
    if (!s || !(s->charts = calloc(nsec ? nsec : 1, sizeof *s->charts)) ||
        !(s->refs = calloc(nsec ? nsec : 1, sizeof *s->refs))) {
        ts_chartspec_free(s);
        ts_err_set(err, TS_E_NOMEM, "out of memory");
        return NULL;
    }
    if (check_keys(m, err) != TS_OK)
        goto fail;
    const char *title = ts_i18n_get(m, "survey", "title");
    const char *synth = ts_schema_get(m, "survey", "synthetic");
    long mc; /* the one rule of every stage (lib/privacy.c): 0..1000000, 0 = no suppression */
    if (ts_privacy_min_cell(m, &mc, err) != TS_OK)
        goto fail;
    for (size_t i = 0; i < nsec; i++) {
        const char *sec = ts_manifest_section(m, i);
        if (strncmp(sec, "chart.", 6) != 0 || !listed(only, sec + 6))
            continue;
        ts_chart *c = &s->charts[s->n];
        c->survey_title = title ? title : "";
        c->synthetic = synth && strcmp(synth, "yes") == 0;
        c->min_cell = mc;
        s->n++;
        if (read_chart(m, t, tables_path, sec, c, &s->refs[s->n - 1], err) != TS_OK ||
            read_waves(m, sec, c, s, err) != TS_OK)
            goto fail;
    }
    if (only) {
        /* Every name asked for must be a chart of the manifest. */
        char *copy = ts_strdup(only);
        if (!copy) {
            ts_err_set(err, TS_E_NOMEM, "out of memory");
            goto fail;
        }
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
            while (*tok == ' ')
                tok++;
            size_t k = 0;
            while (k < s->n && !listed(tok, s->charts[k].name))
                k++;
            if (k == s->n && *tok) {
                ts_err_set(err, TS_E_USAGE, "no [chart.%s] in %s", tok, ts_manifest_path(m));
                free(copy);
                goto fail;
            }
        }
        free(copy);
    }
    return s;
fail:
    ts_chartspec_free(s);
    return NULL;
}
