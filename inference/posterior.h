/* posterior.h — what infer returns: a distribution over the model's return
 * values, exact (enumerate) or a weighted sample (everything else).
 *
 * A posterior is an ordinary distribution value (OBJ_DIST): it can be
 * sampled, scored (logpdf, prob), summarised (mean, sd, variance, quantile,
 * support), used inside another model (nested inference), printed as a
 * table (summary) or a histogram (hist), and written out (write_csv,
 * write_json). When the model returns a record or an array, every field or
 * element is summarised on its own.
 */
#ifndef PPL_POSTERIOR_H
#define PPL_POSTERIOR_H

#include <stdbool.h>

#include "vm/dist.h"
#include "vm/vm.h"

typedef struct Posterior {
  char *desc;       /* the method that made it: "importance({particles: 1000})" */
  ObjArray *values; /* n values */
  double *w;        /* n normalised weights (sum 1) */
  double *cum;      /* cumulative weights, for drawing (made on first use) */
  uint32_t n;
  double logz;      /* log evidence estimate; NAN when the method gives none */
  double ess;       /* effective sample size; NAN for an exact posterior */
  bool exact;
  /* MCMC draws (filled by the MH family): per-draw chain number, or NULL */
  uint32_t *chain;
  uint32_t n_chains;
  void *diagnostics; /* method-specific extras (acceptance rates, ...) */
} Posterior;

/* Builds a posterior from values with unnormalised log weights (logw NULL:
 * equal weights). With exact set, equal values are merged and the result
 * reports no ESS. Weights must not all be zero. */
Value posterior_new(VM *vm, const char *desc, ObjArray *values, const double *logw, double logz, bool exact);
/* Effective sample size from the weights (Kish): 1 / sum(w^2). */
double posterior_kish_ess(const double *w, uint32_t n);
bool posterior_is(Value v);
Posterior *posterior_of(Value v);

/* Calls fn for every scalar leaf of a value, named by its path: "value" for
 * a plain number, "mu", "theta[2]", "params.sigma". */
typedef void (*LeafFn)(const char *name, Value leaf, void *data);
void value_leaves(Value v, LeafFn fn, void *data);

/* Writes a posterior as CSV (a weight column, then one column per field). */
void posterior_write_csv(VM *vm, Value post, const char *path);

/* Registers summary, hist, samples, weights, logz, ess, write_csv and
 * write_json. */
void posterior_install(VM *vm);

#endif
