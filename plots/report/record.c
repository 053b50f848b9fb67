/* record.c — reproducibility.txt: what went in (every input file with its SHA-256), what ran
 * (tool version, every option in force, the stage commands) and how to do it again (the
 * command), then what came out (every output file with its SHA-256).
 *
 * The record holds no clock time and no absolute path of the machine's own, so a rerun over the
 * same inputs into the same OUTDIR gives the same bytes. */
#define _DEFAULT_SOURCE /* scandir, alphasort */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checksum.h"
#include "numparse.h"
#include "report.h"
#include "schema.h"
#include "strbuf.h"

static void put_file(FILE *fp, const char *role, const char *path)
{
    char hex[65];
    ts_err e = TS_ERR_INIT;
    if (ts_checksum_file(path, hex, &e) == TS_OK)
        fprintf(fp, "  %-22s %s  %s\n", role, hex, path);
    else
        fprintf(fp, "  %-22s %-64s  %s\n", role, "(cannot be read)", path);
    ts_err_clear(&e);
}

/* A path from the manifest, resolved against its folder; the role names the manifest key. */
static void put_manifest_file(FILE *fp, rp_ctx *c, const char *role, const char *sec, const char *key)
{
    const char *v = ts_manifest_get(c->m, sec, key);
    if (!v || !*v)
        return;
    char *p = ts_manifest_resolve(c->m, v);
    if (p)
        put_file(fp, role, p);
    free(p);
}

/* A key that lists files ([input] raw = a.csv, b.csv): a line for each. */
static void put_manifest_files(FILE *fp, rp_ctx *c, const char *role, const char *sec, const char *key)
{
    const char *v = ts_manifest_get(c->m, sec, key);
    for (const char *p = v; p && *p;) {
        const char *e = strchr(p, ',');
        const char *a = p;
        size_t len = e ? (size_t)(e - p) : strlen(p);
        ts_trim(&a, &len);
        char *one = ts_strndup(a, len);
        char *path = one && *one ? ts_manifest_resolve(c->m, one) : NULL;
        if (path)
            put_file(fp, role, path);
        free(path);
        free(one);
        p = e ? e + 1 : a + len;
    }
}

static void shell_quote(FILE *fp, const char *s)
{
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+%@") == strlen(s)) {
        fputs(s, fp);
        return;
    }
    fputc('\'', fp);
    for (; *s; s++)
        *s == '\'' ? fputs("'\\''", fp) : fputc(*s, fp);
    fputc('\'', fp);
}

static int skip_name(const struct dirent *d)
{
    return d->d_name[0] != '.' && strcmp(d->d_name, "reproducibility.txt") != 0;
}

/* Every output file under DIR (sorted), with its checksum. */
static void put_outputs(FILE *fp, const char *dir)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, skip_name, alphasort);
    for (int i = 0; i < n; i++) {
        char path[4096];
        if (strcmp(dir, ".") == 0)
            snprintf(path, sizeof path, "%s", list[i]->d_name);
        else
            snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            put_outputs(fp, path);
        else
            put_file(fp, "output", path);
        free(list[i]);
    }
    free(list);
}

