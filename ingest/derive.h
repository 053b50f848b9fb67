/* derive.h — derived variables of the codebook (recode, sum, indicator), computed row by row
 * after the raw cells are read, and the skip logic (asked_if) of raw items. */
#ifndef TS_INGEST_DERIVE_H
#define TS_INGEST_DERIVE_H

#include "cells.h"
#include "codebook.h"

/* Compute derived variable CB->vars[I] at ROW from the variables VARS (indexed like the
 * codebook; NULL for ones not in the dataset). CELL_WARN leaves it missing with WHY set. */
cell_status derive_row(const ts_codebook *cb, size_t i, ts_var *const *vars, size_t row, ts_strbuf *why);

/* Apply the skip rule (asked_if) of raw item CV, whose cell was just read into row ROW of V
 * (BLANK: the raw cell, or every option column, was blank; PARSED: what reading it returned).
 * Where asked_if is false the item was not asked: a blank becomes the 非該当 code (missing=skip),
 * and an answer is an item warning, stored as 非該当 too. Where it holds, the 非該当 code is an
 * item warning, stored as system missing. Where it is undetermined (the filter item missing),
 * the cell stays as read. Returns CELL_WARN with WHY set, or PARSED. */
cell_status derive_skip(const ts_cbvar *cv, ts_var *const *vars, ts_var *v, size_t row, int blank,
                        cell_status parsed, ts_strbuf *why);

#endif
