# make-replicates.R — the replicate-weight inputs of the estimation oracle's scenarios 60-64
# (issue #15, quantiles and ratios under replicate weights): R's survey builds each replicate
# design (as.svrepdesign on R's api data, or on the SYNTHETIC households.csv, raked), and its
# replicate weights are written as columns rw_1 .. rw_R beside the answers, so that
# tsunagari-weight reads them with [design] variance = supplied and make-expected.R hands the
# same columns to svrepdesign(). Both read the numbers as written here (multipliers rounded to
# 12 significant digits, combined weights to 15): the oracle is exact for those columns.
# Writes data/NAME.csv(.gz), codebooks/NAME.csv (the base codebook and the new columns) and,
# in each scenario's scenario.ini, the replicate_scale and replicate_rscales lines.
# Deterministic (set.seed for the bootstrap). Usage: Rscript tests/oracle/tab/make-replicates.R
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
source(file.path(here, "..", "replicate-inputs.R")) # library(survey), rd, g, write_input, multipliers

# Rewrite the replicate_scale and replicate_rscales lines of SCENARIO's scenario.ini.
set_scales <- function(scenario, scale, rscales) {
    f <- file.path(here, scenario, "scenario.ini")
    l <- readLines(f, encoding = "UTF-8")
    i <- grep("^replicate_scale[ \t]*=", l); stopifnot(length(i) == 1)
    l[i] <- paste("replicate_scale   =", g(scale, 17))
    i <- grep("^replicate_rscales[ \t]*=", l); stopifnot(length(i) == 1)
    l[i] <- paste("replicate_rscales =", if (length(unique(rscales)) == 1) g(rscales[1], 17) else
        paste(g(rscales, 17), collapse = ", "))
    writeLines(l, f, useBytes = TRUE)
}

api <- rd("data/apistrat.csv")
clus <- rd("data/apiclus1.csv")
hh <- rd("data/households.csv")

## 60: apistrat, JKn (200 replicates: one school left out per replicate, its stratum's others
## up by n_h/(n_h − 1); rscales (1 − n_h/N_h)(n_h − 1)/n_h); multipliers, combined_weights = no
r <- as.svrepdesign(svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = api), type = "JKn")
write_input("apistrat-jkn", api, multipliers(r), 12,
            c("apistrat (R's data(api)) with the JKn replicate multipliers of",
              "as.svrepdesign(svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc), type=\"JKn\"): rw_1..rw_200 (make-replicates.R)"),
            "apistrat.csv", gz = TRUE)
set_scales("60-apistrat-jkn", r$scale, r$rscales)

## 61: apiclus1, JK1 (15 replicates: one district out; scale (1 − 15/757)·14/15); combined weights
r <- as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus), type = "JK1")
write_input("apiclus1-jk1", clus, weights(r, "analysis"), 15,
            c("apiclus1 (R's data(api)) with the JK1 replicate weights (combined) of",
              "as.svrepdesign(svydesign(id=~dnum, weights=~pw, fpc=~fpc), type=\"JK1\"): rw_1..rw_15 (make-replicates.R)"),
            "apiclus1.csv")
set_scales("61-apiclus1-jk1", r$scale, r$rscales)

## 62: apistrat, bootstrap (Rao–Wu, 50 replicates, set.seed); multipliers, mse = yes
set.seed(20261215)
r <- as.svrepdesign(svydesign(id = ~1, strata = ~stype, weights = ~pw, data = api), type = "bootstrap",
                    replicates = 50)
write_input("apistrat-boot", api, multipliers(r), 12,
            c("apistrat (R's data(api)) with 50 bootstrap replicate multipliers of",
              "as.svrepdesign(svydesign(id=~1, strata=~stype, weights=~pw), type=\"bootstrap\"), set.seed(20261215) (make-replicates.R)"),
            "apistrat.csv")
set_scales("62-apistrat-bootstrap", r$scale, r$rscales)

## 63: SYNTHETIC households, JKn over the 24 調査地点 (fpc), then raked to sex and age band:
## rake() on the svyrep.design recalibrates every replicate; its weights and the replicates'
## (combined) are what tsunagari reads, method = none
hd <- svydesign(id = ~point, strata = ~area, weights = ~pw, fpc = ~fpc_points, data = hh)
r <- as.svrepdesign(hd, type = "JKn")
pop_sex <- data.frame(sex = 1:2, Freq = c(10500, 11200))
pop_age <- data.frame(age_band = 1:6, Freq = c(2900, 3100, 3600, 3700, 3900, 4500))
rr <- rake(r, list(~sex, ~age_band), list(pop_sex, pop_age), control = list(epsilon = 1e-12, maxit = 100))
h63 <- hh
h63$pw <- weights(rr, "sampling")
write_input("households-jkn-rake", h63, weights(rr, "analysis"), 15, gz = TRUE, comment =
            c("SYNTHETIC households.csv (make-households.R) raked, with its JKn replicates raked the same way:",
              "rake(as.svrepdesign(svydesign(id=~point, strata=~area, weights=~pw, fpc=~fpc_points), \"JKn\"),",
              "list(~sex, ~age_band), synthetic margins in make-replicates.R); pw = the raked weights, rw_1..rw_24 combined (make-replicates.R)"),
            "households.csv")
set_scales("63-households-jkn-rake", rr$scale, rr$rscales)

## 64: SYNTHETIC households, bootstrap over the 調査地点 (50 replicates, set.seed), multipliers;
## pair = two neighbouring 調査地点 of an area as a single choice (1-12), so that a table by it
## has domains that some replicates leave empty (neither point drawn), with df 1
set.seed(20261216)
r <- as.svrepdesign(svydesign(id = ~point, strata = ~area, weights = ~pw, data = hh), type = "bootstrap",
                    replicates = 50)
h64 <- hh
h64$pair <- (hh$area - 1) * 3 + ((hh$point %% 100) + 1) %/% 2
write_input("households-boot", h64, multipliers(r), 12,
            c("SYNTHETIC households.csv (make-households.R) with pair (調査地点 2k-1 and 2k of an area: 1-12) and 50 bootstrap multipliers of",
              "as.svrepdesign(svydesign(id=~point, strata=~area, weights=~pw), type=\"bootstrap\"), set.seed(20261216) (make-replicates.R)"),
            "households.csv",
            extra_cb = c("pair,single,pair,調査地点の組,Pair of sampling points,,,,,,,",
                         sprintf(",,,地点組%d,Pair %d,%d,,,,,,", 1:12, 1:12, 1:12)))
set_scales("64-households-bootstrap", r$scale, r$rscales)
cat("written\n")
