/* mcmc.h — Markov chain states and re-execution with replay: the block the
 * MH family (mh.c, kernel.c) and resample-move SMC share.
 *
 * A state is one run of a model together with the trace of its choices. It
 * is either
 *   complete  the fiber has finished (FIBER_DONE); the target density is
 *             prior(choices) × every likelihood term, or
 *   partial   the fiber is suspended right after its t-th weight event
 *             (observe, factor or condition; t = run->n_weighed), as an
 *             SMC particle is; the target is prior(choices made so far) ×
 *             the first t likelihood terms.
 * A complete run is the special case t = all.
 *
 * Re-execution (mc_rerun) runs the model again from the start, taking the
 * values of a change map first, then every other choice of the old state by
 * address when the new run makes a choice at that address from the same
 * family, and drawing the rest from the prior. It stops where the old state
 * stopped: at the end, or right after the same number of weight events (or
 * at the end, if the new run has fewer). Choices the new run drew afresh are
 * *fresh*; choices of the old state the new run did not take are *stale*.
 * Their prior densities are what an MH ratio needs to stay correct when
 * control flow makes choices appear or disappear.
 *
 * Kernels (kernel.h) map a state to a new state; kernel_apply is the entry
 * point for any driver, including resample-move SMC:
 *
 *     MCState *s = mc_state_from_fiber(vm, model, particle_fiber);
 *     s = kernel_apply(vm, kernel, model, s, stats);
 *     particle_fiber = s->fiber;   // suspended at the same point; continue it
 *
 * Contract for a fiber handed to mc_state_from_fiber:
 *   - it runs under run_handler (inference/run.h) with a trace (Run.trace is
 *     not NULL), so every choice made so far is recorded;
 *   - f->log_weight is the sum of its observe/factor/condition log weights
 *     so far (a driver that resets weights at resampling keeps them
 *     elsewhere);
 *   - it is FIBER_DONE, or FIBER_SUSPENDED right after a weight event (as
 *     RUN_SUSPEND leaves it), or FIBER_READY (t = 0: nothing to move).
 * The state takes the fiber over: the driver continues the fiber of the
 * state kernel_apply returns, never the one it passed in when they differ.
 * A new state's run has the old run's flags (RUN_SUSPEND stays set), and its
 * replay is cleared once it reaches the old stopping point, so choices made
 * after it are fresh draws.
 *
 * Nothing here is shared between threads: each chain (and each VM) has its
 * own states and MCStats.
 */
#ifndef PPL_MCMC_H
#define PPL_MCMC_H

#include <stdbool.h>
#include <stdint.h>

#include "run.h"

typedef struct MCState {
  Value model;
  Fiber *fiber;        /* FIBER_DONE, or suspended after n_weighed weight events */
  Run *run;            /* fiber->hdata */
  Trace *trace;        /* the choices made so far (== run->trace at creation) */
  double log_prior;    /* sum of the log densities of the unobserved choices */
  double log_weight;   /* sum of the observe/factor/condition log weights */
  uint32_t n_weighed;  /* weight events so far */
  uint32_t n_latent;   /* unobserved choices in trace */
  bool partial;        /* a rerun stops after n_weighed weight events */
} MCState;

/* What a re-execution changed, for the acceptance ratio. */
typedef struct MCMove {
  double log_fresh;    /* prior log density of the choices drawn afresh */
  double log_stale;    /* log density, in the old state, of its choices the new run did not take */
  uint32_t n_fresh, n_stale;
  bool changes_used;   /* every address of the change map was a choice of the new run */
} MCMove;

/* A state for a fiber that has run (see the contract above). */
MCState *mc_state_from_fiber(VM *vm, Value model, Fiber *f);
/* A complete state from a fresh traced run of model from the prior (flags:
 * extra run flags, e.g. RUN_UNRECORDED_OBSERVES). */
MCState *mc_state_from_prior(VM *vm, Value model, unsigned flags);

/* Re-runs s's model with change (address -> value; may be NULL) as above.
 * Returns the new state, or NULL when the new run became impossible (zero
 * weight or a choice of zero density) before its stopping point: a proposal
 * that can only be rejected. *mv describes the move when a state is
 * returned; with NULL, only mv->n_fresh is set: the choices drawn afresh
 * before the run stopped (when there are none, the outcome did not depend
 * on random draws). */
MCState *mc_rerun(VM *vm, const MCState *s, const Table *change, MCMove *mv);

/* log target density of a state: log_prior + log_weight. */
static inline double mc_log_target(const MCState *s) { return s->log_prior + s->log_weight; }

/* The i-th unobserved choice of s (0 <= i < s->n_latent). */
const TraceChoice *mc_latent(const MCState *s, uint32_t i);

/* The model's return value in a complete state (nil in a partial one). */
Value mc_result(const MCState *s);

#endif
