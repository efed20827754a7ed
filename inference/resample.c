#include "resample.h"

#include <math.h>
#include <stdlib.h>

const char *const resample_names[] = {"multinomial", "systematic", "stratified", "residual", NULL};

/* Inverts the cumulative weights at n increasing points u[0] <= ... <
 * u[n-1] in [0, 1). */
static void invert_sorted(const double *w, size_t n, const double *u, size_t m, size_t *out) {
  size_t last = n - 1; /* rounding can leave u above the total: fall back to
                          the last particle that has weight */
  while (last > 0 && w[last] == 0) last--;
  double cum = w[0];
  size_t i = 0;
  for (size_t k = 0; k < m; k++) {
    while (u[k] >= cum && i + 1 < n) cum += w[++i];
    out[k] = u[k] >= cum || w[i] == 0 ? last : i;
  }
}

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

void resample_systematic(InfRand *r, const double *w, size_t n, size_t m, size_t *out) {
  if (m == 0) return;
  double *u = malloc(sizeof(double) * m);
  double start = r->uniform(r);
  for (size_t k = 0; k < m; k++) u[k] = (start + (double)k) / (double)m;
  invert_sorted(w, n, u, m, out);
  free(u);
}

void resample_stratified(InfRand *r, const double *w, size_t n, size_t m, size_t *out) {
  if (m == 0) return;
  double *u = malloc(sizeof(double) * m);
  for (size_t k = 0; k < m; k++) u[k] = ((double)k + r->uniform(r)) / (double)m;
  invert_sorted(w, n, u, m, out);
  free(u);
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
