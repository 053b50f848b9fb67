# make-twostage.R — a SYNTHETIC two-stage survey like the national つながり survey, for the
# estimation oracle's scenarios 13 and 14 (issue #15): 調査地点 (points) drawn within four
# strata (area), then persons drawn within each point; about 55 % respond. Writes
#   data/twostage.csv                       id,area,point,sex,age_band,lonely,ucla_score
#   13-japanese-twostage/frame_strata.csv   area,area_label,population (points M_h),sample (m_h)
#   13-japanese-twostage/frame_points.csv   area,point,population (persons N_hi),sample (n_hi)
# Point ids are numbered within each area (1, 2, ...), so the design needs nest = yes.
# Deterministic (set.seed); every number is made up. Run: Rscript tests/oracle/tab/make-twostage.R
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
set.seed(20261201)
strata <- data.frame(area = 1:4, area_label = c("北部", "中部", "南部", "島しょ部"),
                     population = c(120, 200, 150, 30), sample = c(6, 8, 6, 3))
points <- do.call(rbind, lapply(seq_len(nrow(strata)), function(h) {
    ids <- seq_len(strata$sample[h])  # the drawn points, numbered 1..m_h within the area
    data.frame(area = h, point = seq_along(ids), population = round(runif(length(ids), 800, 5000)), sample = 20)
}))
rows <- list()
id <- 0
for (r in seq_len(nrow(points))) {
    p <- points[r, ]
    resp <- which(runif(p$sample) < 0.55)
    if (length(resp) < 3) resp <- 1:3  # at least three respondents per point
    effect <- rnorm(1, 0, 0.6)          # the point's own level of loneliness (clustering)
    for (k in resp) {
        id <- id + 1
        sex <- sample(1:2, 1)
        age <- sample(1:3, 1, prob = c(0.3, 0.35, 0.35))
        lat <- effect + 0.3 * (age == 3) + rnorm(1)
        lonely <- as.integer(cut(lat, c(-Inf, -1, -0.2, 0.5, 1.2, Inf)))
        if (runif(1) < 0.03) lonely <- 9L  # 無回答
        ucla <- max(3, min(12, round(6 + 1.5 * lat + rnorm(1, 0, 1))))
        rows[[id]] <- data.frame(id = id, area = p$area, point = p$point, sex = sex, age_band = age,
                                 lonely = lonely, ucla_score = ucla)
    }
}
d <- do.call(rbind, rows)
w <- function(df, path, comment) {
    con <- file(path, "w", encoding = "UTF-8")
    writeLines(comment, con)
    write.csv(df, con, row.names = FALSE, quote = FALSE)
    close(con)
}
w(d, file.path(here, "data", "twostage.csv"),
  c("# SYNTHETIC two-stage survey (tests/oracle/tab/make-twostage.R): persons within 調査地点 within areas.",
    "# lonely 9 = 無回答; point ids numbered within each area."))
w(strata, file.path(here, "13-japanese-twostage", "frame_strata.csv"),
  "# SYNTHETIC: 調査地点 in each area (population, M_h) and drawn (sample, m_h).")
w(points, file.path(here, "13-japanese-twostage", "frame_points.csv"),
  "# SYNTHETIC: persons in each drawn 調査地点 (population, N_hi) and drawn in it (sample, n_hi).")
