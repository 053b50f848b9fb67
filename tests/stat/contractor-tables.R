# contractor-tables.R RAW.sav OUT.csv — the R survey oracle for the contractor's SPSS delivery
# (tests/fixtures/spss-contractor/survey.ini, issue #14): R reads the .sav itself with haven,
# derives what derived.csv derives, and computes the report's three tables with survey
# (svydesign(ids = ~1): the srs design without fpc that [design] type = srs is). Each row:
# table, by code ("" for 全体), code ("" for a mean), estimate, se. check-read-stat.sh compares
# them with tsunagari's tables.csv.
suppressMessages({ library(haven); library(survey) })
args <- commandArgs(trailingOnly = TRUE)
d <- read_sav(args[1], user_na = TRUE)
num <- function(x) as.numeric(zap_missing(x))      # SPSS user-missing (9, 999) as NA
d <- data.frame(Q1 = num(d$Q1), Q2 = num(d$Q2), Q3 = num(d$Q3),
                Q4_1 = num(d$Q4_1), Q4_2 = num(d$Q4_2), Q4_3 = num(d$Q4_3),
                Q5_1 = num(d$Q5_1), Q5_2 = num(d$Q5_2), Q5_3 = num(d$Q5_3),
                Q5_4 = num(d$Q5_4), Q5_5 = num(d$Q5_5), Q5_6 = num(d$Q5_6))
d$age_band <- cut(d$Q2, c(15, 39, 64, Inf), labels = FALSE)   # 16..39, 40..64, 65..
d$ucla <- d$Q4_1 + d$Q4_2 + d$Q4_3
des <- suppressWarnings(svydesign(ids = ~1, data = d)) # equal probabilities, as srs
out <- list()
add <- function(table, by, code, est, se) out[[length(out) + 1]] <<- data.frame(table, by, code, est, se)
shares <- function(table, var, des1, by) {
    f <- as.formula(paste0("~factor(", var, ")"))
    m <- svymean(f, subset(des1, !is.na(des1$variables[[var]])))
    codes <- sub(paste0("factor\\(", var, "\\)"), "", names(coef(m)))
    for (k in seq_along(codes)) add(table, by, codes[k], coef(m)[k], SE(m)[k])
}
shares("lonely", "Q3", des, "")
for (b in 1:3) shares("lonely", "Q3", subset(des, !is.na(age_band) & age_band == b), as.character(b))
# the multiple answer: the share choosing each option among those who answered the question
answered <- subset(des, !is.na(Q5_1))
for (k in 1:6) {
    m <- svymean(as.formula(paste0("~Q5_", k)), answered)
    add("consult", "", as.character(k), coef(m)[1], SE(m)[1])
}
m <- svymean(~ucla, subset(des, !is.na(ucla)))
add("ucla", "", "", coef(m)[1], SE(m)[1])
for (b in 1:2) {
    m <- svymean(~ucla, subset(des, !is.na(ucla) & !is.na(Q1) & Q1 == b))
    add("ucla", as.character(b), "", coef(m)[1], SE(m)[1])
}
res <- do.call(rbind, out)
res$est <- sprintf("%.17g", res$est); res$se <- sprintf("%.17g", res$se)
write.csv(res, args[2], row.names = FALSE)
