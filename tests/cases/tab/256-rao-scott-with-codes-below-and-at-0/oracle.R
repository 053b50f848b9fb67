# R's survey on the case's design (by hand, survey 4.1.1): Rscript oracle.R prints the
# Rao–Scott F (and its df and p) and the chi-squared p that expected.out holds.
suppressPackageStartupMessages(library(survey))
d <- read.csv("raw.csv")
des <- svydesign(id = ~1, strata = ~area, weights = ~bw, data = d)
f <- svychisq(~q + area, des, statistic = "F")
cat(sprintf("F %.17g ndf %.17g ddf %.17g p %.17g\n", f$statistic, f$parameter[1], f$parameter[2], f$p.value))
x <- svychisq(~q + area, des, statistic = "Chisq")
cat(sprintf("Chisq p %.17g\n", x$p.value))
print(svyby(~factor(q), ~area, des, svymean))
