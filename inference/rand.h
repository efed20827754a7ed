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
#include <math.h>
#include <stddef.h>

#include "vm/dist.h"
#include "vm/vm.h"

typedef struct InfRand {
  /* A uniform draw in [0, 1). An enumerating source cannot give one (it is
   * an error): algorithms use categorical for every discrete decision. */
  double (*uniform)(struct InfRand *self);
  /* An index in [0, n) drawn with probability weights[i] / sum(weights). */
  size_t (*categorical)(struct InfRand *self, const double *weights, size_t n);
  void *state;
  /* Set for the enumerating source (outcomes.c): then the model's own
   * random choices are drawn through it too, from their finite supports. */
  bool enumerating;
} InfRand;

/* A draw from d for the model: from the VM's generator, or, while the
 * randomness is being enumerated, through the source from d's finite
 * support (an error for a distribution without one). */
Value rand_draw(VM *vm, const ObjDist *d);

/* The source in use on this VM: the VM's generator unless a validation
 * source has been installed. */
InfRand *rand_of(VM *vm);
/* Installs a source (NULL: back to the VM's generator); returns the old one. */
InfRand *rand_install(VM *vm, InfRand *r);

static inline bool rand_bernoulli(InfRand *r, double p) {
  double w[2] = {1 - p, p};
  return r->categorical(r, w, 2) == 1;
}

/* An MH decision: accept with probability min(1, exp(log_ratio)). */
static inline bool rand_accept(InfRand *r, double log_ratio) {
  if (log_ratio >= 0) return true;
  if (log_ratio != log_ratio || log_ratio == -INFINITY) return false;
  return rand_bernoulli(r, exp(log_ratio));
}

#endif
