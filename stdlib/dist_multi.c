/* dist_multi.c — the families built from arrays: dirichlet and
 * multivariate_normal (values are arrays of numbers; mean and variance are
 * the arrays of the marginal means and variances), and mixture (a weighted
 * choice among distributions of one kind).
 */
#include <gc/gc.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "dist_impl.h"
#include "vm/print.h"

static Value num(double x) { return val_num(x); }

static ObjArray *num_array(const double *xs, uint32_t n) {
  ObjArray *a = obj_array(n);
  for (uint32_t i = 0; i < n; i++) a->items[i] = num(xs[i]);
  return a;
}

/* The value handed to logpdf as n numbers in xs (GC heap, pointer-free). */
static double *value_vector(VM *vm, const ObjDist *d, Value v, uint32_t n) {
  bool ok = val_is(v, OBJ_ARRAY) && AS_ARRAY(v)->len == n;
  for (uint32_t i = 0; ok && i < n; i++) ok = val_is_num(AS_ARRAY(v)->items[i]);
  if (!ok) {
    char want[64];
    snprintf(want, sizeof want, "an array of %u numbers", n);
    dist_value_error(vm, d, want, v);
  }
  double *xs = GC_MALLOC_ATOMIC(sizeof(double) * n);
  for (uint32_t i = 0; i < n; i++) xs[i] = val_as_num(AS_ARRAY(v)->items[i]);
  return xs;
}

/* Element i of a parameter array: a finite number. */
static double finite_item(VM *vm, const char *fn, const char *param, ObjArray *a, uint32_t i) {
  char name[64];
  snprintf(name, sizeof name, "%s[%u]", param, i);
  Value v = a->items[i];
  if (!val_is_num(v)) dist_param_error(vm, fn, name, "a number", v);
  if (!isfinite(val_as_num(v))) dist_param_error(vm, fn, name, "finite", v);
  return val_as_num(v);
}

static void write_arrays(StrBuf *sb, const ObjDist *d) {
  sb_printf(sb, "%s(", d->cls->name);
  val_write(sb, d->a, true);
  if (d->b != VAL_NIL) {
    sb_puts(sb, ", ");
    val_write(sb, d->b, true);
  }
  sb_putc(sb, ')');
}

/* ------------------------------------------------------------- dirichlet */

/* a: alpha as given; aux: alpha as doubles. */

static Value dirichlet_sample(VM *vm, const ObjDist *d) {
  uint32_t k = AS_ARRAY(d->a)->len;
  double *theta = GC_MALLOC_ATOMIC(sizeof(double) * k);
  gsl_ran_dirichlet(vm->rng, k, d->aux, theta);
  return val_obj(num_array(theta, k));
}

/* How far from 1 the sum of a point may be and still be on the simplex. */
#define SIMPLEX_TOLERANCE 1e-8

static double dirichlet_logpdf(VM *vm, const ObjDist *d, Value v) {
  uint32_t k = AS_ARRAY(d->a)->len;
  const double *alpha = d->aux;
  double *x = value_vector(vm, d, v, k);
  double sum = 0, total = 0, lp = 0;
  for (uint32_t i = 0; i < k; i++) {
    if (x[i] != x[i]) return x[i];
    if (x[i] < 0 || x[i] > 1) return -INFINITY;
    sum += x[i];
    total += alpha[i];
    lp += dist_xlogy(alpha[i] - 1, x[i]) - dist_lgamma(alpha[i]);
  }
  if (fabs(sum - 1) > SIMPLEX_TOLERANCE) return -INFINITY;
  return lp + dist_lgamma(total);
}

static double alpha_total(const ObjDist *d) {
  const double *alpha = d->aux;
  double t = 0;
  for (uint32_t i = 0; i < AS_ARRAY(d->a)->len; i++) t += alpha[i];
  return t;
}

