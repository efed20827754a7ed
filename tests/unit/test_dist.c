/* Unit tests of the distribution library (stdlib/dist*.c).
 *
 *   - log densities and cdfs against exact reference values computed
 *     independently (tests/reference/dist_reference.py), to 1e-10 relative;
 *   - draws against the theory, at fixed seeds: sample means and variances
 *     within 4 standard errors of the exact moments; quantile counts for the
 *     families without a variance; chi-square goodness of fit for discrete
 *     families; Kolmogorov-Smirnov against the cdf for continuous ones;
 *   - parameter errors (exact messages), -inf outside the support, values
 *     of the wrong type, support, printing, equality.
 *
 * Tolerances come from the standard errors of the estimates; a test that
 * fails says the code or the test is wrong, not that the tolerance is too
 * tight.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "helpers.h"
#include "vm/dist.h"

typedef struct RefPoint {
  const char *dist;  /* ppl source of the distribution */
  const char *value; /* ppl source of the value */
  double ref;        /* the exact log density (or cdf), rounded */
} RefPoint;

#include "../reference/dist_reference.inc"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------- helpers */

static Value eval(VM *vm, const char *src) {
  char *msgs;
  Value v = run_on(vm, src, &msgs);
  cr_assert_neq(v, VAL_UNDEF, "%s\nfailed:\n%s", src, msgs);
  free(msgs);
  return v;
}

static double eval_num(VM *vm, const char *src) {
  Value v = eval(vm, src);
  cr_assert(val_is_num(v), "%s did not give a number", src);
  return val_as_num(v);
}

static ObjDist *eval_dist(VM *vm, const char *src) {
  Value v = eval(vm, src);
  cr_assert(val_is(v, OBJ_DIST), "%s did not give a distribution", src);
  return AS_DIST(v);
}

/* The first message of running src, without its location: what follows
 * "error: " (malloc'd); NULL when src runs without error. */
static char *first_error(const char *src) {
  char *msgs;
  Value v = run_source(src, &msgs);
  if (v != VAL_UNDEF) {
    free(msgs);
    return NULL;
  }
  size_t len = strcspn(msgs, "\n"), start = 0;
  for (size_t i = 0; i + 7 <= len; i++)
    if (strncmp(msgs + i, "error: ", 7) == 0) {
      start = i + 7;
      break;
    }
  char *out = strndup(msgs + start, len - start);
  free(msgs);
  return out;
}

static void assert_message(const char *src, const char *expected) {
  char *m = first_error(src);
  cr_expect_not_null(m, "%s\nshould fail but gave a value", src);
  if (!m) return;
  cr_expect_str_eq(m, expected, "%s\nmessage:  %s\nexpected: %s", src, m, expected);
  free(m);
}

/* A draw as a number (booleans count as 1 and 0). */
static double draw_num(VM *vm, const ObjDist *d) {
  Value v = d->cls->sample(vm, d);
  if (val_is_bool(v)) return v == VAL_TRUE;
  cr_assert(val_is_num(v), "%s drew a value that is not a number", d->cls->name);
  return val_as_num(v);
}

static bool close_rel(double got, double want, double tol) {
  if (got == want) return true;
  return fabs(got - want) <= tol * fabs(want);
}

/* ---------------------------------------------------------- references */

static void check_references(const char *fn, const RefPoint *rows, size_t n) {
  VM *vm = driver_new_vm(1);
  char src[512];
  for (size_t i = 0; i < n; i++) {
    snprintf(src, sizeof src, "%s(%s, %s)", fn, rows[i].dist, rows[i].value);
    double got = eval_num(vm, src);
    double rel = rows[i].ref == 0 ? fabs(got) : fabs(got - rows[i].ref) / fabs(rows[i].ref);
    cr_expect(rows[i].ref == 0 ? got == 0 : rel <= 1e-10, "%s = %.17g, reference %.17g (relative error %.2g)", src, got,
              rows[i].ref, rel);
  }
}

Test(dist, logpdf_matches_references) { check_references("logpdf", dist_ref_logpdf, N_ROWS(dist_ref_logpdf)); }

Test(dist, cdf_matches_references) { check_references("cdf", dist_ref_cdf, N_ROWS(dist_ref_cdf)); }

Test(dist, references_cover_every_family) {
  static const char *families[] = {
      "normal(",      "lognormal(",   "uniform(",           "exponential(",         "gamma(",
      "inverse_gamma(", "beta(",      "student_t(",         "cauchy(",              "half_normal(",
      "half_cauchy(", "laplace(",     "bernoulli(",         "binomial(",            "poisson(",
      "geometric(",   "negative_binomial(", "negative_binomial_2(", "categorical(", "uniform_int(",
      "dirichlet(",   "multivariate_normal(", "mixture(",   "delta(",
  };
  for (size_t f = 0; f < N_ROWS(families); f++) {
    bool found = false;
    for (size_t i = 0; i < N_ROWS(dist_ref_logpdf) && !found; i++)
      found = strncmp(dist_ref_logpdf[i].dist, families[f], strlen(families[f])) == 0;
    cr_expect(found, "no logpdf reference for %s", families[f]);
  }
}

/* ------------------------------------------------------------- moments */

/* n draws from src: the sample mean within 4 standard errors (sqrt(var/n))
 * of mean, the sample variance within 4 standard errors of var, the SE of
 * the variance estimated from the sample's fourth central moment,
 * sqrt((m4 - s^4) / n). The class's own mean and variance must be the
 * theory's to rounding. */
static void check_moments(const char *src, double mean, double var, unsigned long seed) {
  const int n = 50000;
  VM *vm = driver_new_vm(seed);
  ObjDist *d = eval_dist(vm, src);
  cr_assert(d->cls->mean && d->cls->variance, "%s has no mean or variance", src);
  double cm = val_as_num(d->cls->mean(vm, d)), cv = val_as_num(d->cls->variance(vm, d));
  cr_expect(close_rel(cm, mean, 1e-12), "mean(%s) = %.17g, expected %.17g", src, cm, mean);
  cr_expect(close_rel(cv, var, 1e-12), "variance(%s) = %.17g, expected %.17g", src, cv, var);
  double *xs = malloc(sizeof(double) * n);
  double m = 0;
  for (int i = 0; i < n; i++) {
    xs[i] = draw_num(vm, d);
    m += xs[i];
  }
  m /= n;
  double m2 = 0, m4 = 0;
  for (int i = 0; i < n; i++) {
    double e = xs[i] - m;
    m2 += e * e;
    m4 += e * e * e * e;
  }
  free(xs);
  double s2 = m2 / (n - 1);
  m4 /= n;
  double se_mean = sqrt(var / n), se_var = sqrt(fmax(m4 - s2 * s2, 0) / n);
  cr_expect(fabs(m - mean) <= 4 * se_mean, "%s: sample mean %.6g, expected %.6g (SE %.3g, %.1f SE off)", src, m, mean,
            se_mean, (m - mean) / se_mean);
  if (var == 0) cr_expect(s2 == 0, "%s: sample variance %.6g, expected 0", src, s2);
  else
    cr_expect(fabs(s2 - var) <= 4 * se_var, "%s: sample variance %.6g, expected %.6g (SE %.3g, %.1f SE off)", src, s2,
              var, se_var, (s2 - var) / se_var);
}

