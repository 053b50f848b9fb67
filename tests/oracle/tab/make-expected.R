# make-expected.R — the R oracle of tsunagari's estimation stage (tsunagari-tab).
#
# Part of tests/oracle/tab/. For every scenario folder NN-name/ it reads scenario.ini, builds
# the design of its [design] section exactly as tests/oracle/weight/make-expected.R does
# (same keys; weights by postStratify / rake / calibrate so that R's variance knows the
# calibration), runs every [estimate.NAME] with survey, and writes
#   expected.csv           estimate_name,by_codes,code,statistic,estimate,se,ci_low,ci_high,
#                          df,df2,deff,p_value,n — numbers "%.17g"; R's NA/NaN/Inf as such;
#                          empty = not applicable
#   expected-failure.txt   one line per estimate with expect = r-fails: "NAME: R's error"
#   VERSION                R and survey versions (not compared by check-live.sh)
# README.md defines the keys and the formulas. Deterministic: no random numbers, no clock.
# Usage: Rscript tests/oracle/tab/make-expected.R [OUTDIR [SCENARIOS]]
#   OUTDIR (default: SCENARIOS) receives NAME/expected.csv for every folder NAME of SCENARIOS
#   (default: this folder) holding a scenario.ini; tests/oracle/matrix/ uses it so (its README).
# source()d (not run by Rscript), it only defines the functions (make-scenarios.R uses them).
suppressPackageStartupMessages(library(survey))
options(warn = 1)  # show each warning where it happens
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
args <- commandArgs(TRUE)
scen_root <- if (length(args) >= 2) normalizePath(args[2], mustWork = TRUE) else here
outdir <- if (length(args) >= 1) normalizePath(args[1], mustWork = TRUE) else scen_root

## ---- readers (as tests/oracle/weight/make-expected.R) -------------------------------------
read_ini <- function(path) {
    sec <- NULL
    out <- list()
    for (line in readLines(path, encoding = "UTF-8")) {
        line <- trimws(line)
        if (line == "" || startsWith(line, ";") || startsWith(line, "#")) next
        if (grepl("^\\[.*\\]$", line)) {
            sec <- sub("^\\[(.*)\\]$", "\\1", line)
            if (!is.null(out[[sec]])) stop(path, ": section [", sec, "] twice")
            out[[sec]] <- character(0)
            next
        }
        if (is.null(sec) || !grepl("=", line, fixed = TRUE)) stop(path, ": bad line: ", line)
        k <- trimws(sub("=.*$", "", line))
        val <- trimws(sub("[ \t];.*$", "", sub("^[^=]*=", "", line)))
        if (k %in% names(out[[sec]])) stop(path, ": key ", k, " twice in [", sec, "]")
        out[[sec]][k] <- val
    }
    out
}
key <- function(s, k, default = "") { v <- s[k]; if (is.na(v) || v == "") default else unname(v) }
split_list <- function(v, sep = ",") if (v == "") character(0) else trimws(strsplit(v, sep)[[1]])
read_commented <- function(path)
    read.csv(path, comment.char = "#", encoding = "UTF-8", stringsAsFactors = FALSE,
             check.names = FALSE)
# A `VAR: CODE, VAR: CODE` list as a list of code vectors named by variable.
code_list <- function(v) {
    out <- list()
    for (mc in split_list(v)) {
        var <- trimws(sub(":.*$", "", mc))
        out[[var]] <- c(out[[var]], as.numeric(sub("^[^:]*:", "", mc)))
    }
    out
}
num <- function(x) ifelse(is.na(x) & !is.nan(x), "NA", sprintf("%.17g", x))

