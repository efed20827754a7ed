/* run.h — one run of a model under inference: the handler every algorithm
 * installs on its fibers, and the per-fiber state it keeps.
 *
 * The building blocks of DESIGN.md are flags of this one handler:
 *   prior    sample fresh values; observe and factor add to the log weight
 *   trace    (trace != NULL) record every choice with its address, value,
 *            distribution and log density
 *   replay   (replay != NULL) take a choice's value from the map when its
 *            address is there (or, with reuse, from another trace), sample
 *            fresh elsewhere; RUN_WEIGH_REPLAYED counts the replayed values'
 *            densities in the log weight (generate, density), otherwise the
 *            caller accounts for them (MH)
 *   suspend  (RUN_SUSPEND) stop the fiber after every observe, factor and
 *            condition, so a driver can step a population of runs together
 * A run also remembers what first made its weight zero, so that impossible
 * evidence can be explained (evidence.h).
 *
 * Addresses are computed only when a trace or a replay map needs them; the
 * plain prior path never builds one.
 */
#ifndef PPL_RUN_H
#define PPL_RUN_H

#include "vm/trace.h"
#include "vm/vm.h"

enum {
  RUN_SUSPEND = 1,           /* suspend after each observe/factor/condition */
  RUN_IGNORE_EVIDENCE = 2,   /* observe/factor/condition do not weigh (forward) */
  RUN_WEIGH_REPLAYED = 4,    /* replayed values' log densities join the weight */
  RUN_REQUIRE_REPLAY = 8,    /* every choice must be in the replay map (density) */
  RUN_SIMULATE_OBSERVES = 16, /* observe(D, v) draws a fresh v from D instead */
  RUN_SUSPEND_AT_SAMPLE = 32, /* stop at each choice for the driver to fill in */
  RUN_UNRECORDED_OBSERVES = 64, /* observes weigh but get no address or trace entry (MCMC) */
  RUN_STOP_IF_IMPOSSIBLE = 128, /* suspend once the weight or a choice's density is zero */
  RUN_NOTE_POSITIVE = 256,      /* note the first weight above 1 (rejection) */
};

/* What a run remembers only when something unusual happens, kept apart so
 * that the state every particle carries stays small. Never changed once
 * made: a run that notes something new makes a new one, so copies of a
 * fiber never see each other's notes. */
typedef struct RunNotes {
  /* The first event that made the log weight -inf. */
  const ObjSite *zero_site;
  Value zero_dist;  /* observe: the distribution */
  Value zero_value; /* observe: the value; factor: the weight */
  /* RUN_NOTE_POSITIVE: the first event that added a positive log weight. */
  const ObjSite *positive_site;
  double positive_weight;
  /* RUN_SUSPEND_AT_SAMPLE: the choice the fiber stopped at. */
  Value pending_dist;
  ObjArray *pending_support;
} RunNotes;

typedef struct Run {
  unsigned flags;
  uint32_t n_weighed;  /* observe/factor/condition events so far */
  Trace *trace;        /* record choices here, or NULL */
  const Table *replay; /* address -> value to reuse, or NULL */
  /* After the replay map: take a choice's value from this trace when it has
   * an unobserved choice at the address from the same family (MCMC
   * re-execution); reuse_marks[i] is set when choice i is taken. */
  const Trace *reuse;
  uint8_t *reuse_marks;
  const RunNotes *notes; /* NULL until there is something to note */
} Run;

/* The run's notes, or an empty set. */
const RunNotes *run_notes(const Run *r);

extern const Handler run_handler;
/* The handler of a program's top level: draws from the prior; observe,
 * factor and condition are errors there. */
extern const Handler toplevel_handler;

Run *run_new(unsigned flags);
/* Sets up a run state in place (a fiber's inline handler state). */
void run_init(Run *r, unsigned flags);
/* A run state for a copy of a fiber: shares the trace copy-on-write. */
Run *run_copy(Run *r);

/* A fiber that will run model() under r. */
Fiber *run_fiber(VM *vm, Value model, Run *r);
/* Runs f to the end (resuming through suspensions). A runtime error in the
 * model is raised again in the caller's run. */
void run_to_end(VM *vm, Fiber *f);
/* Runs f until it suspends or ends; returns the state. Errors are raised
 * again in the caller's run. */
FiberState run_step(VM *vm, Fiber *f);

/* Checks that model is a function of no arguments (for infer and friends). */
void run_check_model(VM *vm, const char *who, Value model);

#endif
