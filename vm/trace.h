/* trace.h — the record of one run's random choices.
 *
 * A trace lists every choice a run made, in the order made: its address,
 * value, distribution, log density, and whether it was observed. An index
 * maps addresses (interned strings, compared by pointer) to positions.
 *
 * Traces are shared copy-on-write: when a fiber is copied, both copies point
 * at the same trace marked shared, and the first of them to add a choice
 * copies it (trace_own). Copying a population of fibers therefore costs
 * nothing until the copies diverge.
 */
#ifndef PPL_TRACE_H
#define PPL_TRACE_H

#include <stdbool.h>

#include "object.h"
#include "table.h"

struct VM;

typedef struct TraceChoice {
  ObjString *addr;
  Value value;
  Value dist;
  double logp; /* log density (or mass) of value under dist */
  const ObjSite *site;
  bool observed;
  bool reused; /* the value came from a replayed trace or a constraint */
} TraceChoice;

typedef struct Trace {
  TraceChoice *choices;
  uint32_t n, cap;
  Table index;       /* addr -> position (a number) */
  Value retval;
  double log_weight; /* sum of observe and factor log weights */
  bool shared;
} Trace;

Trace *trace_new(void);
/* A private copy of t (for a fiber about to change a shared trace). */
Trace *trace_clone(const Trace *t);
/* Makes *tp safe to change: clones it first when it is shared. */
void trace_own(Trace **tp);

TraceChoice *trace_find(const Trace *t, const ObjString *addr);
/* Appends a choice; the address must not be in the trace yet. */
TraceChoice *trace_add(Trace *t, const TraceChoice *c);

/* The unobserved choices as a table address -> value (a replay map). */
Table *trace_choice_table(const Trace *t);

/* Sum of the log densities of the unobserved choices. */
double trace_log_prior(const Trace *t);
/* log p(choices, observations): log prior plus log weight. */
double trace_log_joint(const Trace *t);

/* The trace as a ppl value: tr.retval, tr.logweight, tr.logjoint,
 * tr.choices (a record keyed by address), tr["x[3]"]. */
Value trace_value(Trace *t);
bool trace_is_value(Value v);
Trace *trace_of_value(Value v);

#endif
