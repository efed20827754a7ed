/* progress.h — a progress bar on stderr for long inference, drawn only when
 * stderr is a terminal (never in piped output) and only for work that lasts
 * long enough to be worth showing. */
#ifndef PPL_PROGRESS_H
#define PPL_PROGRESS_H

#include <stdint.h>

typedef struct Progress {
  const char *label;
  uint64_t total;
  double start, last_draw;
  int active; /* 0: not a terminal, or nested inside another inference */
  int drawn;
} Progress;

/* outermost: false for an inference nested in a model (it would scribble
 * over its parent's bar). */
void progress_start(Progress *p, const char *label, uint64_t total, int outermost);
void progress_update(Progress *p, uint64_t done);
void progress_end(Progress *p);

#endif
