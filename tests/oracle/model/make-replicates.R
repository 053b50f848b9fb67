# make-replicates.R — the replicate-weight inputs of the model oracle's scenarios 10-14
# (issue #15: svyglm on a svyrep.design). R's survey builds each replicate design
# (as.svrepdesign on R's api data, or on the SYNTHETIC kodoku.csv: JKn, BRR and Fay on
# pairs of 調査地点), its replicate weights are written as columns rw_1 .. rw_R beside the
# answers (data/NAME.csv, codebooks/NAME.csv), and each scenario's [oracle] section is written
# here: `weight` gives tsunagari-weight [design] variance = supplied with the columns, type,
# scale, rscales, mse and combined_weights; `r_design` the same svrepdesign() for
# make-expected.R. Both read the numbers as written (multipliers to 12 significant digits,
# combined weights to 15), so the oracle is exact for those columns. The [model.NAME]
# sections below each [oracle] are kept. Deterministic (set.seed for the bootstrap).
# Usage: Rscript tests/oracle/model/make-replicates.R
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
source(file.path(here, "..", "replicate-inputs.R")) # library(survey), rd, g, write_input, multipliers

# The [oracle] section of SCENARIO (everything before its first [model.) for the replicate
# design R (a svyrep.design) of the data NAME: tsunagari's keys and R's svrepdesign call.
write_oracle <- function(scenario, name, title, r, type, combined, rtype = r$type, extra = character(0)) {
    f <- file.path(here, scenario, "scenario.ini")
    l <- readLines(f, encoding = "UTF-8")
    m <- grep("^\\[model\\.", l)[1]
    R <- ncol(r$repweights)
    rs <- if (length(unique(r$rscales)) == 1) g(r$rscales[1], 17) else paste(g(r$rscales, 17), collapse = ",")
    mse <- isTRUE(r$mse)
    head <- c(paste0("; ", scenario, " — ", title, " (keys: ../README.md; this section is written by make-replicates.R)."),
              "[oracle]",
              paste0("data     = ../data/", name, if (grepl("^kodoku", name)) ".csv.gz" else ".csv"),
              paste0("codebook = ../codebooks/", name, ".csv"),
              paste0("weight   = --set design.weight=pw --set design.variance=supplied --set design.replicate_weights=rw_*",
                     " --set design.replicate_type=", type,
                     if (type %in% c("brr", "fay")) "" else paste0(" --set design.replicate_scale=", g(r$scale, 17)),
                     if (type == "fay") " --set design.fay_rho=0.5" else "",
                     " --set design.replicate_rscales=", rs, " --set design.mse=", if (mse) "yes" else "no",
                     " --set design.combined_weights=", if (combined) "yes" else "no"),
              paste0("r_design = svrepdesign(data = d, weights = ~pw, repweights = \"rw_[0-9]+\", type = \"", rtype, "\"",
                     if (rtype == "Fay") ", rho = 0.5" else "",
                     if (!rtype %in% c("BRR", "Fay")) paste0(", scale = ", g(r$scale, 17)) else "",
                     ", rscales = rep(", if (length(unique(r$rscales)) == 1) g(r$rscales[1], 17) else
                         paste0("c(", paste(g(r$rscales, 17), collapse = ", "), ")"), ", length.out = ", R, ")",
                     ", mse = ", if (mse) "TRUE" else "FALSE", ", combined.weights = ", if (combined) "TRUE" else "FALSE", ")"),
              extra, "")
    writeLines(c(head, l[m:length(l)]), f, useBytes = TRUE)
}

api <- rd("data/apistrat.csv")
clus <- rd("data/apiclus1.csv")
kd <- rd("data/kodoku.csv")

## 10: apiclus1, JK1 (15 districts; fpc in the scale), combined weights
r <- as.svrepdesign(svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus), type = "JK1")
write_input("apiclus1-jk1", clus, weights(r, "analysis"), 15,
            c("apiclus1 of R's data(api) with the JK1 replicate weights (combined) of",
              "as.svrepdesign(svydesign(id=~dnum, weights=~pw, fpc=~fpc), type=\"JK1\"): rw_1..rw_15 (make-replicates.R)"),
            "apiclus1.csv")
