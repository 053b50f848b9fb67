# make-inputs.R — write the margin, frame and totals files of the weighting oracle, and the
# data.csv of the scenarios built on R's own `api` data (survey package).
#
# Part of tests/oracle/weight/ (issue #4). Called by export-inputs.sh after it has exported the
# demo datasets; its outputs are committed, so make-expected.R and the C side read the SAME
# numbers. Labels are turned into codes with the demo codebooks (docs/codebook.md), so every
# file has code columns (named like the variable) next to label columns (VAR_label).
# Usage: Rscript tests/oracle/weight/make-inputs.R
suppressPackageStartupMessages(library(survey))

here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
top <- normalizePath(file.path(here, "..", "..", ".."))

# A number as text that reads back as the same double: 15 significant digits when they
# suffice, else 17.
num <- function(x) {
    s <- formatC(x, digits = 15, format = "g")
    bad <- as.numeric(s) != x
    s[bad] <- formatC(x[bad], digits = 17, format = "g")
    trimws(s)
}

# Write DF as CSV (no quoting: no field holds a comma or quote) after comment lines.
write_table <- function(df, path, comments) {
    stopifnot(!any(grepl("[,\"]", as.matrix(df))))
    cols <- lapply(df, function(v) if (is.numeric(v)) num(v) else as.character(v))
    lines <- c(paste("#", comments), paste(names(df), collapse = ","),
               do.call(paste, c(cols, sep = ",")))
    writeLines(lines, path, useBytes = TRUE)
}

# Code of each label of codebook variable VAR (codebook format: docs/codebook.md).
codebook_codes <- function(path, var) {
    cb <- read.csv(path, comment.char = "", colClasses = "character", skip =
                   sum(startsWith(readLines(path, encoding = "UTF-8"), "#")),
                   encoding = "UTF-8")
    start <- which(cb$variable == var)
    stopifnot(length(start) == 1)
    i <- start + 1
    while (i <= nrow(cb) && cb$variable[i] == "") i <- i + 1
    rows <- cb[seq(start + 1, length.out = i - start - 1), ]
    setNames(as.integer(rows$code), rows$label)
}

read_commented <- function(path)
    read.csv(path, comment.char = "#", encoding = "UTF-8", stringsAsFactors = FALSE)

## Yamagata: margins_age_sex.csv -> one-way and two-way margins with codes.
ydir <- file.path(top, "data", "yamagata-2022")
ycb <- file.path(ydir, "codebook.csv")
age_codes <- codebook_codes(ycb, "age_band")
sex_codes <- codebook_codes(ycb, "sex")
m <- read_commented(file.path(ydir, "margins_age_sex.csv"))
stopifnot(all(m$age_band %in% names(age_codes)), all(m$sex %in% names(sex_codes)))
m$age_code <- age_codes[m$age_band]
m$sex_code <- sex_codes[m$sex]
m <- m[order(m$age_code, m$sex_code), ]
src <- "from data/yamagata-2022/margins_age_sex.csv (ILLUSTRATIVE targets), codes from its codebook.csv."
age1 <- aggregate(population ~ age_code + age_band, m, sum)
age1 <- age1[order(age1$age_code), ]
sex1 <- aggregate(population ~ sex_code + sex, m, sum)
sex1 <- sex1[order(sex1$sex_code), ]
y_age <- data.frame(age_band = age1$age_code, age_band_label = age1$age_band,
                    population = age1$population)
y_sex <- data.frame(sex = sex1$sex_code, sex_label = sex1$sex, population = sex1$population)
y_age_sex <- data.frame(age_band = m$age_code, sex = m$sex_code, age_band_label = m$age_band,
                        sex_label = m$sex, population = m$population)
for (d in c("01-yamagata-rake", "03-yamagata-linear", "04-yamagata-raking-bounded",
            "04b-yamagata-linear-bounded")) {
    write_table(y_age, file.path(here, d, "margin_age_band.csv"),
                c("Yamagata residents 16+ by age band (sum over sex),", src))
    write_table(y_sex, file.path(here, d, "margin_sex.csv"),
                c("Yamagata residents 16+ by sex (sum over age band),", src))
}
write_table(y_age_sex, file.path(here, "02-yamagata-poststratify", "margin_age_sex.csv"),
            c("Yamagata residents 16+ by age band x sex,", src))

## Saitama: frames and margins with codes.
sdir <- file.path(top, "data", "saitama-2022")
scb <- file.path(sdir, "codebook.csv")
area_codes <- codebook_codes(scb, "area")
s_age <- codebook_codes(scb, "age_band")
s_sex <- codebook_codes(scb, "sex")
fa <- read_commented(file.path(sdir, "frame_area.csv"))
fas <- read_commented(file.path(sdir, "frame_area_age_sex.csv"))
stopifnot(all(fa$area %in% names(area_codes)), all(fas$area %in% names(area_codes)),
          all(fas$age_band %in% names(s_age)), all(fas$sex %in% names(s_sex)))
