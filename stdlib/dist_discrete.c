/* dist_discrete.c — the discrete families: bernoulli, binomial, poisson,
 * geometric, negative_binomial, negative_binomial_2, categorical,
 * uniform_int and delta. Parameterisations follow Stan's.
 *
 * The count masses go through Loader's saddle-point forms
 * (dist_binomial_lpmf, dist_poisson_lpmf), accurate for large counts too;
 * their cdfs are sums of masses (binomial, negative binomials) or
 * incomplete gamma and beta functions (dist_impl.h), since GSL's lose
 * digits as the counts grow.
 *
 * Counts are numbers; a number that is not a whole number >= 0 is outside
 * every count's support (log mass -inf), while a value that is not a number
 * at all is an error. bernoulli draws booleans and also gives the mass of
 * 1 and 0. categorical(weights) draws indices 0..k-1, categorical(weights,
 * values) draws the values themselves, delta(v) draws v.
 */
#include <gc/gc.h>
#include <gsl/gsl_randist.h>

#include "dist_impl.h"
#include "vm/print.h"

static Value num(double x) { return val_num(x); }

static void write1(StrBuf *sb, const ObjDist *d) { dist_write_params(sb, d, 1); }
static void write2(StrBuf *sb, const ObjDist *d) { dist_write_params(sb, d, 2); }

/* x as a count (a whole number >= 0), or -1 when it is outside the support
 * of counts; not a number is an error. */
static double count_value(VM *vm, const ObjDist *d, Value v) {
  double x = dist_value_num(vm, d, v);
  return dist_is_count(x) ? x : -1;
}

/* The cdf of a count distribution as a sum of its masses from k outward,
 * where they fall away geometrically. ratio(d, j) is mass(j + 1) /
 * mass(j); mode is where the masses peak. NaN when the sum would take too
 * long. */
#define CDF_MAX_TERMS 100000000

static double cdf_by_sum(VM *vm, const ObjDist *d, double k, double mode, double (*ratio)(const ObjDist *, double)) {
  double head = exp(d->cls->logpdf(vm, d, num(k)));
  double s = 1, t = 1;
  long terms = 0;
  if (k <= mode) { /* mass(k) + mass(k - 1) + ... */
    for (double j = k - 1; j >= 0 && t > 1e-17 * s; j--) {
      t /= ratio(d, j);
      s += t;
      if (++terms > CDF_MAX_TERMS) return NAN;
    }
    return fmin(1, head * s);
  }
  s = 0; /* 1 - (mass(k + 1) + mass(k + 2) + ...) */
  for (double j = k; t > 1e-17 * s || s == 0; j++) {
    t *= ratio(d, j);
    s += t;
    if (t == 0) break;
    if (++terms > CDF_MAX_TERMS) return NAN;
  }
  return fmax(0, 1 - head * s);
}

/* ------------------------------------------------------------- bernoulli */

static Value bernoulli_sample(VM *vm, const ObjDist *d) {
  return val_bool(gsl_rng_uniform(vm->rng) < d->p[0]);
}

/* log p and log(1 - p) of the last p, per thread: a model observes many
 * flips with one p (observe(bernoulli(p), f) in a loop). No p is -1. */
static _Thread_local double bern_p __attribute__((tls_model("initial-exec"))) = -1;
static _Thread_local double bern_log_p __attribute__((tls_model("initial-exec")));
static _Thread_local double bern_log_q __attribute__((tls_model("initial-exec")));

static double bernoulli_log_mass(double p, bool heads) {
  if (p != bern_p) {
    bern_p = p;
    bern_log_p = log(p);
    bern_log_q = log1p(-p);
  }
  return heads ? bern_log_p : bern_log_q;
}

