/* smc.c — sequential Monte Carlo:
 *
 *   smc({particles: 1000, resample: "systematic", threshold: 0.5,
 *        move: kernel, moves: 1})
 *
 * population ∘ suspend ∘ prior (DESIGN.md): N runs stepped together from
 * one observe/factor to the next, resampled when the effective sample size
 * falls below threshold * N (1: every step, 0: never). With move, each
 * particle is rejuvenated after each resampling by `moves` steps of an MCMC
 * kernel that leaves the current partial posterior invariant
 * (resample-move). The log evidence estimate is unbiased on the natural
 * scale.
 */
#include <gc/gc.h>
#include <math.h>
#include <stdio.h>

#include "inference.h"
#include "method.h"
#include "population.h"
#include "posterior.h"
#include "smc.h"

static const char *const smc_options[] = {"particles", "resample", "threshold", "move", "moves", NULL};

void smc_config_parse(Options *o, SmcConfig *c) {
  c->particles = opts_count(o, "particles", 1000, 1, 100000000L);
  c->scheme = (ResampleScheme)opts_choice(o, "resample", RESAMPLE_SYSTEMATIC, resample_names);
  c->threshold = opts_number(o, "threshold", 0.5, 0, 1);
  c->move = opts_get(o, "move");
  if (c->move == VAL_UNDEF) c->move = VAL_NIL;
  c->moves = opts_count(o, "moves", c->move == VAL_NIL ? 0 : 1, 0, 1000000L);
  static const char *const mutants[] = {"forget_evidence", NULL};
  c->mutant_forget_evidence = opts_mutant(o, mutants) == 0;
}

static bool all_done(const Population *pop) {
  for (size_t i = 0; i < pop->n; i++)
    if (!pop_done(pop, i)) return false;
  return true;
}

bool smc_should_resample(Population *pop, const SmcConfig *c, double *ess) {
  *ess = pop_ess(pop);
  if (all_done(pop) || c->threshold <= 0) return false;
  return c->threshold >= 1 || *ess < c->threshold * (double)pop->n;
}

void smc_sweep(VM *vm, Value model, const SmcConfig *c, Population *pop, const char *who) {
  bool traced = c->move != VAL_NIL;
  pop_init(pop, vm, model, (size_t)c->particles, 0, traced);
  pop->mutant_forget_evidence = c->mutant_forget_evidence;
  while (pop_step(pop, vm, who)) {
    double ess;
    bool resampled = smc_should_resample(pop, c, &ess);
    if (resampled) {
      pop_resample(pop, vm, c->scheme, -1);
      for (long k = 0; k < c->moves; k++) smc_rejuvenate(vm, model, c->move, pop);
    }
    if (vm->rt->verbose) {
      fflush(vm->rt->out);
      fprintf(stderr, "%s: step %zu, ESS %.1f of %zu%s\n", who, pop->steps, ess, pop->n, resampled ? ", resampled" : "");
    }
  }
  if (vm->rt->verbose)
    fprintf(stderr, "%s: %zu step%s, %zu resampling%s\n", who, pop->steps, pop->steps == 1 ? "" : "s", pop->resamples,
            pop->resamples == 1 ? "" : "s");
}

static Value smc_run(VM *vm, Value model, const Method *m) {
  const SmcConfig *c = m->config;
  Population pop;
  smc_sweep(vm, model, c, &pop, "smc");
  ObjArray *vals = obj_array((uint32_t)pop.n);
  double *logw = GC_MALLOC_ATOMIC(sizeof(double) * pop.n);
  for (size_t i = 0; i < pop.n; i++) {
    vals->items[i] = pop.fibers[i]->result;
    logw[i] = pop.logw[i];
  }
  return posterior_new(vm, method_desc(m), vals, logw, pop_log_evidence(&pop), false);
}

static const MethodClass smc_class = {"smc", smc_run};

static Value b_smc(VM *vm, int argc, const Value *args) {
  Options o;
  opts_init(&o, vm, "smc", argc, args, smc_options);
  SmcConfig *c = GC_MALLOC(sizeof *c);
  smc_config_parse(&o, c);
  if (c->move != VAL_NIL) smc_check_kernel(vm, c->move);
  return method_new(&smc_class, opts_record(&o), c);
}

void smc_install(VM *vm) { vm_def_builtin(vm, "smc", b_smc, 0, 1); }
