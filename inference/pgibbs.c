/* pgibbs.c — particle Gibbs: MCMC whose every sweep is a conditional SMC.
 *
 *   pgibbs({particles: 100, sweeps: 1000, burn: 100, ancestor: true})
 *   pgibbs({..., init: trace})   the first reference (else an SMC sweep)
 *
 * A sweep runs the population block with one particle held to a reference
 * trajectory: particle 0 replays the reference trace by address, and at
 * each resampling keeps its place (its ancestor is fixed) while the others
 * are drawn multinomially. At the end one particle, drawn by weight, gives
 * the sweep's draw and the next reference. The sweep leaves the posterior
 * invariant.
 *
 * With ancestor: true (ancestor sampling), the reference's ancestor at each
 * resampling is drawn instead, with weights that re-score the reference's
 * remaining choices under each particle's prefix:
 *   w_i * p(prefix_i, rest of reference) / p(prefix_i),
 * each p a full re-run of the model with the prefix's choices and the
 * reference's remaining ones replayed by address. This is correct for any
 * model, Markov or not, when the reference's remaining choices are the ones
 * the model makes after any prefix; a choice neither has is drawn from its
 * prior (its density left out of the weight, as an importance proposal).
 * It costs N full runs per step: O(N T^2) per sweep for T steps, against
 * O(N T) without it, in exchange for much better mixing of early states.
 */
#include <gc/gc.h>
#include <math.h>
#include <string.h>

#include "inference.h"
#include "method.h"
#include "population.h"
#include "posterior.h"
#include "progress.h"
#include "smc.h"

typedef struct PgConfig {
  long particles, sweeps, burn;
  bool ancestor;
  Trace *init; /* the first reference, or NULL: an unconditional sweep */
  bool mutant_drop_reference; /* a planted bug: sweeps forget the reference */
} PgConfig;

/* A table of the reference's choices overlaid with another trace's. */
static Table *overlay(const Table *base, const Trace *top) {
  Table *m = GC_MALLOC(sizeof *m);
  table_init(m);
  for (uint32_t i = 0; i < base->cap; i++)
    if (base->entries[i].key) table_set(m, base->entries[i].key, base->entries[i].value);
  for (uint32_t i = 0; i < top->n; i++)
    if (!top->choices[i].observed) table_set(m, top->choices[i].addr, top->choices[i].value);
  return m;
}

/* log p(prefix of particle i + the reference's remaining choices), up to
 * the constant the choice of ancestor does not depend on. */
static double completed_log_density(VM *vm, Value model, const Table *ref_map, const Trace *prefix) {
  Run *r = run_new(RUN_WEIGH_REPLAYED);
  r->trace = trace_new();
  r->replay = overlay(ref_map, prefix);
  Fiber *f = run_fiber(vm, model, r);
  run_to_end(vm, f);
  return f->log_weight;
}

/* Draws the reference's ancestor by ancestor-sampling weights. */
static size_t sample_ancestor(VM *vm, Value model, Population *pop, const Table *ref_map) {
  size_t n = pop->n;
  double *la = GC_MALLOC_ATOMIC(sizeof(double) * n);
  double max = -INFINITY;
  pop_normalise(pop);
  for (size_t i = 0; i < n; i++) {
    Run *r = pop_run(pop, i);
    if (pop->w[i] == 0) {
      la[i] = -INFINITY;
      continue;
    }
    double prefix = trace_log_prior(r->trace) + pop->fibers[i]->log_weight;
    la[i] = log(pop->w[i]) + completed_log_density(vm, model, ref_map, r->trace) - prefix;
    if (la[i] != la[i]) la[i] = -INFINITY;
    if (la[i] > max) max = la[i];
  }
  double *w = GC_MALLOC_ATOMIC(sizeof(double) * n);
  for (size_t i = 0; i < n; i++) w[i] = exp(la[i] - max);
  InfRand *rnd = rand_of(vm);
  return rnd->categorical(rnd, w, n);
}

