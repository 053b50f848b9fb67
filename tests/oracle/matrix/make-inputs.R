# make-inputs.R — the input data of the option-matrix oracle (tests/oracle/matrix/README.md).
#
# Writes data/ (deterministic: set.seed, no clock):
#   api-srs.csv, api-str.csv, api-clu.csv   R's apisrs, apistrat, apiclus1 (survey's data(api))
#   api-strclu.csv                          a stratified one-stage cluster sample drawn from
#                                           apipop here: strata stype, PSU = school district
#                                           within stype, every school of that type taken
#   api-frame-*.csv, api-nr-*.csv           strata frames (N_h, n_h) and drawn counts per class
#   api-margin-*.csv, api-totals.csv        apipop's counts by stype, sch_wide, both; sum(api99)
#   jp.csv                                  SYNTHETIC: a made-up municipal loneliness survey
#   jp-frame-*.csv, jp-nr.csv, jp-margin-*.csv  its frames, drawn counts and population margins
# Usage: Rscript tests/oracle/matrix/make-inputs.R [BASE]   (writes BASE/data/, default this folder)
suppressPackageStartupMessages(library(survey))
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
args <- commandArgs(TRUE)
base <- if (length(args) >= 1) normalizePath(args[1], mustWork = TRUE) else here
dd <- file.path(base, "data")
dir.create(dd, showWarnings = FALSE)
num <- function(x) sprintf("%.17g", x)
put <- function(df, file, comment) {
    for (j in seq_along(df)) if (is.double(df[[j]])) df[[j]] <- num(df[[j]])
    con <- file(file.path(dd, file), "w", encoding = "UTF-8")
    writeLines(paste("#", comment), con)
    write.csv(df, con, row.names = FALSE, quote = FALSE, na = "")
    close(con)
}
data(api)
code3 <- function(s) match(as.character(s), c("E", "H", "M"))
yn <- function(s) match(as.character(s), c("No", "Yes"))

## ---- api: four samples, one layout ----------------------------------------------------------
api_rows <- function(d, psu, pw, fpc) data.frame(
    id = d$snum, stype = code3(d$stype), sch_wide = yn(d$sch.wide), awards = yn(d$awards),
    psu = psu, pw = as.double(pw), fpc = as.double(fpc), api00 = as.double(d$api00),
    api99 = as.double(d$api99), enroll = as.double(d$enroll))
# Stratified cluster sample from apipop (set.seed): in stratum h (stype) draw m_h of the M_h
# districts that have a school of that type; take all their schools of that type.
set.seed(20261201)
m_h <- c(E = 8, H = 8, M = 8)
sc <- NULL
fr_strclu <- NULL
for (h in c("E", "H", "M")) {
    p <- apipop[apipop$stype == h, ]
    dist <- sort(unique(p$dnum))
    pick <- sort(sample(dist, m_h[[h]]))
    s <- p[p$dnum %in% pick, ]
    s$.pw <- length(dist) / m_h[[h]]
    s$.fpc <- length(dist)
    sc <- rbind(sc, s)
    fr_strclu <- rbind(fr_strclu, data.frame(stype = code3(h), stype_label = h,
                                             population = length(dist), sample = m_h[[h]]))
}
sc <- sc[order(sc$snum), ]
samples <- list(
    srs = api_rows(apisrs, apisrs$dnum, apisrs$pw, apisrs$fpc),
    str = api_rows(apistrat, apistrat$dnum, apistrat$pw, apistrat$fpc),
    clu = api_rows(apiclus1, apiclus1$dnum, apiclus1$pw, apiclus1$fpc),
    strclu = api_rows(sc, 1000 * code3(sc$stype) + sc$dnum, sc$.pw, sc$.fpc))
what <- c(srs = "R's apisrs (simple random sample, fpc 6194)",
          str = "R's apistrat (stratified by stype, fpc = N_h)",
          clu = "R's apiclus1 (one-stage cluster sample of districts, fpc = 757 districts)",
          strclu = "stratified (stype) cluster (district) sample drawn from apipop with set.seed(20261201); pw = M_h/m_h, fpc = M_h districts")
