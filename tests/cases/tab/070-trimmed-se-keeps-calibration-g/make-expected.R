# R's values for this case: Rscript make-expected.R > expected.csv (survey 4.1.1, R 4.2.2).
suppressMessages(library(survey)); data(api)
des <- svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)
pop_sw <- data.frame(sch.wide=c("No","Yes"), Freq=c(1072,5122))
pop_st <- data.frame(stype=c("E","H","M"), Freq=c(4421,755,1018))
cal <- list(
  poststratify = postStratify(des, ~sch.wide, pop_sw),
  rake = rake(des, list(~sch.wide, ~stype), list(pop_sw, pop_st), control=list(epsilon=1e-13, maxit=1000)),
  linear = calibrate(des, ~stype+api99, c(`(Intercept)`=6194, stypeH=755, stypeM=1018, api99=3914069)))
cat("method,estimate,se,deff\n")
for (m in names(cal)) {
  w <- mean(weights(cal[[m]]))
  tr <- trimWeights(cal[[m]], lower=0.6*w, upper=1.3*w, strict=FALSE)
  r <- svymean(~api00, tr, deff=TRUE)
  cat(sprintf("%s,%.17g,%.17g,%.17g\n", m, coef(r), SE(r), deff(r)))
}
