/* dist_continuous.c — the continuous families: normal, lognormal, uniform,
 * exponential, gamma, inverse_gamma, beta, student_t, cauchy, half_normal,
 * half_cauchy, laplace. Parameterisations follow Stan's.
 *
 * Every logpdf is computed in log space from its parameters (no density is
 * ever exponentiated and logged again), so it stays finite and accurate far
 * into the tails; gamma, inverse_gamma and beta go through Loader's
 * saddle-point forms (dist_impl.h) so that large shapes lose no digits. A
 * mean or variance that is infinite returns inf; one that does not exist
 * returns VAL_UNDEF, which mean() and variance() report. cdfs come from GSL
 * or closed forms, except where GSL loses digits for large shapes (gamma,
 * inverse_gamma, beta: dist_gamma_p, dist_beta_inc); quantiles from GSL,
 * checked and, where GSL fails (extreme shapes), solved on the cdf.
 */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "dist_impl.h"

static Value num(double x) { return val_num(x); }

/* ---------------------------------------------------------------- normal */

static Value normal_sample(VM *vm, const ObjDist *d) {
  return num(d->p[0] + gsl_ran_gaussian_ziggurat(vm->rng, d->p[1]));
}

/* log(sigma) of the last call, per thread: a model observes many values
 * under one scale (normal(a + b * x[i], s) in a loop), and the log was a
 * tenth of an MH step on such a model. initial-exec: the library is
 * compiled as position-independent code, whose default way to reach a
 * thread-local variable is a call, around which the density spilled its
 * registers; the library is never loaded with dlopen. */
static _Thread_local double last_sigma __attribute__((tls_model("initial-exec"))) = 1;
static _Thread_local double last_log_sigma __attribute__((tls_model("initial-exec"))) = 0;

static double normal_logpdf(VM *vm, const ObjDist *d, Value v) {
  double sigma = d->p[1];
  double z = (dist_value_num(vm, d, v) - d->p[0]) / sigma;
  if (sigma != last_sigma) {
    last_sigma = sigma;
    last_log_sigma = log(sigma);
  }
  return -0.5 * z * z - last_log_sigma - DIST_LOG_SQRT_2PI;
}

static Value normal_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0]);
}

static Value normal_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[1] * d->p[1]);
}

static double normal_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  return gsl_cdf_gaussian_P(x - d->p[0], d->p[1]);
}

static double normal_quantile(VM *vm, const ObjDist *d, double p) {
  (void)vm;
  return d->p[0] + gsl_cdf_gaussian_Pinv(p, d->p[1]);
}

static void write2(StrBuf *sb, const ObjDist *d) { dist_write_params(sb, d, 2); }
static void write1(StrBuf *sb, const ObjDist *d) { dist_write_params(sb, d, 1); }
static void write3(StrBuf *sb, const ObjDist *d) { dist_write_params(sb, d, 3); }

static const DistClass normal_class = {
    .name = "normal",
    .kind = DIST_CONTINUOUS,
    .sample = normal_sample,
    .logpdf = normal_logpdf,
    .mean = normal_mean,
    .variance = normal_variance,
    .cdf = normal_cdf,
    .quantile = normal_quantile,
    .write = write2,
};

static Value b_normal(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &normal_class);
  d->p[0] = dist_arg_finite(vm, "normal", args, 0, "mu");
  d->p[1] = dist_arg_positive(vm, "normal", args, 1, "sigma");
  return val_obj(d);
}

/* ------------------------------------------------------------- lognormal */

static Value lognormal_sample(VM *vm, const ObjDist *d) {
  return num(exp(d->p[0] + gsl_ran_gaussian_ziggurat(vm->rng, d->p[1])));
}

static double lognormal_logpdf(VM *vm, const ObjDist *d, Value v) {
  double x = dist_value_num(vm, d, v);
  if (!(x > 0)) return x <= 0 ? -INFINITY : x;
  double lx = log(x);
  double z = (lx - d->p[0]) / d->p[1];
  return -0.5 * z * z - log(d->p[1]) - DIST_LOG_SQRT_2PI - lx;
}

