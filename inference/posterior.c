#include "posterior.h"

#include "rand.h"

#include <gc/gc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diagnostics.h"
#include "vm/print.h"
#include "vm/strbuf.h"

static const DistClass posterior_class;

bool posterior_is(Value v) { return val_is(v, OBJ_DIST) && AS_DIST(v)->cls == &posterior_class; }
Posterior *posterior_of(Value v) { return AS_DIST(v)->aux; }
static Posterior *post_of(const ObjDist *d) { return d->aux; }

double posterior_kish_ess(const double *w, uint32_t n) {
  double s2 = 0;
  for (uint32_t i = 0; i < n; i++) s2 += w[i] * w[i];
  return s2 > 0 ? 1 / s2 : 0;
}

static char *gc_strdup(const char *s) {
  size_t n = strlen(s);
  char *c = GC_MALLOC_ATOMIC(n + 1);
  memcpy(c, s, n + 1);
  return c;
}

/* Merges equal values, adding their weights; keeps first-seen order. */
static void merge_equal(Posterior *p) {
  uint32_t cap = 16;
  while (cap < p->n * 2) cap *= 2;
  int64_t *slots = malloc(sizeof(int64_t) * cap);
  for (uint32_t i = 0; i < cap; i++) slots[i] = -1;
  uint32_t m = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    Value v = p->values->items[i];
    uint64_t h = val_hash(v);
    uint32_t s = (uint32_t)h & (cap - 1);
    for (;;) {
      if (slots[s] < 0) {
        slots[s] = m;
        p->values->items[m] = v;
        p->w[m] = p->w[i];
        m++;
        break;
      }
      if (val_equal(p->values->items[slots[s]], v)) {
        p->w[slots[s]] += p->w[i];
        break;
      }
      s = (s + 1) & (cap - 1);
    }
  }
  free(slots);
  p->n = m;
  p->values->len = m;
}

Value posterior_new(VM *vm, const char *desc, ObjArray *values, const double *logw, double logz, bool exact) {
  (void)vm;
  Posterior *p = GC_MALLOC(sizeof *p);
  memset(p, 0, sizeof *p);
  p->desc = gc_strdup(desc);
  p->n = values->len;
  p->values = obj_array_from(values->items, values->len);
  p->w = GC_MALLOC_ATOMIC(sizeof(double) * (p->n ? p->n : 1));
  double max = -INFINITY;
  for (uint32_t i = 0; logw && i < p->n; i++)
    if (logw[i] > max) max = logw[i];
  double total = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    p->w[i] = logw ? exp(logw[i] - max) : 1.0;
    if (p->w[i] != p->w[i]) p->w[i] = 0;
    total += p->w[i];
  }
  for (uint32_t i = 0; i < p->n; i++) p->w[i] /= total;
  p->logz = logz;
  p->exact = exact;
  if (exact) merge_equal(p);
  p->ess = exact ? NAN : posterior_kish_ess(p->w, p->n);
  ObjDist *d = dist_new(vm, &posterior_class);
  d->aux = p;
  d->a = val_obj(p->values);
  return val_obj(d);
}

/* ------------------------------------------------------ the distribution */

