# R's values for this case: Rscript make-expected.R > expected-r.csv (survey 4.1.1, R 4.2.2).
# The shares of sex, in all and by age, with logit and wald (svyciprop method "mean") intervals
# on the case's post-stratified design; check compares tsunagari-tab's rows.
suppressPackageStartupMessages(library(survey))
d <- read.csv("raw.csv")
d <- d[!is.na(d$sex) & d$sex %in% 1:2, ]  # missing = drop: sex 9 (無回答) and blank get weight 0
des <- svydesign(id = ~1, strata = ~area, weights = ~bw, data = d)
des <- postStratify(des, ~sex, data.frame(sex = 1:2, Freq = c(30, 60)))
num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))  # qt(p, 0) is NaN: no interval

# The logit interval as svyciprop(method = "logit") computes it (svyglm quasibinomial, Wald
# limits on degf), but started at the share's logit and run to epsilon 1e-12, as the tab oracle
# does (tests/oracle/tab/make-expected.R, ciprop_logit): svyciprop's own IRLS stops at 1e-8,
# ~1e-10 off. A share of 0 or 1 has no logit: svyciprop as is (its non-convergence silenced).
logit_ci <- function(f, s, p) {
  if (p <= 0 || p >= 1) return(as.numeric(confint(suppressWarnings(svyciprop(f, s, method = "logit")))))
  m <- suppressWarnings(eval(bquote(svyglm(.(as.formula(paste(all.vars(f), "~ 1"))), s,
      family = quasibinomial, start = .(qlogis(p)), control = glm.control(epsilon = 1e-12, maxit = 100)))))
  stopifnot(m$converged)
  as.numeric(plogis(suppressWarnings(confint(m, 1, method = "Wald", ddf = degf(s)))))
}

cat("ci_method,by_codes,code,estimate,se,ci_low,ci_high,df\n")
for (m in c("logit", "wald")) {
  domains <- list(list("", des), list(1, subset(des, age == 1)), list(2, subset(des, age == 2)))
  for (dom in domains) {
    s <- update(dom[[2]], is1 = as.numeric(sex == 1), is2 = as.numeric(sex == 2))
    for (code in 1:2) {
      f <- as.formula(paste0("~is", code))
      r <- svymean(f, s)
      ci <- if (m == "logit") logit_ci(f, s, coef(r)[[1]]) else
        as.numeric(confint(suppressWarnings(svyciprop(f, s, method = "mean"))))
      cat(sprintf("%s,%s,%d,%s,%s,%s,%s,%s\n", m, dom[[1]], code, num(coef(r)), num(SE(r)),
                  num(ci[1]), num(ci[2]), num(degf(s))))
    }
  }
}
