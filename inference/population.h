/* population.h — N weighted runs of a model stepped together: the
 * population block of DESIGN.md, used by SMC, particle Gibbs and PMMH.
 *
 * A particle is a fiber run with RUN_SUSPEND. pop_step resumes every
 * unfinished particle until its next observe, factor or condition (or its
 * end) and adds the weight increment. A particle that has finished keeps its
 * weight and waits: step k ends when every particle has passed its k-th
 * weight event or finished, so runs that take different paths (different
 * numbers of observes) stay aligned by event count.
 *
 * Resampling copies fibers, which copies only their stacks and frames (heap
 * values are shared and immutable): O(N x live stack). The first offspring
 * of a particle takes over its fiber without copying. After resampling the
 * weights are equal; the log evidence adds, per resampling epoch, the log
 * of the mean weight, which keeps the estimate of the evidence unbiased on
 * the natural scale.
 */
#ifndef PPL_POPULATION_H
#define PPL_POPULATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evidence.h"
#include "resample.h"
#include "run.h"

/* Particles are parallel arrays: a fiber (whose handler state, a Run,
 * lives inside its block) and the log weight since the last resampling. A
 * particle has finished when its fiber has. */
typedef struct Population {
  Fiber **fibers;
  Fiber **next;  /* the buffer the next generation is built in */
  double *logw;
  size_t n;
  double log_z;  /* log evidence of the finished resampling epochs */
  size_t steps;  /* weight events passed */
  size_t resamples;
  size_t *ancestors; /* of the last resampling */
  bool impossible;   /* every weight became zero (see pop_step) */
  bool traced;       /* the runs record traces */
  /* A planted bug (negative controls): resampling drops the epoch's mean
   * weight from the evidence, as if offspring weighed 1/N instead of Z/N. */
  bool mutant_forget_evidence;
  double *w;         /* normalised weights, when w_fresh */
  /* pop->w and w_log_total hold pop_normalise's result for the current
   * logw: SMC asks for it twice a step (the ESS, then resampling), and it
   * costs an exp per particle. Cleared whenever logw changes. */
  bool w_fresh;
  double w_log_total;
  /* pop_resample's scratch, made at the first resampling: which particles
   * have offspring, the dead ones, the offspring that are copies. */
  unsigned char *used;
  uint32_t *dead, *copies;
} Population;

static inline Run *pop_run(const Population *pop, size_t i) { return pop->fibers[i]->hdata; }
static inline bool pop_done(const Population *pop, size_t i) { return pop->fibers[i]->state == FIBER_DONE; }

/* n particles, each a fresh run of model with the given run flags (RUN_SUSPEND
 * is added) and a trace when traced is set. */
void pop_init(Population *pop, VM *vm, Value model, size_t n, unsigned run_flags, bool traced);
/* Advances every unfinished particle to its next weight event. Returns false
 * when every particle had already finished (nothing was run). When every
 * weight becomes zero it raises the impossible-evidence error naming who
 * ("smc"), or, when who is NULL, sets pop->impossible and returns false. */
bool pop_step(Population *pop, VM *vm, const char *who);
/* Normalised weights into pop->w; returns the log of the sum of the
 * unnormalised weights. Computed once per change of the weights. */
double pop_normalise(Population *pop);
double pop_ess(Population *pop);
/* Resamples with the scheme; when fixed_ancestor_of_0 >= 0, particle 0's
 * ancestor is that index instead of a draw (conditional SMC). */
void pop_resample(Population *pop, VM *vm, ResampleScheme scheme, long fixed_ancestor_of_0);
/* The log evidence estimate so far (finished epochs plus the current one). */
double pop_log_evidence(Population *pop);
/* Index of a particle drawn by weight. */
size_t pop_draw(Population *pop, VM *vm);

#endif
