/* Unit tests for lib/codebook.c's reader: ts_codebook_read_mem gives what ts_codebook_read
 * gives on the same bytes — over the fixtures and every codebook of the ingest cases, good and
 * broken — and names NAME in its messages. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "codebook.h"
#include "harness.h"

static int same_str(const char *a, const char *b)
{
    return (a == NULL) == (b == NULL) && (!a || strcmp(a, b) == 0);
}

static int same_var(const ts_var *a, const ts_var *b)
{
    if (!same_str(a->name, b->name) || a->type != b->type || a->storage != b->storage || !same_str(a->label, b->label) ||
        !same_str(a->label_en, b->label_en) || !same_str(a->source, b->source) || a->has_min != b->has_min ||
        a->has_max != b->has_max || (a->has_min && a->min != b->min) || (a->has_max && a->max != b->max) ||
        a->layout != b->layout || a->ncodes != b->ncodes)
        return 0;
    for (size_t k = 0; k < a->ncodes; k++) {
        const ts_code *x = &a->codes[k], *y = &b->codes[k];
        if (x->code != y->code || x->missing != y->missing || !same_str(x->label, y->label) ||
            !same_str(x->label_en, y->label_en) || !same_str(x->column, y->column))
            return 0;
    }
    return 1;
}

/* Whether A and B declare the same variables, codes, rules and checksum. */
static int same(const ts_codebook *a, const ts_codebook *b)
{
    if (!same_str(a->path, b->path) || strcmp(a->sha256, b->sha256) || a->nvars != b->nvars || a->id != b->id)
        return 0;
    for (size_t i = 0; i < a->nvars; i++) {
        const ts_cbvar *x = &a->vars[i], *y = &b->vars[i];
        if (x->kind != y->kind || x->line != y->line || !same_str(x->column, y->column) || x->keep != y->keep ||
            x->from != y->from || x->nranges != y->nranges || x->nsources != y->nsources || x->skip != y->skip ||
            (x->cond == NULL) != (y->cond == NULL) || (x->asked_if == NULL) != (y->asked_if == NULL) ||
            !same_str(x->asked_if_text, y->asked_if_text) || memcmp(x->small_index, y->small_index, 256) ||
            !same_var(x->def, y->def))
            return 0;
        for (size_t r = 0; r < x->nranges; r++)
            if (x->ranges[r].lo != y->ranges[r].lo || x->ranges[r].hi != y->ranges[r].hi ||
                x->ranges[r].code != y->ranges[r].code)
                return 0;
        for (size_t s = 0; s < x->nsources; s++)
            if (x->sources[s] != y->sources[s])
                return 0;
    }
    return 1;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf = f ? malloc(1 << 20) : NULL;
    *n = buf ? fread(buf, 1, 1 << 20, f) : 0;
    if (f)
        fclose(f);
    return buf;
}

/* Read PATH from its file and from its bytes under its own name: the same codebook, or the
 * same refusal. Returns 1 when it was read, 0 when refused, -1 when the two ways differ. */
static int both_ways(const char *path)
{
    size_t n;
    char *text = slurp(path, &n);
    if (!text)
        return -1;
    ts_err e1 = TS_ERR_INIT, e2 = TS_ERR_INIT;
    ts_codebook *a = ts_codebook_read(path, &e1), *b = ts_codebook_read_mem(text, n, path, &e2);
    int rc = (a == NULL) != (b == NULL) || e1.status != e2.status || !same_str(e1.msg, e2.msg) || (a && !same(a, b))
                 ? -1
                 : a != NULL;
    if (rc < 0)
        fprintf(stderr, "%s: read two ways: %s / %s\n", path, e1.msg ? e1.msg : "ok", e2.msg ? e2.msg : "ok");
    ts_codebook_free(a);
    ts_codebook_free(b);
    ts_err_clear(&e1);
    ts_err_clear(&e2);
    free(text);
    return rc;
}

