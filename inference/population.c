#include "population.h"

#include <gc/gc.h>
#include <math.h>
#include <string.h>

void pop_init(Population *pop, VM *vm, Value model, size_t n, unsigned run_flags, bool traced) {
  pop->n = n;
  pop->fibers = GC_MALLOC(sizeof(Fiber *) * n);
  pop->next = GC_MALLOC(sizeof(Fiber *) * n);
  pop->logw = GC_MALLOC_ATOMIC(sizeof(double) * n);
  pop->ancestors = GC_MALLOC_ATOMIC(sizeof(size_t) * n);
  pop->w = GC_MALLOC_ATOMIC(sizeof(double) * n);
  pop->log_z = 0;
  pop->steps = 0;
  pop->resamples = 0;
  pop->impossible = false;
  pop->mutant_forget_evidence = false;
  for (size_t i = 0; i < n; i++) {
    Fiber *f = fiber_new_with_state(vm, model, 0, NULL, sizeof(Run));
    Run *r = f->hdata;
    run_init(r, run_flags | RUN_SUSPEND);
    r->trace = traced ? trace_new() : NULL;
    f->handler = &run_handler;
    pop->fibers[i] = f;
    pop->logw[i] = 0;
  }
}

/* A particle's fiber, run state and stack sit in one block of a few hundred
 * bytes; with many particles the blocks are far apart in memory, so fetch
 * the block of a particle a little ahead while this one runs, and, one
 * particle later (when its block has arrived), the closure its top frame
 * runs, which each run of a model makes for itself. */
static void prefetch_fiber(const Fiber *f) {
  const char *p = (const char *)f;
  for (int line = 0; line < 5; line++) __builtin_prefetch(p + 64 * line);
}

static void prefetch_closure(const Fiber *f) {
  if (f->n_frames) __builtin_prefetch(f->frames[f->n_frames - 1].closure);
}

#define PREFETCH_AHEAD 3

bool pop_step(Population *pop, VM *vm, const char *who) {
  bool ran = false, alive = false;
  for (size_t i = 0; i < pop->n; i++) {
    if (i + PREFETCH_AHEAD < pop->n) prefetch_fiber(pop->fibers[i + PREFETCH_AHEAD]);
    if (i + 1 < pop->n) prefetch_closure(pop->fibers[i + 1]);
    Fiber *f = pop->fibers[i];
    if (f->state != FIBER_DONE) {
      ran = true;
      double before = f->log_weight;
      run_step(vm, f);
      pop->logw[i] += f->log_weight - before;
    }
    alive = alive || pop->logw[i] > -INFINITY;
  }
  if (!ran) return false;
  pop->steps++;
  if (!alive && !who) {
    pop->impossible = true;
    return false;
  }
  if (!alive) {
    Evidence ev;
    evidence_init(&ev);
    for (size_t i = 0; i < pop->n; i++) evidence_note(&ev, pop_run(pop, i));
    evidence_fail(vm, &ev, who, pop->n);
  }
  return true;
}

double pop_normalise(Population *pop) {
  double max = -INFINITY;
  for (size_t i = 0; i < pop->n; i++)
    if (pop->logw[i] > max) max = pop->logw[i];
  double total = 0;
  for (size_t i = 0; i < pop->n; i++) {
    pop->w[i] = exp(pop->logw[i] - max);
    total += pop->w[i];
  }
  for (size_t i = 0; i < pop->n; i++) pop->w[i] /= total;
  return max + log(total);
}

double pop_ess(Population *pop) {
  pop_normalise(pop);
  double s2 = 0;
  for (size_t i = 0; i < pop->n; i++) s2 += pop->w[i] * pop->w[i];
  return 1 / s2;
}

double pop_log_evidence(Population *pop) { return pop->log_z + pop_normalise(pop) - log((double)pop->n); }

void pop_resample(Population *pop, VM *vm, ResampleScheme scheme, long fixed_ancestor_of_0) {
  double epoch = pop_normalise(pop) - log((double)pop->n);
  if (!pop->mutant_forget_evidence) pop->log_z += epoch;
  size_t n = pop->n;
  size_t *anc = pop->ancestors;
  if (fixed_ancestor_of_0 >= 0) { /* conditional SMC: the others are drawn */
    anc[0] = (size_t)fixed_ancestor_of_0;
    resample(scheme, rand_of(vm), pop->w, n, n - 1, anc + 1);
  } else {
    resample(scheme, rand_of(vm), pop->w, n, n, anc);
  }
  /* Particles nobody descends from are dead: their blocks take the copies
   * needed by particles with more than one offspring, so a resampling
   * allocates (nearly) nothing. The first offspring of a particle takes
   * over its fiber. Copies are made before any particle runs again. */
  unsigned char *used = GC_MALLOC_ATOMIC(n);
  memset(used, 0, n);
  for (size_t j = 0; j < n; j++) used[anc[j]] = 1;
  size_t *dead = GC_MALLOC_ATOMIC(sizeof(size_t) * n);
  size_t n_dead = 0, next_dead = 0;
  for (size_t i = 0; i < n; i++)
    if (!used[i]) dead[n_dead++] = i;
  for (size_t j = 0; j < n; j++) {
    size_t a = anc[j];
    if (j + PREFETCH_AHEAD < n) prefetch_fiber(pop->fibers[anc[j + PREFETCH_AHEAD]]);
    Fiber *from = pop->fibers[a];
    if (used[a] == 1) {
      used[a] = 2; /* taken over */
      pop->next[j] = from;
      continue;
    }
    /* the dead block this copy goes to, and the next ones */
    for (size_t k = next_dead; k < next_dead + PREFETCH_AHEAD && k < n_dead; k++)
      __builtin_prefetch(pop->fibers[dead[k]], 1);
    Fiber *into = next_dead < n_dead ? pop->fibers[dead[next_dead++]] : NULL;
    Run *r = from->hdata;
    if (r->trace) r->trace->shared = true; /* now reachable from two runs */
    Fiber *copy = fiber_copy_into(into, from);
    /* a fiber handed back by an MCMC kernel keeps its run state outside its
     * block: the copy needs its own */
    if (!copy->hdata_size) copy->hdata = run_copy(r);
    pop->next[j] = copy;
  }
  Fiber **old = pop->fibers;
  pop->fibers = pop->next;
  pop->next = old;
  memset(pop->next, 0, sizeof(Fiber *) * n); /* drop references to the old generation */
  for (size_t j = 0; j < n; j++) pop->logw[j] = 0;
  pop->resamples++;
}

size_t pop_draw(Population *pop, VM *vm) {
  pop_normalise(pop);
  InfRand *r = rand_of(vm);
  return r->categorical(r, pop->w, pop->n);
}
