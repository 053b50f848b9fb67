# R's values for this case: Rscript make-expected.R > expected-r.csv (survey 4.1.1, R 4.2.2).
# Two stages, weights 1, fpc per stage; point 2 of 北 has one respondent: lonely.psu = remove.
suppressMessages(library(survey))
d <- read.csv("raw.csv")
d$w <- 1
options(survey.lonely.psu = "remove")
des <- svydesign(id = ~point + id, strata = ~area, fpc = ~m_points + n_persons, weights = ~w,
                 data = d, nest = TRUE)
r <- svymean(~factor(lonely, levels = 1:2), des)
cat("code,estimate,se\n")
for (k in 1:2) cat(sprintf("%d,%.17g,%.17g\n", k, coef(r)[k], SE(r)[k]))
