# R's values for this case: Rscript make-expected.R > expected-r.csv (survey 4.1.1, R 4.2.2).
# BRR replicate weights on the Sylvester-Hadamard matrix of order 8, their scale, and the mean of
# score with its SE, on the case's design (4 strata of 2 PSUs); check compares tsunagari's.
suppressPackageStartupMessages(library(survey))
sylvester <- function(m) { H <- matrix(1); while (nrow(H) < m) H <- rbind(cbind(H, H), cbind(H, -H)); H }
d <- read.csv("raw.csv")
des <- as.svrepdesign(svydesign(id = ~1, strata = ~st, weights = ~pw, data = d), type = "BRR",
                      hadamard.matrix = sylvester(8))
num <- function(x) sprintf("%.17g", x)
w <- weights(des, "analysis")
cat(paste(c("id", paste0("repw_", seq_len(ncol(w)))), collapse = ","), "\n", sep = "")
for (i in seq_len(nrow(w))) cat(paste(c(d$id[i], num(w[i, ])), collapse = ","), "\n", sep = "")
m <- svymean(~score, des)
cat("statistic,estimate,se\n", sprintf("mean,%s,%s\n", num(coef(m)), num(SE(m))), sep = "")
cat("scale,", num(des$scale), "\n", sep = "")
