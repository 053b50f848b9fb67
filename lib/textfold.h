/* textfold.h — the one normalisation under which a raw answer matches a code label
 * (docs/codebook.md, "Label-coded answers"): a small, fixed subset of Unicode NFKC — the
 * differences of width and spacing that form tools, Excel and people typing introduce —
 * and nothing that changes what a Japanese reader would call the same text. */
#ifndef TS_TEXTFOLD_H
#define TS_TEXTFOLD_H

#include <stddef.h>

/* Fold the N bytes at S into OUT, which must have room for N + 1 bytes (folding never
 * lengthens text) and may be S itself; OUT is NUL-terminated. Returns the folded length.
 *  - full-width ASCII (U+FF01..U+FF5E) to ASCII, full-width ¢ £ ¬ ¦ ¥ ₩ to their usual forms;
 *  - half-width katakana and punctuation (U+FF61..U+FF9F) to full-width, a following
 *    half-width (or combining) voiced or semi-voiced mark composed with its kana (ｶﾞ → ガ);
 *  - the ideographic space U+3000, no-break space, tab, CR and LF to a space; runs of spaces
 *    collapsed to one, and spaces at either end removed.
 * Bytes that are not valid UTF-8 are copied as they are. Letter case is kept. */
size_t ts_text_fold(const char *s, size_t n, char *out);

/* Columns the UTF-8 text S takes on a terminal: East Asian wide characters (kanji, kana,
 * full-width forms) two, the rest one. printf's %-22s counts bytes, so a Japanese label of 6
 * bytes would push its row's numbers out of line; the text outputs of tsunagari-tab and
 * tsunagari-model pad by this. */
size_t ts_text_display_width(const char *s);

#endif
