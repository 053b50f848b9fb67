/* Unit tests for lib/textfold.c: the folding under which raw answers match code labels. */
#include <stdlib.h>

#include "harness.h"
#include "textfold.h"

/* Fold S (also in place) and compare with WANT. */
static int folds_to(const char *s, const char *want)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1), *inplace = malloc(n + 1);
    memcpy(inplace, s, n + 1);
    size_t k = ts_text_fold(s, n, out), k2 = ts_text_fold(inplace, n, inplace);
    int ok = k == strlen(want) && strcmp(out, want) == 0 && k2 == k && strcmp(inplace, want) == 0;
    if (!ok)
        fprintf(stderr, "fold(\"%s\") = \"%s\", expected \"%s\"\n", s, out, want);
    free(out);
    free(inplace);
    return ok;
}

int main(void)
{
    /* unchanged */
    T_CHECK(folds_to("", ""));
    T_CHECK(folds_to("時々ある", "時々ある"));
    T_CHECK(folds_to("Yes, I do", "Yes, I do"));
    T_CHECK(folds_to("ガギグ パピプ", "ガギグ パピプ"));
    /* full-width ASCII to half-width; case kept */
    T_CHECK(folds_to("ＡＢＣａｂｃ１２３", "ABCabc123"));
    T_CHECK(folds_to("（１）週に１回以上！", "(1)週に1回以上!"));
    T_CHECK(folds_to("～", "~"));
    T_CHECK(folds_to("￥１００", "¥100"));
    /* half-width katakana to full-width, marks composed */
    T_CHECK(folds_to("ｱｲｳｴｵ", "アイウエオ"));
    T_CHECK(folds_to("ｶﾞｷﾞｸﾞ", "ガギグ"));
    T_CHECK(folds_to("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "パピプペポ"));
    T_CHECK(folds_to("ﾊﾞｲﾄ", "バイト"));
    T_CHECK(folds_to("ｳﾞｧｲｵﾘﾝ", "ヴァイオリン"));
    T_CHECK(folds_to("ﾜﾞ", "ヷ"));
    T_CHECK(folds_to("ｯｬｰ", "ッャー"));
    T_CHECK(folds_to("｢ﾃｽﾄ｣､｡･", "「テスト」、。・"));
    T_CHECK(folds_to("ｱﾞ", "ア\xe3\x82\x99"));            /* no such character: the mark stays, combining */
    T_CHECK(folds_to("\xef\xbe\x9e", "\xe3\x82\x99"));     /* a mark alone */
    T_CHECK(folds_to("カ\xe3\x82\x99", "ガ"));              /* combining marks compose too */
    T_CHECK(folds_to("は\xe3\x82\x9a", "ぱ"));
    T_CHECK(folds_to("う\xe3\x82\x99", "ゔ"));
    /* spaces: ideographic, no-break, tabs; collapsed and trimmed */
    T_CHECK(folds_to("回答\xe3\x80\x80しない", "回答 しない"));
    T_CHECK(folds_to("\xe3\x80\x80 とても  よい \t", "とても よい"));
    T_CHECK(folds_to("a\xc2\xa0\xc2\xa0" "b", "a b"));
    T_CHECK(folds_to("   ", ""));
    T_CHECK(folds_to("\xe3\x80\x80", ""));
    /* not UTF-8: copied; a truncated character too */
    T_CHECK(folds_to("\x82\xa0 \xff", "\x82\xa0 \xff"));
    T_CHECK(folds_to("Ａ\xef\xbc", "A\xef\xbc"));
    T_CHECK(folds_to("\xed\xa0\x80", "\xed\xa0\x80")); /* a surrogate: not a character */
    /* the length, with NUL bytes inside */
    {
        char out[8];
        T_CHECK(ts_text_fold("a\0\xef\xbc\xa2", 5, out) == 3 && memcmp(out, "a\0B", 4) == 0);
    }
    T_DONE();
}
