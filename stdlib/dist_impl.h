/* dist_impl.h — what the files of the distribution library share, private
 * to stdlib/: checking a constructor's parameters, reading the value handed
 * to logpdf, writing a distribution as the call that made it, weights, and
 * a few log-space numerics.
 *
 * The library: dist.c (the builtins on distributions: logpdf, prob, cdf,
 * quantile, support, is_dist), dist_continuous.c, dist_discrete.c and
 * dist_multi.c (the families: each a DistClass and a constructor builtin of
 * the family's name).
 *
 * Parameter errors read "<name>: <param> must be <condition>, got <value>",
 * a parameter of the wrong type is vm_type_error(). Every scalar parameter
 * must be finite before any other condition is checked.
 */
#ifndef PPL_DIST_IMPL_H
#define PPL_DIST_IMPL_H

#include <math.h>
#include <stdbool.h>

#include "stdlib.h"
#include "vm/dist.h"

#define DIST_LOG_SQRT_2PI 0.918938533204672741780329736405617639861397473637783412817
#define DIST_LOG_PI 1.144729885849400174143427351353058711647294812915311571513
#define DIST_LOG_2PI 1.837877066409345483560659472811235279722794947275566825634
#define DIST_LOG_2 0.693147180559945309417232121458176568075500134360255254120

/* The longest support support() builds. */
#define DIST_MAX_SUPPORT 10000000u

/* Each file registers its families. */
void dist_install_continuous(VM *vm);
void dist_install_discrete(VM *vm);
void dist_install_multi(VM *vm);

/* ------------------------------------------------------------ parameters */

/* "fn: param must be cond, got <value>" */
_Noreturn void dist_param_error(VM *vm, const char *fn, const char *param, const char *cond, Value got);
/* The common parameter checks are inline for the common case, a number
 * that passes: a model builds a distribution at nearly every random choice
 * (normal(mu, 1) in its inner loop), and a call cost more than the family's
 * own work. Anything else goes to the full check in dist.c
 * (dist_check_*), which raises the error. */
double dist_check_finite(VM *vm, const char *fn, const Value *args, int i, const char *param);
double dist_check_positive(VM *vm, const char *fn, const Value *args, int i, const char *param);
double dist_check_prob(VM *vm, const char *fn, const Value *args, int i, const char *param);

/* args[i] as a number (else a type error), finite (else a parameter error). */
static inline double dist_arg_finite(VM *vm, const char *fn, const Value *args, int i, const char *param) {
  if (val_is_num(args[i]) && isfinite(val_as_num(args[i]))) return val_as_num(args[i]);
  return dist_check_finite(vm, fn, args, i, param);
}
/* ... and > 0 */
static inline double dist_arg_positive(VM *vm, const char *fn, const Value *args, int i, const char *param) {
  if (val_is_num(args[i]) && val_as_num(args[i]) > 0 && val_as_num(args[i]) < INFINITY) return val_as_num(args[i]);
  return dist_check_positive(vm, fn, args, i, param);
}
/* ... and in [0, 1] */
static inline double dist_arg_prob(VM *vm, const char *fn, const Value *args, int i, const char *param) {
  if (val_is_num(args[i]) && val_as_num(args[i]) >= 0 && val_as_num(args[i]) <= 1) return val_as_num(args[i]);
  return dist_check_prob(vm, fn, args, i, param);
}
/* ... a whole number in [lo, hi]: "must be a whole number", "must be >= lo" */
double dist_arg_whole(VM *vm, const char *fn, const Value *args, int i, const char *param, double lo, double hi);

/* Weights: an array of finite numbers >= 0, not all 0. Returns them
 * normalised to sum to 1; *cum (GC heap, pointer-free) receives their
 * running sums, for dist_pick(). */
ObjArray *dist_arg_weights(VM *vm, const char *fn, const Value *args, int i, const char *param, double **cum);
/* An index drawn with probabilities given by the running sums cum[0..n). */
uint32_t dist_pick(VM *vm, const double *cum, uint32_t n);

/* ---------------------------------------------------------------- values */

/* "name: logpdf needs <want>, got <description of x>" */
_Noreturn void dist_value_error(VM *vm, const ObjDist *d, const char *want, Value x);
/* x as a number, or the runtime error "name: logpdf needs a number, got ..." */
static inline double dist_value_num(VM *vm, const ObjDist *d, Value x) {
  if (!val_is_num(x)) dist_value_error(vm, d, "a number", x);
  return val_as_num(x);
}
/* x is a whole number >= 0 */
bool dist_is_count(double x);

/* The text of a distribution (as it prints) in buf, cut to size. */
void dist_text(const ObjDist *d, char *buf, size_t size);
/* Writes "name(p0, p1, ...)" from the first n scalar parameters. */
void dist_write_params(StrBuf *sb, const ObjDist *d, int n);

/* The support lo, lo+1, ..., hi as an array of numbers; a runtime error when
 * it holds more than DIST_MAX_SUPPORT values. */
ObjArray *dist_int_range(VM *vm, const ObjDist *d, double lo, double hi);
/* The smallest whole x in [lo, hi] with cdf(x) >= p, by search on the
 * class's cdf (hi may be inf). */
double dist_discrete_quantile(VM *vm, const ObjDist *d, double p, double lo, double hi);

/* The smallest x in the support [lo, hi] with cdf(x) >= p, by widening a
 * bracket from the guess and bisecting on the class's cdf, for a
 * continuous cdf. A guess whose cdf is p to rounding is taken as it is
 * (GSL's inverses, which are good starts but fail at times for extreme
 * shapes). */
double dist_solve_quantile(VM *vm, const ObjDist *d, double p, double lo, double hi, double guess);

/* -------------------------------------------------------------- numerics */

/* x * log(y), with 0 * log(0) = 0 */
double dist_xlogy(double x, double y);
/* x * log1p(y), with 0 * log1p(-1) = 0 */
double dist_xlog1py(double x, double y);
double dist_lgamma(double x);
/* log Gamma(a + x) / Gamma(a) for a > 0, x >= 0, accurate for large a */
double dist_lnpoch(double a, double x);
/* log Beta(a, b) for a, b > 0 */
double dist_lbeta(double a, double b);
/* log of Gamma(x + y + 1) / (Gamma(x + 1) Gamma(y + 1)) p^x q^y for real
 * x, y >= 0 and p + q = 1 (the binomial mass with x successes and y
 * failures; also the negative binomials and beta), accurate for large
 * arguments. x and y are given apart so that no digits are lost forming
 * one from their sum. */
double dist_binomial_lpmf(double x, double y, double p, double q);
/* log of lambda^x e^-lambda / Gamma(x + 1) for real x >= 0 (the Poisson
 * mass; also gamma), accurate for large arguments */
double dist_poisson_lpmf(double x, double lambda);
/* The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 -
 * P(a, x), each accurate on its own (also for large a, where GSL is not). */
double dist_gamma_p(double a, double x);
double dist_gamma_q(double a, double x);
/* The regularized incomplete beta I_x(a, b), given x and y = 1 - x apart
 * so that neither loses digits; accurate for large a and b too. */
double dist_beta_inc(double a, double b, double x, double y);
/* log(1 + t * t) without overflow for large t */
double dist_log1p_sq(double t);
/* A Poisson draw as a double (any finite lambda >= 0). */
double dist_poisson_draw(VM *vm, double lambda);

#endif
