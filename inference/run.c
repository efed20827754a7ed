#include "run.h"

#include "rand.h"

#include <gc/gc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vm/dist.h"
#include "vm/print.h"

static const RunNotes no_notes = {NULL, VAL_NIL, VAL_NIL, NULL, 0, VAL_NIL, NULL};

const RunNotes *run_notes(const Run *r) { return r->notes ? r->notes : &no_notes; }

/* A copy of the notes to change (they are shared once made). */
static RunNotes *new_notes(const Run *r) {
  RunNotes *n = GC_MALLOC(sizeof *n);
  *n = *run_notes(r);
  return n;
}

void run_init(Run *r, unsigned flags) {
  memset(r, 0, sizeof *r);
  r->flags = flags;
}

Run *run_new(unsigned flags) {
  Run *r = GC_MALLOC(sizeof *r);
  run_init(r, flags);
  return r;
}

Run *run_copy(Run *r) {
  Run *c = GC_MALLOC(sizeof *c);
  *c = *r;
  if (r->trace) r->trace->shared = true;
  return c;
}

/* MCMC re-execution (r->reuse) makes mostly the choices of the old trace,
 * in the same order: when the old choice at this position came from the
 * same named site, its address is this one if its indices are the loop
 * indices now, which is checked without building the string. */
static ObjString *reused_address(const Run *r, const Fiber *f, const Choice *c) {
  const Trace *old = r->reuse;
  uint32_t pos = r->trace ? r->trace->n : 0;
  if (c->site->kind != SITE_NAMED || pos >= old->n || old->choices[pos].site != c->site) return NULL;
  ObjString *addr = old->choices[pos].addr;
  const char *p = addr->chars + c->site->name->len;
  for (uint32_t i = 0; i < f->n_loops; i++) {
    char *end;
    if (*p != '[') return NULL;
    long k = strtol(p + 1, &end, 10);
    if (end == p + 1 || *end != ']' || (double)k != f->loops[i].index) return NULL;
    p = end + 1;
  }
  return *p == '\0' ? addr : NULL;
}

/* The address of a choice, unique in this run. Anonymous choices repeated
 * at one base address (recursion) are numbered "#2", "#3", ...; a named
 * address used twice is an error that points at both choices. */
static ObjString *choice_address(VM *vm, Fiber *f, Run *r, const Choice *c) {
  ObjString *addr = r->reuse ? reused_address(r, f, c) : NULL;
  if (!addr) addr = vm_address_unique(vm, f, c);
  Trace *t = r->trace;
  if (!t || c->site->kind == SITE_ANON) return addr;
  TraceChoice *prev = trace_find(t, addr);
  if (prev)
    vm_error_note(vm, prev->site->src, prev->site->span, "the first choice at that address was made here",
                  "give each choice its own address: x[i] ~ ... (with an index), or sample(\"x\" + str(i), D)",
                  "the address '%s' is used by two choices in one run", addr->chars);
  return addr;
}

/* Bookkeeping after a weight update: what first made the weight zero, what
 * first weighed more than 1, and whether enumeration can drop this run.
 * weighed() is inline and most weight updates, finite and not noted as
 * positive, need nothing more; note_weight does the rest. */
static __attribute__((noinline)) void note_weight(Run *r, Fiber *f, const ObjSite *site, Value dist, Value value,
                                                  double log_w);

static inline void weighed(Run *r, Fiber *f, const ObjSite *site, Value dist, Value value, double log_w) {
  if (f->log_weight == -INFINITY || (log_w > 0 && (r->flags & RUN_NOTE_POSITIVE))) note_weight(r, f, site, dist, value, log_w);
}

static void note_weight(Run *r, Fiber *f, const ObjSite *site, Value dist, Value value, double log_w) {
  if (log_w > 0 && (r->flags & RUN_NOTE_POSITIVE) && !run_notes(r)->positive_site) {
    RunNotes *n = new_notes(r);
    n->positive_site = site;
    n->positive_weight = log_w;
    r->notes = n;
  }
  if (f->log_weight != -INFINITY || run_notes(r)->zero_site) return;
  RunNotes *n = new_notes(r);
  n->zero_site = site;
  n->zero_dist = val_is(dist, OBJ_DIST) ? dist_keep(dist) : dist;
  n->zero_value = value;
  r->notes = n;
  if (r->flags & (RUN_SUSPEND_AT_SAMPLE | RUN_STOP_IF_IMPOSSIBLE)) f->suspend = true;
}

