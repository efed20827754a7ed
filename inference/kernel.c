/* kernel.c — MCMC kernels and their combinators (see kernel.h).
 *
 * Every basic kernel proposes new values for some choices, re-runs the model
 * (mc_rerun) and accepts with
 *
 *   log a = log p(x') - log p(x)              target: prior x likelihood
 *         + log q(x | x') - log q(x' | x)     the proposal, back and forth
 *         + log p(stale) - log p(fresh)       choices that disappeared or
 *                                             appeared, drawn from the prior
 *
 * and single_site adds log |X| - log |X'| for picking one of the unobserved
 * choices uniformly (the counts differ when control flow changes).
 */
#include "kernel.h"

#include <gc/gc.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "rand.h"
#include "vm/dist.h"
#include "vm/print.h"

typedef enum KernelKind {
  K_SITE,     /* single_site() */
  K_DRIFT,    /* drift(addr, scale) */
  K_PRIOR,    /* prior_kernel(addr) */
  K_GIBBS,    /* gibbs(addr) */
  K_PROPOSAL, /* proposal_kernel(q) */
  K_CYCLE,    /* cycle([k, ...]) */
  K_MIX,      /* mix([k, ...], [w, ...]) */
  K_REPEAT,   /* repeat_kernel(k, n) */
} KernelKind;

typedef struct Kernel {
  KernelKind kind;
  ObjString *addr; /* drift, prior_kernel, gibbs */
  double scale;    /* drift */
  Value fn;        /* proposal_kernel: q */
  Value *parts;    /* cycle, mix, repeat_kernel: kernel values */
  uint32_t n_parts;
  double *weights; /* mix: as given */
  long times;      /* repeat_kernel */
} Kernel;

/* How many parts of a cycle or mix are shown when it is printed. */
#define KERNEL_SHOWN 4

/* The acceptance rate single_site's random walks are tuned toward during
 * burn-in (the optimum for one-dimensional Gaussian targets). */
#define SITE_TARGET_ACCEPT 0.44

/* ------------------------------------------------------------ the value */

static void kernel_write(StrBuf *sb, const ObjNative *self);

static const NativeClass kernel_native = {"kernel", kernel_write, NULL, NULL};

bool kernel_is(Value v) { return val_is(v, OBJ_NATIVE) && AS_NATIVE(v)->cls == &kernel_native; }
static const Kernel *kernel_of(Value v) { return AS_NATIVE(v)->data; }

static void kernel_write(StrBuf *sb, const ObjNative *self) {
  const Kernel *k = self->data;
  switch (k->kind) {
  case K_SITE: sb_puts(sb, "single_site()"); break;
  case K_DRIFT:
    sb_puts(sb, "drift(");
    val_write(sb, val_obj(k->addr), true);
    sb_printf(sb, ", %s)", num_fmt(k->scale).s);
    break;
  case K_PRIOR:
  case K_GIBBS:
    sb_puts(sb, k->kind == K_PRIOR ? "prior_kernel(" : "gibbs(");
    val_write(sb, val_obj(k->addr), true);
    sb_putc(sb, ')');
    break;
  case K_PROPOSAL:
    sb_puts(sb, "proposal_kernel(");
    val_write(sb, k->fn, true);
    sb_putc(sb, ')');
    break;
  case K_CYCLE:
  case K_MIX: {
    /* long schedules (one kernel per choice) show their first few parts */
    uint32_t shown = k->n_parts > KERNEL_SHOWN + 1 ? KERNEL_SHOWN : k->n_parts;
    sb_puts(sb, k->kind == K_CYCLE ? "cycle([" : "mix([");
    for (uint32_t i = 0; i < shown; i++) {
      if (i) sb_puts(sb, ", ");
      val_write(sb, k->parts[i], true);
    }
    if (shown < k->n_parts) sb_printf(sb, ", ... %u kernels in all", k->n_parts);
    sb_putc(sb, ']');
    if (k->kind == K_MIX) {
      sb_puts(sb, ", [");
      for (uint32_t i = 0; i < shown; i++) sb_printf(sb, "%s%s", i ? ", " : "", num_fmt(k->weights[i]).s);
      if (shown < k->n_parts) sb_puts(sb, ", ...");
      sb_putc(sb, ']');
    }
    sb_putc(sb, ')');
    break;
  }
  case K_REPEAT:
    sb_puts(sb, "repeat_kernel(");
    val_write(sb, k->parts[0], true);
    sb_printf(sb, ", %ld)", k->times);
    break;
  }
}

