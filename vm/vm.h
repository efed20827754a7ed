/* vm.h — the virtual machine: runtime state, fibers, the interpreter, the
 * random-choice interface and runtime errors.
 *
 * Runtime  what all threads share: globals, interned strings, options.
 * VM       one thread's execution state: the running fiber, its random
 *          generator, the error being raised. Builtins receive a VM *.
 * Fiber    one suspendable run of a program (DESIGN.md, "Fibers"): its own
 *          value stack, call frames, loop indices, log weight and handler.
 *          Heap values are immutable, so copying a fiber copies only its
 *          stack, frames and loop indices.
 *
 * The VM never decides what a random choice means: at sample, observe,
 * factor and condition it calls the handler installed on the running fiber.
 * A handler may set fiber->suspend to make vm_run() return after the
 * current instruction; vm_run() on the same fiber later continues from
 * there.
 */
#ifndef PPL_VM_H
#define PPL_VM_H

#include <gsl/gsl_rng.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dist.h"
#include "object.h"
#include "table.h"

#define VM_MAX_FRAMES 200000
#define VM_SCRATCH_DISTS 16
#define VM_MAX_STACK (1u << 24)

typedef struct Runtime {
  Value *globals;
  ObjString **global_names;
  const Source **global_srcs; /* where each global was defined, or NULL */
  Span *global_spans;
  int n_globals, globals_cap;
  Table global_index; /* name -> index (a number) */
  Table strings;      /* the intern set */
  pthread_mutex_t lock; /* guards strings and global_index */
  uint32_t next_site_id;
  volatile sig_atomic_t interrupted; /* set by the SIGINT handler */
  uint64_t max_steps;                /* 0: no limit */
  /* Steps taken so far by every VM on this runtime (the caller's and the
   * forked ones that run chains in threads): --max-steps bounds the total. */
  _Atomic uint64_t steps_used;
  double deadline;                   /* 0: no limit; seconds since the epoch */
  FILE *out;                         /* where print() writes */
  int verbose;                       /* --verbose: inference reports its steps */
  /* Owned by inference/: observed values that replace a model's data, by
   * address (validation), or NULL. A Table. */
  const struct Table *observe_override;
} Runtime;

typedef struct CallFrame {
  ObjClosure *closure;
  const Instr *ip; /* next instruction; valid when the frame is not running */
  uint32_t base;   /* stack index of slot 0 */
} CallFrame;

typedef enum FiberState {
  FIBER_READY,     /* created, not yet run */
  FIBER_SUSPENDED, /* stopped by its handler; vm_run() continues it */
  FIBER_DONE,      /* finished; result holds the return value */
  FIBER_ERROR,     /* a runtime error ended it; see vm->error */
} FiberState;

struct Fiber;
struct VM;

/* The call a random choice makes. site says where in the source it is and
 * how it is named; vm_address() turns it into an address when a handler
 * needs one. */
typedef struct Choice {
  const ObjSite *site;
  Value dist;         /* sample, observe: the distribution */
  Value name;         /* SITE_DYNAMIC: the string given */
  const Value *index; /* SITE_INDEXED: the explicit indices */
  int n_index;
} Choice;

typedef struct Handler {
  const char *name;
  Value (*on_sample)(struct VM *vm, struct Fiber *f, const Choice *c);
  /* Must add to f->log_weight. */
  void (*on_observe)(struct VM *vm, struct Fiber *f, const Choice *c, Value v);
  /* Must add to f->log_weight; condition(b) arrives as a factor of 0 or
   * -inf. */
  void (*on_factor)(struct VM *vm, struct Fiber *f, const Choice *c, double log_w);
} Handler;

/* A for loop being run: its index (for addresses) and the stack slot of the
 * array it is building (-1 when its value is not collected). */
typedef struct LoopState {
  double index;
  int32_t out_slot;
} LoopState;

/* Anonymous base addresses used so far in a run, with their counts
 * (vm_address_unique); private to vm.c. */
struct AnonSeen;

/* The fields are ordered so that what every resume reads fills the first
 * cache line; a population steps and copies many fibers, so their size and
 * the lines they touch are most of what a step of SMC costs at large N. */
