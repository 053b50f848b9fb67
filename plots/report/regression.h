/* regression.h — the report's regression sheet: the models of tsunagari-model (models.csv,
 * docs/models-format.md) as a sheet 回帰分析 of tables.xlsx. */
#ifndef TS_REPORT_REGRESSION_H
#define TS_REPORT_REGRESSION_H

#include <xlsxwriter.h>

#include "status.h"

/* Add the sheet for MODELS_CSV to WB (nothing when the file does not exist: a manifest
 * without [model.NAME]). TS_E_DATA with ERR set for a file that is not a models.csv. */
ts_status rp_regression_xlsx(lxw_workbook *wb, const char *models_csv, ts_err *err);

#endif