static char *kernel_text(const Kernel *k) {
  ObjNative tmp;
  tmp.cls = &kernel_native;
  tmp.data = (void *)k;
  StrBuf sb;
  sb_init(&sb);
  kernel_write(&sb, &tmp);
  char *s = GC_MALLOC_ATOMIC(sb.len + 1);
  memcpy(s, sb.data, sb.len + 1);
  sb_free(&sb);
  return s;
}

static Value kernel_new(Kernel *k) { return val_obj(obj_native(&kernel_native, k)); }

/* ---------------------------------------------------------------- stats */

static void collect(MCStats *st, uint32_t *cap, const Kernel *k) {
  if (k->kind == K_CYCLE || k->kind == K_MIX || k->kind == K_REPEAT) {
    for (uint32_t i = 0; i < k->n_parts; i++) collect(st, cap, kernel_of(k->parts[i]));
    return;
  }
  for (uint32_t i = 0; i < st->n; i++)
    if (st->kernels[i] == k) return;
  if (st->n == *cap) {
    *cap = *cap ? *cap * 2 : 4;
    st->kernels = GC_REALLOC(st->kernels, sizeof(Kernel *) * *cap);
  }
  st->kernels[st->n++] = k;
}

MCStats *mc_stats_new(VM *vm, Value kernel) {
  (void)vm;
  MCStats *st = GC_MALLOC(sizeof *st);
  memset(st, 0, sizeof *st);
  uint32_t cap = 0;
  collect(st, &cap, kernel_of(kernel));
  size_t bytes = sizeof(uint64_t) * (st->n ? st->n : 1);
  st->proposed = GC_MALLOC_ATOMIC(bytes);
  st->accepted = GC_MALLOC_ATOMIC(bytes);
  st->absent = GC_MALLOC_ATOMIC(bytes);
  memset(st->proposed, 0, bytes);
  memset(st->accepted, 0, bytes);
  memset(st->absent, 0, bytes);
  table_init(&st->scales);
  return st;
}

void mc_stats_add(MCStats *a, const MCStats *b) {
  for (uint32_t i = 0; i < a->n && i < b->n; i++) {
    a->proposed[i] += b->proposed[i];
    a->accepted[i] += b->accepted[i];
    a->absent[i] += b->absent[i];
  }
}

static const char *kind_name(KernelKind k) {
  switch (k) {
  case K_SITE: return "single_site";
  case K_DRIFT: return "drift";
  case K_PRIOR: return "prior_kernel";
  case K_GIBBS: return "gibbs";
  case K_PROPOSAL: return "proposal_kernel";
  default: return "kernel";
  }
}

static void describe_rate(StrBuf *sb, uint64_t proposed, uint64_t accepted) {
  if (proposed) sb_printf(sb, " %.3f", (double)accepted / (double)proposed);
  else sb_puts(sb, " (no proposals)");
}

/* Each basic kernel with its rate; with many, the kernels of one kind (the
 * gibbs kernels of every label, say) share one entry. */
char *mc_stats_describe(const MCStats *st) {
  StrBuf sb;
  sb_init(&sb);
  bool grouped = st->n > KERNEL_SHOWN + 2;
  bool first = true;
  for (uint32_t i = 0; i < st->n; i++) {
    KernelKind kind = st->kernels[i]->kind;
    uint64_t proposed = st->proposed[i], accepted = st->accepted[i];
    uint32_t same = 1;
    if (grouped) {
      bool seen = false;
      for (uint32_t j = 0; j < i; j++) seen = seen || st->kernels[j]->kind == kind;
      if (seen) continue;
      for (uint32_t j = i + 1; j < st->n; j++)
        if (st->kernels[j]->kind == kind) {
          proposed += st->proposed[j];
          accepted += st->accepted[j];
          same++;
        }
    }
    if (!first) sb_puts(&sb, ", ");
    first = false;
    if (same > 1) sb_printf(&sb, "%s (%u kernels)", kind_name(kind), same);
    else sb_puts(&sb, kernel_text(st->kernels[i]));
    describe_rate(&sb, proposed, accepted);
  }
  char *s = GC_MALLOC_ATOMIC(sb.len + 1);
  memcpy(s, sb.data, sb.len + 1);
  sb_free(&sb);
  return s;
}