static double bernoulli_logpdf(VM *vm, const ObjDist *d, Value v) {
  double p = d->p[0];
  if (v == VAL_TRUE) return bernoulli_log_mass(p, true);
  if (v == VAL_FALSE) return bernoulli_log_mass(p, false);
  if (!val_is_num(v)) dist_value_error(vm, d, "a boolean (or 1 or 0)", v);
  double x = val_as_num(v);
  if (x == 1) return bernoulli_log_mass(p, true);
  if (x == 0) return bernoulli_log_mass(p, false);
  return x != x ? x : -INFINITY;
}

static Value bernoulli_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0]);
}

static Value bernoulli_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0] * (1 - d->p[0]));
}

static ObjArray *bernoulli_support(VM *vm, const ObjDist *d) {
  (void)vm;
  (void)d;
  Value both[2] = {VAL_FALSE, VAL_TRUE};
  return obj_array_from(both, 2);
}

static const DistClass bernoulli_class = {
    .name = "bernoulli",
    .kind = DIST_DISCRETE,
    .sample = bernoulli_sample,
    .logpdf = bernoulli_logpdf,
    .mean = bernoulli_mean,
    .variance = bernoulli_variance,
    .support = bernoulli_support,
    .write = write1,
};

static Value b_bernoulli(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &bernoulli_class);
  d->p[0] = dist_arg_prob(vm, "bernoulli", args, 0, "p");
  return val_obj(d);
}

/* -------------------------------------------------------------- binomial */

#define BINOMIAL_MAX_N 1e9 /* GSL draws binomials with an unsigned int n */

static Value binomial_sample(VM *vm, const ObjDist *d) {
  return num((double)gsl_ran_binomial(vm->rng, d->p[1], (unsigned int)d->p[0]));
}

static double binomial_logpdf(VM *vm, const ObjDist *d, Value v) {
  double k = count_value(vm, d, v), n = d->p[0], p = d->p[1];
  if (k < 0 || k > n) return -INFINITY;
  return dist_binomial_lpmf(k, n - k, p, 1 - p);
}

static Value binomial_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0] * d->p[1]);
}

static Value binomial_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0] * d->p[1] * (1 - d->p[1]));
}

static ObjArray *binomial_support(VM *vm, const ObjDist *d) { return dist_int_range(vm, d, 0, d->p[0]); }

static double binomial_ratio(const ObjDist *d, double j) {
  double n = d->p[0], p = d->p[1];
  return (n - j) / (j + 1) * (p / (1 - p));
}

static double binomial_cdf(VM *vm, const ObjDist *d, double x) {
  double n = d->p[0], p = d->p[1];
  if (x != x) return x;
  if (x < 0) return 0;
  if (x >= n) return 1;
  /* GSL's binomial cdf (an incomplete beta) loses digits as n grows, about
   * 1e-10 relative at n = 1e5, and fails near the centre from n = 1e7; the
   * sum of masses costs about 10 standard deviations of terms */
  return cdf_by_sum(vm, d, floor(x), floor((n + 1) * p), binomial_ratio);
}

static double binomial_quantile(VM *vm, const ObjDist *d, double p) {
  return dist_discrete_quantile(vm, d, p, 0, d->p[0]);
}

static const DistClass binomial_class = {
    .name = "binomial",
    .kind = DIST_DISCRETE,
    .sample = binomial_sample,
    .logpdf = binomial_logpdf,
    .mean = binomial_mean,
    .variance = binomial_variance,
    .support = binomial_support,
    .cdf = binomial_cdf,
    .quantile = binomial_quantile,
    .write = write2,
};

static Value b_binomial(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &binomial_class);
  d->p[0] = dist_arg_whole(vm, "binomial", args, 0, "n", 0, BINOMIAL_MAX_N);
  d->p[1] = dist_arg_prob(vm, "binomial", args, 1, "p");
  return val_obj(d);
}

/* --------------------------------------------------------------- poisson */

static Value poisson_sample(VM *vm, const ObjDist *d) { return num(dist_poisson_draw(vm, d->p[0])); }