static Value post_sample(VM *vm, const ObjDist *d) {
  Posterior *p = post_of(d);
  InfRand *r = rand_of(vm);
  if (r->enumerating) return p->values->items[r->categorical(r, p->w, p->n)];
  if (!p->cum) {
    double *cum = GC_MALLOC_ATOMIC(sizeof(double) * p->n);
    double acc = 0;
    for (uint32_t i = 0; i < p->n; i++) cum[i] = acc += p->w[i];
    p->cum = cum;
  }
  double u = gsl_rng_uniform(vm->rng) * p->cum[p->n - 1];
  uint32_t lo = 0, hi = p->n - 1;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (p->cum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return p->values->items[lo];
}

static double post_logpdf(VM *vm, const ObjDist *d, Value x) {
  (void)vm;
  Posterior *p = post_of(d);
  double s = 0;
  for (uint32_t i = 0; i < p->n; i++)
    if (val_equal(p->values->items[i], x)) s += p->w[i];
  return log(s);
}

static bool is_scalar(Value v) { return val_is_num(v) || val_is_bool(v); }
static double scalar(Value v) { return val_is_num(v) ? val_as_num(v) : v == VAL_TRUE ? 1.0 : 0.0; }

enum { STAT_MEAN, STAT_VAR };

/* The weighted mean or variance of vals; arrays and records element by
 * element. */
static Value stat_of(VM *vm, const char *who, const Value *vals, const double *w, uint32_t n, int stat) {
  Value first = vals[0];
  if (is_scalar(first)) {
    double m = 0;
    for (uint32_t i = 0; i < n; i++) {
      if (!is_scalar(vals[i])) vm_error(vm, "%s: the posterior mixes numbers with %s values", who, val_type_name(vals[i]));
      m += w[i] * scalar(vals[i]);
    }
    if (stat == STAT_MEAN) return val_num(m);
    double v = 0;
    for (uint32_t i = 0; i < n; i++) v += w[i] * (scalar(vals[i]) - m) * (scalar(vals[i]) - m);
    return val_num(v);
  }
  Value *col = GC_MALLOC(sizeof(Value) * n);
  if (val_is(first, OBJ_ARRAY)) {
    uint32_t len = AS_ARRAY(first)->len;
    ObjArray *out = obj_array(len);
    for (uint32_t j = 0; j < len; j++) {
      for (uint32_t i = 0; i < n; i++) {
        if (!val_is(vals[i], OBJ_ARRAY) || AS_ARRAY(vals[i])->len != len)
          vm_error(vm, "%s: the posterior's arrays differ in length", who);
        col[i] = AS_ARRAY(vals[i])->items[j];
      }
      out->items[j] = stat_of(vm, who, col, w, n, stat);
    }
    return val_obj(out);
  }
  if (val_is(first, OBJ_RECORD)) {
    ObjShape *shape = AS_RECORD(first)->shape;
    ObjRecord *out = obj_record(shape);
    for (uint32_t j = 0; j < shape->n; j++) {
      for (uint32_t i = 0; i < n; i++) {
        int k = val_is(vals[i], OBJ_RECORD) ? shape_find(AS_RECORD(vals[i])->shape, shape->keys[j]) : -1;
        if (k < 0) vm_error(vm, "%s: the posterior's records do not all have the field '%s'", who, shape->keys[j]->chars);
        col[i] = AS_RECORD(vals[i])->vals[k];
      }
      out->vals[j] = stat_of(vm, who, col, w, n, stat);
    }
    return val_obj(out);
  }
  vm_error(vm, "%s: the posterior's values are %ss, which have no %s", who, val_type_name(first),
           stat == STAT_MEAN ? "mean" : "variance");
}

static Value post_mean(VM *vm, const ObjDist *d) {
  Posterior *p = post_of(d);
  return stat_of(vm, "mean", p->values->items, p->w, p->n, STAT_MEAN);
}

static Value post_variance(VM *vm, const ObjDist *d) {
  Posterior *p = post_of(d);
  return stat_of(vm, "variance", p->values->items, p->w, p->n, STAT_VAR);
}

typedef struct Weighted {
  double x, w;
} Weighted;

static int by_x(const void *a, const void *b) {
  double x = ((const Weighted *)a)->x, y = ((const Weighted *)b)->x;
  return (x > y) - (x < y);
}

/* Smallest x with cumulative weight >= q (pairs sorted by x). */
static double weighted_quantile(const Weighted *s, uint32_t n, double q) {
  double acc = 0;
  for (uint32_t i = 0; i < n; i++) {
    acc += s[i].w;
    if (acc >= q * (1 - 1e-12)) return s[i].x;
  }
  return s[n - 1].x;
}

static Weighted *sorted_pairs(VM *vm, const char *who, const Value *vals, const double *w, uint32_t n) {
  Weighted *s = malloc(sizeof(Weighted) * (n ? n : 1));
  for (uint32_t i = 0; i < n; i++) {
    if (!is_scalar(vals[i])) {
      free(s);
      vm_error(vm, "%s: the posterior's values are %ss, not numbers", who, val_type_name(vals[i]));
    }
    s[i].x = scalar(vals[i]);
    s[i].w = w[i];
  }
  qsort(s, n, sizeof(Weighted), by_x);
  return s;
}

static double post_quantile(VM *vm, const ObjDist *d, double q) {
  Posterior *p = post_of(d);
  Weighted *s = sorted_pairs(vm, "quantile", p->values->items, p->w, p->n);
  double x = weighted_quantile(s, p->n, q);
  free(s);
  return x;
}

static double post_cdf(VM *vm, const ObjDist *d, double x) {
  Posterior *p = post_of(d);
  double acc = 0;
  for (uint32_t i = 0; i < p->n; i++) {
    Value v = p->values->items[i];
    if (!is_scalar(v)) vm_error(vm, "cdf: the posterior's values are %ss, not numbers", val_type_name(v));
    if (scalar(v) <= x) acc += p->w[i];
  }
  return acc;
}

static int by_value(const void *a, const void *b) {
  Value x = *(const Value *)a, y = *(const Value *)b;
  if (val_is_num(x) && val_is_num(y)) return (val_as_num(x) > val_as_num(y)) - (val_as_num(x) < val_as_num(y));
  if (val_is_bool(x) && val_is_bool(y)) return (int)(x == VAL_TRUE) - (int)(y == VAL_TRUE);
  if (val_is(x, OBJ_STRING) && val_is(y, OBJ_STRING)) return str_compare(AS_STRING(x), AS_STRING(y));
  return 0;
}

/* The distinct values, sorted when they are numbers, booleans or strings. */
static ObjArray *post_support(VM *vm, const ObjDist *d) {
  Posterior *p = post_of(d);
  Value post = posterior_new(vm, p->desc, p->values, NULL, NAN, true);
  ObjArray *u = posterior_of(post)->values;
  bool sortable = true;
  for (uint32_t i = 1; i < u->len; i++)
    if (val_type_name(u->items[i]) != val_type_name(u->items[0])) sortable = false;
  if (sortable && u->len && (val_is_num(u->items[0]) || val_is_bool(u->items[0]) || val_is(u->items[0], OBJ_STRING)))
    qsort(u->items, u->len, sizeof(Value), by_value);
  return u;
}

static double chain_min_ess(const Posterior *p);

static bool post_method(VM *vm, const ObjDist *d, const char *name, int argc, const Value *args, Value *out) {
  (void)argc;
  (void)args;
  (void)vm;
  Posterior *p = post_of(d);
  if (strcmp(name, "samples") == 0) *out = val_obj(obj_array_from(p->values->items, p->n));
  else if (strcmp(name, "weights") == 0) {
    ObjArray *a = obj_array(p->n);
    for (uint32_t i = 0; i < p->n; i++) a->items[i] = val_num(p->w[i]);
    *out = val_obj(a);
  } else if (strcmp(name, "logz") == 0) *out = isnan(p->logz) ? VAL_NIL : val_num(p->logz);
  else if (strcmp(name, "ess") == 0) {
    double e = p->chain && isnan(p->ess) ? chain_min_ess(p) : p->ess;
    *out = isnan(e) ? VAL_NIL : val_num(e);
  } else return false;
  return true;
}

static void post_write(StrBuf *sb, const ObjDist *d) {
  Posterior *p = post_of(d);
  if (p->exact) sb_printf(sb, "<posterior from %s: %u value%s, exact>", p->desc, p->n, p->n == 1 ? "" : "s");
  else sb_printf(sb, "<posterior from %s: %u samples>", p->desc, p->n);
}

static const DistClass posterior_class = {
    .name = "posterior",
    .kind = DIST_DISCRETE,
    .sample = post_sample,
    .logpdf = post_logpdf,
    .mean = post_mean,
    .variance = post_variance,
    .support = post_support,
    .cdf = post_cdf,
    .quantile = post_quantile,
    .method = post_method,
    .write = post_write,
};

/* --------------------------------------------------------------- columns */

/* A scalar leaf of the return values, named by its path: "value", "mu",
 * "theta[2]", "params.sigma". */
typedef struct Column {
  char *name;
  Value *vals; /* per sample, VAL_UNDEF where the sample lacks this leaf */
  bool numeric; /* every present value is a number or a boolean */
  bool boolean; /* every present value is a boolean */
} Column;

typedef struct Columns {
  Column *cols;
  int n, cap;
  uint32_t n_samples;
} Columns;

static Column *column_named(Columns *cs, const char *name) {
  for (int i = 0; i < cs->n; i++)
    if (strcmp(cs->cols[i].name, name) == 0) return &cs->cols[i];
  if (cs->n == cs->cap) {
    cs->cap = cs->cap ? cs->cap * 2 : 8;
    cs->cols = GC_REALLOC(cs->cols, sizeof(Column) * (size_t)cs->cap);
  }
  Column *c = &cs->cols[cs->n++];
  c->name = gc_strdup(name);
  c->vals = GC_MALLOC(sizeof(Value) * cs->n_samples);
  for (uint32_t i = 0; i < cs->n_samples; i++) c->vals[i] = VAL_UNDEF;
  c->numeric = true;
  c->boolean = true;
  return c;
}

#define LEAF_DEPTH 64

static void leaves_at(Value v, StrBuf *path, int depth, LeafFn fn, void *data) {
  size_t mark = path->len;
  bool array = val_is(v, OBJ_ARRAY), record = val_is(v, OBJ_RECORD);
  if ((array || record) && depth < LEAF_DEPTH) {
    uint32_t n = array ? AS_ARRAY(v)->len : AS_RECORD(v)->shape->n;
    for (uint32_t i = 0; i < n; i++) {
      if (array) sb_printf(path, "[%u]", i);
      else {
        if (mark) sb_putc(path, '.');
        sb_puts(path, AS_RECORD(v)->shape->keys[i]->chars);
      }
      leaves_at(array ? AS_ARRAY(v)->items[i] : AS_RECORD(v)->vals[i], path, depth + 1, fn, data);
      path->len = mark;
      path->data[mark] = '\0';
    }
    return;
  }
  fn(mark ? path->data : "value", v, data);
}

void value_leaves(Value v, LeafFn fn, void *data) {
  StrBuf path;
  sb_init(&path);
  leaves_at(v, &path, 0, fn, data);
  sb_free(&path);
}

typedef struct FlattenInto {
  Columns *cs;
  uint32_t sample;
} FlattenInto;

static void flatten_leaf(const char *name, Value v, void *data) {
  FlattenInto *into = data;
  Column *c = column_named(into->cs, name);
  c->vals[into->sample] = v;
  if (!is_scalar(v)) c->numeric = false;
  if (!val_is_bool(v)) c->boolean = false;
}

static Columns columns_of(const Posterior *p) {
  Columns cs = {NULL, 0, 0, p->n};
  for (uint32_t i = 0; i < p->n; i++) {
    FlattenInto into = {&cs, i};
    value_leaves(p->values->items[i], flatten_leaf, &into);
  }
  return cs;
}

/* The (value, weight) pairs of a numeric column, sorted, with the weights of
 * the samples that have the leaf renormalised. */
static Weighted *column_pairs(const Column *c, const Posterior *p, uint32_t *count) {
  Weighted *s = malloc(sizeof(Weighted) * (p->n ? p->n : 1));
  uint32_t k = 0;
  double total = 0;
  for (uint32_t i = 0; i < p->n; i++)
    if (c->vals[i] != VAL_UNDEF) {
      s[k].x = scalar(c->vals[i]);
      s[k].w = p->w[i];
      total += p->w[i];
      k++;
    }
  for (uint32_t i = 0; i < k; i++) s[i].w /= total;
  qsort(s, k, sizeof(Weighted), by_x);
  *count = k;
  return s;
}

/* ------------------------------------------------------------- summary */

static void fmt_num(char *buf, size_t n, double x) {
  if (isnan(x)) snprintf(buf, n, "nan");
  else if (x != 0 && (fabs(x) >= 1e6 || fabs(x) < 1e-3)) snprintf(buf, n, "%.3e", x);
  else snprintf(buf, n, "%.4f", x);
}

/* ---------------------------------------------------- MCMC diagnostics */

/* Split-R-hat and bulk and tail ESS of a numeric column of an MCMC
 * posterior (NAN where undefined: a field some draws lack, constant draws). */
typedef struct ChainDiag {
  double rhat, ess_bulk, ess_tail;
} ChainDiag;

static ChainDiag chain_diag(const Column *c, const Posterior *p) {
  ChainDiag d = {NAN, NAN, NAN};
  double *x = malloc(sizeof(double) * (p->n ? p->n : 1));
  bool complete = c->numeric;
  for (uint32_t i = 0; complete && i < p->n; i++) {
    if (c->vals[i] == VAL_UNDEF) complete = false;
    else x[i] = scalar(c->vals[i]);
  }
  if (complete) {
    d.rhat = diag_rhat(x, p->chain, p->n, p->n_chains);
    d.ess_bulk = diag_ess_bulk(x, p->chain, p->n, p->n_chains);
    d.ess_tail = diag_ess_tail(x, p->chain, p->n, p->n_chains);
  }
  free(x);
  return d;
}

/* An MCMC posterior's ESS as one number: the smallest bulk ESS of its
 * fields. */
static double chain_min_ess(const Posterior *p) {
  Columns cs = columns_of(p);
  double best = NAN;
  for (int i = 0; i < cs.n; i++) {
    ChainDiag d = chain_diag(&cs.cols[i], p);
    if (!isnan(d.ess_bulk) && (isnan(best) || d.ess_bulk < best)) best = d.ess_bulk;
  }
  return best;
}

static void fmt_diag(char *buf, size_t n, const char *fmt, double x) {
  if (isnan(x)) snprintf(buf, n, "-");
  else snprintf(buf, n, fmt, x);
}

/* Thresholds of Vehtari et al. (2021) for trusting MCMC estimates. */
#define RHAT_WARN 1.01
#define ESS_WARN 100

static void chain_warnings(FILE *out, const Columns *cs, const ChainDiag *diag, int rows) {
  for (int i = 0; i < rows; i++) {
    const ChainDiag *d = &diag[i];
    const char *name = cs->cols[i].name;
    if (d->rhat > RHAT_WARN)
      fprintf(out,
              "warning: R-hat of %s is %.3f (above %.2f): the chains disagree; run them longer or use a kernel "
              "that mixes better\n",
              name, d->rhat, RHAT_WARN);
    double ess = isnan(d->ess_tail) || d->ess_bulk < d->ess_tail ? d->ess_bulk : d->ess_tail;
    if (ess < ESS_WARN)
      fprintf(out,
              "warning: the effective sample size of %s is %.0f (below %d): its estimates are unreliable; take "
              "more samples\n",
              name, ess, ESS_WARN);
  }
}

static void print_header(FILE *out, const Posterior *p) {
  if (p->exact) fprintf(out, "%s: exact, %u value%s", p->desc, p->n, p->n == 1 ? "" : "s");
  else if (p->chain)
    fprintf(out, "%s: %u chain%s of %u draws", p->desc, p->n_chains, p->n_chains == 1 ? "" : "s",
            p->n_chains ? p->n / p->n_chains : p->n);
  else fprintf(out, "%s: %u samples, ESS %.1f", p->desc, p->n, p->ess);
  if (!isnan(p->logz)) fprintf(out, ", log evidence %.4f", p->logz);
  fputc('\n', out);
}

static Posterior *arg_posterior(VM *vm, const char *who, const Value *args, int i) {
  if (!posterior_is(args[i])) vm_type_error(vm, who, i, "a posterior (the result of infer)", args[i]);
  return posterior_of(args[i]);
}

#define SUMMARY_MAX_ROWS 60

static Value b_summary(VM *vm, int argc, const Value *args) {
  (void)argc;
  Posterior *p = arg_posterior(vm, "summary", args, 0);
  FILE *out = vm->rt->out;
  Columns cs = columns_of(p);
  int width = 4;
  for (int i = 0; i < cs.n; i++)
    if ((int)strlen(cs.cols[i].name) > width) width = (int)strlen(cs.cols[i].name);
  if (width > 30) width = 30;
  print_header(out, p);
  fprintf(out, "%-*s %10s %10s %10s %10s %10s", width, "name", "mean", "sd", "5%", "50%", "95%");
  fputs(p->exact ? "\n" : p->chain ? "    rhat   ess_bulk   ess_tail\n" : "        ess\n", out);
  ChainDiag *diag = p->chain ? GC_MALLOC_ATOMIC(sizeof(ChainDiag) * (size_t)(cs.n ? cs.n : 1)) : NULL;
  int rows = 0;
  for (int i = 0; i < cs.n; i++) {
    Column *c = &cs.cols[i];
    if (rows == SUMMARY_MAX_ROWS) {
      fprintf(out, "... %d more\n", cs.n - i);
      break;
    }
    rows++;
    if (diag) diag[i] = chain_diag(c, p);
    if (!c->numeric) {
      /* the most probable value, for strings and other non-numbers */
      Value best = VAL_NIL;
      double best_w = -1, total = 0;
      for (uint32_t j = 0; j < p->n; j++) {
        if (c->vals[j] == VAL_UNDEF) continue;
        double wj = 0;
        for (uint32_t k = 0; k < p->n; k++)
          if (c->vals[k] != VAL_UNDEF && val_equal(c->vals[k], c->vals[j])) wj += p->w[k];
        total += p->w[j];
        if (wj > best_w) {
          best_w = wj;
          best = c->vals[j];
        }
      }
      StrBuf sb;
      sb_init(&sb);
      val_write(&sb, best, true);
      fprintf(out, "%-*.*s most probable %s (%.4f)\n", width, width, c->name, sb.data, best_w / total);
      sb_free(&sb);
      continue;
    }
    uint32_t k;
    Weighted *s = column_pairs(c, p, &k);
    double m = 0, v = 0;
    for (uint32_t j = 0; j < k; j++) m += s[j].w * s[j].x;
    for (uint32_t j = 0; j < k; j++) v += s[j].w * (s[j].x - m) * (s[j].x - m);
    char f[5][32];
    fmt_num(f[0], 32, m);
    fmt_num(f[1], 32, sqrt(v));
    fmt_num(f[2], 32, weighted_quantile(s, k, 0.05));
    fmt_num(f[3], 32, weighted_quantile(s, k, 0.5));
    fmt_num(f[4], 32, weighted_quantile(s, k, 0.95));
    fprintf(out, "%-*.*s %10s %10s %10s %10s %10s", width, width, c->name, f[0], f[1], f[2], f[3], f[4]);
    if (p->exact) fputc('\n', out);
    else if (diag) {
      char r[32], b[32], t[32];
      fmt_diag(r, 32, "%.3f", diag[i].rhat);
      fmt_diag(b, 32, "%.0f", diag[i].ess_bulk);
      fmt_diag(t, 32, "%.0f", diag[i].ess_tail);
      fprintf(out, " %7s %10s %10s\n", r, b, t);
    } else fprintf(out, " %10.1f\n", p->ess);
    free(s);
  }
  if (diag) {
    const DiagNotes *notes = p->diagnostics;
    if (notes && notes->text) fputs(notes->text, out);
    chain_warnings(out, &cs, diag, rows);
  }
  return VAL_NIL;
}

/* ---------------------------------------------------------------- hist */

#define HIST_BAR 40
#define HIST_BINS 20
#define HIST_MAX_DISCRETE 16

static void bar(FILE *out, double frac, double scale) {
  int n = (int)(frac / scale * HIST_BAR + 0.5);
  for (int i = 0; i < n; i++) fputc('#', out);
  for (int i = n; i < HIST_BAR; i++) fputc(' ', out);
}

static void hist_column(VM *vm, FILE *out, const Column *c, const Posterior *p) {
  (void)vm;
  fprintf(out, "%s\n", c->name);
  /* distinct values with their probabilities */
  uint32_t cap = 0, nd = 0;
  Value *dv = NULL;
  double *dw = NULL, total = 0;
  bool too_many = false;
  for (uint32_t i = 0; i < p->n && !too_many; i++) {
    if (c->vals[i] == VAL_UNDEF) continue;
    total += p->w[i];
    uint32_t j = 0;
    while (j < nd && !val_equal(dv[j], c->vals[i])) j++;
    if (j == nd) {
      if (nd == HIST_MAX_DISCRETE && c->numeric && !c->boolean) {
        too_many = true;
        break;
      }
      if (nd == cap) {
        cap = cap ? cap * 2 : 16;
        dv = GC_REALLOC(dv, sizeof(Value) * cap);
        dw = GC_REALLOC(dw, sizeof(double) * cap);
      }
      dv[nd] = c->vals[i];
      dw[nd++] = 0;
    }
    dw[j] += p->w[i];
  }
  if (!too_many) {
    /* sort numbers and booleans by value, everything else by probability */
    for (uint32_t i = 1; i < nd; i++)
      for (uint32_t j = i; j > 0; j--) {
        bool swap = c->numeric ? scalar(dv[j]) < scalar(dv[j - 1]) : dw[j] > dw[j - 1];
        if (!swap) break;
        Value tv = dv[j];
        dv[j] = dv[j - 1];
        dv[j - 1] = tv;
        double tw = dw[j];
        dw[j] = dw[j - 1];
        dw[j - 1] = tw;
      }
    int width = 1;
    char **labels = GC_MALLOC(sizeof(char *) * (nd ? nd : 1));
    double top = 0;
    for (uint32_t i = 0; i < nd; i++) {
      StrBuf sb;
      sb_init(&sb);
      val_write(&sb, dv[i], true);
      labels[i] = gc_strdup(sb.data);
      sb_free(&sb);
      if ((int)strlen(labels[i]) > width) width = (int)strlen(labels[i]);
      if (dw[i] > top) top = dw[i];
    }
    if (width > 24) width = 24;
    uint32_t shown = nd > 40 ? 40 : nd;
    for (uint32_t i = 0; i < shown; i++) {
      fprintf(out, "  %*.*s | ", width, width, labels[i]);
      bar(out, dw[i] / total, top / total);
      fprintf(out, " %.4f\n", dw[i] / total);
    }
    if (nd > shown) fprintf(out, "  ... %u more values\n", nd - shown);
    return;
  }
  uint32_t k;
  Weighted *s = column_pairs(c, p, &k);
  double lo = s[0].x, hi = s[k - 1].x;
  double mass[HIST_BINS] = {0};
  double step = (hi - lo) / HIST_BINS;
  for (uint32_t i = 0; i < k; i++) {
    int b = step > 0 ? (int)((s[i].x - lo) / step) : 0;
    if (b >= HIST_BINS) b = HIST_BINS - 1;
    mass[b] += s[i].w;
  }
  double top = 0;
  for (int b = 0; b < HIST_BINS; b++)
    if (mass[b] > top) top = mass[b];
  /* enough decimals to tell neighbouring bin edges apart */
  int decimals = step > 0 ? (int)ceil(-log10(step)) + 1 : 3;
  if (decimals < 0) decimals = 0;
  if (decimals > 8) decimals = 8;
  bool sci = fabs(lo) >= 1e7 || fabs(hi) >= 1e7;
  for (int b = 0; b < HIST_BINS; b++) {
    char a[32], z[32];
    if (sci) {
      snprintf(a, 32, "%.3e", lo + b * step);
      snprintf(z, 32, "%.3e", lo + (b + 1) * step);
    } else {
      snprintf(a, 32, "%.*f", decimals, lo + b * step);
      snprintf(z, 32, "%.*f", decimals, lo + (b + 1) * step);
    }
    fprintf(out, "  %10s to %-10s | ", a, z);
    bar(out, mass[b], top);
    fprintf(out, " %.4f\n", mass[b]);
  }
  free(s);
}

static Value b_hist(VM *vm, int argc, const Value *args) {
  (void)argc;
  Posterior *p = arg_posterior(vm, "hist", args, 0);
  FILE *out = vm->rt->out;
  Columns cs = columns_of(p);
  int shown = cs.n > 12 ? 12 : cs.n;
  for (int i = 0; i < shown; i++) {
    if (i) fputc('\n', out);
    hist_column(vm, out, &cs.cols[i], p);
  }
  if (cs.n > shown) fprintf(out, "... and %d more fields (summary(post) lists them all)\n", cs.n - shown);
  return VAL_NIL;
}

/* -------------------------------------------------------------- export */

static FILE *open_output(VM *vm, const char *who, ObjString *path) {
  FILE *f = fopen(path->chars, "w");
  if (!f) vm_error(vm, "%s: cannot write '%s': %s", who, path->chars, strerror(errno));
  return f;
}

static void csv_field(FILE *f, Value v) {
  if (v == VAL_UNDEF || v == VAL_NIL) return;
  StrBuf sb;
  sb_init(&sb);
  val_write(&sb, v, false);
  bool quote = strpbrk(sb.data, ",\"\n") != NULL;
  if (!quote) fputs(sb.data, f);
  else {
    fputc('"', f);
    for (const char *c = sb.data; *c; c++) {
      if (*c == '"') fputc('"', f);
      fputc(*c, f);
    }
    fputc('"', f);
  }
  sb_free(&sb);
}

static void write_csv_file(VM *vm, const Posterior *p, FILE *f) {
  (void)vm;
  Columns cs = columns_of(p);
  fputs("weight", f);
  for (int i = 0; i < cs.n; i++) {
    fputc(',', f);
    csv_field(f, val_obj(obj_string_cstr(cs.cols[i].name)));
  }
  fputc('\n', f);
  for (uint32_t j = 0; j < p->n; j++) {
    fprintf(f, "%.17g", p->w[j]);
    for (int i = 0; i < cs.n; i++) {
      fputc(',', f);
      csv_field(f, cs.cols[i].vals[j]);
    }
    fputc('\n', f);
  }
}

void posterior_write_csv(VM *vm, Value post, const char *path) {
  FILE *f = open_output(vm, "write_csv", obj_string_cstr(path));
  write_csv_file(vm, posterior_of(post), f);
  fclose(f);
}

static Value b_write_csv(VM *vm, int argc, const Value *args) {
  (void)argc;
  arg_posterior(vm, "write_csv", args, 0);
  ObjString *path = vm_arg_string(vm, "write_csv", args, 1);
  posterior_write_csv(vm, args[0], path->chars);
  return VAL_NIL;
}

static void json_value(FILE *f, Value v) {
  if (val_is_num(v)) {
    double d = val_as_num(v);
    if (!isfinite(d)) fputs(isnan(d) ? "null" : d > 0 ? "1e999" : "-1e999", f);
    else fprintf(f, "%.17g", d);
  } else if (v == VAL_NIL) fputs("null", f);
  else if (val_is_bool(v)) fputs(v == VAL_TRUE ? "true" : "false", f);
  else if (val_is(v, OBJ_ARRAY)) {
    ObjArray *a = AS_ARRAY(v);
    fputc('[', f);
    for (uint32_t i = 0; i < a->len; i++) {
      if (i) fputc(',', f);
      json_value(f, a->items[i]);
    }
    fputc(']', f);
  } else if (val_is(v, OBJ_RECORD)) {
    ObjRecord *r = AS_RECORD(v);
    fputc('{', f);
    for (uint32_t i = 0; i < r->shape->n; i++) {
      if (i) fputc(',', f);
      json_value(f, val_obj(r->shape->keys[i]));
      fputc(':', f);
      json_value(f, r->vals[i]);
    }
    fputc('}', f);
  } else {
    StrBuf sb;
    sb_init(&sb);
    val_write(&sb, v, false);
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)sb.data; *c; c++) {
      if (*c == '"' || *c == '\\') fprintf(f, "\\%c", *c);
      else if (*c < 0x20) fprintf(f, "\\u%04x", *c);
      else fputc(*c, f);
    }
    fputc('"', f);
    sb_free(&sb);
  }
}

