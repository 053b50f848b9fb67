# rake-expected.R — the weights R survey 4.1 rake() gives the 12-row dataset of
# tests/unit/test_weight_lib.c (rows of tests/install/rake-share.c, design weights bw), raked to
# sex (480, 520) and age_band (300, 350, 350) with tsunagari-weight's control (epsilon 1e-10,
# maxit 1000). Run: Rscript tests/unit/rake-expected.R; the output is hard-coded in the test.
suppressMessages(library(survey))
sex <- c(1, 2, 1, 2, 1, 2, 1, 2, 2, 2, 1, 2)
age <- c(1, 1, 2, 2, 3, 3, 1, 2, 3, 1, 2, 3)
bw <- 1 + (0:11 %% 4) * 0.5
df <- data.frame(sex = factor(sex), age_band = factor(age), bw = bw)
des <- svydesign(ids = ~1, weights = ~bw, data = df)
r <- rake(des, list(~sex, ~age_band),
          list(data.frame(sex = factor(1:2), Freq = c(480, 520)),
               data.frame(age_band = factor(1:3), Freq = c(300, 350, 350))),
          control = list(maxit = 1000, epsilon = 1e-10, verbose = FALSE))
cat(sprintf("%.17g", weights(r)), sep = ",\n")
cat("\n")
