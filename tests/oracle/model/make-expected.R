# make-expected.R [OUTDIR] — the model oracle's expected values: for every scenario folder
# (NN-name/scenario.ini) R's survey package fits each [model.NAME] with svyglm, and writes
# OUTDIR/NN-name/expected.csv (default: into the scenario folders) and VERSION.
#   linear:   svyglm(y ~ x1 + x2, design, family = gaussian())
#   logistic: svyglm(I(y %in% codes) ~ ..., design, family = quasibinomial())
#   coefficients, SEs, t, p: summary(m)$coefficients (t on m$df.residual = degf + 1 - p)
#   intervals: confint(m) (survey 4.1: Wald, ddf = m$df.residual); odds ratios exp(coef), exp(confint)
#   Wald tests: regTermTest(m, ~x) (F on length(index) and df.residual) and
#               regTermTest(m, ~x, df = Inf) (chi-square)
# Single-choice variables are factor() of their codes with the codebook's missing codes NA;
# domain = VAR: CODES is svyglm(..., design = subset(des, VAR %in% CODES)). glm.control as R's
# default (epsilon 1e-8, maxit 25); weighted = no uses [oracle] r_design_unweighted (every weight 1,
# the same strata and clusters, no fpc). Part of tests/oracle/model/ (README.md).
suppressPackageStartupMessages(library(survey))
args <- commandArgs(TRUE)
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
outdir <- if (length(args) >= 1) args[1] else here
read_ini <- function(file) {
    sec <- ""; res <- list()
    for (l in readLines(file, encoding = "UTF-8")) {
        if (grepl("^[ \t]*[;#]", l) || !nzchar(trimws(l))) next
        if (grepl("^\\[.*\\]", l)) { sec <- sub("^\\[([^]]*)\\].*", "\\1", l); res[[sec]] <- list(); next }
        i <- regexpr("=", l, fixed = TRUE)
        if (i < 0) next
        k <- trimws(substr(l, 1, i - 1)); v <- sub("[ \t];.*$", "", substr(l, i + 1, nchar(l)))
        res[[sec]][[k]] <- trimws(v)
    }
    res
}
split_list <- function(s) if (is.null(s) || !nzchar(s)) character(0) else trimws(strsplit(s, ",")[[1]])
num <- function(x) {
    x <- as.numeric(x)
    s <- formatC(x, digits = 17, format = "g")
    s[is.na(x)] <- ""
    trimws(s)
}
read_codebook <- function(file) {
    cb <- read.csv(file, comment.char = "#", colClasses = "character", encoding = "UTF-8")
    vars <- list(); cur <- NULL
    for (r in seq_len(nrow(cb))) {
        if (nzchar(cb$variable[r])) { cur <- cb$variable[r]; vars[[cur]] <- list(type = cb$type[r], missing = integer(0)) }
        else if (!is.null(cur) && nzchar(cb$missing[r])) vars[[cur]]$missing <- c(vars[[cur]]$missing, as.integer(cb$code[r]))
    }
    vars
}
for (dir in sort(list.dirs(here, recursive = FALSE))) {
    sc <- file.path(dir, "scenario.ini")
    if (!file.exists(sc)) next
    ini <- read_ini(sc)
    o <- ini$oracle
    d <- read.csv(file.path(dir, o$data), comment.char = "#", encoding = "UTF-8")
    cb <- read_codebook(file.path(dir, o$codebook))
    for (v in names(cb)) if (v %in% names(d) && cb[[v]]$type == "single") {
        x <- d[[v]]; x[x %in% cb[[v]]$missing] <- NA; d[[v]] <- x
    }
    if (!is.null(o$r_prepare)) eval(parse(text = o$r_prepare))   # e.g. the frames' columns into d
    des <- eval(parse(text = o$r_design))
    rows <- list()
    for (sec in grep("^model\\.", names(ini), value = TRUE)) {
        s <- ini[[sec]]; name <- sub("^model\\.", "", sec)
        fam <- if (is.null(s$family) || !nzchar(s$family)) "linear" else s$family
        preds <- split_list(s$predictors)
        dd <- if (!is.null(s$weighted) && s$weighted == "no") eval(parse(text = o$r_design_unweighted)) else des
        y <- s$outcome
        if (fam == "logistic" && cb[[y]]$type == "single") {
            codes <- as.integer(split_list(s$outcome_codes))
            yy <- dd$variables[[y]]
            dd$variables$.y <- ifelse(is.na(yy), NA, as.numeric(yy %in% codes))
            y <- ".y"
        }
        if (!is.null(s$domain) && nzchar(s$domain)) {
            dv <- trimws(sub(":.*", "", s$domain)); dc <- as.integer(split_list(sub("^[^:]*:", "", s$domain)))
            dd <- subset(dd, !is.na(dd$variables[[dv]]) & dd$variables[[dv]] %in% dc)
        }
        # factors of the codes present among the rows of positive weight: a subset of a
        # calibrated design keeps the other rows with weight 0, and their levels would stay
        # (glm then aliases a column and the reference level moves; Finding 1 of README.md)
        pos <- weights(dd, "sampling") > 0
        for (v in preds) if (cb[[v]]$type == "single") {
            x <- dd$variables[[v]]
            dd$variables[[v]] <- factor(x, levels = sort(unique(x[pos & !is.na(x)])))
        }
        f <- as.formula(paste(y, "~", paste(preds, collapse = " + ")))
        m <- svyglm(f, design = dd, family = if (fam == "logistic") quasibinomial() else gaussian())
        level <- if (is.null(s$level) || !nzchar(s$level)) 0.95 else as.numeric(s$level)
        cf <- summary(m)$coefficients
        ci <- confint(m, level = level)
        asg <- attr(model.matrix(m), "assign"); tl <- attr(terms(m), "term.labels")
        nused <- sum(m$prior.weights > 0)
        for (j in seq_len(nrow(cf))) {
            term <- if (asg[j] == 0) "(Intercept)" else tl[asg[j]]
            level_code <- if (asg[j] > 0 && term %in% names(m$xlevels)) substring(rownames(cf)[j], nchar(term) + 1) else ""
            or <- if (fam == "logistic") exp(c(cf[j, 1], ci[j, ])) else c(NA, NA, NA)
            rows[[length(rows) + 1]] <- c(name, "coefficient", term, level_code, num(cf[j, 1]), num(cf[j, 2]),
                num(cf[j, 3]), num(m$df.residual), "", num(cf[j, 4]), num(ci[j, 1]), num(ci[j, 2]),
                num(or[1]), num(or[2]), num(or[3]), nused)
        }
        for (v in preds) {
            tf <- regTermTest(m, as.formula(paste("~", v)))
            tc <- regTermTest(m, as.formula(paste("~", v)), df = Inf)
            rows[[length(rows) + 1]] <- c(name, "wald_f", v, "", num(tf$Ftest), "", "", num(tf$df), num(tf$ddf),
                                          num(tf$p), "", "", "", "", "", nused)
            rows[[length(rows) + 1]] <- c(name, "wald_chisq", v, "", num(tc$chisq), "", "", num(tc$df), "",
                                          num(tc$p), "", "", "", "", "", nused)
        }
    }
    od <- file.path(outdir, basename(dir)); dir.create(od, showWarnings = FALSE, recursive = TRUE)
    out <- c("model,statistic,term,level,estimate,se,t,df,df2,p_value,ci_low,ci_high,odds_ratio,or_low,or_high,n",
             vapply(rows, paste, "", collapse = ","))
    writeLines(out, file.path(od, "expected.csv"))
    writeLines(c(R.version.string, paste("survey", packageVersion("survey"))), file.path(od, "VERSION"))
}
