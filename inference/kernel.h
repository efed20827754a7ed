/* kernel.h — MCMC kernels as values: transitions on chain states (mcmc.h)
 * that leave the target distribution invariant, and combinators that build
 * schedules from them. The same kernel values serve mh() and the move step
 * of resample-move SMC.
 *
 *   single_site()        the default: one unobserved choice picked
 *                        uniformly, proposed by a random walk (continuous
 *                        choices; its scale adapts during burn-in) or from
 *                        its prior (everything else)
 *   drift(addr, scale)   random walk normal(x, scale) on one choice
 *   prior_kernel(addr)   a fresh draw of one choice from its prior
 *   gibbs(addr)          one discrete choice from its exact conditional,
 *                        by running the model once per value of its support
 *   proposal_kernel(q)   a proposal written in ppl: q(trace) samples new
 *                        values with sample("addr", D); the move is scored
 *                        forward and back (q run on the new trace,
 *                        constrained to the old values)
 *   cycle([k1, k2, ...]) each in turn
 *   mix([k1, k2], [w1, w2])  one of them, chosen with probability
 *                        proportional to its weight
 *   repeat_kernel(k, n)  k applied n times
 *
 * Every basic kernel is a Metropolis-Hastings step whose acceptance ratio
 * accounts for choices that appear (fresh) or disappear (stale) when control
 * flow changes, so each leaves the posterior invariant on models with
 * stochastic control flow. A kernel whose address is not a choice of the
 * current state leaves it unchanged.
 *
 * gibbs is an exact Gibbs step (always accepted) when changing the choice
 * makes no other choice appear or disappear. Otherwise it draws the value
 * from the conditional with the new choices drawn from their prior, and
 * accepts it with a multiple-try Metropolis correction, which keeps it exact.
 */
#ifndef PPL_KERNEL_H
#define PPL_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "mcmc.h"

struct Kernel;

/* Per-chain bookkeeping of the kernels a driver applies: proposals and
 * acceptances per basic kernel (shared kernels counted once), and the
 * random-walk scales single_site adapts while `adapting` is set. One per
 * chain; never shared between threads. */
typedef struct MCStats {
  uint32_t n;
  const struct Kernel **kernels; /* the basic kernels of the tree, depth first */
  uint64_t *proposed, *accepted;
  uint64_t *absent;    /* applications that found no choice at the kernel's address */
  bool adapting;       /* burn-in: single_site tunes its random-walk scales */
  Table scales;        /* address -> [log scale, updates] for single_site */
  bool no_fresh_stale; /* testing only: drop the fresh/stale terms (a wrong sampler) */
} MCStats;

bool kernel_is(Value v);

/* Counters for every basic kernel of the kernel value `kernel`. */
MCStats *mc_stats_new(VM *vm, Value kernel);
/* Adds b's counts to a's (both made for the same kernel). */
void mc_stats_add(MCStats *a, const MCStats *b);
/* "single_site() 0.432, gibbs(\"z\") 1.000": acceptance rate per basic
 * kernel (a GC string). */
char *mc_stats_describe(const MCStats *st);
/* A kernel that found no choice at its address in any of its applications
 * (a misspelt address, most likely), or NULL. */
const char *mc_stats_never_found(const MCStats *st);

/* One transition of kernel from s (see mcmc.h for what a state may be).
 * Returns the new state, which is s itself when the move was rejected.
 * stats may be NULL. Randomness: proposals draw from the VM's generator,
 * choices between moves and accept/reject coins from rand_of(vm). */
MCState *kernel_apply(VM *vm, Value kernel, Value model, MCState *s, MCStats *stats);

/* The default kernel, single_site(). */
Value kernel_single_site(VM *vm);

/* Registers single_site, drift, prior_kernel, gibbs, proposal_kernel,
 * cycle, mix and repeat_kernel. */
void kernel_install(VM *vm);

#endif
