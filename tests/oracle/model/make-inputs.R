# make-inputs.R — the model oracle's inputs (tests/oracle/model/data/, committed):
#   apistrat.csv, apiclus1.csv  R's data(api) (survey package): id = snum; stype 1=E 2=H 3=M;
#                               sch_wide 1=No 2=Yes; pw, fpc, dnum, api00, ell, meals
#   kodoku.csv                  a SYNTHETIC Japanese survey (no real respondent): 900 people in
#                               4 areas (strata, N_h in `N`), 60 survey points (調査地点, the
#                               cluster of scenario 04), weights pw; loneliness (孤独感, the
#                               national survey's 5 codes + 9 無回答), sex, age and age band,
#                               living alone, employment (9 無回答), the UCLA-3 score.
# Deterministic (set.seed). Run: Rscript tests/oracle/model/make-inputs.R
suppressPackageStartupMessages(library(survey))
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
num <- function(x) {
    s <- formatC(x, digits = 15, format = "g")
    bad <- !is.na(x) & as.numeric(s) != x
    s[bad] <- formatC(x[bad], digits = 17, format = "g")
    ifelse(is.na(x), "", trimws(s))
}
put <- function(d, file, comment) {
    cols <- lapply(d, num)
    writeLines(c(paste("#", comment), paste(names(d), collapse = ","), do.call(paste, c(cols, sep = ","))),
               file.path(here, "data", file))
}
data(api)
api <- function(df) {
    d <- data.frame(id = df$snum, stype = match(as.character(df$stype), c("E", "H", "M")),
                    sch_wide = match(as.character(df$sch.wide), c("No", "Yes")), pw = df$pw, fpc = df$fpc,
                    dnum = df$dnum, api00 = df$api00, ell = df$ell, meals = df$meals)
    d[order(d$id), ]
}
put(api(apistrat), "apistrat.csv", "apistrat of R's data(api): 200 schools, stratified by stype, fpc = N_h")
put(api(apiclus1), "apiclus1.csv", "apiclus1 of R's data(api): 183 schools in 15 districts (dnum), fpc = 757")

set.seed(20261201)
nh <- c(300, 250, 200, 150); Nh <- c(120000, 80000, 60000, 40000)
area <- rep(1:4, nh)
n <- length(area)
point <- unlist(lapply(1:4, function(h) sort(sample(((h - 1) * 15 + 1):(h * 15), nh[h], replace = TRUE))))
sex <- sample(1:2, n, replace = TRUE, prob = c(0.47, 0.53))
age <- sample(16:89, n, replace = TRUE)
age_band <- cut(age, c(15, 29, 39, 49, 59, 69, 200), labels = FALSE)
alone <- 1 + rbinom(n, 1, plogis(-2 + 0.025 * (age - 50)))
employ <- ifelse(age >= 70, sample(c(3, 4), n, replace = TRUE, prob = c(0.2, 0.8)),
                 sample(1:4, n, replace = TRUE, prob = c(0.5, 0.25, 0.1, 0.15)))
eff_age <- c(0.6, 0.3, 0.2, 0, -0.2, -0.1)[age_band]
pt_eff <- rnorm(60, 0, 0.3)[point]
lp <- -1.6 + 0.25 * (sex == 2) + eff_age + 0.8 * (alone == 2) + c(0, 0.4, 0.1, 0.7)[employ] + pt_eff
often <- rbinom(n, 1, plogis(lp))
lonely <- ifelse(often == 1, sample(4:5, n, replace = TRUE, prob = c(0.7, 0.3)),
                 sample(1:3, n, replace = TRUE, prob = c(0.3, 0.4, 0.3)))
ucla <- pmin(12, pmax(3, round(5 + 2.2 * often + 0.8 * (alone == 2) - 0.01 * (age - 50) + rnorm(n, 0, 1.2))))
lonely[sample(n, 25)] <- 9                     # 無回答 (a missing code)
employ[sample(n, 18)] <- 9
ucla[sample(n, 30)] <- NA                      # system missing
pw <- Nh[area] / nh[area] * runif(n, 0.6, 1.6)
d <- data.frame(id = 1:n, area = area, point = point, N = Nh[area], pw = pw, sex = sex, age = age,
                age_band = age_band, alone = alone, employ = employ, lonely = lonely, ucla_score = ucla)
put(d, "kodoku.csv", "SYNTHETIC (not a real survey): 孤独感と関連する要因, 900 respondents; see make-inputs.R")
