/* dist.c — the builtins on distributions (logpdf, prob, cdf, quantile,
 * support, is_dist) and the helpers the family files share (dist_impl.h).
 *
 * The builtins only dispatch through the class (vm/dist.h), so they work
 * for every distribution value, posteriors included. mean, variance and sd
 * live in core.c with their array versions; sample is a special form of the
 * language.
 */
#include <gc/gc.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <float.h>
#include <stdio.h>

#include "dist_impl.h"
#include "vm/print.h"

/* ------------------------------------------------------------ parameters */

/* v as it prints (strings quoted), cut to size: for messages */
static void value_text(Value v, char *buf, size_t size) {
  StrBuf sb;
  sb_init(&sb);
  val_write(&sb, v, true);
  snprintf(buf, size, "%s", sb.data);
  sb_free(&sb);
}

void dist_param_error(VM *vm, const char *fn, const char *param, const char *cond, Value got) {
  char text[200];
  value_text(got, text, sizeof text);
  vm_error(vm, "%s: %s must be %s, got %s", fn, param, cond, text);
}

double dist_check_finite(VM *vm, const char *fn, const Value *args, int i, const char *param) {
  double x = vm_arg_num(vm, fn, args, i);
  if (!isfinite(x)) dist_param_error(vm, fn, param, "finite", args[i]);
  return x;
}

double dist_check_positive(VM *vm, const char *fn, const Value *args, int i, const char *param) {
  double x = dist_check_finite(vm, fn, args, i, param);
  if (!(x > 0)) dist_param_error(vm, fn, param, "> 0", args[i]);
  return x;
}

double dist_check_prob(VM *vm, const char *fn, const Value *args, int i, const char *param) {
  double x = vm_arg_num(vm, fn, args, i);
  if (!(x >= 0 && x <= 1)) dist_param_error(vm, fn, param, "in [0, 1]", args[i]);
  return x;
}

double dist_arg_whole(VM *vm, const char *fn, const Value *args, int i, const char *param, double lo, double hi) {
  double x = dist_arg_finite(vm, fn, args, i, param);
  if (x != floor(x)) dist_param_error(vm, fn, param, "a whole number", args[i]);
  char cond[64];
  if (x < lo) {
    snprintf(cond, sizeof cond, ">= %.0f", lo);
    dist_param_error(vm, fn, param, cond, args[i]);
  }
  if (x > hi) {
    snprintf(cond, sizeof cond, "<= %.0f", hi);
    dist_param_error(vm, fn, param, cond, args[i]);
  }
  return x;
}

ObjArray *dist_arg_weights(VM *vm, const char *fn, const Value *args, int i, const char *param, double **cum) {
  if (!val_is(args[i], OBJ_ARRAY)) vm_type_error(vm, fn, i, "an array of numbers", args[i]);
  ObjArray *w = AS_ARRAY(args[i]);
  if (w->len == 0) dist_param_error(vm, fn, param, "a non-empty array", args[i]);
  char name[64];
  double total = 0;
  for (uint32_t j = 0; j < w->len; j++) {
    Value v = w->items[j];
    snprintf(name, sizeof name, "%s[%u]", param, j);
    if (!val_is_num(v)) dist_param_error(vm, fn, name, "a number", v);
    double x = val_as_num(v);
    if (!isfinite(x)) dist_param_error(vm, fn, name, "finite", v);
    if (x < 0) dist_param_error(vm, fn, name, ">= 0", v);
    total += x;
  }
  if (!(total > 0) || !isfinite(total)) {
    char text[200];
    value_text(args[i], text, sizeof text);
    vm_error(vm, "%s: %s must %s, got %s", fn, param, total > 0 ? "have a finite sum" : "not all be 0", text);
  }
  ObjArray *out = obj_array(w->len);
  double *c = GC_MALLOC_ATOMIC(sizeof(double) * w->len);
  double run = 0;
  for (uint32_t j = 0; j < w->len; j++) {
    double p = val_as_num(w->items[j]) / total;
    out->items[j] = val_num(p);
    run += p;
    c[j] = run;
  }
  *cum = c;
  return out;
}

