/* diagnostics.c — split-R-hat and effective sample sizes (see
 * diagnostics.h). The ESS is Geyer's initial monotone sequence estimator
 * over several chains, as in Stan and the posterior R package:
 *
 *   rho_t = 1 - (W - mean over chains of acov_t) / var+
 *   ESS   = M N / (-1 + 2 sum_{t < T} rho_t + rho_T)
 *
 * where acov_t is each chain's biased autocovariance (computed with an FFT),
 * W the mean within-chain variance, var+ = W (N-1)/N + var(chain means),
 * and T where the sums of adjacent pairs of rho first turn negative.
 */
#include "diagnostics.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Draws as a matrix of chains: chains[j][0..len). */
typedef struct Draws {
  double **chains;
  uint32_t m, len;
} Draws;

static void draws_free(Draws *d) {
  for (uint32_t j = 0; j < d->m; j++) free(d->chains[j]);
  free(d->chains);
  d->chains = NULL;
  d->m = d->len = 0;
}

/* The chains, cut to the shortest, each split into its first and second
 * halves (the middle draw of an odd length dropped). */
static Draws split_chains(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains) {
  Draws d = {NULL, 0, 0};
  if (n_chains == 0) return d;
  uint32_t *count = calloc(n_chains, sizeof(uint32_t));
  for (uint32_t i = 0; i < n; i++)
    if (chain[i] < n_chains) count[chain[i]]++;
  uint32_t len = UINT32_MAX;
  for (uint32_t j = 0; j < n_chains; j++)
    if (count[j] < len) len = count[j];
  free(count);
  uint32_t half = len / 2, second = (len + 1) / 2;
  if (half < 2) return d;
  d.m = 2 * n_chains;
  d.len = half;
  d.chains = malloc(sizeof(double *) * d.m);
  for (uint32_t j = 0; j < d.m; j++) d.chains[j] = malloc(sizeof(double) * half);
  uint32_t *seen = calloc(n_chains, sizeof(uint32_t));
  for (uint32_t i = 0; i < n; i++) {
    uint32_t c = chain[i];
    if (c >= n_chains) continue;
    uint32_t k = seen[c]++;
    if (k < half) d.chains[2 * c][k] = x[i];
    else if (k >= second && k - second < half) d.chains[2 * c + 1][k - second] = x[i];
  }
  free(seen);
  return d;
}

static bool draws_bad(const Draws *d) {
  if (d->m == 0 || d->len < 2) return true;
  double first = d->chains[0][0];
  bool constant = true;
  for (uint32_t j = 0; j < d->m; j++)
    for (uint32_t i = 0; i < d->len; i++) {
      if (!isfinite(d->chains[j][i])) return true;
      if (d->chains[j][i] != first) constant = false;
    }
  return constant;
}

/* The biased autocovariance of x at lags 0..n-1, by FFT. */
static void autocovariance(const double *x, uint32_t n, double *ac) {
  size_t m = 1;
  while (m < 2 * (size_t)n) m <<= 1;
  double *buf = calloc(m, sizeof(double));
  double mean = 0;
  for (uint32_t i = 0; i < n; i++) mean += x[i];
  mean /= n;
  for (uint32_t i = 0; i < n; i++) buf[i] = x[i] - mean;
  gsl_fft_real_radix2_transform(buf, 1, m);
  /* halfcomplex: buf[k] real part, buf[m-k] imaginary part */
  buf[0] = buf[0] * buf[0];
  buf[m / 2] = buf[m / 2] * buf[m / 2];
  for (size_t k = 1; k < m / 2; k++) {
    double re = buf[k], im = buf[m - k];
    buf[k] = re * re + im * im;
    buf[m - k] = 0;
  }
  gsl_fft_halfcomplex_radix2_inverse(buf, 1, m);
  for (uint32_t k = 0; k < n; k++) ac[k] = buf[k] / n;
  free(buf);
}

