/* basic.c — the methods that run the model independently many times:
 *
 *   forward({samples})               prior (forward) simulation; evidence ignored
 *   rejection({samples, max_tries})  exact samples from the posterior, for
 *                                    models whose weights are at most 1
 *   importance({particles})          likelihood weighting, with a log
 *                                    evidence estimate
 *
 * Each is the prior block of DESIGN.md (a run with no trace) driven by a
 * loop; they differ only in what they do with each run's weight.
 */
#include <gc/gc.h>
#include <math.h>

#include "evidence.h"
#include "inference.h"
#include "method.h"
#include "posterior.h"
#include "progress.h"
#include "rand.h"
#include "run.h"

typedef struct Counted {
  long n;         /* samples or particles */
  long max_tries; /* rejection only */
} Counted;

static bool outermost(VM *vm) { return vm->fiber && vm->fiber->handler == &toplevel_handler; }

/* One independent run of the model; returns its fiber (result and weight). */
static Fiber *run_once(VM *vm, Value model, Run *r) {
  Fiber *f = run_fiber(vm, model, r);
  run_to_end(vm, f);
  return f;
}

/* --------------------------------------------------------------- forward */

static Value forward_run(VM *vm, Value model, const Method *m) {
  const Counted *c = m->config;
  ObjArray *vals = obj_array((uint32_t)c->n);
  Progress p;
  progress_start(&p, "forward", (uint64_t)c->n, outermost(vm));
  for (long i = 0; i < c->n; i++) {
    vals->items[i] = run_once(vm, model, run_new(RUN_IGNORE_EVIDENCE))->result;
    progress_update(&p, (uint64_t)i);
  }
  progress_end(&p);
  return posterior_new(vm, method_desc(m), vals, NULL, NAN, false);
}

static const MethodClass forward_class = {"forward", forward_run};

/* ------------------------------------------------------------ importance */

static Value importance_run(VM *vm, Value model, const Method *m) {
  const Counted *c = m->config;
  ObjArray *vals = obj_array((uint32_t)c->n);
  double *logw = GC_MALLOC_ATOMIC(sizeof(double) * (size_t)c->n);
  Evidence ev;
  evidence_init(&ev);
  Progress p;
  progress_start(&p, "importance", (uint64_t)c->n, outermost(vm));
  double max = -INFINITY;
  for (long i = 0; i < c->n; i++) {
    Run *r = run_new(0);
    Fiber *f = run_once(vm, model, r);
    vals->items[i] = f->result;
    logw[i] = f->log_weight;
    if (logw[i] == -INFINITY) evidence_note(&ev, r);
    if (logw[i] > max) max = logw[i];
    progress_update(&p, (uint64_t)i);
  }
  progress_end(&p);
  if (max == -INFINITY) evidence_fail(vm, &ev, "importance", (uint64_t)c->n);
  double s = 0;
  for (long i = 0; i < c->n; i++) s += exp(logw[i] - max);
  double logz = max + log(s) - log((double)c->n);
  return posterior_new(vm, method_desc(m), vals, logw, logz, false);
}

static const MethodClass importance_class = {"importance", importance_run};

/* ------------------------------------------------------------- rejection */

static Value rejection_run(VM *vm, Value model, const Method *m) {
  const Counted *c = m->config;
  ObjArray *vals = obj_array((uint32_t)c->n);
  Evidence ev;
  evidence_init(&ev);
  InfRand *rnd = rand_of(vm);
  Progress p;
  progress_start(&p, "rejection", (uint64_t)c->n, outermost(vm));
  long accepted = 0, tries = 0;
  while (accepted < c->n) {
    if (tries == c->max_tries) {
      progress_end(&p);
      if (accepted == 0) evidence_fail(vm, &ev, "rejection", (uint64_t)tries);
      vm_error_hint(vm, "raise max_tries, or use importance or mh, which do not discard runs",
                    "rejection: only %ld of the %ld samples were accepted in %ld tries", accepted, c->n, tries);
    }
    tries++;
    Run *r = run_new(RUN_NOTE_POSITIVE);
    Fiber *f = run_once(vm, model, r);
    double lw = f->log_weight;
    const RunNotes *notes = run_notes(r);
    if (notes->positive_site) {
      progress_end(&p);
      vm_error_note(vm, notes->positive_site->src, notes->positive_site->span, "this weighed more than 1",
                    "rejection sampling accepts a run with probability equal to its weight, so every "
                    "observe and factor must weigh at most 1 (a density above 1, such as a narrow normal, "
                    "or factor(w) with w > 0, does not); use importance or mh",
                    "rejection: a run had weight exp(%.4g) > 1", notes->positive_weight);
    }
    if (lw == -INFINITY) {
      evidence_note(&ev, r);
      continue;
    }
    if (!rand_accept(rnd, lw)) continue;
    vals->items[accepted++] = f->result;
    progress_update(&p, (uint64_t)accepted);
  }
  progress_end(&p);
  return posterior_new(vm, method_desc(m), vals, NULL, NAN, false);
}

static const MethodClass rejection_class = {"rejection", rejection_run};

/* ---------------------------------------------------------- constructors */

static Value make_counted(VM *vm, const MethodClass *cls, const char *count_key, long dflt, int argc,
                          const Value *args, const char *const *allowed) {
  Options o;
  opts_init(&o, vm, cls->name, argc, args, allowed);
  Counted *c = GC_MALLOC_ATOMIC(sizeof *c);
  c->n = opts_count(&o, count_key, dflt, 1, 100000000L);
  c->max_tries = opts_count(&o, "max_tries", 1000 * c->n + 100000, 1, 1000000000000L);
  return method_new(cls, opts_record(&o), c);
}

static Value b_forward(VM *vm, int argc, const Value *args) {
  static const char *const allowed[] = {"samples", NULL};
  return make_counted(vm, &forward_class, "samples", 1000, argc, args, allowed);
}

static Value b_importance(VM *vm, int argc, const Value *args) {
  static const char *const allowed[] = {"particles", NULL};
  return make_counted(vm, &importance_class, "particles", 1000, argc, args, allowed);
}

static Value b_rejection(VM *vm, int argc, const Value *args) {
  static const char *const allowed[] = {"samples", "max_tries", NULL};
  return make_counted(vm, &rejection_class, "samples", 1000, argc, args, allowed);
}

void basic_install(VM *vm) {
  vm_def_builtin(vm, "forward", b_forward, 0, 1);
  vm_def_builtin(vm, "importance", b_importance, 0, 1);
  vm_def_builtin(vm, "rejection", b_rejection, 0, 1);
}