Test(dist, moments_normal) { check_moments("normal(1.5, 2)", 1.5, 4, 11); }
Test(dist, moments_lognormal) {
  check_moments("lognormal(0.2, 0.5)", exp(0.2 + 0.125), (exp(0.25) - 1) * exp(0.4 + 0.25), 12);
}
Test(dist, moments_uniform) { check_moments("uniform(-2, 3)", 0.5, 25.0 / 12, 13); }
Test(dist, moments_exponential) { check_moments("exponential(2.5)", 0.4, 0.16, 14); }
Test(dist, moments_gamma) {
  check_moments("gamma(2.5, 4)", 2.5 / 4, 2.5 / 16, 15);
  check_moments("gamma(0.3, 1)", 0.3, 0.3, 16);
}
Test(dist, moments_inverse_gamma) { check_moments("inverse_gamma(6, 2)", 2.0 / 5, 4.0 / (25 * 4), 17); }
Test(dist, moments_beta) { check_moments("beta(2, 5)", 2.0 / 7, 10.0 / (49 * 8), 18); }
Test(dist, moments_student_t) { check_moments("student_t(10, 1, 2)", 1, 4 * 10.0 / 8, 19); }
Test(dist, moments_half_normal) {
  check_moments("half_normal(1.5)", 1.5 * sqrt(2 / M_PI), 2.25 * (1 - 2 / M_PI), 20);
}
Test(dist, moments_laplace) { check_moments("laplace(-1, 0.5)", -1, 0.5, 21); }
Test(dist, moments_bernoulli) { check_moments("bernoulli(0.3)", 0.3, 0.21, 22); }
Test(dist, moments_binomial) { check_moments("binomial(20, 0.3)", 6, 4.2, 23); }
Test(dist, moments_poisson) {
  check_moments("poisson(4.5)", 4.5, 4.5, 24);
  check_moments("poisson(2000)", 2000, 2000, 25);
  check_moments("poisson(5e9)", 5e9, 5e9, 35);   /* a sum of Poisson draws */
  check_moments("poisson(1e13)", 1e13, 1e13, 36); /* the normal limit */
}
Test(dist, moments_geometric) { check_moments("geometric(0.3)", 0.7 / 0.3, 0.7 / 0.09, 26); }
Test(dist, moments_negative_binomial) { check_moments("negative_binomial(3, 0.5)", 6, 3 * 1.5 / 0.25, 27); }
Test(dist, moments_negative_binomial_2) { check_moments("negative_binomial_2(5, 2)", 5, 5 + 25.0 / 2, 28); }
Test(dist, moments_categorical) {
  check_moments("categorical([0.2, 0.5, 0.3])", 1.1, 0.2 * 1.21 + 0.5 * 0.01 + 0.3 * 0.81, 29);
  check_moments("categorical([1, 1], [10, 20])", 15, 25, 30);
}
Test(dist, moments_uniform_int) { check_moments("uniform_int(-3, 7)", 2, 10, 31); }
Test(dist, moments_delta) { check_moments("delta(2.5)", 2.5, 0, 32); }
Test(dist, moments_mixture) {
  check_moments("mixture([0.3, 0.7], [normal(0, 1), normal(5, 2)])", 3.5, 0.3 * (1 + 12.25) + 0.7 * (4 + 2.25), 33);
  check_moments("mixture([1, 3], [poisson(2), geometric(0.5)])", 0.25 * 2 + 0.75 * 1,
                0.25 * (2 + 0.5625) + 0.75 * (2 + 0.0625), 34);
}

/* Vector families, component by component; the covariance of the first
 * two components too (its SE from the sample's fourth cross moment). */
static void check_vector_moments(const char *src, int k, const double *mean, const double *var, double cov01,
                                 unsigned long seed) {
  const int n = 50000;
  VM *vm = driver_new_vm(seed);
  ObjDist *d = eval_dist(vm, src);
  Value cm = d->cls->mean(vm, d), cv = d->cls->variance(vm, d);
  cr_assert(val_is(cm, OBJ_ARRAY) && AS_ARRAY(cm)->len == (uint32_t)k, "mean(%s) is not an array of %d", src, k);
  cr_assert(val_is(cv, OBJ_ARRAY) && AS_ARRAY(cv)->len == (uint32_t)k, "variance(%s) is not an array of %d", src, k);
  double *xs = malloc(sizeof(double) * n * k);
  for (int i = 0; i < n; i++) {
    Value v = d->cls->sample(vm, d);
    cr_assert(val_is(v, OBJ_ARRAY) && AS_ARRAY(v)->len == (uint32_t)k, "%s drew a value of the wrong shape", src);
    for (int j = 0; j < k; j++) xs[i * k + j] = val_as_num(AS_ARRAY(v)->items[j]);
  }
  double m[16];
  for (int j = 0; j < k; j++) {
    cr_expect(close_rel(val_as_num(AS_ARRAY(cm)->items[j]), mean[j], 1e-12), "mean(%s)[%d]", src, j);
    cr_expect(close_rel(val_as_num(AS_ARRAY(cv)->items[j]), var[j], 1e-12), "variance(%s)[%d]", src, j);
    m[j] = 0;
    for (int i = 0; i < n; i++) m[j] += xs[i * k + j];
    m[j] /= n;
    double m2 = 0, m4 = 0;
    for (int i = 0; i < n; i++) {
      double e = xs[i * k + j] - m[j];
      m2 += e * e;
      m4 += e * e * e * e;
    }
    double s2 = m2 / (n - 1), se_mean = sqrt(var[j] / n), se_var = sqrt((m4 / n - s2 * s2) / n);
    cr_expect(fabs(m[j] - mean[j]) <= 4 * se_mean, "%s[%d]: sample mean %.6g, expected %.6g (%.1f SE off)", src, j,
              m[j], mean[j], (m[j] - mean[j]) / se_mean);
    cr_expect(fabs(s2 - var[j]) <= 4 * se_var, "%s[%d]: sample variance %.6g, expected %.6g (%.1f SE off)", src, j,
              s2, var[j], (s2 - var[j]) / se_var);
  }
  double c = 0, c4 = 0;
  for (int i = 0; i < n; i++) c += (xs[i * k] - m[0]) * (xs[i * k + 1] - m[1]);
  c /= n - 1;
  for (int i = 0; i < n; i++) {
    double e = (xs[i * k] - m[0]) * (xs[i * k + 1] - m[1]);
    c4 += e * e;
  }
  double se_c = sqrt((c4 / n - c * c) / n);
  cr_expect(fabs(c - cov01) <= 4 * se_c, "%s: sample covariance %.6g, expected %.6g (%.1f SE off)", src, c, cov01,
            (c - cov01) / se_c);
  free(xs);
}

Test(dist, moments_dirichlet) {
  const double a[3] = {2, 3, 5}, t = 10;
  double mean[3], var[3];
  for (int j = 0; j < 3; j++) {
    mean[j] = a[j] / t;
    var[j] = a[j] * (t - a[j]) / (t * t * (t + 1));
  }
  check_vector_moments("dirichlet([2, 3, 5])", 3, mean, var, -a[0] * a[1] / (t * t * (t + 1)), 40);
}

Test(dist, moments_dirichlet_small_alpha) {
  const double a[2] = {0.05, 0.2}, t = 0.25;
  double mean[2], var[2];
  for (int j = 0; j < 2; j++) {
    mean[j] = a[j] / t;
    var[j] = a[j] * (t - a[j]) / (t * t * (t + 1));
  }
  check_vector_moments("dirichlet([0.05, 0.2])", 2, mean, var, -a[0] * a[1] / (t * t * (t + 1)), 41);
}

