/* validate.c — checking inference: simulation-based calibration and exact
 * comparison.
 *
 * Simulation-based calibration (Talts et al. 2018): draw a run of the model
 * from its prior, with every observe drawing its value instead of reading
 * the data (the true latents and a simulated data set); run the inference
 * method on the model with the simulated data in place of the real data
 * (replaced by address); rank each scalar leaf of the true return value
 * among L draws from the posterior. When the method is correct the rank is
 * uniform on 0..L, so over many simulations the ranks' histogram is flat. A
 * chi-square test gives each leaf a p-value; the verdict "calibrated" holds
 * when every p-value is above alpha / K (Bonferroni over the K leaves), so
 * the chance of a false alarm over the whole check is at most alpha.
 *
 * MCMC draws are thinned to L evenly spaced draws; weighted posteriors are
 * resampled. Ties (discrete values) are broken uniformly at random.
 *
 * The exact check compares a method's posterior with enumerate's on the
 * model as written: total variation distance, and a chi-square test of
 * ESS draws from the method against the exact probabilities.
 */
#include "validate.h"

#include <gc/gc.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "diagnostics.h"
#include "kernel.h"
#include "method.h"
#include "posterior.h"
#include "progress.h"
#include "run.h"
#include "state.h"
#include "vm/print.h"

/* ------------------------------------------------------------- leaves */

typedef struct Leaf {
  char *name;
  uint32_t *ranks; /* per simulation */
  double p;
} Leaf;

typedef struct Leaves {
  Leaf *items;
  int n, cap;
} Leaves;

typedef struct NamedValue {
  const char *name;
  Value v;
} NamedValue;

typedef struct Collected {
  NamedValue *items;
  int n, cap;
} Collected;

static void collect(const char *name, Value v, void *data) {
  Collected *c = data;
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 8;
    c->items = GC_REALLOC(c->items, sizeof(NamedValue) * (size_t)c->cap);
  }
  size_t len = strlen(name);
  char *copy = GC_MALLOC_ATOMIC(len + 1);
  memcpy(copy, name, len + 1);
  c->items[c->n++] = (NamedValue){copy, v};
}

static Collected leaves_of(Value v) {
  Collected c = {NULL, 0, 0};
  value_leaves(v, collect, &c);
  return c;
}

static bool scalar(Value v) { return val_is_num(v) || val_is_bool(v); }
static double as_number(Value v) { return val_is_num(v) ? val_as_num(v) : v == VAL_TRUE; }

static Value leaf_named(Collected *c, const char *name) {
  for (int i = 0; i < c->n; i++)
    if (strcmp(c->items[i].name, name) == 0) return c->items[i].v;
  return VAL_UNDEF;
}

/* ---------------------------------------------------------- simulation */

/* A run of the model from the prior in which every observe draws its
 * value: the true return value, and the simulated data by address. */
static Value simulate_prior(VM *vm, Value model, Table **data) {
  Run *r = run_new(RUN_SIMULATE_OBSERVES);
  r->trace = trace_new();
  Fiber *f = run_fiber(vm, model, r);
  run_to_end(vm, f);
  uint32_t observed = 0;
  Table *t = GC_MALLOC(sizeof *t);
  table_init(t);
  for (uint32_t i = 0; i < r->trace->n; i++)
    if (r->trace->choices[i].observed) {
      table_set(t, r->trace->choices[i].addr, r->trace->choices[i].value);
      observed++;
    }
  if (r->n_weighed > observed)
    vm_error_hint(vm,
                  "simulation-based calibration draws data from the model, which factor and condition do "
                  "not describe; express the evidence as observe(D, value)",
                  "validate: the model uses factor or condition, so its data cannot be simulated");
  *data = t;
  return f->result;
}

/* The method run on the model with its observed data replaced by address;
 * the replacement ends with the run, even when the run fails. */
static Value run_with_data(VM *vm, Value model, const Method *m, const Table *data) {
  const Table *saved = vm->rt->observe_override;
  jmp_buf jb;
  jmp_buf *outer = vm->on_error;
  if (setjmp(jb)) {
    vm->rt->observe_override = saved;
    vm->on_error = outer;
    vm_raise_again(vm);
  }
  vm->on_error = &jb;
  vm->rt->observe_override = data;
  Value post = m->cls->run(vm, model, m);
  vm->rt->observe_override = saved;
  vm->on_error = outer;
  return post;
}

