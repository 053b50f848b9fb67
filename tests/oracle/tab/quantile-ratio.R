# quantile-ratio.R — the quantile and ratio requests of the estimation oracle (issue #15),
# source()d by make-expected.R, whose run_estimate() hands an [estimate.NAME] with
# statistic = quantile or ratio to run_quantile_ratio(). Keys beyond README.md's:
#   quantiles    probabilities, comma-separated (0.25, 0.5, 0.75)
#   qrule        svyquantile's qrule: math, school, shahvaish, hf1 ... hf9
#   quantile_ci  svyquantile's interval.type: mean (Woodruff) or beta
#   denominator  ratio: svyratio's denominator variable (var is the numerator)
# Per domain (the whole population, or each domain as make-expected.R finds them) R is called
# on the domain's design, des[in_domain, ], which is what svyby hands FUN — and, for a table by
# a variable, svyby itself is called and must agree to 1e-12:
#   svyquantile(~var, sub, quantiles, alpha = 1 - level, interval.type = quantile_ci,
#               qrule = qrule, ci = TRUE, na.rm = TRUE)  -> estimate, ci, se as R gives them;
#               df = degf() of the domain's answers (svyquantile subsets to them first)
#   svyratio(~var, ~denominator, sub, na.rm = TRUE, deff = TRUE) -> coef, SE, deff;
#               confint(r, level = level, df = degf(sub)): t on the domain's design df,
#               counted over the domain's rows answered or not, as for means.
# expected.csv: code = the probability ("%.15g"; empty for a ratio), df2 empty, deff empty
# for a quantile (svyquantile has none).
run_quantile_ratio <- function(ename, es, des) {
    known <- c("var", "var_type", "codes", "by", "statistic", "ci", "level", "lonely_psu",
               "test", "deff", "expect", "quantiles", "qrule", "quantile_ci", "denominator")
    if (any(!names(es) %in% known))
        stop(ename, ": unknown key ", paste(setdiff(names(es), known), collapse = ", "))
    var <- key(es, "var")
    stat <- key(es, "statistic")
    by <- split_list(key(es, "by"), ";")
    level <- as.numeric(key(es, "level", "0.95"))
    dv <- des$variables
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
    fo <- as.formula(paste("~", var))
    w <- weights(des, "sampling")
    rows <- list()
    if (stat == "quantile") {
        probs <- as.numeric(split_list(key(es, "quantiles", "0.5")))
        qrule <- key(es, "qrule", "math")
        itype <- key(es, "quantile_ci", "mean")
        q_of <- function(d) svyquantile(fo, d, probs, alpha = 1 - level, interval.type = itype,
                                        qrule = qrule, ci = TRUE, na.rm = TRUE)
        for (i in seq_along(dom_idx)) {
            sub <- des[dom_idx[[i]], ]
            m <- q_of(sub)[[1]]
            answered <- dom_idx[[i]] & !is.na(dv[[var]]) & w > 0
            df <- degf(des[answered, ])
            for (j in seq_along(probs))
                rows[[length(rows) + 1]] <- c(ename, doms$.key[i], sprintf("%.15g", probs[j]), "quantile",
                                              num(m[j, 1]), num(m[j, 4]), num(m[j, 2]), num(m[j, 3]),
                                              df, "", "", "", sum(answered))
        }
        if (!is.null(byf)) {
            # svyby hands each domain's design to svyquantile: the same numbers
            b <- svyby(fo, byf, des, svyquantile, quantiles = probs, alpha = 1 - level,
                       interval.type = itype, qrule = qrule, ci = TRUE, na.rm = TRUE, covmat = FALSE)
            bd <- as.data.frame(b)
            kb <- do.call(paste, c(unname(as.list(bd[by])), sep = ";"))
            got <- do.call(rbind, rows)
            for (i in seq_len(nrow(bd))) for (j in seq_along(probs)) {
                r <- got[got[, 2] == kb[i] & got[, 3] == sprintf("%.15g", probs[j]), ]
                e <- unlist(bd[i, length(by) + j]); s <- unlist(bd[i, length(by) + length(probs) + j])
                if (!isTRUE(all.equal(c(e, s), as.numeric(r[5:6]), tolerance = 1e-12)))
                    stop(ename, ": svyby differs from the domain's svyquantile in ", kb[i])
            }
        }
    } else if (stat == "ratio") {
        # svyratio.svyrep.design fails with deff = TRUE (survey 4.1: rval[i, j] of a list), and
        # tsunagari gives no deff there
        rep <- inherits(des, "svyrep.design")
        den <- key(es, "denominator")
        fd <- as.formula(paste("~", den))
        for (i in seq_along(dom_idx)) {
            sub <- des[dom_idx[[i]], ]
            r <- svyratio(fo, fd, sub, na.rm = TRUE, deff = !rep)
            df <- degf(sub)
            ci <- confint(r, level = level, df = df)
            answered <- dom_idx[[i]] & !is.na(dv[[var]]) & !is.na(dv[[den]]) & w > 0
            rows[[length(rows) + 1]] <- c(ename, doms$.key[i], "", "ratio", num(coef(r)), num(SE(r)),
                                          num(ci[1]), num(ci[2]), df, "", if (rep) "" else num(deff(r)), "", sum(answered))
        }
        if (!is.null(byf)) {
            b <- svyby(fo, byf, des, svyratio, denominator = fd, na.rm = TRUE, covmat = FALSE)
            kb <- do.call(paste, c(unname(as.list(as.data.frame(b)[by])), sep = ";"))
            got <- do.call(rbind, rows)
            got <- got[match(kb, got[, 2]), , drop = FALSE]
            if (!isTRUE(all.equal(unname(c(coef(b), SE(b))), as.numeric(c(got[, 5], got[, 6])),
                                  tolerance = 1e-12)))
                stop(ename, ": svyby differs from the domains' svyratio")
        }
    } else stop(ename, ": statistic")
    rows
}