ts_status rp_write_record(rp_ctx *c, const char *path, ts_err *err)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return ts_err_set(err, TS_E_CANTCREAT, "%s: cannot create", path);
    const ts_report_options *o = c->opt;
    fprintf(fp, "# tsunagari-report reproducibility record (docs/report.md)\n"
                "# Paths are relative to this folder (OUTDIR) unless absolute.\n\n");
    fprintf(fp, "[tool]\n  tsunagari-report %s (with tsunagari-ingest, -weight, -tab, -plot, -export of the same build)\n",
            TS_VERSION);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    fprintf(fp, "  fixed file dates       %s\n\n",
            sde && *sde ? "SOURCE_DATE_EPOCH (set at run time)" : "2000-01-01T00:00:00Z (SOURCE_DATE_EPOCH not set)");
    if (sde && *sde)
        fprintf(fp, "  SOURCE_DATE_EPOCH      %s\n\n", sde);

    fprintf(fp, "[command]\n  # from the folder it was run in:\n  ");
    /* In a canonical order (getopt permutes argv); --quiet changes no output. */
    fputs("tsunagari-report ", fp);
    shell_quote(fp, o->survey);
    fputs(" -o ", fp);
    shell_quote(fp, o->outdir);
    if (o->force)
        fputs(" --force", fp);
    if (o->with_microdata)
        fputs(" --with-microdata", fp);
    fprintf(fp, "\n\n[options in force]\n");
    fprintf(fp, "  manifest               %s\n", o->survey);
    fprintf(fp, "  output                 %s\n", o->outdir);
    fprintf(fp, "  force                  %s\n", o->force ? "yes" : "no");
    fprintf(fp, "  with_microdata         %s\n",
            o->with_microdata ? "yes: the respondent-level files are in restricted/ (not for publication)"
                              : "no: the respondent-level files (dataset.tsd, weighted.tsd, rejects.csv, "
                                "answers-labelled.csv) were not written");
    fprintf(fp, "  input.encoding         %s\n", rp_get(c, "input", "encoding", NULL));
    /* The thresholds ingest ran with: the manifest's, passed as options, or the schema's default. */
    static const char *const rates[] = {"max_reject_rate", "max_item_warning_rate"};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        const char *v = ts_manifest_get(c->m, "input", rates[i]);
        if (v && *v)
            fprintf(fp, "  ingest.%s %s ([input] %s)\n", rates[i], v, rates[i]);
        else
            fprintf(fp, "  ingest.%s %s (default)\n", rates[i], ts_schema_default("input", rates[i]));
    }
    /* The design as tsunagari-weight recorded it (stated, or implied by strata and cluster). */
    const ts_design *d = &c->design;
    if (c->counts)
        fprintf(fp, "  input.counts           %s (counts, not a sample: no design, weights or sampling error)\n",
                ts_manifest_get(c->m, "input", "counts"));
    else {
        fprintf(fp, "  design.type            %s\n", ts_design_type_name(d->type));
        fprintf(fp, "  design.strata          %s\n", d->strata ? d->strata : "(none)");
        fprintf(fp, "  design.cluster         %s\n", d->cluster ? d->cluster : "(none)");
        fprintf(fp, "  design.weight          %s\n", d->base_weight ? d->base_weight : "(none: all 1)");
        for (size_t s = 0; s < d->nsub; s++) /* multistage (issue #15) */
            fprintf(fp, "  design.stage%zu          %s (fpc: %s)\n", s + 2, d->subcluster[s],
                    d->subfpc[s] ? d->subfpc[s] : "none");
        if (d->fpc_from_frame)
            fprintf(fp, "  design.fpc             yes (N_h from the frame %s)\n", d->frame ? d->frame : "?");
        else if (d->fpc_value[0] > 0)
            fprintf(fp, "  design.fpc             %.15g (N_h, the same on every row)\n", d->fpc_value[0]);
        else if (!d->fpc_variable)
            fprintf(fp, "  design.fpc             no\n");
        else
            fprintf(fp, "  design.fpc             %s (N_h from the column %s)\n", d->fpc_variable, d->fpc_variable);
        fprintf(fp, "  weighting.method       %s\n", rp_get(c, "weighting", "method", NULL));
        fprintf(fp, "  weighting.margins      %s\n", rp_get(c, "weighting", "margins", ""));
    }
    const char *mc = ts_manifest_get(c->m, "privacy", "min_cell"); /* given, or the default said so */
    fprintf(fp, "  privacy.min_cell       %s%s\n", rp_get(c, "privacy", "min_cell", NULL), mc && *mc ? "" : " (default)");
    /* What tsunagari-tab was actually run with: its recorded command line. */
    char lonely[64];
    const char *lp = rp_stage_option(c, "tsunagari-tab", "--lonely-psu", lonely, sizeof lonely);
    fprintf(fp, "  tab.lonely_psu         %s\n", lp ? lp : "fail (tsunagari-tab's default: no --lonely-psu given)");
    fprintf(fp, "  plot.formats           png,pdf,svg; width 170 mm; 300 dpi (defaults)\n");
    size_t ns = ts_manifest_section_count(c->m);
    for (size_t i = 0; i < ns; i++) {
        const char *sec = ts_manifest_section(c->m, i);
        if (strncmp(sec, "table.", 6) != 0)
            continue;
        /* statistic, ci and level as tsunagari-tab computed them (tables.csv), not as defaults. */
        const rp_tab *t = rp_find_tab(c, sec + 6);
        const char *stat = rp_get(c, sec, "statistic", "default"), *ci = rp_get(c, sec, "ci", NULL);
        char level[32];
        snprintf(level, sizeof level, "%s", rp_get(c, sec, "level", NULL));
        if (t && t->count) {
            double lv;
            stat = rp_csv_get(c->tables, t->first, "statistic");
            rp_tab_ci(c, t, &ci, &lv);
            if (!isnan(lv))
                snprintf(level, sizeof level, "%g", lv);
        }
        fprintf(fp, "  %-22s var=%s by=%s statistic=%s ci=%s level=%s weighted=%s\n", sec, rp_get(c, sec, "var", ""),
                rp_get(c, sec, "by", "-"), stat, *ci ? ci : "none", level, rp_get(c, sec, "weighted", NULL));
    }
    fprintf(fp, "  (every other setting is in the manifest, whose checksum is below)\n\n");

    fprintf(fp, "[stages] (run in OUTDIR, in this order)\n");
    for (size_t i = 0; i < c->nstages; i++)
        fprintf(fp, "  %s\n", c->stage_cmd[i]);
    fputc('\n', fp);

    fprintf(fp, "[inputs] SHA-256\n");
    put_file(fp, "manifest", c->manifest_rel);
    put_manifest_files(fp, c, "input.raw", "input", "raw");
    put_manifest_file(fp, c, "input.counts", "input", "counts");
    /* [input] codebook = embedded, FILE: the embedded part is in the raw file (listed above);
     * FILE, when given, is listed; a plain codebook is listed as always */
    char *derived = NULL;
    if (rp_embedded_codebook(c->m, &derived)) {
        if (derived)
            put_file(fp, "input.codebook", derived);
        free(derived);
    } else {
        put_manifest_file(fp, c, "input.codebook", "input", "codebook");
    }
    put_manifest_file(fp, c, "input.expected_rejects", "input", "expected_rejects");
    put_manifest_file(fp, c, "design.frame", "design", "frame");
    put_manifest_file(fp, c, "design.psu_frame", "design", "psu_frame");
    put_manifest_file(fp, c, "design.drawn_frame", "design", "drawn_frame");
    put_manifest_file(fp, c, "nonresponse.frame", "nonresponse", "frame");
    for (size_t i = 0; i < ns; i++) {
        const char *sec = ts_manifest_section(c->m, i);
        char role[300];
        if (strncmp(sec, "margin.", 7) == 0) {
            snprintf(role, sizeof role, "%s.file", sec);
            put_manifest_file(fp, c, role, sec, "file");
        } else if (strncmp(sec, "chart.", 6) == 0) {
            snprintf(role, sizeof role, "%s.reference", sec);
            put_manifest_file(fp, c, role, sec, "reference");
        } else if (strncmp(sec, "table.", 6) == 0) { /* previous = the earlier survey's tables.csv */
            snprintf(role, sizeof role, "%s.previous", sec);
            put_manifest_file(fp, c, role, sec, "previous");
        }
    }
    const char *v;
    if ((v = rp_prov(c, "source.sha256")))
        fprintf(fp, "  (the dataset's own provenance agrees: source.sha256 = %s", v),
            fprintf(fp, ", codebook.sha256 = %s)\n", rp_prov(c, "codebook.sha256") ? rp_prov(c, "codebook.sha256") : "?");
    fprintf(fp, "\n[outputs] SHA-256\n");
    if (o->with_microdata)
        fprintf(fp, "  # restricted/ holds respondent-level data: its files are listed here, not published\n");
    else
        fprintf(fp, "  # no respondent-level file was written (no --with-microdata): the stages' files under\n"
                    "  # restricted/ existed only in the work folder and were removed with it\n");
    put_outputs(fp, ".");
    if (fflush(fp) != 0 || ferror(fp)) {
        fclose(fp);
        return ts_err_set(err, TS_E_IO, "%s: write error", path);
    }
    if (fclose(fp) != 0)
        return ts_err_set(err, TS_E_IO, "%s: write error", path);
    return TS_OK;
}