Test(dist, moments_multivariate_normal) {
  const double mean[3] = {1, -2, 0.5}, var[3] = {2, 1, 3};
  check_vector_moments("multivariate_normal([1, -2, 0.5], [[2, 0.6, -0.4], [0.6, 1, 0.3], [-0.4, 0.3, 3]])", 3, mean,
                       var, 0.6, 42);
}

Test(dist, moments_mixture_of_vectors) {
  /* components [0.2, 0.8] and [0.6, 0.4] mean; the mixture's marginals */
  const double w0 = 0.25, w1 = 0.75;
  double m0[2] = {1.0 / 5, 4.0 / 5}, m1[2] = {3.0 / 5, 2.0 / 5}, v0[2], v1[2], mean[2], var[2];
  for (int j = 0; j < 2; j++) {
    v0[j] = m0[j] * (1 - m0[j]) / 6; /* dirichlet([1, 4]): alpha0 = 5 */
    v1[j] = m1[j] * (1 - m1[j]) / 6; /* dirichlet([3, 2]) */
    mean[j] = w0 * m0[j] + w1 * m1[j];
    var[j] = w0 * (v0[j] + (m0[j] - mean[j]) * (m0[j] - mean[j])) + w1 * (v1[j] + (m1[j] - mean[j]) * (m1[j] - mean[j]));
  }
  /* the two components of a point on the 2-simplex move together: cov = -var */
  check_vector_moments("mixture([1, 3], [dirichlet([1, 4]), dirichlet([3, 2])])", 2, mean, var, -var[0], 43);
}

/* ----------------------------------------------------------- quantiles */

/* For each probability q: the number of n draws at or below the exact
 * quantile x_q is Binomial(n, q), so it must lie within 4 of its standard
 * deviations sqrt(n q (1 - q)) of n q. The class's quantile must be x_q. */
static void check_quantile_counts(const char *src, const double *q, const double *xq, int m, unsigned long seed) {
  const int n = 50000;
  VM *vm = driver_new_vm(seed);
  ObjDist *d = eval_dist(vm, src);
  int count[8] = {0};
  for (int i = 0; i < n; i++) {
    double x = draw_num(vm, d);
    for (int j = 0; j < m; j++) count[j] += x <= xq[j];
  }
  for (int j = 0; j < m; j++) {
    double sd = sqrt(n * q[j] * (1 - q[j]));
    cr_expect(fabs(count[j] - n * q[j]) <= 4 * sd, "%s: %d of %d draws <= %.6g, expected %.0f (%.1f SD off)", src,
              count[j], n, xq[j], n * q[j], (count[j] - n * q[j]) / sd);
    double got = d->cls->quantile(vm, d, q[j]);
    cr_expect(fabs(got - xq[j]) <= 1e-9 * fmax(1, fabs(xq[j])), "quantile(%s, %g) = %.17g, expected %.17g", src, q[j],
              got, xq[j]);
  }
}

static const double quartiles[3] = {0.25, 0.5, 0.75};

Test(dist, quantiles_cauchy) {
  double xq[3];
  for (int j = 0; j < 3; j++) xq[j] = 1 + 2 * tan(M_PI * (quartiles[j] - 0.5));
  check_quantile_counts("cauchy(1, 2)", quartiles, xq, 3, 50);
}

Test(dist, quantiles_half_cauchy) {
  double xq[3];
  for (int j = 0; j < 3; j++) xq[j] = 0.5 * tan(M_PI_2 * quartiles[j]);
  check_quantile_counts("half_cauchy(0.5)", quartiles, xq, 3, 51);
}

Test(dist, quantiles_student_t_two) {
  /* nu = 2 has the closed form t = (2q - 1) / sqrt(2 q (1 - q)) */
  double xq[3];
  for (int j = 0; j < 3; j++) {
    double p = quartiles[j];
    xq[j] = -1 + 3 * (2 * p - 1) / sqrt(2 * p * (1 - p));
  }
  check_quantile_counts("student_t(2, -1, 3)", quartiles, xq, 3, 52);
}

Test(dist, quantiles_student_t_one) {
  /* nu = 1 is the Cauchy */
  double q[4] = {0.1, 0.25, 0.5, 0.9}, xq[4];
  for (int j = 0; j < 4; j++) xq[j] = 0.5 * tan(M_PI * (q[j] - 0.5));
  check_quantile_counts("student_t(1, 0, 0.5)", q, xq, 4, 53);
}

Test(dist, quantiles_student_t_heavy) {
  /* nu = 1.5: no closed form; the exact quantiles are where the cdf, an
   * incomplete beta, equals q (GSL's t cdf, not the code under test) */
  double xq[3];
  for (int j = 0; j < 3; j++) xq[j] = 2 + gsl_cdf_tdist_Pinv(quartiles[j], 1.5);
  check_quantile_counts("student_t(1.5, 2, 1)", quartiles, xq, 3, 54);
}

/* quantile(D, cdf(D, x)) returns x for continuous families. */
Test(dist, quantile_inverts_cdf_continuous) {
  static const struct {
    const char *dist;
    double x;
  } rows[] = {
      {"normal(1, 2)", -3},      {"normal(1, 2)", 4.5},      {"lognormal(0, 1)", 0.3},   {"lognormal(0, 1)", 7},
      {"uniform(-2, 3)", 0.7},   {"exponential(2)", 0.01},   {"exponential(2)", 3},      {"gamma(2.5, 4)", 0.2},
      {"gamma(2.5, 4)", 2},      {"gamma(0.3, 1)", 1e-3},    {"inverse_gamma(3, 2)", 0.4}, {"inverse_gamma(3, 2)", 5},
      {"beta(2, 5)", 0.1},       {"beta(2, 5)", 0.8},        {"beta(0.5, 0.5)", 0.01},   {"student_t(3, 1, 2)", -4},
      {"student_t(3, 1, 2)", 2}, {"cauchy(0, 1)", -20},      {"cauchy(0, 1)", 0.5},      {"half_normal(2)", 0.001},
      {"half_normal(2)", 0.5},   {"half_normal(2)", 5},      {"half_cauchy(1)", 0.3},    {"half_cauchy(1)", 40},
      {"laplace(1, 2)", -3},     {"laplace(1, 2)", 6},
      {"mixture([0.3, 0.7], [normal(0, 1), normal(5, 2)])", 2.5},
      {"mixture([0.3, 0.7], [normal(0, 1), normal(5, 2)])", -1},
      /* extreme shapes, where GSL's own inverses fail */
      {"gamma(1e7, 1)", 9996000}, {"gamma(1e7, 1)", 10005000}, {"gamma(0.01, 1)", 1e-3},
      {"gamma(0.01, 1)", 1e-30},  {"beta(1e5, 2e5)", 0.333},   {"beta(0.05, 0.05)", 1e-20},
      {"inverse_gamma(1e6, 1)", 1.001e-6}, {"inverse_gamma(0.1, 1)", 1e6},
      {"student_t(0.3, 0, 1)", -1e6},      {"student_t(1e8, 0, 1)", 3},
  };
  VM *vm = driver_new_vm(1);
  char src[256];
  for (size_t i = 0; i < N_ROWS(rows); i++) {
    snprintf(src, sizeof src, "let d = %s; quantile(d, cdf(d, %.17g))", rows[i].dist, rows[i].x);
    double got = eval_num(vm, src);
    cr_expect(fabs(got - rows[i].x) <= 1e-8 * fabs(rows[i].x), "%s: got %.17g, expected %.17g", src, got, rows[i].x);
  }
}