static Value b_write_json(VM *vm, int argc, const Value *args) {
  (void)argc;
  Posterior *p = arg_posterior(vm, "write_json", args, 0);
  ObjString *path = vm_arg_string(vm, "write_json", args, 1);
  FILE *f = open_output(vm, "write_json", path);
  fputs("{\"method\":", f);
  json_value(f, val_obj(obj_string_cstr(p->desc)));
  fprintf(f, ",\"exact\":%s,\"logz\":", p->exact ? "true" : "false");
  json_value(f, isnan(p->logz) ? VAL_NIL : val_num(p->logz));
  fputs(",\"ess\":", f);
  json_value(f, isnan(p->ess) ? VAL_NIL : val_num(p->ess));
  fputs(",\"values\":", f);
  json_value(f, val_obj(p->values));
  fputs(",\"weights\":[", f);
  for (uint32_t i = 0; i < p->n; i++) fprintf(f, "%s%.17g", i ? "," : "", p->w[i]);
  fputs("]}\n", f);
  fclose(f);
  return VAL_NIL;
}

/* ----------------------------------------------------- other builtins */

static Value dist_method(VM *vm, const char *who, const Value *args) {
  Posterior *p = arg_posterior(vm, who, args, 0);
  (void)p;
  Value out;
  post_method(vm, AS_DIST(args[0]), who, 0, NULL, &out);
  return out;
}

