/* load.c — tsunagari-report reads the stage outputs back into its model (rp_ctx, report.h):
 * the weighted dataset's provenance and variable labels, tables.csv as runs of rows per
 * table, the weight summary of weighting-report.csv, the rejects' item warnings and the number
 * drawn from the frame. Everything the report writes is made from these. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "i18n.h"
#include "report.h"
#include "strbuf.h"

/* Append a copy of KEY = VALUE to V[0..N). Returns 0 or -1 (out of memory). */
static int add_kv(rp_kv **v, size_t *n, const char *key, const char *value)
{
    rp_kv *nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    *v = nv;
    nv[*n] = (rp_kv){ts_strdup(key), ts_strdup(value ? value : "")};
    if (!nv[*n].key || !nv[*n].value) {
        free(nv[*n].key), free(nv[*n].value);
        return -1;
    }
    (*n)++;
    return 0;
}

/* weighted.tsd through lib/dataset: its provenance and each variable's label, copied (the
 * rows are not kept while the report is written), and the design it records (lib/design). */
static ts_status read_weighted(rp_ctx *c, const char *path, ts_err *err)
{
    ts_dataset *ds = ts_dataset_read(path, err);
    if (!ds)
        return err->status ? err->status : TS_E_INTERNAL;
    ts_status st = ts_design_read(ds, &c->design, err);
    if (st == TS_OK)
        st = rp_response_load(c, ds, err);
    if (st != TS_OK) {
        ts_dataset_free(ds);
        return st;
    }
    /* the labels of [report] labels (tab wrote tables.csv in them too) */
    int bad = ts_dataset_use_labels(ds, ts_i18n_labels()) != 0;
    for (size_t i = 0; i < ds->nmeta && !bad; i++)
        bad = add_kv(&c->prov, &c->nprov, ds->meta[i].key, ds->meta[i].value) != 0;
    for (size_t i = 0; i < ds->nvars && !bad; i++)
        bad = add_kv(&c->varlabel, &c->nvarlabel, ds->vars[i]->name, ds->vars[i]->label) != 0;
    ts_dataset_free(ds);
    return bad ? ts_err_set(err, TS_E_NOMEM, "out of memory") : TS_OK;
}

static double num(const char *s) { return s && *s ? strtod(s, NULL) : 0; }

/* The weight summary of weighting-report.csv (kind weights, group all). */
static double wstat(const rp_ctx *c, const char *level)
{
    if (!c->wreport)
        return 0;
    for (size_t r = 0; r < c->wreport->nrows; r++)
        if (strcmp(rp_csv_get(c->wreport, r, "kind"), "weights") == 0 &&
            strcmp(rp_csv_get(c->wreport, r, "group"), "all") == 0 &&
            strcmp(rp_csv_get(c->wreport, r, "level"), level) == 0)
            return num(rp_csv_get(c->wreport, r, "value"));
    return 0;
}

/* The number drawn: the sum of the frame's sample column ([design] frame). -1: no frame. */
static long frame_drawn(const rp_ctx *c)
{
    const char *frame = c->design.frame, *col = c->design.frame_sample;
    /* a cluster design's frame counts PSUs, not persons (response.c has the PSU frame's) */
    if (!frame || !col || c->design.cluster)
        return -1;
    char *path = ts_manifest_resolve(c->m, frame);
    FILE *fp = path ? fopen(path, "rb") : NULL;
    free(path);
    if (!fp)
        return -1;
    /* A frame file may start with '#' comment lines, which rp_csv does not skip: copy. */
    ts_strbuf b = TS_STRBUF_INIT;
    char line[4096];
    while (fgets(line, sizeof line, fp))
        if (line[0] != '#')
            ts_strbuf_append_str(&b, line);
    fclose(fp);
    char tmp[] = ".frame.csv";
    FILE *out = fopen(tmp, "wb");
    long drawn = -1;
    if (out && b.data) {
        fwrite(b.data, 1, b.len, out);
        fclose(out);
        rp_csv *f = rp_csv_read(tmp, NULL);
        if (f && rp_csv_col(f, col) >= 0) {
            drawn = 0;
            for (size_t r = 0; r < f->nrows; r++)
                drawn += atol(rp_csv_get(f, r, col));
        }
        rp_csv_free(f);
    } else if (out) {
        fclose(out);
    }
    remove(tmp);
    ts_strbuf_free(&b);
    return drawn;
}

static long count_warnings(const char *rejects)
{
    rp_csv *r = rp_csv_read(rejects, NULL);
    long n = 0;
    if (r)
        for (size_t i = 0; i < r->nrows; i++)
            n += strcmp(rp_csv_get(r, i, "severity"), "warning") == 0;
    rp_csv_free(r);
    return n;
}

