/* pmmh.c — particle marginal Metropolis–Hastings and particle independent
 * MH: MCMC whose acceptance ratio uses an SMC estimate of a likelihood.
 *
 *   pmmh({params: ["sigma"], particles: 200, samples: 1000, burn: 200,
 *         proposal: "drift", scale: 0.2})
 *   pimh({particles: 200, samples: 1000, burn: 100})
 *
 * pmmh is an MH chain over the choices named in params (the model's static
 * parameters). For a proposed theta it runs SMC with those choices fixed
 * (replayed by address, their prior density in the weights), so the SMC's
 * evidence estimate Z(theta) estimates p(theta) p(data | theta) without
 * bias, and the chain accepts with Z(theta') / Z(theta) (times the
 * proposal ratio): a pseudo-marginal chain, exact in its stationary
 * distribution for any number of particles. Each draw is the value of a
 * particle drawn from the current SMC run. The drift proposal moves each
 * numeric parameter by a normal step; its scale adapts during burn-in and
 * is then frozen. The prior proposal draws theta from the prior.
 *
 * pimh proposes a whole new SMC run each time and accepts with Z' / Z.
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

enum { PROPOSE_DRIFT, PROPOSE_PRIOR };

typedef struct PmmhConfig {
  long particles, samples, burn;
  ObjString **params; /* interned addresses; NULL for pimh */
  int n_params;
  int proposal;
  double scale;
  bool mutant_recompute_current; /* a planted bug: re-estimate the current Z */
} PmmhConfig;

/* A state of the chain: the parameters, and the SMC run made with them. */
typedef struct PmState {
  Table *theta;     /* address -> value */
  double log_z;     /* SMC estimate of log p(theta, data) */
  double log_prior; /* log p(theta) (prior proposals need it) */
  Value draw;       /* a particle's value from that run */
} PmState;

/* One SMC run with theta replayed (theta NULL: nothing fixed). Returns false
 * when every particle had weight zero (theta is impossible). */
static bool estimate(VM *vm, Value model, const PmmhConfig *c, Table *theta, PmState *out) {
  Population pop;
  /* a proposed value outside its prior's support (a negative scale) stops
   * every run at that choice, before the model can use it */
  pop_init(&pop, vm, model, (size_t)c->particles, theta ? RUN_WEIGH_REPLAYED | RUN_STOP_IF_IMPOSSIBLE : 0, false);
  if (theta)
    for (size_t i = 0; i < pop.n; i++) pop_run(&pop, i)->replay = theta;
  SmcConfig sc = {c->particles, RESAMPLE_SYSTEMATIC, 0.5, VAL_NIL, 0, false};
  while (pop_step(&pop, vm, NULL)) {
    double ess;
    if (smc_should_resample(&pop, &sc, &ess)) pop_resample(&pop, vm, sc.scheme, -1);
  }
  if (pop.impossible) return false;
  out->theta = theta;
  out->log_z = pop_log_evidence(&pop);
  out->draw = pop.fibers[pop_draw(&pop, vm)]->result;
  return true;
}

/* Parameters drawn from the prior: a forward run's choices at the param
 * addresses; *log_prior gets their density. */
static Table *prior_theta(VM *vm, Value model, const PmmhConfig *c, double *log_prior) {
  Run *r = run_new(RUN_IGNORE_EVIDENCE);
  r->trace = trace_new();
  Fiber *f = run_fiber(vm, model, r);
  run_to_end(vm, f);
  Table *theta = GC_MALLOC(sizeof *theta);
  table_init(theta);
  *log_prior = 0;
  for (int k = 0; k < c->n_params; k++) {
    TraceChoice *ch = trace_find(r->trace, c->params[k]);
    if (!ch || ch->observed)
      vm_error_hint(vm, "params names the model's choices by address, like \"sigma\" for sigma ~ ...",
                    "pmmh: the model makes no choice named '%s'", c->params[k]->chars);
    table_set(theta, c->params[k], ch->value);
    *log_prior += ch->logp;
  }
  return theta;
}

static double normal_draw(InfRand *r) {
  double u = r->uniform(r), v = r->uniform(r);
  return sqrt(-2 * log(1 - u)) * cos(2 * M_PI * v);
}

/* theta moved by a normal step of the given scale in each numeric parameter */
static Table *drift_theta(VM *vm, const PmmhConfig *c, const Table *theta, double scale) {
  InfRand *rnd = rand_of(vm);
  Table *next = GC_MALLOC(sizeof *next);
  table_init(next);
  for (int k = 0; k < c->n_params; k++) {
    Value v;
    table_get(theta, c->params[k], &v);
    if (val_is_num(v)) v = val_num(val_as_num(v) + scale * normal_draw(rnd));
    table_set(next, c->params[k], v);
  }
  return next;
}