static Value b_samples(VM *vm, int argc, const Value *args) {
  if (argc == 1) return dist_method(vm, "samples", args);
  arg_posterior(vm, "samples", args, 0);
  long n = vm_arg_int(vm, "samples", args, 1, 0, 100000000L);
  ObjArray *out = obj_array((uint32_t)n);
  for (long i = 0; i < n; i++) out->items[i] = post_sample(vm, AS_DIST(args[0]));
  return val_obj(out);
}

/* The Monte Carlo standard error of the posterior mean, per field:
 * sqrt(sum w_i^2 (x_i - mean)^2), the delta-method error of a
 * self-normalised weighted mean (sd / sqrt(n) for equal weights); 0 for an
 * exact posterior. MCMC posteriors (chain set) divide each field's
 * variance by its own effective sample size (diagnostics.h). */
static Value mcse_of(VM *vm, const Posterior *p, const Value *vals, uint32_t n) {
  Value first = vals[0];
  if (is_scalar(first)) {
    double m = 0;
    for (uint32_t i = 0; i < n; i++) m += p->w[i] * scalar(vals[i]);
    if (p->exact) return val_num(0);
    if (p->chain) { /* correlated draws: sd / sqrt(this field's ESS) */
      double *x = malloc(sizeof(double) * (n ? n : 1));
      for (uint32_t i = 0; i < n; i++) x[i] = scalar(vals[i]);
      double e = diag_mcse_mean(x, p->chain, n, p->n_chains);
      free(x);
      return val_num(e);
    }
    double v = 0;
    for (uint32_t i = 0; i < n; i++) {
      double d = scalar(vals[i]) - m;
      v += p->w[i] * p->w[i] * d * d;
    }
    return val_num(sqrt(v));
  }
  Value *col = GC_MALLOC(sizeof(Value) * n);
  if (val_is(first, OBJ_ARRAY)) {
    uint32_t len = AS_ARRAY(first)->len;
    ObjArray *out = obj_array(len);
    for (uint32_t j = 0; j < len; j++) {
      for (uint32_t i = 0; i < n; i++) col[i] = AS_ARRAY(vals[i])->items[j];
      out->items[j] = mcse_of(vm, p, col, n);
    }
    return val_obj(out);
  }
  if (val_is(first, OBJ_RECORD)) {
    ObjShape *shape = AS_RECORD(first)->shape;
    ObjRecord *out = obj_record(shape);
    for (uint32_t j = 0; j < shape->n; j++) {
      for (uint32_t i = 0; i < n; i++) col[i] = AS_RECORD(vals[i])->vals[shape_find(AS_RECORD(vals[i])->shape, shape->keys[j])];
      out->vals[j] = mcse_of(vm, p, col, n);
    }
    return val_obj(out);
  }
  vm_error(vm, "mcse: the posterior's values are %ss, which have no mean", val_type_name(first));
}

