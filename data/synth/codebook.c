/* codebook.c — see codebook.h. */
#include "codebook.h"

#include <stddef.h>

#include "buf.h"
#include "csvout.h"
#include "questionnaire.h"

/* One codebook row; NULL cells are empty. */
typedef struct cbrow {
    const char *var, *type, *column, *label, *label_en;
    int has_code;
    long code;
    int missing;
    const char *min, *max, *from, *values, *keep;
} cbrow;

static ts_status put(synth_csv *w, const cbrow *r, ts_err *err)
{
    const char *cells[] = {r->var, r->type, r->column, r->label, r->label_en};
    for (size_t i = 0; i < 5; i++)
        synth_csv_field(w, cells[i] ? cells[i] : "");
    if (r->has_code)
        synth_csv_int(w, r->code);
    else
        synth_csv_empty(w);
    synth_csv_field(w, r->missing ? "yes" : "");
    const char *rest[] = {r->min, r->max, r->from, r->values, r->keep};
    for (size_t i = 0; i < 5; i++)
        synth_csv_field(w, rest[i] ? rest[i] : "");
    return synth_csv_end(w, err);
}

static ts_status codes(synth_csv *w, const synth_optlist *l, int na_code, ts_err *err)
{
    ts_status st = TS_OK;
    for (size_t i = 0; i < l->n && st == TS_OK; i++) {
        cbrow r = {.label = l->opt[i].ja, .label_en = l->opt[i].en, .has_code = 1,
                   .code = l->opt[i].code, .values = l->opt[i].values};
        st = put(w, &r, err);
    }
    if (st == TS_OK && na_code) {
        cbrow r = {.label = "無回答", .label_en = "No answer", .has_code = 1, .code = na_code,
                   .missing = 1};
        st = put(w, &r, err);
    }
    return st;
}

typedef struct ctx {
    synth_csv *w;
    synth_layout lay;
    synth_buf col;
    ts_err *err;
    ts_status st;
} ctx;

static const char *colname(ctx *c, synth_col col, int option)
{
    synth_raw_column(&c->col, c->lay, col, option);
    return synth_buf_cstr(&c->col);
}

static void var(ctx *c, const cbrow *r)
{
    if (c->st == TS_OK)
        c->st = put(c->w, r, c->err);
}

static void single(ctx *c, const char *name, synth_col col, int option, const char *label,
                   const char *label_en, const synth_optlist *l)
{
    cbrow r = {.var = name, .type = "single", .column = colname(c, col, option),
               .label = label, .label_en = label_en};
    var(c, &r);
    if (c->st == TS_OK)
        c->st = codes(c->w, l, c->lay == SYNTH_LAYOUT_SAITAMA ? SYNTH_NA : 0, c->err);
}

static void multiple(ctx *c, const char *name, synth_col col, const char *label,
                     const char *label_en, const synth_optlist *l)
{
    int yam = c->lay == SYNTH_LAYOUT_YAMAGATA;
    cbrow r = {.var = name, .type = "multi", .column = yam ? NULL : colname(c, col, 0),
               .label = label, .label_en = label_en};
    var(c, &r);
    for (size_t i = 0; i < l->n && c->st == TS_OK; i++) {
        cbrow o = {.column = yam ? colname(c, col, (int)i + 1) : NULL, .label = l->opt[i].ja,
                   .label_en = l->opt[i].en, .has_code = 1, .code = l->opt[i].code};
        var(c, &o);
    }
    if (!yam) {
        cbrow na = {.label = "無回答", .label_en = "No answer", .has_code = 1,
                    .code = SYNTH_NA_MULTI, .missing = 1};
        var(c, &na);
    }
}

static void recode(ctx *c, const char *name, const char *from, const char *label,
                   const char *label_en, const synth_optlist *l)
{
    cbrow r = {.var = name, .type = "recode", .label = label, .label_en = label_en,
               .from = from};
    var(c, &r);
    if (c->st == TS_OK)
        c->st = codes(c->w, l, 0, c->err);
}