/* For discrete families the quantile at p is the smallest k with
 * cdf(k) >= p: at p = cdf(k) it is k, just above cdf(k - 1) it is k too. */
Test(dist, quantile_inverts_cdf_discrete) {
  static const struct {
    const char *dist;
    double lo, hi;
  } rows[] = {
      {"binomial(10, 0.3)", 0, 10},   {"poisson(3.5)", 0, 15},        {"poisson(200)", 150, 250},
      {"geometric(0.2)", 0, 30},      {"geometric(1e-6)", 0, 3},      {"negative_binomial(2.5, 0.5)", 0, 25},
      {"negative_binomial_2(4, 2)", 0, 25}, {"uniform_int(-3, 7)", -3, 7},
      {"mixture([1, 1], [poisson(2), poisson(20)])", 0, 40},
      {"binomial(1000000000, 0.5)", 499990000, 499990002}, {"poisson(1e12)", 999999000000, 999999000002},
      {"negative_binomial(1e7, 1)", 10001000, 10001002},
  };
  VM *vm = driver_new_vm(1);
  char src[256];
  for (size_t i = 0; i < N_ROWS(rows); i++)
    for (double k = rows[i].lo; k <= rows[i].hi; k++) {
      snprintf(src, sizeof src, "let d = %s; [quantile(d, cdf(d, %.0f)), quantile(d, cdf(d, %.0f) * (1 + 1e-12) + 1e-300)]",
               rows[i].dist, k, k - 1);
      Value v = eval(vm, src);
      double a = val_as_num(AS_ARRAY(v)->items[0]), b = val_as_num(AS_ARRAY(v)->items[1]);
      cr_expect(a == k && b == k, "%s: got [%.17g, %.17g], expected %.0f", src, a, b, k);
    }
}

Test(dist, quantile_ends) {
  assert_value("[quantile(normal(0, 1), 0), quantile(normal(0, 1), 1)]", "[-inf, inf]");
  assert_value("[quantile(exponential(2), 0), quantile(exponential(2), 1)]", "[0, inf]");
  assert_value("[quantile(uniform(-1, 2), 0), quantile(uniform(-1, 2), 1)]", "[-1, 2]");
  assert_value("[quantile(beta(2, 3), 0), quantile(beta(2, 3), 1)]", "[0, 1]");
  assert_value("[quantile(cauchy(0, 1), 0), quantile(cauchy(0, 1), 1)]", "[-inf, inf]");
  assert_value("[quantile(half_cauchy(1), 0), quantile(half_cauchy(1), 1)]", "[0, inf]");
  assert_value("[quantile(laplace(0, 1), 0), quantile(laplace(0, 1), 1)]", "[-inf, inf]");
  assert_value("[quantile(inverse_gamma(2, 1), 0), quantile(inverse_gamma(2, 1), 1)]", "[0, inf]");
  assert_value("[quantile(binomial(10, 0.5), 0), quantile(binomial(10, 0.5), 1)]", "[0, 10]");
  assert_value("[quantile(poisson(3), 0), quantile(poisson(3), 1)]", "[0, inf]");
  assert_value("[quantile(uniform_int(2, 5), 0), quantile(uniform_int(2, 5), 1)]", "[2, 5]");
  assert_value("quantile(delta(4), 0.3)", "4");
  assert_value("quantile(half_normal(1), 0.5)", "0.6744897501960818");
}

/* ----------------------------------------------------- goodness of fit */

/* Pearson's chi-square of n draws against the mass function: the bins are
 * the support (in order), or 0..kmax and a tail bin for an infinite
 * support; neighbouring bins are merged until each expects at least 5
 * draws. A draw of mass 0 fails at once. */
static void check_chisq(const char *src, int kmax, unsigned long seed) {
  const int n = 50000;
  VM *vm = driver_new_vm(seed);
  ObjDist *d = eval_dist(vm, src);
  ObjArray *support = NULL;
  uint32_t m;
  if (kmax < 0) {
    support = d->cls->support(vm, d);
    cr_assert_not_null(support, "%s has no finite support", src);
    m = support->len;
  } else {
    m = (uint32_t)kmax + 2; /* 0..kmax, then the tail */
  }
  double *expect = calloc(m, sizeof(double));
  long *seen = calloc(m, sizeof(long));
  double total = 0;
  for (uint32_t j = 0; j < m; j++) {
    if (kmax >= 0 && j == m - 1) break;
    Value v = support ? support->items[j] : val_num(j);
    expect[j] = n * exp(d->cls->logpdf(vm, d, v));
    total += expect[j];
  }
  if (kmax >= 0) expect[m - 1] = fmax(n - total, 0);
  else cr_expect(fabs(total - n) <= 1e-9 * n, "%s: the masses of the support add up to %.12g", src, total / n);
  for (int i = 0; i < n; i++) {
    Value v = d->cls->sample(vm, d);
    uint32_t j = 0;
    if (support) {
      while (j < m && !val_equal(support->items[j], v)) j++;
      cr_assert(j < m, "%s drew a value outside its support", src);
    } else {
      cr_assert(val_is_num(v) && val_as_num(v) >= 0 && val_as_num(v) == floor(val_as_num(v)),
                "%s drew a value that is not a count", src);
      j = val_as_num(v) > kmax ? m - 1 : (uint32_t)val_as_num(v);
    }
    cr_assert(expect[j] > 0, "%s drew a value of mass 0 (bin %u)", src, j);
    seen[j]++;
  }
  /* merge bins in order until each expects 5 draws; a short remainder
   * joins the last full bin */
  double *be = calloc(m, sizeof(double)), *bo = calloc(m, sizeof(double));
  int bins = 0;
  double e = 0, o = 0;
  for (uint32_t j = 0; j < m; j++) {
    e += expect[j];
    o += seen[j];
    if (e >= 5) {
      be[bins] = e;
      bo[bins++] = o;
      e = o = 0;
    }
  }
  if (e > 0 || o > 0) {
    if (bins == 0) bins = 1;
    be[bins - 1] += e;
    bo[bins - 1] += o;
  }
  double stat = 0;
  for (int b = 0; b < bins; b++) stat += (bo[b] - be[b]) * (bo[b] - be[b]) / be[b];
  free(be);
  free(bo);
  free(expect);
  free(seen);
  cr_assert(bins >= 2, "%s: too few bins for a chi-square test", src);
  double p = gsl_cdf_chisq_Q(stat, bins - 1);
  cr_expect(p > 1e-3, "%s: chi-square %.4g on %d degrees of freedom, p = %.3g", src, stat, bins - 1, p);
}

