# make-waves.R — writes data/households-2019.csv, the SYNTHETIC earlier wave of households.csv
# (make-households.R) for the two-wave oracle scenarios 34-35: the same kind of stratified
# two-stage draw (4 areas, 6 調査地点 per area) drawn again, independently (another seed),
# from a population a little less lonely (UCLA mean 0.3 lower) and with other points, so the
# differences between the waves are not zero. No real person is in it.
# Deterministic (set.seed). Usage: Rscript tests/oracle/tab/make-waves.R
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
set.seed(20191201)
rows <- list()
id <- 0
points_in_area <- c(40, 55, 30, 48)   # 調査地点 in each area's frame
for (area in 1:4) for (p in 1:6) {
    point <- area * 100 + 10 + p
    m <- 16 + rpois(1, 8)
    for (k in seq_len(m)) {
        id <- id + 1
        sex <- sample(1:2, 1)
        age <- min(95, max(18, round(rnorm(1, 46 + 3 * area + 4 * (p %% 3), 17))))
        band <- findInterval(age, c(18, 30, 40, 50, 60, 70))
        ucla <- min(9, max(3, round(rnorm(1, 4.5 + 0.4 * (band >= 5) + 0.3 * (area == 3), 1.5))))
        hh <- min(8, 1 + rpois(1, 1.8 + 0.3 * area))
        consulted <- rbinom(1, hh, 0.3 + 0.1 * (sex == 2))
        pw <- points_in_area[area] / 6 * (25 + area) / m * 10
        rows[[id]] <- data.frame(id = id, area = area, point = point, sex = sex, age_band = band,
                                 age = age, ucla_score = ucla, household = hh, consulted = consulted,
                                 pw = round(pw, 6), fpc_points = points_in_area[area])
    }
}
d <- do.call(rbind, rows)
d$age[c(5, 90)] <- NA
d$ucla_score[c(8, 120, 300)] <- NA
con <- file(file.path(here, "data", "households-2019.csv"), "w", encoding = "UTF-8")
writeLines(c("# SYNTHETIC earlier wave of households.csv for tests/oracle/tab scenarios 34-35 (make-waves.R,",
             "# set.seed 20191201): an independent stratified two-stage sample; no real respondent."),
           con)
write.csv(d, con, row.names = FALSE, na = "", quote = FALSE)
close(con)
cat(nrow(d), "rows\n")