## ---- the design -----------------------------------------------------------------------------
# Returns the svydesign (calibrated as [design] says) over the rows kept (missing = drop).
build_design <- function(name, ini, sdir) {
    s <- ini$design
    known <- c("title", "data", "id", "base_weight", "base_scale", "strata", "cluster", "fpc",
               "frame", "frame_population", "frame_sample", "nonresponse",
               "nonresponse_frame", "nonresponse_sample", "missing", "missing_codes",
               "item_missing", "method", "margins", "totals", "bounds", "epsilon", "maxit",
               "r_call", "type", "codebook", "trim_lower", "trim_upper", "trim_relative_to",
               "trim_strict", "nest", "psu_frame", "rake_residuals", "variance", "replicate_weights",
               "replicate_type", "replicate_scale", "replicate_rscales", "mse", "combined_weights",
               "replicates", "seed", "fay_rho", "r_replicates")
    if (any(!names(s) %in% known))
        stop(name, ": unknown [design] key ", paste(setdiff(names(s), known), collapse = ", "))
    d <- read_commented(file.path(sdir, key(s, "data")))
    idcol <- key(s, "id", "id")
    stopifnot(!anyNA(d[[idcol]]), !anyDuplicated(d[[idcol]]))
    margins <- lapply(split_list(key(s, "margins")), function(m) {
        ms <- ini[[paste0("margin.", m)]]
        t <- read_commented(file.path(sdir, key(ms, "file")))
        vars <- split_list(key(ms, "vars"))
        agg <- aggregate(t[[key(ms, "count", "population")]], t[vars], sum)
        names(agg)[ncol(agg)] <- "Freq"
        list(vars = vars, table = agg)
    })
    totals <- if (key(s, "totals") == "") NULL else read_commented(file.path(sdir, key(s, "totals")))
    # missing = drop: rows with an empty cell or a missing code in a design variable are out.
    if (key(s, "missing", "drop") != "drop") stop(name, ": only missing = drop")
    used <- unique(c(key(s, "strata"), split_list(key(s, "cluster")), split_list(key(s, "nonresponse")),
                     unlist(lapply(margins, `[[`, "vars")), totals$variable))
    used <- used[used != ""]
    keep <- rep(TRUE, nrow(d))
    for (v in used) keep <- keep & !is.na(d[[v]])
    mc <- code_list(key(s, "missing_codes"))
    for (v in names(mc)) keep <- keep & !(d[[v]] %in% mc[[v]])
    bw <- key(s, "base_weight")
    # The strata frame serves base weights (base_weight = frame) and the fpc (fpc = a frame
    # column) independently, as tsunagari-weight's [design] frame.
    frame <- if (key(s, "frame") == "") NULL else read_commented(file.path(sdir, key(s, "frame")))
    if (bw == "") w <- rep(1, nrow(d)) else if (bw == "frame") {
        k <- match(d[[key(s, "strata")]], frame[[key(s, "strata")]])
        w <- frame[[key(s, "frame_population", "population")]][k] /
            frame[[key(s, "frame_sample", "sample")]][k]
    } else w <- d[[bw]]
    # Two stages (issue #15): the PSU frame's N_hi/n_hi times the strata frame's M_h/m_h, each
    # PSU matched by its stratum and id; with fpc = population the PSU frame also gives N_hi.
    psuf <- if (key(s, "psu_frame") == "") NULL else read_commented(file.path(sdir, key(s, "psu_frame")))
    psu_key <- function(df) paste(df[[key(s, "strata")]], df[[split_list(key(s, "cluster"))[1]]])
    if (!is.null(psuf)) {
        pk <- match(psu_key(d), psu_key(psuf))
        stopifnot(!anyNA(pk))
        if (bw == "frame") w <- w * psuf[[key(s, "frame_population", "population")]][pk] /
            psuf[[key(s, "frame_sample", "sample")]][pk]
        d$.fpc2 <- psuf[[key(s, "frame_population", "population")]][pk]
    }
    keep <- keep & !is.na(w) & w > 0
    dk <- d[keep, , drop = FALSE]
    wk <- w[keep]
    nrvars <- split_list(key(s, "nonresponse"))
    if (length(nrvars) > 0 && bw != "frame") {
        # docs/manifest.md [nonresponse]: factor = drawn_c * (mean base weight of the class's
        # respondents) / (sum of their base weights), i.e. drawn_c / respondents_c.
        nf <- read_commented(file.path(sdir, key(s, "nonresponse_frame")))
        drawn <- aggregate(nf[[key(s, "nonresponse_sample", "sample")]], nf[nrvars], sum)
        ckey <- do.call(paste, dk[nrvars])
        dkey <- do.call(paste, drawn[nrvars])
        cf <- factor(ckey, levels = dkey)
        stopifnot(!anyNA(match(ckey, dkey)), all(table(cf)[drawn$x > 0] > 0))
        f <- drawn$x * tapply(wk, cf, mean) / tapply(wk, cf, sum)
        wk <- wk * f[match(ckey, dkey)]
    } else if (length(nrvars) > 0) {
        # Weighting-class adjustment: f_c = drawn_c * d / sum of d over kept respondents in c
        # (tests/oracle/weight/README.md, 06).
        st <- key(s, "strata")
        nf <- read_commented(file.path(sdir, key(s, "nonresponse_frame")))
        drawn <- aggregate(nf[[key(s, "nonresponse_sample", "sample")]], nf[nrvars], sum)
        fk <- match(drawn[[st]], frame[[st]])
        dw <- drawn$x * frame[[key(s, "frame_population", "population")]][fk] /
            frame[[key(s, "frame_sample", "sample")]][fk]
        ckey <- do.call(paste, dk[nrvars])
        dkey <- do.call(paste, drawn[nrvars])
        rw <- tapply(wk, factor(ckey, levels = dkey), sum)
        stopifnot(!anyNA(rw[drawn$x > 0]), !anyNA(match(ckey, dkey)))
        wk <- wk * (dw / rw)[match(ckey, dkey)]
    }
    # base_scale = population: d times N / sum(d), N the first margin's total (as the
    # weighting oracle), so that bounds on g mean what they say (survey's grake otherwise
    # rescales when every population/sample ratio exceeds 20).
    if (key(s, "base_scale") == "population") {
        wk <- wk * (sum(margins[[1]]$table$Freq) / sum(wk))
    } else if (key(s, "base_scale") != "") stop(name, ": base_scale must be empty or population")
    for (m in margins) for (v in m$vars) {
        lev <- sort(unique(m$table[[v]]))
        stopifnot(all(dk[[v]] %in% lev))
        dk[[paste0(".m_", v)]] <- factor(dk[[v]], levels = lev)
    }
    # Item nonresponse codes (e.g. lonely 9 = 無回答): NA for the estimates only.
    im <- code_list(key(s, "item_missing"))
    for (v in names(im)) dk[[v]][dk[[v]] %in% im[[v]]] <- NA
    dk$.w <- wk
    # variance = supplied (issue #15): R's svrepdesign over the replicate columns (replicate.R)
    if (key(s, "variance", "linearization") == "supplied") return(supplied_design(name, s, dk))
    fpcf <- NULL
    if (key(s, "fpc") != "") {
        if (!is.null(frame) && key(s, "fpc") %in% names(frame)) {
            dk$.fpc <- frame[[key(s, "fpc")]][match(dk[[key(s, "strata")]], frame[[key(s, "strata")]])]
            fpcf <- if (is.null(psuf)) ~.fpc else ~.fpc + .fpc2
        } else fpcf <- as.formula(paste("~", paste(split_list(key(s, "fpc")), collapse = " + ")))
    }
    # cluster = psu, ssu: R's id = ~psu + ssu (multistage); nest = yes: nest = TRUE
    idsf <- if (key(s, "cluster") == "") ~1 else
        as.formula(paste("~", paste(split_list(key(s, "cluster")), collapse = " + ")))
    stf <- if (key(s, "strata") == "") NULL else as.formula(paste("~", key(s, "strata")))
    des <- if (key(s, "nest") == "") svydesign(ids = idsf, strata = stf, fpc = fpcf, weights = ~.w, data = dk) else
        svydesign(ids = idsf, strata = stf, fpc = fpcf, weights = ~.w, data = dk, nest = key(s, "nest") == "yes")
    # variance = jk1 | jkn | brr | fay (issue #15): R's as.svrepdesign, then calibrated below
    des <- created_design(name, s, des, sdir)
    mform <- function(m) as.formula(paste("~", paste0(".m_", m$vars, collapse = "+")))
    pop_df <- function(m) {
        p <- m$table
        for (v in m$vars) p[[paste0(".m_", v)]] <- factor(p[[v]], levels = levels(dk[[paste0(".m_", v)]]))
        p[c(paste0(".m_", m$vars), "Freq")]
    }
    method <- key(s, "method", "none")
    # rake_residuals = exact (issue #15): the raked weights with the exact GREG residuals in
    # the variance, i.e. calibrate(calfun = "raking") to the same margins (its weights are
    # rake()'s: both are the raking ratio solution), not rake()'s 10 back-fitting sweeps.
    rres <- key(s, "rake_residuals", "r")
    if (rres == "exact") {
        if (method != "rake") stop(name, ": rake_residuals = exact needs method = rake")
        # calibrate's list form takes rake()'s margins (margins2totals: ~m1 + a*b); its
        # epsilon is a relative misfit, bounded below at 1e-13 where Newton's steps stall
        return(calibrate(des, lapply(margins, mform), lapply(margins, pop_df), calfun = "raking",
                         epsilon = max(as.numeric(key(s, "epsilon", "1e-7")), 1e-13),
                         maxit = as.numeric(key(s, "maxit", "50"))))
    } else if (rres != "r") stop(name, ": rake_residuals must be r or exact")
    if (method == "none") {
        des
    } else if (method == "poststratify") {
        stopifnot(length(margins) == 1)
        postStratify(des, mform(margins[[1]]), pop_df(margins[[1]]))
    } else if (method == "rake") {
        rake(des, lapply(margins, mform), lapply(margins, pop_df),
             control = list(epsilon = as.numeric(key(s, "epsilon")),
                            maxit = as.numeric(key(s, "maxit")), verbose = FALSE))
    } else if (method %in% c("linear", "raking", "logit")) {
        # ~m1 + m2 + x with treatment contrasts: (Intercept) N, then the counts of every
        # level but the first, then the numeric totals (as the weighting oracle).
        rhs <- c(sapply(margins, function(m) paste0(".m_", m$vars)), totals$variable)
        f <- as.formula(paste("~", paste(rhs, collapse = " + ")))
        pop <- c(`(Intercept)` = sum(margins[[1]]$table$Freq))
        for (m in margins) {
            v <- paste0(".m_", m$vars)
            lev <- levels(dk[[v]])
            pop <- c(pop, setNames(m$table$Freq[match(lev[-1], m$table[[m$vars]])], paste0(v, lev[-1])))
        }
        if (!is.null(totals)) pop <- c(pop, setNames(totals$total, totals$variable))
        stopifnot(identical(colnames(model.matrix(f, dk)), names(pop)))
        b <- key(s, "bounds")
        if (method == "linear" && b == "") calibrate(des, f, pop) else {
            bounds <- if (b == "") c(-Inf, Inf) else
                as.numeric(sub("^inf$", "Inf", split_list(b), ignore.case = TRUE))
            calibrate(des, f, pop, calfun = method, bounds = bounds,
                      epsilon = as.numeric(key(s, "epsilon", "1e-7")),
                      maxit = as.numeric(key(s, "maxit", "50")))
        }
    } else stop(name, ": method must be none, poststratify, rake, linear, raking or logit")
}