/* The smallest effective sample size of an MCMC posterior's numeric
 * leaves (inf for other posteriors). */
typedef struct EssOf {
  const Posterior *p;
  double least;
} EssOf;

static void leaf_ess(const char *name, Value first, void *data) {
  EssOf *e = data;
  if (!scalar(first)) return;
  double *x = GC_MALLOC_ATOMIC(sizeof(double) * e->p->n);
  for (uint32_t k = 0; k < e->p->n; k++) {
    Collected c = leaves_of(e->p->values->items[k]);
    Value v = leaf_named(&c, name);
    x[k] = scalar(v) ? as_number(v) : 0;
  }
  double ess = diag_ess_mean(x, e->p->chain, e->p->n, e->p->n_chains);
  if (ess == ess && ess < e->least) e->least = ess;
}

static double chain_ess(Value post) {
  Posterior *p = posterior_of(post);
  if (!p->chain || p->n == 0) return INFINITY;
  EssOf e = {p, INFINITY};
  value_leaves(p->values->items[0], leaf_ess, &e);
  return e.least;
}

/* L draws of the posterior: evenly spaced through MCMC draws, or drawn by
 * weight. */
static Value *posterior_draws(VM *vm, Value post, uint32_t L) {
  Posterior *p = posterior_of(post);
  Value *out = GC_MALLOC(sizeof(Value) * L);
  for (uint32_t k = 0; k < L; k++) {
    if (p->chain) out[k] = p->values->items[(uint32_t)(((double)k + 0.5) * p->n / L)];
    else out[k] = AS_DIST(post)->cls->sample(vm, AS_DIST(post));
  }
  return out;
}

static uint32_t rank_of(VM *vm, double truth, const double *draws, uint32_t L) {
  uint32_t below = 0, equal = 0;
  for (uint32_t k = 0; k < L; k++) {
    if (draws[k] < truth) below++;
    else if (draws[k] == truth) equal++;
  }
  return below + (uint32_t)gsl_rng_uniform_int(vm->rng, equal + 1);
}

static double uniformity_p(const uint32_t *ranks, uint32_t sims, uint32_t L, uint32_t bins) {
  uint32_t *count = calloc(bins, sizeof(uint32_t));
  for (uint32_t s = 0; s < sims; s++) count[(uint64_t)ranks[s] * bins / (L + 1)]++;
  double expect = (double)sims / bins, chi2 = 0;
  for (uint32_t b = 0; b < bins; b++) chi2 += (count[b] - expect) * (count[b] - expect) / expect;
  free(count);
  return gsl_cdf_chisq_Q(chi2, bins - 1);
}

static void print_ranks(FILE *out, const Leaf *leaf, uint32_t sims, uint32_t L, uint32_t bins) {
  uint32_t *count = calloc(bins, sizeof(uint32_t));
  uint32_t top = 1;
  for (uint32_t s = 0; s < sims; s++) count[(uint64_t)leaf->ranks[s] * bins / (L + 1)]++;
  for (uint32_t b = 0; b < bins; b++)
    if (count[b] > top) top = count[b];
  fprintf(out, "%s: p = %.4f\n", leaf->name, leaf->p);
  for (uint32_t b = 0; b < bins; b++) {
    uint32_t lo = (uint32_t)(((uint64_t)b * (L + 1) + bins - 1) / bins);
    uint32_t hi = (uint32_t)(((uint64_t)(b + 1) * (L + 1) + bins - 1) / bins) - 1;
    fprintf(out, "  ranks %3u-%-3u | ", lo, hi);
    int n = (int)(40.0 * count[b] / top + 0.5);
    for (int i = 0; i < 40; i++) fputc(i < n ? '#' : ' ', out);
    fprintf(out, " %u\n", count[b]);
  }
  free(count);
}

