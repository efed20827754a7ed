/* outcomes.c — the exact distribution of a randomized computation, by
 * enumerating its randomness.
 *
 *   outcomes(fn)
 *
 * runs fn() again and again with every random decision enumerated: each
 * categorical draw of the inference randomness (resampling indices, which
 * site MH proposes, accept or reject) and each random choice of a model
 * (from its finite support) forks the computation, once per outcome, with
 * that outcome's probability. The result is an exact distribution over
 * fn's return values. Applied to an inference transform on a small
 * discrete model, it turns "this transform preserves the distribution" into
 * an equality to be checked to 1e-9, with no statistical tolerance: e.g.
 * the Z-hat-weighted distribution of one particle drawn from a 2-particle
 * SMC run is exactly the posterior.
 *
 * The computation must be deterministic given its decisions, and draw no
 * continuous uniform numbers (systematic resampling does: use
 * multinomial). The paths are explored depth-first; each is a full re-run.
 */
#include <gc/gc.h>
#include <math.h>
#include <string.h>

#include "inference.h"
#include "posterior.h"
#include "rand.h"
#include "run.h"

#define OUTCOMES_MAX_PATHS 2000000

typedef struct Path {
  uint32_t *choice; /* the index taken at each decision */
  uint32_t len;
} Path;

typedef struct Enumerator {
  VM *vm;
  /* the path being replayed, and the decisions made so far on this run */
  Path path;
  uint32_t depth;
  uint32_t *taken;
  uint32_t taken_cap;
  double prob;
  /* paths still to run */
  Path *agenda;
  size_t n_agenda, agenda_cap;
} Enumerator;

static void push_path(Enumerator *e, const uint32_t *prefix, uint32_t len, uint32_t last) {
  if (e->n_agenda == e->agenda_cap) {
    e->agenda_cap = e->agenda_cap ? e->agenda_cap * 2 : 64;
    e->agenda = GC_REALLOC(e->agenda, sizeof(Path) * e->agenda_cap);
  }
  uint32_t *c = GC_MALLOC_ATOMIC(sizeof(uint32_t) * (len + 1));
  if (len) memcpy(c, prefix, sizeof(uint32_t) * len);
  c[len] = last;
  e->agenda[e->n_agenda++] = (Path){c, len + 1};
}

static double enum_uniform(InfRand *self) {
  Enumerator *e = self->state;
  vm_error_hint(e->vm, "use multinomial resampling, and kernels whose choices are discrete",
                "outcomes: the computation draws a continuous uniform number, which cannot be enumerated");
}

static size_t enum_categorical(InfRand *self, const double *w, size_t n) {
  Enumerator *e = self->state;
  double total = 0;
  for (size_t i = 0; i < n; i++) total += w[i];
  size_t pick;
  if (e->depth < e->path.len) {
    pick = e->path.choice[e->depth];
  } else {
    /* a new decision: take the first possible outcome now, queue the others */
    pick = n;
    for (size_t i = 0; i < n; i++)
      if (w[i] > 0) {
        if (pick == n) pick = i;
        else push_path(e, e->taken, e->depth, (uint32_t)i);
      }
    if (pick == n) vm_error(e->vm, "outcomes: a decision has no possible outcome (all weights zero)");
  }
  if (e->depth == e->taken_cap) {
    e->taken_cap = e->taken_cap ? e->taken_cap * 2 : 32;
    e->taken = GC_REALLOC(e->taken, sizeof(uint32_t) * e->taken_cap);
  }
  e->taken[e->depth++] = (uint32_t)pick;
  e->prob *= w[pick] / total;
  return pick;
}

static Value b_outcomes(VM *vm, int argc, const Value *args) {
  (void)argc;
  Value fn = args[0];
  if (!val_is(fn, OBJ_CLOSURE) || AS_CLOSURE(fn)->fn->arity != 0)
    vm_type_error(vm, "outcomes", 0, "a function of no arguments", fn);
  Enumerator e;
  memset(&e, 0, sizeof e);
  e.vm = vm;
  InfRand source = {enum_uniform, enum_categorical, &e, true};
  Path first = {NULL, 0}; /* the first run decides everything afresh */
  size_t n = 0, cap = 256;
  Value *vals = GC_MALLOC(sizeof(Value) * cap);
  double *logw = GC_MALLOC_ATOMIC(sizeof(double) * cap);
  InfRand *saved = rand_install(vm, &source);
  jmp_buf jb;
  jmp_buf *outer = vm->on_error;
  if (setjmp(jb)) { /* restore the VM's own randomness before reporting */
    rand_install(vm, saved);
    vm->on_error = outer;
    vm_raise_again(vm);
  }
  vm->on_error = &jb;
  for (Path p = first;;) {
    e.path = p;
    e.depth = 0;
    e.prob = 1;
    Value v = vm_call(vm, &toplevel_handler, NULL, fn, 0, NULL);
    if (n == cap) {
      cap *= 2;
      vals = GC_REALLOC(vals, sizeof(Value) * cap);
      logw = GC_REALLOC(logw, sizeof(double) * cap);
    }
    vals[n] = v;
    logw[n] = log(e.prob);
    n++;
    if (n > OUTCOMES_MAX_PATHS) vm_error(vm, "outcomes: more than %d paths", OUTCOMES_MAX_PATHS);
    if (e.n_agenda == 0) break;
    p = e.agenda[--e.n_agenda];
  }
  rand_install(vm, saved);
  vm->on_error = outer;
  return posterior_new(vm, "outcomes", obj_array_from(vals, (uint32_t)n), logw, NAN, true);
}

void outcomes_install(VM *vm) { vm_def_builtin(vm, "outcomes", b_outcomes, 1, 1); }