static Value lognormal_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(exp(d->p[0] + 0.5 * d->p[1] * d->p[1]));
}

static Value lognormal_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  double s2 = d->p[1] * d->p[1];
  return num(expm1(s2) * exp(2 * d->p[0] + s2));
}

static double lognormal_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  if (x <= 0) return 0;
  return gsl_cdf_gaussian_P(log(x) - d->p[0], d->p[1]);
}

static double lognormal_quantile(VM *vm, const ObjDist *d, double p) {
  (void)vm;
  return exp(d->p[0] + gsl_cdf_gaussian_Pinv(p, d->p[1]));
}

static const DistClass lognormal_class = {
    .name = "lognormal",
    .kind = DIST_CONTINUOUS,
    .sample = lognormal_sample,
    .logpdf = lognormal_logpdf,
    .mean = lognormal_mean,
    .variance = lognormal_variance,
    .cdf = lognormal_cdf,
    .quantile = lognormal_quantile,
    .write = write2,
};

static Value b_lognormal(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &lognormal_class);
  d->p[0] = dist_arg_finite(vm, "lognormal", args, 0, "mu");
  d->p[1] = dist_arg_positive(vm, "lognormal", args, 1, "sigma");
  return val_obj(d);
}

/* --------------------------------------------------------------- uniform */

static Value uniform_sample(VM *vm, const ObjDist *d) {
  return num(gsl_ran_flat(vm->rng, d->p[0], d->p[1]));
}

static double uniform_logpdf(VM *vm, const ObjDist *d, Value v) {
  double x = dist_value_num(vm, d, v);
  if (x != x) return x;
  if (x < d->p[0] || x > d->p[1]) return -INFINITY;
  return -log(d->p[1] - d->p[0]);
}

static Value uniform_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(0.5 * d->p[0] + 0.5 * d->p[1]);
}

static Value uniform_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  double w = d->p[1] - d->p[0];
  return num(w * w / 12);
}

static double uniform_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  if (x <= d->p[0]) return 0;
  if (x >= d->p[1]) return 1;
  return (x - d->p[0]) / (d->p[1] - d->p[0]);
}

static double uniform_quantile(VM *vm, const ObjDist *d, double p) {
  (void)vm;
  if (p >= 1) return d->p[1];
  return d->p[0] + p * (d->p[1] - d->p[0]);
}

static const DistClass uniform_class = {
    .name = "uniform",
    .kind = DIST_CONTINUOUS,
    .sample = uniform_sample,
    .logpdf = uniform_logpdf,
    .mean = uniform_mean,
    .variance = uniform_variance,
    .cdf = uniform_cdf,
    .quantile = uniform_quantile,
    .write = write2,
};

static Value b_uniform(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &uniform_class);
  d->p[0] = dist_arg_finite(vm, "uniform", args, 0, "lo");
  d->p[1] = dist_arg_finite(vm, "uniform", args, 1, "hi");
  if (!(d->p[1] > d->p[0])) dist_param_error(vm, "uniform", "hi", "> lo", args[1]);
  if (!isfinite(d->p[1] - d->p[0])) dist_param_error(vm, "uniform", "hi - lo", "finite", num(d->p[1] - d->p[0]));
  return val_obj(d);
}

/* ----------------------------------------------------------- exponential */

static Value exponential_sample(VM *vm, const ObjDist *d) {
  return num(gsl_ran_exponential(vm->rng, 1 / d->p[0]));
}

static double exponential_logpdf(VM *vm, const ObjDist *d, Value v) {
  double x = dist_value_num(vm, d, v);
  if (x < 0) return -INFINITY;
  return log(d->p[0]) - d->p[0] * x;
}

static Value exponential_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(1 / d->p[0]);
}

static Value exponential_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(1 / (d->p[0] * d->p[0]));
}

static double exponential_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  if (x <= 0) return 0;
  return -expm1(-d->p[0] * x);
}

static double exponential_quantile(VM *vm, const ObjDist *d, double p) {
  (void)vm;
  return -log1p(-p) / d->p[0];
}