# trim_lower / trim_upper (docs/manifest.md [weighting]): R's trimWeights on the calibrated
# design, bounds times the mean weight of the design's rows (trim_relative_to = mean) or as
# given (absolute), strict = trim_strict (default yes). The design keeps the calibration.
trim_design <- function(name, ini, des) {
    s <- ini$design
    if (key(s, "trim_lower") == "" && key(s, "trim_upper") == "") return(des)
    lo <- as.numeric(key(s, "trim_lower", "-Inf"))
    hi <- as.numeric(key(s, "trim_upper", "Inf"))
    rel <- key(s, "trim_relative_to", "mean")
    if (rel == "mean") {
        m <- mean(weights(des))
        lo <- lo * m
        hi <- hi * m
    } else if (rel != "absolute") stop(name, ": trim_relative_to must be mean or absolute")
    strict <- switch(key(s, "trim_strict", "yes"), yes = TRUE, no = FALSE,
                     stop(name, ": trim_strict must be yes or no"))
    trimWeights(des, lower = lo, upper = hi, strict = strict)
}

## ---- one estimate ---------------------------------------------------------------------------
# Rows of expected.csv for [estimate.NAME] ES on design DES.
# statistic = quantile, ratio (issue #15); HERE is the caller's folder when source()d
source(Find(file.exists, file.path(here, c(".", file.path("..", "tab")), "quantile-ratio.R")))
# replicate weights supplied with the data (issue #15)
source(Find(file.exists, file.path(here, c(".", file.path("..", "tab")), "replicate.R")))
# replicate weights made from the design (issue #15)
source(Find(file.exists, file.path(here, c(".", file.path("..", "tab")), "created.R")))
# differences of domains (issue #15)
source(Find(file.exists, file.path(here, c(".", file.path("..", "tab")), "difference.R")))
run_estimate <- function(ename, es, des) {
    if (key(es, "differences") != "") {
        plain_es <- es[names(es) != "differences"]
        return(c(run_estimate(ename, plain_es, des), run_differences(ename, es, des)))
    }
    if (key(es, "statistic") %in% c("quantile", "ratio")) return(run_quantile_ratio(ename, es, des))
    known <- c("var", "var_type", "codes", "by", "statistic", "ci", "level", "lonely_psu",
               "test", "deff", "expect", "r_call")
    if (any(!names(es) %in% known))
        stop(ename, ": unknown key ", paste(setdiff(names(es), known), collapse = ", "))
    var <- key(es, "var")
    vtype <- key(es, "var_type", "single")
    stat <- key(es, "statistic")
    by <- split_list(key(es, "by"), ";")
    ci <- key(es, "ci", "none")
    level <- as.numeric(key(es, "level", "0.95"))
    dflag <- key(es, "deff", "no") == "yes"
    tests <- setdiff(split_list(key(es, "test", "none")), "none")
    dv <- des$variables
    # Categories: single = every code of VAR among the design's rows (sorted); multi = the
    # 0/1 columns VAR_k; numeric = none. `codes` keeps only the listed ones.
    if (vtype == "single") {
        codes <- sort(unique(dv[[var]][!is.na(dv[[var]])]))
        des <- update(des, .f = factor(dv[[var]], levels = codes))
    } else if (vtype == "multi") {
        cols <- grep(paste0("^", var, "_[0-9]+$"), names(dv), value = TRUE)
        codes <- as.numeric(sub(".*_", "", cols))
        o <- order(codes); codes <- codes[o]; cols <- cols[o]
    } else if (vtype == "numeric") codes <- NA else stop(ename, ": var_type")
    if (key(es, "codes") != "") {
        sel <- as.numeric(split_list(key(es, "codes")))
        stopifnot(all(sel %in% codes))
    } else sel <- codes
    # Domains: the whole population, or every combination of BY codes present among the
    # design's rows (rows with an empty BY are in no domain).
    if (length(by) == 0) {
        doms <- data.frame(.key = "")
        dom_idx <- list(rep(TRUE, nrow(dv)))
    } else {
        bf <- dv[by]
        ok <- complete.cases(bf) & weights(des, "sampling") > 0
        doms <- unique(bf[ok, , drop = FALSE])
        doms <- doms[do.call(order, unname(as.list(doms))), , drop = FALSE]
        doms$.key <- do.call(paste, c(unname(as.list(doms[by])), sep = ";"))
        dom_idx <- lapply(seq_len(nrow(doms)), function(i)
            ok & Reduce(`&`, lapply(by, function(b) bf[[b]] == doms[[b]][i])))
    }
    byf <- if (length(by)) as.formula(paste("~", paste(by, collapse = "+"))) else NULL
    # Run FUN on formula FO for the whole population or svyby over BY (covmat = FALSE);
    # returns a list per domain of c(estimates, se's, extra columns) in svyby's column order.
    per_domain <- function(fo, FUN, unwrap, ...) {
        if (is.null(byf)) return(list(unwrap(FUN(fo, des, ...))))
        r <- svyby(fo, byf, des, FUN, ..., covmat = FALSE)
        key_r <- do.call(paste, c(unname(as.list(as.data.frame(r)[by])), sep = ";"))
        stopifnot(setequal(key_r, doms$.key))
        m <- as.matrix(as.data.frame(r)[-seq_along(by)])
        lapply(doms$.key, function(k) m[match(k, key_r), ])
    }
    plain <- function(x) c(coef(x), SE(x), if (dflag) deff(x))
    fo_var <- switch(vtype, single = ~.f, numeric = as.formula(paste("~", var)),
                     multi = as.formula(paste("~", paste(cols, collapse = "+"))))
    nk <- if (vtype == "numeric") 1 else length(codes)
    FUN <- switch(stat, share = svymean, mean = svymean, total = svytotal, stop(ename, ": statistic"))
    if (stat == "share" && vtype == "numeric") stop(ename, ": share of a numeric variable")
    if (stat == "mean" && vtype != "numeric") stop(ename, ": mean of a categorical variable")
    main <- if (vtype == "multi") {
        # One svymean per option (each over the rows that answered the multi question).
        ms <- lapply(cols, function(cl) per_domain(as.formula(paste("~", cl)), FUN, plain,
                                                   na.rm = TRUE, deff = dflag))
        lapply(seq_along(dom_idx), function(i) {
            a <- sapply(ms, function(m) m[[i]])
            c(a[1, ], a[2, ], if (dflag) a[3, ])
        })
    } else per_domain(fo_var, FUN, plain, na.rm = TRUE, deff = dflag)
    rows <- list()
    for (i in seq_along(dom_idx)) {
        sub <- des[dom_idx[[i]], ]
        df <- degf(sub)
        v <- main[[i]]
        for (j in seq_len(nk)) {
            code <- codes[j]
            if (vtype != "numeric" && !code %in% sel) next
            answered <- if (vtype == "multi") !is.na(dv[[cols[1]]]) else !is.na(dv[[var]])
            n <- sum(dom_idx[[i]] & answered & weights(des, "sampling") > 0)
            est <- unname(v[j]); se <- unname(v[nk + j])
            lo <- hi <- ""
            if (ci != "none") {
                lim <- ci_limits(ename, ci, stat, est, se, df, level, vtype, var,
                                 if (vtype == "multi") cols[j] else NULL, code, per_domain, i)
                lo <- num(lim[1]); hi <- num(lim[2])
            }
            rows[[length(rows) + 1]] <- c(ename, doms$.key[i], if (is.na(code)) "" else code,
                                          stat, num(est), num(se), lo, hi, df, "",
                                          if (dflag) num(unname(v[2 * nk + j])) else "", "", n)
        }
    }
    for (t in tests) {
        # Rao & Scott (1984) via svychisq over the whole design (na.rm = TRUE).
        stopifnot(length(by) == 1, vtype == "single")
        fo <- as.formula(paste("~", var, "+", by))
        f <- svychisq(fo, des, statistic = "F")
        if (t == "F") {
            rows[[length(rows) + 1]] <- c(ename, "", "", "rao_scott_f", num(f$statistic), "",
                                          "", "", num(f$parameter[1]), num(f$parameter[2]), "",
                                          num(f$p.value), "")
        } else if (t == "Chisq") {
            ch <- svychisq(fo, des, statistic = "Chisq")
            k <- unname(ch$parameter)
            # R's ch$statistic is Pearson's X^2 (uncorrected); the p-value is that of
            # X^2 / mean(eigenvalues of Delta) = F * (r-1)(c-1) on (r-1)(c-1) df.
            x2rs <- unname(f$statistic) * k
            stopifnot(abs(pchisq(x2rs, k, lower.tail = FALSE) - ch$p.value) <= 1e-9 * max(ch$p.value, 1e-300))
            rows[[length(rows) + 1]] <- c(ename, "", "", "rao_scott_chisq", num(x2rs), "", "",
                                          "", k, "", "", num(ch$p.value), "")
        } else stop(ename, ": test must be none, F or Chisq")
    }
    rows
}

