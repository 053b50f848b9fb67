/* popspec.c — see popspec.h. */
#include "popspec.h"

#include <string.h>

/* Split TOTAL over N parts in proportion to integer weights W, by largest remainder (ties to
 * the earlier part), so the parts add up to TOTAL exactly. */
static void split(long total, const long *w, size_t n, long *out)
{
    long long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += w[i];
    long long given = 0;
    long long rem[64];
    for (size_t i = 0; i < n; i++) {
        long long num = (long long)total * w[i];
        out[i] = (long)(num / sum);
        rem[i] = num % sum;
        given += out[i];
    }
    while (given < total) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (rem[i] > rem[best])
                best = i;
        out[best]++;
        rem[best] = -1;
        given++;
    }
}

/* ---- Yamagata City ------------------------------------------------------------------- */

static const synth_muni yamagata_munis[] = {{6201, "山形市", 1}};

/* 2015 census, men / women, 5-year bands 15-19 … 70-74 (real; population.md, from
 * jp.gdfreak.com). Index 0 = 0-14 and 13 = 75-79, 14 = 80+ are ILLUSTRATIVE fill-ins. */
static const long yamagata_2015[2][15] = {
    {16300, 6316, 5611, 5904, 7177, 8395, 8994, 8034, 7691, 7827, 8521, 8995, 6805, 5600, 6900},
    {15500, 6370, 6578, 6245, 7249, 8373, 9062, 8011, 7904, 8125, 8884, 9396, 7653, 7300, 14200},
};

ts_status synth_popspec_yamagata(synth_popspec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->name = "yamagata-2022";
    spec->title = "山形市 孤独・孤立WEBアンケート 2022 (合成データ)";
    spec->total_all_ages = 247590; /* 2020 census (figures.local-opendata.jp/06/06201) */
    spec->scale = 1;
    spec->nareas = 1;
    synth_area *a = &spec->area[0];
    a->code = 1;
    a->ja = "山形市";
    a->en = "Yamagata City";
    a->fx.alone_mult = 1.0;
    a->fx.lonely_tilt = 1.0;
    a->munis = yamagata_munis;
    a->nmunis = 1;
    a->all_ages = spec->total_all_ages;

    /* scale the 2015 structure to the 2020 total, all 30 cells at once */
    long w[30], out[30];
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < 15; i++)
            w[s * 15 + i] = yamagata_2015[s][i];
    split(spec->total_all_ages, w, 30, out);
    for (int s = 0; s < 2; s++) {
        const long *c = out + s * 15;
        long p15_19 = c[1];
        long p16_19 = (p15_19 * 4 + 2) / 5; /* 16-19 taken as 4/5 of 15-19 */
        a->pop[s][0] = p16_19;
        for (int b = 1; b <= 5; b++) /* 20-29 … 60-69: two 5-year bands each */
            a->pop[s][b] = c[2 * b] + c[2 * b + 1];
        a->pop[s][6] = c[12] + c[13]; /* 70-74 (real) + 75-79 (illustrative) */
        a->pop[s][7] = c[14];
    }
    return TS_OK;
}

/* ---- Saitama Prefecture -------------------------------------------------------------- */

/* Which municipalities form each survey area is unverified (local-surveys.md); these lists
 * are an ILLUSTRATIVE subset around the central cities さいたま / 川越 / 春日部 / 熊谷 / 秩父.
 * Codes as in 国土地理院's municipality table (muni.js). Weights ILLUSTRATIVE. */
static const synth_muni chuo[] = {
    {11100, "さいたま市", 60}, {11219, "上尾市", 10}, {11223, "蕨市", 3}, {11224, "戸田市", 6},
    {11203, "川口市", 27},
};
static const synth_muni seibu[] = {
    {11201, "川越市", 30}, {11208, "所沢市", 30}, {11215, "狭山市", 13}, {11225, "入間市", 13},
    {11209, "飯能市", 7},
};
static const synth_muni tobu[] = {
    {11214, "春日部市", 20}, {11222, "越谷市", 30}, {11221, "草加市", 22}, {11232, "久喜市", 13},
};
static const synth_muni hokubu[] = {
    {11202, "熊谷市", 20}, {11218, "深谷市", 14}, {11211, "本庄市", 8}, {11206, "行田市", 8},
};
static const synth_muni chichibu[] = {
    {11207, "秩父市", 60}, {11361, "横瀬町", 8}, {11362, "皆野町", 9}, {11363, "長瀞町", 7},
    {11365, "小鹿野町", 11},
};