static const DistClass exponential_class = {
    .name = "exponential",
    .kind = DIST_CONTINUOUS,
    .sample = exponential_sample,
    .logpdf = exponential_logpdf,
    .mean = exponential_mean,
    .variance = exponential_variance,
    .cdf = exponential_cdf,
    .quantile = exponential_quantile,
    .write = write1,
};

static Value b_exponential(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &exponential_class);
  d->p[0] = dist_arg_positive(vm, "exponential", args, 0, "rate");
  return val_obj(d);
}

/* ----------------------------------------------------------------- gamma */

static Value gamma_sample(VM *vm, const ObjDist *d) {
  return num(gsl_ran_gamma(vm->rng, d->p[0], 1 / d->p[1]));
}

/* The density of gamma(a, rate b) is b times the Poisson mass of a - 1 at
 * mean b x (for a < 1: a / x times the mass of a), which keeps large shapes
 * accurate (dist_poisson_lpmf). */
static double gamma_lpdf(double x, double a, double b) {
  if (x < 0) return -INFINITY;
  if (x == 0) return a < 1 ? INFINITY : a == 1 ? log(b) : -INFINITY;
  double lambda = b * x;
  if (lambda < DBL_MIN) return a * log(b) - dist_lgamma(a) + (a - 1) * log(x) - lambda;
  if (a < 1) return dist_poisson_lpmf(a, lambda) + log(a) - log(x);
  return dist_poisson_lpmf(a - 1, lambda) + log(b);
}

static double gamma_logpdf(VM *vm, const ObjDist *d, Value v) {
  return gamma_lpdf(dist_value_num(vm, d, v), d->p[0], d->p[1]);
}

static Value gamma_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0] / d->p[1]);
}

static Value gamma_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0] / (d->p[1] * d->p[1]));
}

static double gamma_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  if (x <= 0) return 0;
  return dist_gamma_p(d->p[0], d->p[1] * x);
}

static double gamma_quantile(VM *vm, const ObjDist *d, double p) {
  return dist_solve_quantile(vm, d, p, 0, INFINITY, gsl_cdf_gamma_Pinv(p, d->p[0], 1 / d->p[1]));
}

static const DistClass gamma_class = {
    .name = "gamma",
    .kind = DIST_CONTINUOUS,
    .sample = gamma_sample,
    .logpdf = gamma_logpdf,
    .mean = gamma_mean,
    .variance = gamma_variance,
    .cdf = gamma_cdf,
    .quantile = gamma_quantile,
    .write = write2,
};

static Value b_gamma(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &gamma_class);
  d->p[0] = dist_arg_positive(vm, "gamma", args, 0, "shape");
  d->p[1] = dist_arg_positive(vm, "gamma", args, 1, "rate");
  return val_obj(d);
}

/* --------------------------------------------------------- inverse_gamma */

static Value inverse_gamma_sample(VM *vm, const ObjDist *d) {
  return num(1 / gsl_ran_gamma(vm->rng, d->p[0], 1 / d->p[1]));
}

/* 1 / X ~ gamma(shape, rate = scale), and |d(1/x)/dx| = 1 / x^2 */
static double inverse_gamma_logpdf(VM *vm, const ObjDist *d, Value v) {
  double x = dist_value_num(vm, d, v);
  if (!(x > 0)) return x <= 0 ? -INFINITY : x;
  if (x == INFINITY) return -INFINITY;
  return gamma_lpdf(1 / x, d->p[0], d->p[1]) - 2 * log(x);
}

static Value inverse_gamma_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  double a = d->p[0], b = d->p[1];
  return num(a > 1 ? b / (a - 1) : INFINITY);
}

static Value inverse_gamma_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  double a = d->p[0], b = d->p[1];
  if (a <= 1) return VAL_UNDEF;
  if (a <= 2) return num(INFINITY);
  return num(b * b / ((a - 1) * (a - 1) * (a - 2)));
}

/* X <= x exactly when 1/X >= 1/x, and 1/X ~ gamma(shape, rate = scale) */
static double inverse_gamma_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  if (x <= 0) return 0;
  return dist_gamma_q(d->p[0], d->p[1] / x);
}

static double inverse_gamma_quantile(VM *vm, const ObjDist *d, double p) {
  return dist_solve_quantile(vm, d, p, 0, INFINITY, 1 / gsl_cdf_gamma_Qinv(p, d->p[0], 1 / d->p[1]));
}

