# attack.R TABLES.csv MIN_CELL — plays the attacker against a published tables.csv (issue #12):
# from that file alone, writes down every linear relation a reader has between its counts —
# a single choice's categories add up to the domain's n, its shares to 1; the domains add up to
# 全体 (with an unknown remainder for respondents outside every domain); crossed domains add
# up to the domains of a table by one of their variables; the same cell in two tables is one
# unknown — and solves, with lpSolve, for the smallest and largest value every withheld count
# (and weighted count) can take. Fails (exit 1) when:
#   - a cell withheld because it is small (suppression = primary) can be narrowed to an
#     interval narrower than MIN_CELL: the reader could tell how small it is;
#   - any withheld count can be pinned to one value (interval narrower than 1), or any withheld
#     weighted count to better than 1e-6 of its table's total;
#   - a single choice's domain has exactly one withheld share (1 − the others gives it away);
#   - a withheld row still shows a count, weighted count, share, SE, interval or deff.
# Prints one "ok"/"not ok" line per check and a summary. Needs r-cran-lpsolve.
suppressPackageStartupMessages(library(lpSolve))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: attack.R TABLES.csv MIN_CELL")
min_cell <- as.numeric(args[2])
t <- read.csv(args[1], colClasses = "character", fileEncoding = "UTF-8-BOM", check.names = FALSE)
t <- t[t$statistic %in% c("share", "total", "mean"), ]
# tables.csv before secondary suppression had no suppression column: all were primary
if (!"suppression" %in% names(t)) t$suppression <- ifelse(t$suppressed == "yes", "primary", "")
num <- function(x) suppressWarnings(as.numeric(x))
fails <- 0
report <- function(ok, what) {
  cat(if (ok) "ok - " else "not ok - ", what, "\n", sep = "")
  if (!ok) fails <<- fails + 1
}

# 1. a withheld row shows none of its numbers
sup <- t$suppressed == "yes"
shown <- sup & (t$n_category != "" | t$weighted_n != "" | t$estimate != "" | t$se != "" |
                t$ci_low != "" | t$ci_high != "" | t$deff != "")
report(!any(shown), sprintf("%d withheld rows show no count, weighted count, share, SE, interval or deff", sum(sup)))

# The domain of a row, as a key with its variables in name order: "age_band=3;sex=1"; "" = 全体.
domain_key <- function(by, codes) {
  if (by == "" || codes == "") return("")
  v <- strsplit(by, ";")[[1]]; k <- strsplit(codes, ";")[[1]]
  o <- order(v)
  paste(paste0(v[o], "=", k[o]), collapse = ";")
}
t$dkey <- mapply(domain_key, t$by, t$by_codes)
t$col <- ifelse(t$statistic == "share" | (t$statistic == "total" & t$code != ""), paste0("c=", t$code), "v")

