/* math.c — numeric builtins and constants. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>

#include "stdlib.h"

#define UNARY_MATH(name, expr)                                  \
  static Value b_##name(VM *vm, int argc, const Value *args) {  \
    (void)argc;                                                 \
    double x = vm_arg_num(vm, #name, args, 0);                  \
    return val_num(expr);                                       \
  }

static double lgamma_safe(double x) {
  int sign;
  return lgamma_r(x, &sign);
}

static double sign_of(double x) { return x > 0 ? 1 : x < 0 ? -1 : x; }
static double inv_logit(double x) { return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)); }
static double digamma(double x) {
  gsl_sf_result r;
  return gsl_sf_psi_e(x, &r) == GSL_SUCCESS ? r.val : NAN;
}

UNARY_MATH(exp, exp(x))
UNARY_MATH(log, log(x))
UNARY_MATH(log1p, log1p(x))
UNARY_MATH(expm1, expm1(x))
UNARY_MATH(log2, log2(x))
UNARY_MATH(log10, log10(x))
UNARY_MATH(sqrt, sqrt(x))
UNARY_MATH(cbrt, cbrt(x))
UNARY_MATH(abs, fabs(x))
UNARY_MATH(floor, floor(x))
UNARY_MATH(ceil, ceil(x))
UNARY_MATH(round, round(x))
UNARY_MATH(trunc, trunc(x))
UNARY_MATH(sin, sin(x))
UNARY_MATH(cos, cos(x))
UNARY_MATH(tan, tan(x))
UNARY_MATH(asin, asin(x))
UNARY_MATH(acos, acos(x))
UNARY_MATH(atan, atan(x))
UNARY_MATH(sinh, sinh(x))
UNARY_MATH(cosh, cosh(x))
UNARY_MATH(tanh, tanh(x))
UNARY_MATH(erf, erf(x))
UNARY_MATH(erfc, erfc(x))
UNARY_MATH(lgamma, lgamma_safe(x))
UNARY_MATH(digamma, digamma(x))
UNARY_MATH(sign, sign_of(x))
UNARY_MATH(logit, log(x) - log1p(-x))
UNARY_MATH(inv_logit, inv_logit(x))

static Value b_is_nan(VM *vm, int argc, const Value *args) {
  (void)argc;
  return val_bool(isnan(vm_arg_num(vm, "is_nan", args, 0)));
}

static Value b_is_finite(VM *vm, int argc, const Value *args) {
  (void)argc;
  return val_bool(isfinite(vm_arg_num(vm, "is_finite", args, 0)));
}

static Value b_pow(VM *vm, int argc, const Value *args) {
  (void)argc;
  return val_num(pow(vm_arg_num(vm, "pow", args, 0), vm_arg_num(vm, "pow", args, 1)));
}

static Value b_atan2(VM *vm, int argc, const Value *args) {
  (void)argc;
  return val_num(atan2(vm_arg_num(vm, "atan2", args, 0), vm_arg_num(vm, "atan2", args, 1)));
}

static Value b_lbeta(VM *vm, int argc, const Value *args) {
  (void)argc;
  double a = vm_arg_num(vm, "lbeta", args, 0), b = vm_arg_num(vm, "lbeta", args, 1);
  return val_num(lgamma_safe(a) + lgamma_safe(b) - lgamma_safe(a + b));
}

/* log of the binomial coefficient n choose k */
static Value b_lchoose(VM *vm, int argc, const Value *args) {
  (void)argc;
  double n = vm_arg_num(vm, "lchoose", args, 0), k = vm_arg_num(vm, "lchoose", args, 1);
  if (k < 0 || k > n) return val_num(-INFINITY);
  return val_num(lgamma_safe(n + 1) - lgamma_safe(k + 1) - lgamma_safe(n - k + 1));
}

/* log(sum(exp(xs))) without overflow */
static Value b_logsumexp(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *a = vm_arg_array(vm, "logsumexp", args, 0);
  double m = -INFINITY;
  for (uint32_t i = 0; i < a->len; i++) {
    if (!val_is_num(a->items[i])) vm_error(vm, "logsumexp: element %u is a %s, not a number", i, val_type_name(a->items[i]));
    double x = val_as_num(a->items[i]);
    if (x > m) m = x;
  }
  if (m == -INFINITY || m == INFINITY) return val_num(m);
  double s = 0;
  for (uint32_t i = 0; i < a->len; i++) s += exp(val_as_num(a->items[i]) - m);
  return val_num(m + log(s));
}

void stdlib_install_math(VM *vm) {
  gsl_set_error_handler_off();
  vm_def_builtin(vm, "exp", b_exp, 1, 1);
  vm_def_builtin(vm, "log", b_log, 1, 1);
  vm_def_builtin(vm, "log1p", b_log1p, 1, 1);
  vm_def_builtin(vm, "expm1", b_expm1, 1, 1);
  vm_def_builtin(vm, "log2", b_log2, 1, 1);
  vm_def_builtin(vm, "log10", b_log10, 1, 1);
  vm_def_builtin(vm, "sqrt", b_sqrt, 1, 1);
  vm_def_builtin(vm, "cbrt", b_cbrt, 1, 1);
  vm_def_builtin(vm, "abs", b_abs, 1, 1);
  vm_def_builtin(vm, "floor", b_floor, 1, 1);
  vm_def_builtin(vm, "ceil", b_ceil, 1, 1);
  vm_def_builtin(vm, "round", b_round, 1, 1);
  vm_def_builtin(vm, "trunc", b_trunc, 1, 1);
  vm_def_builtin(vm, "sin", b_sin, 1, 1);
  vm_def_builtin(vm, "cos", b_cos, 1, 1);
  vm_def_builtin(vm, "tan", b_tan, 1, 1);
  vm_def_builtin(vm, "asin", b_asin, 1, 1);
  vm_def_builtin(vm, "acos", b_acos, 1, 1);
  vm_def_builtin(vm, "atan", b_atan, 1, 1);
  vm_def_builtin(vm, "sinh", b_sinh, 1, 1);
  vm_def_builtin(vm, "cosh", b_cosh, 1, 1);
  vm_def_builtin(vm, "tanh", b_tanh, 1, 1);
  vm_def_builtin(vm, "erf", b_erf, 1, 1);
  vm_def_builtin(vm, "erfc", b_erfc, 1, 1);
  vm_def_builtin(vm, "lgamma", b_lgamma, 1, 1);
  vm_def_builtin(vm, "digamma", b_digamma, 1, 1);
  vm_def_builtin(vm, "sign", b_sign, 1, 1);
  vm_def_builtin(vm, "logit", b_logit, 1, 1);
  vm_def_builtin(vm, "inv_logit", b_inv_logit, 1, 1);
  vm_def_builtin(vm, "is_nan", b_is_nan, 1, 1);
  vm_def_builtin(vm, "is_finite", b_is_finite, 1, 1);
  vm_def_builtin(vm, "pow", b_pow, 2, 2);
  vm_def_builtin(vm, "atan2", b_atan2, 2, 2);
  vm_def_builtin(vm, "lbeta", b_lbeta, 2, 2);
  vm_def_builtin(vm, "lchoose", b_lchoose, 2, 2);
  vm_def_builtin(vm, "logsumexp", b_logsumexp, 1, 1);
  vm_define(vm, "pi", val_num(M_PI));
  vm_define(vm, "inf", val_num(INFINITY));
  vm_define(vm, "nan", val_num(NAN));
}
