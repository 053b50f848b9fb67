# bench/r-tab.R — R's survey package timed on bench/tab.sh's tables (issue #17), for the ratio
# tsunagari-tab : R. Not an oracle (tests/oracle/tab/ checks the numbers); the same work:
#   the design: the weighted dataset's rows in the design (weight > 0), design weights raked to
#     the frame's area, age band and sex totals (R's rake(): its variance knows the raking);
#   each table VAR by BY: 全体 and every domain's shares of each answer (single choice; missing
#     codes NA) or of each option (multiple answer), or the mean (a number), with SE and deff
#     (svymean, svyby), a logit interval for every share (svyciprop, as tsunagari's default
#     ci = logit) and a t interval on the design df for a mean; the Rao-Scott F test
#     (svychisq) where VAR is single choice.
# Usage: Rscript bench/r-tab.R WEIGHTED.csv FRAME.csv CODES.csv TABLES.csv [EVERY]
#   WEIGHTED.csv  tsunagari-export of the weighted dataset (multi answers as VAR_CODE 0/1)
#   FRAME.csv     area,age_band,sex,population, by label (data/saitama-2022/frame_area_age_sex.csv)
#   CODES.csv     var,code,missing,label: every code (tsunagari-export --describe), missing 1
#                 for a missing code such as 9 無回答
#   TABLES.csv    n,var,by,kind (kind single, multi or mean), in manifest order
#   EVERY         time every EVERY-th table only (1: all; default 1)
# Prints one line: "r_tables=1,11,21 seconds=S cpu=C weights_max_diff=D": the tables timed (rows
# of TABLES.csv), wall and CPU (user + system) seconds from the design to the last table, and
# the raked weights' largest difference from tsunagari's (a check that both weight alike).
suppressPackageStartupMessages(library(survey))
args <- commandArgs(TRUE)
if (length(args) < 4) stop("usage: Rscript bench/r-tab.R WEIGHTED.csv FRAME.csv MISSING.csv TABLES.csv [EVERY]")
every <- if (length(args) >= 5) as.integer(args[5]) else 1L
d <- read.csv(args[1])
frame <- read.csv(args[2], comment.char = "#")
codes <- read.csv(args[3], stringsAsFactors = FALSE)
miss <- codes[codes$missing == 1, ]
tabs <- read.csv(args[4], stringsAsFactors = FALSE)
for (k in seq_len(nrow(miss))) {
    v <- miss$var[k]
    if (v %in% names(d)) d[[v]][d[[v]] %in% miss$code[k]] <- NA
}
d <- d[!is.na(d$weight) & d$weight > 0, ]

cpu <- function() { t <- proc.time(); t[["user.self"]] + t[["sys.self"]] }
t0 <- proc.time()[["elapsed"]]
c0 <- cpu()
des0 <- svydesign(ids = ~1, weights = ~design_weight, data = d)
pop <- function(v) { # the frame's labels as the dataset's codes
    cv <- codes[codes$var == v, ]
    p <- aggregate(frame$population, list(cv$code[match(frame[[v]], cv$label)]), sum)
    names(p) <- c(v, "Freq")
    p
}
des <- rake(des0, list(~area, ~age_band, ~sex), list(pop("area"), pop("age_band"), pop("sex")))
wdiff <- max(abs(weights(des) - d$weight))
df <- degf(des)

one_table <- function(var, by, kind) {
    byf <- as.formula(paste0("~", by))
    if (kind == "mean") {
        f <- as.formula(paste0("~", var))
        m <- svymean(f, des, na.rm = TRUE, deff = TRUE)
        confint(m, df = df)
        b <- svyby(f, byf, des, svymean, na.rm = TRUE, deff = TRUE)
        confint(b, df = df)
        return(invisible())
    }
    if (kind == "single") {
        des <- update(des, .y = factor(get(var)))
        cats <- levels(factor(d[[var]]))
        ind <- paste0("I(.y == '", cats, "')")
        svymean(~.y, des, na.rm = TRUE, deff = TRUE)
        svyby(~.y, byf, des, svymean, na.rm = TRUE, deff = TRUE)
        svychisq(as.formula(paste0("~", var, "+", by)), des)
        answered <- !is.na(des$variables$.y)
    } else {
        opts <- grep(paste0("^", var, "_[0-9]+$"), names(d), value = TRUE)
        opts <- opts[!sub(".*_", "", opts) %in% miss$code[miss$var == var]]
        ind <- opts
        answered <- stats::complete.cases(des$variables[opts])
        f <- as.formula(paste0("~", paste(opts, collapse = "+")))
        svymean(f, des, na.rm = TRUE, deff = TRUE)
        svyby(f, byf, des, svymean, na.rm = TRUE, deff = TRUE)
    }
    # a logit interval for every share of 全体 and of each domain
    doms <- sort(unique(d[[by]][!is.na(d[[by]])]))
    for (i in ind) {
        pf <- as.formula(paste0("~", i))
        svyciprop(pf, subset(des, answered), method = "logit")
        for (b in doms)
            svyciprop(pf, subset(des, answered & !is.na(des$variables[[by]]) & des$variables[[by]] == b),
                      method = "logit")
    }
    invisible()
}
chosen <- seq(1, nrow(tabs), by = every)
for (k in chosen)
    suppressWarnings(one_table(tabs$var[k], tabs$by[k], tabs$kind[k]))
secs <- proc.time()[["elapsed"]] - t0
cat(sprintf("r_tables=%s seconds=%.2f cpu=%.2f weights_max_diff=%.3g\n", paste(chosen, collapse = ","), secs,
            cpu() - c0, wdiff))