/* One conditional SMC sweep (an unconditional one when ref is NULL);
 * returns the index of the particle drawn at the end. */
static size_t sweep(VM *vm, Value model, const PgConfig *c, Population *pop, const Trace *ref) {
  pop_init(pop, vm, model, (size_t)c->particles, 0, true);
  Table *ref_map = ref ? trace_choice_table(ref) : NULL;
  if (ref) pop_run(pop, 0)->replay = ref_map;
  while (pop_step(pop, vm, "pgibbs")) {
    bool finished = true;
    for (size_t i = 0; i < pop->n; i++) finished = finished && pop_done(pop, i);
    if (finished) break;
    long fixed = -1;
    if (ref) fixed = c->ancestor ? (long)sample_ancestor(vm, model, pop, ref_map) : 0;
    pop_resample(pop, vm, RESAMPLE_MULTINOMIAL, fixed);
    /* only particle 0 follows the reference; its copies draw afresh */
    if (ref)
      for (size_t j = 0; j < pop->n; j++) pop_run(pop, j)->replay = j == 0 ? ref_map : NULL;
  }
  return pop_draw(pop, vm);
}

/* The draws of one chain as a posterior: summary and mcse then use the
 * chain's autocorrelation, not the number of draws. */
Value smc_chain_posterior(VM *vm, const Method *m, ObjArray *draws) {
  Value post = posterior_new(vm, method_desc(m), draws, NULL, NAN, false);
  Posterior *p = posterior_of(post);
  p->chain = GC_MALLOC_ATOMIC(sizeof(uint32_t) * (p->n ? p->n : 1));
  memset(p->chain, 0, sizeof(uint32_t) * p->n);
  p->n_chains = 1;
  p->ess = NAN; /* per field, from the chain */
  return post;
}

static Value pgibbs_run(VM *vm, Value model, const Method *m) {
  const PgConfig *c = m->config;
  long kept = c->sweeps - c->burn;
  ObjArray *draws = obj_array((uint32_t)kept);
  Trace *ref = c->init;
  Progress prog;
  progress_start(&prog, "pgibbs", (uint64_t)c->sweeps, vm->fiber && vm->fiber->handler == &toplevel_handler);
  for (long s = 0; s < c->sweeps; s++) {
    Population pop;
    size_t k = sweep(vm, model, c, &pop, c->mutant_drop_reference ? NULL : ref);
    ref = pop_run(&pop, k)->trace;
    if (s >= c->burn) draws->items[s - c->burn] = pop.fibers[k]->result;
    progress_update(&prog, (uint64_t)s);
  }
  progress_end(&prog);
  return smc_chain_posterior(vm, m, draws);
}

static const MethodClass pgibbs_class = {"pgibbs", pgibbs_run};

static Value b_pgibbs(VM *vm, int argc, const Value *args) {
  static const char *const allowed[] = {"particles", "sweeps", "burn", "ancestor", "init", NULL};
  Options o;
  opts_init(&o, vm, "pgibbs", argc, args, allowed);
  PgConfig *c = GC_MALLOC(sizeof *c);
  c->particles = opts_count(&o, "particles", 100, 2, 10000000L);
  c->sweeps = opts_count(&o, "sweeps", 1000, 1, 100000000L);
  c->burn = opts_count(&o, "burn", c->sweeps / 10, 0, c->sweeps - 1);
  c->ancestor = opts_bool(&o, "ancestor", false);
  Value init = opts_get(&o, "init");
  c->init = NULL;
  if (init != VAL_UNDEF) {
    if (!trace_is_value(init)) vm_type_error(vm, "pgibbs", 0, "a record whose init is a trace", init);
    c->init = trace_of_value(init);
  }
  static const char *const mutants[] = {"drop_reference", NULL};
  c->mutant_drop_reference = opts_mutant(&o, mutants) == 0;
  return method_new(&pgibbs_class, opts_record(&o), c);
}

void pgibbs_install(VM *vm) { vm_def_builtin(vm, "pgibbs", b_pgibbs, 0, 1); }
