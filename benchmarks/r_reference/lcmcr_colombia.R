# R's LCMCR 0.4.14 on the reference tables, called as HRDAG's verdata calls it (R/estimate_mse.R, run_lcmcr).
# Usage: Rscript lcmcr_colombia.R TABLE K SEED BURNIN SAMPLES THIN [KEEP_EVERY] [JSON] [DRAWS_OUT]
#   TABLE        a key of tests/reference/data/mse_tables.json (e.g. colombia_recruitment_men_1999_R1, kosovo)
#   KEEP_EVERY   verdata keeps every (samples / 1000)-th draw; default 1 keeps all
#   JSON         path of mse_tables.json (default: tests/reference/data/mse_tables.json from the repo root)
#   DRAWS_OUT    if given, the kept draws of N are written there, one a line, in chain order
# Prints one line: table, K, seed, settings, draws kept, mean, median, 2.5%, 97.5%, wall seconds, and the share of
# kept draws with each number of occupied latent classes (LCMCR's k_star; tracing it leaves the draws unchanged).
suppressPackageStartupMessages(library(LCMCR))

args <- commandArgs(trailingOnly = TRUE)
name <- args[1]
K <- as.integer(args[2])
seed <- as.integer(args[3])
burnin <- as.integer(args[4])
samples <- as.integer(args[5])
thin <- as.integer(args[6])
keep_every <- if (length(args) >= 7) as.integer(args[7]) else 1L
path <- if (length(args) >= 8) args[8] else "tests/reference/data/mse_tables.json"
draws_out <- if (length(args) >= 9) args[9] else ""

# Base R only (no jsonlite): the table's "patterns" object is a flat {"0101...": count} map.
text <- paste(readLines(path, warn = FALSE), collapse = "\n")
table_at <- regexpr(sprintf('"%s"\\s*:\\s*\\{', name), text)
stopifnot(table_at > 0)
rest <- substring(text, table_at)
block <- regmatches(rest, regexpr('"patterns"\\s*:\\s*\\{[^}]*\\}', rest))
pairs <- regmatches(block, gregexpr('"[01]+"\\s*:\\s*[0-9]+', block))[[1]]
patterns <- sub('^"([01]+)".*$', "\\1", pairs)
counts <- as.integer(sub('^.*:\\s*', "", pairs))
J <- nchar(patterns[1])
# One row per person, one factor column (levels 0, 1) per list, as verdata builds stratum_data_prepped.
bits <- t(vapply(patterns, function(p) as.integer(strsplit(p, "")[[1]]), integer(J)))
rows <- bits[rep(seq_along(counts), counts), , drop = FALSE]
captures <- as.data.frame(lapply(seq_len(ncol(rows)), function(j) factor(rows[, j], levels = c(0, 1))))
names(captures) <- sprintf("in_%d", seq_len(J))

start <- Sys.time()
sampler <- lcmCR(captures = captures, K = K, tabular = FALSE, seed = seed, buffer_size = 10000,
                 thinning = 1000, in_list_label = "1", not_in_list_label = "0", verbose = FALSE)
sampler$Set_Trace("k_star")
N <- lcmCR_PostSampl(sampler, burnin = burnin, samples = samples, thinning = thin, output = FALSE)
kept <- seq(1, length(N), keep_every)
N <- N[kept]
k_star <- table(sampler$Get_Trace("k_star")[kept])
wall <- as.numeric(difftime(Sys.time(), start, units = "secs"))

if (nzchar(draws_out)) writeLines(format(N, scientific = FALSE, trim = TRUE), draws_out)
q <- quantile(N, c(0.025, 0.5, 0.975), names = FALSE)
cat(sprintf("%s K=%d seed=%d burnin=%d samples=%d thin=%d keep=%d n_draws=%d mean=%.1f median=%.1f lo=%.1f hi=%.1f wall=%.1fs k_star=%s\n",
            name, K, seed, burnin, samples, thin, keep_every, length(N), mean(N), q[2], q[1], q[3], wall,
            paste(sprintf("%s:%.2f", names(k_star), k_star / length(N)), collapse = ",")))