Test(dist, chisq_bernoulli) { check_chisq("bernoulli(0.3)", -1, 60); }
Test(dist, chisq_binomial) {
  check_chisq("binomial(10, 0.3)", -1, 61);
  check_chisq("binomial(40, 0.95)", -1, 62);
}
Test(dist, chisq_categorical) {
  check_chisq("categorical([0.1, 0.2, 0.3, 0.4])", -1, 63);
  check_chisq("categorical([2, 0, 1, 5])", -1, 64);
  check_chisq("categorical([1, 2, 3], [\"x\", \"y\", \"x\"])", -1, 65);
}
Test(dist, chisq_uniform_int) { check_chisq("uniform_int(-2, 4)", -1, 66); }
Test(dist, chisq_delta) {
  VM *vm = driver_new_vm(67);
  ObjDist *d = eval_dist(vm, "delta([1, \"a\"])");
  for (int i = 0; i < 1000; i++) cr_assert(val_equal(d->cls->sample(vm, d), d->a));
}
Test(dist, chisq_mixture_of_finite) {
  check_chisq("mixture([0.25, 0.75], [bernoulli(0.1), bernoulli(0.6)])", -1, 68);
  check_chisq("mixture([1, 2], [uniform_int(0, 3), binomial(5, 0.5)])", -1, 69);
}
Test(dist, chisq_poisson) {
  check_chisq("poisson(4.5)", 14, 70);
  check_chisq("poisson(0.01)", 1, 71);
}
Test(dist, chisq_geometric) {
  check_chisq("geometric(0.3)", 15, 72);
  check_chisq("geometric(0.999)", 0, 73);
}
Test(dist, chisq_negative_binomial) {
  check_chisq("negative_binomial(3, 0.5)", 20, 74);
  check_chisq("negative_binomial_2(5, 2)", 20, 75);
}

/* Kolmogorov-Smirnov: the largest gap between the empirical cdf of n draws
 * and the class's cdf; the p-value from Kolmogorov's limit distribution,
 * with Stephens' small-sample correction. */
static double ks_pvalue(double dn, int n) {
  double sn = sqrt(n), lambda = (sn + 0.12 + 0.11 / sn) * dn;
  if (lambda < 0.3) return 1;
  double s = 0;
  for (int k = 1; k <= 100; k++) s += (k % 2 ? 2 : -2) * exp(-2.0 * k * k * lambda * lambda);
  return fmin(fmax(s, 0), 1);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void check_ks(const char *src, unsigned long seed) {
  const int n = 20000;
  VM *vm = driver_new_vm(seed);
  ObjDist *d = eval_dist(vm, src);
  double *xs = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) xs[i] = draw_num(vm, d);
  qsort(xs, n, sizeof(double), cmp_double);
  double dn = 0;
  for (int i = 0; i < n; i++) {
    double f = d->cls->cdf(vm, d, xs[i]);
    dn = fmax(dn, fmax(f - (double)i / n, (double)(i + 1) / n - f));
  }
  free(xs);
  double p = ks_pvalue(dn, n);
  cr_expect(p > 1e-3, "%s: KS distance %.4g over %d draws, p = %.3g", src, dn, n, p);
}

Test(dist, ks_continuous) {
  static const char *dists[] = {
      "normal(1.5, 2)", "lognormal(0.2, 0.5)", "uniform(-2, 3)", "exponential(2.5)", "gamma(2.5, 4)",
      "gamma(0.3, 1)", "inverse_gamma(3, 2)", "beta(2, 5)", "beta(0.3, 0.4)", "student_t(3, 1, 2)",
      "student_t(1.5, 0, 1)", "cauchy(1, 2)", "half_normal(1.5)", "half_cauchy(0.5)", "laplace(-1, 0.5)",
      "mixture([0.3, 0.7], [normal(0, 1), normal(5, 2)])",
  };
  for (size_t i = 0; i < N_ROWS(dists); i++) check_ks(dists[i], 80 + i);
}

/* -------------------------------------------------------------- errors */

Test(dist, parameter_errors) {
  assert_message("normal(0, -1)", "normal: sigma must be > 0, got -1");
  assert_message("normal(0, 0)", "normal: sigma must be > 0, got 0");
  assert_message("normal(1 / 0, 1)", "normal: mu must be finite, got inf");
  assert_message("normal(0, 0 / 0)", "normal: sigma must be finite, got nan");
  assert_message("lognormal(0, -2)", "lognormal: sigma must be > 0, got -2");
  assert_message("lognormal(1e999, 1)", "lognormal: mu must be finite, got inf");
  assert_message("uniform(1, 1)", "uniform: hi must be > lo, got 1");
  assert_message("uniform(2, 1)", "uniform: hi must be > lo, got 1");
  assert_message("uniform(-1e308, 1e308)", "uniform: hi - lo must be finite, got inf");
  assert_message("exponential(0)", "exponential: rate must be > 0, got 0");
  assert_message("gamma(-1, 1)", "gamma: shape must be > 0, got -1");
  assert_message("gamma(1, 0)", "gamma: rate must be > 0, got 0");
  assert_message("inverse_gamma(0, 1)", "inverse_gamma: shape must be > 0, got 0");
  assert_message("inverse_gamma(1, -2)", "inverse_gamma: scale must be > 0, got -2");
  assert_message("beta(0, 1)", "beta: a must be > 0, got 0");
  assert_message("beta(1, -0.5)", "beta: b must be > 0, got -0.5");
  assert_message("student_t(0, 0, 1)", "student_t: nu must be > 0, got 0");
  assert_message("student_t(3, 1 / 0, 1)", "student_t: mu must be finite, got inf");
  assert_message("student_t(3, 0, -1)", "student_t: sigma must be > 0, got -1");
  assert_message("cauchy(0, -1)", "cauchy: sigma must be > 0, got -1");
  assert_message("cauchy(0 / 0, 1)", "cauchy: mu must be finite, got nan");
  assert_message("half_normal(0)", "half_normal: sigma must be > 0, got 0");
  assert_message("half_cauchy(-3)", "half_cauchy: sigma must be > 0, got -3");
  assert_message("laplace(0, 0)", "laplace: b must be > 0, got 0");
  assert_message("laplace(1 / 0, 1)", "laplace: mu must be finite, got inf");
  assert_message("bernoulli(1.5)", "bernoulli: p must be in [0, 1], got 1.5");
  assert_message("bernoulli(-0.1)", "bernoulli: p must be in [0, 1], got -0.1");
  assert_message("bernoulli(0 / 0)", "bernoulli: p must be in [0, 1], got nan");
  assert_message("binomial(-1, 0.5)", "binomial: n must be >= 0, got -1");
  assert_message("binomial(2.5, 0.5)", "binomial: n must be a whole number, got 2.5");
  assert_message("binomial(1e12, 0.5)", "binomial: n must be <= 1000000000, got 1000000000000");
  assert_message("binomial(10, 2)", "binomial: p must be in [0, 1], got 2");
  assert_message("poisson(-1)", "poisson: lambda must be >= 0, got -1");
  assert_message("poisson(1 / 0)", "poisson: lambda must be finite, got inf");
  assert_message("geometric(0)", "geometric: p must be in (0, 1], got 0");
  assert_message("geometric(1.5)", "geometric: p must be in (0, 1], got 1.5");
  assert_message("negative_binomial(0, 1)", "negative_binomial: alpha must be > 0, got 0");
  assert_message("negative_binomial(1, -1)", "negative_binomial: beta must be > 0, got -1");
  assert_message("negative_binomial_2(0, 1)", "negative_binomial_2: mu must be > 0, got 0");
  assert_message("negative_binomial_2(1, -1)", "negative_binomial_2: phi must be > 0, got -1");
  assert_message("categorical([])", "categorical: weights must be a non-empty array, got []");
  assert_message("categorical([0.5, -0.5])", "categorical: weights[1] must be >= 0, got -0.5");
  assert_message("categorical([1, \"a\"])", "categorical: weights[1] must be a number, got \"a\"");
  assert_message("categorical([1, 1 / 0])", "categorical: weights[1] must be finite, got inf");
  assert_message("categorical([0, 0])", "categorical: weights must not all be 0, got [0, 0]");
  assert_message("categorical([1e308, 1e308])", "categorical: weights must have a finite sum, got [1e+308, 1e+308]");
  assert_message("categorical([1, 2], [\"a\"])",
                 "categorical: values must be an array of 2 values (one per weight), got [\"a\"]");
  assert_message("uniform_int(0.5, 2)", "uniform_int: lo must be a whole number, got 0.5");
  assert_message("uniform_int(0, 2.5)", "uniform_int: hi must be a whole number, got 2.5");
  assert_message("uniform_int(3, 1)", "uniform_int: hi must be >= lo, got 1");
  assert_message("uniform_int(0, 1e300)", "uniform_int: hi must be <= 1000000000000000, got 1e+300");
  assert_message("dirichlet([1])", "dirichlet: alpha must be an array of at least 2 numbers, got [1]");
  assert_message("dirichlet([1, 0])", "dirichlet: alpha[1] must be > 0, got 0");
  assert_message("dirichlet([1, \"a\"])", "dirichlet: alpha[1] must be a number, got \"a\"");
  assert_message("multivariate_normal([], [])", "multivariate_normal: mu must be a non-empty array, got []");
  assert_message("multivariate_normal([0, 0], [[1, 0]])",
                 "multivariate_normal: cov must be a 2 x 2 matrix (an array of 2 rows), got [[1, 0]]");
  assert_message("multivariate_normal([0, 0], [[1, 0], [0]])",
                 "multivariate_normal: cov[1] must be an array of 2 numbers, got [0]");
  assert_message("multivariate_normal([0, 0], [[1, 0], [0, 1 / 0]])",
                 "multivariate_normal: cov[1][1] must be finite, got inf");
  assert_message("multivariate_normal([0, 1 / 0], [[1, 0], [0, 1]])", "multivariate_normal: mu[1] must be finite, got inf");
  assert_message("multivariate_normal([0, 0], [[1, 0.5], [0.4, 1]])",
                 "multivariate_normal: cov must be symmetric, got cov[0][1] = 0.5 but cov[1][0] = 0.4");
  assert_message("multivariate_normal([0, 0], [[1, 2], [2, 1]])",
                 "multivariate_normal: cov must be positive definite, got [[1, 2], [2, 1]]");
  assert_message("multivariate_normal([0, 0], [[1, 1], [1, 1]])",
                 "multivariate_normal: cov must be positive definite, got [[1, 1], [1, 1]]");
  assert_message("mixture([1], [3])", "mixture: components[0] must be a distribution, got 3");
  assert_message("mixture([1, 1], [normal(0, 1)])",
                 "mixture: components must be an array of 2 distributions (one per weight), got [normal(0, 1)]");
  assert_message("mixture([1, 1], [normal(0, 1), poisson(3)])",
                 "mixture: components must all be of one kind, got normal(0, 1) (continuous) and poisson(3) (discrete)");
  assert_message("mixture([1, 1], [dirichlet([1, 1]), dirichlet([1, 1, 1])])",
                 "mixture: components must all draw arrays of one length, got dirichlet([1, 1]) (length 2) and "
                 "dirichlet([1, 1, 1]) (length 3)");
  assert_message("mixture([-1, 1], [normal(0, 1), normal(1, 1)])", "mixture: weights[0] must be >= 0, got -1");
}

