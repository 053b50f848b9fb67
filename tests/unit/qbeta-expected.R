# qbeta-expected.R — the expected values of tests/unit/test_betaquant.c: R's qbeta(p, a, b)
# on a grid of probabilities and shapes (tiny, ordinary, huge; p near 0 and 1), plus the
# Korn–Graubard shapes that made gsl_cdf_beta_Pinv give NaN (issue #10, item 2).
# Run from the repository root:  Rscript tests/unit/qbeta-expected.R
# Writes tests/unit/qbeta-expected.csv: p,a,b,q,r_ok (17 significant digits; q "NaN" where R
# has no answer — the C function must still give one there, see the test). r_ok says whether
# R's own pbeta (TOMS 708) crosses p within 1e-9 of q: where it does not, R's qbeta is itself
# off (a quantile below the smallest double, or qbeta(1e-300, 1e12,
# 2.5) = 1e-308 where the answer is 0.9999999993) and the row is not a yardstick.
ps <- c(1e-300, 1e-10, 1e-3, 0.025, 0.05, 0.3, 0.5, 0.7, 0.95, 0.975, 0.999, 1 - 1e-10)
shapes <- c(1e-3, 0.5, 1, 2.5, 216.5, 3791, 1e5, 1e7, 1e9, 1e12, 1e16)
g <- expand.grid(p = ps, a = shapes, b = shapes)
# Korn-Graubard shapes: n.eff * p and n.eff * (1 - p) + 1 (svyciprop method = "beta")
kg <- function(p, neff, level = 0.95) {
    al <- 1 - level
    rbind(data.frame(p = al / 2, a = neff * p, b = neff * (1 - p) + 1),
          data.frame(p = 1 - al / 2, a = neff * p + 1, b = neff * (1 - p)))
}
extra <- rbind(data.frame(p = 0.975, a = 216.5, b = 3791),
               kg(0.054, 4000), kg(0.3, 1e10), kg(0.3, 1e14), kg(0.3, 1e16), kg(0.3, 1e17), kg(0.3, 1e19),
               kg(0.001, 1e12), kg(1e-6, 1e9), kg(0.5, 1e5), kg(0.02, 150, 0.9),
               data.frame(p = c(0.025, 0.975), a = c(5, 1e19), b = c(1e19, 3)))
g <- rbind(g, extra)
q <- suppressWarnings(mapply(qbeta, g$p, g$a, g$b))
# R's answer is a yardstick where the CDF crosses p within 1e-9 (relative) of it, judged by
# R's pbeta (TOMS 708) in the tail that holds p.
d <- pmax(1e-9 * q, 1e-300)
cdf <- function(x, lower) suppressWarnings(pbeta(pmin(pmax(x, 0), 1), g$a, g$b, lower.tail = lower))
lower <- g$p <= 0.5
r_ok <- !is.na(q) & ifelse(lower, cdf(q - d, TRUE) <= g$p & g$p <= cdf(q + d, TRUE),
                                  cdf(q - d, FALSE) >= 1 - g$p & 1 - g$p >= cdf(q + d, FALSE))
fmt <- function(x) ifelse(is.nan(x) | is.na(x), "NaN", sprintf("%.17g", x))
out <- file("tests/unit/qbeta-expected.csv", "w")
writeLines(sprintf("# R %s: qbeta(p, a, b), written by tests/unit/qbeta-expected.R", getRversion()), out)
writeLines("p,a,b,q,r_ok", out)
writeLines(paste(fmt(g$p), fmt(g$a), fmt(g$b), fmt(q), as.integer(r_ok), sep = ","), out)
close(out)
