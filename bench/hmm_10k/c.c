/* The hmm workload with 10000 particles (see ../hmm_data/bootstrap.inc). */
#include <gsl/gsl_rng.h> /* the reference uses GSL (linked by bench/run) */
#define PARTICLES 10000
#include "../hmm_data/bootstrap.inc"