Test(dist, parameters_of_the_wrong_type) {
  assert_message("normal(\"a\", 1)", "normal: argument 1 must be a number, got string \"a\"");
  assert_message("normal(0, true)", "normal: argument 2 must be a number, got boolean true");
  assert_message("gamma([1], 1)", "gamma: argument 1 must be a number, got array of length 1");
  assert_message("bernoulli(nil)", "bernoulli: argument 1 must be a number, got nil");
  assert_message("student_t(3, 0, \"x\")", "student_t: argument 3 must be a number, got string \"x\"");
  assert_message("categorical(3)", "categorical: argument 1 must be an array of numbers, got number 3");
  assert_message("categorical([1], 3)", "categorical: argument 2 must be an array, got number 3");
  assert_message("dirichlet(1)", "dirichlet: argument 1 must be an array of numbers, got number 1");
  assert_message("multivariate_normal(0, [[1]])", "multivariate_normal: argument 1 must be an array of numbers, got number 0");
  assert_message("mixture([1], normal(0, 1))",
                 "mixture: argument 2 must be an array of distributions, got distribution normal(0, 1)");
}

Test(dist, values_of_the_wrong_type) {
  assert_message("logpdf(normal(0, 1), \"a\")", "normal: logpdf needs a number, got string \"a\"");
  assert_message("logpdf(gamma(1, 1), true)", "gamma: logpdf needs a number, got boolean true");
  assert_message("logpdf(poisson(3), \"a\")", "poisson: logpdf needs a number, got string \"a\"");
  assert_message("logpdf(binomial(3, 0.5), [1])", "binomial: logpdf needs a number, got array of length 1");
  assert_message("logpdf(bernoulli(0.5), \"a\")", "bernoulli: logpdf needs a boolean (or 1 or 0), got string \"a\"");
  assert_message("logpdf(categorical([1, 1]), \"a\")", "categorical: logpdf needs a number, got string \"a\"");
  assert_message("logpdf(dirichlet([1, 1]), [1])", "dirichlet: logpdf needs an array of 2 numbers, got array of length 1");
  assert_message("logpdf(dirichlet([1, 1]), 0.5)", "dirichlet: logpdf needs an array of 2 numbers, got number 0.5");
  assert_message("logpdf(multivariate_normal([0, 0], [[1, 0], [0, 1]]), [0, \"a\"])",
                 "multivariate_normal: logpdf needs an array of 2 numbers, got array of length 2");
  assert_message("prob(uniform(0, 1), nil)", "uniform: logpdf needs a number, got nil");
  assert_message("logpdf(mixture([1, 1], [normal(0, 1), normal(1, 1)]), \"a\")",
                 "normal: logpdf needs a number, got string \"a\"");
}

Test(dist, outside_the_support_is_minus_infinity) {
  static const char *cases[] = {
      "logpdf(beta(2, 3), 1.5)",       "logpdf(beta(2, 3), -0.1)",        "logpdf(poisson(3), 2.5)",
      "logpdf(poisson(3), -1)",        "logpdf(binomial(10, 0.5), 11)",   "logpdf(binomial(10, 0.5), -1)",
      "logpdf(binomial(10, 0.5), 2.5)", "logpdf(binomial(10, 0), 1)",     "logpdf(binomial(10, 1), 9)",
      "logpdf(gamma(2, 1), -1)",       "logpdf(gamma(2, 1), 0)",          "logpdf(exponential(1), -0.1)",
      "logpdf(lognormal(0, 1), 0)",    "logpdf(lognormal(0, 1), -1)",     "logpdf(uniform(0, 1), 1.5)",
      "logpdf(uniform(0, 1), -1e-300)", "logpdf(half_normal(1), -1)",     "logpdf(half_cauchy(1), -0.5)",
      "logpdf(inverse_gamma(2, 1), 0)", "logpdf(inverse_gamma(2, 1), -3)", "logpdf(geometric(0.5), -1)",
      "logpdf(geometric(0.5), 0.5)",   "logpdf(geometric(1), 2)",         "logpdf(negative_binomial(2, 1), 1.5)",
      "logpdf(negative_binomial_2(2, 1), -2)", "logpdf(poisson(0), 1)",   "logpdf(bernoulli(0.5), 2)",
      "logpdf(bernoulli(0), true)",    "logpdf(bernoulli(1), false)",     "logpdf(categorical([1, 2]), 2)",
      "logpdf(categorical([1, 2]), 0.5)", "logpdf(categorical([1, 2]), -1)", "logpdf(categorical([0, 1]), 0)",
      "logpdf(categorical([1, 2], [\"a\", \"b\"]), \"c\")", "logpdf(categorical([1, 2], [\"a\", \"b\"]), 0)",
      "logpdf(uniform_int(1, 6), 7)",  "logpdf(uniform_int(1, 6), 2.5)",  "logpdf(dirichlet([1, 1]), [0.5, 0.6])",
      "logpdf(dirichlet([1, 1]), [-0.1, 1.1])", "logpdf(delta(3), 4)",    "logpdf(delta(\"a\"), 3)",
      "logpdf(mixture([1, 1], [poisson(2), poisson(3)]), 2.5)", "logpdf(normal(0, 1), 1e300)",
      "logpdf(cauchy(0, 1), 1 / 0)",   "logpdf(student_t(2, 0, 1), -1 / 0)",
  };
  VM *vm = driver_new_vm(1);
  for (size_t i = 0; i < N_ROWS(cases); i++) {
    double got = eval_num(vm, cases[i]);
    cr_expect(got == -INFINITY, "%s = %g, expected -inf", cases[i], got);
  }
}

