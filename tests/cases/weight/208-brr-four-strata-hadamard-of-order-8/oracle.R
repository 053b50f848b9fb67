# R's survey on the case's design (by hand, survey 4.1.1): Rscript oracle.R prints the
# replicate weights, the mean and its SE that expected.out holds.
suppressPackageStartupMessages(library(survey))
sylvester <- function(m) { H <- matrix(1); while (nrow(H) < m) H <- rbind(cbind(H, H), cbind(H, -H)); H }
d <- data.frame(id = 1:8, st = rep(1:4, each = 2), score = c(6.3, 4.3, 6.6, 5.1, 7.2, 3.9, 5.5, 6.1),
                pw = c(10, 20, 10, 15, 12, 10, 20, 10))
des <- as.svrepdesign(svydesign(id = ~1, strata = ~st, weights = ~pw, data = d), type = "BRR",
                      hadamard.matrix = sylvester(8))
print(weights(des, "analysis"))
m <- svymean(~score, des)
print(sprintf("%.17g %.17g scale %g", coef(m), SE(m), des$scale))
