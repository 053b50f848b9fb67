# difference.R — the `differences` requests of the estimation oracle (issue #15), source()d by
# make-expected.R, whose run_estimate() hands an [estimate.NAME] with `differences` here after
# its own rows. Key beyond README.md's:
#   differences  "1 - 2, 1 - all": pairs of domains by their codes (by_codes; `all` = 全体,
#                two by variables "1;2"), as tsunagari-tab --differences takes them
# R computes each difference θ_A − θ_B of two domain estimates on the FULL design, with their
# covariance, by the delta method of svycontrast on one svytotal of the domains' pieces:
#   yA = y·1[A, answered], iA = 1[A, answered] (y = the category's 0/1 or the number)
#   mean, share:  svycontrast(svytotal(~yA + iA + yB + iB, des), quote(yA/iA - yB/iB))
#   total:        svycontrast(svytotal(~yA + yB, des), quote(yA - yB))
# which is what svyby(..., covmat = TRUE) then svycontrast(c(1, -1)) means (survey 4.1's
# svyby gives the domains of a linearised design a block-diagonal covmat, i.e. no covariance
# between domains; survey >= 4.2 with influence = TRUE gives the full one, which this is; a
# domain minus 全体 always overlaps). Calibrated designs: svytotal uses the calibration
# residuals of the combined influence, as ts_sample_vcov does.
# df = degf(des) (the whole design), ci = est ± qt(1 - (1 - level)/2, df) · se,
# p = 2 pt(-|est/se|, df). expected.csv: by_codes "1 - 2", "1 - all"; n, df2, deff empty;
# ci = none: no limits (tsunagari-tab gives a difference an interval only when its table has one).
run_differences <- function(ename, es, des) {
    var <- key(es, "var")
    vtype <- key(es, "var_type", "single")
    stat <- key(es, "statistic")
    by <- split_list(key(es, "by"), ";")
    level <- as.numeric(key(es, "level", "0.95"))
    if (length(by) == 0) stop(ename, ": differences need by")
    dv <- des$variables
    w <- weights(des, "sampling")
    answered <- !is.na(dv[[var]]) & w > 0
    in_dom <- function(side) {
        if (side == "all") return(answered)
        codes <- as.numeric(strsplit(side, ";")[[1]])
        stopifnot(length(codes) == length(by))
        r <- answered
        for (j in seq_along(by)) r <- r & !is.na(dv[[by[j]]]) & dv[[by[j]]] == codes[j]
        r
    }
    cats <- if (vtype == "numeric") NA else sort(unique(dv[[var]][answered]))
    df <- degf(des)
    tq <- qt(1 - (1 - level) / 2, df)
    if (key(es, "ci", "") == "none") tq <- NA
    rows <- list()
    for (pair in split_list(key(es, "differences"))) {
        sides <- trimws(strsplit(pair, " - ", fixed = TRUE)[[1]])
        stopifnot(length(sides) == 2)
        ia <- in_dom(sides[1]); ib <- in_dom(sides[2])
        for (cat in cats) {
            y <- if (vtype == "numeric") dv[[var]] else as.numeric(dv[[var]] == cat)
            y[is.na(y)] <- 0
            d2 <- update(des, .yA = y * ia, .iA = as.numeric(ia), .yB = y * ib, .iB = as.numeric(ib))
            # a replicate design (issue #15): the totals' replicates, so that svycontrast
            # applies the contrast to every replicate (svycontrast.svrepstat) and the variance
            # is the replicates' (svrVar), not the delta method's
            tot_of <- function(f) if (inherits(d2, "svyrep.design")) svytotal(f, d2, return.replicates = TRUE) else
                svytotal(f, d2)
            if (stat == "total") {
                tot <- tot_of(~.yA + .yB)
                con <- svycontrast(tot, quote(.yA - .yB))
            } else {
                tot <- tot_of(~.yA + .iA + .yB + .iB)
                con <- svycontrast(tot, quote(.yA / .iA - .yB / .iB))
            }
            est <- unname(coef(con)); se <- unname(SE(con))
            rows[[length(rows) + 1]] <- c(ename, paste(sides, collapse = " - "),
                                          if (vtype == "numeric") "" else cat, "difference",
                                          num(est), num(se), if (is.na(tq)) "" else num(est - tq * se),
                                          if (is.na(tq)) "" else num(est + tq * se),
                                          df, "", "", num(2 * pt(-abs(est / se), df)), "")
        }
    }
    rows
}

# Two surveys or waves (`previous = ../NN-scenario`, a scenario folder: the earlier sample
# with its own design; `previous_label` is for tsunagari-tab only). The request is estimated on
# both designs as run_estimate() does it (svymean / svyby / svyquantile / svyratio), and the
# two results are combined by hand, as independent samples: d = θ₁ − θ₂,
# s = sqrt(se₁² + se₂²), nu = s⁴ / (se₁⁴/df₁ + se₂⁴/df₂) (Welch–Satterthwaite),
# d ± qt(1 - (1 - level)/2, nu) s, p = 2 pt(-|d/s|, nu). Rows: by_codes "<codes> - previous"
# ("all - previous" for everyone), df = nu; a domain or category missing in the earlier
# sample gets no row.
run_with_previous <- function(ename, es, des, sdir) {
    prev <- key(es, "previous")
    es0 <- es[!names(es) %in% c("previous", "previous_label")]
    rows <- run_estimate(ename, es0, des)
    if (prev == "") return(rows)
    pdir <- normalizePath(file.path(sdir, prev), mustWork = TRUE)
    pini <- read_ini(file.path(pdir, "scenario.ini"))
    pdes <- trim_design(basename(pdir), pini, build_design(basename(pdir), pini, pdir))
    plain <- es0[names(es0) != "differences"]
    a <- do.call(rbind, run_estimate(ename, plain, des))
    b <- do.call(rbind, run_estimate(ename, plain, pdes))
    level <- as.numeric(key(es, "level", "0.95"))
    for (i in seq_len(nrow(a))) {
        j <- which(b[, 2] == a[i, 2] & b[, 3] == a[i, 3] & b[, 4] == a[i, 4])
        if (length(j) != 1 || a[i, 4] %in% c("rao_scott_f", "rao_scott_chisq")) next
        e1 <- as.numeric(a[i, 5]); s1 <- as.numeric(a[i, 6]); v1 <- as.numeric(a[i, 9])
        e2 <- as.numeric(b[j, 5]); s2 <- as.numeric(b[j, 6]); v2 <- as.numeric(b[j, 9])
        d <- e1 - e2
        s <- sqrt(s1^2 + s2^2)
        nu <- s^4 / (s1^4 / v1 + s2^4 / v2)
        tq <- qt(1 - (1 - level) / 2, nu)
        rows[[length(rows) + 1]] <- c(ename, paste(if (a[i, 2] == "") "all" else a[i, 2], "- previous"),
                                      a[i, 3], "difference", num(d), num(s), num(d - tq * s),
                                      num(d + tq * s), num(nu), "", "", num(2 * pt(-abs(d / s), nu)), "")
    }
    rows
}