static const DistClass inverse_gamma_class = {
    .name = "inverse_gamma",
    .kind = DIST_CONTINUOUS,
    .sample = inverse_gamma_sample,
    .logpdf = inverse_gamma_logpdf,
    .mean = inverse_gamma_mean,
    .variance = inverse_gamma_variance,
    .cdf = inverse_gamma_cdf,
    .quantile = inverse_gamma_quantile,
    .write = write2,
};

static Value b_inverse_gamma(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &inverse_gamma_class);
  d->p[0] = dist_arg_positive(vm, "inverse_gamma", args, 0, "shape");
  d->p[1] = dist_arg_positive(vm, "inverse_gamma", args, 1, "scale");
  return val_obj(d);
}

/* ------------------------------------------------------------------ beta */

static Value beta_sample(VM *vm, const ObjDist *d) { return num(gsl_ran_beta(vm->rng, d->p[0], d->p[1])); }

static double beta_logpdf(VM *vm, const ObjDist *d, Value v) {
  double x = dist_value_num(vm, d, v);
  double a = d->p[0], b = d->p[1];
  if (x < 0 || x > 1) return -INFINITY;
  /* for a, b > 2, (a + b - 1) times the binomial mass of a - 1 successes
   * and b - 1 failures: accurate for large a and b */
  if (a > 2 && b > 2 && x > 0 && x < 1) return log(a + b - 1) + dist_binomial_lpmf(a - 1, b - 1, x, 1 - x);
  return dist_xlogy(a - 1, x) + dist_xlog1py(b - 1, -x) - dist_lbeta(a, b);
}

static Value beta_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0] / (d->p[0] + d->p[1]));
}

static Value beta_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  double a = d->p[0], b = d->p[1], s = a + b;
  return num(a / s * (b / s) / (s + 1));
}

static double beta_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return dist_beta_inc(d->p[0], d->p[1], x, 1 - x);
}

static double beta_quantile(VM *vm, const ObjDist *d, double p) {
  return dist_solve_quantile(vm, d, p, 0, 1, gsl_cdf_beta_Pinv(p, d->p[0], d->p[1]));
}

static const DistClass beta_class = {
    .name = "beta",
    .kind = DIST_CONTINUOUS,
    .sample = beta_sample,
    .logpdf = beta_logpdf,
    .mean = beta_mean,
    .variance = beta_variance,
    .cdf = beta_cdf,
    .quantile = beta_quantile,
    .write = write2,
};

static Value b_beta(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &beta_class);
  d->p[0] = dist_arg_positive(vm, "beta", args, 0, "a");
  d->p[1] = dist_arg_positive(vm, "beta", args, 1, "b");
  return val_obj(d);
}

/* ------------------------------------------------------------- student_t */

static Value student_t_sample(VM *vm, const ObjDist *d) {
  return num(d->p[1] + d->p[2] * gsl_ran_tdist(vm->rng, d->p[0]));
}

static double student_t_logpdf(VM *vm, const ObjDist *d, Value v) {
  double x = dist_value_num(vm, d, v);
  double nu = d->p[0], z = (x - d->p[1]) / d->p[2];
  return dist_lnpoch(0.5 * nu, 0.5) - 0.5 * log(nu) - 0.5 * DIST_LOG_PI - log(d->p[2]) -
         0.5 * (nu + 1) * dist_log1p_sq(z / sqrt(nu));
}

static Value student_t_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return d->p[0] > 1 ? num(d->p[1]) : VAL_UNDEF;
}

static Value student_t_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  double nu = d->p[0];
  if (nu <= 1) return VAL_UNDEF;
  if (nu <= 2) return num(INFINITY);
  return num(d->p[2] * d->p[2] * nu / (nu - 2));
}

static double student_t_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  return gsl_cdf_tdist_P((x - d->p[1]) / d->p[2], d->p[0]);
}

static double student_t_quantile(VM *vm, const ObjDist *d, double p) {
  return dist_solve_quantile(vm, d, p, -INFINITY, INFINITY, d->p[1] + d->p[2] * gsl_cdf_tdist_Pinv(p, d->p[0]));
}