static Value b_mcse(VM *vm, int argc, const Value *args) {
  (void)argc;
  Posterior *p = arg_posterior(vm, "mcse", args, 0);
  /* a structured mean must be well defined first */
  stat_of(vm, "mcse", p->values->items, p->w, p->n, STAT_MEAN);
  return mcse_of(vm, p, p->values->items, p->n);
}

/* marginal(post, f): the distribution of f(value), with the same weights,
 * equal results merged. f must not make random choices. */
static Value b_marginal(VM *vm, int argc, const Value *args) {
  (void)argc;
  Posterior *p = arg_posterior(vm, "marginal", args, 0);
  Value f = args[1];
  if (!val_is(f, OBJ_CLOSURE) && !val_is(f, OBJ_BUILTIN)) vm_type_error(vm, "marginal", 1, "a function", f);
  ObjArray *vals = obj_array(p->n);
  double *logw = GC_MALLOC_ATOMIC(sizeof(double) * (p->n ? p->n : 1));
  for (uint32_t i = 0; i < p->n; i++) {
    vals->items[i] = vm_call(vm, NULL, NULL, f, 1, &p->values->items[i]);
    logw[i] = log(p->w[i]);
  }
  /* Equal results merge only in an exact posterior: the draws of a sampler
   * stay separate, so mcse, ess and the MCMC diagnostics (per-chain draws)
   * still see them. */
  Value out = posterior_new(vm, p->desc, vals, logw, p->logz, p->exact);
  Posterior *q = posterior_of(out);
  q->exact = p->exact;
  if (!p->exact) {
    q->ess = p->ess;
    q->chain = p->chain;
    q->n_chains = p->n_chains;
  }
  return out;
}