for (k in names(samples)) {
    s <- samples[[k]]
    stopifnot(all(table(s$stype, s$sch_wide) > 0), all(table(s$stype, s$awards) > 0))
    put(s, paste0("api-", k, ".csv"),
        paste0(what[[k]], "; made by make-inputs.R. stype 1=E 2=H 3=M; sch_wide, awards 1=No 2=Yes; psu = district (strclu: 1000*stype + dnum)"))
    # Made-up nonresponse: 20% more schools drawn in each stype than responded.
    nr <- as.data.frame(table(stype = s$stype))
    nr$stype <- as.integer(as.character(nr$stype))
    nr$respondents <- nr$Freq
    nr$sample <- nr$Freq + round(0.2 * nr$Freq)
    put(nr[c("stype", "respondents", "sample")], paste0("api-nr-", k, ".csv"),
        "Schools drawn per stype (made up: respondents + 20%), for [nonresponse]")
}
# Frames for weight = base / fpc = yes: apistrat N_h schools, n_h drawn (respondents + 20%);
# the cluster sample: M_h districts, m_h drawn.
nr_str <- read.csv(file.path(dd, "api-nr-str.csv"), comment.char = "#")
put(data.frame(stype = 1:3, stype_label = c("E", "H", "M"), population = c(4421, 755, 1018),
               sample = nr_str$sample), "api-frame-str.csv",
    "apipop schools per stype (N_h) and schools drawn (n_h = apistrat respondents + 20%)")
put(fr_strclu, "api-frame-strclu.csv", "districts with a school of the type (M_h) and districts drawn (m_h)")
pop_m <- function(v, lab) {
    t <- as.data.frame(table(apipop[[v]]))
    data.frame(code = seq_len(nrow(t)), label = t$Var1, population = t$Freq)
}
m <- pop_m("stype"); names(m) <- c("stype", "stype_label", "population")
put(m, "api-margin-stype.csv", "apipop schools by stype (table(apipop$stype))")
m <- pop_m("sch.wide"); names(m) <- c("sch_wide", "sch_wide_label", "population")
put(m, "api-margin-sch_wide.csv", "apipop schools by sch.wide (table(apipop$sch.wide))")
t <- as.data.frame(table(apipop$stype, apipop$sch.wide))
put(data.frame(stype = code3(t$Var1), sch_wide = yn(t$Var2), stype_label = t$Var1,
               sch_wide_label = t$Var2, population = t$Freq), "api-margin-stype_sch_wide.csv",
    "apipop schools by stype x sch.wide")
put(data.frame(variable = "api99", total = sum(apipop$api99)), "api-totals.csv",
    "apipop total of api99 (sum(apipop$api99))")