/* [input] counts: no dataset; the counts file itself, for its columns' labels (the header's
 * text) and its rows (the cover). */
static ts_status read_counts(rp_ctx *c, ts_err *err)
{
    char *path = ts_manifest_resolve(c->m, ts_manifest_get(c->m, "input", "counts"));
    ts_encoding enc = TS_ENC_AUTO;
    const char *e = ts_manifest_get(c->m, "input", "encoding"), *names = ts_manifest_get(c->m, "input", "counts_columns");
    if (e && *e)
        ts_encoding_parse(e, &enc);
    c->counts = path ? ts_counts_read(path, enc, names && *names ? names : NULL, err) : NULL;
    free(path);
    if (!c->counts)
        return err->status ? err->status : ts_err_set(err, TS_E_NOMEM, "out of memory");
    for (size_t i = 0; i < c->counts->ncols; i++)
        if (add_kv(&c->varlabel, &c->nvarlabel, c->counts->col[i], c->counts->col_label[i]) != 0)
            return ts_err_set(err, TS_E_NOMEM, "out of memory");
    return TS_OK;
}

ts_status rp_load_outputs(rp_ctx *c, ts_err *err)
{
    const char *counts = ts_manifest_get(c->m, "input", "counts");
    if (counts && *counts) {
        c->drawn_given = -1;
        if (read_counts(c, err) != TS_OK)
            return err->status;
        if (!(c->tables = rp_csv_read("tables.csv", err)))
            return err->status;
        goto tables;
    }
    if (read_weighted(c, RP_RESTRICTED "/weighted.tsd", err) != TS_OK)
        return err->status;
    if (!(c->tables = rp_csv_read("tables.csv", err)))
        return err->status;
    c->wreport = rp_csv_read("weighting-report.csv", NULL);
    c->rows_read = atol(rp_prov(c, "source.rows_read") ? rp_prov(c, "source.rows_read") : "0");
    c->rows_rejected = atol(rp_prov(c, "source.rows_rejected") ? rp_prov(c, "source.rows_rejected") : "0");
    /* Blank rows are neither answers nor rejects: rows_read counts the rows with data, so that
     * accepted = rows_read - rows_rejected wherever the report says it. */
    c->rows_blank = atol(rp_prov(c, "source.rows_blank") ? rp_prov(c, "source.rows_blank") : "0");
    c->rows_read -= c->rows_blank;
    c->item_warnings = count_warnings(RP_RESTRICTED "/rejects.csv");
    c->weighted_n = (long)wstat(c, "n");
    c->deff = wstat(c, "deff_kish");
    c->n_eff = wstat(c, "n_effective");
    c->wmin = wstat(c, "min");
    c->wmax = wstat(c, "max");
    c->wsum = wstat(c, "sum");
    c->drawn = c->drawn_given >= 0 ? c->drawn_given : frame_drawn(c);
tables:
    /* The tables, in file order (which is manifest order), each a run of rows. */
    for (size_t r = 0; r < c->tables->nrows; r++) {
        const char *id = rp_csv_get(c->tables, r, "table");
        if (strcmp(rp_csv_get(c->tables, r, "suppressed"), "yes") == 0)
            c->suppressed++;
        if (c->ntabs && strcmp(c->tabs[c->ntabs - 1].id, id) == 0) {
            c->tabs[c->ntabs - 1].count++;
            continue;
        }
        rp_tab *nt = realloc(c->tabs, (c->ntabs + 1) * sizeof *nt);
        if (!nt)
            return ts_err_set(err, TS_E_NOMEM, "out of memory");
        c->tabs = nt;
        nt[c->ntabs++] = (rp_tab){.id = c->tables->rows[r][rp_csv_col(c->tables, "table")], .first = r, .count = 1};
    }
    return TS_OK;
}

void rp_ctx_free(rp_ctx *c)
{
    ts_manifest_free(c->m);
    free(c->manifest_rel);
    for (size_t i = 0; i < c->nprov; i++)
        free(c->prov[i].key), free(c->prov[i].value);
    free(c->prov);
    for (size_t i = 0; i < c->nvarlabel; i++)
        free(c->varlabel[i].key), free(c->varlabel[i].value);
    free(c->varlabel);
    ts_design_clear(&c->design);
    ts_counts_free(c->counts);
    rp_response_free(c);
    rp_csv_free(c->tables);
    rp_csv_free(c->wreport);
    free(c->tabs);
    for (size_t i = 0; i < c->nstages; i++)
        free(c->stage_cmd[i]);
}
