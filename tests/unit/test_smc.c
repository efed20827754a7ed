/* Unit tests of the SMC building blocks: the resampling schemes and the
 * population. */
#include <criterion/criterion.h>
#include <gc/gc.h>
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "helpers.h"
#include "inference/population.h"
#include "inference/rand.h"
#include "inference/resample.h"
#include "vm/vm.h"

#define N 10
#define REPEATS 4000

static const double weights[N] = {0.02, 0.15, 0.005, 0.3, 0.08, 0.045, 0.1, 0.2, 0.06, 0.04};

typedef struct Moments {
  double mean[N], var[N];
} Moments;

/* Offspring counts of each particle over many resamplings at a fixed seed. */
static Moments offspring(ResampleScheme scheme, unsigned long seed) {
  VM *vm = vm_new();
  vm_seed(vm, seed);
  InfRand *r = rand_of(vm);
  double sum[N] = {0}, sum2[N] = {0};
  size_t out[N];
  for (int rep = 0; rep < REPEATS; rep++) {
    resample(scheme, r, weights, N, N, out);
    int count[N] = {0};
    for (int k = 0; k < N; k++) {
      cr_assert_lt(out[k], (size_t)N);
      if (k > 0) cr_assert_geq(out[k], out[k - 1], "ancestors must be in increasing order");
      count[out[k]]++;
    }
    for (int i = 0; i < N; i++) {
      sum[i] += count[i];
      sum2[i] += (double)count[i] * count[i];
    }
  }
  Moments m;
  for (int i = 0; i < N; i++) {
    m.mean[i] = sum[i] / REPEATS;
    m.var[i] = sum2[i] / REPEATS - m.mean[i] * m.mean[i];
  }
  return m;
}

/* Chi-square of the mean offspring counts against N w_i, each term scaled by
 * the variance of its mean; compared with the 0.999 quantile. Particles
 * whose count never varies must have exactly N w_i copies on average
 * (residual resampling's deterministic part). */
static void assert_unbiased(ResampleScheme scheme, const char *name) {
  Moments m = offspring(scheme, 12345);
  double chi2 = 0;
  int df = 0;
  for (int i = 0; i < N; i++) {
    double expect = N * weights[i];
    if (m.var[i] == 0) {
      cr_assert_float_eq(m.mean[i], expect, 1e-12, "%s: particle %d", name, i);
      continue;
    }
    double z = (m.mean[i] - expect) / sqrt(m.var[i] / REPEATS);
    chi2 += z * z;
    df++;
  }
  double limit = gsl_cdf_chisq_Qinv(0.001, df);
  cr_assert_lt(chi2, limit, "%s: chi-square %g over %d terms (limit %g)", name, chi2, df, limit);
}

Test(resample, multinomial_is_unbiased) { assert_unbiased(RESAMPLE_MULTINOMIAL, "multinomial"); }
Test(resample, systematic_is_unbiased) { assert_unbiased(RESAMPLE_SYSTEMATIC, "systematic"); }
Test(resample, stratified_is_unbiased) { assert_unbiased(RESAMPLE_STRATIFIED, "stratified"); }
Test(resample, residual_is_unbiased) { assert_unbiased(RESAMPLE_RESIDUAL, "residual"); }

static double total_variance(ResampleScheme scheme) {
  Moments m = offspring(scheme, 777);
  double v = 0;
  for (int i = 0; i < N; i++) v += m.var[i];
  return v;
}

Test(resample, lower_variance_schemes_beat_multinomial) {
  double multinomial = total_variance(RESAMPLE_MULTINOMIAL);
  /* theory: multinomial's total variance is N sum w(1 - w) */
  double theory = 0;
  for (int i = 0; i < N; i++) theory += N * weights[i] * (1 - weights[i]);
  cr_assert_float_eq(multinomial, theory, 0.1 * theory, "multinomial variance %g, theory %g", multinomial, theory);
  double systematic = total_variance(RESAMPLE_SYSTEMATIC);
  double stratified = total_variance(RESAMPLE_STRATIFIED);
  double residual = total_variance(RESAMPLE_RESIDUAL);
  cr_assert_lt(systematic, multinomial / 2, "systematic %g vs multinomial %g", systematic, multinomial);
  cr_assert_lt(stratified, multinomial / 2, "stratified %g vs multinomial %g", stratified, multinomial);
  cr_assert_lt(residual, multinomial / 2, "residual %g vs multinomial %g", residual, multinomial);
}

