/* genraw.c — write a large synthetic raw export and its codebook for the ingest benchmark:
 * ROWS rows × 40 columns shaped like a loneliness survey (id, sex, age, municipality, 30
 * single-choice items, 3 multiple answers as code lists, 2 numbers, 1 Japanese free text).
 * Deterministic (a fixed LCG), so every run measures the same bytes. SYNTHETIC DATA. */
#include <stdio.h>
#include <stdlib.h>

static unsigned long long state = 88172645463325252ULL;

static unsigned next(unsigned n)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((state >> 33) % n);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: genraw ROWS RAW.csv CODEBOOK.csv\n");
        return 64;
    }
    long rows = atol(argv[1]);
    FILE *raw = fopen(argv[2], "w"), *cb = fopen(argv[3], "w");
    if (!raw || !cb) {
        perror("genraw");
        return 73;
    }
    fprintf(cb, "# Benchmark codebook (SYNTHETIC)\nvariable,type,column,label,label_en,code,missing,min,max,from,values,keep\n");
    fprintf(cb, "id,id,回答ID,回答者ID,,,,,,,,\nsex,single,Q1 性別,性別,,,,,,,,\n,,,男性,,1,,,,,,\n,,,女性,,2,,,,,,\n,,,無回答,,9,yes,,,,,\n");
    fprintf(cb, "age,integer,Q2 年齢,年齢,,,,16,110,,,\n,,,無回答,,999,yes,,,,,\n");
    fprintf(cb, "city,integer,市町村コード,市町村,,,,11100,11999,,,\n");
    fprintf(raw, "回答ID,Q1 性別,Q2 年齢,市町村コード");
    for (int q = 1; q <= 30; q++) {
        fprintf(cb, "q%d,single,Q%d 設問%d,設問%d,,,,,,,,\n", q, q + 2, q, q);
        for (int c = 1; c <= 5; c++)
            fprintf(cb, ",,,選択肢%d,,%d,,,,,,\n", c, c);
        fprintf(cb, ",,,無回答,,9,yes,,,,,\n");
        fprintf(raw, ",Q%d 設問%d", q + 2, q);
    }
    for (int m = 1; m <= 3; m++) {
        fprintf(cb, "m%d,multi,M%d 複数回答%d,複数回答%d,,,,,,,,\n", m, m, m, m);
        for (int c = 1; c <= 9; c++)
            fprintf(cb, ",,,選択肢%d,,%d,,,,,,\n", c, c);
        fprintf(raw, ",M%d 複数回答%d", m, m);
    }
    fprintf(cb, "minutes,numeric,回答時間(分),回答時間,,,,0,600,,,\nscore,integer,得点,得点,,,,0,100,,,\n");
    fprintf(cb, "comment,text,自由記述,自由記述,,,,,,,,no\n");
    fprintf(raw, ",回答時間(分),得点,自由記述\n");
    static const char *const texts[] = {"", "", "", "特になし", "地域の居場所がほしい",
                                        "\"相談先を知りたい、特に夜間\""};
    for (long r = 1; r <= rows; r++) {
        fprintf(raw, "%ld,%u,%u,%u", r, 1 + next(2), 16 + next(80), 11100 + next(800));
        for (int q = 0; q < 30; q++)
            fprintf(raw, ",%u", next(20) ? 1 + next(5) : 9);
        for (int m = 0; m < 3; m++) {
            unsigned a = 1 + next(9), b = 1 + next(9);
            if (a == b)
                fprintf(raw, ",%u", a);
            else
                fprintf(raw, ",%u;%u", a < b ? a : b, a < b ? b : a);
        }
        fprintf(raw, ",%u.%u,%u,%s\n", 1 + next(40), next(10), next(101), texts[next(6)]);
    }
    if (fclose(raw) != 0 || fclose(cb) != 0) {
        perror("genraw");
        return 74;
    }
    return 0;
}
