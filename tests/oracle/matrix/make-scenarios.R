# make-scenarios.R — writes one scenario folder per combination of the documented design and
# weighting options (tests/oracle/matrix/README.md) for two data families:
#   api  R's data(api) samples (apisrs, apistrat, apiclus1, a stratified cluster sample of apipop)
#   jp   the SYNTHETIC municipal survey of make-inputs.R
# Each folder gets scenario.ini (the keys of tests/oracle/tab/README.md, plus type, codebook,
# trim_*), whose first lines name the combination ("; combination: type=... weight=...").
# Combinations that cannot occur (excluded.txt) get no folder. Bounds of bounded calibrations
# and trimming bounds are chosen from the unbounded linear calibration's g-weights so that they
# bind, and checked to let R's calibrate converge. Then run
#   Rscript tests/oracle/tab/make-expected.R tests/oracle/matrix/scenarios tests/oracle/matrix/scenarios
# Deterministic (no random numbers, no clock).
# Usage: Rscript tests/oracle/matrix/make-scenarios.R [BASE]  (reads BASE/excluded.txt and
# BASE/data/, replaces BASE/scenarios/; default this folder)
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
source(file.path(here, "..", "tab", "make-expected.R"))  # read_ini, build_design, trim_design
args <- commandArgs(TRUE)
base <- if (length(args) >= 1) normalizePath(args[1], mustWork = TRUE) else here
root <- file.path(base, "scenarios")
dir.create(root, showWarnings = FALSE)
old <- list.files(root)
unlink(file.path(root, old), recursive = TRUE)

types <- c(srs = "srs", str = "stratified", clu = "cluster", strclu = "stratified+cluster",
           np = "nonprobability")
weights <- c(w0 = "none", wb = "base", wc = "column")
fpcs <- c(f0 = "no", fy = "yes", fc = "column")
nrs <- c(nr0 = "off", nr1 = "on")
cals <- c(none = "none", ps = "poststratify", rake = "rake", lin = "linear", rak = "raking",
          logit = "logit", linb = "linear-bounded", rakb = "raking-bounded", trim = "trimmed")

# excluded.txt: "dimension=value ... | reason"; a combination matching every pair of a line
# cannot occur (coverage.sh reads the same file).
excl <- local({
    l <- readLines(file.path(base, "excluded.txt"), encoding = "UTF-8")
    l <- l[!grepl("^#", l) & nzchar(trimws(l))]
    lapply(strsplit(sub("\\|.*$", "", l), "[ \t]+"), function(p) {
        p <- p[nzchar(p)]
        setNames(sub("^[^=]*=", "", p), sub("=.*$", "", p))
    })
})
excluded <- function(combo) any(vapply(excl, function(r) isTRUE(all(combo[names(r)] == r)), TRUE))