static void areas(ctx *c, const synth_popspec *spec)
{
    cbrow m = {.var = "muni", .type = "single", .column = colname(c, SYNTH_COL_MUNI, 0),
               .label = "市町村", .label_en = "Municipality"};
    var(c, &m);
    for (size_t a = 0; a < spec->nareas; a++)
        for (size_t i = 0; i < spec->area[a].nmunis; i++) {
            cbrow o = {.label = spec->area[a].munis[i].name, .label_en = "",
                       .has_code = 1, .code = spec->area[a].munis[i].code};
            var(c, &o);
        }
    cbrow r = {.var = "area", .type = "recode", .label = "地域", .label_en = "Area",
               .from = "muni"};
    var(c, &r);
    synth_buf values = SYNTH_BUF_INIT;
    for (size_t a = 0; a < spec->nareas && c->st == TS_OK; a++) {
        synth_buf_reset(&values);
        for (size_t i = 0; i < spec->area[a].nmunis; i++) {
            if (i)
                synth_buf_addc(&values, ';');
            synth_buf_addint(&values, spec->area[a].munis[i].code);
        }
        cbrow o = {.label = spec->area[a].ja, .label_en = spec->area[a].en, .has_code = 1,
                   .code = spec->area[a].code, .values = synth_buf_cstr(&values)};
        var(c, &o);
    }
    if (values.oom && c->st == TS_OK)
        c->st = ts_err_set(c->err, TS_E_NOMEM, "out of memory");
    synth_buf_free(&values);
}

static void comments(ctx *c, const synth_popspec *spec)
{
    static const char *const yam[] = {
        "山形市 孤独・孤立WEBアンケート 2022 — codebook of the SYNTHETIC demo export (raw.csv).",
        "SYNTHETIC: no answer in raw.csv comes from a real person. Generated by tsunagari-synth",
        "(make demo-data); edit data/synth/, not this file. Format: docs/codebook.md.",
        "Items and codes follow the national 人々のつながりに関する基礎調査 (Cabinet Office; copies at",
        "wic-net.com/material/document/14544/15-17 and 10445/44). 外出頻度/継続期間 categories, events 6-10",
        "and 必要な支援 options are ILLUSTRATIVE. Web form: answers required, so no 無回答 codes.",
    };
    static const char *const sai[] = {
        "埼玉県人々のつながりに関する基礎調査 2022 — codebook of the SYNTHETIC demo file (raw.csv).",
        "SYNTHETIC: no answer in raw.csv comes from a real person. Generated by tsunagari-synth",
        "(make demo-data); edit data/synth/, not this file. Format: docs/codebook.md.",
        "Items and codes follow the national 人々のつながりに関する基礎調査 (Cabinet Office; copies at",
        "wic-net.com/material/document/14544/15-17 and 10445/44). 外出頻度/継続期間 categories, events 6-10",
        "and 必要な支援 options are ILLUSTRATIVE. Mail answers: 9 (age 999, lists 99) = 無回答.",
        "Municipality codes: 国土地理院 municipality table; which municipalities form each area is",
        "ILLUSTRATIVE (the real assignment is unverified).",
    };
    const char *const *t = c->lay == SYNTH_LAYOUT_YAMAGATA ? yam : sai;
    size_t n = c->lay == SYNTH_LAYOUT_YAMAGATA ? sizeof yam / sizeof yam[0]
                                               : sizeof sai / sizeof sai[0];
    (void)spec;
    for (size_t i = 0; i < n && c->st == TS_OK; i++)
        c->st = synth_csv_comment(c->w, t[i], c->err);
}

