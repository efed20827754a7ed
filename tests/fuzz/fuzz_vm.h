/* fuzz_vm.h — the VM shared by the fuzz targets.
 *
 * Loading the prelude takes far longer than compiling a typical input, so
 * each target builds one VM when it starts. A program's top-level names
 * become globals of that VM's runtime and its strings are interned there;
 * fuzz_vm_reset() puts the runtime back to how it was right after the
 * prelude loaded, so every input starts from the same state (a crash then
 * reproduces from its input alone) and memory does not grow with the number
 * of inputs.
 *
 * GC_FREE_SPACE_DIVISOR=N in the environment (read by the collector
 * itself) makes it collect more often than the default of 3: a pointer the
 * collector cannot see is then freed, and crashes, sooner.
 */
#ifndef PPL_FUZZ_VM_H
#define PPL_FUZZ_VM_H

#include <gc/gc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/driver.h"

typedef struct FuzzVM {
  VM *vm;
  FILE *devnull; /* for diagnostics, runtime errors and print() */
  /* the runtime right after the prelude loaded */
  int n_globals;
  Value *globals;
  ObjString **global_names;
  const Source **global_srcs;
  Span *global_spans;
  Table global_index, strings;
  uint32_t next_site_id;
  VM vm_state; /* the VM itself: step count, error, inference state */
} FuzzVM;

static inline void *fuzz_copy(const void *p, size_t n) {
  void *c = GC_MALLOC(n ? n : 1);
  if (n) memcpy(c, p, n);
  return c;
}

static inline Table fuzz_copy_table(const Table *t) {
  Table c = *t;
  if (t->entries) c.entries = fuzz_copy(t->entries, sizeof(TableEntry) * t->cap);
  return c;
}

/* Builds the VM (the builtins and the prelude) with output going to
 * /dev/null. */
static inline void fuzz_vm_init(FuzzVM *f) {
  GC_INIT();
  f->vm = driver_new_vm(1);
  f->devnull = fopen("/dev/null", "w");
  if (!f->devnull) {
    perror("/dev/null");
    exit(1);
  }
  f->vm->rt->out = f->devnull;
}

/* Remembers the runtime and the VM as they are now: what fuzz_vm_reset()
 * goes back to. */
static inline void fuzz_vm_snapshot(FuzzVM *f) {
  Runtime *rt = f->vm->rt;
  size_t n = (size_t)rt->n_globals;
  f->n_globals = rt->n_globals;
  f->globals = fuzz_copy(rt->globals, sizeof(Value) * n);
  f->global_names = fuzz_copy(rt->global_names, sizeof(ObjString *) * n);
  f->global_srcs = fuzz_copy(rt->global_srcs, sizeof(Source *) * n);
  f->global_spans = fuzz_copy(rt->global_spans, sizeof(Span) * n);
  f->global_index = fuzz_copy_table(&rt->global_index);
  f->strings = fuzz_copy_table(&rt->strings);
  f->next_site_id = rt->next_site_id;
  f->vm_state = *f->vm;
}

/* Puts the runtime and the VM back to the snapshot. */
static inline void fuzz_vm_reset(FuzzVM *f) {
  Runtime *rt = f->vm->rt;
  size_t n = (size_t)f->n_globals;
  rt->n_globals = f->n_globals;
  memcpy(rt->globals, f->globals, sizeof(Value) * n);
  memcpy(rt->global_names, f->global_names, sizeof(ObjString *) * n);
  memcpy(rt->global_srcs, f->global_srcs, sizeof(Source *) * n);
  memcpy(rt->global_spans, f->global_spans, sizeof(Span) * n);
  rt->global_index = fuzz_copy_table(&f->global_index);
  rt->strings = fuzz_copy_table(&f->strings);
  rt->next_site_id = f->next_site_id;
  rt->interrupted = 0;
  atomic_store(&rt->steps_used, 0);
  VM *vm = f->vm;
  *vm = f->vm_state;
  vm_seed(vm, 1);
}

#endif
