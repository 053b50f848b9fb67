/* textfold.c — see textfold.h. One pass over the text, writing behind the read position (so
 * that folding in place works): every rule maps a character to one of no more bytes. */
#include "textfold.h"

#include <stdint.h>

/* Half-width katakana U+FF61..U+FF9D to full-width (NFKC's compatibility mappings). */
static const uint16_t HALF_KANA[] = {
    0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7, /* FF61.. */
    0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC, 0x30A2, 0x30A4, 0x30A6, 0x30A8, /* FF6B.. */
    0x30AA, 0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, /* FF75.. */
    0x30BD, 0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD, /* FF7F.. */
    0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DE, 0x30DF, 0x30E0, 0x30E1, /* FF89.. */
    0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF, /* FF93.. */
    0x30F3,                                                                         /* FF9D */
};

/* Decode one UTF-8 character at S (N > 0 bytes left): its code point and length, or
 * length 0 when the bytes are not a valid, shortest-form character. */
static uint32_t decode(const unsigned char *s, size_t n, size_t *len)
{
    *len = 0;
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    size_t k = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (k == 0 || s[0] > 0xF4 || k > n)
        return 0;
    uint32_t c = s[0] & (0x7F >> k);
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if ((k == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) || (k == 4 && (c < 0x10000 || c > 0x10FFFF)))
        return 0;
    *len = k;
    return c;
}

static size_t encode(uint32_t c, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | c >> 6);
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xE0 | c >> 12);
        o[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
        o[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | c >> 18);
    o[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
    o[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
    o[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* Katakana (or hiragana) C with the voiced mark (SEMI: the semi-voiced mark), or 0 when
 * there is no such character. The two scripts share one layout, 0x60 apart. */
static uint32_t compose(uint32_t c, int semi)
{
    uint32_t off = c >= 0x3041 && c <= 0x3096 ? 0x60 : 0, k = c + off, r = 0;
    if (semi)
        r = k >= 0x30CF && k <= 0x30DB && (k - 0x30CF) % 3 == 0 ? k + 2 : 0; /* ハ → パ */
    else if ((k >= 0x30AB && k <= 0x30C1 && (k - 0x30AB) % 2 == 0) || k == 0x30C4 || k == 0x30C6 ||
             k == 0x30C8 || (k >= 0x30CF && k <= 0x30DB && (k - 0x30CF) % 3 == 0))
        r = k + 1; /* カ → ガ ... ト → ド, ハ → バ */
    else if (k == 0x30A6)
        r = 0x30F4; /* ヴ, ゔ */
    else if (!off && (k == 0x30EF || k == 0x30F2))
        r = k + 8; /* ヷ, ヺ */
    return r ? r - off : 0;
}

/* The folded form of C (not a kana mark), or C itself; *SPACE set when it folds to a space. */
static uint32_t fold_char(uint32_t c, int *space)
{
    *space = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xA0 || c == 0x3000;
    if (c >= 0xFF01 && c <= 0xFF5E)
        return c - 0xFF01 + 0x21;
    if (c >= 0xFF61 && c <= 0xFF9D)
        return HALF_KANA[c - 0xFF61];
    if (c == 0xFF9E)
        return 0x3099; /* the marks alone: combining, as NFKC has them */
    if (c == 0xFF9F)
        return 0x309A;
    switch (c) {
    case 0xFFE0: return 0xA2;
    case 0xFFE1: return 0xA3;
    case 0xFFE2: return 0xAC;
    case 0xFFE4: return 0xA6;
    case 0xFFE5: return 0xA5;
    case 0xFFE6: return 0x20A9;
    default: return c;
    }
}

size_t ts_text_fold(const char *s, size_t n, char *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t r = 0, w = 0;
    int pending_space = 0; /* a run of spaces seen after some text: written before the next text */
    while (r < n) {
        size_t len;
        uint32_t c = decode(u + r, n - r, &len);
        if (len == 0) {
            if (pending_space && w > 0)
                out[w++] = ' ';
            pending_space = 0;
            out[w++] = s[r++]; /* not UTF-8: as it is */
            continue;
        }
        r += len;
        int space;
        c = fold_char(c, &space);
        if (space) {
            pending_space = 1;
            continue;
        }
        /* A voiced or semi-voiced mark after a kana: one composed character (ｶﾞ, カ゛ as U+3099). */
        if (r < n) {
            size_t ml;
            uint32_t m = decode(u + r, n - r, &ml);
            if (ml && (m == 0xFF9E || m == 0xFF9F || m == 0x3099 || m == 0x309A)) {
                uint32_t k = compose(c, m == 0xFF9F || m == 0x309A);
                if (k) {
                    c = k;
                    r += ml;
                }
            }
        }
        if (pending_space && w > 0)
            out[w++] = ' ';
        pending_space = 0;
        w += encode(c, out + w);
    }
    out[w] = '\0';
    return w;
}

size_t ts_text_display_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned long cp = *p;
        int len = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4;
        if (len > 1)
            cp &= 0x3F >> (len - 1);
        for (int k = 1; k < len; k++)
            cp = p[k] ? (cp << 6) | (p[k] & 0x3F) : cp;
        for (int k = 0; k < len && *p; k++)
            p++;
        w += (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                     (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                     (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000
                 ? 2
                 : 1;
    }
    return w;
}
