/* enumerate.c — exact inference by exploring every combination of the
 * model's choices.
 *
 *   enumerate()                                   depth-first, to the end
 *   enumerate({max_executions: 1000})             the 1000 most probable runs
 *   enumerate({strategy: "breadth"})              breadth-first
 *
 * Strategies: "depth" (a stack; the default without a cap), "breadth" (a
 * queue), "likely" (a priority queue on the run's probability so far; the
 * default with max_executions, since depth-first can follow an unbounded
 * branch forever).
 *
 * A run stops at each random choice (RUN_SUSPEND_AT_SAMPLE); the driver
 * copies the stopped fiber once per value in the choice's support, puts
 * the value where the choice's result goes, adds its log probability, and
 * continues each copy. Fibers copy only their stack, so no prefix is ever
 * re-run. A run whose weight becomes zero stops early and is dropped.
 * Every choice needs a finite support: a continuous one is an error that
 * points at it.
 */
#include <gc/gc.h>
#include <math.h>
#include <stdio.h>

#include "evidence.h"
#include "inference.h"
#include "method.h"
#include "posterior.h"
#include "progress.h"
#include "run.h"
#include "vm/dist.h"

enum { DEPTH, BREADTH, LIKELY };

typedef struct EnumConfig {
  int strategy;
  long max_executions; /* 0: no cap */
} EnumConfig;

/* The agenda of partial runs: a stack (depth-first), a queue
 * (breadth-first) or a max-heap on log weight (likely-first). */
typedef struct Agenda {
  Fiber **items;
  size_t head, tail, cap;
  int strategy;
} Agenda;

static void heap_swap(Agenda *a, size_t i, size_t j) {
  Fiber *t = a->items[i];
  a->items[i] = a->items[j];
  a->items[j] = t;
}

static void agenda_push(Agenda *a, Fiber *f);

static void heap_push(Agenda *a, Fiber *f) {
  agenda_push(a, f); /* appends at tail (head stays 0 for a heap) */
  size_t i = a->tail - 1;
  while (i > 0 && a->items[(i - 1) / 2]->log_weight < a->items[i]->log_weight) {
    heap_swap(a, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}

static Fiber *heap_pop(Agenda *a) {
  Fiber *top = a->items[0];
  a->items[0] = a->items[--a->tail];
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < a->tail && a->items[l]->log_weight > a->items[m]->log_weight) m = l;
    if (r < a->tail && a->items[r]->log_weight > a->items[m]->log_weight) m = r;
    if (m == i) break;
    heap_swap(a, i, m);
    i = m;
  }
  return top;
}

static void agenda_push(Agenda *a, Fiber *f) {
  if (a->tail == a->cap) {
    size_t live = a->tail - a->head;
    if (a->head > 0 && live < a->cap / 2) { /* reuse the consumed front */
      for (size_t i = 0; i < live; i++) a->items[i] = a->items[a->head + i];
      a->head = 0;
      a->tail = live;
    } else {
      a->cap = a->cap ? a->cap * 2 : 64;
      a->items = GC_REALLOC(a->items, sizeof(Fiber *) * a->cap);
    }
  }
  a->items[a->tail++] = f;
}

static void agenda_add(Agenda *a, Fiber *f) {
  if (a->strategy == LIKELY) heap_push(a, f);
  else agenda_push(a, f);
}

static Fiber *agenda_take(Agenda *a) {
  if (a->strategy == LIKELY) return heap_pop(a);
  return a->strategy == BREADTH ? a->items[a->head++] : a->items[--a->tail];
}

static Value enumerate_run(VM *vm, Value model, const Method *m) {
  const EnumConfig *c = m->config;
  Agenda agenda = {0};
  agenda.strategy = c->strategy;
  agenda_add(&agenda, run_fiber(vm, model, run_new(RUN_SUSPEND_AT_SAMPLE)));
  size_t n = 0, cap = 64;
  Value *vals = GC_MALLOC(sizeof(Value) * cap);
  double *logw = GC_MALLOC_ATOMIC(sizeof(double) * cap);
  Evidence ev;
  evidence_init(&ev);
  long executions = 0;
  bool truncated = false;
  Progress p;
  progress_start(&p, "enumerate", c->max_executions ? (uint64_t)c->max_executions : 0,
                 vm->fiber && vm->fiber->handler == &toplevel_handler);
  while (agenda.tail > agenda.head) {
    if (c->max_executions && executions == c->max_executions) {
      truncated = true;
      break;
    }
    Fiber *f = agenda_take(&agenda);
    Run *r = f->hdata;
    r->notes = NULL; /* a stop at a choice will note it afresh */
    FiberState st = run_step(vm, f);
    if (f->log_weight == -INFINITY) { /* dropped as soon as it became impossible */
      evidence_note(&ev, r);
      executions++;
      continue;
    }
    if (st == FIBER_DONE) {
      if (n == cap) {
        cap *= 2;
        vals = GC_REALLOC(vals, sizeof(Value) * cap);
        logw = GC_REALLOC(logw, sizeof(double) * cap);
      }
      vals[n] = f->result;
      logw[n] = f->log_weight;
      n++;
      executions++;
      if (c->max_executions) progress_update(&p, (uint64_t)executions);
      continue;
    }
    /* stopped at a choice: one continuation per value of its support,
     * added so that the first value is explored first */
    ObjDist *d = AS_DIST(run_notes(r)->pending_dist);
    ObjArray *support = run_notes(r)->pending_support;
    bool stack = c->strategy == DEPTH;
    for (uint32_t k = support->len; k-- > 0;) {
      uint32_t i = stack ? k : support->len - 1 - k;
      Value v = support->items[i];
      double lp = d->cls->logpdf(vm, d, v);
      if (lp == -INFINITY) continue;
      Fiber *g = k == 0 ? f : fiber_copy(f); /* the last continuation reuses f */
      if (g != f) g->hdata = run_copy(r);
      g->stack[g->sp - 1] = v;
      g->log_weight += lp;
      agenda_add(&agenda, g);
    }
  }
  progress_end(&p);
  if (n == 0) evidence_fail(vm, &ev, "enumerate", (uint64_t)executions);
  double max = -INFINITY;
  for (size_t i = 0; i < n; i++)
    if (logw[i] > max) max = logw[i];
  double s = 0;
  for (size_t i = 0; i < n; i++) s += exp(logw[i] - max);
  ObjArray *values = obj_array_from(vals, (uint32_t)n);
  char *desc = method_desc(m);
  if (truncated) {
    fflush(vm->rt->out);
    fprintf(stderr, "warning: enumerate stopped after %ld executions; the posterior is exact only over the runs explored\n",
            executions);
  }
  return posterior_new(vm, desc, values, logw, max + log(s), true);
}

static const MethodClass enumerate_class = {"enumerate", enumerate_run};

static Value b_enumerate(VM *vm, int argc, const Value *args) {
  static const char *const allowed[] = {"strategy", "max_executions", NULL};
  static const char *const strategies[] = {"depth", "breadth", "likely", NULL};
  Options o;
  opts_init(&o, vm, "enumerate", argc, args, allowed);
  EnumConfig *c = GC_MALLOC_ATOMIC(sizeof *c);
  c->max_executions = opts_count(&o, "max_executions", 0, 1, 1000000000000L);
  c->strategy = opts_choice(&o, "strategy", c->max_executions ? LIKELY : DEPTH, strategies);
  return method_new(&enumerate_class, opts_record(&o), c);
}

void enumerate_install(VM *vm) { vm_def_builtin(vm, "enumerate", b_enumerate, 0, 1); }
