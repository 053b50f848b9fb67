# R's values for this case: Rscript make-expected.R > expected-r.csv (survey 4.1.1, R 4.2.2).
# The shares of age, in all and by sex, with wald (svyciprop method "mean") intervals on the
# case's stratified design raked to sex (rake(), one margin: its variance is R's sweeps', not
# postStratify's), where area 3 is a stratum of one respondent and survey.lonely.psu =
# "adjust"; check compares tsunagari-tab's rows.
suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")
d <- read.csv("raw.csv")
des <- svydesign(id = ~1, strata = ~area, weights = ~bw, data = d)
des <- rake(des, list(~sex), list(data.frame(sex = 1:2, Freq = c(30, 60))))
num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
cat("by_codes,code,estimate,se,ci_low,ci_high,df\n")
domains <- list(list("", des), list(1, subset(des, sex == 1)), list(2, subset(des, sex == 2)))
for (dom in domains) {
  s <- update(dom[[2]], a1 = as.numeric(age == 1), a2 = as.numeric(age == 2), a3 = as.numeric(age == 3))
  for (code in 1:3) {
    f <- as.formula(paste0("~a", code))
    r <- svymean(f, s)
    ci <- as.numeric(confint(suppressWarnings(svyciprop(f, s, method = "mean"))))
    cat(sprintf("%s,%d,%s,%s,%s,%s,%s\n", dom[[1]], code, num(coef(r)), num(SE(r)), num(ci[1]), num(ci[2]),
                num(degf(s))))
  }
}