fa$code <- area_codes[fa$area]
fa <- fa[order(fa$code), ]
fas$area_code <- area_codes[fas$area]
fas$age_code <- s_age[fas$age_band]
fas$sex_code <- s_sex[fas$sex]
fas <- fas[order(fas$area_code, fas$age_code, fas$sex_code), ]
# The two frames must agree: N_h and n_h are the sums of the cells.
stopifnot(all(tapply(fas$population, fas$area_code, sum) == fa$population),
          all(tapply(fas$sample, fas$area_code, sum) == fa$sample))
ssrc <- "from data/saitama-2022/ (SYNTHETIC demo, ILLUSTRATIVE counts), codes from its codebook.csv."
sd6 <- file.path(here, "06-saitama-design")
write_table(data.frame(area = fa$code, area_label = fa$area, population = fa$population,
                       sample = fa$sample),
            file.path(sd6, "frame_area.csv"),
            c("Saitama strata: residents 16+ (N_h) and persons drawn (n_h) per area,", ssrc))
write_table(data.frame(area = fas$area_code, age_band = fas$age_code, sex = fas$sex_code,
                       area_label = fas$area, age_band_label = fas$age_band,
                       sex_label = fas$sex, population = fas$population,
                       sample = fas$sample),
            file.path(sd6, "frame_area_age_sex.csv"),
            c("Saitama frame by area x age band x sex: residents 16+ and persons drawn,", ssrc))
write_table(data.frame(area = fa$code, area_label = fa$area, population = fa$population),
            file.path(sd6, "margin_area.csv"),
            c("Saitama residents 16+ by area (= frame_area.csv population),", ssrc))
as2 <- aggregate(population ~ age_code + sex_code + age_band + sex, fas, sum)
as2 <- as2[order(as2$age_code, as2$sex_code), ]
write_table(data.frame(age_band = as2$age_code, sex = as2$sex_code,
                       age_band_label = as2$age_band, sex_label = as2$sex,
                       population = as2$population),
            file.path(sd6, "margin_age_sex.csv"),
            c("Saitama residents 16+ by age band x sex (frame_area_age_sex.csv summed over area),",
              ssrc))

## R's api data (survey package): apistrat, apiclus1; margins and totals from apipop.
data(api)
code_stype <- function(f) match(as.character(f), c("E", "H", "M"))
code_yn <- function(f) match(as.character(f), c("No", "Yes"))
api_out <- function(df) data.frame(id = df$snum, stype = code_stype(df$stype),
                                   sch_wide = code_yn(df$sch.wide), pw = df$pw,
                                   fpc = df$fpc, dnum = df$dnum, api99 = df$api99,
                                   api00 = df$api00, enroll = df$enroll)
stopifnot(!anyDuplicated(apistrat$snum), !anyDuplicated(apiclus1$snum))
strat <- api_out(apistrat)
strat <- strat[order(strat$id), ]
clus1 <- api_out(apiclus1)
clus1 <- clus1[order(clus1$id), ]
asrc <- sprintf("R data(api) of survey %s: id = snum; stype 1=E 2=H 3=M; sch_wide 1=No 2=Yes.",
                packageVersion("survey"))
pop_stype <- as.vector(table(factor(apipop$stype, levels = c("E", "H", "M"))))
pop_sw <- as.vector(table(factor(apipop$sch.wide, levels = c("No", "Yes"))))
margin_stype <- data.frame(stype = 1:3, stype_label = c("E", "H", "M"), population = pop_stype)
margin_sw <- data.frame(sch_wide = 1:2, sch_wide_label = c("No", "Yes"), population = pop_sw)
totals <- data.frame(variable = "api99", total = sum(apipop$api99))
psrc <- "from R data(api): table(apipop$stype) / table(apipop$sch.wide) / sum(apipop$api99)."
for (d in c("07-apistrat-poststratify", "08-apistrat-rake", "09-apistrat-linear"))
    write_table(strat, file.path(here, d, "data.csv"), c("apistrat (200 schools),", asrc))
for (d in c("10-apiclus1-linear-bounded", "11-apiclus1-raking", "12-apiclus1-raking-bounded",
            "13-apiclus1-logit"))
    write_table(clus1, file.path(here, d, "data.csv"), c("apiclus1 (183 schools in 15 districts),", asrc))
for (d in c("07-apistrat-poststratify", "08-apistrat-rake", "09-apistrat-linear",
            "10-apiclus1-linear-bounded", "11-apiclus1-raking", "12-apiclus1-raking-bounded",
            "13-apiclus1-logit"))
    write_table(margin_stype, file.path(here, d, "margin_stype.csv"),
                c("California schools by type (6194 schools),", psrc))
write_table(margin_sw, file.path(here, "08-apistrat-rake", "margin_sch_wide.csv"),
            c("California schools by whether the school-wide growth target was met,", psrc))
for (d in c("09-apistrat-linear", "10-apiclus1-linear-bounded", "11-apiclus1-raking",
            "12-apiclus1-raking-bounded", "13-apiclus1-logit"))
    write_table(totals, file.path(here, d, "totals.csv"),
                c("Population total of a numeric calibration variable,", psrc))