typedef struct Fiber {
  Value *stack;
  CallFrame *frames;
  uint32_t sp, stack_cap;
  uint32_t n_frames, frames_cap;
  const Handler *handler;
  void *hdata; /* the handler's per-fiber state */
  double log_weight;
  uint8_t state;       /* a FiberState */
  bool suspend;        /* set by a handler: stop after this instruction */
  uint16_t hdata_size; /* bytes of handler state inside the block, or 0 */
  /* A fiber lives in one block: the header, then (when hdata_size > 0) the
   * handler's state, its stack, frames and loop states. block is the size
   * of that payload, so a dead fiber's block can hold a copy of another
   * (fiber_copy_into). Growing the stack, frames or loops moves them out. */
  uint32_t block;
  /* ---- 64 bytes: the rest is read only when a run ends, copies itself,
   * runs a for loop or makes an anonymous choice that needs an address */
  Value result;
  LoopState *loops; /* the for loops being run, outermost first */
  uint32_t n_loops, loops_cap;
  /* shared copy-on-write between copies of a fiber */
  struct AnonSeen *anon_seen;
} Fiber;

typedef struct ErrorFrame {
  const char *fn_name;
  const Source *src;
  Span span;
} ErrorFrame;

typedef struct RuntimeError {
  char *message;
  char *hint; /* or NULL */
  const Source *src;
  Span span;
  /* A second place the error concerns ("first made here"), or NULL. */
  char *note;
  const Source *note_src;
  Span note_span;
  ErrorFrame *frames; /* innermost first */
  int n_frames;
} RuntimeError;

typedef struct VM {
  Runtime *rt;
  Fiber *fiber; /* running fiber, or NULL */
  gsl_rng *rng;
  jmp_buf *on_error; /* where vm_error() jumps */
  RuntimeError error;
  uint64_t steps;
  uint64_t next_check; /* steps at which limits and Ctrl-C are checked next */
  uint64_t steps_reported; /* the part of steps already added to rt->steps_used */
  void *ext; /* per-thread state owned by inference/ (the vm never looks inside) */
  /* Distributions built by DIST_CALL and not yet consumed by their random
   * choice, innermost last; dist_scratch is the slot the next constructor
   * fills. They never outlive a run: vm_run copies pending ones to the heap
   * when a fiber suspends. */
  ObjDist scratch[VM_SCRATCH_DISTS];
  int n_scratch;
  ObjDist *dist_scratch;
} VM;

/* A runtime with no globals and a VM for the calling thread. */
VM *vm_new(void);
/* A VM for another thread on the same runtime, with its own generator. */
VM *vm_fork(VM *vm, unsigned long seed);
/* Adds the steps vm has taken since it last reported to rt->steps_used
 * (done every few thousand steps; call it when a forked VM finishes). */
void vm_report_steps(VM *vm);
void vm_seed(VM *vm, unsigned long seed);

ObjString *vm_intern(VM *vm, const char *chars, size_t len);
ObjString *vm_intern_cstr(VM *vm, const char *chars);

/* Globals. A name maps to its latest definition's slot; defining a name
 * again makes a new slot, so code compiled earlier (the prelude, earlier
 * REPL inputs) keeps the value it was compiled against. */
int vm_global_index(VM *vm, ObjString *name); /* -1 when unknown */
int vm_global_new(VM *vm, ObjString *name);   /* a fresh undefined slot */
/* Stores v in slot and makes the slot's name refer to it from now on. */
void vm_global_set(VM *vm, int slot, Value v);
void vm_define(VM *vm, const char *name, Value v);
void vm_def_builtin(VM *vm, const char *name, BuiltinFn fn, int min_args, int max_args);
Value vm_get_global(VM *vm, const char *name); /* VAL_UNDEF when missing */

/* Fibers. */
Fiber *fiber_new(VM *vm, Value callee, int argc, const Value *args);
/* The same, with hdata_size (at most 65535) bytes of zeroed handler state
 * inside the fiber's block (f->hdata points at it). A copy of the fiber
 * copies that state too (a shallow byte copy) and points its hdata at its
 * own. */