# Confidence limits of one row. Shares: svyciprop (logit, beta, xlogit; wald = method "mean")
# or Wilson with the effective sample size (README); means and totals: t with the domain's df.
ci_limits <- function(ename, ci, stat, est, se, df, level, vtype, var, col, code, per_domain, i) {
    a <- 1 - level
    if (stat != "share") {
        if (ci != "t") stop(ename, ": ci for a mean or total must be t or none")
        return(est + c(-1, 1) * qt(1 - a / 2, df) * se)
    }
    if (ci == "wilson") {
        # Wilson score interval with n* = p(1-p)/se^2 and t_{df} for z.
        ns <- est * (1 - est) / se^2
        z <- qt(1 - a / 2, df)
        mid <- (est + z^2 / (2 * ns)) / (1 + z^2 / ns)
        half <- z / (1 + z^2 / ns) * sqrt(est * (1 - est) / ns + z^2 / (4 * ns^2))
        return(c(mid - half, mid + half))
    }
    method <- switch(ci, logit = "logit", beta = "beta", xlogit = "xlogit", wald = "mean",
                     stop(ename, ": ci must be logit, beta, wald, xlogit, wilson or none"))
    fo <- if (vtype == "multi") as.formula(sprintf("~I(%s == 1)", col)) else
        as.formula(sprintf("~I(%s == %s)", var, code))
    FUN <- if (method == "logit") ciprop_logit else svyciprop
    r <- per_domain(fo, FUN, function(x) c(coef(x), SE(x), confint(x)),
                    method = method, level = level, na.rm = TRUE, vartype = c("se", "ci"))[[i]]
    # svyciprop's own estimate (logit: expit of the svyglm coefficient) must be the share.
    if (!(abs(r[1] - est) <= 1e-10 * max(est, 1e-300) || (est == 0 && r[1] < 1e-8)))
        stop(ename, ": svyciprop estimate ", num(r[1]), " vs share ", num(est))
    unname(r[length(r) - 1:0])
}