static Value dirichlet_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  uint32_t k = AS_ARRAY(d->a)->len;
  const double *alpha = d->aux;
  double t = alpha_total(d);
  ObjArray *m = obj_array(k);
  for (uint32_t i = 0; i < k; i++) m->items[i] = num(alpha[i] / t);
  return val_obj(m);
}

static Value dirichlet_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  uint32_t k = AS_ARRAY(d->a)->len;
  const double *alpha = d->aux;
  double t = alpha_total(d);
  ObjArray *v = obj_array(k);
  for (uint32_t i = 0; i < k; i++) v->items[i] = num(alpha[i] / t * ((t - alpha[i]) / t) / (t + 1));
  return val_obj(v);
}

static const DistClass dirichlet_class = {
    .name = "dirichlet",
    .kind = DIST_VECTOR,
    .sample = dirichlet_sample,
    .logpdf = dirichlet_logpdf,
    .mean = dirichlet_mean,
    .variance = dirichlet_variance,
    .write = write_arrays,
};

static Value b_dirichlet(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (!val_is(args[0], OBJ_ARRAY)) vm_type_error(vm, "dirichlet", 0, "an array of numbers", args[0]);
  ObjArray *a = AS_ARRAY(args[0]);
  if (a->len < 2) dist_param_error(vm, "dirichlet", "alpha", "an array of at least 2 numbers", args[0]);
  double *alpha = GC_MALLOC_ATOMIC(sizeof(double) * a->len);
  for (uint32_t i = 0; i < a->len; i++) {
    alpha[i] = finite_item(vm, "dirichlet", "alpha", a, i);
    if (!(alpha[i] > 0)) {
      char name[64];
      snprintf(name, sizeof name, "alpha[%u]", i);
      dist_param_error(vm, "dirichlet", name, "> 0", a->items[i]);
    }
  }
  ObjDist *d = dist_new(vm, &dirichlet_class);
  d->a = args[0];
  d->aux = alpha;
  return val_obj(d);
}

/* --------------------------------------------------- multivariate_normal */

/* a: mu, b: cov, both as given; aux: the Cholesky factor of cov. */
typedef struct MvnAux {
  uint32_t k;
  double log_det_half; /* log sqrt(det cov) = sum of log L[i][i] */
  double mu[];         /* k means, then the k x k lower factor L, row-major */
} MvnAux;

static const double *mvn_factor(const MvnAux *m) { return m->mu + m->k; }

static Value mvn_sample(VM *vm, const ObjDist *d) {
  const MvnAux *m = d->aux;
  const double *L = mvn_factor(m);
  uint32_t k = m->k;
  double *z = GC_MALLOC_ATOMIC(sizeof(double) * k);
  for (uint32_t i = 0; i < k; i++) z[i] = gsl_ran_gaussian_ziggurat(vm->rng, 1);
  ObjArray *x = obj_array(k);
  for (uint32_t i = 0; i < k; i++) {
    double s = m->mu[i];
    for (uint32_t j = 0; j <= i; j++) s += L[i * k + j] * z[j];
    x->items[i] = num(s);
  }
  return val_obj(x);
}

static double mvn_logpdf(VM *vm, const ObjDist *d, Value v) {
  const MvnAux *m = d->aux;
  const double *L = mvn_factor(m);
  uint32_t k = m->k;
  double *y = value_vector(vm, d, v, k);
  /* solve L y = x - mu in place; the log density is -|y|^2 / 2 + ... */
  double ss = 0;
  for (uint32_t i = 0; i < k; i++) {
    double s = y[i] - m->mu[i];
    for (uint32_t j = 0; j < i; j++) s -= L[i * k + j] * y[j];
    y[i] = s / L[i * k + i];
    ss += y[i] * y[i];
  }
  return -0.5 * ss - m->log_det_half - k * DIST_LOG_SQRT_2PI;
}

static Value mvn_mean(VM *vm, const ObjDist *d) {
  (void)vm;
  return d->a;
}