Test(dist, at_the_edges_of_the_support) {
  VM *vm = driver_new_vm(1);
  cr_expect_eq(eval_num(vm, "logpdf(gamma(0.5, 1), 0)"), INFINITY);
  cr_expect_eq(eval_num(vm, "logpdf(beta(0.5, 2), 0)"), INFINITY);
  cr_expect_eq(eval_num(vm, "logpdf(beta(2, 0.5), 1)"), INFINITY);
  cr_expect_eq(eval_num(vm, "logpdf(beta(2, 3), 0)"), -INFINITY);
  cr_expect(close_rel(eval_num(vm, "logpdf(beta(1, 3), 0)"), log(3), 1e-13));
  cr_expect(close_rel(eval_num(vm, "logpdf(exponential(2), 0)"), log(2), 1e-13));
  cr_expect_eq(eval_num(vm, "logpdf(binomial(10, 0), 0)"), 0);
  cr_expect_eq(eval_num(vm, "logpdf(binomial(10, 1), 10)"), 0);
  cr_expect_eq(eval_num(vm, "logpdf(poisson(0), 0)"), 0);
  cr_expect_eq(eval_num(vm, "logpdf(geometric(1), 0)"), 0);
  cr_expect_eq(eval_num(vm, "logpdf(bernoulli(1), true)"), 0);
  cr_expect_eq(eval_num(vm, "logpdf(bernoulli(0), false)"), 0);
}

Test(dist, bernoulli_far_tail) {
  VM *vm = driver_new_vm(1);
  double t = eval_num(vm, "logpdf(bernoulli(1e-300), true)");
  cr_expect(isfinite(t) && fabs(t - -690.77552789821368) < 1e-9, "got %.17g", t);
  cr_expect_eq(eval_num(vm, "logpdf(bernoulli(1e-300), false)"), -1e-300);
  cr_expect(close_rel(eval_num(vm, "prob(bernoulli(1e-300), true)"), 1e-300, 1e-13));
  /* 1 - 1e-12 is the double nearest to it, as in ppl */
  double b = eval_num(vm, "logpdf(binomial(100, 1 - 1e-12), 100)");
  cr_expect(close_rel(b, 100 * log(1 - 1e-12), 1e-13), "got %.17g", b);
  double c = eval_num(vm, "logpdf(binomial(100, 1e-300), 1)");
  cr_expect(close_rel(c, log(100) + log(1e-300), 1e-13), "got %.17g", c);
}

Test(dist, no_finite_moment) {
  assert_message("mean(cauchy(0, 1))", "mean: not defined for cauchy");
  assert_message("variance(cauchy(0, 1))", "variance: not defined for cauchy");
  assert_message("mean(student_t(1, 0, 1))", "mean: not defined for student_t");
  assert_message("sd(half_cauchy(1))", "sd: not defined for half_cauchy");
  assert_message("mean(categorical([1, 1], [\"a\", \"b\"]))", "mean: not defined for categorical");
  assert_message("mean(delta(\"a\"))", "mean: not defined for delta");
  assert_message("mean(mixture([1, 1], [cauchy(0, 1), normal(0, 1)]))", "mean: not defined for mixture");
  assert_value("mean(half_cauchy(1))", "inf");
  assert_value("variance(student_t(1.5, 0, 1))", "inf");
  assert_value("mean(inverse_gamma(1, 1))", "inf");
  assert_value("variance(inverse_gamma(2, 1))", "inf");
}

Test(dist, moments_by_builtin) {
  assert_value("mean(gamma(2, 4))", "0.5");
  assert_value("variance(gamma(2, 4))", "0.125");
  assert_value("sd(normal(1, 3))", "3");
  assert_value("mean(dirichlet([1, 1, 2]))", "[0.25, 0.25, 0.5]");
  assert_value("variance(multivariate_normal([1, 2], [[4, 1], [1, 9]]))", "[4, 9]");
  assert_value("sd(multivariate_normal([1, 2], [[4, 1], [1, 9]]))", "[2, 3]");
  assert_value("mean(bernoulli(0.25))", "0.25");
  assert_value("mean(categorical([1, 3], [10, 20]))", "17.5");
  assert_value("mean(uniform_int(1, 6))", "3.5");
  assert_value("mean(delta(7))", "7");
  assert_value("mean(mixture([1, 1], [normal(0, 1), normal(4, 1)]))", "2");
  assert_value("variance(mixture([1, 1], [normal(0, 1), normal(4, 1)]))", "5");
}

/* ------------------------------------------------------------ builtins */

Test(dist, builtins_dispatch_and_check) {
  assert_value("prob(poisson(3), 2) == exp(logpdf(poisson(3), 2))", "true");
  assert_value("prob(bernoulli(0.25), true)", "0.25");
  assert_value("prob(categorical([1, 3]), 1)", "0.75");
  assert_value("abs(prob(normal(0, 1), 0) - 1 / sqrt(2 * 3.141592653589793)) < 1e-16", "true");
  assert_value("cdf(uniform_int(1, 4), 2.5)", "0.5");
  assert_value("[cdf(delta(2), 1.5), cdf(delta(2), 2)]", "[0, 1]");
  assert_value("[is_dist(normal(0, 1)), is_dist(3), is_dist([normal(0, 1)])]", "[true, false, false]");
  assert_message("logpdf(3, 1)", "logpdf: argument 1 must be a distribution, got number 3");
  assert_message("prob(\"a\", 1)", "prob: argument 1 must be a distribution, got string \"a\"");
  assert_message("cdf(normal(0, 1), \"a\")", "cdf: argument 2 must be a number, got string \"a\"");
  assert_message("cdf(bernoulli(0.5), 1)", "cdf: not available for bernoulli(0.5)");
  assert_message("quantile(categorical([1, 1]), 0.5)", "quantile: not available for categorical([0.5, 0.5])");
  assert_message("quantile(dirichlet([1, 1]), 0.5)", "quantile: not available for dirichlet([1, 1])");
  assert_message("quantile(normal(0, 1), 1.5)", "quantile: p must be in [0, 1], got 1.5");
  assert_message("quantile(normal(0, 1), -0.5)", "quantile: p must be in [0, 1], got -0.5");
  assert_message("quantile(normal(0, 1), 0 / 0)", "quantile: p must be in [0, 1], got nan");
  assert_message("cdf(delta(\"a\"), 1)", "cdf: not available for delta(\"a\") (its value is not a number)");
  assert_message("cdf(mixture([1, 1], [poisson(1), categorical([1, 1])]), 1)",
                 "cdf: not available for mixture([0.5, 0.5], [poisson(1), categorical([0.5, 0.5])]) (its component "
                 "categorical([0.5, 0.5]) has no cdf)");
  assert_message("logpdf(normal(0, 1))", "logpdf expects 2 arguments, got 1");
}

