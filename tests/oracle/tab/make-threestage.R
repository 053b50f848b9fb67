# make-threestage.R — data/households-3stage.csv and codebooks/households-3stage.csv (scenario 75):
# households.csv (SYNTHETIC) with a third sampling stage made up between its 調査地点 and its
# persons: each point's persons split into 2 blocks (alternately, in id order) drawn from 5 in the
# point (fpc_blocks = 5), and each block's persons drawn from 8 times as many (fpc_persons).
# Deterministic (no random numbers). Usage: Rscript tests/oracle/tab/make-threestage.R
here <- local({
    a <- grep("^--file=", commandArgs(FALSE), value = TRUE)
    normalizePath(dirname(sub("^--file=", "", a[1])))
})
d <- read.csv(file.path(here, "data/households.csv"), comment.char = "#")
d <- d[order(d$id), ]
d$block <- ave(d$id, d$area, d$point, FUN = function(x) (seq_along(x) - 1) %% 2 + 1)
d$fpc_blocks <- 5
d$fpc_persons <- 8 * ave(d$id, d$area, d$point, d$block, FUN = length)
out <- file.path(here, "data/households-3stage.csv")
writeLines(c("# SYNTHETIC three-stage sample (make-threestage.R): households.csv with blocks of persons",
             "# within its points (2 of 5 per point), persons within blocks (1 in 8)."), out)
suppressWarnings(write.table(d, out, sep = ",", row.names = FALSE, quote = FALSE, na = "", append = TRUE))
cb <- readLines(file.path(here, "codebooks/households.csv"), encoding = "UTF-8")
cb[1] <- "# Codebook of tests/oracle/tab/data/households-3stage.csv (SYNTHETIC, make-threestage.R)."
writeLines(c(cb, "block,integer,block,ブロック,Block,,,,,,,",
             "fpc_blocks,numeric,fpc_blocks,地点のブロック数,Blocks in the point,,,,,,,",
             "fpc_persons,numeric,fpc_persons,ブロックの人数,Persons in the block,,,,,,,"),
           file.path(here, "codebooks/households-3stage.csv"), useBytes = TRUE)