static Value mvn_variance(VM *vm, const ObjDist *d) {
  (void)vm;
  ObjArray *cov = AS_ARRAY(d->b);
  ObjArray *v = obj_array(cov->len);
  for (uint32_t i = 0; i < cov->len; i++) v->items[i] = AS_ARRAY(cov->items[i])->items[i];
  return val_obj(v);
}

static const DistClass mvn_class = {
    .name = "multivariate_normal",
    .kind = DIST_VECTOR,
    .sample = mvn_sample,
    .logpdf = mvn_logpdf,
    .mean = mvn_mean,
    .variance = mvn_variance,
    .write = write_arrays,
};

/* Entries of cov this close (relative) count as equal for symmetry. */
#define SYMMETRY_TOLERANCE 1e-12

static Value b_multivariate_normal(VM *vm, int argc, const Value *args) {
  (void)argc;
  const char *fn = "multivariate_normal";
  if (!val_is(args[0], OBJ_ARRAY)) vm_type_error(vm, fn, 0, "an array of numbers", args[0]);
  if (!val_is(args[1], OBJ_ARRAY)) vm_type_error(vm, fn, 1, "an array of arrays of numbers", args[1]);
  ObjArray *mu = AS_ARRAY(args[0]), *cov = AS_ARRAY(args[1]);
  uint32_t k = mu->len;
  if (k == 0) dist_param_error(vm, fn, "mu", "a non-empty array", args[0]);
  char cond[96], name[64];
  if (cov->len != k) {
    snprintf(cond, sizeof cond, "a %u x %u matrix (an array of %u rows)", k, k, k);
    dist_param_error(vm, fn, "cov", cond, args[1]);
  }
  MvnAux *m = GC_MALLOC_ATOMIC(sizeof(MvnAux) + sizeof(double) * (k + (size_t)k * k));
  m->k = k;
  double *L = m->mu + k;
  for (uint32_t i = 0; i < k; i++) m->mu[i] = finite_item(vm, fn, "mu", mu, i);
  for (uint32_t i = 0; i < k; i++) {
    Value row = cov->items[i];
    if (!val_is(row, OBJ_ARRAY) || AS_ARRAY(row)->len != k) {
      snprintf(name, sizeof name, "cov[%u]", i);
      snprintf(cond, sizeof cond, "an array of %u numbers", k);
      dist_param_error(vm, fn, name, cond, row);
    }
    snprintf(name, sizeof name, "cov[%u]", i);
    for (uint32_t j = 0; j < k; j++) L[i * k + j] = finite_item(vm, fn, name, AS_ARRAY(row), j);
  }
  for (uint32_t i = 0; i < k; i++)
    for (uint32_t j = 0; j < i; j++) {
      double x = L[i * k + j], y = L[j * k + i];
      if (fabs(x - y) > SYMMETRY_TOLERANCE * fmax(fabs(x), fabs(y))) {
        StrBuf sb;
        sb_init(&sb);
        sb_printf(&sb, "cov[%u][%u] = ", j, i);
        sb_num(&sb, y);
        sb_printf(&sb, " but cov[%u][%u] = ", i, j);
        sb_num(&sb, x);
        char text[200];
        snprintf(text, sizeof text, "%s", sb.data);
        sb_free(&sb);
        vm_error(vm, "%s: cov must be symmetric, got %s", fn, text);
      }
    }
  gsl_matrix_view view = gsl_matrix_view_array(L, k, k);
  if (gsl_linalg_cholesky_decomp1(&view.matrix) != GSL_SUCCESS)
    dist_param_error(vm, fn, "cov", "positive definite", args[1]);
  /* keep the lower factor only: the solve and the draw read nothing else */
  m->log_det_half = 0;
  for (uint32_t i = 0; i < k; i++) {
    for (uint32_t j = i + 1; j < k; j++) L[i * k + j] = 0;
    m->log_det_half += log(L[i * k + i]);
  }
  ObjDist *d = dist_new(vm, &mvn_class);
  d->a = args[0];
  d->b = args[1];
  d->aux = m;
  return val_obj(d);
}