static Value chain(VM *vm, Value model, const Method *m, const char *who) {
  const PmmhConfig *c = m->config;
  bool pimh = c->params == NULL;
  PmState cur;
  double scale = c->scale;
  long accepted = 0, tries = 0;
  /* start from the prior, retrying until an SMC run has weight */
  for (;;) {
    if (++tries > 1000)
      vm_error_hint(vm, "check the model's evidence: no parameters drawn from the prior could explain it",
                    "%s: could not start: 1000 draws from the prior all gave the data probability zero", who);
    Table *theta = NULL;
    double lp = 0;
    if (!pimh) theta = prior_theta(vm, model, c, &lp);
    if (estimate(vm, model, c, theta, &cur)) {
      cur.log_prior = lp;
      break;
    }
  }
  InfRand *rnd = rand_of(vm);
  long total = c->burn + c->samples;
  ObjArray *draws = obj_array((uint32_t)c->samples);
  Progress prog;
  progress_start(&prog, who, (uint64_t)total, vm->fiber && vm->fiber->handler == &toplevel_handler);
  for (long it = 0; it < total; it++) {
    PmState prop;
    double lp = 0;
    Table *theta = NULL;
    if (!pimh) theta = c->proposal == PROPOSE_PRIOR ? prior_theta(vm, model, c, &lp) : drift_theta(vm, c, cur.theta, scale);
    bool ok = estimate(vm, model, c, theta, &prop);
    if (c->mutant_recompute_current) {
      PmState again;
      if (estimate(vm, model, c, cur.theta, &again)) cur.log_z = again.log_z;
    }
    bool accept = false;
    if (ok) {
      prop.log_prior = lp;
      double log_alpha = prop.log_z - cur.log_z;
      if (!pimh && c->proposal == PROPOSE_PRIOR) log_alpha += cur.log_prior - prop.log_prior;
      accept = rand_accept(rnd, log_alpha);
    }
    if (accept) {
      cur = prop;
      if (it >= c->burn) accepted++;
    }
    /* during burn-in the drift scale moves toward a quarter accepted */
    if (it < c->burn && !pimh && c->proposal == PROPOSE_DRIFT)
      scale *= exp(((accept ? 1.0 : 0.0) - 0.25) / sqrt((double)it + 1));
    if (it >= c->burn) draws->items[it - c->burn] = cur.draw;
    progress_update(&prog, (uint64_t)it);
  }
  progress_end(&prog);
  return smc_chain_posterior(vm, m, draws);
}

static Value pmmh_run(VM *vm, Value model, const Method *m) { return chain(vm, model, m, "pmmh"); }
static Value pimh_run(VM *vm, Value model, const Method *m) { return chain(vm, model, m, "pimh"); }

static const MethodClass pmmh_class = {"pmmh", pmmh_run};
static const MethodClass pimh_class = {"pimh", pimh_run};

static void common_options(Options *o, PmmhConfig *c) {
  c->particles = opts_count(o, "particles", 100, 1, 10000000L);
  c->samples = opts_count(o, "samples", 1000, 1, 100000000L);
  c->burn = opts_count(o, "burn", c->samples / 5, 0, 100000000L);
  static const char *const mutants[] = {"recompute_current", NULL};
  c->mutant_recompute_current = opts_mutant(o, mutants) == 0;
}

static Value b_pmmh(VM *vm, int argc, const Value *args) {
  static const char *const allowed[] = {"params", "particles", "samples", "burn", "proposal", "scale", NULL};
  static const char *const proposals[] = {"drift", "prior", NULL};
  Options o;
  opts_init(&o, vm, "pmmh", argc, args, allowed);
  PmmhConfig *c = GC_MALLOC(sizeof *c);
  common_options(&o, c);
  Value params = opts_get(&o, "params");
  if (params == VAL_UNDEF)
    vm_error_hint(vm, "pmmh({params: [\"sigma\"]}): the addresses of the model's static parameters",
                  "pmmh: the option params is required");
  if (!val_is(params, OBJ_ARRAY) || AS_ARRAY(params)->len == 0)
    vm_error(vm, "pmmh: params must be a non-empty array of addresses (strings)");
  ObjArray *a = AS_ARRAY(params);
  c->n_params = (int)a->len;
  c->params = GC_MALLOC(sizeof(ObjString *) * a->len);
  for (uint32_t i = 0; i < a->len; i++) {
    if (!val_is(a->items[i], OBJ_STRING)) vm_error(vm, "pmmh: params must be a non-empty array of addresses (strings)");
    c->params[i] = vm_intern(vm, AS_STRING(a->items[i])->chars, AS_STRING(a->items[i])->len);
  }
  c->proposal = opts_choice(&o, "proposal", PROPOSE_DRIFT, proposals);
  c->scale = opts_number(&o, "scale", 0.1, 1e-12, 1e12);
  return method_new(&pmmh_class, opts_record(&o), c);
}

static Value b_pimh(VM *vm, int argc, const Value *args) {
  static const char *const allowed[] = {"particles", "samples", "burn", NULL};
  Options o;
  opts_init(&o, vm, "pimh", argc, args, allowed);
  PmmhConfig *c = GC_MALLOC(sizeof *c);
  common_options(&o, c);
  c->params = NULL;
  return method_new(&pimh_class, opts_record(&o), c);
}

void pmmh_install(VM *vm) {
  vm_def_builtin(vm, "pmmh", b_pmmh, 1, 1);
  vm_def_builtin(vm, "pimh", b_pimh, 0, 1);
}