# Unknowns and equations, per variable (tables of different variables share no cell).
attack_variable <- function(rows, weighted) {
  vars <- character(0); value <- numeric(0)   # cell key -> known value (NA: unknown)
  cell <- function(key, v) {
    if (!(key %in% vars)) { vars <<- c(vars, key); value <<- c(value, v) }
    else if (is.na(value[match(key, vars)]) && !is.na(v)) value[match(key, vars)] <<- v
    match(key, vars)
  }
  eqs <- list()
  add_eq <- function(idx, coef) eqs[[length(eqs) + 1]] <<- list(idx = idx, coef = coef)
  for (tab in unique(rows$table)) {
    r <- rows[rows$table == tab, ]
    var <- r$variable[1]
    cellval <- function(i) {
      if (r$suppressed[i] == "yes") return(NA)
      if (!weighted) return(if (r$col[i] == "v") num(r$n[i]) else num(r$n_category[i]))
      if (r$statistic[i] == "share") return(num(r$estimate[i]) * num(r$weighted_n[i]))
      if (r$statistic[i] == "total") return(num(r$estimate[i]))
      num(r$estimate[i]) * num(r$weighted_n[i])
    }
    nval <- function(i) if (weighted) num(r$weighted_n[i]) else num(r$n[i])
    doms <- unique(r$dkey)
    share <- r$col[1] != "v"
    all <- r[r$dkey == "", ]
    single <- share && all(r$statistic == "share") &&
      sum(num(all$estimate), na.rm = TRUE) <= 1 + 1e-9
    cols <- unique(r$col)
    for (d in doms) {
      rd <- which(r$dkey == d)
      idx <- sapply(rd, function(i) cell(paste(var, d, r$col[i], sep = "|"), cellval(i)))
      if (share) {
        nkey <- cell(paste(var, d, "n", sep = "|"), {
          ok <- rd[r$suppressed[rd] == "no"]
          if (length(ok)) nval(ok[1]) else if (r$n[rd[1]] != "" && !weighted) num(r$n[rd[1]]) else NA
        })
        if (single) add_eq(c(idx, nkey), c(rep(1, length(idx)), -1))
      }
    }
    by <- r$by[1]
    if (by == "") next
    bys <- strsplit(by, ";")[[1]]
    # domains add up to 全体, with a remainder for respondents outside every domain
    sum_to <- function(sel_doms, total_key, rest_key) {
      for (cc in c(cols, if (share) "n")) {
        idx <- sapply(sel_doms, function(d) cell(paste(var, d, cc, sep = "|"), NA))
        tot <- cell(paste(var, total_key, cc, sep = "|"), NA)
        rest <- cell(paste(var, rest_key, cc, sep = "|"), NA)
        add_eq(c(idx, tot, rest), c(rep(1, length(idx)), -1, 1))
      }
      if (single) {
        idx <- sapply(cols, function(cc) cell(paste(var, rest_key, cc, sep = "|"), NA))
        add_eq(c(idx, cell(paste(var, rest_key, "n", sep = "|"), NA)), c(rep(1, length(idx)), -1))
      }
    }
    d1 <- setdiff(doms, "")
    sum_to(d1, "", paste(paste0(sort(bys), "=?"), collapse = ";"))
    if (length(bys) == 2) for (v in bys) {
      other <- setdiff(bys, v)
      codes <- unique(sapply(strsplit(d1, ";"), function(p) sub(".*=", "", p[grepl(paste0("^", v, "="), p)])))
      for (k in codes) {
        sel <- d1[sapply(strsplit(d1, ";"), function(p) paste0(v, "=", k) %in% p)]
        rest <- paste(sort(c(paste0(v, "=", k), paste0(other, "=?"))), collapse = ";")
        sum_to(sel, paste0(v, "=", k), rest)
      }
    }
  }
  list(vars = vars, value = value, eqs = eqs)
}

interval <- function(sys, target) {
  unk <- which(is.na(sys$value))
  j <- match(target, unk)
  A <- NULL; b <- NULL
  for (e in sys$eqs) {
    row <- numeric(length(unk)); rhs <- 0
    for (k in seq_along(e$idx)) {
      i <- e$idx[k]
      if (is.na(sys$value[i])) row[match(i, unk)] <- row[match(i, unk)] + e$coef[k]
      else rhs <- rhs - e$coef[k] * sys$value[i]
    }
    if (any(row != 0)) { A <- rbind(A, row); b <- c(b, rhs) }
  }
  obj <- numeric(length(unk)); obj[j] <- 1
  if (is.null(A)) return(c(0, Inf))
  lo <- lp("min", obj, A, rep("=", nrow(A)), b)
  hi <- lp("max", obj, A, rep("=", nrow(A)), b)
  c(if (lo$status == 0) lo$objval else NA, if (hi$status == 0) hi$objval else if (hi$status == 3) Inf else NA)
}

for (var in unique(t$variable)) {
  rows <- t[t$variable == var, ]
  for (weighted in c(FALSE, TRUE)) {
    sys <- attack_variable(rows, weighted)
    total <- max(c(sys$value, 1), na.rm = TRUE)
    for (i in which(rows$suppressed == "yes")) {
      key <- paste(var, rows$dkey[i], rows$col[i], sep = "|")
      iv <- interval(sys, match(key, sys$vars))
      width <- iv[2] - iv[1]
      what <- sprintf("%s %s [%s] %s: %s count %s in [%.4g, %.4g]", rows$table[i], var, rows$by_labels[i],
                      rows$label[i], rows$suppression[i], if (weighted) "(weighted)" else "", iv[1], iv[2])
      need <- if (weighted) 1e-6 * total else if (rows$suppression[i] == "primary") min_cell else 1
      ok <- !is.na(width) && width >= need - 1e-7
      if (!ok || Sys.getenv("ATTACK_VERBOSE") != "") report(ok, what)
      else report(TRUE, what)
    }
  }
}

# 3. no single-choice domain with exactly one withheld share
for (tab in unique(t$table)) {
  r <- t[t$table == tab & t$statistic == "share", ]
  if (!nrow(r)) next
  all <- r[r$dkey == "", ]
  if (sum(num(all$estimate), na.rm = TRUE) > 1 + 1e-9) next
  for (d in unique(r$dkey)) {
    k <- sum(r$suppressed[r$dkey == d] == "yes")
    if (k == 1) report(FALSE, sprintf("%s [%s]: one withheld share, 1 − the others", tab, d))
  }
}
cat(sprintf("attack: %d withheld rows, %d recovered\n", sum(sup), fails))
quit(status = if (fails > 0) 1 else 0)
