# cross-check.R — plain-R reimplementations of some oracle scenarios, checked against the
# committed expected.csv files: a guard that survey did what README.md says it does.
# Part of tests/oracle/weight/ (issue #4); run by check-live.sh. Prints "ok"/"not ok" lines.
# Usage: Rscript tests/oracle/weight/cross-check.R [DIR]  (DIR: expected files, default here)
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
args <- commandArgs(TRUE)
edir <- if (length(args) >= 1) args[1] else here
rd <- function(p) read.csv(file.path(if (grepl("expected", p)) edir else here, p),
                           comment.char = "#")
fails <- 0
report <- function(what, diff, tol = 1e-12) {
    ok <- is.finite(diff) && diff <= tol
    if (!ok) fails <<- fails + 1
    cat(sprintf("%s - cross-check %s (max rel diff %.2g)\n", if (ok) "ok" else "not ok", what, diff))
}
e1 <- rd("01-yamagata-rake/expected.csv"); d <- rd("01-yamagata-rake/data.csv"); d <- merge(d, e1)
k <- d$weight > 0; x <- d[k,]; w <- rep(1, nrow(x))
pa <- rd("01-yamagata-rake/margin_age_band.csv"); ps <- rd("01-yamagata-rake/margin_sex.csv")
for (i in 1:2000) { f <- pa$population[match(x$age_band,pa$age_band)]/tapply(w,x$age_band,sum)[as.character(x$age_band)]; w <- w*f
  f <- ps$population[match(x$sex,ps$sex)]/tapply(w,x$sex,sum)[as.character(x$sex)]; w <- w*f }
report("01 by plain IPF", max(abs(w-x$weight)/x$weight))
e2 <- rd("02-yamagata-poststratify/expected.csv"); d2 <- merge(rd("02-yamagata-poststratify/data.csv"), e2); d2 <- d2[d2$weight>0,]
m2 <- rd("02-yamagata-poststratify/margin_age_sex.csv"); key <- paste(d2$age_band,d2$sex); n <- table(key)
own <- m2$population[match(key, paste(m2$age_band,m2$sex))]/as.vector(n[key]); report("02 as N_cell/n_cell", max(abs(own-d2$weight)/own))
# 03 closed form GREG
d3 <- merge(rd("03-yamagata-linear/data.csv"), rd("03-yamagata-linear/expected.csv")); d3 <- d3[d3$weight>0,]
X <- cbind(outer(d3$age_band, 1:8, "=="), outer(d3$sex, 1:2, "=="))*1; T <- c(pa$population, ps$population)
lam <- MASS::ginv(crossprod(X)) %*% (T - colSums(X)); g <- 1 + X %*% lam; report("03 by the GREG closed form", max(abs(g-d3$weight)/d3$weight))
# 05b strict trimming, own loop
w <- x$weight; mw <- mean(w); lo <- 0.6*mw; up <- 1.8*mw; pw <- w; it <- 0
repeat { out <- pw < lo | pw > up; if (!any(out)) break; it <- it+1; nw <- pmax(lo, pmin(pw, up)); nw[!out] <- nw[!out] + sum(pw-nw)/sum(!out); pw <- nw }
e5 <- merge(x["id"], rd("05b-yamagata-trim-strict/expected.csv")); report(sprintf("05b by a plain trimming loop (%d passes)", it), max(abs(pw-e5$weight)/pw))
# 06 own: base, NR, IPF
d6 <- merge(rd("06-saitama-design/data.csv"), rd("06-saitama-design/expected.csv")); d6 <- d6[order(d6$id),]
fa <- rd("06-saitama-design/frame_area.csv"); fs <- rd("06-saitama-design/frame_area_age_sex.csv")
k <- !is.na(d6$age_band) & d6$sex != 9; x <- d6[k,]
w <- fa$population[x$area]/fa$sample[x$area]
dr <- aggregate(sample~area+age_band, fs, sum); r <- table(paste(x$area,x$age_band))
w <- w * dr$sample[match(paste(x$area,x$age_band), paste(dr$area,dr$age_band))]/as.vector(r[paste(x$area,x$age_band)])
ma <- rd("06-saitama-design/margin_area.csv"); mas <- rd("06-saitama-design/margin_age_sex.csv"); ck <- paste(x$age_band,x$sex)
for (i in 1:3000) { w <- w*ma$population[x$area]/tapply(w,x$area,sum)[as.character(x$area)]
  w <- w*mas$population[match(ck, paste(mas$age_band,mas$sex))]/tapply(w,ck,sum)[ck] }
report("06 by plain base weight, nonresponse and IPF", if (all(d6$weight[!k]==0)) max(abs(w-x$weight)/x$weight) else Inf)
quit(status = if (fails > 0) 1 else 0)