static double poisson_logpdf(VM *vm, const ObjDist *d, Value v) {
  double k = count_value(vm, d, v), lambda = d->p[0];
  if (k < 0) return -INFINITY;
  return dist_poisson_lpmf(k, lambda);
}

static Value poisson_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0]);
}

static double poisson_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  if (x != x) return x;
  if (x < 0) return 0;
  if (d->p[0] == 0 || x == INFINITY) return 1;
  /* P(K <= k) = Q(k + 1, lambda) */
  return dist_gamma_q(floor(x) + 1, d->p[0]);
}

static double poisson_quantile(VM *vm, const ObjDist *d, double p) {
  return dist_discrete_quantile(vm, d, p, 0, INFINITY);
}

static const DistClass poisson_class = {
    .name = "poisson",
    .kind = DIST_DISCRETE,
    .sample = poisson_sample,
    .logpdf = poisson_logpdf,
    .mean = poisson_mean,
    .variance = poisson_mean,
    .cdf = poisson_cdf,
    .quantile = poisson_quantile,
    .write = write1,
};

static Value b_poisson(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &poisson_class);
  d->p[0] = dist_arg_finite(vm, "poisson", args, 0, "lambda");
  if (d->p[0] < 0) dist_param_error(vm, "poisson", "lambda", ">= 0", args[0]);
  return val_obj(d);
}

/* ------------------------------------------------------------- geometric */

/* P(K >= k) = (1 - p)^k, so K = floor(log(u) / log(1 - p)) for u in (0, 1) */
static Value geometric_sample(VM *vm, const ObjDist *d) {
  double p = d->p[0];
  if (p == 1) return num(0);
  return num(floor(log(gsl_rng_uniform_pos(vm->rng)) / log1p(-p)));
}

static double geometric_logpdf(VM *vm, const ObjDist *d, Value v) {
  double k = count_value(vm, d, v), p = d->p[0];
  if (k < 0) return -INFINITY;
  return log(p) + dist_xlog1py(k, -p);
}

static Value geometric_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num((1 - d->p[0]) / d->p[0]);
}

static Value geometric_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  return num((1 - d->p[0]) / (d->p[0] * d->p[0]));
}

static double geometric_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  if (x != x) return x;
  if (x < 0) return 0;
  return -expm1((floor(x) + 1) * log1p(-d->p[0]));
}

static double geometric_quantile(VM *vm, const ObjDist *d, double p) {
  if (p <= 0 || d->p[0] == 1) return 0;
  if (p >= 1) return INFINITY;
  /* the closed form, then a step either way to undo rounding (where a step
   * of 1 still changes k) */
  double k = ceil(log1p(-p) / log1p(-d->p[0]) - 1);
  if (k < 0) k = 0;
  if (k > 1e15) return k;
  for (int i = 0; i < 4 && k > 0 && geometric_cdf(vm, d, k - 1) >= p; i++) k--;
  for (int i = 0; i < 4 && geometric_cdf(vm, d, k) < p; i++) k++;
  return k;
}

static const DistClass geometric_class = {
    .name = "geometric",
    .kind = DIST_DISCRETE,
    .sample = geometric_sample,
    .logpdf = geometric_logpdf,
    .mean = geometric_mean,
    .variance = geometric_variance,
    .cdf = geometric_cdf,
    .quantile = geometric_quantile,
    .write = write1,
};

static Value b_geometric(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &geometric_class);
  d->p[0] = vm_arg_num(vm, "geometric", args, 0);
  if (!(d->p[0] > 0 && d->p[0] <= 1)) dist_param_error(vm, "geometric", "p", "in (0, 1]", args[0]);
  return val_obj(d);
}

/* ----------------------------------------------------- negative binomials */

/* Both are gamma mixtures of Poissons: negative_binomial(alpha, beta) has
 * rate ~ gamma(alpha, beta), negative_binomial_2(mu, phi) has rate ~
 * gamma(phi, phi / mu). With r the gamma's shape and q = rate / (1 + rate)
 * the success probability, K counts the failures before the r-th success:
 * its mass is r / (r + k) times the binomial mass of r successes and k
 * failures, and P(K <= k) = I_q(r, k + 1). */

