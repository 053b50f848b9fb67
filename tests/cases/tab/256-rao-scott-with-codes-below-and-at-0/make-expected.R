# R's values for this case: Rscript make-expected.R > expected-r.csv (survey 4.1.1, R 4.2.2).
# q's shares (whole sample and by area) with their SE and df, and the Rao–Scott F and chi-squared
# tests of q by area, on the case's stratified design; check compares tsunagari-tab's rows.
suppressPackageStartupMessages(library(survey))
d <- read.csv("raw.csv")
des <- svydesign(id = ~1, strata = ~area, weights = ~bw, data = d)
num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
cat("statistic,by_codes,code,estimate,se,df,df2,p_value\n")
share_rows <- function(by_code, s) {
  r <- svymean(~factor(q), s)
  for (i in seq_along(coef(r)))
    cat(sprintf("share,%s,%d,%s,%s,%s,,\n", by_code, sort(unique(d$q))[i], num(coef(r)[i]),
                num(SE(r)[i]), num(degf(s))))
}
share_rows("", des)
for (a in sort(unique(d$area))) share_rows(a, subset(des, area == a))
f <- svychisq(~q + area, des, statistic = "F")
cat(sprintf("rao_scott_f,,,%s,,%s,%s,%s\n", num(f$statistic), num(f$parameter[1]),
            num(f$parameter[2]), num(f$p.value)))
# R's x$statistic is Pearson's X^2, uncorrected; its p-value is that of X^2 / mean(eigenvalues of
# Delta) = F * (r-1)(c-1) on (r-1)(c-1) df, the first-order statistic tsunagari reports (as the
# tab oracle, tests/oracle/tab/make-expected.R).
x <- svychisq(~q + area, des, statistic = "Chisq")
k <- unname(x$parameter[1])
x2rs <- unname(f$statistic) * k
stopifnot(abs(pchisq(x2rs, k, lower.tail = FALSE) - x$p.value) <= 1e-12 * x$p.value)
cat(sprintf("rao_scott_chisq,,,%s,,%s,,%s\n", num(x2rs), num(k), num(x$p.value)))