uint32_t dist_pick(VM *vm, const double *cum, uint32_t n) {
  /* the first j with cum[j] > u: never an index of weight 0 */
  double u = gsl_rng_uniform(vm->rng) * cum[n - 1];
  uint32_t lo = 0, hi = n - 1;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/* ---------------------------------------------------------------- values */

void dist_value_error(VM *vm, const ObjDist *d, const char *want, Value x) {
  StrBuf sb;
  sb_init(&sb);
  val_describe(&sb, x);
  char text[200];
  snprintf(text, sizeof text, "%s", sb.data);
  sb_free(&sb);
  vm_error(vm, "%s: logpdf needs %s, got %s", d->cls->name, want, text);
}

bool dist_is_count(double x) { return x >= 0 && x == floor(x) && isfinite(x); }

void dist_text(const ObjDist *d, char *buf, size_t size) { value_text(val_obj(d), buf, size); }

void dist_write_params(StrBuf *sb, const ObjDist *d, int n) {
  sb_printf(sb, "%s(", d->cls->name);
  for (int i = 0; i < n; i++) {
    if (i) sb_puts(sb, ", ");
    sb_num(sb, d->p[i]);
  }
  sb_putc(sb, ')');
}

ObjArray *dist_int_range(VM *vm, const ObjDist *d, double lo, double hi) {
  double n = hi - lo + 1;
  if (n > DIST_MAX_SUPPORT) {
    char text[200];
    dist_text(d, text, sizeof text);
    vm_error(vm, "support: %s has too many values (%.0f, at most %u)", text, n, DIST_MAX_SUPPORT);
  }
  ObjArray *a = obj_array((uint32_t)n);
  for (uint32_t i = 0; i < (uint32_t)n; i++) a->items[i] = val_num(lo + i);
  return a;
}

double dist_discrete_quantile(VM *vm, const ObjDist *d, double p, double lo, double hi) {
  if (p <= 0) return lo;
  if (p >= 1) return hi;
  /* double the step until cdf(x) >= p, then bisect on (below, x] */
  double below = lo - 1, x = lo, step = 1;
  while (x < hi && d->cls->cdf(vm, d, x) < p) {
    below = x;
    x = lo + step;
    step *= 2;
    if (x > hi) x = hi;
    if (!isfinite(x)) return x;
  }
  while (x - below > 1) {
    double mid = below + floor((x - below) / 2);
    if (mid <= below || mid >= x) break; /* past 2^53: neighbours */
    if (d->cls->cdf(vm, d, mid) >= p) x = mid;
    else below = mid;
  }
  return x;
}

/* The midpoint of a bracket: geometric for a positive bracket spanning more
 * than a factor 4, so that tiny and huge quantiles take few steps. */
static double bracket_mid(double a, double b) {
  if (a > 0 && b > 4 * a && isfinite(b)) return sqrt(a) * sqrt(b);
  if (a == 0 && b > 1e-300 && isfinite(b)) return b * 1e-3 > 0 ? b * 1e-3 : b / 2;
  return a + 0.5 * (b - a);
}

double dist_solve_quantile(VM *vm, const ObjDist *d, double p, double lo, double hi, double guess) {
  if (p <= 0) return lo;
  if (p >= 1) return hi;
  double (*cdf)(VM *, const ObjDist *, double) = d->cls->cdf;
  if (!(guess > lo && guess < hi)) guess = isfinite(lo) && isfinite(hi) ? 0.5 * (lo + hi) : lo == 0 ? 1 : 0;
  double f = cdf(vm, d, guess);
  if (fabs(f - p) <= 4 * DBL_EPSILON * p) return guess;
  /* widen from the guess until cdf(a) < p <= cdf(b) */
  double a = guess, b = guess, step = fmax(1, fabs(guess));
  if (f < p) {
    for (;;) {
      a = b;
      b = lo == 0 && !isfinite(hi) ? 2 * b : isfinite(hi) ? b + 0.5 * (hi - b) : b + step;
      step *= 2;
      if (b >= hi || !isfinite(b)) {
        b = hi;
        break;
      }
      if (b <= a || cdf(vm, d, b) >= p) break;
    }
  } else {
    for (;;) {
      b = a;
      a = lo == 0 ? 0.5 * a : isfinite(lo) ? a - 0.5 * (a - lo) : a - step;
      step *= 2;
      if (a <= lo || !isfinite(a)) {
        a = lo;
        break;
      }
      if (a >= b || cdf(vm, d, a) < p) break;
    }
  }
  /* bisect down to neighbouring doubles */
  for (int i = 0; i < 5000; i++) {
    double mid = bracket_mid(a, b);
    if (!(mid > a && mid < b)) break;
    if (cdf(vm, d, mid) >= p) b = mid;
    else a = mid;
  }
  return b;
}

/* -------------------------------------------------------------- numerics */

double dist_xlogy(double x, double y) {
  if (x == 0 && !isnan(y)) return 0;
  return x * log(y);
}

double dist_xlog1py(double x, double y) {
  if (x == 0 && !isnan(y)) return 0;
  return x * log1p(y);
}

double dist_lgamma(double x) {
  int sign;
  return lgamma_r(x, &sign);
}

/* Stirling's series without its leading terms: lgamma(z) - ((z - 1/2) log z
 * - z + log(2 pi) / 2), for z >= 20 (the next term is below 2e-15). */
static double stirling_tail(double z) {
  double r = 1 / z, r2 = r * r;
  return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)));
}