/* By the sum of masses (ratio: mass(j + 1) / mass(j) = (j + r) / (j + 1)
 * qc, with qc = 1 - q) while that takes at most about 1e7 terms, as for
 * binomial; past that as the incomplete beta I_q(r, k + 1). */
static double negbin_cdf_at(VM *vm, const ObjDist *d, double x, double r, double q, double qc,
                            double (*ratio)(const ObjDist *, double)) {
  if (x != x) return x;
  if (x < 0) return 0;
  if (x == INFINITY) return 1;
  double sd = sqrt(r * qc) / q;
  double c = sd < 1e6 ? cdf_by_sum(vm, d, floor(x), r > 1 ? floor((r - 1) * qc / q) : 0, ratio) : NAN;
  if (c != c) c = dist_beta_inc(r, floor(x) + 1, q, qc);
  return c;
}

static Value negative_binomial_sample(VM *vm, const ObjDist *d) {
  return num(dist_poisson_draw(vm, gsl_ran_gamma(vm->rng, d->p[0], 1 / d->p[1])));
}

static double negative_binomial_logpdf(VM *vm, const ObjDist *d, Value v) {
  double k = count_value(vm, d, v), a = d->p[0], b = d->p[1];
  if (k < 0) return -INFINITY;
  return dist_binomial_lpmf(a, k, b / (1 + b), 1 / (1 + b)) - log1p(k / a);
}

static Value negative_binomial_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0] / d->p[1]);
}

static Value negative_binomial_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  double b = d->p[1];
  return num(d->p[0] / b * ((b + 1) / b));
}

static double negative_binomial_ratio(const ObjDist *d, double j) {
  return (j + d->p[0]) / (j + 1) / (1 + d->p[1]);
}

static double negative_binomial_cdf(VM *vm, const ObjDist *d, double x) {
  double b = d->p[1];
  return negbin_cdf_at(vm, d, x, d->p[0], b / (1 + b), 1 / (1 + b), negative_binomial_ratio);
}

static double negative_binomial_quantile(VM *vm, const ObjDist *d, double p) {
  return dist_discrete_quantile(vm, d, p, 0, INFINITY);
}

static const DistClass negative_binomial_class = {
    .name = "negative_binomial",
    .kind = DIST_DISCRETE,
    .sample = negative_binomial_sample,
    .logpdf = negative_binomial_logpdf,
    .mean = negative_binomial_mean,
    .variance = negative_binomial_variance,
    .cdf = negative_binomial_cdf,
    .quantile = negative_binomial_quantile,
    .write = write2,
};

static Value b_negative_binomial(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &negative_binomial_class);
  d->p[0] = dist_arg_positive(vm, "negative_binomial", args, 0, "alpha");
  d->p[1] = dist_arg_positive(vm, "negative_binomial", args, 1, "beta");
  return val_obj(d);
}

static Value negative_binomial_2_sample(VM *vm, const ObjDist *d) {
  double mu = d->p[0], phi = d->p[1];
  return num(dist_poisson_draw(vm, gsl_ran_gamma(vm->rng, phi, mu / phi)));
}

static double negative_binomial_2_logpdf(VM *vm, const ObjDist *d, Value v) {
  double k = count_value(vm, d, v), mu = d->p[0], phi = d->p[1];
  if (k < 0) return -INFINITY;
  return dist_binomial_lpmf(phi, k, phi / (mu + phi), mu / (mu + phi)) - log1p(k / phi);
}

static Value negative_binomial_2_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(d->p[0]);
}

static Value negative_binomial_2_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  double mu = d->p[0];
  return num(mu + mu * (mu / d->p[1]));
}