static const DistClass student_t_class = {
    .name = "student_t",
    .kind = DIST_CONTINUOUS,
    .sample = student_t_sample,
    .logpdf = student_t_logpdf,
    .mean = student_t_mean,
    .variance = student_t_variance,
    .cdf = student_t_cdf,
    .quantile = student_t_quantile,
    .write = write3,
};

static Value b_student_t(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &student_t_class);
  d->p[0] = dist_arg_positive(vm, "student_t", args, 0, "nu");
  d->p[1] = dist_arg_finite(vm, "student_t", args, 1, "mu");
  d->p[2] = dist_arg_positive(vm, "student_t", args, 2, "sigma");
  return val_obj(d);
}

/* ---------------------------------------------------------------- cauchy */

static Value cauchy_sample(VM *vm, const ObjDist *d) {
  return num(d->p[0] + gsl_ran_cauchy(vm->rng, d->p[1]));
}

static double cauchy_logpdf(VM *vm, const ObjDist *d, Value v) {
  double z = (dist_value_num(vm, d, v) - d->p[0]) / d->p[1];
  return -DIST_LOG_PI - log(d->p[1]) - dist_log1p_sq(z);
}

static double cauchy_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  return gsl_cdf_cauchy_P(x - d->p[0], d->p[1]);
}

static double cauchy_quantile(VM *vm, const ObjDist *d, double p) {
  (void)vm;
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  return d->p[0] + gsl_cdf_cauchy_Pinv(p, d->p[1]);
}

static const DistClass cauchy_class = {
    .name = "cauchy",
    .kind = DIST_CONTINUOUS,
    .sample = cauchy_sample,
    .logpdf = cauchy_logpdf,
    .cdf = cauchy_cdf,
    .quantile = cauchy_quantile,
    .write = write2,
};

static Value b_cauchy(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &cauchy_class);
  d->p[0] = dist_arg_finite(vm, "cauchy", args, 0, "mu");
  d->p[1] = dist_arg_positive(vm, "cauchy", args, 1, "sigma");
  return val_obj(d);
}

/* ----------------------------------------------------------- half_normal */

static Value half_normal_sample(VM *vm, const ObjDist *d) {
  return num(fabs(gsl_ran_gaussian_ziggurat(vm->rng, d->p[0])));
}

static double half_normal_logpdf(VM *vm, const ObjDist *d, Value v) {
  double x = dist_value_num(vm, d, v);
  if (x < 0) return -INFINITY;
  double z = x / d->p[0];
  return DIST_LOG_2 - 0.5 * z * z - log(d->p[0]) - DIST_LOG_SQRT_2PI;
}

static Value half_normal_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0] * sqrt(2 / M_PI));
}

static Value half_normal_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0] * d->p[0] * (1 - 2 / M_PI));
}

static double half_normal_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  if (x <= 0) return 0;
  return erf(x / (d->p[0] * M_SQRT2));
}

/* sigma * sqrt(2) * erfinv(p): from the normal quantile, then Newton steps
 * on erf, which keep the relative accuracy for small p */
static double half_normal_quantile(VM *vm, const ObjDist *d, double p) {
  (void)vm;
  if (p >= 1) return INFINITY;
  if (p > 0.5) return d->p[0] * gsl_cdf_ugaussian_Qinv(0.5 * (1 - p));
  double y = gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * p) / M_SQRT2;
  if (y == 0) y = p * sqrt(M_PI) / 2;
  for (int i = 0; i < 3 && y > 0; i++) y -= (erf(y) - p) / (M_2_SQRTPI * exp(-y * y));
  return d->p[0] * M_SQRT2 * y;
}

static const DistClass half_normal_class = {
    .name = "half_normal",
    .kind = DIST_CONTINUOUS,
    .sample = half_normal_sample,
    .logpdf = half_normal_logpdf,
    .mean = half_normal_mean,
    .variance = half_normal_variance,
    .cdf = half_normal_cdf,
    .quantile = half_normal_quantile,
    .write = write1,
};

