# R's values for this case: Rscript make-expected.R > expected-r.csv (survey 4.1.1, R 4.2.2).
# JKn replicate weights, rscales and the mean of score with its SE, on the case's design (every
# row its own stratum, survey.lonely.psu = "adjust"); check compares tsunagari's.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")
d <- read.csv("raw.csv")
des <- as.svrepdesign(svydesign(id = ~1, strata = ~st, weights = ~pw, data = d), type = "JKn")
num <- function(x) sprintf("%.17g", x)
w <- weights(des, "analysis")
cat(paste(c("id", paste0("repw_", seq_len(ncol(w)))), collapse = ","), "\n", sep = "")
for (i in seq_len(nrow(w))) cat(paste(c(d$id[i], num(w[i, ])), collapse = ","), "\n", sep = "")
m <- svymean(~score, des)
cat("statistic,estimate,se\n", sprintf("mean,%s,%s\n", num(coef(m)), num(SE(m))), sep = "")
cat(paste(c("rscales", num(des$rscales)), collapse = ","), "\n", sep = "")
