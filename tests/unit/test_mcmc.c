/* Unit tests of MCMC: the diagnostics (split-R-hat, bulk/tail ESS) against
 * known autocorrelations and a direct computation, re-execution's fresh and
 * stale accounting, and kernels applied to partial runs (the interface
 * resample-move SMC uses) against the exact partial target. */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "helpers.h"

#include "inference/diagnostics.h"
#include "inference/kernel.h"
#include "inference/mcmc.h"
#include "inference/run.h"

TestSuite(mcmc, .init = NULL);

/* ------------------------------------------------------------ draws */

typedef struct Draws {
  double *x;
  uint32_t *chain;
  uint32_t n;
} Draws;

/* m chains of len draws of an AR(1) process x' = phi x + noise with unit
 * stationary variance, chain j shifted by shift * j. */
static Draws ar1(uint32_t m, uint32_t len, double phi, double shift, unsigned long seed) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  Draws d = {malloc(sizeof(double) * m * len), malloc(sizeof(uint32_t) * m * len), m * len};
  double noise = sqrt(1 - phi * phi);
  for (uint32_t j = 0; j < m; j++) {
    double x = gsl_ran_gaussian(r, 1);
    for (uint32_t i = 0; i < len; i++) {
      x = phi * x + noise * gsl_ran_gaussian(r, 1);
      d.x[j * len + i] = x + shift * j;
      d.chain[j * len + i] = j;
    }
  }
  gsl_rng_free(r);
  return d;
}

static void draws_free(Draws *d) {
  free(d->x);
  free(d->chain);
}

/* ------------------------------------------------------- diagnostics */

Test(mcmc, ess_of_independent_draws_is_about_their_number) {
  Draws d = ar1(4, 5000, 0, 0, 1);
  double bulk = diag_ess_bulk(d.x, d.chain, d.n, 4);
  double tail = diag_ess_tail(d.x, d.chain, d.n, 4);
  double mean = diag_ess_mean(d.x, d.chain, d.n, 4);
  cr_assert(bulk > 0.85 * d.n && bulk < 1.15 * d.n, "bulk ESS %g of %u independent draws", bulk, d.n);
  cr_assert(tail > 0.8 * d.n && tail < 1.2 * d.n, "tail ESS %g of %u independent draws", tail, d.n);
  cr_assert(mean > 0.85 * d.n && mean < 1.15 * d.n, "ESS %g of %u independent draws", mean, d.n);
  double rhat = diag_rhat(d.x, d.chain, d.n, 4);
  cr_assert(rhat > 0.999 && rhat < 1.005, "R-hat %g of independent draws", rhat);
  draws_free(&d);
}

Test(mcmc, ess_of_ar1_matches_its_autocorrelation_time) {
  /* AR(1) with coefficient phi: tau = (1 + phi) / (1 - phi) = 9 */
  Draws d = ar1(4, 25000, 0.8, 0, 2);
  double ess = diag_ess_mean(d.x, d.chain, d.n, 4);
  double want = d.n / 9.0;
  cr_assert(fabs(ess / want - 1) < 0.12, "ESS %g, expected about %g", ess, want);
  double bulk = diag_ess_bulk(d.x, d.chain, d.n, 4);
  cr_assert(fabs(bulk / want - 1) < 0.12, "bulk ESS %g, expected about %g", bulk, want);
  /* sd / sqrt(ESS) */
  double se = diag_mcse_mean(d.x, d.chain, d.n, 4);
  cr_assert(fabs(se / sqrt(1 / want) - 1) < 0.1, "mcse %g, expected about %g", se, sqrt(1 / want));
  draws_free(&d);
}

Test(mcmc, rhat_sees_chains_that_disagree) {
  Draws d = ar1(4, 1000, 0.5, 1.0, 3);
  double rhat = diag_rhat(d.x, d.chain, d.n, 4);
  cr_assert(rhat > 1.3, "R-hat %g for chains one sd apart", rhat);
  draws_free(&d);
}

Test(mcmc, rhat_sees_a_chain_that_drifts) {
  /* one chain whose first half differs from its second: split-R-hat */
  Draws d = ar1(1, 2000, 0.5, 0, 4);
  for (uint32_t i = 1000; i < 2000; i++) d.x[i] += 1.5;
  double rhat = diag_rhat(d.x, d.chain, d.n, 1);
  cr_assert(rhat > 1.2, "split R-hat %g of a drifting chain", rhat);
  draws_free(&d);
}