static double ess_of(const Draws *d) {
  if (draws_bad(d)) return NAN;
  uint32_t m = d->m, n = d->len;
  double *acov = calloc((size_t)m * n, sizeof(double)); /* acov[j * n + t] */
  double *mean_acov = calloc(n, sizeof(double));
  double *chain_mean = malloc(sizeof(double) * m);
  for (uint32_t j = 0; j < m; j++) {
    autocovariance(d->chains[j], n, acov + (size_t)j * n);
    double s = 0;
    for (uint32_t i = 0; i < n; i++) s += d->chains[j][i];
    chain_mean[j] = s / n;
  }
  for (uint32_t t = 0; t < n; t++) {
    double s = 0;
    for (uint32_t j = 0; j < m; j++) s += acov[(size_t)j * n + t];
    mean_acov[t] = s / m;
  }
  double mean_var = mean_acov[0] * n / (n - 1.0);
  double var_plus = mean_var * (n - 1.0) / n;
  if (m > 1) {
    double mu = 0, v = 0;
    for (uint32_t j = 0; j < m; j++) mu += chain_mean[j];
    mu /= m;
    for (uint32_t j = 0; j < m; j++) v += (chain_mean[j] - mu) * (chain_mean[j] - mu);
    var_plus += v / (m - 1.0);
  }
  double *rho = calloc(n + 2, sizeof(double));
  uint32_t t = 0;
  double even = 1, odd = 1 - (mean_var - mean_acov[1]) / var_plus;
  rho[0] = even;
  rho[1] = odd;
  while (t + 5 < n && !isnan(even + odd) && even + odd > 0) {
    t += 2;
    even = 1 - (mean_var - mean_acov[t]) / var_plus;
    odd = 1 - (mean_var - mean_acov[t + 1]) / var_plus;
    if (even + odd >= 0) {
      rho[t] = even;
      rho[t + 1] = odd;
    }
  }
  uint32_t max_t = t;
  if (even > 0) rho[max_t] = even;
  /* Geyer's initial monotone sequence */
  for (t = 2; t + 2 <= max_t; t += 2) {
    if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
      rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
      rho[t + 1] = rho[t];
    }
  }
  double total = (double)m * n;
  double sum = 0;
  for (t = 0; t < max_t; t++) sum += rho[t];
  double tau = -1 + 2 * sum + rho[max_t];
  if (tau < 1 / log10(total)) tau = 1 / log10(total);
  free(rho);
  free(acov);
  free(mean_acov);
  free(chain_mean);
  return total / tau;
}

typedef struct Ranked {
  double x;
  uint32_t at;
} Ranked;

static int by_value(const void *a, const void *b) {
  double x = ((const Ranked *)a)->x, y = ((const Ranked *)b)->x;
  return (x > y) - (x < y);
}

/* Replaces every draw by the normal score of its rank among all draws,
 * (r - 3/8) / (S + 1/4) (ties get their average rank). */
static void rank_normalise(Draws *d) {
  uint32_t s = d->m * d->len;
  Ranked *r = malloc(sizeof(Ranked) * s);
  for (uint32_t j = 0; j < d->m; j++)
    for (uint32_t i = 0; i < d->len; i++) r[j * d->len + i] = (Ranked){d->chains[j][i], j * d->len + i};
  qsort(r, s, sizeof(Ranked), by_value);
  for (uint32_t i = 0; i < s;) {
    uint32_t k = i;
    while (k + 1 < s && r[k + 1].x == r[i].x) k++;
    double rank = (i + k) / 2.0 + 1; /* 1-based average rank */
    double z = gsl_cdf_ugaussian_Pinv((rank - 0.375) / (s + 0.25));
    for (uint32_t q = i; q <= k; q++) d->chains[r[q].at / d->len][r[q].at % d->len] = z;
    i = k + 1;
  }
  free(r);
}