ts_status synth_codebook_write(const char *path, synth_layout lay, const synth_popspec *spec,
                                  ts_err *err)
{
    ctx c = {.lay = lay, .col = SYNTH_BUF_INIT, .err = err, .st = TS_OK};
    c.w = synth_csv_open(path, SYNTH_ENC_UTF8, "\n", err);
    if (!c.w)
        return err->status;
    int yam = lay == SYNTH_LAYOUT_YAMAGATA;
    comments(&c, spec);
    static const char *const head[] = {"variable", "type", "column", "label", "label_en", "code",
                                       "missing",  "min",  "max",    "from",  "values",   "keep"};
    for (size_t i = 0; i < 12; i++)
        synth_csv_field(c.w, head[i]);
    if (c.st == TS_OK)
        c.st = synth_csv_end(c.w, err);

    cbrow id = {.var = "id", .type = "id", .column = colname(&c, SYNTH_COL_ID, 0),
                .label = yam ? "回答ID" : "整理番号",
                .label_en = yam ? "Response ID" : "Serial number"};
    var(&c, &id);
    if (yam) {
        cbrow t = {.var = "answered_at", .type = "text", .column = colname(&c, SYNTH_COL_TIME, 0),
                   .label = "回答日時", .label_en = "Time of answer", .keep = "yes"};
        var(&c, &t);
        single(&c, "channel", SYNTH_COL_CHANNEL, 0, "回答経路", "Recruitment channel",
               &synth_q_channel);
        cbrow s = {.var = "duration", .type = "integer", .column = colname(&c, SYNTH_COL_SECONDS, 0),
                   .label = "所要時間(秒)", .label_en = "Completion time (seconds)",
                   .min = "1", .max = "86400"};
        var(&c, &s);
    } else {
        single(&c, "mode", SYNTH_COL_MODE, 0, "回答方法", "Response mode", &synth_q_mode);
        areas(&c, spec);
    }
    single(&c, "sex", SYNTH_COL_SEX, 0, "性別", "Sex", &synth_q_sex);
    cbrow age = {.var = "age", .type = "integer", .column = colname(&c, SYNTH_COL_AGE, 0),
                 .label = "年齢", .label_en = "Age", .min = "16", .max = "110"};
    var(&c, &age);
    if (!yam) {
        cbrow na = {.label = "無回答", .label_en = "No answer", .has_code = 1,
                    .code = SYNTH_NA_AGE, .missing = 1};
        var(&c, &na);
    }
    recode(&c, "age_band", "age", "年齢(8区分)", "Age band", &synth_q_band);
    single(&c, "alone", SYNTH_COL_ALONE, 0, "同居の状況", "Household", &synth_q_alone);
    single(&c, "lonely", SYNTH_COL_LONELY, 0,
           "孤独感(直接質問): あなたはどの程度、孤独であると感じることがありますか",
           "Loneliness (direct question)", &synth_q_lonely);
    static const char *const uvar[3] = {"ucla1", "ucla2", "ucla3"};
    for (int i = 0; i < 3; i++)
        single(&c, uvar[i], SYNTH_COL_UCLA, i + 1, synth_ucla_wording[i], synth_ucla_en[i],
               &synth_q_ucla);
    cbrow sum = {.var = "ucla_score", .type = "sum", .label = "UCLA孤独感尺度(3項目)得点",
                 .label_en = "UCLA-3 score", .min = "3", .max = "12",
                 .from = "ucla1+ucla2+ucla3"};
    var(&c, &sum);
    recode(&c, "ucla_band", "ucla_score", "UCLA孤独感(4区分)", "UCLA-3 band", &synth_q_ucla_band);
    single(&c, "goout", SYNTH_COL_GOOUT, 0, "外出頻度: あなたは日頃どの程度、外出していますか",
           "How often goes out", &synth_q_goout);
    single(&c, "goout_since", SYNTH_COL_SINCE, 0, "外出頻度の継続期間(月に数日以下の人)",
           "How long it has been so (a few days a month or less)", &synth_q_since);
    single(&c, "consult", SYNTH_COL_CONSULT, 0,
           "相談相手の有無: あなたに不安や悩みが生じた場合、相談相手はいますか",
           "Has someone to consult", &synth_q_consult);
    multiple(&c, "consult_who", SYNTH_COL_WHO, "相談相手(複数回答)", "Whom they consult",
             &synth_q_who);
    multiple(&c, "events", SYNTH_COL_EVENTS,
             "現在の孤独感に影響を与えたと思う出来事(複数回答; たまにある以上の人)",
             "Events behind loneliness", &synth_q_events);
    multiple(&c, "help", SYNTH_COL_HELP, "悩みが深刻になる前に必要な支援(複数回答)",
             "What would help", &synth_q_help);
    cbrow cm = {.var = "comment", .type = "text", .column = colname(&c, SYNTH_COL_COMMENT, 0),
                .label = "自由記述", .label_en = "Comment", .keep = "no"};
    var(&c, &cm);

    if (c.col.oom && c.st == TS_OK)
        c.st = ts_err_set(err, TS_E_NOMEM, "out of memory");
    synth_buf_free(&c.col);
    if (c.st != TS_OK) {
        synth_csv_abort(c.w);
        return c.st;
    }
    return synth_csv_commit(c.w, err);
}