Test(resample, a_particle_without_weight_has_no_offspring) {
  double w[4] = {0.5, 0, 0.5, 0};
  VM *vm = vm_new();
  size_t out[4];
  for (int scheme = 0; scheme < 4; scheme++)
    for (int rep = 0; rep < 200; rep++) {
      resample((ResampleScheme)scheme, rand_of(vm), w, 4, 4, out);
      for (int k = 0; k < 4; k++) cr_assert(out[k] == 0 || out[k] == 2, "scheme %d chose %zu", scheme, out[k]);
    }
}

/* Systematic resampling finds each particle's offspring in closed form and
 * stratified makes its points a batch at a time; the result must be the
 * plain inversion of all the points at once, with the same uniforms, for
 * more particles than a batch holds. */
static void reference_inversion(const double *w, size_t n, const double *u, size_t m, size_t *out) {
  size_t last = n - 1;
  while (last > 0 && w[last] == 0) last--;
  double cum = w[0];
  size_t i = 0;
  for (size_t k = 0; k < m; k++) {
    while (u[k] >= cum && i + 1 < n) cum += w[++i];
    out[k] = u[k] >= cum || w[i] == 0 ? last : i;
  }
}

static void assert_same_as_reference(ResampleScheme scheme, size_t n, size_t m) {
  double *w = malloc(sizeof(double) * n), *u = malloc(sizeof(double) * m);
  size_t *got = malloc(sizeof(size_t) * m), *want = malloc(sizeof(size_t) * m);
  VM *vm = vm_new();
  vm_seed(vm, 99);
  double total = 0;
  for (size_t i = 0; i < n; i++) {
    double x = gsl_rng_uniform(vm->rng);
    w[i] = i % 7 == 3 ? 0 : x * x * x; /* uneven, some zero */
    total += w[i];
  }
  for (size_t i = 0; i < n; i++) w[i] /= total;
  /* the same generator state for the scheme and the reference */
  VM *a = vm_new(), *b = vm_new();
  vm_seed(a, 7);
  vm_seed(b, 7);
  resample(scheme, rand_of(a), w, n, m, got);
  if (scheme == RESAMPLE_SYSTEMATIC) {
    double start = gsl_rng_uniform(b->rng);
    for (size_t k = 0; k < m; k++) u[k] = (start + (double)k) / (double)m;
  } else {
    for (size_t k = 0; k < m; k++) u[k] = ((double)k + gsl_rng_uniform(b->rng)) / (double)m;
  }
  reference_inversion(w, n, u, m, want);
  for (size_t k = 0; k < m; k++) cr_assert_eq(got[k], want[k], "offspring %zu of %zu: %zu, expected %zu", k, m, got[k], want[k]);
  free(w);
  free(u);
  free(got);
  free(want);
}

Test(resample, systematic_matches_the_plain_inversion) {
  assert_same_as_reference(RESAMPLE_SYSTEMATIC, 1000, 1000);
  assert_same_as_reference(RESAMPLE_SYSTEMATIC, 1000, 999);
  assert_same_as_reference(RESAMPLE_SYSTEMATIC, 3, 700);
}

static double zero_uniform(InfRand *r) {
  (void)r;
  return 0;
}

Test(resample, systematic_matches_the_plain_inversion_at_the_edges) {
  /* weights summing to less than 1, as rounding can leave them (the last
   * points fall above the total), a zero weight last, points exactly on a
   * cumulative weight */
  double short_w[4] = {0.25, 0.25, 0.4, 0};
  double even_w[4] = {0.25, 0.25, 0.25, 0.25};
  const double *ws[2] = {short_w, even_w};
  size_t got[64], want[64];
  double u[64];
  for (int which = 0; which < 2; which++)
    for (size_t m = 1; m <= 64; m++)
      for (unsigned seed = 1; seed <= 20; seed++) {
        VM *a = vm_new(), *b = vm_new();
        vm_seed(a, seed);
        vm_seed(b, seed);
        InfRand source = *rand_of(a);
        double start;
        if (seed == 1) { /* start 0: every point k/m with m % 4 == 0 is on a quarter */
          source.uniform = zero_uniform;
          start = 0;
        } else {
          start = gsl_rng_uniform(b->rng);
        }
        resample(RESAMPLE_SYSTEMATIC, &source, ws[which], 4, m, got);
        for (size_t k = 0; k < m; k++) u[k] = (start + (double)k) / (double)m;
        reference_inversion(ws[which], 4, u, m, want);
        for (size_t k = 0; k < m; k++)
          cr_assert_eq(got[k], want[k], "weights %d, m %zu, seed %u, offspring %zu: %zu, expected %zu", which, m, seed, k,
                       got[k], want[k]);
      }
  /* a cumulative weight where the closed form's rounding is one off: 94 of
   * the 614 points k / 614 are below 94.0 / 614, which 94.0 / 614 * 614
   * rounds above 94 */
  double w[2] = {94.0 / 614, 1 - 94.0 / 614};
  size_t big_got[614], big_want[614];
  double big_u[614];
  VM *vm = vm_new();
  InfRand source = *rand_of(vm);
  source.uniform = zero_uniform;
  resample(RESAMPLE_SYSTEMATIC, &source, w, 2, 614, big_got);
  for (size_t k = 0; k < 614; k++) big_u[k] = (double)k / 614;
  reference_inversion(w, 2, big_u, 614, big_want);
  for (size_t k = 0; k < 614; k++) cr_assert_eq(big_got[k], big_want[k], "offspring %zu", k);
}