fam <- list(
    api = list(
        # nonprobability: apisrs taken as a self-selected sample (its pw as the weight column)
        data = function(t) paste0("../../data/api-", if (t == "np") "srs" else t, ".csv"),
        codebook = "../../codebooks/api.csv",
        strata = "stype", cluster = "psu", weight_col = "pw",
        fpc_col = function(t) "fpc",
        frame = function(t) paste0("../../data/api-frame-", t, ".csv"),
        nr_classes = "stype", nr_frame = function(t) paste0("../../data/api-nr-", t, ".csv"),
        ps = list(st_sw = c("../../data/api-margin-stype_sch_wide.csv", "stype, sch_wide")),
        rake = list(stype = c("../../data/api-margin-stype.csv", "stype"),
                    sch_wide = c("../../data/api-margin-sch_wide.csv", "sch_wide")),
        cal = list(stype = c("../../data/api-margin-stype.csv", "stype"),
                   sch_wide = c("../../data/api-margin-sch_wide.csv", "sch_wide")),
        totals = "../../data/api-totals.csv",
        trim_rel = "mean", trim_strict = "no",
        estimates = c(
            "[estimate.api00_mean]", "var = api00", "var_type = numeric", "statistic = mean",
            "ci = t", "deff = yes", "",
            "[estimate.enroll_total]", "var = enroll", "var_type = numeric", "statistic = total",
            "ci = t", "deff = yes", "",
            "[estimate.awards_by_stype]", "var = awards", "var_type = single", "codes = 2",
            "by = stype", "statistic = share", "ci = logit", "deff = yes")),
    jp = list(
        data = function(t) "../../data/jp.csv",
        codebook = "../../codebooks/jp.csv",
        strata = "area", cluster = "chome", weight_col = "w",
        fpc_col = function(t) c(srs = "N_city", str = "N_area", clu = "M_city", strclu = "M_area")[[t]],
        frame = function(t) c(str = "../../data/jp-frame-persons.csv",
                              strclu = "../../data/jp-frame-chome.csv")[[t]],
        nr_classes = "area, age_band", nr_frame = function(t) "../../data/jp-nr.csv",
        ps = list(age_sex = c("../../data/jp-margin-age_sex.csv", "age_band, sex")),
        rake = list(area = c("../../data/jp-margin-area.csv", "area"),
                    age_sex = c("../../data/jp-margin-age_sex.csv", "age_band, sex")),
        cal = list(area = c("../../data/jp-margin-area.csv", "area"),
                   age_band = c("../../data/jp-margin-age_band.csv", "age_band"),
                   sex = c("../../data/jp-margin-sex.csv", "sex")),
        totals = "",
        trim_rel = "absolute", trim_strict = "yes",
        estimates = c(
            "[estimate.ucla_mean]", "var = ucla_score", "var_type = numeric", "statistic = mean",
            "ci = t", "deff = yes", "",
            "[estimate.consult_total]", "var = consult", "var_type = single", "statistic = total",
            "ci = t", "deff = yes", "",
            "[estimate.consult_by_area]", "var = consult", "var_type = single", "codes = 1",
            "by = area", "statistic = share", "ci = logit", "deff = yes")))

# The [design] keys and margin sections of one combination (named list of key = value).
design_of <- function(f, fname, t, w, fp, nr, cal, method = NULL, bounds = "", trim = NULL) {
    # [design] type of a stratified cluster sample: the manifest allows both values (strata
    # and cluster given); api says cluster (multi-stage), jp stratified. type = nonprobability
    # (no strata, cluster, frame or fpc: excluded.txt) is in R the design of the weighted
    # respondents as a simple random sample, svydesign(ids = ~1, weights = ~w): what
    # tsunagari's variance assumes for a self-selected sample (quasi-randomisation).
    ttype <- if (t == "strclu") c(api = "cluster", jp = "stratified")[[fname]] else types[[t]]
    k <- list(title = "", type = ttype, data = f$data(t), codebook = f$codebook, id = "id",
              base_weight = "", base_scale = "", strata = "", cluster = "", fpc = "",
              frame = "", frame_population = "", frame_sample = "",
              nonresponse = "", nonresponse_frame = "", nonresponse_sample = "",
              missing = "drop", missing_codes = "", item_missing = "", method = "none",
              margins = "", totals = "", bounds = "", epsilon = "", maxit = "",
              trim_lower = "", trim_upper = "", trim_relative_to = "", trim_strict = "")
    if (t %in% c("str", "strclu")) k$strata <- f$strata
    if (t %in% c("clu", "strclu")) k$cluster <- f$cluster
    if (w == "wb" || fp == "fy") {
        k$frame <- f$frame(t); k$frame_population <- "population"; k$frame_sample <- "sample"
    }
    if (w == "wb") k$base_weight <- "frame" else if (w == "wc") k$base_weight <- f$weight_col
    if (fp == "fy") k$fpc <- "population" else if (fp == "fc") k$fpc <- f$fpc_col(t)
    if (nr == "nr1") {
        k$nonresponse <- f$nr_classes; k$nonresponse_frame <- f$nr_frame(t)
        k$nonresponse_sample <- "sample"
    }
    m <- if (is.null(method)) c(none = "none", ps = "poststratify", rake = "rake", lin = "linear",
                                rak = "raking", logit = "logit", linb = "linear",
                                rakb = "raking", trim = "linear")[[cal]] else method
    k$method <- m
    margins <- switch(m, none = NULL, poststratify = f$ps, rake = f$rake, f$cal)
    k$margins <- paste(names(margins), collapse = ", ")
    if (m %in% c("linear", "raking", "logit")) k$totals <- f$totals
    if (m == "rake") { k$epsilon <- "1e-13"; k$maxit <- "1000" }
    if (m %in% c("raking", "logit") || bounds != "") { k$epsilon <- "1e-14"; k$maxit <- "1000" }
    k$bounds <- bounds
    # No base weights: d = 1 against population counts. Bounds on g = w/d only mean what they
    # say after scaling d to the population (survey's grake rescales otherwise: tab README).
    # So also for the synthetic stratified cluster sample's base weights M_h/m_h (町丁目, not
    # residents: about 2.5 against 10,225 residents).
    if ((w == "w0" || (fname == "jp" && t == "strclu" && w == "wb")) &&
        cal %in% c("rak", "logit", "linb", "rakb")) k$base_scale <- "population"
    if (!is.null(trim)) {
        k$trim_lower <- trim[1]; k$trim_upper <- trim[2]
        k$trim_relative_to <- f$trim_rel; k$trim_strict <- f$trim_strict
    }
    list(design = k, margins = margins)
}