rc <- r; rc$combined.weights <- TRUE
write_oracle("10-apiclus1-jk1", "apiclus1-jk1", "R's apiclus1 with JK1 replicate weights supplied", rc, "jk1", TRUE)

## 11: apistrat, bootstrap (Rao–Wu, 50, set.seed) as multipliers, mse = yes
set.seed(20261217)
r <- as.svrepdesign(svydesign(id = ~1, strata = ~stype, weights = ~pw, data = api), type = "bootstrap",
                    replicates = 50, mse = TRUE)
write_input("apistrat-boot", api, multipliers(r), 12,
            c("apistrat of R's data(api) with 50 bootstrap replicate multipliers of",
              "as.svrepdesign(svydesign(id=~1, strata=~stype, weights=~pw), type=\"bootstrap\"), set.seed(20261217) (make-replicates.R)"),
            "apistrat.csv")
write_oracle("11-apistrat-bootstrap", "apistrat-boot", "R's apistrat with 50 bootstrap replicates supplied as multipliers, mse", r,
             "bootstrap", FALSE)

## 12: SYNTHETIC kodoku, JKn over the 60 調査地点 within the 4 areas (rscales 14/15), multipliers
## (raked replicates: the tab oracle's 63; here they would be 54,000 distinct numbers)
r <- as.svrepdesign(svydesign(id = ~point, strata = ~area, weights = ~pw, data = kd), type = "JKn")
write_input("kodoku-jkn", kd, multipliers(r), 12,
            c("SYNTHETIC kodoku.csv (make-inputs.R) with the JKn replicate multipliers of",
              "as.svrepdesign(svydesign(id=~point, strata=~area, weights=~pw), type=\"JKn\"): rw_1..rw_60 (make-replicates.R)"),
            "kodoku.csv", gz = TRUE)
write_oracle("12-kodoku-jkn", "kodoku-jkn", "SYNTHETIC kodoku, JKn over its 調査地点, multipliers supplied", r, "jkn", FALSE)

## 13, 14: SYNTHETIC kodoku as 30 strata of two 調査地点 each (points 2k-1 and 2k): BRR
## (Hadamard, 32 replicates, multipliers 0 and 2) and Fay (rho 0.5: 0.5 and 1.5), mse = yes for Fay
kp <- kd
kp$pair <- (kd$point + 1) %/% 2
pdes <- svydesign(id = ~point, strata = ~pair, weights = ~pw, data = kp)
extra <- "pair,integer,pair,調査地点の組,Pair of sampling points (the BRR stratum),,,,,,,"
r <- as.svrepdesign(pdes, type = "BRR")
write_input("kodoku-brr", kp, multipliers(r), 12,
            c("SYNTHETIC kodoku.csv (make-inputs.R) with pair (調査地点 2k-1 and 2k) and the BRR replicate multipliers of",
              "as.svrepdesign(svydesign(id=~point, strata=~pair, weights=~pw), type=\"BRR\"): rw_1..rw_32 (make-replicates.R)"),
            "kodoku.csv", gz = TRUE, extra_cb = extra)
write_oracle("13-kodoku-brr", "kodoku-brr", "SYNTHETIC kodoku, BRR over pairs of 調査地点, multipliers supplied", r, "brr", FALSE)
r <- as.svrepdesign(pdes, type = "Fay", fay.rho = 0.5, mse = TRUE)
write_input("kodoku-fay", kp, multipliers(r), 12,
            c("SYNTHETIC kodoku.csv (make-inputs.R) with pair (調査地点 2k-1 and 2k) and the Fay (rho 0.5) multipliers of",
              "as.svrepdesign(svydesign(id=~point, strata=~pair, weights=~pw), type=\"Fay\", fay.rho=0.5): rw_1..rw_32 (make-replicates.R)"),
            "kodoku.csv", gz = TRUE, extra_cb = extra)
write_oracle("14-kodoku-fay", "kodoku-fay", "SYNTHETIC kodoku, Fay's BRR (rho 0.5) over pairs of 調査地点, multipliers supplied, mse",
             r, "fay", FALSE)
cat("written\n")
