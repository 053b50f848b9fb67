# readback.R DIR NAME [PARTIAL] — read NAME.sav, NAME.zsav and NAME.dta (written by tsunagari-export
# --format sav|zsav|dta) back with R's haven, and NAME.sav with foreign::read.spss too, and
# check them against what tsunagari itself says of the dataset (docs/export.md):
#   NAME.csv       tsunagari-export's CSV (codes, one 0/1 column per option): every value
#   NAME.describe  tsunagari-export --describe: the variable labels, codes and missing codes
# The column names are the CSV's, with a "v" in front of a name SPSS would refuse (a leading
# _ or digit); every number equal to the CSV's exactly (the weights to the last bit); variable
# labels the question's (a multiple answer's 0/1 columns 「質問: 選択肢」, value labels 0 非選択
# and 1 選択); value labels the codes'; missing codes user-missing in .sav (na_values, or
# na_range when more than three) and the tagged NAs .a, .b, ... (ascending by code, labelled)
# in .dta; empty cells system missing (NA, untagged); free text equal but for trailing spaces. Prints "ok - ..." / "not ok - ..." lines
# and "N passed, N failed"; exits 1 on a failure.
suppressPackageStartupMessages({
    library(haven)
    library(foreign)
})
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
name <- args[2]
# PARTIAL: variables with more missing codes than a .sav can declare (the three smallest are)
partial <- if (length(args) >= 3) strsplit(args[3], ",")[[1]] else character(0)
path <- function(ext) file.path(dir, paste0(name, ".", ext))
pass <- 0
fail <- 0
report <- function(what, ok, detail = "") {
    if (isTRUE(ok)) {
        cat("ok -", name, what, "\n")
        pass <<- pass + 1
    } else {
        cat("not ok -", name, what, detail, "\n")
        fail <<- fail + 1
    }
}

# ---- what tsunagari says: the CSV and --describe ----------------------------------------
csv <- read.csv(path("csv"), colClasses = "character", check.names = FALSE, na.strings = character(0),
                encoding = "UTF-8")
lines <- readLines(path("describe"), encoding = "UTF-8")
vars <- list()
cur <- NULL
for (ln in lines[-1]) {
    if (grepl("^  -?[0-9]+\t", ln)) {
        f <- strsplit(sub("^  ", "", ln), "\t")[[1]]
        k <- length(vars[[cur]]$codes) + 1
        vars[[cur]]$codes[k] <- as.numeric(f[1])
        vars[[cur]]$labels[k] <- f[2]
        vars[[cur]]$missing[k] <- length(f) >= 3 && grepl("^\\(missing", f[3])
    } else if (!grepl("^  ", ln)) {
        f <- strsplit(ln, "\t")[[1]]
        cur <- f[1]
        vars[[cur]] <- list(type = f[2], label = f[3], codes = numeric(0), labels = character(0),
                            missing = logical(0))
    }
}
# each CSV column: its variable, and for a multi's column its option
columns <- list()
for (v in names(vars)) {
    d <- vars[[v]]
    if (d$type == "multi") {
        for (k in seq_along(d$codes))
            columns[[paste0(v, "_", d$codes[k])]] <- list(var = v, opt = k)
    } else {
        columns[[v]] <- list(var = v, opt = 0)
    }
}
report("the CSV's columns are the variables' (VAR, VAR_CODE)", identical(names(columns), names(csv)),
       paste(setdiff(names(csv), names(columns)), collapse = " "))
# the name in the file (docs/export.md): a '-' of a negative code as 'm'; a 'v' in front of a
# name the format refuses (SPSS: not beginning with a letter, or a reserved word; Stata: a
# reserved word)
sav_reserved <- c("ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH")
dta_reserved <- c("_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n",
                  "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with")
