# R's svyciprop on the case's design (tab/251's survey: rows 5 and 8 dropped by missing = drop), by
# hand with survey 4.1.1: Rscript oracle.R prints the intervals expected.out holds (issue #19).
suppressPackageStartupMessages(library(survey))
d <- data.frame(id=1:8, area=c(1,1,1,1,1,2,2,2), sex=c(1,1,2,2,9,1,2,NA), age=c(2,1,1,1,3,1,1,1), bw=1)
d <- d[!(d$id %in% c(5, 8)), ]  # missing = drop: weight 0
d$male <- as.numeric(d$sex == 1)
des <- svydesign(id=~1, strata=~area, weights=~bw, data=d)
des <- postStratify(des, ~sex, data.frame(sex=c(1,2), Freq=c(30,60)), partial=TRUE)
for (a in 1:2) { s <- subset(des, age == a & !is.na(sex))
  for (m in c("logit","mean")) { r <- svyciprop(~male, s, method=m); cat("age", a, m, coef(r), confint(r), "df", degf(s), "\n") } }