static double negative_binomial_2_ratio(const ObjDist *d, double j) {
  double mu = d->p[0], phi = d->p[1];
  return (j + phi) / (j + 1) * (mu / (mu + phi));
}

static double negative_binomial_2_cdf(VM *vm, const ObjDist *d, double x) {
  double mu = d->p[0], phi = d->p[1];
  return negbin_cdf_at(vm, d, x, phi, phi / (mu + phi), mu / (mu + phi), negative_binomial_2_ratio);
}

static const DistClass negative_binomial_2_class = {
    .name = "negative_binomial_2",
    .kind = DIST_DISCRETE,
    .sample = negative_binomial_2_sample,
    .logpdf = negative_binomial_2_logpdf,
    .mean = negative_binomial_2_mean,
    .variance = negative_binomial_2_variance,
    .cdf = negative_binomial_2_cdf,
    .quantile = negative_binomial_quantile,
    .write = write2,
};

static Value b_negative_binomial_2(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &negative_binomial_2_class);
  d->p[0] = dist_arg_positive(vm, "negative_binomial_2", args, 0, "mu");
  d->p[1] = dist_arg_positive(vm, "negative_binomial_2", args, 1, "phi");
  return val_obj(d);
}

/* ----------------------------------------------------------- categorical */

/* a: the weights, normalised; b: the values (nil for 0..k-1); aux: the
 * running sums of the weights. */

static Value categorical_sample(VM *vm, const ObjDist *d) {
  uint32_t i = dist_pick(vm, d->aux, AS_ARRAY(d->a)->len);
  return d->b == VAL_NIL ? num(i) : AS_ARRAY(d->b)->items[i];
}

static double categorical_logpdf(VM *vm, const ObjDist *d, Value v) {
  ObjArray *w = AS_ARRAY(d->a);
  if (d->b == VAL_NIL) {
    double k = dist_value_num(vm, d, v);
    if (!dist_is_count(k) || k >= w->len) return k != k ? k : -INFINITY;
    return log(val_as_num(w->items[(uint32_t)k]));
  }
  /* a value listed more than once has the sum of its weights */
  ObjArray *vals = AS_ARRAY(d->b);
  double p = 0;
  for (uint32_t i = 0; i < vals->len; i++)
    if (val_equal(vals->items[i], v)) p += val_as_num(w->items[i]);
  return log(p);
}

/* The moments over the values, when they are all numbers. */
static bool categorical_moments(const ObjDist *d, double *mean, double *var) {
  ObjArray *w = AS_ARRAY(d->a);
  double m = 0;
  for (uint32_t i = 0; i < w->len; i++) {
    Value x = d->b == VAL_NIL ? num(i) : AS_ARRAY(d->b)->items[i];
    if (!val_is_num(x)) return false;
    m += val_as_num(w->items[i]) * val_as_num(x);
  }
  double s = 0;
  for (uint32_t i = 0; i < w->len; i++) {
    double x = d->b == VAL_NIL ? i : val_as_num(AS_ARRAY(d->b)->items[i]);
    s += val_as_num(w->items[i]) * (x - m) * (x - m);
  }
  *mean = m;
  *var = s;
  return true;
}

static Value categorical_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  double m, v;
  return categorical_moments(d, &m, &v) ? num(m) : VAL_UNDEF;
}

static Value categorical_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  double m, v;
  return categorical_moments(d, &m, &v) ? num(v) : VAL_UNDEF;
}

/* 0..k-1, or the distinct values in the order of their first appearance */
static ObjArray *categorical_support(VM *vm, const ObjDist *d) {
  ObjArray *w = AS_ARRAY(d->a);
  if (d->b == VAL_NIL) return dist_int_range(vm, d, 0, w->len - 1.0);
  ObjArray *vals = AS_ARRAY(d->b);
  Value *seen = GC_MALLOC(sizeof(Value) * vals->len);
  uint32_t n = 0;
  for (uint32_t i = 0; i < vals->len; i++) {
    bool dup = false;
    for (uint32_t j = 0; j < n && !dup; j++) dup = val_equal(seen[j], vals->items[i]);
    if (!dup) seen[n++] = vals->items[i];
  }
  return obj_array_from(seen, n);
}