/* The ESS of one chain computed directly (O(n^2) autocovariances) by the
 * same estimator, split into halves: checks the FFT. */
static double direct_ess(const double *x, uint32_t len) {
  uint32_t n = len / 2, m = 2;
  double *acov = calloc((size_t)m * n, sizeof(double)), means[2];
  for (uint32_t j = 0; j < m; j++) {
    const double *c = x + j * ((len + 1) / 2);
    double mu = 0;
    for (uint32_t i = 0; i < n; i++) mu += c[i];
    mu /= n;
    means[j] = mu;
    for (uint32_t t = 0; t < n; t++) {
      double s = 0;
      for (uint32_t i = 0; i + t < n; i++) s += (c[i] - mu) * (c[i + t] - mu);
      acov[j * n + t] = s / n;
    }
  }
  double mean_var = (acov[0] + acov[n]) / 2 * n / (n - 1.0);
  double mu = (means[0] + means[1]) / 2;
  double var_plus = mean_var * (n - 1.0) / n + ((means[0] - mu) * (means[0] - mu) + (means[1] - mu) * (means[1] - mu));
  double *rho = calloc(n + 2, sizeof(double));
  uint32_t t = 0;
  double even = 1, odd = 1 - (mean_var - (acov[1] + acov[n + 1]) / 2) / var_plus;
  rho[0] = even;
  rho[1] = odd;
  while (t + 5 < n && even + odd > 0) {
    t += 2;
    even = 1 - (mean_var - (acov[t] + acov[n + t]) / 2) / var_plus;
    odd = 1 - (mean_var - (acov[t + 1] + acov[n + t + 1]) / 2) / var_plus;
    if (even + odd >= 0) {
      rho[t] = even;
      rho[t + 1] = odd;
    }
  }
  uint32_t max_t = t;
  if (even > 0) rho[max_t] = even;
  for (t = 2; t + 2 <= max_t; t += 2)
    if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) rho[t] = rho[t + 1] = (rho[t - 2] + rho[t - 1]) / 2;
  double sum = 0;
  for (t = 0; t < max_t; t++) sum += rho[t];
  double tau = -1 + 2 * sum + rho[max_t];
  if (tau < 1 / log10((double)m * n)) tau = 1 / log10((double)m * n);
  free(acov);
  free(rho);
  return m * n / tau;
}

Test(mcmc, ess_by_fft_equals_the_direct_computation) {
  Draws d = ar1(1, 301, 0.6, 0, 5);
  double fft = diag_ess_mean(d.x, d.chain, d.n, 1);
  double direct = direct_ess(d.x, d.n);
  cr_assert(fabs(fft - direct) < 1e-9 * direct, "FFT %.12g, direct %.12g", fft, direct);
  draws_free(&d);
}

Test(mcmc, constant_draws_have_no_diagnostics) {
  double x[40];
  uint32_t chain[40];
  for (int i = 0; i < 40; i++) {
    x[i] = 2;
    chain[i] = (uint32_t)(i / 10);
  }
  cr_assert(isnan(diag_rhat(x, chain, 40, 4)));
  cr_assert(isnan(diag_ess_bulk(x, chain, 40, 4)));
  cr_assert_eq(diag_mcse_mean(x, chain, 40, 4), 0);
}

/* ------------------------------------------------------- re-execution */

static FILE *devnull(void) {
  static FILE *f;
  if (!f) f = fopen("/dev/null", "w");
  return f;
}

/* A VM on which source has run; its global `name` is returned in *out. */
static VM *vm_with(const char *source, unsigned long seed) {
  VM *vm = driver_new_vm(seed);
  vm->rt->out = devnull();
  char *msgs;
  Value v = run_on(vm, source, &msgs);
  cr_assert_neq(v, VAL_UNDEF, "%s\nfailed:\n%s", source, msgs);
  free(msgs);
  return vm;
}

static Table *one_value(VM *vm, const char *addr, Value v) {
  Table *t = GC_MALLOC(sizeof *t);
  table_init(t);
  table_set(t, vm_intern_cstr(vm, addr), v);
  return t;
}

