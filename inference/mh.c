/* mh.c — Metropolis-Hastings: chains of kernel moves over traces.
 *
 *   mh({samples, burn, thin, chains, kernel, init_tries})
 *
 * Each chain starts from a run of the model from the prior with non-zero
 * weight (init_tries runs at most; then the error names the evidence that
 * ruled out most of them), applies the kernel (kernel.h; single_site() by
 * default) burn + samples * thin times, and keeps the model's return value
 * after every thin-th move past burn-in. single_site() tunes its random-walk
 * scales during burn-in and keeps them fixed afterwards, so the draws kept
 * come from a fixed, valid kernel.
 *
 * Chains are independent; with chains > 1 each runs on its own VM
 * (vm_fork) whose generator is seeded from the caller's generator, in
 * threads as cores allow. Chain i's draws depend only on its seed, so the
 * result for a given --seed is the same however the threads are scheduled.
 * A runtime error in chain i stops the chains after it; the error reported
 * is that of the first chain (by number) that failed.
 *
 * The posterior keeps each draw's chain, for split-R-hat and bulk/tail ESS
 * in summary (diagnostics.h), and the acceptance rate of every kernel.
 */
#include <gc/gc.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "diagnostics.h"
#include "evidence.h"
#include "inference.h"
#include "kernel.h"
#include "method.h"
#include "posterior.h"
#include "progress.h"
#include "rand.h"
#include "run.h"
#include "vm/print.h"

/* The most draws a posterior keeps (samples x chains). */
#define MH_MAX_DRAWS 100000000L

typedef struct MHConfig {
  long samples, burn, thin, chains, init_tries;
  Value kernel;
  Trace *init; /* the state to start from, or NULL: a run from the prior */
  bool no_fresh_stale; /* the hidden option _mutant: "no_fresh_stale" (tests only) */
} MHConfig;

typedef struct Chain {
  VM *vm;              /* the chain's own VM (NULL: the caller's) */
  unsigned long seed;
  Value *draws;        /* samples kept */
  MCStats *stats;
  bool failed;         /* a runtime error, in vm->error */
} Chain;

typedef struct Job {
  VM *vm; /* the caller's */
  const MHConfig *cfg;
  Value model;
  Chain *chains;
  Fiber *caller; /* the caller's running fiber: where errors are reported */
  atomic_uint next;         /* the next chain to start */
  atomic_int first_failed;  /* the lowest chain number that failed so far */
  atomic_uint_fast64_t moves; /* kernel applications done, for the progress bar */
  atomic_uint finished;     /* worker threads done */
} Job;

static bool outermost(VM *vm) { return vm->fiber && vm->fiber->handler == &toplevel_handler; }

/* A state to start from: a run from the prior with non-zero weight. */
static MCState *start(VM *vm, Value model, long tries) {
  Evidence ev;
  evidence_init(&ev);
  for (long i = 0; i < tries; i++) {
    MCState *s = mc_state_from_prior(vm, model, RUN_UNRECORDED_OBSERVES);
    if (isfinite(s->log_weight) && isfinite(s->log_prior)) return s;
    evidence_note(&ev, s->run);
  }
  evidence_fail(vm, &ev, "mh", (uint64_t)tries);
}

/* A state made from a given trace: the model run with its choices. */
static MCState *start_at(VM *vm, Value model, const Trace *init) {
  Run *r = run_new(RUN_UNRECORDED_OBSERVES);
  r->trace = trace_new();
  r->replay = trace_choice_table(init);
  Fiber *f = run_fiber(vm, model, r);
  run_to_end(vm, f);
  r->replay = NULL;
  return mc_state_from_fiber(vm, model, f);
}

static void run_chain(VM *vm, Job *job, int index, Progress *progress) {
  const MHConfig *cfg = job->cfg;
  Chain *c = &job->chains[index];
  c->stats = mc_stats_new(vm, cfg->kernel);
  c->stats->no_fresh_stale = cfg->no_fresh_stale;
  c->draws = GC_MALLOC(sizeof(Value) * (size_t)cfg->samples);
  MCState *s = cfg->init ? start_at(vm, job->model, cfg->init) : start(vm, job->model, cfg->init_tries);
  long total = cfg->burn + cfg->samples * cfg->thin, kept = 0;
  for (long it = 0; it < total; it++) {
    if (atomic_load(&job->first_failed) < index) return; /* an earlier chain failed */
    c->stats->adapting = it < cfg->burn;
    s = kernel_apply(vm, cfg->kernel, job->model, s, c->stats);
    if (it >= cfg->burn && (it - cfg->burn + 1) % cfg->thin == 0) c->draws[kept++] = mc_result(s);
    uint64_t done = atomic_fetch_add(&job->moves, 1) + 1;
    if (progress) progress_update(progress, done);
  }
}

