/* smc_move.c — resample-move: after each resampling, every particle is
 * moved by an MCMC kernel that leaves the current partial posterior (prior
 * times the likelihood terms seen so far) invariant (kernel.h, mcmc.h).
 * Moves rejuvenate particles that resampling made into copies, which keeps
 * static parameters from collapsing onto a few values. The weights are
 * untouched: an invariant move keeps the population properly weighted. */
#include "kernel.h"
#include "smc.h"

void smc_check_kernel(VM *vm, Value v) {
  if (kernel_is(v)) return;
  vm_error_hint(vm,
                "kernels: single_site(), drift(addr, scale), prior_kernel(addr), gibbs(addr), proposal_kernel(q), "
                "combined with cycle, mix and repeat_kernel",
                "smc: move must be an MCMC kernel, got %s", val_type_name(v));
}

void smc_rejuvenate(VM *vm, Value model, Value kernel, Population *pop) {
  MCStats *stats = mc_stats_new(vm, kernel);
  for (size_t i = 0; i < pop->n; i++) {
    Fiber *f = pop->fibers[i];
    if (f->state == FIBER_READY) continue; /* nothing chosen yet */
    MCState *s = mc_state_from_fiber(vm, model, f);
    s = kernel_apply(vm, kernel, model, s, stats);
    pop->fibers[i] = s->fiber; /* suspended where f was */
  }
  if (vm->rt->verbose) fprintf(stderr, "smc: moves accepted: %s\n", mc_stats_describe(stats));
}
