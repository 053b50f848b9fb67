# replicate-inputs.R — what the tab and model oracles' make-replicates.R share, sourced by both
# after they set `here` (their own folder): reading their inputs, writing a replicate design's
# weights as columns rw_1 .. rw_R beside the answers (data/NAME.csv(.gz)) with its codebook
# (codebooks/NAME.csv), and the multipliers of a svyrep.design. The numbers are written to a
# fixed number of significant digits, and tsunagari-weight ([design] variance = supplied) and
# make-expected.R's svrepdesign() both read them as written: the oracles are exact for them.
suppressPackageStartupMessages(library(survey))

rd <- function(f) read.csv(file.path(here, f), comment.char = "#", encoding = "UTF-8",
                           stringsAsFactors = FALSE, check.names = FALSE)
g <- function(x, digits) trimws(formatC(x, digits = digits, format = "g"))

# Write D with the replicate columns W (n × R) as rw_1.. (DIGITS significant digits), the
# comment lines COMMENT first; gzip when GZ. The codebook: BASE_CB's rows, then EXTRA_CB, then
# one numeric row per replicate column.
write_input <- function(name, d, w, digits, comment, base_cb, gz = FALSE, extra_cb = character(0)) {
    w <- as.matrix(w)
    colnames(w) <- paste0("rw_", seq_len(ncol(w)))
    out <- d
    for (v in names(out)) if (is.double(out[[v]])) out[[v]] <- ifelse(is.na(out[[v]]), "", g(out[[v]], 17))
    body <- cbind(out, matrix(g(w, digits), nrow = nrow(w), dimnames = list(NULL, colnames(w))))
    path <- file.path(here, "data", paste0(name, if (gz) ".csv.gz" else ".csv"))
    con <- if (gz) gzfile(path, "w") else file(path, "w")
    writeLines(paste("#", comment), con, useBytes = TRUE)
    write.csv(body, con, row.names = FALSE, quote = FALSE, na = "")
    close(con)
    cb <- readLines(file.path(here, "codebooks", base_cb), encoding = "UTF-8")
    cb[1] <- paste0("# Codebook of data/", basename(path), " (make-replicates.R): ", base_cb,
                    "'s rows and the replicate weights.")
    cb <- c(cb, extra_cb, sprintf("rw_%d,numeric,rw_%d,rw_%d,Replicate weight %d,,,,,,,", seq_len(ncol(w)),
                                  seq_len(ncol(w)), seq_len(ncol(w)), seq_len(ncol(w))))
    writeLines(cb, file.path(here, "codebooks", paste0(name, ".csv")), useBytes = TRUE)
    invisible(path)
}

# The multipliers of a svyrep.design (combined.weights = FALSE) as an n × R matrix.
multipliers <- function(r) { stopifnot(!r$combined.weights); as.matrix(r$repweights) }
