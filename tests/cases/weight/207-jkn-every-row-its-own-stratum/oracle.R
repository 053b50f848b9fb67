# R's survey on the case's design (by hand, survey 4.1.1): Rscript oracle.R prints the
# replicate weights, the mean and its SE that expected.out holds.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")
d <- data.frame(id = 1:4, st = 1:4, score = c(6.3, 4.3, 6.6, 5.1), pw = c(10, 20, 10, 15))
des <- as.svrepdesign(svydesign(id = ~1, strata = ~st, weights = ~pw, data = d), type = "JKn")
print(weights(des, "analysis"))
print(des$rscales)
m <- svymean(~score, des)
print(sprintf("%.17g %.17g", coef(m), SE(m)))
