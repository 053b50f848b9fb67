# make-households.R — writes data/households.csv, a SYNTHETIC Japanese survey for the quantile
# and ratio oracle scenarios (20-29): no real person is in it. A stratified two-stage draw as
# the national つながり survey makes it: 4 areas (strata), 6 調査地点 (PSUs) drawn per area out
# of fpc_points, about 25 persons per point; age in years, the UCLA-3 score, household members
# (世帯人数) and household members consulted (相談した人数); some answers missing.
# Deterministic (set.seed). Usage: Rscript tests/oracle/tab/make-households.R
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
set.seed(20261201)
rows <- list()
id <- 0
points_in_area <- c(40, 55, 30, 48)   # 調査地点 in each area's frame
for (area in 1:4) for (p in 1:6) {
    point <- area * 100 + p
    m <- 18 + rpois(1, 8)
    for (k in seq_len(m)) {
        id <- id + 1
        sex <- sample(1:2, 1)
        age <- min(95, max(18, round(rnorm(1, 48 + 3 * area + 4 * (p %% 3), 17))))
        band <- findInterval(age, c(18, 30, 40, 50, 60, 70))
        ucla <- min(9, max(3, round(rnorm(1, 4.8 + 0.4 * (band >= 5) + 0.3 * (area == 3), 1.5))))
        hh <- min(8, 1 + rpois(1, 1.6 + 0.3 * area))
        consulted <- rbinom(1, hh, 0.35 + 0.1 * (sex == 2))
        pw <- points_in_area[area] / 6 * (25 + area) / m * 10
        rows[[id]] <- data.frame(id = id, area = area, point = point, sex = sex, age_band = band,
                                 age = age, ucla_score = ucla, household = hh, consulted = consulted,
                                 pw = round(pw, 6), fpc_points = points_in_area[area])
    }
}
d <- do.call(rbind, rows)
# item nonresponse: a few ages, UCLA scores and household answers left empty
d$age[c(7, 80, 151, 299)] <- NA
d$ucla_score[c(3, 44, 45, 200, 333, 401)] <- NA
d$consulted[c(12, 250)] <- NA
d$household[c(12, 251)] <- NA
con <- file(file.path(here, "data", "households.csv"), "w", encoding = "UTF-8")
writeLines(c("# SYNTHETIC data for tests/oracle/tab scenarios 20-29 (make-households.R, set.seed 20261201):",
             "# a stratified two-stage sample of persons in 24 調査地点 of 4 areas; no real respondent."),
           con)
write.csv(d, con, row.names = FALSE, na = "", quote = FALSE)
close(con)
cat(nrow(d), "rows\n")