const char *mc_stats_never_found(const MCStats *st) {
  for (uint32_t i = 0; i < st->n; i++)
    if (st->kernels[i]->addr && st->proposed[i] == 0 && st->absent[i] > 0) return kernel_text(st->kernels[i]);
  return NULL;
}

static int slot_of(const MCStats *st, const Kernel *k) {
  if (!st) return -1;
  for (uint32_t i = 0; i < st->n; i++)
    if (st->kernels[i] == k) return (int)i;
  return -1;
}

static void count(MCStats *st, int slot, bool accepted) {
  if (slot < 0) return;
  st->proposed[slot]++;
  if (accepted) st->accepted[slot]++;
}

static void count_absent(MCStats *st, int slot) {
  if (slot >= 0) st->absent[slot]++;
}

/* ------------------------------------------------------------- helpers */

/* A standard normal draw from the inference source (inverse CDF). */
static double std_normal(InfRand *rnd) {
  double u;
  do u = rnd->uniform(rnd);
  while (u <= 0);
  return gsl_cdf_ugaussian_Pinv(u);
}

/* Metropolis-Hastings: accept with probability min(1, exp(log_a)), as a
 * categorical decision (so that it can be enumerated). */
static bool mh_accept(VM *vm, double log_a) { return rand_accept(rand_of(vm), log_a); }

/* A change map of one address, kept in the caller's frame: a change map is
 * read only while mc_rerun runs (nothing holds on to it once it returns), so
 * a single-choice proposal, one per move, needs no table on the heap. */
typedef struct OneChange {
  Table map;
  TableEntry slots[4]; /* a power of two, with room for one entry (table.h) */
} OneChange;

static const Table *single_change(OneChange *c, ObjString *addr, Value v) {
  memset(c->slots, 0, sizeof c->slots);
  c->map.entries = c->slots;
  c->map.count = 0;
  c->map.cap = sizeof c->slots / sizeof c->slots[0];
  table_set(&c->map, addr, v);
  return &c->map;
}

static double log_sum_exp(const double *w, uint32_t n) {
  double max = -INFINITY;
  for (uint32_t i = 0; i < n; i++)
    if (w[i] > max) max = w[i];
  if (max == -INFINITY) return -INFINITY;
  double s = 0;
  for (uint32_t i = 0; i < n; i++) s += exp(w[i] - max);
  return max + log(s);
}

static void dist_text(Value d, char *buf, size_t n) {
  StrBuf sb;
  sb_init(&sb);
  val_write(&sb, d, true);
  snprintf(buf, n, "%s", sb.data);
  sb_free(&sb);
}

/* The unobserved choice of s at addr, or NULL. */
static const TraceChoice *latent_at(const MCState *s, const ObjString *addr) {
  const TraceChoice *c = trace_find(s->trace, addr);
  return c && !c->observed ? c : NULL;
}

static bool is_continuous(const TraceChoice *c) {
  return AS_DIST(c->dist)->cls->kind == DIST_CONTINUOUS && val_is_num(c->value);
}

/* ---------------------------------------------------- single_site, drift */

/* The adaptive random-walk scale of single_site for addr: a cell
 * [log scale, updates] (an array only this file sees, updated in place),
 * made on first use from the prior's sd. */
