/* derive.h — derived variables of the codebook (recode, sum), computed row by row after the
 * raw cells are read. */
#ifndef TS_INGEST_DERIVE_H
#define TS_INGEST_DERIVE_H

#include "cells.h"
#include "codebook.h"

/* Compute derived variable CB->vars[I] at ROW from the variables VARS (indexed like the
 * codebook; NULL for ones not in the dataset). CELL_WARN leaves it missing with WHY set. */
cell_status derive_row(const ts_codebook *cb, size_t i, ts_var *const *vars, size_t row, ts_strbuf *why);

#endif