# svyciprop(method = "logit") made exact: the same svyglm(quasibinomial) fit and
# confint(method = "Wald", ddf = degf(design)), but started at the share's logit and run to
# glm.control(epsilon = 1e-12). svyciprop itself uses glm's default start and epsilon 1e-8:
# its limits are up to ~1e-8 relative off, and in small domains with large weights IRLS
# diverges to a coefficient of -2e15, i.e. estimate 0 and CI (0, 0) (README, Findings).
# A share of exactly 0 or 1 has no logit: R's own svyciprop is used as is (its IRLS does not
# converge there: that warning is silenced, the numbers are R's).
ciprop_logit <- function(formula, design, method, level, na.rm, ...) {
    resp <- formula[[2]]
    p <- coef(eval(bquote(svymean(~as.numeric(.(resp)), design, na.rm = TRUE))))[[1]]
    if (p <= 0 || p >= 1) return(withCallingHandlers(
        eval(bquote(svyciprop(~.(resp), design, method = "logit", level = level, na.rm = TRUE))),
        warning = function(w) if (grepl("did not converge", conditionMessage(w)))
            invokeRestart("muffleWarning")))
    m <- eval(bquote(svyglm(.(resp) ~ 1, design, family = quasibinomial, start = qlogis(.(p)),
                            control = glm.control(epsilon = 1e-12, maxit = 100))))
    if (!m$converged) stop("svyglm did not converge from logit p")
    ci <- as.numeric(plogis(confint(m, 1, level = level, method = "Wald", ddf = degf(design))))
    rval <- plogis(coef(m))[1]
    attr(rval, "var") <- vcov(eval(bquote(svymean(~as.numeric(.(resp)), design, na.rm = TRUE))))
    attr(rval, "ci") <- ci
    class(rval) <- "svyciprop"
    rval
}