static ObjArray *scale_cell(VM *vm, MCStats *st, const TraceChoice *c) {
  Value cell;
  if (table_get(&st->scales, c->addr, &cell)) return AS_ARRAY(cell);
  double scale = 1;
  ObjDist *d = AS_DIST(c->dist);
  if (d->cls->variance) {
    Value var = d->cls->variance(vm, d);
    if (val_is_num(var) && isfinite(val_as_num(var)) && val_as_num(var) > 0) scale = sqrt(val_as_num(var));
  }
  ObjArray *a = obj_array(2);
  a->items[0] = val_num(log(scale));
  a->items[1] = val_num(0);
  table_set(&st->scales, c->addr, val_obj(a));
  return a;
}

/* Robbins-Monro on the log scale toward the target acceptance rate. */
static void adapt(ObjArray *cell, double log_a) {
  double a = isnan(log_a) ? 0 : log_a >= 0 ? 1 : exp(log_a);
  double k = val_as_num(cell->items[1]) + 1;
  cell->items[0] = val_num(val_as_num(cell->items[0]) + pow(k, -0.6) * (a - SITE_TARGET_ACCEPT));
  cell->items[1] = val_num(k);
}

/* One MH step changing the choice c of s to v. log_q is log q(x|x') - log
 * q(x'|x) for the value; site_pick adds the uniform choice of a site. */
static MCState *propose_value(VM *vm, MCState *s, const TraceChoice *c, Value v, double log_q, bool site_pick,
                              bool correct, double *log_a_out) {
  MCMove mv;
  OneChange change;
  MCState *n = mc_rerun(vm, s, single_change(&change, c->addr, v), &mv);
  double log_a = -INFINITY;
  if (n) {
    log_a = mc_log_target(n) - mc_log_target(s) + log_q;
    if (correct) {
      log_a += mv.log_stale - mv.log_fresh;
      if (site_pick) log_a += log((double)s->n_latent) - log((double)n->n_latent);
    }
  }
  if (log_a_out) *log_a_out = log_a;
  return n && mh_accept(vm, log_a) ? n : NULL;
}

static MCState *site_step(VM *vm, const Kernel *k, MCState *s, MCStats *st, int slot) {
  (void)k;
  if (s->n_latent == 0) return s;
  /* the site, uniformly among the latent choices (a categorical decision) */
  InfRand *rnd = rand_of(vm);
  double few[16]; /* the weights, on the stack unless there are many */
  double *equal = s->n_latent <= 16 ? few : GC_MALLOC_ATOMIC(sizeof(double) * s->n_latent);
  for (uint32_t j = 0; j < s->n_latent; j++) equal[j] = 1;
  uint32_t i = (uint32_t)rnd->categorical(rnd, equal, s->n_latent);
  const TraceChoice *c = mc_latent(s, i);
  bool correct = !(st && st->no_fresh_stale);
  MCState *n;
  if (is_continuous(c)) {
    ObjArray *cell = NULL;
    double scale = 1;
    if (st) {
      cell = scale_cell(vm, st, c);
      scale = exp(val_as_num(cell->items[0]));
    }
    Value v = val_num(val_as_num(c->value) + scale * std_normal(rnd));
    double log_a;
    n = propose_value(vm, s, c, v, 0, true, correct, &log_a);
    if (cell && st->adapting) adapt(cell, log_a);
  } else {
    ObjDist *d = AS_DIST(c->dist);
    Value v = rand_draw(vm, d);
    if (val_equal(v, c->value)) {
      count(st, slot, true);
      return s;
    }
    double log_q = c->logp - d->cls->logpdf(vm, d, v);
    n = propose_value(vm, s, c, v, log_q, true, correct, NULL);
  }
  count(st, slot, n != NULL);
  return n ? n : s;
}

static MCState *drift_step(VM *vm, const Kernel *k, MCState *s, MCStats *st, int slot) {
  const TraceChoice *c = latent_at(s, k->addr);
  if (!c) {
    count_absent(st, slot);
    return s;
  }
  if (!is_continuous(c)) {
    char d[200];
    dist_text(c->dist, d, sizeof d);
    vm_error_hint(vm, "drift moves continuous choices; use prior_kernel or gibbs for a discrete one",
                  "drift: the choice '%s' is from %s, which is not continuous", k->addr->chars, d);
  }
  InfRand *rnd = rand_of(vm);
  Value v = val_num(val_as_num(c->value) + k->scale * std_normal(rnd));
  MCState *n = propose_value(vm, s, c, v, 0, false, true, NULL);
  count(st, slot, n != NULL);
  return n ? n : s;
}