static double rhat_basic(const Draws *d) {
  if (draws_bad(d)) return NAN;
  uint32_t m = d->m, n = d->len;
  double *means = malloc(sizeof(double) * m);
  double within = 0;
  for (uint32_t j = 0; j < m; j++) {
    double mu = 0, v = 0;
    for (uint32_t i = 0; i < n; i++) mu += d->chains[j][i];
    mu /= n;
    for (uint32_t i = 0; i < n; i++) v += (d->chains[j][i] - mu) * (d->chains[j][i] - mu);
    means[j] = mu;
    within += v / (n - 1.0);
  }
  within /= m;
  double mu = 0, between = 0;
  for (uint32_t j = 0; j < m; j++) mu += means[j];
  mu /= m;
  for (uint32_t j = 0; j < m; j++) between += (means[j] - mu) * (means[j] - mu);
  between = n * between / (m - 1.0);
  free(means);
  return sqrt((between / within + n - 1) / n);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Quantile p of all draws (R's default, type 7). */
static double draws_quantile(const Draws *d, double p) {
  uint32_t s = d->m * d->len;
  double *v = malloc(sizeof(double) * s);
  for (uint32_t j = 0; j < d->m; j++) memcpy(v + j * d->len, d->chains[j], sizeof(double) * d->len);
  qsort(v, s, sizeof(double), cmp_double);
  double h = (s - 1) * p;
  uint32_t lo = (uint32_t)floor(h);
  double q = lo + 1 < s ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[lo];
  free(v);
  return q;
}

double diag_rhat(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains) {
  Draws d = split_chains(x, chain, n, n_chains);
  if (draws_bad(&d)) {
    draws_free(&d);
    return NAN;
  }
  Draws f = split_chains(x, chain, n, n_chains);
  double med = draws_quantile(&f, 0.5);
  for (uint32_t j = 0; j < f.m; j++)
    for (uint32_t i = 0; i < f.len; i++) f.chains[j][i] = fabs(f.chains[j][i] - med);
  rank_normalise(&d);
  rank_normalise(&f);
  double a = rhat_basic(&d), b = rhat_basic(&f);
  draws_free(&d);
  draws_free(&f);
  if (isnan(b)) return a;
  return a > b ? a : b;
}

double diag_ess_bulk(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains) {
  Draws d = split_chains(x, chain, n, n_chains);
  double e = NAN;
  if (!draws_bad(&d)) {
    rank_normalise(&d);
    e = ess_of(&d);
  }
  draws_free(&d);
  return e;
}

static double ess_quantile(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains, double p) {
  Draws d = split_chains(x, chain, n, n_chains);
  double e = NAN;
  if (!draws_bad(&d)) {
    double q = draws_quantile(&d, p);
    for (uint32_t j = 0; j < d.m; j++)
      for (uint32_t i = 0; i < d.len; i++) d.chains[j][i] = d.chains[j][i] <= q ? 1 : 0;
    e = ess_of(&d);
  }
  draws_free(&d);
  return e;
}

double diag_ess_tail(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains) {
  double a = ess_quantile(x, chain, n, n_chains, 0.05), b = ess_quantile(x, chain, n, n_chains, 0.95);
  if (isnan(a)) return b;
  if (isnan(b)) return a;
  return a < b ? a : b;
}

double diag_ess_mean(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains) {
  Draws d = split_chains(x, chain, n, n_chains);
  double e = ess_of(&d);
  draws_free(&d);
  return e;
}

double diag_mcse_mean(const double *x, const uint32_t *chain, uint32_t n, uint32_t n_chains) {
  if (n < 2) return NAN;
  double mu = 0, v = 0;
  for (uint32_t i = 0; i < n; i++) mu += x[i];
  mu /= n;
  for (uint32_t i = 0; i < n; i++) v += (x[i] - mu) * (x[i] - mu);
  v /= n - 1.0;
  if (v == 0) return 0;
  double e = diag_ess_mean(x, chain, n, n_chains);
  return isnan(e) ? NAN : sqrt(v / e);
}