/* Runs chain i on w; false after a runtime error (in w->error). */
static bool chain_ok(VM *w, Job *job, int i) {
  jmp_buf jb;
  w->on_error = &jb;
  if (setjmp(jb)) {
    w->on_error = NULL;
    return false;
  }
  run_chain(w, job, i, NULL);
  w->on_error = NULL;
  return true;
}

/* Runs chain i on its own VM; a failure stops the chains after it. */
static void run_guarded(Job *job, int i) {
  Chain *c = &job->chains[i];
  VM *w = vm_fork(job->vm, c->seed);
  w->fiber = job->caller; /* errors outside the model point at the infer call */
  c->vm = w;
  c->failed = !chain_ok(w, job, i);
  vm_report_steps(w); /* --max-steps bounds all chains together */
  gsl_rng_free(w->rng); /* an error stays in w->error; the generator is done */
  w->rng = NULL;
  if (!c->failed) return;
  /* Ctrl-C reaches one chain only (the flag is cleared when seen): it
   * stops every chain, not just the later ones */
  int stop = strcmp(w->error.message, "interrupted") == 0 ? -1 : i;
  int seen = atomic_load(&job->first_failed);
  while (stop < seen && !atomic_compare_exchange_weak(&job->first_failed, &seen, stop)) {
  }
}

static void *worker(void *arg) {
  Job *job = arg;
  for (;;) {
    unsigned i = atomic_fetch_add(&job->next, 1);
    if (i >= (unsigned)job->cfg->chains) break;
    if (atomic_load(&job->first_failed) < (int)i) continue;
    run_guarded(job, (int)i);
  }
  atomic_fetch_add(&job->finished, 1);
  return NULL;
}

static int threads_for(VM *vm, long chains) {
  if (chains < 2 || !outermost(vm)) return 1;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (cores < 1) cores = 1;
  return (int)(chains < cores ? chains : cores);
}

/* Chains 2 and more: each on a forked VM, in threads when there are cores. */
static void run_parallel(VM *vm, Job *job, Progress *progress) {
  const MHConfig *cfg = job->cfg;
  InfRand *rnd = rand_of(vm);
  for (long i = 0; i < cfg->chains; i++) job->chains[i].seed = 1 + (unsigned long)(rnd->uniform(rnd) * 4294967295.0);
  int n_threads = threads_for(vm, cfg->chains);
  if (n_threads == 1) {
    worker(job);
  } else {
    pthread_t *ts = GC_MALLOC_ATOMIC(sizeof(pthread_t) * (size_t)n_threads);
    int started = 0;
    for (int t = 0; t < n_threads; t++)
      if (pthread_create(&ts[t], NULL, worker, job) == 0) started++;
      else break;
    if (started == 0) worker(job);
    while (started && atomic_load(&job->finished) < (unsigned)started) {
      usleep(20000);
      progress_update(progress, atomic_load(&job->moves) & ~(uint64_t)63);
    }
    for (int t = 0; t < started; t++) pthread_join(ts[t], NULL);
  }
  for (long i = 0; i < cfg->chains; i++) {
    Chain *c = &job->chains[i];
    if (!c->failed) continue;
    progress_end(progress);
    /* the chain's error already carries the caller's frames */
    vm->error = c->vm->error;
    vm->fiber = NULL;
    vm_rethrow(vm);
  }
}

static Value mh_run(VM *vm, Value model, const Method *m) {
  const MHConfig *cfg = m->config;
  Job *job = GC_MALLOC(sizeof *job);
  memset(job, 0, sizeof *job);
  job->vm = vm;
  job->cfg = cfg;
  job->model = model;
  job->chains = GC_MALLOC(sizeof(Chain) * (size_t)cfg->chains);
  memset(job->chains, 0, sizeof(Chain) * (size_t)cfg->chains);
  job->caller = vm->fiber;
  atomic_init(&job->next, 0);
  atomic_init(&job->first_failed, (int)cfg->chains);
  atomic_init(&job->moves, 0);
  atomic_init(&job->finished, 0);
  long per_chain = cfg->burn + cfg->samples * cfg->thin;
  Progress progress;
  progress_start(&progress, "mh", (uint64_t)(per_chain * cfg->chains), outermost(vm));
  if (cfg->chains == 1) run_chain(vm, job, 0, &progress);
  else run_parallel(vm, job, &progress);
  progress_end(&progress);

  MCStats *all = job->chains[0].stats;
  for (long i = 1; i < cfg->chains; i++) mc_stats_add(all, job->chains[i].stats);
  const char *lost = mc_stats_never_found(all);
  if (lost)
    vm_error_hint(vm,
                  "a kernel's address names a choice of the model, like \"x\" or \"z[2]\" "
                  "(see keys(simulate(model).choices))",
                  "mh: the kernel %s never found its choice in the model's runs", lost);

  uint32_t n = (uint32_t)(cfg->samples * cfg->chains);
  ObjArray *values = obj_array(n);
  uint32_t *chain = GC_MALLOC_ATOMIC(sizeof(uint32_t) * n);
  for (long i = 0; i < cfg->chains; i++)
    for (long k = 0; k < cfg->samples; k++) {
      uint32_t at = (uint32_t)(i * cfg->samples + k);
      values->items[at] = job->chains[i].draws[k];
      chain[at] = (uint32_t)i;
    }
  Value post = posterior_new(vm, method_desc(m), values, NULL, NAN, false);
  Posterior *p = posterior_of(post);
  p->chain = chain;
  p->n_chains = (uint32_t)cfg->chains;
  p->ess = NAN; /* per field, from the chains (posterior.c) */
  DiagNotes *notes = GC_MALLOC(sizeof *notes);
  const char *rates = mc_stats_describe(all);
  size_t len = strlen(rates) + 16;
  char *text = GC_MALLOC_ATOMIC(len);
  snprintf(text, len, "acceptance: %s\n", rates);
  notes->text = text;
  p->diagnostics = notes;
  return post;
}