static void record(Run *r, ObjString *addr, Value value, Value dist, double logp, const ObjSite *site,
                   bool observed, bool reused) {
  trace_own(&r->trace);
  Trace *t = r->trace;
  if (t->cap == 0 && r->reuse && r->reuse->n > 0) {
    /* a re-execution makes mostly the old run's choices: room for that many,
     * so no regrowth on the way (trace_add would start at 8) */
    t->choices = GC_MALLOC(sizeof(TraceChoice) * r->reuse->n);
    t->cap = r->reuse->n;
    table_reserve(&t->index, r->reuse->n);
  }
  TraceChoice c = {addr, value, dist_keep(dist), logp, site, observed, reused};
  trace_add(t, &c);
}

/* The distribution to record for a choice made again at the address of the
 * old trace's choice `old`: the old choice's own when the new one is the
 * same (same class, parameters and derived data: a prior the change did not
 * touch), else the new one (which record keeps). Re-execution then copies
 * no scratch distribution for such choices on every move. */
static Value reused_dist(Value dist, const TraceChoice *old) {
  const ObjDist *d = AS_DIST(dist), *o = AS_DIST(old->dist);
  if (d->cls == o->cls && memcmp(d->p, o->p, sizeof d->p) == 0 && d->a == o->a && d->b == o->b && d->aux == o->aux)
    return old->dist;
  return dist;
}

/* sample when enumerating, tracing or replaying */
static __attribute__((noinline)) Value sample_general(VM *vm, Fiber *f, const Choice *c) {
  Run *r = f->hdata;
  ObjDist *d = AS_DIST(c->dist);
  if (r->flags & RUN_SUSPEND_AT_SAMPLE) {
    ObjArray *support = d->cls->support ? d->cls->support(vm, d) : NULL;
    if (!support) {
      StrBuf sb;
      sb_init(&sb);
      val_write(&sb, c->dist, true);
      char desc[200];
      snprintf(desc, sizeof desc, "%s", sb.data);
      sb_free(&sb);
      vm_error_hint(vm,
                    "enumerate needs every choice to have a finite support (bernoulli, categorical, "
                    "uniform_int, binomial...); use importance, smc or mh for this model",
                    "enumerate: this choice is from %s, which has %s support", desc,
                    d->cls->kind == DIST_DISCRETE ? "an infinite" : "a continuous");
    }
    RunNotes *n = new_notes(r);
    n->pending_dist = dist_keep(c->dist);
    n->pending_support = support;
    r->notes = n;
    f->suspend = true;
    return VAL_NIL; /* the driver puts the value in its place */
  }
  if (!r->trace && !r->replay && !r->reuse) return rand_draw(vm, d);
  ObjString *addr = choice_address(vm, f, r, c);
  Value v;
  double lp;
  bool reused = false;
  Value dist = c->dist; /* to record */
  const TraceChoice *old;
  if (r->replay && table_get(r->replay, addr, &v)) {
    reused = true;
    if (r->reuse && (old = trace_find(r->reuse, addr)) && !old->observed) dist = reused_dist(c->dist, old);
  } else if (r->reuse && (old = trace_find(r->reuse, addr)) && !old->observed && AS_DIST(old->dist)->cls == d->cls) {
    v = old->value;
    reused = true;
    dist = reused_dist(c->dist, old);
    if (r->reuse_marks) r->reuse_marks[old - r->reuse->choices] = 1;
  }
  if (reused) {
    lp = d->cls->logpdf(vm, d, v);
    if (r->flags & RUN_WEIGH_REPLAYED) {
      f->log_weight += lp;
      weighed(r, f, c->site, c->dist, v, lp);
    }
    if (lp == -INFINITY && (r->flags & RUN_STOP_IF_IMPOSSIBLE)) f->suspend = true;
  } else {
    if (r->flags & RUN_REQUIRE_REPLAY)
      vm_error_hint(vm, "give a value for every choice the model makes, keyed by its address",
                    "density: no value was given for the choice '%s'", addr->chars);
    v = rand_draw(vm, d);
    lp = d->cls->logpdf(vm, d, v);
  }
  if (r->trace) record(r, addr, v, dist, lp, c->site, false, reused);
  return v;
}

/* The plain case (a draw from the prior) kept short: it runs once per
 * particle per step. */
static Value on_sample(VM *vm, Fiber *f, const Choice *c) {
  const Run *r = f->hdata;
  if ((r->flags & RUN_SUSPEND_AT_SAMPLE) || r->trace || r->replay || r->reuse) return sample_general(vm, f, c);
  return rand_draw(vm, AS_DIST(c->dist));
}