bool validate_sbc(VM *vm, Value model, Value method, const ValidateOptions *o, FILE *out, Value *p_values) {
  run_check_model(vm, "validate", model);
  if (!method_is(method)) vm_type_error(vm, "validate", 1, "an inference method", method);
  Method *m = method_of(method);
  Leaves leaves = {NULL, 0, 0};
  Progress prog;
  progress_start(&prog, "validate", o->sims, vm->fiber && vm->fiber->handler == &toplevel_handler);
  double *draws = GC_MALLOC_ATOMIC(sizeof(double) * o->draws);
  uint32_t short_chains = 0; /* simulations whose MCMC draws were too correlated */
  for (uint32_t s = 0; s < o->sims; s++) {
    Table *data;
    Value truth = simulate_prior(vm, model, &data);
    Value post = run_with_data(vm, model, m, data);
    if (chain_ess(post) < o->draws) short_chains++;
    Value *sample = posterior_draws(vm, post, o->draws);
    Collected truths = leaves_of(truth);
    Collected *drawn = GC_MALLOC(sizeof(Collected) * o->draws);
    for (uint32_t k = 0; k < o->draws; k++) drawn[k] = leaves_of(sample[k]);
    for (int i = 0; i < truths.n; i++) {
      if (!scalar(truths.items[i].v)) continue;
      int j = 0;
      while (j < leaves.n && strcmp(leaves.items[j].name, truths.items[i].name) != 0) j++;
      if (j == leaves.n) {
        if (s > 0) continue; /* a leaf only some runs have: not ranked */
        if (leaves.n == leaves.cap) {
          leaves.cap = leaves.cap ? leaves.cap * 2 : 8;
          leaves.items = GC_REALLOC(leaves.items, sizeof(Leaf) * (size_t)leaves.cap);
        }
        leaves.items[j].name = (char *)truths.items[i].name;
        leaves.items[j].ranks = GC_MALLOC_ATOMIC(sizeof(uint32_t) * o->sims);
        leaves.n++;
      }
      for (uint32_t k = 0; k < o->draws; k++) {
        Value d = leaf_named(&drawn[k], truths.items[i].name);
        draws[k] = scalar(d) ? as_number(d) : NAN;
      }
      leaves.items[j].ranks[s] = rank_of(vm, as_number(truths.items[i].v), draws, o->draws);
    }
    progress_update(&prog, s);
  }
  progress_end(&prog);
  if (leaves.n == 0) vm_error(vm, "validate: the model returns no numbers or booleans to check");
  double threshold = o->alpha / leaves.n;
  bool calibrated = true;
  for (int j = 0; j < leaves.n; j++) {
    leaves.items[j].p = uniformity_p(leaves.items[j].ranks, o->sims, o->draws, o->bins);
    if (!(leaves.items[j].p > threshold)) calibrated = false;
  }
  char *desc = method_desc(m);
  fprintf(out, "simulation-based calibration of %s: %u simulations, %u posterior draws each\n", desc, o->sims,
          o->draws);
  if (short_chains)
    fprintf(out,
            "note: in %u of the simulations the chain's effective sample size was below %u, so its draws were "
            "not near-independent and the ranks need not be uniform even for a correct method: run longer chains\n",
            short_chains, o->draws);
  for (int j = 0; j < leaves.n; j++) print_ranks(out, &leaves.items[j], o->sims, o->draws, o->bins);
  fprintf(out, "verdict: %s: %s p-value is %s %.4g (%g shared by %d quantit%s, so a false alarm has probability at most %g)\n",
          calibrated ? "calibrated" : "NOT calibrated", calibrated ? "every" : "a", calibrated ? "above" : "at or below",
          threshold, o->alpha, leaves.n, leaves.n == 1 ? "y" : "ies", o->alpha);
  if (p_values) {
    ObjShape *shape = obj_shape((uint32_t)leaves.n);
    for (int j = 0; j < leaves.n; j++) shape->keys[j] = vm_intern_cstr(vm, leaves.items[j].name);
    ObjRecord *r = obj_record(shape);
    for (int j = 0; j < leaves.n; j++) r->vals[j] = val_num(leaves.items[j].p);
    *p_values = val_obj(r);
  }
  return calibrated;
}

/* ----------------------------------------------------------- exact check */

/* The effective sample size behind a posterior's probability estimates:
 * Kish's for weighted draws; for MCMC draws the smallest ESS of the
 * indicators of the exact support's values (the most correlated one). */
static double effective_size(const Posterior *p, const Posterior *exact) {
  if (!p->chain) return p->exact ? INFINITY : p->ess;
  double *x = GC_MALLOC_ATOMIC(sizeof(double) * (p->n ? p->n : 1));
  double least = INFINITY;
  for (uint32_t i = 0; i < exact->n; i++) {
    bool varies = false;
    for (uint32_t k = 0; k < p->n; k++) {
      x[k] = val_equal(p->values->items[k], exact->values->items[i]);
      varies = varies || x[k] != x[0];
    }
    if (!varies) continue;
    double ess = diag_ess_mean(x, p->chain, p->n, p->n_chains);
    if (ess < least) least = ess;
  }
  return least == INFINITY ? (double)p->n : least;
}

