# R's values for this case: Rscript make-expected.R > expected-r.csv (survey 4.1.1, R 4.2.2).
suppressMessages(library(survey)); data(api)
des <- svydesign(ids = ~1, strata = ~stype, probs = ~1, data = apistrat)   # weights 1, no fpc
out <- function(name, by, code, r, ci) cat(sprintf("%s,%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g\n",
    name, by, code, coef(r)[1], SE(r)[1], ci[1], ci[2], deff(r)[1]))
cat("table,by_codes,code,estimate,se,ci_low,ci_high,deff\n")
r <- svymean(~api00, des, deff = TRUE)
ci <- as.numeric(coef(r)) + c(-1, 1) * qt(0.975, degf(des)) * as.numeric(SE(r))
out("api00_unweighted", "", "", r, ci)
for (k in 1:3) {
  sub <- subset(des, as.integer(stype) == k)
  for (code in 1:2) {
    sub <- update(sub, y = as.numeric(as.integer(sch.wide) == code))
    r <- svymean(~y, sub, deff = TRUE)
    p <- svyciprop(~y, sub, method = "logit")
    out("sch_wide_unweighted", k, code, r, as.numeric(attr(p, "ci")))
  }
}