static MCState *prior_step(VM *vm, const Kernel *k, MCState *s, MCStats *st, int slot) {
  const TraceChoice *c = latent_at(s, k->addr);
  if (!c) {
    count_absent(st, slot);
    return s;
  }
  ObjDist *d = AS_DIST(c->dist);
  Value v = rand_draw(vm, d);
  if (val_equal(v, c->value)) {
    count(st, slot, true);
    return s;
  }
  double log_q = c->logp - d->cls->logpdf(vm, d, v);
  MCState *n = propose_value(vm, s, c, v, log_q, false, true, NULL);
  count(st, slot, n != NULL);
  return n ? n : s;
}

/* ---------------------------------------------------------------- gibbs */

/* Candidates for gibbs: the state with the choice set to each value of
 * its support. w[j] = log p(x_j) - log q(fresh_j), the weight of a
 * candidate whose new choices came from the prior (for the current value,
 * log p(x)). */
typedef struct Candidates {
  MCState **states;
  double *w;
  double *log_stale; /* of the move from the reference state to each candidate */
  bool structural;   /* some candidate made choices appear or disappear */
} Candidates;

static Candidates candidates(VM *vm, MCState *from, ObjString *addr, ObjArray *support, int current, int skip) {
  Candidates cs;
  uint32_t n = support->len;
  cs.states = GC_MALLOC(sizeof(MCState *) * n);
  cs.w = GC_MALLOC_ATOMIC(sizeof(double) * n);
  cs.log_stale = GC_MALLOC_ATOMIC(sizeof(double) * n);
  cs.structural = false;
  const TraceChoice *c = latent_at(from, addr);
  ObjDist *d = AS_DIST(c->dist);
  for (uint32_t j = 0; j < n; j++) {
    cs.states[j] = NULL;
    cs.w[j] = -INFINITY;
    cs.log_stale[j] = 0;
    if ((int)j == current) {
      cs.states[j] = from;
      cs.w[j] = mc_log_target(from);
      continue;
    }
    if ((int)j == skip || d->cls->logpdf(vm, d, support->items[j]) == -INFINITY) continue;
    MCMove mv;
    OneChange change;
    MCState *x = mc_rerun(vm, from, single_change(&change, addr, support->items[j]), &mv);
    if (!x) {
      /* impossible, but perhaps only for the fresh values it drew */
      if (mv.n_fresh) cs.structural = true;
      continue;
    }
    if (mv.n_fresh || mv.n_stale) cs.structural = true;
    cs.states[j] = x;
    cs.w[j] = mc_log_target(x) - mv.log_fresh;
    cs.log_stale[j] = mv.log_stale;
  }
  return cs;
}

static int index_in(ObjArray *support, Value v) {
  for (uint32_t j = 0; j < support->len; j++)
    if (val_equal(support->items[j], v)) return (int)j;
  return -1;
}

static size_t pick(VM *vm, const double *logw, uint32_t n) {
  double max = -INFINITY;
  for (uint32_t i = 0; i < n; i++)
    if (logw[i] > max) max = logw[i];
  double *p = GC_MALLOC_ATOMIC(sizeof(double) * n);
  for (uint32_t i = 0; i < n; i++) p[i] = logw[i] == -INFINITY ? 0 : exp(logw[i] - max);
  InfRand *rnd = rand_of(vm);
  return rnd->categorical(rnd, p, n);
}

/* Without fresh or stale choices this is the exact conditional. With them,
 * it is multiple-try Metropolis over the extended space of candidates: the
 * reverse move's candidates are made from the chosen state (the old state
 * among them, weighted by the prior density of the choices it needs
 * afresh), and the move is accepted with probability min(1, W / W'), the
 * ratio of the two candidate sets' total weights. When no candidate makes a
 * choice appear or disappear the two sets coincide and W = W'. */