/* Residents per 1,000 by sex (men, women) for 0-15 and the eight bands: an ILLUSTRATIVE
 * profile of a Japanese prefecture near Tokyo. */
static const long saitama_profile[2][9] = {
    {62, 18, 55, 60, 75, 70, 57, 58, 22},
    {59, 17, 51, 56, 71, 66, 58, 64, 36},
};
/* Per-area multipliers (percent) of the profile's nine age groups: 中央 younger, 秩父 and 北部
 * older. ILLUSTRATIVE. */
static const long saitama_age_tilt[5][9] = {
    {102, 100, 110, 108, 104, 100, 95, 88, 85},
    {100, 100, 100, 100, 100, 100, 100, 100, 100},
    {100, 100, 98, 98, 100, 102, 102, 104, 100},
    {95, 98, 90, 92, 96, 102, 108, 115, 125},
    {80, 85, 70, 72, 80, 95, 125, 140, 165},
};

ts_status synth_popspec_saitama(synth_popspec *spec)
{
    static const struct {
        const char *ja, *en;
        const synth_muni *m;
        size_t n;
        long all_ages;   /* ILLUSTRATIVE split of the real 7,344,765 */
        double alone_mult, lonely_tilt;
    } def[5] = {
        {"中央", "Central", chuo, sizeof chuo / sizeof chuo[0], 2250000, 1.15, 1.03},
        {"西部", "West", seibu, sizeof seibu / sizeof seibu[0], 2050000, 1.0, 1.0},
        {"東部", "East", tobu, sizeof tobu / sizeof tobu[0], 1800000, 1.0, 1.0},
        {"北部", "North", hokubu, sizeof hokubu / sizeof hokubu[0], 1150000, 0.9, 0.98},
        {"秩父", "Chichibu", chichibu, sizeof chichibu / sizeof chichibu[0], 94765, 0.85, 0.97},
    };
    memset(spec, 0, sizeof *spec);
    spec->name = "saitama-2022";
    spec->title = "埼玉県人々のつながりに関する基礎調査 2022 (合成データ)";
    spec->total_all_ages = 7344765; /* 2020 census, final (population.md) */
    spec->scale = 10;
    spec->nareas = 5;
    for (size_t i = 0; i < 5; i++) {
        synth_area *a = &spec->area[i];
        a->code = (int)i + 1;
        a->ja = def[i].ja;
        a->en = def[i].en;
        a->munis = def[i].m;
        a->nmunis = def[i].n;
        a->all_ages = def[i].all_ages;
        a->fx.alone_mult = def[i].alone_mult;
        a->fx.lonely_tilt = def[i].lonely_tilt;
        long w[18], out[18];
        for (int s = 0; s < 2; s++)
            for (int g = 0; g < 9; g++)
                w[s * 9 + g] = saitama_profile[s][g] * saitama_age_tilt[i][g];
        split(a->all_ages, w, 18, out);
        for (int s = 0; s < 2; s++)
            for (int b = 0; b < SYNTH_NBANDS; b++)
                a->pop[s][b] = out[s * 9 + 1 + b];
    }
    return TS_OK;
}

long synth_area_total16(const synth_area *a)
{
    long t = 0;
    for (int s = 0; s < 2; s++)
        for (int b = 0; b < SYNTH_NBANDS; b++)
            t += a->pop[s][b];
    return t;
}

long synth_popspec_total16(const synth_popspec *spec)
{
    long t = 0;
    for (size_t i = 0; i < spec->nareas; i++)
        t += synth_area_total16(&spec->area[i]);
    return t;
}

long synth_popspec_cell_size(const synth_popspec *spec, size_t area, int sex, int band)
{
    long p = spec->area[area].pop[sex][band];
    return (p + spec->scale / 2) / spec->scale;
}