# summary.glm warns that rows outside a domain (weight 0) do not count for the dispersion:
# true and harmless (svyglm's variance is the sandwich). Any other warning is shown.
quiet_glm <- function(expr) withCallingHandlers(expr, warning = function(w)
    if (grepl("observations with zero weight not used", conditionMessage(w)))
        invokeRestart("muffleWarning"))

## ---- one scenario ---------------------------------------------------------------------------
run_scenario <- function(name) {
    sdir <- file.path(scen_root, name)
    odir <- file.path(outdir, name)
    dir.create(odir, showWarnings = FALSE, recursive = TRUE)
    ini <- read_ini(file.path(sdir, "scenario.ini"))
    des <- trim_design(name, ini, build_design(name, ini, sdir))
    rows <- list()
    fails <- character(0)
    for (sec in grep("^estimate\\.", names(ini), value = TRUE)) {
        es <- ini[[sec]]
        ename <- sub("^estimate\\.", "", sec)
        old <- options(survey.lonely.psu = key(es, "lonely_psu", "fail"))
        if (key(es, "expect", "estimates") == "r-fails") {
            msg <- tryCatch({ run_estimate(ename, es, des); NULL },
                            error = function(e) conditionMessage(e))
            if (is.null(msg)) stop(name, ": ", ename, ": expected R to fail, it did not")
            fails <- c(fails, paste0(ename, ": ", gsub("\n", " ", msg)))
        } else rows <- c(rows, quiet_glm(run_with_previous(ename, es, des, sdir)))
        options(old)
    }
    out <- c("estimate_name,by_codes,code,statistic,estimate,se,ci_low,ci_high,df,df2,deff,p_value,n",
             vapply(rows, paste, "", collapse = ","))
    writeLines(out, file.path(odir, "expected.csv"), useBytes = TRUE)
    # replicates made from the design (issue #15): R's own, calibrated, replicate weights (the
    # first 8: id, rep_1..rep_8), which run-c.sh compares with tsunagari's repw_1..repw_8
    if (inherits(des, "svyrep.design") && key(ini$design, "variance") %in% c("jk1", "jkn", "brr", "fay")) {
        aw <- as.matrix(weights(des, "analysis"))[, seq_len(min(8, ncol(weights(des, "analysis")))), drop = FALSE]
        idc <- key(ini$design, "id", "id")
        writeLines(c(paste(c("id", paste0("rep_", seq_len(ncol(aw)))), collapse = ","),
                     apply(cbind(des$variables[[idc]], aw), 1, function(r) paste(num(r), collapse = ","))),
                   file.path(odir, "expected-replicates.csv"))
    }
    if (length(fails)) writeLines(fails, file.path(odir, "expected-failure.txt"), useBytes = TRUE)
    si <- sessionInfo()
    writeLines(c("generated by tests/oracle/tab/make-expected.R with", R.version.string,
                 paste("survey", packageVersion("survey")), paste("platform", si$platform),
                 paste("running", si$running), if (!is.null(si$BLAS)) paste("BLAS", si$BLAS),
                 if (!is.null(si$LAPACK)) paste("LAPACK", si$LAPACK)), file.path(odir, "VERSION"))
    sprintf("%-28s %4d rows, %d expected failures, %d design rows", name, length(rows),
            length(fails), nrow(des$variables))
}

if (sys.nframe() == 0L) {
    scenarios <- sort(list.files(scen_root))
    scenarios <- scenarios[file.exists(file.path(scen_root, scenarios, "scenario.ini"))]
    for (sc in scenarios) cat(run_scenario(sc), "\n", sep = "")
}