/* --------------------------------------------------------------- mixture */

/* a: the weights, normalised; b: the components; aux: the running sums of
 * the weights. There is one class per kind, since the kind is the
 * components'. */

static const ObjDist *component(const ObjDist *d, uint32_t i) { return AS_DIST(AS_ARRAY(d->b)->items[i]); }
static double weight(const ObjDist *d, uint32_t i) { return val_as_num(AS_ARRAY(d->a)->items[i]); }
static uint32_t n_components(const ObjDist *d) { return AS_ARRAY(d->b)->len; }

static Value mixture_sample(VM *vm, const ObjDist *d) {
  const ObjDist *c = component(d, dist_pick(vm, d->aux, n_components(d)));
  return c->cls->sample(vm, c);
}

/* log sum_i w_i p_i(x), accumulated without overflow */
static double mixture_logpdf(VM *vm, const ObjDist *d, Value v) {
  double m = -INFINITY, s = 0;
  for (uint32_t i = 0; i < n_components(d); i++) {
    double w = weight(d, i);
    if (w == 0) continue;
    const ObjDist *c = component(d, i);
    double l = log(w) + c->cls->logpdf(vm, c, v);
    if (l != l) return l;
    if (l == -INFINITY) continue;
    if (l > m) {
      s = s * exp(m - l) + 1;
      m = l;
    } else {
      s += exp(l - m);
    }
  }
  if (m == -INFINITY || m == INFINITY) return m;
  return m + log(s);
}

/* A component's mean or variance as n numbers in out (n = 1 for a
 * number). False when it is not defined. */
static bool stat_vector(VM *vm, const ObjDist *c, bool want_var, double *out, uint32_t n) {
  Value (*f)(VM *, const ObjDist *) = want_var ? c->cls->variance : c->cls->mean;
  Value v = f ? f(vm, c) : VAL_UNDEF;
  if (val_is_num(v) && n == 1) {
    out[0] = val_as_num(v);
    return true;
  }
  if (!val_is(v, OBJ_ARRAY) || AS_ARRAY(v)->len != n) return false;
  for (uint32_t i = 0; i < n; i++) {
    if (!val_is_num(AS_ARRAY(v)->items[i])) return false;
    out[i] = val_as_num(AS_ARRAY(v)->items[i]);
  }
  return true;
}

/* The length of the values (1 for numbers), from the first component's
 * mean; 0 when it is not defined. */
static uint32_t value_length(VM *vm, const ObjDist *c) {
  Value m = c->cls->mean ? c->cls->mean(vm, c) : VAL_UNDEF;
  if (val_is(m, OBJ_ARRAY)) return AS_ARRAY(m)->len;
  return val_is_num(m) ? 1 : 0;
}

static Value stat_value(const double *xs, uint32_t n, bool array) {
  return array ? val_obj(num_array(xs, n)) : num(xs[0]);
}

/* mean = sum_i w_i m_i; variance = sum_i w_i (v_i + (m_i - mean)^2),
 * component by component for arrays */
static Value mixture_stat(VM *vm, const ObjDist *d, bool want_var) {
  uint32_t n = value_length(vm, component(d, 0));
  if (n == 0) return VAL_UNDEF;
  bool array = d->cls->kind == DIST_VECTOR;
  double *mean = GC_MALLOC_ATOMIC(sizeof(double) * n * 4);
  double *var = mean + n, *mi = mean + 2 * n, *vi = mean + 3 * n;
  for (uint32_t j = 0; j < n; j++) mean[j] = var[j] = 0;
  for (uint32_t i = 0; i < n_components(d); i++) {
    if (!stat_vector(vm, component(d, i), false, mi, n)) return VAL_UNDEF;
    for (uint32_t j = 0; j < n; j++) mean[j] += weight(d, i) * mi[j];
  }
  if (!want_var) return stat_value(mean, n, array);
  for (uint32_t i = 0; i < n_components(d); i++) {
    if (!stat_vector(vm, component(d, i), false, mi, n) || !stat_vector(vm, component(d, i), true, vi, n))
      return VAL_UNDEF;
    for (uint32_t j = 0; j < n; j++) var[j] += weight(d, i) * (vi[j] + (mi[j] - mean[j]) * (mi[j] - mean[j]));
  }
  return stat_value(var, n, array);
}

