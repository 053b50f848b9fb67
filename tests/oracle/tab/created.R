# created.R — [design] variance = jk1 | jkn | brr | fay in the estimation oracle (issue #15,
# replicate weights made by tsunagari-weight from the design; scenarios 55-59), source()d by
# make-expected.R: build_design() hands its svydesign to created_design() before calibrating,
# so that R's rake / postStratify / calibrate recalibrate every replicate, as tsunagari-weight
# does. R's own as.svrepdesign makes the replicates:
#   jk1, jkn   as.svrepdesign(des, type = "JK1" | "JKn", mse)
#   brr, fay   as.svrepdesign(des, type = "BRR" | "Fay", fay.rho, hadamard.matrix = H, mse),
#              H the Sylvester–Hadamard matrix of the smallest power-of-2 order above the number
#              of strata: tsunagari's choice (R's own hadamard() picks other orders), given to
#              brrweights so that both make the same replicates from it
#   bootstrap  tsunagari's own replicates (its generator is not R's), their multipliers read from
#              the scenario's r_replicates file (make-tsunagari-boot.sh), in R's svrepdesign with
#              the scale R's bootweights gives
sylvester <- function(m) {
    H <- matrix(1)
    while (nrow(H) < m) H <- rbind(cbind(H, H), cbind(H, -H))
    H
}
created_design <- function(name, s, des, sdir) {
    v <- key(s, "variance", "linearization")
    if (v %in% c("linearization", "supplied")) return(des)
    mse <- switch(key(s, "mse", "no"), yes = TRUE, no = FALSE, stop(name, ": mse must be yes or no"))
    if (v %in% c("jk1", "jkn")) return(as.svrepdesign(des, type = if (v == "jk1") "JK1" else "JKn", mse = mse))
    if (v %in% c("brr", "fay")) {
        nstrata <- length(unique(des$strata[, 1]))
        m <- 1
        while (m < nstrata + 1) m <- 2 * m
        rho <- if (v == "fay") as.numeric(key(s, "fay_rho", "0.5")) else 0
        return(as.svrepdesign(des, type = if (v == "fay") "Fay" else "BRR", fay.rho = rho,
                              hadamard.matrix = sylvester(m), mse = mse))
    }
    # bootstrap: tsunagari's replicates (its own generator), as make-tsunagari-boot.sh wrote
    # their multipliers into the file r_replicates; the scale R's bootweights would give,
    # n̄/((n̄ − 1)(R − 1)) with n̄ the harmonic mean of the PSUs per stratum, computed here
    if (v == "bootstrap" && key(s, "r_replicates") != "") {
        f <- read.csv(file.path(sdir, key(s, "r_replicates")), comment.char = "#")
        m <- as.matrix(f[match(des$variables[[key(s, "id", "id")]], f$id), grep("^m_", names(f))])
        stopifnot(!anyNA(m), ncol(m) == as.numeric(key(s, "replicates", "50")))
        npsu <- tapply(des$cluster[, 1], des$strata[, 1], function(p) length(unique(p)))
        nbar <- 1 / mean(1 / npsu)
        return(svrepdesign(data = des$variables, weights = ~.w, repweights = m, combined.weights = FALSE,
                           type = "bootstrap", scale = nbar / ((nbar - 1) * (ncol(m) - 1)),
                           rscales = rep(1, ncol(m)), mse = mse))
    }
    stop(name, ": variance = ", v, ": bootstrap replicates are tsunagari's own: give their file as r_replicates")
}
