.RNG.name <- "base::Mersenne-Twister"
.RNG.seed <- 1