double dist_lnpoch(double a, double x) {
  if (x == 0) return 0;
  if (a < 20) return dist_lgamma(a + x) - dist_lgamma(a);
  /* for large a the two lgammas are large and close: subtract their
   * Stirling expansions term by term instead */
  return (a - 0.5) * log1p(x / a) + x * log(a + x) - x + stirling_tail(a + x) - stirling_tail(a);
}

/* Loader's saddle-point expansion ("Fast and accurate computation of
 * binomial probabilities", 2000): the mass functions written as
 * -stirlerr - bd0 - log(2 pi x) / 2, whose terms are small near the centre,
 * so large counts lose no digits to cancellation. */

/* log(x!) - ((x + 1/2) log x - x + log(2 pi) / 2), the error of Stirling's
 * formula for x!; x > 0 */
static double stirlerr(double x) {
  if (x <= 15) return dist_lgamma(x + 1) - (x + 0.5) * log(x) + x - DIST_LOG_SQRT_2PI;
  const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
  double xx = x * x;
  if (x > 500) return (s0 - s1 / xx) / x;
  if (x > 80) return (s0 - (s1 - s2 / xx) / xx) / x;
  if (x > 35) return (s0 - (s1 - (s2 - s3 / xx) / xx) / xx) / x;
  return (s0 - (s1 - (s2 - (s3 - s4 / xx) / xx) / xx) / xx) / x;
}

/* x log(x / m) + m - x, the deviance term, without cancellation when x is
 * close to m (then by its series in v = (x - m) / (x + m)) */
static double bd0(double x, double m) {
  if (fabs(x - m) < 0.1 * (x + m)) {
    double v = (x - m) / (x + m), s = (x - m) * v, ej = 2 * x * v, v2 = v * v;
    for (int j = 1; j < 1000; j++) {
      ej *= v2;
      double s1 = s + ej / (2 * j + 1);
      if (s1 == s) return s;
      s = s1;
    }
  }
  return x * log(x / m) + m - x;
}

double dist_binomial_lpmf(double x, double y, double p, double q) {
  double n = x + y;
  if (p == 0) return x == 0 ? 0 : -INFINITY;
  if (q == 0) return y == 0 ? 0 : -INFINITY;
  if (x == 0) return y == 0 ? 0 : p < 0.1 ? -bd0(n, n * q) - n * p : n * log(q);
  if (y == 0) return q < 0.1 ? -bd0(n, n * p) - n * q : n * log(p);
  double lc = stirlerr(n) - stirlerr(x) - stirlerr(y) - bd0(x, n * p) - bd0(y, n * q);
  return lc - 0.5 * (DIST_LOG_2PI + log(x) + log(y) - log(n));
}

double dist_poisson_lpmf(double x, double lambda) {
  if (x < 0 || !isfinite(lambda)) return -INFINITY;
  if (x <= lambda * DBL_MIN) return -lambda; /* x = 0 */
  if (lambda < x * DBL_MIN) return -lambda + x * log(lambda) - dist_lgamma(x + 1);
  return -stirlerr(x) - bd0(x, lambda) - 0.5 * (DIST_LOG_2PI + log(x));
}

/* log(1 + e) - e, without cancellation for small e */
static double log1pmx(double e) {
  if (fabs(e) > 0.1) return log1p(e) - e;
  double term = e, s = 0;
  for (int k = 2; k < 60; k++) {
    term *= -e;
    double s1 = s + term / k;
    if (s1 == s) break;
    s = s1;
  }
  return s;
}

