/* smc.h — what the SMC family shares: the configuration of a sweep and the
 * sweep itself (smc, particle Gibbs and PMMH build on it). */
#ifndef PPL_SMC_H
#define PPL_SMC_H

#include "method.h"
#include "population.h"

typedef struct SmcConfig {
  long particles;
  ResampleScheme scheme;
  double threshold; /* resample when ESS < threshold * particles */
  Value move;       /* an MCMC kernel for resample-move, or nil */
  long moves;
  bool mutant_forget_evidence; /* see Population */
} SmcConfig;

void smc_config_parse(Options *o, SmcConfig *c);
/* Whether to resample now; *ess gets the current effective sample size. */
bool smc_should_resample(Population *pop, const SmcConfig *c, double *ess);
/* One SMC run of model into pop (who names it in messages). */
void smc_sweep(VM *vm, Value model, const SmcConfig *c, Population *pop, const char *who);

/* The draws of one MCMC chain (particle Gibbs, PMMH) as a posterior. */
Value smc_chain_posterior(VM *vm, const Method *m, ObjArray *draws);

/* Resample-move: one kernel step on every particle (smc_move.c). */
void smc_rejuvenate(VM *vm, Value model, Value kernel, Population *pop);
/* An error unless v is a kernel value. */
void smc_check_kernel(VM *vm, Value v);

#endif
