# make-rowrake.R — a SYNTHETIC survey raked to four margins of 32 cells each, for the
# estimation oracle's scenario 72 (issue #19): their joint table has 32^4 = 1,048,576 cells,
# more than lib/sample.c enumerates (1,000,000), so the variance takes the row-by-row raking
# sweeps (calibration_residuals) instead of the joint-cell ones every other raked scenario
# uses. Writes
#   data/rowrake.csv                        id,m1,m2,m3,m4,x,y (1,600 respondents)
#   codebooks/rowrake.csv                   its codebook (SYNTHETIC)
#   72-rowrake-four-margins/margin_mK.csv   the population count of each of mK's 32 cells
# Deterministic (set.seed); every number is made up. Run: Rscript tests/oracle/tab/make-rowrake.R
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
set.seed(20261219)
n <- 1600
N <- 250000
cells <- 32
# The population's cells (its margins are what the survey is raked to), and a sample that
# over-represents low cells of m1 and m2, so the raking moves the weights.
pop <- data.frame(m1 = sample.int(cells, N, TRUE), m2 = sample.int(cells, N, TRUE),
                  m3 = sample.int(cells, N, TRUE), m4 = sample.int(cells, N, TRUE))
p <- 1 / (1 + exp(-(-4.9 + 0.02 * (cells - pop$m1) + 0.015 * (cells - pop$m2))))
s <- pop[runif(N) < p, ][seq_len(n), ]
stopifnot(nrow(s) == n, all(sapply(s, function(v) length(unique(v))) == cells))
s$x <- round(20 + 0.5 * s$m1 + 0.3 * s$m3 + rnorm(n, 0, 6), 1)      # a numeric answer
s$y <- as.integer(runif(n) < plogis(-1 + 0.04 * s$m2 - 0.03 * s$m4))  # a yes/no answer
out <- data.frame(id = seq_len(n), s[c("m1", "m2", "m3", "m4")], x = s$x, y = s$y + 1L)
con <- file(file.path(here, "data", "rowrake.csv"), "w", encoding = "UTF-8")
writeLines(c("# SYNTHETIC survey of make-rowrake.R (scenario 72): 1,600 made-up respondents, four",
             "# margins of 32 cells each; y 1 = いいえ 2 = はい. No real person."), con)
write.csv(out, con, row.names = FALSE, quote = FALSE)
close(con)
cb <- c("# Codebook of tests/oracle/tab/data/rowrake.csv (SYNTHETIC, make-rowrake.R).",
        "variable,type,column,label,label_en,code,missing,min,max,from,values,keep",
        "id,id,id,回答ID,Respondent ID,,,,,,,")
for (m in c("m1", "m2", "m3", "m4")) {
    cb <- c(cb, sprintf("%s,single,%s,区分%s,Cell %s,,,,,,,", m, m, substring(m, 2), substring(m, 2)))
    cb <- c(cb, sprintf(",,,%s-%d,%s-%d,%d,,,,,,", m, 1:cells, m, 1:cells, 1:cells))
}
cb <- c(cb, "x,numeric,x,得点,Score,,,0,100,,,",
        "y,single,y,はい・いいえ,Yes or no,,,,,,,", ",,,いいえ,No,1,,,,,,", ",,,はい,Yes,2,,,,,,")
writeLines(cb, file.path(here, "codebooks", "rowrake.csv"), useBytes = TRUE)
dir.create(file.path(here, "72-rowrake-four-margins"), showWarnings = FALSE)
for (m in c("m1", "m2", "m3", "m4")) {
    t <- as.data.frame(table(factor(pop[[m]], levels = 1:cells)))
    con <- file(file.path(here, "72-rowrake-four-margins", paste0("margin_", m, ".csv")), "w", encoding = "UTF-8")
    writeLines(sprintf("# SYNTHETIC population (make-rowrake.R): the count of each cell of %s.", m), con)
    writeLines(sprintf("%s,population", m), con)
    writeLines(sprintf("%s,%d", t$Var1, t$Freq), con)
    close(con)
}