ini_text <- function(combo, fname, d, f) {
    k <- d$design
    out <- c(sprintf("; %s — generated by tests/oracle/matrix/make-scenarios.R; keys: tests/oracle/tab/README.md", fname),
             paste0("; combination: ", paste0(names(combo), "=", combo, collapse = " ")),
             "[design]")
    k$title <- paste(fname, "(option-matrix oracle)")
    w <- max(nchar(names(k)))
    out <- c(out, sprintf("%-*s = %s", w, names(k), unlist(k)))
    for (m in names(d$margins))
        out <- c(out, "", paste0("[margin.", m, "]"), paste("file  =", d$margins[[m]][1]),
                 paste("vars  =", d$margins[[m]][2]), "count = population")
    c(out, "", f$estimates)
}

write_scen <- function(dir, lines) {
    dir.create(dir, showWarnings = FALSE)
    writeLines(lines, file.path(dir, "scenario.ini"), useBytes = TRUE)
}

# Build the design in R: the design, or NULL if calibrate/trimWeights gave an error or warning.
r_ok <- function(dir) tryCatch({
    withCallingHandlers({
        ini <- read_ini(file.path(dir, "scenario.ini"))
        trim_design(basename(dir), ini, build_design(basename(dir), ini, dir))
    }, warning = function(w) stop(conditionMessage(w)))
}, error = function(e) { message(basename(dir), ": ", conditionMessage(e)); NULL })