static Value mixture_mean(VM *vm, const ObjDist *d) { return mixture_stat(vm, d, false); }
static Value mixture_variance(VM *vm, const ObjDist *d) { return mixture_stat(vm, d, true); }

/* the distinct values of the components' supports, in order of appearance */
static ObjArray *mixture_support(VM *vm, const ObjDist *d) {
  ObjArray **parts = GC_MALLOC(sizeof(ObjArray *) * n_components(d));
  size_t total = 0;
  for (uint32_t i = 0; i < n_components(d); i++) {
    const ObjDist *c = component(d, i);
    parts[i] = c->cls->support ? c->cls->support(vm, c) : NULL;
    if (!parts[i]) return NULL;
    total += parts[i]->len;
  }
  if (total > DIST_MAX_SUPPORT) {
    char text[200];
    dist_text(d, text, sizeof text);
    vm_error(vm, "support: %s has too many values (at most %u)", text, DIST_MAX_SUPPORT);
  }
  Value *seen = GC_MALLOC(sizeof(Value) * (total ? total : 1));
  uint32_t n = 0;
  for (uint32_t i = 0; i < n_components(d); i++)
    for (uint32_t j = 0; j < parts[i]->len; j++) {
      Value v = parts[i]->items[j];
      bool dup = false;
      for (uint32_t s = 0; s < n && !dup; s++) dup = val_equal(seen[s], v);
      if (!dup) seen[n++] = v;
    }
  return obj_array_from(seen, n);
}

static void need_component_op(VM *vm, const ObjDist *d, const ObjDist *c, const char *op, bool has) {
  if (has) return;
  char text[200], ctext[200];
  dist_text(d, text, sizeof text);
  dist_text(c, ctext, sizeof ctext);
  vm_error(vm, "%s: not available for %s (its component %s has no %s)", op, text, ctext, op);
}

static double mixture_cdf(VM *vm, const ObjDist *d, double x) {
  double s = 0;
  for (uint32_t i = 0; i < n_components(d); i++) {
    const ObjDist *c = component(d, i);
    need_component_op(vm, d, c, "cdf", c->cls->cdf != NULL);
    if (weight(d, i) > 0) s += weight(d, i) * c->cls->cdf(vm, c, x);
  }
  return s > 1 ? 1 : s;
}

/* The smallest x with cdf(x) >= p lies between the smallest and the largest
 * of the components' quantiles at p; bisect between them. */
static double mixture_quantile(VM *vm, const ObjDist *d, double p) {
  double lo = INFINITY, hi = -INFINITY;
  for (uint32_t i = 0; i < n_components(d); i++) {
    const ObjDist *c = component(d, i);
    need_component_op(vm, d, c, "cdf", c->cls->cdf != NULL);
    need_component_op(vm, d, c, "quantile", c->cls->quantile != NULL);
    if (weight(d, i) == 0) continue;
    double q = c->cls->quantile(vm, c, p);
    if (q < lo) lo = q;
    if (q > hi) hi = q;
  }
  if (p <= 0) return lo;
  if (p >= 1) return hi;
  if (mixture_cdf(vm, d, lo) >= p) return lo;
  for (;;) { /* cdf(lo) < p <= cdf(hi) */
    double mid = lo + 0.5 * (hi - lo);
    if (mid <= lo || mid >= hi) return hi;
    if (mixture_cdf(vm, d, mid) >= p) hi = mid;
    else lo = mid;
  }
}