static MCState *gibbs_step(VM *vm, const Kernel *k, MCState *s, MCStats *st, int slot) {
  const TraceChoice *c = latent_at(s, k->addr);
  if (!c) {
    count_absent(st, slot);
    return s;
  }
  ObjDist *d = AS_DIST(c->dist);
  ObjArray *support = d->cls->support ? d->cls->support(vm, d) : NULL;
  if (!support) {
    char text[200];
    dist_text(c->dist, text, sizeof text);
    vm_error_hint(vm, "gibbs enumerates the values of a choice with a finite support (bernoulli, categorical, "
                  "uniform_int, binomial...); use drift or prior_kernel for this one",
                  "gibbs: the choice '%s' is from %s, which has %s support", k->addr->chars, text,
                  d->cls->kind == DIST_DISCRETE ? "an infinite" : "a continuous");
  }
  int cur = index_in(support, c->value);
  if (cur < 0) return s;
  Candidates fwd = candidates(vm, s, k->addr, support, cur, -1);
  int j = (int)pick(vm, fwd.w, support->len);
  if (j == cur || !fwd.structural) {
    count(st, slot, true);
    return fwd.states[j];
  }
  MCState *x = fwd.states[j];
  Candidates rev = candidates(vm, x, k->addr, support, j, cur);
  rev.w[cur] = mc_log_target(s) - fwd.log_stale[j];
  double log_a = log_sum_exp(fwd.w, support->len) - log_sum_exp(rev.w, support->len);
  bool ok = mh_accept(vm, log_a);
  count(st, slot, ok);
  return ok ? x : s;
}

/* ------------------------------------------------------ proposal_kernel */

static _Noreturn void proposal_error(VM *vm, const Kernel *k, const char *hint, const char *fmt, const char *a) {
  ObjFunction *fn = AS_CLOSURE(k->fn)->fn;
  char msg[400];
  snprintf(msg, sizeof msg, fmt, a);
  vm_error_note(vm, fn->src, fn->span, "the proposal is defined here", hint, "%s", msg);
}

/* Runs q(tr) with a trace of its choices; replay (when given) fixes their
 * values and weighs them. Returns the run. */
static Run *run_proposal(VM *vm, const Kernel *k, Trace *tr, const Table *replay) {
  Run *r = run_new(replay ? RUN_WEIGH_REPLAYED : 0);
  r->trace = trace_new();
  r->replay = replay;
  Value arg = trace_value(tr);
  Fiber *f = fiber_new(vm, k->fn, 1, &arg);
  f->handler = &run_handler;
  f->hdata = r;
  run_to_end(vm, f);
  if (r->n_weighed > 0)
    proposal_error(vm, k, "a proposal only draws new values with sample(\"addr\", D); the model's observations "
                   "are already in the target",
                   "proposal_kernel: the proposal used observe, factor or condition%s", "");
  r->trace->log_weight = f->log_weight;
  return r;
}

static MCState *proposal_step(VM *vm, const Kernel *k, MCState *s, MCStats *st, int slot) {
  Run *fwd = run_proposal(vm, k, s->trace, NULL);
  const Trace *qt = fwd->trace;
  if (qt->n == 0) return s;
  Table *change = GC_MALLOC(sizeof *change);
  table_init(change);
  Table *back = GC_MALLOC(sizeof *back); /* the old values, for scoring the way back */
  table_init(back);
  double log_qf = 0;
  for (uint32_t i = 0; i < qt->n; i++) {
    const TraceChoice *qc = &qt->choices[i];
    const TraceChoice *c = latent_at(s, qc->addr);
    if (!c)
      proposal_error(vm, k,
                     "a proposal changes choices the model has made, each named by its address: "
                     "sample(\"mu\", normal(tr[\"mu\"], 0.5)) (see keys(tr.choices))",
                     "proposal_kernel: the proposal sampled '%s', which is not a choice of the model's trace",
                     qc->addr->chars);
    table_set(change, qc->addr, qc->value);
    table_set(back, qc->addr, c->value);
    log_qf += qc->logp;
  }
  MCMove mv;
  MCState *n = mc_rerun(vm, s, change, &mv);
  bool ok = false;
  if (n && mv.changes_used) {
    /* the way back: q on the new trace must draw the same addresses, and
     * is scored at the old values */
    Run *rev = run_proposal(vm, k, n->trace, back);
    bool same = rev->trace->n == qt->n;
    for (uint32_t i = 0; same && i < rev->trace->n; i++) {
      const TraceChoice *rc = &rev->trace->choices[i];
      Value unused;
      if (!rc->reused || !table_get(back, rc->addr, &unused)) same = false;
    }
    if (same) {
      double log_a = mc_log_target(n) - mc_log_target(s) + rev->trace->log_weight - log_qf + mv.log_stale -
                     mv.log_fresh;
      ok = mh_accept(vm, log_a);
    }
  }
  count(st, slot, ok);
  return ok ? n : s;
}