file_name <- function(col, format) {
    n <- sub("_-([0-9]+)$", "_m\\1", col)
    if (format == "sav" && (!grepl("^[A-Za-z]", n) || toupper(n) %in% sav_reserved)) return(paste0("v", n))
    if (format == "dta" && (n %in% dta_reserved || grepl("^str[0-9]+$", n))) return(paste0("v", n))
    n
}
# a text without its trailing spaces: SPSS pads strings with spaces, so a .sav cannot keep them,
# and haven takes them off a .dta's strings too (docs/export.md)
rtrim <- function(x) sub(" +$", "", x)
# a text cut to N bytes, never inside a character (.dta's str holds 2045)
cut_bytes <- function(x, n) {
    vapply(x, function(t) {
        while (nchar(t, type = "bytes") > n) t <- substr(t, 1, nchar(t) - 1)
        t
    }, "", USE.NAMES = FALSE)
}
numeric_col <- function(col) {
    t <- vars[[columns[[col]]$var]]$type
    t != "text"
}
label_of <- function(col) {
    c <- columns[[col]]
    d <- vars[[c$var]]
    if (c$opt > 0) paste0(d$label, ": ", d$labels[c$opt]) else d$label
}
missing_codes <- function(col) {
    c <- columns[[col]]
    d <- vars[[c$var]]
    if (c$opt > 0) numeric(0) else sort(d$codes[d$missing])
}
as_num <- function(x) {
    y <- rep(NA_real_, length(x))
    y[x != ""] <- as.numeric(x[x != ""])
    y
}
same_num <- function(a, b) length(a) == length(b) && all(is.na(a) == is.na(b)) && all(a[!is.na(a)] == b[!is.na(b)])

# ---- .sav and .zsav through haven -------------------------------------------------------
for (format in c("sav", "zsav")) {
    f <- read_sav(path(format), user_na = TRUE)
    report(paste0(format, ": columns named as the CSV's"),
           identical(names(f), unname(sapply(names(csv), file_name, format = "sav"))),
           paste(names(f), collapse = " "))
    report(paste0(format, ": rows"), nrow(f) == nrow(csv))
    bad <- character(0)
    badlab <- character(0)
    badmiss <- character(0)
    for (col in names(csv)) {
        x <- f[[file_name(col, "sav")]]
        if (is.null(x)) { bad <- c(bad, col); next }
        if (numeric_col(col)) {
            if (!same_num(as.numeric(unclass(x)), as_num(csv[[col]]))) bad <- c(bad, col)
        } else if (!identical(as.character(x), rtrim(csv[[col]]))) bad <- c(bad, col)
        if (!identical(attr(x, "label"), label_of(col))) badlab <- c(badlab, col)
        c <- columns[[col]]
        d <- vars[[c$var]]
        want <- if (c$opt > 0) c(非選択 = 0, 選択 = 1) else if (length(d$codes)) setNames(d$codes, d$labels) else NULL
        got <- attr(x, "labels")
        if (!is.null(got)) got <- setNames(as.numeric(unclass(got)), names(got))
        if (!is.null(want)) want <- want[order(want)]
        if (!is.null(got)) got <- got[order(got)]
        if (!identical(got, want) && !(is.null(want) && is.null(got))) badlab <- c(badlab, paste0(col, "(values)"))
        m <- missing_codes(col)
        nav <- attr(x, "na_values")
        nar <- attr(x, "na_range")
        held <- if (length(m) == 0) is.null(nav) && is.null(nar) else
            if (col %in% partial) identical(as.numeric(nav), m[1:3]) && is.null(nar) else
            all(m %in% nav | (!is.null(nar) & m >= nar[1] & m <= nar[2])) &&
            !any(d$codes[!d$missing] %in% nav) &&
            (is.null(nar) || !any(d$codes[!d$missing] >= nar[1] & d$codes[!d$missing] <= nar[2]))
        if (!isTRUE(held)) badmiss <- c(badmiss, col)
    }
    report(paste0(format, ": every value equals the CSV's (weights to full precision)"), length(bad) == 0,
           paste(bad, collapse = " "))
    report(paste0(format, ": variable and value labels are the dataset's"), length(badlab) == 0,
           paste(badlab, collapse = " "))
    report(paste0(format, ": the missing codes, and only they, are user-missing"), length(badmiss) == 0,
           paste(badmiss, collapse = " "))
}

# ---- .sav through foreign::read.spss (another reader of the format) -------------------
s <- suppressWarnings(read.spss(path("sav"), to.data.frame = FALSE, use.value.labels = FALSE,
                                use.missings = FALSE, reencode = "UTF-8"))
