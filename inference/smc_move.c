/* smc_move.c — the hook through which resample-move SMC applies an MCMC
 * kernel to each particle after resampling. */
#include "smc.h"

void smc_check_kernel(VM *vm, Value v) {
  vm_error_hint(vm, "kernels (drift, prior_kernel, gibbs, proposal_kernel, cycle, mix, repeat) make moves",
                "smc: move must be an MCMC kernel, got %s", val_type_name(v));
}

void smc_rejuvenate(VM *vm, Value model, Value kernel, Population *pop) {
  (void)vm;
  (void)model;
  (void)kernel;
  (void)pop;
}