/* -------------------------------------------------------------- apply */

MCState *kernel_apply(VM *vm, Value kernel, Value model, MCState *s, MCStats *stats) {
  (void)model;
  const Kernel *k = kernel_of(kernel);
  switch (k->kind) {
  case K_SITE: return site_step(vm, k, s, stats, slot_of(stats, k));
  case K_DRIFT: return drift_step(vm, k, s, stats, slot_of(stats, k));
  case K_PRIOR: return prior_step(vm, k, s, stats, slot_of(stats, k));
  case K_GIBBS: return gibbs_step(vm, k, s, stats, slot_of(stats, k));
  case K_PROPOSAL: return proposal_step(vm, k, s, stats, slot_of(stats, k));
  case K_CYCLE:
    for (uint32_t i = 0; i < k->n_parts; i++) s = kernel_apply(vm, k->parts[i], model, s, stats);
    return s;
  case K_MIX: {
    InfRand *rnd = rand_of(vm);
    size_t i = rnd->categorical(rnd, k->weights, k->n_parts);
    return kernel_apply(vm, k->parts[i], model, s, stats);
  }
  case K_REPEAT:
    for (long i = 0; i < k->times; i++) s = kernel_apply(vm, k->parts[0], model, s, stats);
    return s;
  }
  return s;
}

/* --------------------------------------------------------- constructors */

static Kernel *kernel_alloc(KernelKind kind) {
  Kernel *k = GC_MALLOC(sizeof *k);
  memset(k, 0, sizeof *k);
  k->kind = kind;
  k->fn = VAL_NIL;
  return k;
}

Value kernel_single_site(VM *vm) {
  (void)vm;
  return kernel_new(kernel_alloc(K_SITE));
}

static Value b_single_site(VM *vm, int argc, const Value *args) {
  (void)argc;
  (void)args;
  return kernel_single_site(vm);
}

static ObjString *arg_address(VM *vm, const char *who, const Value *args, int i) {
  ObjString *s = vm_arg_string(vm, who, args, i);
  return vm_intern(vm, s->chars, s->len);
}

static Value b_drift(VM *vm, int argc, const Value *args) {
  (void)argc;
  Kernel *k = kernel_alloc(K_DRIFT);
  k->addr = arg_address(vm, "drift", args, 0);
  k->scale = vm_arg_num(vm, "drift", args, 1);
  if (!(k->scale > 0) || !isfinite(k->scale))
    vm_error(vm, "drift: the scale must be a positive number, got %s", num_fmt(k->scale).s);
  return kernel_new(k);
}

static Value b_prior_kernel(VM *vm, int argc, const Value *args) {
  (void)argc;
  Kernel *k = kernel_alloc(K_PRIOR);
  k->addr = arg_address(vm, "prior_kernel", args, 0);
  return kernel_new(k);
}

static Value b_gibbs(VM *vm, int argc, const Value *args) {
  (void)argc;
  Kernel *k = kernel_alloc(K_GIBBS);
  k->addr = arg_address(vm, "gibbs", args, 0);
  return kernel_new(k);
}