static const DistClass mixture_continuous_class = {
    .name = "mixture",
    .kind = DIST_CONTINUOUS,
    .sample = mixture_sample,
    .logpdf = mixture_logpdf,
    .mean = mixture_mean,
    .variance = mixture_variance,
    .cdf = mixture_cdf,
    .quantile = mixture_quantile,
    .write = write_arrays,
};

static const DistClass mixture_discrete_class = {
    .name = "mixture",
    .kind = DIST_DISCRETE,
    .sample = mixture_sample,
    .logpdf = mixture_logpdf,
    .mean = mixture_mean,
    .variance = mixture_variance,
    .support = mixture_support,
    .cdf = mixture_cdf,
    .quantile = mixture_quantile,
    .write = write_arrays,
};

static const DistClass mixture_vector_class = {
    .name = "mixture",
    .kind = DIST_VECTOR,
    .sample = mixture_sample,
    .logpdf = mixture_logpdf,
    .mean = mixture_mean,
    .variance = mixture_variance,
    .write = write_arrays,
};

static const char *kind_name(DistKind k) {
  return k == DIST_CONTINUOUS ? "continuous" : k == DIST_DISCRETE ? "discrete" : "vector";
}

static Value b_mixture(VM *vm, int argc, const Value *args) {
  (void)argc;
  const char *fn = "mixture";
  double *cum;
  ObjArray *w = dist_arg_weights(vm, fn, args, 0, "weights", &cum);
  if (!val_is(args[1], OBJ_ARRAY)) vm_type_error(vm, fn, 1, "an array of distributions", args[1]);
  ObjArray *cs = AS_ARRAY(args[1]);
  char cond[96], name[64];
  if (cs->len != w->len) {
    snprintf(cond, sizeof cond, "an array of %u distributions (one per weight)", w->len);
    dist_param_error(vm, fn, "components", cond, args[1]);
  }
  for (uint32_t i = 0; i < cs->len; i++) {
    if (!val_is(cs->items[i], OBJ_DIST)) {
      snprintf(name, sizeof name, "components[%u]", i);
      dist_param_error(vm, fn, name, "a distribution", cs->items[i]);
    }
  }
  const ObjDist *first = AS_DIST(cs->items[0]);
  uint32_t len = first->cls->kind == DIST_VECTOR ? value_length(vm, first) : 0;
  for (uint32_t i = 1; i < cs->len; i++) {
    const ObjDist *c = AS_DIST(cs->items[i]);
    bool same_kind = c->cls->kind == first->cls->kind;
    if (same_kind && (!len || value_length(vm, c) == len)) continue;
    char t1[200], t2[200];
    dist_text(first, t1, sizeof t1);
    dist_text(c, t2, sizeof t2);
    if (!same_kind)
      vm_error(vm, "%s: components must all be of one kind, got %s (%s) and %s (%s)", fn, t1,
               kind_name(first->cls->kind), t2, kind_name(c->cls->kind));
    vm_error(vm, "%s: components must all draw arrays of one length, got %s (length %u) and %s (length %u)", fn, t1,
             len, t2, value_length(vm, c));
  }
  const DistClass *cls = first->cls->kind == DIST_CONTINUOUS ? &mixture_continuous_class
                         : first->cls->kind == DIST_DISCRETE ? &mixture_discrete_class
                                                             : &mixture_vector_class;
  ObjDist *d = dist_new(vm, cls);
  d->a = val_obj(w);
  d->b = args[1];
  d->aux = cum;
  return val_obj(d);
}

void dist_install_multi(VM *vm) {
  dist_def_constructor(vm, "dirichlet", b_dirichlet, 1, 1);
  dist_def_constructor(vm, "multivariate_normal", b_multivariate_normal, 2, 2);
  dist_def_constructor(vm, "mixture", b_mixture, 2, 2);
}