vl <- attr(s, "variable.labels")
ms <- attr(s, "missings")
long <- character(0)
bad <- character(0)
badlab <- character(0)
badmiss <- character(0)
for (col in names(csv)) {
    n <- file_name(col, "sav")
    x <- s[[n]]
    if (numeric_col(col)) {
        if (!same_num(as.numeric(x), as_num(csv[[col]]))) bad <- c(bad, col)
    } else if (max(nchar(csv[[col]], type = "bytes")) > 255) {
        long <- c(long, col) # foreign reads the first 255-byte segment of a very long string only
    } else if (!identical(rtrim(x), rtrim(csv[[col]]))) bad <- c(bad, col)
    if (!identical(unname(vl[n]), label_of(col))) badlab <- c(badlab, col)
    m <- missing_codes(col)
    mm <- ms[[n]]
    held <- if (length(m) == 0) mm$type == "none" else
        if (col %in% partial) identical(sort(as.numeric(mm$value)), m[1:3]) else
        if (mm$type %in% c("one", "two", "three")) identical(sort(as.numeric(mm$value)), m) else
        mm$type %in% c("range", "low", "high", "range+1")
    if (!isTRUE(held)) badmiss <- c(badmiss, col)
}
report(paste0("sav (foreign::read.spss): every value equals the CSV's",
              if (length(long)) paste0(" (not ", paste(long, collapse = " "), ": texts over 255 bytes, which foreign cuts)")
              else ""), length(bad) == 0, paste(bad, collapse = " "))
report("sav (foreign::read.spss): variable labels are the dataset's", length(badlab) == 0, paste(badlab, collapse = " "))
report("sav (foreign::read.spss): missing codes declared", length(badmiss) == 0, paste(badmiss, collapse = " "))

# ---- .dta through haven: missing codes as tagged NAs ------------------------------------
f <- read_dta(path("dta"))
report("dta: columns named as the CSV's", identical(names(f), unname(sapply(names(csv), file_name, format = "dta"))),
       paste(names(f), collapse = " "))
bad <- character(0)
badlab <- character(0)
badtag <- character(0)
for (col in names(csv)) {
    x <- f[[file_name(col, "dta")]]
    if (is.null(x)) { bad <- c(bad, col); next }
    m <- missing_codes(col)
    if (numeric_col(col)) {
        want <- as_num(csv[[col]])
        v <- as.numeric(unclass(x))
        tagged <- is_tagged_na(v)
        k <- match(want, m)
        wtag <- ifelse(is.na(k), NA, letters[k])
        ok <- all(tagged == !is.na(wtag)) && all(na_tag(v)[tagged] == wtag[tagged]) &&
            same_num(v[!tagged], want[!tagged])
        if (!isTRUE(ok)) bad <- c(bad, col)
        if (!all(is.na(v) == is.na(want) | tagged)) badtag <- c(badtag, col)
    } else if (!identical(as.character(x), rtrim(cut_bytes(csv[[col]], 2045)))) bad <- c(bad, col)
    if (!identical(attr(x, "label"), label_of(col))) badlab <- c(badlab, col)
    c <- columns[[col]]
    d <- vars[[c$var]]
    got <- attr(x, "labels")
    if (c$opt > 0) {
        ok <- identical(setNames(as.numeric(unclass(got)), names(got)), c(非選択 = 0, 選択 = 1))
    } else if (length(d$codes)) {
        gv <- as.numeric(unclass(got))
        gl <- names(got)
        ok <- length(gv) == length(d$codes)
        for (k in seq_along(d$codes)) {
            if (!ok) break
            if (d$missing[k]) {
                t <- letters[match(d$codes[k], m)]
                i <- which(is_tagged_na(gv) & na_tag(gv) == t)
            } else {
                i <- which(!is.na(gv) & gv == d$codes[k])
            }
            ok <- length(i) == 1 && gl[i] == d$labels[k]
        }
    } else ok <- is.null(got)
    if (!isTRUE(ok)) badlab <- c(badlab, paste0(col, "(values)"))
}
report("dta: every value equals the CSV's, missing codes as .a, .b, ... by ascending code", length(bad) == 0,
       paste(bad, collapse = " "))
report("dta: variable and value labels are the dataset's (missing codes' on their tags)", length(badlab) == 0,
       paste(badlab, collapse = " "))
report("dta: empty cells are system missing", length(badtag) == 0, paste(badtag, collapse = " "))

cat(pass, "passed,", fail, "failed\n")
quit(status = if (fail > 0) 1 else 0)