/* The most probable value (the first of equals). */
static Value b_mode(VM *vm, int argc, const Value *args) {
  (void)argc;
  Posterior *p = arg_posterior(vm, "mode", args, 0);
  Value merged = posterior_new(vm, p->desc, p->values, NULL, NAN, true);
  /* equal weights were lost by merging: weigh again */
  Posterior *m = posterior_of(merged);
  uint32_t best = 0;
  double best_w = -1;
  for (uint32_t j = 0; j < m->n; j++) {
    double w = 0;
    for (uint32_t i = 0; i < p->n; i++)
      if (val_equal(p->values->items[i], m->values->items[j])) w += p->w[i];
    if (w > best_w) {
      best_w = w;
      best = j;
    }
  }
  return m->values->items[best];
}

static Value b_weights(VM *vm, int argc, const Value *args) {
  (void)argc;
  return dist_method(vm, "weights", args);
}
static Value b_logz(VM *vm, int argc, const Value *args) {
  (void)argc;
  return dist_method(vm, "logz", args);
}
static Value b_ess(VM *vm, int argc, const Value *args) {
  (void)argc;
  return dist_method(vm, "ess", args);
}

void posterior_install(VM *vm) {
  vm_def_builtin(vm, "summary", b_summary, 1, 1);
  vm_def_builtin(vm, "hist", b_hist, 1, 1);
  vm_def_builtin(vm, "write_csv", b_write_csv, 2, 2);
  vm_def_builtin(vm, "write_json", b_write_json, 2, 2);
  vm_def_builtin(vm, "samples", b_samples, 1, 2);
  vm_def_builtin(vm, "weights", b_weights, 1, 1);
  vm_def_builtin(vm, "logz", b_logz, 1, 1);
  vm_def_builtin(vm, "ess", b_ess, 1, 1);
  vm_def_builtin(vm, "mcse", b_mcse, 1, 1);
  vm_def_builtin(vm, "marginal", b_marginal, 2, 2);
  vm_def_builtin(vm, "mode", b_mode, 1, 1);
}