bool validate_exact(VM *vm, Value model, Value method, const ValidateOptions *o, FILE *out, Value *p_value) {
  run_check_model(vm, "validate", model);
  if (!method_is(method)) vm_type_error(vm, "validate", 1, "an inference method", method);
  Method *m = method_of(method);
  Value enumerate = vm_get_global(vm, "enumerate");
  Value exact_method = vm_call(vm, NULL, NULL, enumerate, 0, NULL);
  Value exact = method_of(exact_method)->cls->run(vm, model, method_of(exact_method));
  Value post = m->cls->run(vm, model, m);
  Posterior *e = posterior_of(exact), *p = posterior_of(post);
  /* the method's probability of each exactly possible value; the rest of
   * its mass sits on values the exact posterior rules out */
  double *q = GC_MALLOC_ATOMIC(sizeof(double) * (e->n ? e->n : 1));
  double tv = 0, covered = 0;
  for (uint32_t i = 0; i < e->n; i++) {
    q[i] = exp(AS_DIST(post)->cls->logpdf(vm, AS_DIST(post), e->values->items[i]));
    covered += q[i];
    tv += fabs(e->w[i] - q[i]);
  }
  double impossible = fmax(0, 1 - covered);
  tv = (tv + impossible) / 2;
  /* Pearson's statistic with the effective sample size as the count: the
   * estimates' sampling variance is about p (1 - p) / ESS. Values expected
   * fewer than 5 times are pooled. */
  double n = effective_size(p, e);
  double chi2 = 0, pooled_q = 0, pooled_e = 0;
  int df = 0;
  for (uint32_t i = 0; i < e->n; i++) {
    if (e->w[i] * n < 5) {
      pooled_q += q[i];
      pooled_e += e->w[i];
      continue;
    }
    chi2 += n * (q[i] - e->w[i]) * (q[i] - e->w[i]) / e->w[i];
    df++;
  }
  if (pooled_e > 0) {
    chi2 += n * (pooled_q - pooled_e) * (pooled_q - pooled_e) / pooled_e;
    df++;
  }
  double pvalue = impossible > 1e-12 ? 0 : isinf(n) ? (tv < 1e-9 ? 1 : 0) : df > 1 ? gsl_cdf_chisq_Q(chi2, df - 1) : 1;
  bool ok = pvalue > o->alpha;
  fprintf(out, "exact check of %s against enumerate: %u values\n", method_desc(m), e->n);
  fprintf(out, "total variation distance: %.4g\n", tv);
  if (impossible > 1e-12) fprintf(out, "probability given to values the model rules out: %.4g\n", impossible);
  fprintf(out, "chi-square of the estimated probabilities (effective sample size %.1f): p = %.4g\n", n, pvalue);
  fprintf(out, "verdict: %s (p-value %s %g)\n", ok ? "agrees" : "DISAGREES", ok ? "above" : "at or below", o->alpha);
  if (p_value) *p_value = val_num(pvalue);
  return ok;
}

/* ------------------------------------------------------------- Geweke */

/* A complete chain state at the given latent values, under the data in
 * place (the runtime's observe override). */
static MCState *state_at(VM *vm, Value model, const Table *latents) {
  Run *r = run_new(RUN_UNRECORDED_OBSERVES);
  r->trace = trace_new();
  r->replay = latents;
  Fiber *f = run_fiber(vm, model, r);
  run_to_end(vm, f);
  r->replay = NULL;
  return mc_state_from_fiber(vm, model, f);
}

/* New data given the latents: the model run with them replayed and every
 * observe drawing its value. Returns the data; *result gets the value. */
static Table *data_given(VM *vm, Value model, const Table *latents, Value *result) {
  Run *r = run_new(RUN_SIMULATE_OBSERVES);
  r->trace = trace_new();
  r->replay = latents;
  Fiber *f = run_fiber(vm, model, r);
  run_to_end(vm, f);
  Table *data = GC_MALLOC(sizeof *data);
  table_init(data);
  for (uint32_t i = 0; i < r->trace->n; i++)
    if (r->trace->choices[i].observed) table_set(data, r->trace->choices[i].addr, r->trace->choices[i].value);
  *result = f->result;
  return data;
}

typedef struct Series {
  char *name;
  double *fw, *sc; /* forward and successive-conditional draws of the test function */
} Series;

