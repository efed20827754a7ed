#include "progress.h"

#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

static double now(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (double)tv.tv_sec + tv.tv_usec * 1e-6;
}

void progress_start(Progress *p, const char *label, uint64_t total, int outermost) {
  p->label = label;
  p->total = total ? total : 1;
  p->start = p->last_draw = now();
  p->drawn = 0;
  p->active = outermost && isatty(STDERR_FILENO);
}

static void draw(Progress *p, uint64_t done, double t) {
  int width = 30;
  int filled = (int)((double)done / (double)p->total * width);
  if (filled > width) filled = width;
  fprintf(stderr, "\r%s [", p->label);
  for (int i = 0; i < width; i++) fputc(i < filled ? '#' : '-', stderr);
  double elapsed = t - p->start;
  double eta = done ? elapsed * ((double)p->total / (double)done - 1) : 0;
  fprintf(stderr, "] %3d%%  %.1fs left ", (int)(100.0 * (double)done / (double)p->total), eta);
  fflush(stderr);
  p->drawn = 1;
}

void progress_update(Progress *p, uint64_t done) {
  if (!p->active || (done & 63) != 0) return;
  double t = now();
  /* stay quiet for the first half second, then redraw ten times a second */
  if (t - p->start < 0.5 || t - p->last_draw < 0.1) return;
  p->last_draw = t;
  draw(p, done, t);
}

void progress_end(Progress *p) {
  if (p->drawn) {
    fputc('\r', stderr);
    for (int i = 0; i < 80; i++) fputc(' ', stderr);
    fputc('\r', stderr);
    fflush(stderr);
  }
}