/* A weight event (observe, factor, condition) of log weight log_w: the
 * weight, unless evidence is ignored, then what follows every event. */
static inline void weigh_event(Run *r, Fiber *f, const ObjSite *site, Value dist, Value value, double log_w) {
  if (!(r->flags & (RUN_IGNORE_EVIDENCE | RUN_SIMULATE_OBSERVES))) {
    f->log_weight += log_w;
    weighed(r, f, site, dist, value, log_w);
  }
  r->n_weighed++;
  if (r->flags & RUN_SUSPEND) f->suspend = true;
}

/* observe with an address: validation's data overrides, or a trace that
 * records observes, or a replay map that may give their values. */
static __attribute__((noinline)) void observe_addressed(VM *vm, Fiber *f, const Choice *c, Value v) {
  Run *r = f->hdata;
  ObjDist *d = AS_DIST(c->dist);
  /* validation replaces the model's data, by address, in every run */
  const Table *data = vm->rt->observe_override;
  ObjString *addr = choice_address(vm, f, r, c);
  Value given;
  if (r->flags & RUN_SIMULATE_OBSERVES) v = rand_draw(vm, d);
  else if (r->replay && table_get(r->replay, addr, &given)) v = given;
  else if (data && table_get(data, addr, &given)) v = given;
  double lp = d->cls->logpdf(vm, d, v);
  if (r->trace) record(r, addr, v, c->dist, lp, c->site, true, false);
  weigh_event(r, f, c->site, c->dist, v, lp);
}

/* The plain case kept short, as it runs once per particle per step (SMC,
 * importance) or once per observe per move (MCMC): observes need an address
 * only for validation's overrides, or when a trace records them or a replay
 * map may give their values, which RUN_UNRECORDED_OBSERVES rules out. */
static void on_observe(VM *vm, Fiber *f, const Choice *c, Value v) {
  Run *r = f->hdata;
  if (vm->rt->observe_override || ((r->trace || r->replay) && !(r->flags & RUN_UNRECORDED_OBSERVES))) {
    observe_addressed(vm, f, c, v);
    return;
  }
  ObjDist *d = AS_DIST(c->dist);
  weigh_event(r, f, c->site, c->dist, v, d->cls->logpdf(vm, d, v));
}

static void on_factor(VM *vm, Fiber *f, const Choice *c, double log_w) {
  (void)vm;
  Run *r = f->hdata;
  weigh_event(r, f, c->site, VAL_NIL, c->site->op == SITE_CONDITION ? VAL_FALSE : val_num(log_w), log_w);
}

const Handler run_handler = {"run", on_sample, on_observe, on_factor};

static Value top_sample(VM *vm, Fiber *f, const Choice *c) {
  (void)f;
  ObjDist *d = AS_DIST(c->dist);
  return rand_draw(vm, d);
}

static _Noreturn void outside_model(VM *vm, const char *what) {
  vm_error_hint(vm,
                "evidence belongs in a model: a function of no arguments that you pass to infer, "
                "e.g. infer(model, importance({particles: 1000}))",
                "%s is only meaningful inside a model run by infer", what);
}

static void top_observe(VM *vm, Fiber *f, const Choice *c, Value v) {
  (void)f;
  (void)c;
  (void)v;
  outside_model(vm, "observe");
}

static void top_factor(VM *vm, Fiber *f, const Choice *c, double log_w) {
  (void)f;
  (void)log_w;
  outside_model(vm, c->site->op == SITE_CONDITION ? "condition" : "factor");
}

const Handler toplevel_handler = {"toplevel", top_sample, top_observe, top_factor};

Fiber *run_fiber(VM *vm, Value model, Run *r) {
  Fiber *f = fiber_new(vm, model, 0, NULL);
  f->handler = &run_handler;
  f->hdata = r;
  return f;
}

FiberState run_step(VM *vm, Fiber *f) {
  FiberState st = vm_run(vm, f);
  if (st == FIBER_ERROR) vm_rethrow(vm);
  return st;
}

void run_to_end(VM *vm, Fiber *f) {
  while (run_step(vm, f) == FIBER_SUSPENDED) {
  }
}

void run_check_model(VM *vm, const char *who, Value model) {
  if (val_is(model, OBJ_CLOSURE)) {
    int arity = AS_CLOSURE(model)->fn->arity;
    if (arity == 0) return;
    vm_error_hint(vm, "wrap it in a function of no arguments: fn() { model(data) }",
                  "%s: the model must be a function of no arguments, but it takes %d", who, arity);
  }
  vm_type_error(vm, who, 0, "a model (a function of no arguments)", model);
}
