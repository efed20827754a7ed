/* resample.h — the four resampling schemes, each a small function over
 * normalised weights, shared by every algorithm that resamples (SMC,
 * particle Gibbs, PMMH).
 *
 * Each writes m ancestor indices, in increasing order, such that the
 * expected number of copies of particle i is m * w[i] (unbiasedness, the
 * property every scheme preserves). They differ in variance:
 * multinomial > stratified >= systematic, residual below multinomial.
 * Their randomness comes from the inference source (rand.h).
 */
#ifndef PPL_RESAMPLE_H
#define PPL_RESAMPLE_H

#include <stddef.h>

#include "rand.h"

typedef enum ResampleScheme {
  RESAMPLE_MULTINOMIAL,
  RESAMPLE_SYSTEMATIC,
  RESAMPLE_STRATIFIED,
  RESAMPLE_RESIDUAL,
} ResampleScheme;

/* The option names, in enum order, NULL-terminated. */
extern const char *const resample_names[];

/* w: n normalised weights (sum 1). out: m ancestor indices, the expected
 * number of copies of particle i being m * w[i] (m = n normally; n - 1 in
 * conditional SMC, whose reference keeps its place). */
void resample(ResampleScheme scheme, InfRand *r, const double *w, size_t n, size_t m, size_t *out);

void resample_multinomial(InfRand *r, const double *w, size_t n, size_t m, size_t *out);
void resample_systematic(InfRand *r, const double *w, size_t n, size_t m, size_t *out);
void resample_stratified(InfRand *r, const double *w, size_t n, size_t m, size_t *out);
void resample_residual(InfRand *r, const double *w, size_t n, size_t m, size_t *out);

#endif
