# R's values for this case: Rscript make-expected.R > expected-r.csv (survey 4.1.1, R 4.2.2).
# The difference of income's means, 女性 - 男性, on a design of three strata of one respondent
# each under survey.lonely.psu = "adjust": the design has degf 0, so R's p-value
# 2 * pt(-|d/se|, 0) is NaN (written empty); check compares tsunagari-tab's row.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")
d <- read.csv("raw.csv")
des <- svydesign(id = ~1, strata = ~area, weights = ~bw, data = d)
b <- svyby(~income, ~sex, des, svymean, covmat = TRUE)
con <- svycontrast(b, c(-1, 1))
est <- coef(con)[[1]]; se <- SE(con)[[1]]; df <- degf(des)
num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
cat("by_codes,estimate,se,df,p_value\n")
cat(sprintf("2 - 1,%s,%s,%s,%s\n", num(est), num(se), num(df), num(suppressWarnings(2 * pt(-abs(est / se), df)))))