/* A complete traced run with the given choices fixed. */
static MCState *state_with(VM *vm, Value model, Table *fixed) {
  Run *r = run_new(RUN_UNRECORDED_OBSERVES);
  r->trace = trace_new();
  r->replay = fixed;
  Fiber *f = run_fiber(vm, model, r);
  run_to_end(vm, f);
  r->replay = NULL;
  return mc_state_from_fiber(vm, model, f);
}

Test(mcmc, rerun_counts_fresh_and_stale_choices) {
  VM *vm = vm_with("fn model() {\n"
                   "  c ~ bernoulli(0.5);\n"
                   "  let v = if c { sample(\"x\", normal(0, 1)) } else { sample(\"y\", normal(0, 2)) };\n"
                   "  w ~ normal(v, 1);\n"
                   "  observe(normal(w, 1), 0.5);\n"
                   "  v\n"
                   "}\n",
                   1);
  Value model = vm_get_global(vm, "model");
  MCState *s = state_with(vm, model, one_value(vm, "c", VAL_TRUE));
  cr_assert_eq(s->n_latent, 3);
  const TraceChoice *x = trace_find(s->trace, vm_intern_cstr(vm, "x"));
  const TraceChoice *w = trace_find(s->trace, vm_intern_cstr(vm, "w"));
  cr_assert_not_null(x);
  MCMove mv;
  MCState *n = mc_rerun(vm, s, one_value(vm, "c", VAL_FALSE), &mv);
  cr_assert_not_null(n);
  const TraceChoice *y = trace_find(n->trace, vm_intern_cstr(vm, "y"));
  const TraceChoice *w2 = trace_find(n->trace, vm_intern_cstr(vm, "w"));
  cr_assert_not_null(y);
  cr_assert_null(trace_find(n->trace, vm_intern_cstr(vm, "x")));
  cr_assert_eq(mv.n_fresh, 1);
  cr_assert_eq(mv.n_stale, 1);
  cr_assert_float_eq(mv.log_fresh, y->logp, 1e-12);
  cr_assert_float_eq(mv.log_stale, x->logp, 1e-12);
  cr_assert(mv.changes_used);
  /* w is reused by address, scored under its new distribution */
  cr_assert_eq(w2->value, w->value);
  cr_assert(w2->reused);
  cr_assert_float_eq(w2->logp, gsl_ran_gaussian_pdf(val_as_num(w->value) - val_as_num(y->value), 1) > 0
                                   ? log(gsl_ran_gaussian_pdf(val_as_num(w->value) - val_as_num(y->value), 1))
                                   : -INFINITY,
                     1e-9);
  cr_assert_float_eq(mc_log_target(n), y->logp + w2->logp + log(0.5) + n->log_weight, 1e-9);
}

Test(mcmc, rerun_of_an_impossible_proposal_is_null) {
  VM *vm = vm_with("fn model() {\n"
                   "  s ~ gamma(2, 1);\n"
                   "  observe(normal(0, s), 0.3);\n"
                   "  s\n"
                   "}\n",
                   1);
  Value model = vm_get_global(vm, "model");
  MCState *s = mc_state_from_prior(vm, model, RUN_UNRECORDED_OBSERVES);
  MCMove mv;
  cr_assert_null(mc_rerun(vm, s, one_value(vm, "s", val_num(-1)), &mv));
}

/* --------------------------------------------- kernels on partial runs */

/* k is made before the first observe, j after it: suspended after one
 * weight event, a state holds k only, and its target is
 * prior(k) * normal(2; k, 1). */
static const char *partial_model = "fn model() {\n"
                                   "  k ~ categorical([0.2, 0.3, 0.5]);\n"
                                   "  observe(normal(k, 1), 2);\n"
                                   "  j ~ bernoulli(0.5);\n"
                                   "  observe(normal(k + (if j { 1 } else { 0 }), 1), 0);\n"
                                   "  k\n"
                                   "}\n"
                                   "let site = single_site();\n"
                                   "let exact = gibbs(\"k\");\n";

static Fiber *suspended_after_first(VM *vm, Value model) {
  Run *r = run_new(RUN_SUSPEND);
  r->trace = trace_new();
  Fiber *f = run_fiber(vm, model, r);
  cr_assert_eq(run_step(vm, f), FIBER_SUSPENDED);
  cr_assert_eq(r->n_weighed, 1);
  return f;
}

