# R's values for this case: Rscript make-expected.R > expected-r.csv (survey 4.1.1, R 4.2.2).
# fpc = 40, 900: constant population sizes per stage, as columns for R; weights 1.
suppressMessages(library(survey))
d <- read.csv("raw.csv")
d$w <- 1; d$c40 <- 40; d$c900 <- 900
des <- svydesign(id = ~point + id, strata = ~area, fpc = ~c40 + c900, weights = ~w, data = d, nest = TRUE)
r <- svymean(~factor(lonely, levels = 1:2), des)
cat("code,estimate,se\n")
for (k in 1:2) cat(sprintf("%d,%.17g,%.17g\n", k, coef(r)[k], SE(r)[k]))