static Value b_half_normal(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &half_normal_class);
  d->p[0] = dist_arg_positive(vm, "half_normal", args, 0, "sigma");
  return val_obj(d);
}

/* ----------------------------------------------------------- half_cauchy */

static Value half_cauchy_sample(VM *vm, const ObjDist *d) {
  return num(fabs(gsl_ran_cauchy(vm->rng, d->p[0])));
}

static double half_cauchy_logpdf(VM *vm, const ObjDist *d, Value v) {
  double x = dist_value_num(vm, d, v);
  if (x < 0) return -INFINITY;
  return DIST_LOG_2 - DIST_LOG_PI - log(d->p[0]) - dist_log1p_sq(x / d->p[0]);
}

static Value half_cauchy_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  (void)d;
  return num(INFINITY);
}

static double half_cauchy_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  if (x <= 0) return 0;
  return M_2_PI * atan(x / d->p[0]);
}

static double half_cauchy_quantile(VM *vm, const ObjDist *d, double p) {
  (void)vm;
  if (p >= 1) return INFINITY;
  return d->p[0] * tan(M_PI_2 * p);
}

static const DistClass half_cauchy_class = {
    .name = "half_cauchy",
    .kind = DIST_CONTINUOUS,
    .sample = half_cauchy_sample,
    .logpdf = half_cauchy_logpdf,
    .mean = half_cauchy_mean,
    .cdf = half_cauchy_cdf,
    .quantile = half_cauchy_quantile,
    .write = write1,
};

static Value b_half_cauchy(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &half_cauchy_class);
  d->p[0] = dist_arg_positive(vm, "half_cauchy", args, 0, "sigma");
  return val_obj(d);
}

/* --------------------------------------------------------------- laplace */

static Value laplace_sample(VM *vm, const ObjDist *d) {
  return num(d->p[0] + gsl_ran_laplace(vm->rng, d->p[1]));
}

static double laplace_logpdf(VM *vm, const ObjDist *d, Value v) {
  double x = dist_value_num(vm, d, v);
  return -DIST_LOG_2 - log(d->p[1]) - fabs(x - d->p[0]) / d->p[1];
}

static Value laplace_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0]);
}

static Value laplace_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(2 * d->p[1] * d->p[1]);
}

static double laplace_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  return gsl_cdf_laplace_P(x - d->p[0], d->p[1]);
}

static double laplace_quantile(VM *vm, const ObjDist *d, double p) {
  (void)vm;
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  return d->p[0] + gsl_cdf_laplace_Pinv(p, d->p[1]);
}

static const DistClass laplace_class = {
    .name = "laplace",
    .kind = DIST_CONTINUOUS,
    .sample = laplace_sample,
    .logpdf = laplace_logpdf,
    .mean = laplace_mean,
    .variance = laplace_variance,
    .cdf = laplace_cdf,
    .quantile = laplace_quantile,
    .write = write2,
};

static Value b_laplace(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &laplace_class);
  d->p[0] = dist_arg_finite(vm, "laplace", args, 0, "mu");
  d->p[1] = dist_arg_positive(vm, "laplace", args, 1, "b");
  return val_obj(d);
}

void dist_install_continuous(VM *vm) {
  dist_def_constructor(vm, "normal", b_normal, 2, 2);
  dist_def_constructor(vm, "lognormal", b_lognormal, 2, 2);
  dist_def_constructor(vm, "uniform", b_uniform, 2, 2);
  dist_def_constructor(vm, "exponential", b_exponential, 1, 1);
  dist_def_constructor(vm, "gamma", b_gamma, 2, 2);
  dist_def_constructor(vm, "inverse_gamma", b_inverse_gamma, 2, 2);
  dist_def_constructor(vm, "beta", b_beta, 2, 2);
  dist_def_constructor(vm, "student_t", b_student_t, 3, 3);
  dist_def_constructor(vm, "cauchy", b_cauchy, 2, 2);
  dist_def_constructor(vm, "half_normal", b_half_normal, 1, 1);
  dist_def_constructor(vm, "half_cauchy", b_half_cauchy, 1, 1);
  dist_def_constructor(vm, "laplace", b_laplace, 2, 2);
}