/* Temme's uniform asymptotic expansion of the regularized incomplete gamma
 * for large a, with two terms (relative error O(a^-2)):
 *   Q(a, x) = erfc(eta sqrt(a / 2)) / 2 + R,  P(a, x) = erfc(-eta sqrt(a / 2)) / 2 - R,
 *   R = exp(-a eta^2 / 2) / sqrt(2 pi a) (c0 + c1 / a),
 * where lambda = x / a, eta^2 / 2 = lambda - 1 - log(lambda), sign(eta) =
 * sign(lambda - 1). GSL switches to a large-x expansion for x > 1e6 even
 * when a is close to x, which is wrong by up to a few percent there. */
static double gamma_temme(double a, double x, bool upper) {
  double e = (x - a) / a, l = log1pmx(e); /* l = -(eta^2 / 2) */
  double eta = (e < 0 ? -1 : 1) * sqrt(-2 * l);
  double c0, c1;
  if (fabs(e) < 7.4e-4) {
    c0 = -1.0 / 3 + e * (1.0 / 12 - e * (23.0 / 540 - e * (353.0 / 12960 - e * 589.0 / 30240)));
    c1 = -1.0 / 540 - e / 288;
  } else {
    double lam = x / a;
    c0 = 1 / e - 1 / eta;
    c1 = 1 / (eta * eta * eta) - (lam * lam + 10 * lam + 1) / (12 * e * e * e);
  }
  double r = exp(a * l) / sqrt(2 * M_PI * a) * (c0 + c1 / a);
  double y = eta * sqrt(a / 2);
  return upper ? 0.5 * erfc(y) + r : 0.5 * erfc(-y) - r;
}

/* Where the expansion replaces GSL: its error is then below 1e-13. */
#define GAMMA_TEMME_MIN_A 1e5

double dist_gamma_p(double a, double x) {
  if (!(x > 0)) return x != x ? x : 0;
  if (x == INFINITY) return 1;
  if (a >= GAMMA_TEMME_MIN_A) return gamma_temme(a, x, false);
  return gsl_cdf_gamma_P(x, a, 1);
}

double dist_gamma_q(double a, double x) {
  if (!(x > 0)) return x != x ? x : 1;
  if (x == INFINITY) return 0;
  if (a >= GAMMA_TEMME_MIN_A) return gamma_temme(a, x, true);
  return gsl_cdf_gamma_Q(x, a, 1);
}

/* The continued fraction of I_x(a, b) (Numerical Recipes' betacf, by
 * Lentz's method); it converges in O(sqrt(max(a, b))) steps for x below
 * the mean, where it is used. GSL's version stops after 512 steps, so its
 * incomplete beta fails for shapes beyond about 1e6. */
static double beta_cf(double a, double b, double x) {
  const double tiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m < 10000000; m++) {
    double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) < 1e-16) break;
  }
  return h;
}

double dist_beta_inc(double a, double b, double x, double y) {
  if (x != x || y != y) return NAN;
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  /* the front factor x^a y^b / (a B(a, b)) is b / (a + b) times the
   * binomial mass of a successes and b failures */
  if (x * (a + b + 2) < a + 1) return exp(dist_binomial_lpmf(a, b, x, y)) * (b / (a + b)) * beta_cf(a, b, x);
  return 1 - exp(dist_binomial_lpmf(b, a, y, x)) * (a / (a + b)) * beta_cf(b, a, y);
}

/* The last arguments and result, per thread: a beta prior is scored with
 * the same a and b on every run of a model (every MCMC move), and the
 * function costs more than the rest of the density. */
static _Thread_local double lbeta_a __attribute__((tls_model("initial-exec"))) = -1; /* no argument */
static _Thread_local double lbeta_b __attribute__((tls_model("initial-exec")));
static _Thread_local double lbeta_ab __attribute__((tls_model("initial-exec")));

double dist_lbeta(double a, double b) {
  if (a == lbeta_a && b == lbeta_b) return lbeta_ab;
  gsl_sf_result r;
  double v = gsl_sf_lnbeta_e(a, b, &r) == GSL_SUCCESS ? r.val : dist_lgamma(a) + dist_lgamma(b) - dist_lgamma(a + b);
  lbeta_a = a;
  lbeta_b = b;
  lbeta_ab = v;
  return v;
}