Test(dist, support) {
  assert_value("support(bernoulli(0.3))", "[false, true]");
  assert_value("support(binomial(3, 0.5))", "[0, 1, 2, 3]");
  assert_value("support(binomial(0, 0.5))", "[0]");
  assert_value("support(categorical([1, 2, 3]))", "[0, 1, 2]");
  assert_value("support(categorical([1, 2, 3], [\"x\", \"y\", \"x\"]))", "[\"x\", \"y\"]");
  assert_value("support(uniform_int(-1, 2))", "[-1, 0, 1, 2]");
  assert_value("support(delta([1, 2]))", "[[1, 2]]");
  assert_value("support(mixture([1, 1], [uniform_int(0, 2), binomial(3, 0.5)]))", "[0, 1, 2, 3]");
  assert_value("support(mixture([1, 1], [delta(\"a\"), bernoulli(0.5)]))", "[\"a\", false, true]");
  assert_message("support(normal(0, 1))", "support: normal(0, 1) has no finite support");
  assert_message("support(poisson(3))", "support: poisson(3) has no finite support");
  assert_message("support(geometric(0.5))", "support: geometric(0.5) has no finite support");
  assert_message("support(negative_binomial(1, 1))", "support: negative_binomial(1, 1) has no finite support");
  assert_message("support(negative_binomial_2(1, 1))", "support: negative_binomial_2(1, 1) has no finite support");
  assert_message("support(dirichlet([1, 1]))", "support: dirichlet([1, 1]) has no finite support");
  assert_message("support(mixture([1, 1], [poisson(1), bernoulli(0.5)]))",
                 "support: mixture([0.5, 0.5], [poisson(1), bernoulli(0.5)]) has no finite support");
  assert_message("support(uniform_int(0, 1e9))",
                 "support: uniform_int(0, 1000000000) has too many values (1000000001, at most 10000000)");
  assert_message("support(3)", "support: argument 1 must be a distribution, got number 3");
}

Test(dist, printing) {
  assert_value("normal(0, 1)", "normal(0, 1)");
  assert_value("lognormal(-0.5, 2.25)", "lognormal(-0.5, 2.25)");
  assert_value("uniform(-1, 1e-3)", "uniform(-1, 0.001)");
  assert_value("exponential(2)", "exponential(2)");
  assert_value("gamma(2, 0.1)", "gamma(2, 0.1)");
  assert_value("inverse_gamma(3, 1)", "inverse_gamma(3, 1)");
  assert_value("beta(0.5, 0.5)", "beta(0.5, 0.5)");
  assert_value("student_t(3, 0, 1)", "student_t(3, 0, 1)");
  assert_value("cauchy(0, 2.5)", "cauchy(0, 2.5)");
  assert_value("half_normal(1)", "half_normal(1)");
  assert_value("half_cauchy(5)", "half_cauchy(5)");
  assert_value("laplace(0, 1)", "laplace(0, 1)");
  assert_value("bernoulli(0.3)", "bernoulli(0.3)");
  assert_value("binomial(10, 0.5)", "binomial(10, 0.5)");
  assert_value("poisson(3.5)", "poisson(3.5)");
  assert_value("geometric(0.1)", "geometric(0.1)");
  assert_value("negative_binomial(2, 0.5)", "negative_binomial(2, 0.5)");
  assert_value("negative_binomial_2(10, 3)", "negative_binomial_2(10, 3)");
  assert_value("categorical([0.2, 0.8])", "categorical([0.2, 0.8])");
  assert_value("categorical([1, 3])", "categorical([0.25, 0.75])");
  assert_value("categorical([1, 1], [\"a\", true])", "categorical([0.5, 0.5], [\"a\", true])");
  assert_value("uniform_int(1, 6)", "uniform_int(1, 6)");
  assert_value("dirichlet([1, 2, 3])", "dirichlet([1, 2, 3])");
  assert_value("multivariate_normal([0, 1], [[1, 0.5], [0.5, 2]])", "multivariate_normal([0, 1], [[1, 0.5], [0.5, 2]])");
  assert_value("mixture([1, 3], [normal(0, 1), normal(3, 1)])", "mixture([0.25, 0.75], [normal(0, 1), normal(3, 1)])");
  assert_value("delta(\"a\")", "delta(\"a\")");
  assert_value("delta([1, nil])", "delta([1, nil])");
  assert_value("str(normal(0, 1))", "\"normal(0, 1)\"");
  assert_value("[poisson(1)]", "[poisson(1)]");
}

Test(dist, equality) {
  assert_value("normal(0, 1) == normal(0, 1)", "true");
  assert_value("normal(0, 1) == normal(0, 2)", "false");
  assert_value("normal(0, 1) != cauchy(0, 1)", "true");
  assert_value("categorical([1, 3]) == categorical([0.25, 0.75])", "true");
  assert_value("categorical([1, 3]) == categorical([1, 3], [0, 1])", "false");
  assert_value("dirichlet([1, 2]) == dirichlet([1, 2])", "true");
  assert_value("multivariate_normal([0], [[1]]) == multivariate_normal([0], [[1]])", "true");
  assert_value("mixture([1, 1], [poisson(1), poisson(2)]) == mixture([2, 2], [poisson(1), poisson(2)])", "true");
  assert_value("delta([1, 2]) == delta([1, 2])", "true");
  assert_value("bernoulli(0.5) == binomial(1, 0.5)", "false");
}

Test(dist, draws_are_in_the_support_and_reproducible) {
  static const char *dists[] = {"beta(0.1, 0.1)", "gamma(0.05, 1)", "uniform(2, 3)", "uniform_int(-2, 2)",
                                "geometric(1e-9)", "binomial(1000000, 0.5)", "poisson(5e9)",
                                "negative_binomial_2(1e6, 0.01)", "dirichlet([0.01, 0.01, 0.01])"};
  for (size_t i = 0; i < N_ROWS(dists); i++) {
    VM *a = driver_new_vm(7), *b = driver_new_vm(7);
    ObjDist *da = eval_dist(a, dists[i]), *db = eval_dist(b, dists[i]);
    for (int k = 0; k < 2000; k++) {
      Value x = da->cls->sample(a, da), y = db->cls->sample(b, db);
      cr_assert(val_equal(x, y), "%s: the same seed gave different draws", dists[i]);
      double lp = da->cls->logpdf(a, da, x);
      cr_assert(lp > -INFINITY && lp == lp, "%s drew a value of log density %g", dists[i], lp);
    }
  }
}

Test(dist, multivariate_normal_one_dimension_is_normal) {
  VM *vm = driver_new_vm(1);
  double a = eval_num(vm, "logpdf(multivariate_normal([1], [[4]]), [2.5])");
  double b = eval_num(vm, "logpdf(normal(1, 2), 2.5)");
  cr_expect(close_rel(a, b, 1e-14), "%.17g vs %.17g", a, b);
}