Test(resample, stratified_matches_the_plain_inversion) {
  assert_same_as_reference(RESAMPLE_STRATIFIED, 1000, 1000);
  assert_same_as_reference(RESAMPLE_STRATIFIED, 1000, 999);
  assert_same_as_reference(RESAMPLE_STRATIFIED, 3, 700);
}

/* ------------------------------------------------------------ population */

/* A population of n runs of a model whose particle i, after its first
 * observe, weighs like the value it drew, and returns that value. */
static Population *drawn_population(VM **vmp, size_t n) {
  VM *vm = driver_new_vm(3);
  Value v = run_on(vm, "fn m() { let x = sample(uniform(0, 1)); factor(x); factor(0); x }", NULL);
  cr_assert_neq(v, VAL_UNDEF);
  Population *pop = GC_MALLOC(sizeof *pop);
  pop_init(pop, vm, vm_get_global(vm, "m"), n, 0, false);
  *vmp = vm;
  return pop;
}

Test(population, normalised_weights_are_kept_until_the_weights_change) {
  VM *vm;
  Population *pop = drawn_population(&vm, 50);
  cr_assert(pop_step(pop, vm, "test"));
  double a = pop_normalise(pop);
  double sum = 0;
  for (size_t i = 0; i < pop->n; i++) sum += pop->w[i];
  cr_assert_float_eq(sum, 1, 1e-12);
  cr_assert_eq(pop_normalise(pop), a);
  double ess = pop_ess(pop);
  cr_assert_gt(ess, 1);
  cr_assert_leq(ess, 50);
  /* the exact log of the sum of the weights */
  double max = -INFINITY, total = 0;
  for (size_t i = 0; i < pop->n; i++) max = fmax(max, pop->logw[i]);
  for (size_t i = 0; i < pop->n; i++) total += exp(pop->logw[i] - max);
  cr_assert_float_eq(a, max + log(total), 1e-12);
  pop_resample(pop, vm, RESAMPLE_SYSTEMATIC, -1);
  cr_assert_float_eq(pop_normalise(pop), log(50.0), 1e-12, "after resampling the weights are equal");
}

Test(population, offspring_carry_their_ancestors_state) {
  VM *vm;
  Population *pop = drawn_population(&vm, 200);
  cr_assert(pop_step(pop, vm, "test"));
  Value drawn[200];
  for (size_t i = 0; i < 200; i++) drawn[i] = pop->fibers[i]->stack[pop->fibers[i]->frames[0].base + 1];
  Fiber *before[200];
  memcpy(before, pop->fibers, sizeof before);
  for (int scheme = 0; scheme < 4; scheme++) {
    Population *p = pop;
    if (scheme > 0) { /* a fresh population each time, stepped the same way */
      p = drawn_population(&vm, 200);
      cr_assert(pop_step(p, vm, "test"));
      for (size_t i = 0; i < 200; i++) drawn[i] = p->fibers[i]->stack[p->fibers[i]->frames[0].base + 1];
      memcpy(before, p->fibers, sizeof before);
    }
    pop_resample(p, vm, (ResampleScheme)scheme, -1);
    bool taken[200] = {false};
    for (size_t j = 0; j < 200; j++) {
      size_t a = p->ancestors[j];
      Fiber *f = p->fibers[j];
      for (size_t k = 0; k < j; k++) cr_assert_neq(p->fibers[k], f, "two particles share a fiber");
      if (f == before[a]) {
        cr_assert_not(taken[a], "an ancestor's fiber taken over twice");
        taken[a] = true;
      }
      cr_assert_eq(p->logw[j], 0);
      cr_assert_eq(f->log_weight, before[a]->log_weight);
    }
    /* every particle runs on as its ancestor would: it returns the value the
     * ancestor drew */
    while (pop_step(p, vm, "test")) {
    }
    for (size_t j = 0; j < 200; j++) cr_assert_eq(p->fibers[j]->result, drawn[p->ancestors[j]], "scheme %d particle %zu", scheme, j);
  }
}