double dist_log1p_sq(double t) {
  t = fabs(t);
  /* past 1e150, t * t overflows soon and 1 is far below its last digit */
  if (t > 1e150) return 2 * log(t);
  return log1p(t * t);
}

double dist_poisson_draw(VM *vm, double lambda) {
  if (lambda <= 0) return 0;
  if (lambda < 1e9) return (double)gsl_ran_poisson(vm->rng, lambda);
  /* GSL counts in an unsigned int: up to 1e12, add up to 1000 Poissons of
   * lambda / m (exact). Past that the Poisson is a normal to within its
   * skewness 1 / sqrt(lambda) < 1e-6. */
  if (lambda <= 1e12) {
    double m = ceil(lambda / 1e9), k = 0;
    for (double i = 0; i < m; i++) k += (double)gsl_ran_poisson(vm->rng, lambda / m);
    return k;
  }
  double k = floor(lambda + sqrt(lambda) * gsl_ran_gaussian_ziggurat(vm->rng, 1) + 0.5);
  return k < 0 ? 0 : k;
}

/* -------------------------------------------------------------- builtins */

static ObjDist *arg_dist(VM *vm, const char *fn, const Value *args, int i) {
  if (!val_is(args[i], OBJ_DIST)) vm_type_error(vm, fn, i, "a distribution", args[i]);
  return AS_DIST(args[i]);
}

_Noreturn static void not_available(VM *vm, const char *fn, const ObjDist *d) {
  char text[200];
  dist_text(d, text, sizeof text);
  vm_error(vm, "%s: not available for %s", fn, text);
}

static double logpdf_of(VM *vm, const char *fn, const Value *args) {
  ObjDist *d = arg_dist(vm, fn, args, 0);
  if (!d->cls->logpdf) not_available(vm, fn, d);
  return d->cls->logpdf(vm, d, args[1]);
}

static Value b_logpdf(VM *vm, int argc, const Value *args) {
  (void)argc;
  return val_num(logpdf_of(vm, "logpdf", args));
}

static Value b_prob(VM *vm, int argc, const Value *args) {
  (void)argc;
  return val_num(exp(logpdf_of(vm, "prob", args)));
}

static Value b_cdf(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = arg_dist(vm, "cdf", args, 0);
  double x = vm_arg_num(vm, "cdf", args, 1);
  if (!d->cls->cdf) not_available(vm, "cdf", d);
  return val_num(d->cls->cdf(vm, d, x));
}

static Value b_quantile(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = arg_dist(vm, "quantile", args, 0);
  double p = vm_arg_num(vm, "quantile", args, 1);
  if (!(p >= 0 && p <= 1)) dist_param_error(vm, "quantile", "p", "in [0, 1]", args[1]);
  if (!d->cls->quantile) not_available(vm, "quantile", d);
  return val_num(d->cls->quantile(vm, d, p));
}

static Value b_support(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = arg_dist(vm, "support", args, 0);
  ObjArray *s = d->cls->support ? d->cls->support(vm, d) : NULL;
  if (!s) {
    char text[200];
    dist_text(d, text, sizeof text);
    vm_error(vm, "support: %s has no finite support", text);
  }
  return val_obj(s);
}

static Value b_is_dist(VM *vm, int argc, const Value *args) {
  (void)vm;
  (void)argc;
  return val_bool(val_is(args[0], OBJ_DIST));
}

void stdlib_install_dist(VM *vm) {
  /* GSL reports failures (a cov that is not positive definite, ...) by its
   * return values here; its default handler would abort the process */
  gsl_set_error_handler_off();
  vm_def_builtin(vm, "logpdf", b_logpdf, 2, 2);
  vm_def_builtin(vm, "prob", b_prob, 2, 2);
  vm_def_builtin(vm, "cdf", b_cdf, 2, 2);
  vm_def_builtin(vm, "quantile", b_quantile, 2, 2);
  vm_def_builtin(vm, "support", b_support, 1, 1);
  vm_def_builtin(vm, "is_dist", b_is_dist, 1, 1);
  dist_install_continuous(vm);
  dist_install_discrete(vm);
  dist_install_multi(vm);
}