/* The test functions of a value: each scalar leaf and, unless it is a
 * boolean (whose square is itself), its square. */
static void add_tests(Series **series, int *n, int *cap, Value v, uint32_t it, uint32_t m, bool forward) {
  Collected c = leaves_of(v);
  for (int i = 0; i < c.n; i++) {
    if (!scalar(c.items[i].v)) continue;
    double x = as_number(c.items[i].v);
    for (int sq = 0; sq < (val_is_bool(c.items[i].v) ? 1 : 2); sq++) {
      char name[160];
      snprintf(name, sizeof name, sq ? "%s^2" : "%s", c.items[i].name);
      int j = 0;
      while (j < *n && strcmp((*series)[j].name, name) != 0) j++;
      if (j == *n) {
        if (*n == *cap) {
          *cap = *cap ? *cap * 2 : 8;
          *series = GC_REALLOC(*series, sizeof(Series) * (size_t)*cap);
        }
        size_t len = strlen(name);
        (*series)[j].name = GC_MALLOC_ATOMIC(len + 1);
        memcpy((*series)[j].name, name, len + 1);
        (*series)[j].fw = GC_MALLOC_ATOMIC(sizeof(double) * m);
        (*series)[j].sc = GC_MALLOC_ATOMIC(sizeof(double) * m);
        for (uint32_t k = 0; k < m; k++) (*series)[j].fw[k] = (*series)[j].sc[k] = NAN;
        (*n)++;
      }
      (forward ? (*series)[j].fw : (*series)[j].sc)[it] = sq ? x * x : x;
    }
  }
}

static void mean_var(const double *x, uint32_t m, double *mean, double *var) {
  double s = 0, ss = 0;
  uint32_t k = 0;
  for (uint32_t i = 0; i < m; i++)
    if (x[i] == x[i]) {
      s += x[i];
      ss += x[i] * x[i];
      k++;
    }
  *mean = k ? s / k : NAN;
  *var = k > 1 ? (ss - s * s / k) / (k - 1) : NAN;
}

bool validate_geweke(VM *vm, Value model, Value kernel, const ValidateOptions *o, bool mutant, FILE *out,
                     Value *p_values) {
  run_check_model(vm, "validate", model);
  uint32_t m = o->sims;
  Series *series = NULL;
  int n = 0, cap = 0;
  Progress prog;
  progress_start(&prog, "geweke", 2 * (uint64_t)m, vm->fiber && vm->fiber->handler == &toplevel_handler);
  /* forward: independent draws of the latents from the prior */
  for (uint32_t it = 0; it < m; it++) {
    Table *data;
    add_tests(&series, &n, &cap, simulate_prior(vm, model, &data), it, m, true);
    progress_update(&prog, it);
  }
  /* successive-conditional: a kernel step under the current data, then new
   * data given the latents */
  MCStats *stats = mc_stats_new(vm, kernel);
  stats->no_fresh_stale = mutant;
  Table *data;
  simulate_prior(vm, model, &data);
  const Table *saved = vm->rt->observe_override;
  Table *latents = NULL;
  {
    vm->rt->observe_override = data;
    MCState *s = mc_state_from_prior(vm, model, RUN_UNRECORDED_OBSERVES);
    latents = trace_choice_table(s->trace);
    vm->rt->observe_override = saved;
  }
  for (uint32_t it = 0; it < m; it++) {
    vm->rt->observe_override = data;
    MCState *s = state_at(vm, model, latents);
    s = kernel_apply(vm, kernel, model, s, stats);
    latents = trace_choice_table(s->trace);
    vm->rt->observe_override = saved;
    Value result;
    data = data_given(vm, model, latents, &result);
    add_tests(&series, &n, &cap, result, it, m, false);
    progress_update(&prog, m + it);
  }
  progress_end(&prog);
  if (n == 0) vm_error(vm, "validate: the model returns no numbers or booleans to check");
  /* means compared with a z statistic; the chain's variance of the mean
   * comes from its effective sample size */
  uint32_t *chain = GC_MALLOC_ATOMIC(sizeof(uint32_t) * m);
  memset(chain, 0, sizeof(uint32_t) * m);
  double threshold = o->alpha / n;
  bool ok = true;
  StrBuf kd;
  sb_init(&kd);
  val_write(&kd, kernel, true);
  fprintf(out, "Geweke test of %s: %u forward draws, %u successive-conditional steps\n", kd.data, m, m);
  sb_free(&kd);
  fprintf(out, "%-20s %12s %12s %9s %10s\n", "test", "forward", "kernel", "z", "p");
  double *ps = GC_MALLOC_ATOMIC(sizeof(double) * (size_t)n);
  for (int j = 0; j < n; j++) {
    double mf, vf, ms, vs;
    mean_var(series[j].fw, m, &mf, &vf);
    mean_var(series[j].sc, m, &ms, &vs);
    double ess = diag_ess_mean(series[j].sc, chain, m, 1);
    if (!(ess > 0)) ess = m;
    double se = sqrt(vf / m + vs / ess);
    double z = se > 0 ? (ms - mf) / se : 0;
    ps[j] = erfc(fabs(z) / sqrt(2));
    if (!(ps[j] > threshold)) ok = false;
    fprintf(out, "%-20.20s %12.5g %12.5g %9.3f %10.4g\n", series[j].name, mf, ms, z, ps[j]);
  }
  fprintf(out, "acceptance: %s\n", mc_stats_describe(stats));
  fprintf(out, "verdict: %s: %s p-value is %s %.4g (%g shared by %d test function%s)\n",
          ok ? "the kernel agrees with forward simulation" : "the kernel does NOT leave the posterior invariant",
          ok ? "every" : "a", ok ? "above" : "at or below", threshold, o->alpha, n, n == 1 ? "" : "s");
  if (p_values) {
    ObjShape *shape = obj_shape((uint32_t)n);
    for (int j = 0; j < n; j++) shape->keys[j] = vm_intern_cstr(vm, series[j].name);
    ObjRecord *r = obj_record(shape);
    for (int j = 0; j < n; j++) r->vals[j] = val_num(ps[j]);
    *p_values = val_obj(r);
  }
  return ok;
}

