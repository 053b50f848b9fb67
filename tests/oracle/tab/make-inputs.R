# make-inputs.R — data/apistrat.csv and data/apiclus1.csv of the estimation oracle, from R's
# data(api) (survey package). Part of tests/oracle/tab/; called by export-inputs.sh.
# Codes as in tests/oracle/weight/make-inputs.R: id = snum; stype 1=E 2=H 3=M;
# sch_wide, awards, both 1=No 2=Yes. apiclus1 also gets `region`, a stratum made up for the
# lonely-PSU scenario 08 from the county (cnum): 1 = {18, 36} (4 districts), 2 = {31, 38, 42}
# (5), 3 = {1, 9, 14, 22, 23} (5), 4 = {29} (1 district: the lonely PSU).
suppressPackageStartupMessages(library(survey))
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
# A number as text that reads back as the same double.
num <- function(x) {
    s <- formatC(x, digits = 15, format = "g")
    bad <- !is.na(x) & as.numeric(s) != x
    s[bad] <- formatC(x[bad], digits = 17, format = "g")
    ifelse(is.na(x), "", trimws(s))
}
data(api)
yn <- function(f) match(as.character(f), c("No", "Yes"))
out <- function(df, comment) {
    d <- data.frame(id = df$snum, stype = match(as.character(df$stype), c("E", "H", "M")),
                    sch_wide = yn(df$sch.wide), awards = yn(df$awards), both = yn(df$both),
                    pw = df$pw, fpc = df$fpc, dnum = df$dnum, cnum = df$cnum,
                    api00 = df$api00, api99 = df$api99, enroll = df$enroll)
    d <- d[order(d$id), ]
    cols <- lapply(d, num)
    c(paste("#", comment),
      "# R data(api) of survey: id = snum; stype 1=E 2=H 3=M; sch_wide/awards/both 1=No 2=Yes.",
      paste(names(d), collapse = ","), do.call(paste, c(cols, sep = ",")))
}
stopifnot(!anyDuplicated(apistrat$snum), !anyDuplicated(apiclus1$snum))
writeLines(out(apistrat, "apistrat: 200 schools, stratified by stype, fpc = N_h."),
           file.path(here, "data", "apistrat.csv"))
reg <- c(`18` = 1, `36` = 1, `31` = 2, `38` = 2, `42` = 2, `1` = 3, `9` = 3, `14` = 3,
         `22` = 3, `23` = 3, `29` = 4)
l <- out(apiclus1, "apiclus1: 183 schools in 15 districts (dnum), fpc = 757 districts; region: see make-inputs.R.")
h <- grep("^id,", l)
rg <- reg[as.character(apiclus1$cnum[order(apiclus1$snum)])]
stopifnot(!anyNA(rg))
l[h] <- paste0(l[h], ",region")
l[-(1:h)] <- paste0(l[-(1:h)], ",", rg)
writeLines(l, file.path(here, "data", "apiclus1.csv"))
# apiclus2: a two-stage sample — 40 of 757 districts (dnum, fpc1), then up to 5 schools (id =
# snum) of each district's fpc2 — for scenario 12 (svydesign(id = ~dnum + snum,
# fpc = ~fpc1 + fpc2)). enroll is missing for 6 schools.
stopifnot(!anyDuplicated(apiclus2$snum))
d2 <- data.frame(id = apiclus2$snum, stype = match(as.character(apiclus2$stype), c("E", "H", "M")),
                 sch_wide = yn(apiclus2$sch.wide), awards = yn(apiclus2$awards), both = yn(apiclus2$both),
                 pw = apiclus2$pw, fpc1 = apiclus2$fpc1, fpc2 = as.vector(apiclus2$fpc2),
                 dnum = apiclus2$dnum, cnum = apiclus2$cnum, api00 = apiclus2$api00,
                 api99 = apiclus2$api99, enroll = apiclus2$enroll)
d2 <- d2[order(d2$id), ]
writeLines(c("# apiclus2: 126 schools in 40 of 757 districts (dnum, fpc1), schools within districts (fpc2).",
             "# R data(api) of survey: id = snum; stype 1=E 2=H 3=M; sch_wide/awards/both 1=No 2=Yes.",
             paste(names(d2), collapse = ","), do.call(paste, c(lapply(d2, num), sep = ","))),
           file.path(here, "data", "apiclus2.csv"))
