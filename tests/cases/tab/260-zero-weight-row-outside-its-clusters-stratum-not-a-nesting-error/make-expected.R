# R's values for this case: Rscript make-expected.R > expected-r.csv (survey 4.1.1, R 4.2.2).
# The shares of lonely, in all and by sex, with wald (svyciprop method "mean") intervals, on
# the stratified cluster design (nest = FALSE, R's default) of the rows with a positive
# weight (ids 5 and 6 have weight 0); check compares tsunagari-tab's rows.
suppressPackageStartupMessages(library(survey))
d <- read.csv("raw.csv")
d <- d[d$pw > 0, ]
des <- svydesign(id = ~psu, strata = ~area, weights = ~pw, data = d, nest = FALSE)
num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
cat("by_codes,code,estimate,se,ci_low,ci_high,df\n")
domains <- list(list("", des), list(1, subset(des, sex == 1)), list(2, subset(des, sex == 2)))
for (dom in domains) {
  s <- update(dom[[2]], l1 = as.numeric(lonely == 1), l2 = as.numeric(lonely == 2))
  for (code in 1:2) {
    f <- as.formula(paste0("~l", code))
    r <- svymean(f, s)
    ci <- as.numeric(confint(suppressWarnings(svyciprop(f, s, method = "mean"))))
    cat(sprintf("%s,%d,%s,%s,%s,%s,%s\n", dom[[1]], code, num(coef(r)), num(SE(r)), num(ci[1]), num(ci[2]),
                num(degf(s))))
  }
}