static const MethodClass mh_class = {"mh", mh_run};

/* The options record without the hidden key _mutant (and that key's value). */
static Value without_mutant(VM *vm, Value opts, Value *mutant) {
  *mutant = VAL_UNDEF;
  if (!val_is(opts, OBJ_RECORD)) return opts;
  ObjRecord *r = AS_RECORD(opts);
  int j = shape_find(r->shape, vm_intern_cstr(vm, "_mutant"));
  if (j < 0) return opts;
  *mutant = r->vals[j];
  ObjShape *shape = obj_shape(r->shape->n - 1);
  ObjRecord *out = obj_record(shape);
  for (uint32_t i = 0, k = 0; i < r->shape->n; i++) {
    if ((int)i == j) continue;
    shape->keys[k] = r->shape->keys[i];
    out->vals[k++] = r->vals[i];
  }
  return val_obj(out);
}

static Value b_mh(VM *vm, int argc, const Value *args) {
  static const char *const allowed[] = {"samples", "burn", "thin", "chains", "kernel", "init_tries", "init", NULL};
  Value mutant = VAL_UNDEF;
  Value given = argc > 0 ? without_mutant(vm, args[0], &mutant) : VAL_UNDEF;
  Options o;
  opts_init(&o, vm, "mh", argc, &given, allowed);
  MHConfig *c = GC_MALLOC(sizeof *c);
  c->samples = opts_count(&o, "samples", 1000, 1, 100000000L);
  c->burn = opts_count(&o, "burn", c->samples / 2, 0, 100000000L);
  c->thin = opts_count(&o, "thin", 1, 1, 1000000L);
  c->chains = opts_count(&o, "chains", 4, 1, 100000);
  c->init_tries = opts_count(&o, "init_tries", 10000, 1, 1000000000L);
  if (c->samples * c->chains > MH_MAX_DRAWS)
    vm_error_hint(vm, "keep fewer draws per chain (thin them), or run fewer chains",
                  "mh: %ld chains of %ld samples is more than %ld draws in all", c->chains, c->samples,
                  (long)MH_MAX_DRAWS);
  Value init = opts_get(&o, "init");
  c->init = NULL;
  if (init != VAL_UNDEF) {
    if (!trace_is_value(init)) vm_error(vm, "mh: init must be a trace (from simulate or generate)");
    c->init = trace_of_value(init);
  }
  c->kernel = opts_get(&o, "kernel");
  if (c->kernel == VAL_UNDEF) c->kernel = kernel_single_site(vm);
  else if (!kernel_is(c->kernel)) {
    StrBuf sb;
    sb_init(&sb);
    val_describe(&sb, c->kernel);
    char got[200];
    snprintf(got, sizeof got, "%s", sb.data);
    sb_free(&sb);
    vm_error_hint(vm,
                  "kernels: single_site(), drift(addr, scale), prior_kernel(addr), gibbs(addr), "
                  "proposal_kernel(q), combined with cycle, mix and repeat_kernel",
                  "mh: kernel must be a kernel, got %s", got);
  }
  if (mutant != VAL_UNDEF) {
    if (!val_is(mutant, OBJ_STRING) || strcmp(AS_STRING(mutant)->chars, "no_fresh_stale") != 0)
      vm_error(vm, "mh: unknown _mutant");
    c->no_fresh_stale = true;
  }
  Value shown = argc > 0 ? args[0] : opts_record(&o);
  return method_new(&mh_class, shown, c);
}

void mh_install(VM *vm) {
  vm_def_builtin(vm, "mh", b_mh, 0, 1);
  kernel_install(vm);
}
