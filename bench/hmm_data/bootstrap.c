/* The hmm workload's bootstrap particle filter, written directly in C with
 * GSL: the practical limit for ppl. Systematic resampling at every step.
 * usage: c PARTICLES (reads ../hmm_data/ys.csv relative to this file's
 * workload folder: run from the workload folder). Prints the log evidence
 * estimate. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000;
  FILE *f = fopen("../hmm_data/ys.csv", "r");
  if (!f) { perror("ys.csv"); return 1; }
  double ys[1000];
  int T = 0;
  char line[128];
  if (!fgets(line, sizeof line, f)) return 1; /* header */
  while (T < 1000 && fgets(line, sizeof line, f)) ys[T++] = strtod(line, NULL);
  fclose(f);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 1);
  double *x = malloc(sizeof(double) * n), *nx = malloc(sizeof(double) * n);
  double *lw = malloc(sizeof(double) * n), *w = malloc(sizeof(double) * n);
  for (long i = 0; i < n; i++) x[i] = 0;
  double logz = 0;
  for (int t = 0; t < T; t++) {
    double max = -INFINITY;
    for (long i = 0; i < n; i++) {
      x[i] = 0.9 * x[i] + gsl_ran_gaussian_ziggurat(rng, 1.0);
      double d = ys[t] - x[i];
      lw[i] = -0.5 * d * d - 0.5 * log(2 * M_PI);
      if (lw[i] > max) max = lw[i];
    }
    double total = 0;
    for (long i = 0; i < n; i++) total += w[i] = exp(lw[i] - max);
    logz += max + log(total / n);
    /* systematic resampling */
    double u = gsl_rng_uniform(rng) / n, cum = w[0] / total;
    long j = 0;
    for (long k = 0; k < n; k++) {
      double point = u + (double)k / n;
      while (point > cum && j + 1 < n) cum += w[++j] / total;
      nx[k] = x[j];
    }
    memcpy(x, nx, sizeof(double) * n);
  }
  printf("%.6f\n", logz);
  return 0;
}
