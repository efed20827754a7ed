#include "resample.h"

#include <math.h>
#include <stdlib.h>

const char *const resample_names[] = {"multinomial", "systematic", "stratified", "residual", NULL};

/* Inverts the cumulative weights at increasing points u[0] <= u[1] <= ...
 * in [0, 1): out[k] is the first i with u[k] < w[0] + ... + w[i]. An
 * Inverter carries the running sum over from one batch of points to the
 * next, so that stratified resampling makes its points a batch at a time.
 * (Branch-free forms of this merge were measured slower: their dependency
 * chains cost more than the mispredicted branches. Systematic resampling,
 * whose points have a closed form, avoids the merge altogether.) */
typedef struct Inverter {
  const double *w;
  size_t n, i;
  size_t last; /* rounding can leave u above the total: fall back to the
                  last particle that has weight */
  double cum;
} Inverter;

static void inverter_init(Inverter *v, const double *w, size_t n) {
  v->w = w;
  v->n = n;
  v->last = n - 1;
  while (v->last > 0 && w[v->last] == 0) v->last--;
  v->cum = w[0];
  v->i = 0;
}

static void inverter_run(Inverter *v, const double *u, size_t m, size_t *out) {
  const double *w = v->w;
  size_t n = v->n, i = v->i, last = v->last;
  double cum = v->cum;
  for (size_t k = 0; k < m; k++) {
    while (u[k] >= cum && i + 1 < n) cum += w[++i];
    out[k] = u[k] >= cum || w[i] == 0 ? last : i;
  }
  v->i = i;
  v->cum = cum;
}

static void invert_sorted(const double *w, size_t n, const double *u, size_t m, size_t *out) {
  Inverter v;
  inverter_init(&v, w, n);
  inverter_run(&v, u, m, out);
}

/* Points made and inverted a batch at a time (on the stack). */
#define POINT_BATCH 256

static int by_index(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* n sorted uniforms by normalising exponential spacings: O(n), no sort.
 * While randomness is enumerated, n categorical draws instead (each
 * offspring a separate, enumerable decision). */
void resample_multinomial(InfRand *r, const double *w, size_t n, size_t m, size_t *out) {
  if (m == 0) return;
  if (r->enumerating) {
    for (size_t k = 0; k < m; k++) out[k] = r->categorical(r, w, n);
    qsort(out, m, sizeof(size_t), by_index);
    return;
  }
  double *u = malloc(sizeof(double) * (m + 1));
  double total = 0;
  for (size_t k = 0; k <= m; k++) {
    total += -log(1 - r->uniform(r));
    u[k] = total;
  }
  for (size_t k = 0; k < m; k++) u[k] /= total;
  invert_sorted(w, n, u, m, out);
  free(u);
}

/* The systematic point u_k = (start + k) / m, computed as everywhere. */
static double systematic_point(double start, size_t k, size_t m) { return (start + (double)k) / (double)m; }

/* How many of the m systematic points lie below c: the closed form, then
 * checked against the points as computed (rounding can put it one off), so
 * that the count is exactly what a merge with the points would find. */
static size_t systematic_below(double start, size_t m, double c) {
  double guess = ceil(c * (double)m - start);
  size_t k = guess <= 0 ? 0 : guess >= (double)m ? m : (size_t)guess;
  while (k > 0 && systematic_point(start, k - 1, m) >= c) k--;
  while (k < m && systematic_point(start, k, m) < c) k++;
  return k;
}

/* The systematic points are known in closed form, so instead of merging
 * them with the cumulative weights (whose loop exit is taken at random,
 * about one mispredicted branch per particle) each particle finds where
 * its offspring end. Particle i owns out[lo_i .. hi_i), lo_i = hi_{i-1}:
 * it writes its index at lo_i, where a particle with no offspring (whose
 * lo is the next one's) is overwritten by a later one, and a running
 * maximum fills the rest of each run. The result is the merge's, point
 * for point (the unit tests compare them). */
void resample_systematic(InfRand *r, const double *w, size_t n, size_t m, size_t *out) {
  if (m == 0) return;
  double start = r->uniform(r);
  size_t last = n - 1; /* as in inverter_init */
  while (last > 0 && w[last] == 0) last--;
  for (size_t k = 0; k < m; k++) out[k] = 0;
  double cum = 0;
  size_t lo = 0;
  for (size_t i = 0; i < n; i++) {
    cum = i == 0 ? w[0] : cum + w[i];
    if (lo < m) out[lo] = i;
    lo = systematic_below(start, m, cum);
  }
  /* lo is now the number of points below the total: rounding can leave
   * the last few above it, which go to the last particle with weight */
  for (size_t k = 1; k < lo; k++) out[k] = out[k] > out[k - 1] ? out[k] : out[k - 1];
  for (size_t k = lo; k < m; k++) out[k] = last;
}

void resample_stratified(InfRand *r, const double *w, size_t n, size_t m, size_t *out) {
  if (m == 0) return;
  Inverter v;
  inverter_init(&v, w, n);
  double u[POINT_BATCH];
  for (size_t k0 = 0; k0 < m; k0 += POINT_BATCH) {
    size_t len = m - k0 < POINT_BATCH ? m - k0 : POINT_BATCH;
    for (size_t j = 0; j < len; j++) u[j] = ((double)(k0 + j) + r->uniform(r)) / (double)m;
    inverter_run(&v, u, len, out + k0);
  }
}

/* floor(m w[i]) copies of each particle, then the remaining slots drawn
 * multinomially from the residual weights. */
void resample_residual(InfRand *r, const double *w, size_t n, size_t m, size_t *out) {
  double *residual = malloc(sizeof(double) * n);
  size_t k = 0;
  double rest = 0;
  for (size_t i = 0; i < n; i++) {
    double copies = floor((double)m * w[i]);
    for (size_t c = 0; c < (size_t)copies && k < m; c++) out[k++] = i;
    residual[i] = (double)m * w[i] - copies;
    rest += residual[i];
  }
  size_t left = m - k;
  if (left > 0) {
    for (size_t i = 0; i < n; i++) residual[i] /= rest;
    size_t *extra = malloc(sizeof(size_t) * left);
    resample_multinomial(r, residual, n, left, extra);
    /* merge the two increasing lists */
    size_t *merged = malloc(sizeof(size_t) * m);
    size_t a = 0, b = 0, o = 0;
    while (a < k || b < left) merged[o++] = (b == left || (a < k && out[a] <= extra[b])) ? out[a++] : extra[b++];
    for (size_t j = 0; j < m; j++) out[j] = merged[j];
    free(merged);
    free(extra);
  }
  free(residual);
}

void resample(ResampleScheme scheme, InfRand *r, const double *w, size_t n, size_t m, size_t *out) {
  switch (scheme) {
  case RESAMPLE_MULTINOMIAL: resample_multinomial(r, w, n, m, out); break;
  case RESAMPLE_SYSTEMATIC: resample_systematic(r, w, n, m, out); break;
  case RESAMPLE_STRATIFIED: resample_stratified(r, w, n, m, out); break;
  case RESAMPLE_RESIDUAL: resample_residual(r, w, n, m, out); break;
  }
}
