/* rand.h — where inference algorithms get their own randomness: which
 * particle to resample, which site to propose, whether to accept. Never
 * from GSL directly (DESIGN.md, "Numerics and randomness").
 *
 * Normally the source is the running VM's generator. Validation swaps in a
 * source that enumerates outcomes instead (each call forks the computation
 * with the outcome's probability), which turns "this transform preserves the
 * distribution" into an exact test.
 */
#ifndef PPL_RAND_H
#define PPL_RAND_H

#include <stdbool.h>
#include <stddef.h>

#include "vm/vm.h"

typedef struct InfRand {
  /* A uniform draw in [0, 1). */
  double (*uniform)(struct InfRand *self);
  /* An index in [0, n) drawn with probability weights[i] / sum(weights). */
  size_t (*categorical)(struct InfRand *self, const double *weights, size_t n);
  void *state;
} InfRand;

/* The source in use on this VM: the VM's generator unless a validation
 * source has been installed. */
InfRand *rand_of(VM *vm);
/* Installs a source (NULL: back to the VM's generator); returns the old one. */
InfRand *rand_install(VM *vm, InfRand *r);

static inline bool rand_bernoulli(InfRand *r, double p) {
  double w[2] = {1 - p, p};
  return r->categorical(r, w, 2) == 1;
}

#endif
