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
  pop->w_fresh = false;
  pop->traced = traced;
  pop->used = NULL;
  pop->dead = pop->copies = NULL;
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

/* How many copies ahead pop_resample fetches the source and destination
 * blocks of a copy. */
#define COPY_AHEAD 6

typedef struct Stepping {
  Population *pop;
  bool ran;
} Stepping;

static void stepped(void *ctx, size_t i, Fiber *f, double weight_before) {
  Stepping *s = ctx;
  s->ran = true;
  s->pop->logw[i] += f->log_weight - weight_before;
}

bool pop_step(Population *pop, VM *vm, const char *who) {
  Stepping s = {pop, false};
  size_t failed = vm_run_all(vm, pop->fibers, pop->n, stepped, &s);
  if (failed < pop->n) vm_rethrow(vm);
  if (!s.ran) return false;
  bool alive = false;
  for (size_t i = 0; i < pop->n && !alive; i++) alive = pop->logw[i] > -INFINITY;
  pop->w_fresh = false;
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
  if (pop->w_fresh) return pop->w_log_total;
  double max = -INFINITY;
  for (size_t i = 0; i < pop->n; i++)
    if (pop->logw[i] > max) max = pop->logw[i];
  double total = 0;
  for (size_t i = 0; i < pop->n; i++) {
    pop->w[i] = exp(pop->logw[i] - max);
    total += pop->w[i];
  }
  for (size_t i = 0; i < pop->n; i++) pop->w[i] /= total;
  pop->w_fresh = true;
  pop->w_log_total = max + log(total);
  return pop->w_log_total;
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
   * over its fiber. Copies are made before any particle runs again.
   * (Particle counts are below 2^32: smc's option allows 10^8.) */
  if (!pop->used) {
    pop->used = GC_MALLOC_ATOMIC(n);
    pop->dead = GC_MALLOC_ATOMIC(sizeof(uint32_t) * n);
    pop->copies = GC_MALLOC_ATOMIC(sizeof(uint32_t) * n);
  }
  unsigned char *used = pop->used;
  uint32_t *dead = pop->dead, *copies = pop->copies;
  /* The partitions below are written without branches: whether a particle
   * has offspring is as good as random, and mispredicted branches were
   * most of their cost. */
  memset(used, 0, n);
  for (size_t j = 0; j < n; j++) used[anc[j]] = 1;
  size_t n_dead = 0, n_copies = 0;
  for (size_t i = 0; i < n; i++) {
    dead[n_dead] = (uint32_t)i;
    n_dead += !used[i];
  }
  /* First the offspring that take a fiber over, which touches no fiber (at
   * large N most are far out of cache), then the copies, whose sources and
   * destinations are fetched a few copies ahead. */
  for (size_t j = 0; j < n; j++) {
    size_t a = anc[j];
    uintptr_t first = used[a] == 1;
    used[a] = 2; /* taken over */
    pop->next[j] = (Fiber *)((uintptr_t)pop->fibers[a] & -first); /* or NULL */
    copies[n_copies] = (uint32_t)j;
    n_copies += !first;
  }
  /* Each ancestor with k offspring makes k - 1 copies and leaves k - 1 dead
   * particles, so there is a dead block for every copy (when n_copies ==
   * n_dead; a block too small for its copy is replaced by a new one). */
  for (size_t c = 0; c < n_copies; c++) {
    if (c + COPY_AHEAD < n_copies) {
      fiber_prefetch(pop->fibers[anc[copies[c + COPY_AHEAD]]], false);
      if (c + COPY_AHEAD < n_dead) fiber_prefetch(pop->fibers[dead[c + COPY_AHEAD]], true);
    }
    size_t j = copies[c];
    Fiber *from = pop->fibers[anc[j]];
    Fiber *into = c < n_dead ? pop->fibers[dead[c]] : NULL;
    /* a trace is now reachable from two runs (only traced populations have
     * them: the others need not read the run state before the copy does) */
    if (pop->traced) {
      Run *r = from->hdata;
      if (r->trace) r->trace->shared = true;
    }
    Fiber *copy = fiber_copy_into(into, from);
    /* a fiber handed back by an MCMC kernel keeps its run state outside its
     * block: the copy needs its own */
    if (!copy->hdata_size) copy->hdata = run_copy(from->hdata);
    pop->next[j] = copy;
  }
  Fiber **old = pop->fibers;
  pop->fibers = pop->next;
  pop->next = old;
  memset(pop->next, 0, sizeof(Fiber *) * n); /* drop references to the old generation */
  for (size_t j = 0; j < n; j++) pop->logw[j] = 0;
  pop->w_fresh = false;
  pop->resamples++;
}

size_t pop_draw(Population *pop, VM *vm) {
  pop_normalise(pop);
  InfRand *r = rand_of(vm);
  return r->categorical(r, pop->w, pop->n);
}
