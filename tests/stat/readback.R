# readback.R FILE OUT.csv values|labels — what R's haven reads from an SPSS or Stata file, as
# the CSV check-read-stat.sh compares with tsunagari-export's (issue #14): one column per
# numeric variable of FILE (strings and dates left out: ingest keeps no free text, and keeps
# dates as text), named as in the file; numbers with 15 significant digits as tsunagari writes
# them (%.15g); SPSS user-missing values as their values (user_na = TRUE), system-missing and
# Stata's missing values (.a-.z are tagged NAs) as "NA-tag" so that the comparison can tell
# them apart. `labels`: a labelled value as its label, others as in `values`.
suppressMessages(library(haven))
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]; out <- args[2]; mode <- args[3]
d <- if (grepl("\\.dta$", path, ignore.case = TRUE)) read_dta(path) else
     if (grepl("\\.por$", path, ignore.case = TRUE)) read_por(path, user_na = TRUE) else
     read_sav(path, user_na = TRUE)
keep <- vapply(d, function(x) is.numeric(x) && !inherits(x, c("Date", "POSIXct")), logical(1))
d <- d[keep]
num <- function(x) {
    v <- as.numeric(unclass(x))
    s <- ifelse(is.na(v), "", sprintf("%.15g", v))
    if (is.double(x) || inherits(x, "haven_labelled")) {
        tag <- na_tag(x)
        s[is.na(v) & !is.na(tag)] <- paste0(".", tag[is.na(v) & !is.na(tag)])
    }
    s
}
cols <- lapply(names(d), function(n) {
    x <- d[[n]]
    s <- num(x)
    if (mode == "labels" && !is.null(attr(x, "labels"))) {
        lab <- attr(x, "labels")
        v <- as.numeric(unclass(x))
        tags <- if (is.double(x)) na_tag(x) else rep(NA_character_, length(x))
        for (k in seq_along(lab)) {
            lv <- as.numeric(lab[k])
            lt <- if (is.double(lab)) na_tag(lab[k]) else NA_character_
            hit <- if (is.na(lv) && !is.na(lt)) !is.na(tags) & tags == lt else !is.na(v) & v == lv
            s[hit] <- names(lab)[k]
        }
    }
    s
})
names(cols) <- names(d)
write.csv(as.data.frame(cols, check.names = FALSE), out, row.names = FALSE, na = "", fileEncoding = "UTF-8")
