# replicate.R — [design] variance = supplied in the estimation oracle (issue #15; scenarios
# 60-64, whose replicate columns make-replicates.R writes), source()d by make-expected.R:
# build_design() hands the rows it keeps to supplied_design(), which is R's
#   svrepdesign(data = dk, weights = ~.w, repweights = <the columns>, type, scale, rscales,
#               mse, combined.weights, rho)
# with the keys of the manifest's [design] section: replicate_weights (names, or a prefix
# with a star: rw_* = every column whose name starts so, in the data's order),
# replicate_type (jk1 jkn bootstrap brr fay other), replicate_scale, replicate_rscales (one
# value or one per replicate), mse (yes/no, default no: R's survey.replicates.mse),
# combined_weights (yes/no, default yes), fay_rho (fay). The weights are final: method = none.
supplied_design <- function(name, s, dk) {
    if (key(s, "method", "none") != "none") stop(name, ": variance = supplied takes the weights as they are (method = none)")
    spec <- split_list(key(s, "replicate_weights"))
    cols <- if (length(spec) == 1 && endsWith(spec, "*"))
        names(dk)[startsWith(names(dk), sub("\\*$", "", spec))] else spec
    stopifnot(length(cols) > 1, all(cols %in% names(dk)))
    type <- c(jk1 = "JK1", jkn = "JKn", bootstrap = "bootstrap", brr = "BRR", fay = "Fay",
              other = "other")[[key(s, "replicate_type")]]
    num_or_null <- function(v) if (v == "") NULL else as.numeric(split_list(v))
    yes <- function(k, default) switch(key(s, k, default), yes = TRUE, no = FALSE, stop(name, ": ", k, " must be yes or no"))
    # one rscale for all: given to R as one per replicate, since svrVar drops a NA replicate's
    # rscale by index (rscales[-naa]) and stops when replicate 1 is NA and rscales has length 1
    rscales <- num_or_null(key(s, "replicate_rscales"))
    if (length(rscales) == 1) rscales <- rep(rscales, length(cols))
    svrepdesign(data = dk, weights = ~.w, repweights = dk[cols], type = type,
                scale = if (type == "BRR") NULL else num_or_null(key(s, "replicate_scale")),
                rscales = rscales,
                rho = if (type == "Fay") as.numeric(key(s, "fay_rho", "0.5")) else NULL,
                mse = yes("mse", "no"), combined.weights = yes("combined_weights", "yes"))
}