int main(void)
{
    /* Every codebook the fixtures and the ingest cases hold, good and broken. */
    static const char *const patterns[] = {"../fixtures/*/codebook.csv", "../cases/ingest/*/codebook.csv",
                                           "../../data/*/codebook.csv"};
    size_t read = 0, refused = 0;
    for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
        glob_t g;
        if (glob(patterns[p], 0, NULL, &g) != 0)
            continue;
        for (size_t i = 0; i < g.gl_pathc; i++) {
            int rc = both_ways(g.gl_pathv[i]);
            T_CHECK(rc >= 0);
            read += rc == 1;
            refused += rc == 0;
        }
        globfree(&g);
    }
    T_CHECK(read >= 5 && refused >= 20); /* both kinds were there to compare */

    /* What the codebook is called in messages and provenance is the NAME given. */
    size_t n;
    char *text = slurp("../fixtures/mini/codebook.csv", &n);
    T_CHECK(text != NULL);
    ts_err err = TS_ERR_INIT;
    ts_codebook *cb = text ? ts_codebook_read_mem(text, n, "in-memory/codebook.csv", &err) : NULL;
    T_CHECK(cb && cb->nvars == 4 && strcmp(cb->vars[cb->id].def->name, "id") == 0);
    T_CHECK_STR(cb ? cb->path : NULL, "in-memory/codebook.csv");
    ts_codebook *file = ts_codebook_read("../fixtures/mini/codebook.csv", &err);
    T_CHECK(cb && file && strcmp(cb->sha256, file->sha256) == 0 && strlen(cb->sha256) == 64);
    ts_codebook_free(file);
    ts_codebook_free(cb);
    free(text);

    static const char dup[] = "variable,type,column\nid,id,ID\nid,integer,X\n";
    T_CHECK(ts_codebook_read_mem(dup, sizeof dup - 1, "mem.csv", &err) == NULL && err.status == TS_E_DATA);
    T_CHECK_STR(err.msg, "mem.csv:3:1: variable \"id\" is declared twice");
    ts_err_clear(&err);
    T_CHECK(ts_codebook_read_mem("", 0, "mem.csv", &err) == NULL);
    T_CHECK_STR(err.msg, "mem.csv: the codebook is empty: expected a header row (variable,type,column,...)");
    ts_err_clear(&err);
    static const char quote[] = "variable,type,column\nid,id,\"ID\n";
    T_CHECK(ts_codebook_read_mem(quote, sizeof quote - 1, "mem.csv", &err) == NULL);
    T_CHECK(err.msg && strncmp(err.msg, "mem.csv:2:", 10) == 0);
    ts_err_clear(&err);

    /* Label-coded answers: answers, separator, aliases; labels found folded, in O(1). */
    static const char forms[] =
        "variable,type,column,label,code,missing,answers,separator,aliases\n"
        "id,id,ID,,,,,,\n"
        "q,single,Q,,,,labels,,\n"
        ",,,ＳＮＳで,1,,,,\n"
        ",,,回答しない,9,yes,,,無回答| ﾑｶｲﾄｳ |\n"
        "m,multi,M,,,,either,\", \",\n"
        ",,,\"友人, 知人\",1,,,,\n"
        ",,,家族,2,,,,\n"
        "c,single,C,,,,,,\n"
        ",,,同じ,1,,,,\n"
        ",,,同じ,2,,,,\n";
    cb = ts_codebook_read_mem(forms, sizeof forms - 1, "forms.csv", &err);
    T_CHECK(cb != NULL);
    if (cb) {
        const ts_cbvar *q = &cb->vars[1], *m = &cb->vars[2], *c = &cb->vars[3];
        size_t sn;
        T_CHECK(q->answers == TS_ANSWERS_LABELS && m->answers == TS_ANSWERS_EITHER && c->answers == TS_ANSWERS_CODES);
        T_CHECK(ts_codebook_find_label(q, "SNSで", 6) == 0);   /* the label folded */
        T_CHECK(ts_codebook_find_label(q, "ＳＮＳで", 12) == -1); /* callers fold the cell */
        T_CHECK(ts_codebook_find_label(q, "無回答", 9) == 1 && ts_codebook_find_label(q, "ムカイトウ", 15) == 1);
        T_CHECK(ts_codebook_find_label(q, "回答しない", 15) == 1 && ts_codebook_find_label(q, "", 0) == -1);
        T_CHECK(q->nlabels == 4 && q->separator == NULL);
        T_CHECK_STR(ts_codebook_separator(q, &sn), ";");
        T_CHECK_STR(m->separator, ", ");
        T_CHECK(strncmp(ts_codebook_separator(m, &sn), ",", sn) == 0 && sn == 1);
        T_CHECK(ts_codebook_find_label(m, "友人, 知人", 14) == 0);
        T_CHECK(ts_codebook_find_label(c, "同じ", 6) == 0); /* codes: two codes may share a label */
    }
    ts_codebook_free(cb);
    static const struct { const char *text, *msg; } bad[] = {
        {"variable,type,column,label,code,answers\nid,id,ID,,,\nq,single,Q,,,Labels\n,,,a,1,\nr,integer,R,,,codes\n",
         "b.csv:5:6: r: answers apply to single and multi items only (this is integer)"},
        {"variable,type,column,label,code,answers\nid,id,ID,,,\nq,single,Q,,,some\n",
         "b.csv:3:6: answers: expected codes, labels or either, got \"some\""},
        {"variable,type,column,label,code,aliases\nid,id,ID,,,\nq,single,Q,,,\n,,,ａ,1,\n,,,b,2,x|a\n",
         "b.csv:5:6: q: alias \"a\" of code 2 is, after folding, the same as the label of code 1 (line 4)"},
        {"variable,type,column,label,code,aliases\nid,id,ID,,,\nq,integer,Q,,,\n,,,a,1,x\n",
         "b.csv:4:6: q: aliases apply to the codes of single and multi items only"},
        {"variable,type,column,label,code,separator\nid,id,ID,,,\nq,multi,Q,,,\"  \"\n,,,a,1,\n",
         "b.csv:3:6: q: separator is only spaces: give the text between the chosen options, e.g. \", \" or ;"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        T_CHECK(ts_codebook_read_mem(bad[i].text, strlen(bad[i].text), "b.csv", &err) == NULL);
        T_CHECK_STR(err.msg, bad[i].msg);
        ts_err_clear(&err);
    }

    /* TS_CB_ID_FROM_ROWS (ingest --id row): no id variable, or one with an empty column, is read
     * (cb->id unset in the first); without the flag both are refused as before. */
    static const char *const rowid[] = {"../cases/ingest/186-id-row-codebook-without-id-variable/codebook.csv",
                                        "../cases/ingest/187-id-row-id-variable-with-empty-column/codebook.csv"};
    for (size_t i = 0; i < 2; i++) {
        ts_codebook *rc = ts_codebook_read_flags(rowid[i], TS_CB_ID_FROM_ROWS, &err);
        T_CHECK(rc != NULL && rc->nvars == 3 + i && (i ? rc->id == 0 : rc->id == (size_t)-1));
        ts_codebook_free(rc);
        ts_err_clear(&err);
        T_CHECK(ts_codebook_read(rowid[i], &err) == NULL && err.status == TS_E_DATA);
        ts_err_clear(&err);
    }

    /* ts_codebook_read_parts ([input] codebook = embedded, derived.csv): the embedded part from
     * memory, a file extending it with a derived variable over the embedded one. */
    {
        static const char embedded[] = "variable,type,column,label,code,missing\nid,id,ID,,,\nage,integer,AGE,年齢,,\n"
                                       ",,,無回答,999,yes\nq1,single,Q1,,,\n,,,はい,1,\n,,,いいえ,2,\n";
        static const char derived[] = "# the derived variables a .sav cannot hold\n"
                                      "variable,type,label,from,code,values\nage_band,recode,年齢2区分,age,,\n"
                                      ",,40歳未満,,1,..39\n,,40歳以上,,2,40..\n";
        char dpath[64]; /* its own name: the plain and sanitizer builds' tests may run at once */
        snprintf(dpath, sizeof dpath, "test_codebook-derived-%ld.csv", (long)getpid());
        FILE *f = fopen(dpath, "w");
        T_CHECK(f && fputs(derived, f) >= 0 && fclose(f) == 0);
        ts_codebook_part parts[] = {{"data.sav (embedded)", embedded, sizeof embedded - 1},
                                    {dpath, NULL, 0}};
        ts_codebook *pc = ts_codebook_read_parts(parts, 2, 0, &err);
        T_CHECK(pc && pc->nvars == 4 && pc->vars[3].kind == TS_CB_RECODE && pc->vars[3].def->ncodes == 2);
        char joined[96];
        snprintf(joined, sizeof joined, "data.sav (embedded) + %s", dpath);
        T_CHECK_STR(pc ? pc->path : NULL, joined);
        T_CHECK_STR(pc ? pc->vars[1].file : NULL, "data.sav (embedded)");
        T_CHECK_STR(pc ? pc->vars[3].file : NULL, dpath);
        T_CHECK(pc && pc->vars[3].line == 3 && strlen(pc->sha256) == 64);
        ts_codebook_free(pc);
        ts_err_clear(&err);
        /* the extension's mistakes are named in the extension, at its own line */
        static const struct { const char *text, *msg; } badext[] = {
            {"variable,type,column,label,code\n,,,x,3\n", "x.csv:2:5: a code row with no variable row above it"},
            {"variable,type,column\nage,integer,AGE2\n", "x.csv:2:1: variable \"age\" is declared twice"},
            {"variable,type,from,code,label\nb,recode,nosuch,,\n,,,1,a\n", NULL},
        };
        for (size_t i = 0; i < sizeof badext / sizeof badext[0]; i++) {
            ts_codebook_part bp[] = {{"data.sav (embedded)", embedded, sizeof embedded - 1},
                                     {"x.csv", badext[i].text, strlen(badext[i].text)}};
            T_CHECK(ts_codebook_read_parts(bp, 2, 0, &err) == NULL && err.status == TS_E_DATA);
            if (badext[i].msg)
                T_CHECK_STR(err.msg, badext[i].msg);
            else
                T_CHECK(err.msg && strncmp(err.msg, "x.csv:2:", 8) == 0);
            ts_err_clear(&err);
        }
        remove(dpath);
    }

    T_CHECK(ts_codebook_read("no-such-codebook.csv", &err) == NULL && err.status == TS_E_NOINPUT);
    T_CHECK_STR(err.msg, "no-such-codebook.csv: cannot open: No such file or directory");
    ts_err_clear(&err);

    /* label_LANG columns (issue #16): their non-empty cells as xlabels, in codebook order */
    {
        static const char lx[] = "variable,type,column,label,label_en,label_vi,label_pt,code\n"
                                 "id,id,ID,回答ID,ID,,,\n"
                                 "q,single,Q,質問,Question,Câu hỏi,Pergunta,\n"
                                 ",,,はい,Yes,Có,,1\n"
                                 ",,,いいえ,No,,Não,2\n";
        ts_codebook *lcb = ts_codebook_read_mem(lx, sizeof lx - 1, "lx.csv", &err);
        T_CHECK(lcb != NULL && lcb->nxlabels == 4);
        if (lcb && lcb->nxlabels == 4) {
            T_CHECK_STR(lcb->xlabels[0].key, "label_vi.q");
            T_CHECK_STR(lcb->xlabels[0].value, "Câu hỏi");
            T_CHECK_STR(lcb->xlabels[1].key, "label_pt.q");
            T_CHECK_STR(lcb->xlabels[2].key, "label_vi.q.1");
            T_CHECK_STR(lcb->xlabels[2].value, "Có");
            T_CHECK_STR(lcb->xlabels[3].key, "label_pt.q.2");
            T_CHECK_STR(lcb->xlabels[3].value, "Não");
        }
        ts_codebook_free(lcb);
        static const char twice[] = "variable,type,column,label,label_pt,label_pt\nid,id,ID,ID,,\n";
        T_CHECK(ts_codebook_read_mem(twice, sizeof twice - 1, "tw.csv", &err) == NULL);
        T_CHECK_STR(err.msg, "tw.csv:1:6: column \"label_pt\" appears twice");
        ts_err_clear(&err);
    }
    T_DONE();
}
