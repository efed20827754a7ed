/* gen.c — traces as values: the primitives custom kernels and variational
 * objectives are written with.
 *
 *   simulate(model)             run from the prior; the trace of the run
 *   generate(model, choices)    run with some choices fixed (a record keyed
 *                               by address, or a trace); returns
 *                               {trace, weight} where weight is the log
 *                               density of the fixed choices plus the
 *                               observes and factors (an importance weight)
 *   density(model, choices)     the log joint density of a full assignment
 */
#include <gc/gc.h>
#include <math.h>
#include <string.h>

#include "inference.h"
#include "run.h"

/* A choice map (address -> value) from a record keyed by address or from a
 * trace's unobserved choices. */
static Table *choice_map(VM *vm, const char *who, Value v) {
  Table *t = GC_MALLOC(sizeof *t);
  table_init(t);
  if (val_is(v, OBJ_RECORD)) {
    ObjRecord *r = AS_RECORD(v);
    for (uint32_t i = 0; i < r->shape->n; i++) table_set(t, r->shape->keys[i], r->vals[i]);
    return t;
  }
  if (trace_is_value(v)) return trace_choice_table(trace_of_value(v));
  vm_type_error(vm, who, 1, "a record keyed by address, or a trace", v);
}

/* Every given address must be a choice the run made. */
static void check_all_used(VM *vm, const char *who, const Table *given, const Trace *tr) {
  for (uint32_t i = 0; i < given->cap; i++) {
    ObjString *k = given->entries[i].key;
    if (k && !trace_find(tr, k))
      vm_error_hint(vm, "addresses are the names of the model's choices, like \"x\" or \"z[2]\" (see tr.choices)",
                    "%s: the model made no choice at the address '%s'", who, k->chars);
  }
}

static Trace *traced_run(VM *vm, Value model, unsigned flags, const Table *replay, double *log_weight) {
  Run *r = run_new(flags);
  r->trace = trace_new();
  r->replay = replay;
  Fiber *f = run_fiber(vm, model, r);
  run_to_end(vm, f);
  Trace *tr = r->trace;
  tr->retval = f->result;
  tr->log_weight = f->log_weight;
  if (log_weight) *log_weight = f->log_weight;
  return tr;
}

static Value b_simulate(VM *vm, int argc, const Value *args) {
  (void)argc;
  run_check_model(vm, "simulate", args[0]);
  return trace_value(traced_run(vm, args[0], 0, NULL, NULL));
}

static Value b_generate(VM *vm, int argc, const Value *args) {
  (void)argc;
  run_check_model(vm, "generate", args[0]);
  Table *given = choice_map(vm, "generate", args[1]);
  double weight;
  Trace *tr = traced_run(vm, args[0], RUN_WEIGH_REPLAYED, given, &weight);
  check_all_used(vm, "generate", given, tr);
  /* the trace's own log weight is its observes and factors only */
  double fixed = 0;
  for (uint32_t i = 0; i < tr->n; i++)
    if (tr->choices[i].reused && !tr->choices[i].observed) fixed += tr->choices[i].logp;
  tr->log_weight = weight - fixed;
  ObjShape *shape = obj_shape(2);
  shape->keys[0] = vm_intern_cstr(vm, "trace");
  shape->keys[1] = vm_intern_cstr(vm, "weight");
  ObjRecord *out = obj_record(shape);
  out->vals[0] = trace_value(tr);
  out->vals[1] = val_num(weight);
  return val_obj(out);
}

static Value b_density(VM *vm, int argc, const Value *args) {
  (void)argc;
  run_check_model(vm, "density", args[0]);
  Table *given = choice_map(vm, "density", args[1]);
  double weight;
  Trace *tr = traced_run(vm, args[0], RUN_WEIGH_REPLAYED | RUN_REQUIRE_REPLAY, given, &weight);
  check_all_used(vm, "density", given, tr);
  return val_num(weight);
}

void gen_install(VM *vm) {
  vm_def_builtin(vm, "simulate", b_simulate, 1, 1);
  vm_def_builtin(vm, "generate", b_generate, 2, 2);
  vm_def_builtin(vm, "density", b_density, 2, 2);
}
