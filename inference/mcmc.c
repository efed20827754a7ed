/* mcmc.c — chain states and re-execution with replay (see mcmc.h). */
#include "mcmc.h"

#include <gc/gc.h>
#include <math.h>
#include <string.h>

static void tally(MCState *s) {
  s->log_prior = 0;
  s->n_latent = 0;
  const Trace *t = s->trace;
  for (uint32_t i = 0; i < t->n; i++)
    if (!t->choices[i].observed) {
      s->log_prior += t->choices[i].logp;
      s->n_latent++;
    }
}

MCState *mc_state_from_fiber(VM *vm, Value model, Fiber *f) {
  Run *r = f->hdata;
  if (f->handler != &run_handler || !r || !r->trace)
    vm_error(vm, "internal error: an MCMC state needs a fiber run with a trace");
  MCState *s = GC_MALLOC(sizeof *s);
  s->model = model;
  s->fiber = f;
  s->run = r;
  s->trace = r->trace;
  s->log_weight = f->log_weight;
  s->n_weighed = r->n_weighed;
  s->partial = f->state != FIBER_DONE;
  tally(s);
  return s;
}

MCState *mc_state_from_prior(VM *vm, Value model, unsigned flags) {
  Run *r = run_new(flags);
  r->trace = trace_new();
  Fiber *f = run_fiber(vm, model, r);
  run_to_end(vm, f);
  r->trace->retval = f->result;
  r->trace->log_weight = f->log_weight;
  return mc_state_from_fiber(vm, model, f);
}

const TraceChoice *mc_latent(const MCState *s, uint32_t i) {
  const Trace *t = s->trace;
  if (s->n_latent == t->n) return &t->choices[i];
  for (uint32_t j = 0; j < t->n; j++)
    if (!t->choices[j].observed && i-- == 0) return &t->choices[j];
  return NULL;
}

Value mc_result(const MCState *s) { return s->partial ? VAL_NIL : s->fiber->result; }

/* The last choice recorded has zero density (the run stopped for it). */
static bool last_choice_impossible(const Run *r) {
  const Trace *t = r->trace;
  return t->n > 0 && t->choices[t->n - 1].logp == -INFINITY;
}

MCState *mc_rerun(VM *vm, const MCState *s, const Table *change, MCMove *mv) {
  const Trace *old = s->trace;
  Run *r = run_new((s->run->flags & ~(unsigned)RUN_WEIGH_REPLAYED) | RUN_STOP_IF_IMPOSSIBLE);
  r->trace = trace_new(); /* sized by its first record (run.c) */
  r->replay = change;
  r->reuse = old;
  r->reuse_marks = GC_MALLOC_ATOMIC(old->n ? old->n : 1);
  memset(r->reuse_marks, 0, old->n ? old->n : 1);
  Fiber *f = run_fiber(vm, s->model, r);
  memset(mv, 0, sizeof *mv);
  if (!s->partial || s->n_weighed > 0) {
    for (;;) {
      FiberState st = run_step(vm, f);
      if (f->log_weight == -INFINITY || last_choice_impossible(r)) {
        for (uint32_t i = 0; i < r->trace->n; i++) {
          const TraceChoice *c = &r->trace->choices[i];
          mv->n_fresh += !c->observed && !c->reused;
        }
        return NULL;
      }
      if (st == FIBER_DONE) break;
      if (s->partial && r->n_weighed >= s->n_weighed) break;
    }
  }
  /* from here on the run draws afresh */
  r->flags = s->run->flags;
  r->replay = NULL;
  r->reuse = NULL;
  uint8_t *marks = r->reuse_marks;
  r->reuse_marks = NULL;

  MCState *n = GC_MALLOC(sizeof *n);
  n->model = s->model;
  n->fiber = f;
  n->run = r;
  n->trace = r->trace;
  n->log_weight = f->log_weight;
  n->n_weighed = r->n_weighed;
  n->partial = f->state != FIBER_DONE;
  if (!n->partial) {
    r->trace->retval = f->result;
    r->trace->log_weight = f->log_weight;
  }
  tally(n);

  mv->changes_used = true;
  const Trace *t = n->trace;
  for (uint32_t i = 0; i < t->n; i++) {
    const TraceChoice *c = &t->choices[i];
    if (c->observed || c->reused) continue;
    mv->log_fresh += c->logp;
    mv->n_fresh++;
  }
  for (uint32_t i = 0; i < old->n; i++) {
    const TraceChoice *c = &old->choices[i];
    if (c->observed || marks[i]) continue;
    Value unused;
    if (change && table_get(change, c->addr, &unused)) {
      const TraceChoice *now = trace_find(t, c->addr);
      if (now && now->reused) continue; /* replaced by the change */
    }
    mv->log_stale += c->logp;
    mv->n_stale++;
  }
  if (change) {
    for (uint32_t i = 0; i < change->cap; i++) {
      ObjString *k = change->entries[i].key;
      if (!k) continue;
      const TraceChoice *now = trace_find(t, k);
      if (!now || now->observed || !now->reused) mv->changes_used = false;
    }
  }
  return n;
}