sig <- function(x) format(signif(x, 4), scientific = FALSE, trim = TRUE)
n_written <- 0
for (fname in names(fam)) for (t in names(types)) for (w in names(weights)) for (fp in names(fpcs))
for (nr in names(nrs)) for (cal in names(cals)) {
    f <- fam[[fname]]
    combo <- c(data = fname, type = types[[t]], weight = weights[[w]], fpc = fpcs[[fp]],
               nonresponse = nrs[[nr]], calibration = cals[[cal]])
    if (excluded(combo)) next
    name <- paste(fname, t, w, fp, nr, cal, sep = "-")
    dir <- file.path(root, name)
    if (cal %in% c("logit", "linb", "rakb", "trim")) {
        # g-weights (or weights) of the unbounded linear calibration of this design
        d0 <- design_of(f, fname, t, w, fp, nr, cal, method = "linear")
        write_scen(dir, ini_text(combo, name, d0, f))
        ini <- read_ini(file.path(dir, "scenario.ini"))
        cald <- build_design(name, ini, dir)
        ini$design["method"] <- "none"
        g <- weights(cald) / weights(build_design(name, ini, dir))
        wt <- weights(cald)
        done <- FALSE
        gm <- median(g)
        for (a in if (cal == "logit") c(0.5, 1, 2, 4) else if (cal == "trim") c(0.1, 0.2, 0.3) else c(0.4, 0.2, 0.1, 0.03, -0.05, -0.3, 11:16)) {
            if (cal == "trim") {
                q <- quantile(if (f$trim_rel == "mean") wt / mean(wt) else wt, c(a, 1 - a), names = FALSE)
                d <- design_of(f, fname, t, w, fp, nr, cal, trim = sig(q))
            } else {
                # bounded linear/raking: inside the g range (so they bind), around its median;
                # logit: outside it (logit g stays strictly inside), with L < 1 < U
                if (a > 10) {
                    # fixed wide bounds: survey's bounded raking Newton overshoots and sticks
                    # at a bound for some bounds and not others (weight oracle, Findings 1)
                    lo <- c(0.3, 0.2, 0.4, 0.25, 0.1, 0.05)[a - 10]
                    hi <- c(3, 3, 2.5, 4, 6, 10)[a - 10]
                } else if (cal == "logit") {
                    # (survey's logit Newton fails with U or L close to 1: at least 0.2 away)
                    lo <- min(max(min(g) - a * (gm - min(g)), min(g) / 2), 0.8)
                    hi <- max(max(g) + a * (max(g) - gm), 1.2)
                } else {
                    lo <- min(g) + a * (gm - min(g)); hi <- max(g) - a * (max(g) - gm)
                    if (cal == "rakb") { lo <- max(lo, 0.05); hi <- max(hi, 1.2) }
                    # survey's Newton starts at g = 1: with 1 outside [L, U] every unit sits
                    # at a bound with derivative 0 and it never moves (README, Findings)
                    lo <- min(lo, 0.999); hi <- max(hi, 1.001)
                    if (lo <= 0) lo <- min(g) / 2  # a < 0: bounds outside the range (last resort)
                }
                d <- design_of(f, fname, t, w, fp, nr, cal, bounds = paste(sig(lo), sig(hi), sep = ", "))
            }
            txt <- ini_text(combo, name, d, f)
            write_scen(dir, txt)
            des <- r_ok(dir)
            if (!is.null(des)) {
                # how many weights end at a bound (people reading the scenario want to know)
                if (cal == "trim") {
                    tw <- weights(des)
                    note <- sprintf("trimming: %d of %d weights differ from the calibrated ones",
                                    sum(abs(tw - wt) > 1e-9 * wt), length(tw))
                } else {
                    ini <- read_ini(file.path(dir, "scenario.ini"))
                    gb <- weights(des) / weights(build_design(name, `[[<-`(ini, "design", `[<-`(ini$design, "method", "none")), dir))
                    b <- as.numeric(strsplit(d$design$bounds, ",")[[1]])
                    note <- sprintf("bounds %s: %d of %d g-weights at a bound (unbounded linear g %.4g..%.4g)",
                                    d$design$bounds, sum(abs(gb - b[1]) < 1e-7 | abs(gb - b[2]) < 1e-7),
                                    length(gb), min(g), max(g))
                }
                write_scen(dir, append(txt, paste(";", note), 2))
                done <- TRUE
                break
            }
        }
        if (!done) stop(name, ": R fails for every bounds tried")
    } else {
        write_scen(dir, ini_text(combo, name, design_of(f, fname, t, w, fp, nr, cal), f))
        if (is.null(r_ok(dir))) stop(name, ": R fails")
    }
    n_written <- n_written + 1
}
cat(n_written, "scenarios written to", root, "\n")
