/* The hmm workload with 100000 particles (see ../hmm_data/bootstrap.inc). */
#include <gsl/gsl_rng.h> /* the reference uses GSL (linked by bench/run) */
#define PARTICLES 100000
#include "../hmm_data/bootstrap.inc"