static void categorical_write(StrBuf *sb, const ObjDist *d) {
  sb_puts(sb, "categorical(");
  val_write(sb, d->a, true);
  if (d->b != VAL_NIL) {
    sb_puts(sb, ", ");
    val_write(sb, d->b, true);
  }
  sb_putc(sb, ')');
}

static const DistClass categorical_class = {
    .name = "categorical",
    .kind = DIST_DISCRETE,
    .sample = categorical_sample,
    .logpdf = categorical_logpdf,
    .mean = categorical_mean,
    .variance = categorical_variance,
    .support = categorical_support,
    .write = categorical_write,
};

static Value b_categorical(VM *vm, int argc, const Value *args) {
  ObjDist *d = dist_new(vm, &categorical_class);
  double *cum;
  ObjArray *w = dist_arg_weights(vm, "categorical", args, 0, "weights", &cum);
  d->a = val_obj(w);
  d->aux = cum;
  if (argc > 1) {
    if (!val_is(args[1], OBJ_ARRAY)) vm_type_error(vm, "categorical", 1, "an array", args[1]);
    if (AS_ARRAY(args[1])->len != w->len) {
      char cond[80];
      snprintf(cond, sizeof cond, "an array of %u values (one per weight)", w->len);
      dist_param_error(vm, "categorical", "values", cond, args[1]);
    }
    d->b = args[1];
  }
  return val_obj(d);
}

/* ----------------------------------------------------------- uniform_int */

/* A whole number drawn uniformly from 0..n-1 for n up to 2^53. */
static double uniform_below(VM *vm, double n) {
  unsigned long range = gsl_rng_max(vm->rng) - gsl_rng_min(vm->rng);
  if (n <= (double)range) return (double)gsl_rng_uniform_int(vm->rng, (unsigned long)n);
  for (;;) { /* 53 random bits, rejecting the incomplete top block */
    double hi = (double)gsl_rng_uniform_int(vm->rng, 1ul << 26);
    double lo = (double)gsl_rng_uniform_int(vm->rng, 1ul << 27);
    double u = hi * 134217728.0 + lo;
    double blocks = floor(9007199254740992.0 / n);
    if (u < blocks * n) return fmod(u, n);
  }
}

static Value uniform_int_sample(VM *vm, const ObjDist *d) {
  return num(d->p[0] + uniform_below(vm, d->p[1] - d->p[0] + 1));
}

static double uniform_int_logpdf(VM *vm, const ObjDist *d, Value v) {
  double x = dist_value_num(vm, d, v);
  if (x != x) return x;
  if (x != floor(x) || x < d->p[0] || x > d->p[1]) return -INFINITY;
  return -log(d->p[1] - d->p[0] + 1);
}

static Value uniform_int_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return num(0.5 * (d->p[0] + d->p[1]));
}

static Value uniform_int_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  double n = d->p[1] - d->p[0] + 1;
  return num((n * n - 1) / 12);
}

static ObjArray *uniform_int_support(VM *vm, const ObjDist *d) { return dist_int_range(vm, d, d->p[0], d->p[1]); }

static double uniform_int_cdf(VM *vm, const ObjDist *d, double x) {
  (void)vm;
  if (x != x) return x;
  if (x < d->p[0]) return 0;
  if (x >= d->p[1]) return 1;
  return (floor(x) - d->p[0] + 1) / (d->p[1] - d->p[0] + 1);
}

static double uniform_int_quantile(VM *vm, const ObjDist *d, double p) {
  return dist_discrete_quantile(vm, d, p, d->p[0], d->p[1]);
}