static Value b_proposal_kernel(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (!val_is(args[0], OBJ_CLOSURE) || AS_CLOSURE(args[0])->fn->arity != 1)
    vm_type_error(vm, "proposal_kernel", 0, "a function of one argument (the current trace)", args[0]);
  Kernel *k = kernel_alloc(K_PROPOSAL);
  k->fn = args[0];
  return kernel_new(k);
}

/* args[i] as a non-empty array of kernels. */
static ObjArray *arg_kernels(VM *vm, const char *who, const Value *args, int i) {
  ObjArray *a = vm_arg_array(vm, who, args, i);
  if (a->len == 0) vm_error(vm, "%s: the array of kernels is empty", who);
  for (uint32_t j = 0; j < a->len; j++)
    if (!kernel_is(a->items[j])) {
      StrBuf sb;
      sb_init(&sb);
      val_describe(&sb, a->items[j]);
      char got[200];
      snprintf(got, sizeof got, "%s", sb.data);
      sb_free(&sb);
      vm_error_hint(vm, "kernels: single_site(), drift(addr, scale), prior_kernel(addr), gibbs(addr), "
                    "proposal_kernel(q), cycle, mix, repeat_kernel",
                    "%s: element %u of the array must be a kernel, got %s", who, j, got);
    }
  return a;
}

static Value b_cycle(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *a = arg_kernels(vm, "cycle", args, 0);
  Kernel *k = kernel_alloc(K_CYCLE);
  k->parts = a->items;
  k->n_parts = a->len;
  return kernel_new(k);
}

static Value b_mix(VM *vm, int argc, const Value *args) {
  (void)argc;
  ObjArray *a = arg_kernels(vm, "mix", args, 0);
  ObjArray *w = vm_arg_array(vm, "mix", args, 1);
  if (w->len != a->len)
    vm_error(vm, "mix: %u kernels but %u weight%s: give one weight per kernel", a->len, w->len, w->len == 1 ? "" : "s");
  Kernel *k = kernel_alloc(K_MIX);
  k->parts = a->items;
  k->n_parts = a->len;
  k->weights = GC_MALLOC_ATOMIC(sizeof(double) * a->len);
  double total = 0;
  for (uint32_t i = 0; i < w->len; i++) {
    Value x = w->items[i];
    if (!val_is_num(x) || !(val_as_num(x) >= 0) || !isfinite(val_as_num(x))) {
      StrBuf sb;
      sb_init(&sb);
      val_describe(&sb, x);
      char got[200];
      snprintf(got, sizeof got, "%s", sb.data);
      sb_free(&sb);
      vm_error(vm, "mix: weight %u must be a finite number >= 0, got %s", i, got);
    }
    k->weights[i] = val_as_num(x);
    total += k->weights[i];
  }
  if (!(total > 0)) vm_error(vm, "mix: the weights are all zero");
  return kernel_new(k);
}

static Value b_repeat_kernel(VM *vm, int argc, const Value *args) {
  (void)argc;
  if (!kernel_is(args[0])) vm_type_error(vm, "repeat_kernel", 0, "a kernel", args[0]);
  Kernel *k = kernel_alloc(K_REPEAT);
  k->parts = GC_MALLOC(sizeof(Value));
  k->parts[0] = args[0];
  k->n_parts = 1;
  k->times = vm_arg_int(vm, "repeat_kernel", args, 1, 1, 1000000000L);
  return kernel_new(k);
}

void kernel_install(VM *vm) {
  vm_def_builtin(vm, "single_site", b_single_site, 0, 0);
  vm_def_builtin(vm, "drift", b_drift, 2, 2);
  vm_def_builtin(vm, "prior_kernel", b_prior_kernel, 1, 1);
  vm_def_builtin(vm, "gibbs", b_gibbs, 1, 1);
  vm_def_builtin(vm, "proposal_kernel", b_proposal_kernel, 1, 1);
  vm_def_builtin(vm, "cycle", b_cycle, 1, 1);
  vm_def_builtin(vm, "mix", b_mix, 2, 2);
  vm_def_builtin(vm, "repeat_kernel", b_repeat_kernel, 2, 2);
}
