/* Sum of 0..10^7-1: build the array, then fold it calling the step function
   through a pointer, as an interpreter calls a closure. */
#include <stdio.h>
#include <stdlib.h>

typedef double (*Step)(double acc, double x);

static double add(double acc, double x) { return acc + x; }

static double fold(const double *xs, long n, double init, Step step) {
  double acc = init;
  for (long i = 0; i < n; i++) acc = step(acc, xs[i]);
  return acc;
}

int main(void) {
  const long n = 10000000;
  double *xs = malloc(n * sizeof *xs);
  if (!xs) return 1;
  for (long i = 0; i < n; i++) xs[i] = (double)i;
  /* Read through a volatile so the compiler cannot inline the call away. */
  Step volatile step = add;
  printf("%.0f\n", fold(xs, n, 0, step));
  free(xs);
  return 0;
}
