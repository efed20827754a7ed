/* Unit tests of the SMC building blocks: the resampling schemes. */
#include <criterion/criterion.h>
#include <gc/gc.h>
#include <gsl/gsl_cdf.h>
#include <math.h>

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