static const DistClass uniform_int_class = {
    .name = "uniform_int",
    .kind = DIST_DISCRETE,
    .sample = uniform_int_sample,
    .logpdf = uniform_int_logpdf,
    .mean = uniform_int_mean,
    .variance = uniform_int_variance,
    .support = uniform_int_support,
    .cdf = uniform_int_cdf,
    .quantile = uniform_int_quantile,
    .write = write2,
};

#define UNIFORM_INT_MAX 1e15 /* hi - lo + 1 stays an exact double */

static Value b_uniform_int(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjDist *d = dist_new(vm, &uniform_int_class);
  d->p[0] = dist_arg_whole(vm, "uniform_int", args, 0, "lo", -UNIFORM_INT_MAX, UNIFORM_INT_MAX);
  d->p[1] = dist_arg_whole(vm, "uniform_int", args, 1, "hi", -UNIFORM_INT_MAX, UNIFORM_INT_MAX);
  if (d->p[1] < d->p[0]) dist_param_error(vm, "uniform_int", "hi", ">= lo", args[1]);
  return val_obj(d);
}

/* ----------------------------------------------------------------- delta */

/* a: the value. Moments and the cdf exist when it is a number. */

static Value delta_sample(VM *vm, const ObjDist *d) {
  (void)vm;
  return d->a;
}

static double delta_logpdf(VM *vm, const ObjDist *d, Value v) {
  (void)vm;
  return val_equal(d->a, v) ? 0 : -INFINITY;
}

static Value delta_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return val_is_num(d->a) ? d->a : VAL_UNDEF;
}

static Value delta_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  return val_is_num(d->a) ? num(0) : VAL_UNDEF;
}

static ObjArray *delta_support(VM *vm, const ObjDist *d) {
  (void)vm;
  return obj_array_from(&d->a, 1);
}

static double delta_number(VM *vm, const ObjDist *d, const char *op) {
  if (!val_is_num(d->a)) {
    char text[200];
    dist_text(d, text, sizeof text);
    vm_error(vm, "%s: not available for %s (its value is not a number)", op, text);
  }
  return val_as_num(d->a);
}

static double delta_cdf(VM *vm, const ObjDist *d, double x) {
  if (x != x) return x;
  return x >= delta_number(vm, d, "cdf") ? 1 : 0;
}

static double delta_quantile(VM *vm, const ObjDist *d, double p) {
  (void)p;
  return delta_number(vm, d, "quantile");
}

static void delta_write(StrBuf *sb, const ObjDist *d) {
  sb_puts(sb, "delta(");
  val_write(sb, d->a, true);
  sb_putc(sb, ')');
}

static const DistClass delta_class = {
    .name = "delta",
    .kind = DIST_DISCRETE,
    .sample = delta_sample,
    .logpdf = delta_logpdf,
    .mean = delta_mean,
    .variance = delta_variance,
    .support = delta_support,
    .cdf = delta_cdf,
    .quantile = delta_quantile,
    .write = delta_write,
};

static Value b_delta(VM *vm, int argc, const Value *args) {
  (void)vm;
  (void)argc;
  ObjDist *d = dist_new(vm, &delta_class);
  d->a = args[0];
  return val_obj(d);
}

void dist_install_discrete(VM *vm) {
  dist_def_constructor(vm, "bernoulli", b_bernoulli, 1, 1);
  dist_def_constructor(vm, "binomial", b_binomial, 2, 2);
  dist_def_constructor(vm, "poisson", b_poisson, 1, 1);
  dist_def_constructor(vm, "geometric", b_geometric, 1, 1);
  dist_def_constructor(vm, "negative_binomial", b_negative_binomial, 2, 2);
  dist_def_constructor(vm, "negative_binomial_2", b_negative_binomial_2, 2, 2);
  dist_def_constructor(vm, "categorical", b_categorical, 1, 2);
  dist_def_constructor(vm, "uniform_int", b_uniform_int, 2, 2);
  dist_def_constructor(vm, "delta", b_delta, 1, 1);
}