## ---- jp: SYNTHETIC municipal survey ---------------------------------------------------------
# A made-up city (SYNTHETIC, not real figures): 4 区 (strata), 町丁目 (PSUs) of 150..400
# residents aged 16+, age_band x sex per 町丁目. Sample: 4 町丁目 per 区 (SRS), 25 residents
# per 町丁目 (SRS); response probability by age band. Respondents answer lonely (1..5),
# ucla_score (20..80) and consult (1 はい, 2 いいえ).
set.seed(20261202)
areas <- c("中央区", "北区", "南区", "西区")
M <- c(12, 10, 8, 9)
ages <- c("16～29歳", "30～39歳", "40～49歳", "50～59歳", "60～69歳", "70歳以上")
sexes <- c("男性", "女性")
pop <- NULL
for (h in 1:4) for (k in seq_len(M[h])) {
    size <- sample(150:400, 1)
    ab <- sample(1:6, size, replace = TRUE, prob = c(0.16, 0.14, 0.17, 0.16, 0.16, 0.21))
    sx <- sample(1:2, size, replace = TRUE)
    pop <- rbind(pop, data.frame(area = h, chome = 100 * h + k, age_band = ab, sex = sx))
}
Nh <- as.vector(table(pop$area))
n_per <- 25
m <- 4
jp <- NULL
drawn <- NULL
for (h in 1:4) {
    ch <- sort(sample(unique(pop$chome[pop$area == h]), m))
    for (k in ch) {
        p <- pop[pop$chome == k, ]
        s <- p[sort(sample(nrow(p), n_per)), ]
        s$w <- (M[h] / m) * (nrow(p) / n_per)
        drawn <- rbind(drawn, s)
    }
}
resp_p <- c(0.45, 0.5, 0.55, 0.6, 0.7, 0.65)[drawn$age_band]
drawn$responded <- runif(nrow(drawn)) < resp_p
jp <- drawn[drawn$responded, ]
n <- nrow(jp)
jp$id <- seq_len(n) + 1000
jp$lonely <- pmin(5, pmax(1, round(2 + 0.25 * jp$age_band - 0.3 * (jp$sex == 2) + rnorm(n, 0, 1.1))))
jp$ucla_score <- round(pmin(80, pmax(20, 38 + 4 * jp$lonely + rnorm(n, 0, 6))))
jp$consult <- ifelse(runif(n) < 0.15 + 0.05 * jp$lonely, 1, 2)
jp$N_city <- nrow(pop)
jp$N_area <- Nh[jp$area]
jp$M_city <- sum(M)
jp$M_area <- M[jp$area]
stopifnot(all(table(jp$age_band, jp$sex) > 0), all(table(jp$area, jp$age_band) > 0),
          all(table(jp$area, jp$lonely) > 0))
put(jp[c("id", "area", "chome", "age_band", "sex", "lonely", "ucla_score", "consult", "w",
         "N_city", "N_area", "M_city", "M_area")], "jp.csv",
    "SYNTHETIC municipal survey (made-up city; make-inputs.R, set.seed(20261202)). area 1..4 = 中央区 北区 南区 西区; chome = 町丁目 (PSU); w = (M_h/m_h)(N_chome/25)")
dn <- aggregate(list(sample = rep(1, nrow(drawn))), drawn[c("area", "age_band")], sum)
rs <- aggregate(list(respondents = rep(1, n)), jp[c("area", "age_band")], sum)
dn <- merge(dn, rs)
dn <- dn[order(dn$area, dn$age_band), ]
put(dn[c("area", "age_band", "respondents", "sample")], "jp-nr.csv",
    "SYNTHETIC: residents drawn per 区 x age band (respondents and nonrespondents), for [nonresponse]")
put(data.frame(area = 1:4, area_label = areas, population = as.double(Nh),
               sample = as.vector(table(drawn$area))), "jp-frame-persons.csv",
    "SYNTHETIC: residents 16+ per 区 (N_h) and residents drawn (n_h)")
put(data.frame(area = 1:4, area_label = areas, population = M, sample = m), "jp-frame-chome.csv",
    "SYNTHETIC: 町丁目 per 区 (M_h) and 町丁目 drawn (m_h)")
cnt <- function(vars) {
    a <- aggregate(list(population = rep(1, nrow(pop))), pop[vars], sum)
    a[do.call(order, unname(as.list(a[vars]))), c(vars, "population")]
}
put(cnt("area"), "jp-margin-area.csv", "SYNTHETIC: residents 16+ per 区")
put(cnt("age_band"), "jp-margin-age_band.csv", "SYNTHETIC: residents 16+ per age band")
put(cnt("sex"), "jp-margin-sex.csv", "SYNTHETIC: residents 16+ per sex")
put(cnt(c("age_band", "sex")), "jp-margin-age_sex.csv", "SYNTHETIC: residents 16+ per age band x sex")
cat("api:", sapply(samples, nrow), " jp:", n, "respondents of", nrow(drawn), "drawn; population", nrow(pop), "\n")