Fiber *fiber_new_with_state(VM *vm, Value callee, int argc, const Value *args, uint32_t hdata_size);
Fiber *fiber_copy(const Fiber *f);
/* Asks the memory system for the parts of f a resume or a copy reads first
 * (or, for_write, for a dead fiber's block a copy will be written to): a
 * block starts on a cache line (fiber_block in vm.c), and in a shallow run
 * the header, the handler state, the bottom of the stack and the top frame
 * are in its first four. */
#define FIBER_HOT_LINES 4
static inline void fiber_prefetch(const Fiber *f, bool for_write) {
  const char *p = (const char *)f;
  for (int line = 0; line < FIBER_HOT_LINES; line++) {
    if (for_write) __builtin_prefetch(p + 64 * line, 1);
    else __builtin_prefetch(p + 64 * line, 0);
  }
}
/* A copy of src made in dead's block when it is big enough (dead must be a
 * fiber nothing will run again), else in a new one. */
Fiber *fiber_copy_into(Fiber *dead, const Fiber *src);
/* Runs f until it finishes, suspends or fails; returns its new state. On
 * FIBER_ERROR the error is in vm->error. */
FiberState vm_run(VM *vm, Fiber *f);
/* Runs many fibers in turn (a population of particles). vm_run sets up a
 * guard against runtime errors on every call, which costs as much as a
 * short resume; vm_run_all sets up one for the whole batch. It resumes each
 * fiber of fibers[0..n) that has not finished, in order, until it suspends
 * or finishes, as vm_run does, and then calls after(ctx, i, fiber, the
 * fiber's log weight before the resume). Returns n, or the index of the
 * fiber a runtime error ended (its state FIBER_ERROR, the error in
 * vm->error), in which case the fibers after it were not run. */
typedef void (*FiberAfter)(void *ctx, size_t i, Fiber *f, double weight_before);
size_t vm_run_all(VM *vm, Fiber *const *fibers, size_t n, FiberAfter after, void *ctx);
/* Calls a function to completion in a fresh fiber with handler h (NULL: random
 * choices are an error) and handler state hdata. A runtime error in the call
 * is raised again in the caller's run. */
Value vm_call(VM *vm, const Handler *h, void *hdata, Value callee, int argc, const Value *args);

/* Errors. vm_error() raises a runtime error at the running instruction and
 * does not return. */
_Noreturn void vm_error(VM *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void vm_error_hint(VM *vm, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like vm_error_hint, with a note pointing at a second place in the source
 * (shown after the error with its own line and caret). */
_Noreturn void vm_error_note(VM *vm, const Source *note_src, Span note_span, const char *note, const char *hint,
                             const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Raises again the error in vm->error (after a nested run failed), adding the
 * running fiber's frames to its stack trace. */
_Noreturn void vm_rethrow(VM *vm);
/* Raises the error in vm->error again, as it is (a builtin that caught it to
 * clean up first). */
_Noreturn void vm_raise_again(VM *vm);
void vm_print_error(VM *vm, FILE *out);
/* "name: argument 2 must be a number, got string \"a\"" */
_Noreturn void vm_type_error(VM *vm, const char *fn, int arg, const char *want, Value got);

/* The source location of the running instruction of frame `depth` (0 =
 * innermost) of the running fiber. */
bool vm_location(VM *vm, int depth, const Source **src, Span *span);

/* Addresses: the interned name of the choice, with the indices of the
 * enclosing for loops (or the explicit ones) appended: "x[3][0]". */
ObjString *vm_address(VM *vm, const Fiber *f, const Choice *c);
/* The same, made unique in the run for an anonymous choice (sample(D),
 * observe): the base address the first time, then "base#2", "base#3", ...
 * when the run reaches the same place with the same loop indices again
 * (recursion). Addresses computed this way are stable when the model is
 * run again with the same control flow. */
ObjString *vm_address_unique(VM *vm, Fiber *f, const Choice *c);

/* Typed argument helpers for builtins. */
double vm_arg_num(VM *vm, const char *fn, const Value *args, int i);
ObjArray *vm_arg_array(VM *vm, const char *fn, const Value *args, int i);
ObjString *vm_arg_string(VM *vm, const char *fn, const Value *args, int i);
/* A whole number in [lo, hi] */
long vm_arg_int(VM *vm, const char *fn, const Value *args, int i, long lo, long hi);

#endif