/* Draws k from independent partial states moved `moves` times by kernel;
 * returns Pearson's chi-square p-value against the partial target. */
static double partial_p_value(const char *kernel_name, int moves, int reps) {
  VM *vm = vm_with(partial_model, 7);
  Value model = vm_get_global(vm, "model");
  Value kernel = vm_get_global(vm, kernel_name);
  double target[3], total = 0;
  const double prior[3] = {0.2, 0.3, 0.5};
  for (int k = 0; k < 3; k++) total += target[k] = prior[k] * exp(-0.5 * (2 - k) * (2 - k));
  for (int k = 0; k < 3; k++) target[k] /= total;
  int counts[3] = {0, 0, 0};
  for (int rep = 0; rep < reps; rep++) {
    MCState *s = mc_state_from_fiber(vm, model, suspended_after_first(vm, model));
    cr_assert(s->partial);
    for (int i = 0; i < moves; i++) s = kernel_apply(vm, kernel, model, s, NULL);
    cr_assert(s->partial);
    cr_assert_eq(s->n_weighed, 1);
    cr_assert_eq(s->n_latent, 1, "a partial state holds only the choices made before its stopping point");
    counts[(int)val_as_num(mc_latent(s, 0)->value)]++;
  }
  double x2 = 0;
  for (int k = 0; k < 3; k++) {
    double e = reps * target[k];
    x2 += (counts[k] - e) * (counts[k] - e) / e;
  }
  return 1 - gsl_cdf_chisq_P(x2, 2);
}

Test(mcmc, single_site_on_partial_runs_targets_the_partial_posterior) {
  double p = partial_p_value("site", 10, 3000);
  cr_assert(p > 0.001, "chi-square p-value %g", p);
}

Test(mcmc, gibbs_on_a_partial_run_draws_the_exact_conditional) {
  double p = partial_p_value("exact", 1, 3000);
  cr_assert(p > 0.001, "chi-square p-value %g", p);
}

Test(mcmc, a_moved_partial_run_continues_with_fresh_choices) {
  VM *vm = vm_with(partial_model, 3);
  Value model = vm_get_global(vm, "model");
  Value kernel = vm_get_global(vm, "site");
  MCState *s = mc_state_from_fiber(vm, model, suspended_after_first(vm, model));
  for (int i = 0; i < 20; i++) s = kernel_apply(vm, kernel, model, s, NULL);
  Value k = mc_latent(s, 0)->value;
  Run *r = s->fiber->hdata;
  cr_assert_null(r->reuse);
  cr_assert_null(r->replay);
  run_to_end(vm, s->fiber);
  cr_assert_eq(s->fiber->state, FIBER_DONE);
  cr_assert_eq(s->fiber->result, k);
  cr_assert_eq(r->n_weighed, 2);
  cr_assert_not_null(trace_find(r->trace, vm_intern_cstr(vm, "j")));
}

Test(mcmc, kernels_count_their_proposals) {
  VM *vm = vm_with("fn model() {\n"
                   "  mu ~ normal(0, 1);\n"
                   "  observe(normal(mu, 1), 1);\n"
                   "  mu\n"
                   "}\n"
                   "let k = cycle([drift(\"mu\", 0.5), drift(\"absent\", 1), repeat_kernel(single_site(), 2)]);\n",
                   1);
  Value model = vm_get_global(vm, "model");
  Value kernel = vm_get_global(vm, "k");
  MCStats *st = mc_stats_new(vm, kernel);
  cr_assert_eq(st->n, 3);
  MCState *s = mc_state_from_prior(vm, model, RUN_UNRECORDED_OBSERVES);
  for (int i = 0; i < 100; i++) s = kernel_apply(vm, kernel, model, s, st);
  cr_assert_eq(st->proposed[0], 100);
  cr_assert_eq(st->proposed[1], 0);
  cr_assert_eq(st->absent[1], 100);
  cr_assert_eq(st->proposed[2], 200);
  cr_assert(st->accepted[0] > 0 && st->accepted[0] < 100);
  cr_assert_str_eq(mc_stats_never_found(st), "drift(\"absent\", 1)");
}
