# saitama-sav.R CODEBOOK.csv ANSWERS.csv OUT.sav DERIVED.csv — the Saitama demo's answers as a
# contractor would deliver them in SPSS, written by R's haven (issue #14's "raw .sav written by
# R haven in a test"; nothing binary is committed). ANSWERS.csv is tsunagari-export of the CSV
# route's dataset (codes); CODEBOOK.csv the demo's codebook. Every variable that is not derived
# goes into the .sav with the codebook's question label as its variable label, its code labels
# as value labels and its missing codes as SPSS user-missing values (na_values); a multiple
# answer as one 0/1 variable per valid option, VAR_CODE, labelled 「質問: 選択肢」, all of them
# system-missing where the question was not answered or answered 無回答 (a missing code: SPSS's
# 0/1 layout has no place for it). The derived variables (recode, sum, indicator) are written
# as they are to DERIVED.csv, for [input] codebook = embedded, derived.csv.
suppressMessages(library(haven))
args <- commandArgs(trailingOnly = TRUE)
cbl <- readLines(args[1], encoding = "UTF-8")
cb <- read.csv(text = cbl[!grepl("^#", cbl)], colClasses = "character", check.names = FALSE,
               na.strings = character(0), encoding = "UTF-8")
ans <- read.csv(args[2], colClasses = "character", check.names = FALSE, encoding = "UTF-8")
vars <- list(); cur <- NULL
for (i in seq_len(nrow(cb))) {
    if (cb$variable[i] != "") {
        cur <- cb$variable[i]
        vars[[cur]] <- list(type = cb$type[i], label = cb$label[i], row = i, codes = list())
    } else if (!is.null(cur) && cb$code[i] != "") {
        vars[[cur]]$codes[[length(vars[[cur]]$codes) + 1]] <-
            list(code = as.numeric(cb$code[i]), label = cb$label[i], missing = cb$missing[i] %in% c("yes", "skip"))
    }
}
num <- function(x) ifelse(x == "", NA_real_, suppressWarnings(as.numeric(x)))
out <- list(); derived <- c()
for (name in names(vars)) {
    v <- vars[[name]]
    if (v$type %in% c("recode", "sum", "indicator")) { derived <- c(derived, name); next }
    if (v$type == "text") next
    codes <- vapply(v$codes, function(c) c$code, 0)
    labs <- vapply(v$codes, function(c) c$label, "")
    miss <- vapply(v$codes, function(c) c$missing, FALSE)
    if (v$type == "multi") {
        valid <- which(!miss)
        missing_cols <- paste0(name, "_", codes[miss])
        none <- if (length(missing_cols)) Reduce(`|`, lapply(missing_cols, function(m) ans[[m]] %in% "1")) else FALSE
        for (k in valid) {
            col <- paste0(name, "_", codes[k])
            x <- num(ans[[col]]); x[none] <- NA
            out[[col]] <- labelled(x, c(非選択 = 0, 選択 = 1), label = paste0(v$label, ": ", labs[k]))
        }
        next
    }
    x <- num(ans[[name]])
    if (v$type == "id" || length(codes) == 0) {
        out[[name]] <- labelled(x, label = v$label)
    } else {
        names(codes) <- labs
        out[[name]] <- labelled_spss(x, labels = codes, na_values = if (any(miss)) codes[miss] else NULL, label = v$label)
    }
}
write_sav(as.data.frame(out, check.names = FALSE), args[3])
# the derived variables: their rows of the codebook, under its own header
keep <- unlist(lapply(derived, function(d) {
    s <- vars[[d]]$row; e <- s
    while (e < nrow(cb) && cb$variable[e + 1] == "") e <- e + 1
    s:e
}))
write.csv(cb[keep, ], args[4], row.names = FALSE, na = "", fileEncoding = "UTF-8")