/* ------------------------------------------------------------- builtin */

void validate_defaults(ValidateOptions *o) {
  o->sims = 100;
  o->draws = 99;
  o->bins = 10;
  o->alpha = 0.01;
}

/* validate(model, method, {sims, draws, bins, alpha, exact, report})
 * prints its report (unless report: false) and returns {passed, p_values}
 * (p_value for an exact check). With a kernel instead of a method it runs
 * Geweke's test for sims steps. */
static Value b_validate(VM *vm, int argc, const Value *args) {
  static const char *const allowed[] = {"sims", "draws", "bins", "alpha", "exact", "report", NULL};
  static const char *const mutants[] = {"no_fresh_stale", NULL};
  Options opts;
  opts_init(&opts, vm, "validate", argc - 2, args + 2, allowed);
  ValidateOptions o;
  validate_defaults(&o);
  o.sims = (uint32_t)opts_count(&opts, "sims", o.sims, 10, 1000000L);
  o.draws = (uint32_t)opts_count(&opts, "draws", o.draws, 9, 100000L);
  o.bins = (uint32_t)opts_count(&opts, "bins", o.bins, 2, 1000L);
  o.alpha = opts_number(&opts, "alpha", o.alpha, 1e-12, 0.5);
  bool exact = opts_bool(&opts, "exact", false);
  bool report = opts_bool(&opts, "report", true);
  if ((o.draws + 1) % o.bins != 0)
    vm_error(vm, "validate: draws + 1 (%u) must be a multiple of bins (%u), so every bin holds as many ranks",
             o.draws + 1, o.bins);
  bool mutant = opts_mutant(&opts, mutants) == 0;
  FILE *out = report ? vm->rt->out : fopen("/dev/null", "w");
  Value detail = VAL_NIL;
  bool ok = kernel_is(args[1]) ? validate_geweke(vm, args[0], args[1], &o, mutant, out, &detail)
            : exact            ? validate_exact(vm, args[0], args[1], &o, out, &detail)
                               : validate_sbc(vm, args[0], args[1], &o, out, &detail);
  if (!report) fclose(out);
  ObjShape *shape = obj_shape(2);
  shape->keys[0] = vm_intern_cstr(vm, "passed");
  shape->keys[1] = vm_intern_cstr(vm, exact ? "p_value" : "p_values");
  ObjRecord *r = obj_record(shape);
  r->vals[0] = val_bool(ok);
  r->vals[1] = detail;
  return val_obj(r);
}

void validate_install(VM *vm) { vm_def_builtin(vm, "validate", b_validate, 2, 3); }
