# rdist-expected.R — the expected values of tests/unit/test_rdist.c: R's pf, pt, qt, pchisq
# and qnorm where GSL's gsl_cdf_* drifted from them (the F tail on a denominator df of 1e5 to
# 1e7 — a Rao–Scott test of a million respondents —, the t tail below 1e-18) and at R's edge
# cases (df 0, df infinite, NaN), plus ordinary critical values.
# Run from the repository root:  Rscript tests/unit/rdist-expected.R
# Writes tests/unit/rdist-expected.csv: fn,x,df1,df2,value (17 significant digits; "NaN" where
# R gives NaN). lib/rdist.c is libRmath, R's own nmath: each value must come out bit for bit.
fmt <- function(x) ifelse(is.nan(x) | is.na(x), "NaN", ifelse(is.infinite(x), ifelse(x > 0, "Inf", "-Inf"), sprintf("%.17g", x)))
rows <- list()
add <- function(fn, x, df1, df2, v) rows[[length(rows) + 1]] <<- data.frame(fn = fn, x = x, df1 = df1, df2 = df2, value = v)
# F upper tail (svychisq's second-order Rao-Scott F, regTermTest's Wald F)
for (d2 in c(10, 1e3, 3e4, 1e5, 1e6, 2954919, 1e7))
    for (d1 in c(1, 2, 3, 5.5))
        for (f in c(0.5, 3.49, 12.35, 36.29, 44.28, 71.85))
            add("pf_upper", f, d1, d2, suppressWarnings(pf(f, d1, d2, lower.tail = FALSE)))
add("pf_upper", 1, 1, 0, suppressWarnings(pf(1, 1, 0, lower.tail = FALSE)))
# t tails (differences' and glm coefficients' p-values)
for (df in c(1, 5, 15.680412371134018, 100, 300, 1e4, Inf))
    for (t in c(0.3, 1.96, 4.9, 10.8, 15.1, 21.1, 29.5)) {
        add("pt_upper", t, df, NA, pt(t, df, lower.tail = FALSE))
        add("pt", -t, df, NA, pt(-t, df))
    }
add("pt", 1, 0, NA, suppressWarnings(pt(1, 0)))
# t quantiles (every interval), at R's qcrit's infinite df and at df <= 0 (NaN)
for (df in c(0.5, 1, 2, 5, 15.680412371134018, 100, 1e4, 1e20, Inf, 0, -1))
    for (p in c(0.5, 0.9, 0.95, 0.975, 0.995, 0.9995, 0.025))
        add("qt", p, df, NA, suppressWarnings(qt(p, df)))
# chi-square upper tail (the first-order Rao-Scott and Wald chi-square)
for (df in c(1, 2, 4, 8, 30))
    for (x in c(0.1, 5, 20, 50, 200, 400, 1337.56))
        add("pchisq_upper", x, df, NA, pchisq(x, df, lower.tail = FALSE))
# normal
for (p in c(1e-10, 0.025, 0.5, 0.9, 0.975, 1 - 1e-10)) add("qnorm", p, NA, NA, qnorm(p))
for (x in c(0.1, 1.96, 8, 20, 38)) add("pnorm_upper", x, NA, NA, pnorm(x, lower.tail = FALSE))
g <- do.call(rbind, rows)
out <- file("tests/unit/rdist-expected.csv", "w")
writeLines(sprintf("# R %s: written by tests/unit/rdist-expected.R", getRversion()), out)
writeLines("fn,x,df1,df2,value", out)
writeLines(paste(g$fn, fmt(g$x), fmt(g$df1), fmt(g$df2), fmt(g$value), sep = ","), out)
close(out)
