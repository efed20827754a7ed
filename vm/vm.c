#include "vm.h"

#include <gc/gc.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "dist.h"
#include "print.h"
#include "strbuf.h"

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---------------------------------------------------------------- runtime */

/* The VM running on this thread, for reporting an allocation failure as a
 * runtime error of the program that caused it. */
static __thread VM *running_vm __attribute__((tls_model("initial-exec")));
static __thread int in_oom __attribute__((tls_model("initial-exec")));

static void *on_out_of_memory(size_t bytes) {
  VM *vm = running_vm;
  if (vm && vm->on_error && !in_oom) {
    in_oom = 1; /* reporting allocates too; a second failure exits (reset by vm_run) */
    char size[64];
    snprintf(size, sizeof size, "%.1f MB", (double)bytes / 1e6);
    vm_error_hint(vm, "the program holds more data than memory allows", "out of memory (allocating %s)", size);
  }
  fprintf(stderr, "ppl: out of memory\n");
  exit(1);
}

VM *vm_new(void) {
  GC_set_oom_fn(on_out_of_memory);
  GC_set_warn_proc(GC_ignore_warn_proc);
  Runtime *rt = GC_MALLOC(sizeof *rt);
  memset(rt, 0, sizeof *rt);
  table_init(&rt->global_index);
  table_init(&rt->strings);
  pthread_mutex_init(&rt->lock, NULL);
  rt->out = stdout;
  VM *vm = GC_MALLOC(sizeof *vm);
  memset(vm, 0, sizeof *vm);
  vm->rt = rt;
  vm->rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(vm->rng, 1);
  return vm;
}

VM *vm_fork(VM *vm, unsigned long seed) {
  VM *w = GC_MALLOC(sizeof *w);
  memset(w, 0, sizeof *w);
  w->rt = vm->rt;
  w->rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(w->rng, seed);
  return w;
}

void vm_seed(VM *vm, unsigned long seed) { gsl_rng_set(vm->rng, seed); }

ObjString *vm_intern(VM *vm, const char *chars, size_t len) {
  Runtime *rt = vm->rt;
  uint32_t h = str_hash(chars, len);
  pthread_mutex_lock(&rt->lock);
  ObjString *s = table_find_string(&rt->strings, chars, len, h);
  if (!s) {
    s = obj_string(chars, len);
    table_set(&rt->strings, s, VAL_NIL);
  }
  pthread_mutex_unlock(&rt->lock);
  return s;
}

ObjString *vm_intern_cstr(VM *vm, const char *chars) { return vm_intern(vm, chars, strlen(chars)); }

int vm_global_index(VM *vm, ObjString *name) {
  Value v;
  pthread_mutex_lock(&vm->rt->lock);
  bool found = table_get(&vm->rt->global_index, name, &v);
  pthread_mutex_unlock(&vm->rt->lock);
  return found ? (int)val_as_num(v) : -1;
}

int vm_global_new(VM *vm, ObjString *name) {
  Runtime *rt = vm->rt;
  if (rt->n_globals == rt->globals_cap) {
    int cap = rt->globals_cap ? rt->globals_cap * 2 : 256;
    rt->globals = GC_REALLOC(rt->globals, sizeof(Value) * (size_t)cap);
    rt->global_names = GC_REALLOC(rt->global_names, sizeof(ObjString *) * (size_t)cap);
    rt->global_srcs = GC_REALLOC(rt->global_srcs, sizeof(Source *) * (size_t)cap);
    rt->global_spans = GC_REALLOC(rt->global_spans, sizeof(Span) * (size_t)cap);
    rt->globals_cap = cap;
  }
  int i = rt->n_globals++;
  rt->globals[i] = VAL_UNDEF;
  rt->global_names[i] = name;
  rt->global_srcs[i] = NULL;
  memset(&rt->global_spans[i], 0, sizeof(Span));
  return i;
}

void vm_global_set(VM *vm, int slot, Value v) {
  Runtime *rt = vm->rt;
  rt->globals[slot] = v;
  pthread_mutex_lock(&rt->lock);
  table_set(&rt->global_index, rt->global_names[slot], val_num(slot));
  pthread_mutex_unlock(&rt->lock);
}

void vm_define(VM *vm, const char *name, Value v) {
  vm_global_set(vm, vm_global_new(vm, vm_intern_cstr(vm, name)), v);
}

void vm_def_builtin(VM *vm, const char *name, BuiltinFn fn, int min_args, int max_args) {
  vm_define(vm, name, val_obj(obj_builtin(name, fn, min_args, max_args)));
}

Value vm_get_global(VM *vm, const char *name) {
  int i = vm_global_index(vm, vm_intern_cstr(vm, name));
  return i < 0 ? VAL_UNDEF : vm->rt->globals[i];
}

/* ----------------------------------------------------------------- fibers */

/* What every resume reads is in the header's first cache line (vm.h). */
_Static_assert(sizeof(void *) != 8 || (offsetof(Fiber, result) == 64 && sizeof(Fiber) == 96),
               "the Fiber header's layout");

static size_t align16(size_t n) { return (n + 15) & ~(size_t)15; }

/* The block holds, after the header: the handler state, the stack, the
 * frames and the loop states. The stack comes before the frames because a
 * resume reads the bottom of the stack and the top frame, which in a
 * shallow run are then both near the header. */
static size_t fiber_payload(uint32_t hdata_size, uint32_t frames, uint32_t loops, uint32_t stack) {
  return align16(hdata_size) + sizeof(Value) * stack + sizeof(CallFrame) * frames + sizeof(LoopState) * loops;
}

/* A block with at least size bytes of payload: dead's, when it is big
 * enough, else a new one (a little bigger).
 * Boehm's collector places the small objects of one size at multiples of
 * that size in 4 KiB pages and adds a byte to every request (so that a
 * pointer just past an object keeps it alive): asking for a multiple of 64
 * bytes less one makes blocks start on a cache line, and the header and
 * the parts a resume reads then take as few lines as they can. */
static Fiber *fiber_block(Fiber *dead, size_t payload) {
  if (dead && dead->block >= payload) return dead;
  size_t size = (sizeof(Fiber) + payload + 1 + 63) & ~(size_t)63;
  Fiber *f = GC_MALLOC(size - 1);
  f->block = (uint32_t)(size - 1 - sizeof(Fiber));
  return f;
}

/* Lays the fiber's parts out in its block: the handler state, the stack,
 * then as many frames and loop states as the block has room for, at least
 * n_frames and n_loops, at most want_frames and want_loops (want_ >= n_).
 * Room left over from rounding the block up, or in a dead fiber's bigger
 * block, so becomes capacity, which a run would otherwise get by moving its
 * frames or loop states out of the block. */
static void fiber_layout(Fiber *f, uint32_t hdata_size, uint32_t stack, uint32_t n_frames, uint32_t want_frames,
                         uint32_t n_loops, uint32_t want_loops) {
  size_t room = f->block - fiber_payload(hdata_size, n_frames, n_loops, stack);
  uint32_t frames = n_frames, loops = n_loops;
  size_t all = (want_frames - frames) * sizeof(CallFrame) + (want_loops - loops) * sizeof(LoopState);
  if (room >= all) {
    frames = want_frames;
    loops = want_loops;
  } else {
    /* a frame and a loop state in turn, while they fit */
    for (bool more = true; more;) {
      more = false;
      if (frames < want_frames && room >= sizeof(CallFrame)) {
        frames++;
        room -= sizeof(CallFrame);
        more = true;
      }
      if (loops < want_loops && room >= sizeof(LoopState)) {
        loops++;
        room -= sizeof(LoopState);
        more = true;
      }
    }
  }
  char *p = (char *)(f + 1);
  f->hdata_size = (uint16_t)hdata_size;
  if (hdata_size) f->hdata = p;
  p += align16(hdata_size);
  f->stack = (Value *)p;
  f->stack_cap = stack;
  p += sizeof(Value) * stack;
  f->frames = (CallFrame *)p;
  f->frames_cap = frames;
  p += sizeof(CallFrame) * frames;
  f->loops = loops ? (LoopState *)p : NULL;
  f->loops_cap = loops;
}

/* A new fiber's block is sized for three frames, and gets up to four and
 * two loop states as room allows. */
#define NEW_FRAMES 3
#define NEW_FRAMES_MAX 4
#define NEW_LOOPS_MAX 2

Fiber *fiber_new_with_state(VM *vm, Value callee, int argc, const Value *args, uint32_t hdata_size) {
  (void)vm;
  ObjClosure *cl = AS_CLOSURE(callee);
  uint32_t need = (uint32_t)cl->fn->max_stack + (uint32_t)argc + 1;
  if (need < 8) need = 8;
  if (hdata_size > UINT16_MAX) abort(); /* a caller's bug: handler states are small */
  Fiber *f = fiber_block(NULL, fiber_payload(hdata_size, NEW_FRAMES, 0, need));
  f->handler = NULL;
  f->hdata = NULL;
  fiber_layout(f, hdata_size, need, 1, NEW_FRAMES_MAX, 0, NEW_LOOPS_MAX);
  f->stack[0] = callee;
  for (int i = 0; i < argc; i++) f->stack[1 + i] = args[i];
  f->sp = (uint32_t)argc + 1;
  f->frames[0].closure = cl;
  f->frames[0].ip = cl->fn->chunk.code;
  f->frames[0].base = 0;
  f->n_frames = 1;
  f->n_loops = 0;
  f->state = FIBER_READY;
  f->suspend = false;
  f->result = VAL_NIL;
  f->log_weight = 0;
  f->anon_seen = NULL;
  return f;
}

Fiber *fiber_new(VM *vm, Value callee, int argc, const Value *args) {
  return fiber_new_with_state(vm, callee, argc, args, 0);
}

/* The capacity a copy would like for n used entries of something whose
 * capacity was cap: what the run needed so far, so that calling deeper (or
 * nesting a loop) again after the copy does not move its frames out of the
 * block, but not a large one left behind by a deep recursion that has
 * since returned. */
static uint32_t copy_cap(uint32_t n, uint32_t cap) {
  uint32_t roomy = 2 * n + 2;
  if (cap > roomy) cap = roomy;
  return cap > n ? cap : n;
}

typedef struct AnonSeen {
  Table seen;
  bool shared; /* reachable from more than one fiber: copy before changing */
} AnonSeen;

/* Where the parts of a fiber laid out in its own block sit, as offsets from
 * its start; false when a part has moved out of the block (grown). */
typedef struct FiberShape {
  size_t stack, frames, loops, end;
} FiberShape;

static bool fiber_shape(const Fiber *f, FiberShape *shape) {
  const char *base = (const char *)f;
  const char *stack = (const char *)(f + 1) + align16(f->hdata_size);
  const char *frames = stack + sizeof(Value) * f->stack_cap;
  const char *loops = frames + sizeof(CallFrame) * f->frames_cap;
  if ((const char *)f->stack != stack || (const char *)f->frames != frames) return false;
  if (f->loops_cap && (const char *)f->loops != loops) return false;
  shape->stack = (size_t)(stack - base);
  shape->frames = (size_t)(frames - base);
  shape->loops = (size_t)(loops - base);
  shape->end = shape->loops + sizeof(LoopState) * f->loops_cap;
  return true;
}

/* A copy of src into dead's block with src's own layout (the common case
 * in a population: every particle has the same shape): what is live is
 * copied, and the pointers are moved to the new block, with no layout to
 * work out. */
static void fiber_copy_shaped(Fiber *dead, const Fiber *src, const FiberShape *shape) {
  uint32_t block = dead->block;
  char *base = (char *)dead;
  /* the header, the handler state and the live stack are one run of bytes */
  memcpy(dead, src, shape->stack + sizeof(Value) * src->sp);
  dead->block = block;
  if (src->hdata_size) dead->hdata = dead + 1;
  dead->stack = (Value *)(base + shape->stack);
  dead->frames = (CallFrame *)(base + shape->frames);
  dead->loops = src->loops_cap ? (LoopState *)(base + shape->loops) : NULL;
  memcpy(dead->frames, src->frames, sizeof(CallFrame) * src->n_frames);
  if (src->n_loops) memcpy(dead->loops, src->loops, sizeof(LoopState) * src->n_loops);
}

/* What src now shares with a copy of it. */
static void fiber_copy_shared(const Fiber *src) {
  if (src->anon_seen) src->anon_seen->shared = true;
  /* Arrays that running for loops are filling are now reachable from two
   * fibers: whichever appends next must copy first. */
  for (uint32_t i = 0; i < src->n_loops; i++) {
    int32_t slot = src->loops[i].out_slot;
    if (slot >= 0 && val_is(src->stack[slot], OBJ_ARRAY)) AS_ARRAY(src->stack[slot])->obj.flags |= OBJF_SHARED;
  }
}

Fiber *fiber_copy_into(Fiber *dead, const Fiber *src) {
  FiberShape shape;
  if (dead && fiber_shape(src, &shape) && sizeof(Fiber) + dead->block >= shape.end) {
    fiber_copy_shaped(dead, src, &shape);
    fiber_copy_shared(src);
    return dead;
  }
  /* The source's capacity covers every frame's deepest use of the stack (it
   * was sized so, or grown), so the copy never grows before its next call.
   * Taking it rather than recomputing it keeps the frames' closures, which
   * may be cold in memory, out of the copy. */
  uint32_t stack = src->stack_cap;
  uint32_t n_frames = src->n_frames ? src->n_frames : 1;
  uint32_t want_frames = copy_cap(n_frames, src->frames_cap);
  uint32_t want_loops = copy_cap(src->n_loops, src->loops_cap);
  /* A dead block too small for that is left to the collector rather than
   * filled with less room, which the copy's run would then grow out of its
   * block again, and its copies after it: blocks settle on the size the
   * model needs. */
  Fiber *f = fiber_block(dead, fiber_payload(src->hdata_size, want_frames, want_loops, stack));
  uint32_t block = f->block;
  const char *inline_stack = (const char *)(src + 1) + align16(src->hdata_size);
  bool stack_inline = (const char *)src->stack == inline_stack;
  if (stack_inline) {
    /* the header, the handler state and the live stack are one run of bytes
     * in both blocks */
    memcpy(f, src, (size_t)(inline_stack - (const char *)src) + sizeof(Value) * src->sp);
  } else {
    *f = *src;
    if (src->hdata_size) memcpy(f + 1, src + 1, src->hdata_size);
  }
  f->block = block;
  fiber_layout(f, src->hdata_size, stack, n_frames, want_frames, src->n_loops, want_loops);
  if (!stack_inline) memcpy(f->stack, src->stack, sizeof(Value) * src->sp);
  memcpy(f->frames, src->frames, sizeof(CallFrame) * src->n_frames);
  if (src->n_loops) memcpy(f->loops, src->loops, sizeof(LoopState) * src->n_loops);
  fiber_copy_shared(src);
  return f;
}

Fiber *fiber_copy(const Fiber *src) { return fiber_copy_into(NULL, src); }

/* ----------------------------------------------------------------- errors */

bool vm_location(VM *vm, int depth, const Source **src, Span *span) {
  Fiber *f = vm->fiber;
  if (!f || depth >= (int)f->n_frames) return false;
  CallFrame *fr = &f->frames[f->n_frames - 1 - depth];
  ObjFunction *fn = fr->closure->fn;
  long at = fr->ip - fn->chunk.code - 1;
  if (at < 0) at = 0;
  if (at >= fn->chunk.count) return false;
  *src = fn->src;
  *span = fn->chunk.spans[at];
  return true;
}

static char *gc_strdup(const char *s) {
  size_t n = strlen(s);
  char *c = GC_MALLOC_ATOMIC(n + 1);
  memcpy(c, s, n + 1);
  return c;
}

/* Appends the running fiber's frames, innermost first, to the error. */
static void add_frames(VM *vm, RuntimeError *e) {
  Fiber *f = vm->fiber;
  if (!f) return;
  int n = (int)f->n_frames;
  ErrorFrame *frames = GC_MALLOC(sizeof(ErrorFrame) * (size_t)(e->n_frames + n));
  if (e->n_frames) memcpy(frames, e->frames, sizeof(ErrorFrame) * (size_t)e->n_frames);
  for (int d = 0; d < n; d++) {
    ErrorFrame *ef = &frames[e->n_frames + d];
    CallFrame *fr = &f->frames[n - 1 - d];
    ObjString *name = fr->closure->fn->name;
    ef->fn_name = name ? name->chars : "<anonymous>";
    if (!vm_location(vm, d, &ef->src, &ef->span)) ef->src = NULL;
  }
  e->frames = frames;
  e->n_frames += n;
}

static _Noreturn void raise_error(VM *vm) {
  if (!vm->on_error) {
    vm_print_error(vm, stderr);
    exit(1);
  }
  longjmp(*vm->on_error, 1);
}

/* Where an error is reported: the running instruction, unless it is inside
 * the prelude, in which case the user's call into the prelude. */
static void error_location(VM *vm, const Source **src, Span *span) {
  *src = NULL;
  memset(span, 0, sizeof *span);
  Fiber *f = vm->fiber;
  int n = f ? (int)f->n_frames : 0;
  for (int d = 0; d < n; d++) {
    if (!vm_location(vm, d, src, span)) continue;
    if (!*src || !(*src)->library) return;
  }
  vm_location(vm, 0, src, span);
}

static _Noreturn void verror(VM *vm, const char *hint, const char *fmt, va_list ap) {
  StrBuf sb;
  sb_init(&sb);
  sb_vprintf(&sb, fmt, ap);
  RuntimeError *e = &vm->error;
  e->message = gc_strdup(sb.data);
  sb_free(&sb);
  e->hint = hint ? gc_strdup(hint) : NULL;
  e->note = NULL;
  e->note_src = NULL;
  e->frames = NULL;
  e->n_frames = 0;
  error_location(vm, &e->src, &e->span);
  add_frames(vm, e);
  raise_error(vm);
}

void vm_error(VM *vm, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(vm, NULL, fmt, ap);
}

void vm_error_hint(VM *vm, const char *hint, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(vm, hint, fmt, ap);
}

void vm_error_note(VM *vm, const Source *note_src, Span note_span, const char *note, const char *hint,
                   const char *fmt, ...) {
  /* the note is kept aside: verror resets it */
  char *copy = gc_strdup(note);
  va_list ap;
  va_start(ap, fmt);
  StrBuf sb;
  sb_init(&sb);
  sb_vprintf(&sb, fmt, ap);
  va_end(ap);
  RuntimeError *e = &vm->error;
  e->message = gc_strdup(sb.data);
  sb_free(&sb);
  e->hint = hint ? gc_strdup(hint) : NULL;
  e->note = copy;
  e->note_src = note_src;
  e->note_span = note_span;
  e->frames = NULL;
  e->n_frames = 0;
  error_location(vm, &e->src, &e->span);
  add_frames(vm, e);
  raise_error(vm);
}

void vm_raise_again(VM *vm) { raise_error(vm); }

void vm_rethrow(VM *vm) {
  add_frames(vm, &vm->error);
  raise_error(vm);
}

void vm_type_error(VM *vm, const char *fn, int arg, const char *want, Value got) {
  StrBuf sb;
  sb_init(&sb);
  val_describe(&sb, got);
  char desc[200];
  snprintf(desc, sizeof desc, "%s", sb.data);
  sb_free(&sb);
  vm_error(vm, "%s: argument %d must be %s, got %s", fn, arg + 1, want, desc);
}

static bool same_frame(const ErrorFrame *a, const ErrorFrame *b) {
  return a->src == b->src && a->span.line == b->span.line && a->span.col == b->span.col &&
         strcmp(a->fn_name, b->fn_name) == 0;
}

static void print_frame(FILE *out, const ErrorFrame *fr, bool first) {
  fprintf(out, "  %s %s", first ? "in" : "called from", fr->fn_name);
  if (fr->src && fr->src->library) fputs(" (standard library)", out);
  else if (fr->src) fprintf(out, " (%s:%d:%d)", fr->src->name, fr->span.line, fr->span.col);
  fputc('\n', out);
}

void vm_print_error(VM *vm, FILE *out) {
  RuntimeError *e = &vm->error;
  src_report(out, e->src, e->span, "error", e->message ? e->message : "unknown error", e->note ? NULL : e->hint);
  if (e->note) {
    src_report(out, e->note_src, e->note_span, "note", e->note, NULL);
    if (e->hint) fprintf(out, "hint: %s\n", e->hint);
  }
  if (e->n_frames <= 1) return;
  /* Long traces come from deep recursion: show the innermost and outermost
   * frames and collapse runs of identical frames. */
  int shown = 0;
  for (int i = 0; i < e->n_frames; i++) {
    int run = 1;
    while (i + run < e->n_frames && same_frame(&e->frames[i], &e->frames[i + run])) run++;
    if (shown < 12 || i >= e->n_frames - 3) {
      print_frame(out, &e->frames[i], i == 0);
      if (run > 1) fprintf(out, "  ... the same call %d more times\n", run - 1);
      shown++;
    } else if (shown == 12) {
      fprintf(out, "  ... %d more frames\n", e->n_frames - 3 - i);
      shown++;
    }
    i += run - 1;
  }
}

/* -------------------------------------------------------------- arguments */

double vm_arg_num(VM *vm, const char *fn, const Value *args, int i) {
  if (!val_is_num(args[i])) vm_type_error(vm, fn, i, "a number", args[i]);
  return val_as_num(args[i]);
}

ObjArray *vm_arg_array(VM *vm, const char *fn, const Value *args, int i) {
  if (!val_is(args[i], OBJ_ARRAY)) vm_type_error(vm, fn, i, "an array", args[i]);
  return AS_ARRAY(args[i]);
}

ObjString *vm_arg_string(VM *vm, const char *fn, const Value *args, int i) {
  if (!val_is(args[i], OBJ_STRING)) vm_type_error(vm, fn, i, "a string", args[i]);
  return AS_STRING(args[i]);
}

long vm_arg_int(VM *vm, const char *fn, const Value *args, int i, long lo, long hi) {
  double d = vm_arg_num(vm, fn, args, i);
  if (d != floor(d)) vm_type_error(vm, fn, i, "a whole number", args[i]);
  if (d < (double)lo || d > (double)hi) {
    StrBuf sb;
    sb_init(&sb);
    sb_num(&sb, d);
    char got[64];
    snprintf(got, sizeof got, "%s", sb.data);
    sb_free(&sb);
    if (hi == LONG_MAX) vm_error(vm, "%s: argument %d must be at least %ld, got %s", fn, i + 1, lo, got);
    vm_error(vm, "%s: argument %d must be between %ld and %ld, got %s", fn, i + 1, lo, hi, got);
  }
  return (long)d;
}

/* -------------------------------------------------------------- addresses */

static void write_index(StrBuf *sb, Value v) {
  sb_putc(sb, '[');
  val_write(sb, v, false);
  sb_putc(sb, ']');
}

ObjString *vm_address(VM *vm, const Fiber *f, const Choice *c) {
  const ObjSite *site = c->site;
  if (site->kind == SITE_DYNAMIC) {
    ObjString *s = AS_STRING(c->name);
    return vm_intern(vm, s->chars, s->len);
  }
  StrBuf sb;
  sb_init(&sb);
  sb_putn(&sb, site->name->chars, site->name->len);
  if (site->kind == SITE_INDEXED) {
    for (int i = 0; i < c->n_index; i++) write_index(&sb, c->index[i]);
  } else {
    for (uint32_t i = 0; i < f->n_loops; i++) {
      sb_putc(&sb, '[');
      sb_num(&sb, f->loops[i].index);
      sb_putc(&sb, ']');
    }
  }
  ObjString *s = vm_intern(vm, sb.data, sb.len);
  sb_free(&sb);
  return s;
}

ObjString *vm_address_unique(VM *vm, Fiber *f, const Choice *c) {
  ObjString *addr = vm_address(vm, f, c);
  if (c->site->kind != SITE_ANON) return addr;
  if (!f->anon_seen || f->anon_seen->shared) {
    AnonSeen *own = GC_MALLOC(sizeof *own);
    if (!f->anon_seen) {
      table_init(&own->seen);
    } else {
      own->seen = f->anon_seen->seen;
      own->seen.entries = GC_MALLOC(sizeof(TableEntry) * own->seen.cap);
      memcpy(own->seen.entries, f->anon_seen->seen.entries, sizeof(TableEntry) * own->seen.cap);
    }
    own->shared = false;
    f->anon_seen = own;
  }
  Table *seen_here = &f->anon_seen->seen;
  Value seen;
  if (!table_get(seen_here, addr, &seen)) {
    table_set(seen_here, addr, val_num(1));
    return addr;
  }
  int k = (int)val_as_num(seen) + 1;
  table_set(seen_here, addr, val_num(k));
  StrBuf sb;
  sb_init(&sb);
  sb_printf(&sb, "%s#%d", addr->chars, k);
  ObjString *numbered = vm_intern(vm, sb.data, sb.len);
  sb_free(&sb);
  return numbered;
}

/* ------------------------------------------------------------ interpreter */

static void grow_frames(VM *vm, Fiber *f) {
  if (f->frames_cap >= VM_MAX_FRAMES)
    vm_error_hint(vm,
                  "a call that is the last thing its function does (a tail call) does not "
                  "use stack; or use a for loop",
                  "recursion too deep (more than %d nested calls)", VM_MAX_FRAMES);
  uint32_t cap = f->frames_cap * 2;
  if (cap > VM_MAX_FRAMES) cap = VM_MAX_FRAMES;
  CallFrame *frames = GC_MALLOC(sizeof(CallFrame) * cap);
  memcpy(frames, f->frames, sizeof(CallFrame) * f->n_frames);
  f->frames = frames;
  f->frames_cap = cap;
}

static void grow_stack(VM *vm, Fiber *f, uint32_t need) {
  if (need > VM_MAX_STACK)
    vm_error(vm, "recursion too deep (the stack would need more than %u slots)", VM_MAX_STACK);
  uint32_t cap = f->stack_cap * 2;
  if (cap < need) cap = need;
  if (cap > VM_MAX_STACK) cap = VM_MAX_STACK;
  Value *stack = GC_MALLOC(sizeof(Value) * cap);
  memcpy(stack, f->stack, sizeof(Value) * f->sp);
  f->stack = stack;
  f->stack_cap = cap;
}

static void push_loop(Fiber *f, int32_t out_slot) {
  if (f->n_loops == f->loops_cap) {
    uint32_t cap = f->loops_cap ? f->loops_cap * 2 : 4;
    LoopState *loops = GC_MALLOC_ATOMIC(sizeof(LoopState) * cap);
    if (f->n_loops) memcpy(loops, f->loops, sizeof(LoopState) * f->n_loops);
    f->loops = loops;
    f->loops_cap = cap;
  }
  f->loops[f->n_loops].index = 0;
  f->loops[f->n_loops].out_slot = out_slot;
  f->n_loops++;
}

static double now_seconds(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (double)tv.tv_sec + tv.tv_usec * 1e-6;
}

void vm_report_steps(VM *vm) {
  uint64_t delta = vm->steps - vm->steps_reported;
  vm->steps_reported = vm->steps;
  atomic_fetch_add(&vm->rt->steps_used, delta);
}

static void check_limits(VM *vm) {
  Runtime *rt = vm->rt;
  vm_report_steps(vm);
  if (rt->interrupted) {
    rt->interrupted = 0;
    vm_error(vm, "interrupted");
  }
  if (rt->max_steps && atomic_load(&rt->steps_used) > rt->max_steps)
    vm_error_hint(vm, "raise the limit with --max-steps, or look for a loop that never ends",
                  "step limit of %llu reached", (unsigned long long)rt->max_steps);
  if (rt->deadline > 0 && now_seconds() > rt->deadline)
    vm_error_hint(vm, "raise the limit with --timeout, or look for a loop that never ends",
                  "time limit reached");
}

/* Adds a run's steps to the VM's count and checks the limits every few
 * thousand steps. Called from inside a run and when a run ends or stops,
 * so that many short runs (inference) are checked as well as long ones. */
static void flush_steps(VM *vm, uint32_t tick) {
  vm->steps += tick;
  if (vm->steps >= vm->next_check) {
    vm->next_check = vm->steps + 4096;
    check_limits(vm);
  }
}

static const char *callee_name(Value callee) {
  if (val_is(callee, OBJ_CLOSURE)) {
    ObjString *n = AS_CLOSURE(callee)->fn->name;
    return n ? n->chars : "anonymous function";
  }
  return AS_BUILTIN(callee)->name;
}

static _Noreturn void arity_error(VM *vm, Value callee, int argc) {
  int lo, hi;
  if (val_is(callee, OBJ_CLOSURE)) lo = hi = AS_CLOSURE(callee)->fn->arity;
  else {
    lo = AS_BUILTIN(callee)->min_args;
    hi = AS_BUILTIN(callee)->max_args;
  }
  const char *name = callee_name(callee);
  if (hi < 0)
    vm_error(vm, "%s expects at least %d argument%s, got %d", name, lo, lo == 1 ? "" : "s", argc);
  if (lo == hi) vm_error(vm, "%s expects %d argument%s, got %d", name, lo, lo == 1 ? "" : "s", argc);
  vm_error(vm, "%s expects %d to %d arguments, got %d", name, lo, hi, argc);
}

static _Noreturn void not_callable(VM *vm, Value v) {
  StrBuf sb;
  sb_init(&sb);
  val_describe(&sb, v);
  char desc[200];
  snprintf(desc, sizeof desc, "%s", sb.data);
  sb_free(&sb);
  vm_error(vm, "cannot call %s: it is not a function", desc);
}

static const char *op_symbol(OpCode op) {
  switch (op) {
  case OP_ADD: case OP_ADD_K: return "+";
  case OP_SUB: case OP_SUB_K: return "-";
  case OP_MUL: return "*";
  case OP_DIV: return "/";
  case OP_MOD: return "%";
  case OP_LT: case OP_LT_K: return "<";
  case OP_LE: case OP_LE_K: return "<=";
  case OP_GT: case OP_GT_K: return ">";
  case OP_GE: case OP_GE_K: return ">=";
  default: return "?";
  }
}

static _Noreturn void operand_error(VM *vm, OpCode op, Value a, Value b) {
  StrBuf sa, sb2;
  sb_init(&sa);
  sb_init(&sb2);
  val_describe(&sa, a);
  val_describe(&sb2, b);
  char da[160], db[160];
  snprintf(da, sizeof da, "%s", sa.data);
  snprintf(db, sizeof db, "%s", sb2.data);
  sb_free(&sa);
  sb_free(&sb2);
  const char *hint = NULL;
  if (op == OP_ADD && (val_is(a, OBJ_STRING) || val_is(b, OBJ_STRING)))
    hint = "to join a string with another value, convert it first: \"n = \" + str(n)";
  vm_error_hint(vm, hint, "operator %s cannot be applied to %s and %s", op_symbol(op), da, db);
}

/* The slow path of arithmetic: string joining and errors. Numbers on a
 * differentiation tape will be handled here too. */
static Value arith_slow(VM *vm, OpCode op, Value a, Value b) {
  if (op == OP_ADD_K) op = OP_ADD;
  if (op == OP_SUB_K) op = OP_SUB;
  if (op == OP_ADD && val_is(a, OBJ_STRING) && val_is(b, OBJ_STRING)) {
    ObjString *x = AS_STRING(a), *y = AS_STRING(b);
    ObjString *s = obj_alloc_atomic(sizeof(ObjString) + x->len + y->len + 1, OBJ_STRING);
    s->len = x->len + y->len;
    memcpy(s->chars, x->chars, x->len);
    memcpy(s->chars + x->len, y->chars, y->len);
    s->chars[s->len] = '\0';
    s->hash = str_hash(s->chars, s->len);
    return val_obj(s);
  }
  operand_error(vm, op, a, b);
}

static Value compare_slow(VM *vm, OpCode op, Value a, Value b) {
  if (val_is(a, OBJ_STRING) && val_is(b, OBJ_STRING)) {
    int c = str_compare(AS_STRING(a), AS_STRING(b));
    switch (op) {
    case OP_LT: case OP_LT_K: return val_bool(c < 0);
    case OP_LE: case OP_LE_K: return val_bool(c <= 0);
    case OP_GT: case OP_GT_K: return val_bool(c > 0);
    default: return val_bool(c >= 0);
    }
  }
  operand_error(vm, op, a, b);
}

static _Noreturn void bool_error(VM *vm, const char *what, Value v) {
  StrBuf sb;
  sb_init(&sb);
  val_describe(&sb, v);
  char d[200];
  snprintf(d, sizeof d, "%s", sb.data);
  sb_free(&sb);
  vm_error_hint(vm, "ppl has no truthiness: compare explicitly, e.g. x != 0 or len(xs) > 0",
                "%s must be a boolean, got %s", what, d);
}

static long whole_index(VM *vm, Value idx, uint32_t len, const char *what) {
  double d = val_as_num(idx);
  if (d != floor(d)) vm_error(vm, "%s index must be a whole number, got %s", what, num_fmt(d).s);
  if (d < 0 || d >= (double)len) {
    if (len == 0) vm_error(vm, "index %s is out of range: the %s is empty", num_fmt(d).s, what);
    vm_error(vm, "index %s is out of range for %s of length %u (valid: 0 to %u)", num_fmt(d).s, what, len, len - 1);
  }
  return (long)d;
}

static Value index_value(VM *vm, Value x, Value i) {
  if (val_is(x, OBJ_ARRAY)) {
    if (!val_is_num(i)) vm_type_error(vm, "[]", 0, "a number (array index)", i);
    return AS_ARRAY(x)->items[whole_index(vm, i, AS_ARRAY(x)->len, "array")];
  }
  if (val_is(x, OBJ_RECORD)) {
    if (!val_is(i, OBJ_STRING)) vm_type_error(vm, "[]", 0, "a string (record key)", i);
    ObjString *k = vm_intern(vm, AS_STRING(i)->chars, AS_STRING(i)->len);
    int j = shape_find(AS_RECORD(x)->shape, k);
    if (j < 0) vm_error(vm, "record has no field \"%s\"", k->chars);
    return AS_RECORD(x)->vals[j];
  }
  if (val_is(x, OBJ_STRING)) {
    if (!val_is_num(i)) vm_type_error(vm, "[]", 0, "a number (string index)", i);
    long j = whole_index(vm, i, AS_STRING(x)->len, "string");
    return val_obj(obj_string(AS_STRING(x)->chars + j, 1));
  }
  if (val_is(x, OBJ_NATIVE) && AS_NATIVE(x)->cls->index) {
    Value out;
    if (AS_NATIVE(x)->cls->index(vm, AS_NATIVE(x), i, &out)) return out;
    StrBuf sb;
    sb_init(&sb);
    val_write(&sb, i, true);
    char k[200];
    snprintf(k, sizeof k, "%s", sb.data);
    sb_free(&sb);
    vm_error(vm, "%s has no entry %s", AS_NATIVE(x)->cls->name, k);
  }
  StrBuf sb;
  sb_init(&sb);
  val_describe(&sb, x);
  char d[200];
  snprintf(d, sizeof d, "%s", sb.data);
  sb_free(&sb);
  vm_error(vm, "cannot index %s", d);
}

static Value field_value(VM *vm, Value x, ObjString *key) {
  if (val_is(x, OBJ_RECORD)) {
    int j = shape_find(AS_RECORD(x)->shape, key);
    if (j >= 0) return AS_RECORD(x)->vals[j];
    ObjShape *sh = AS_RECORD(x)->shape;
    StrBuf sb;
    sb_init(&sb);
    for (uint32_t i = 0; i < sh->n && i < 8; i++) sb_printf(&sb, "%s%s", i ? ", " : "", sh->keys[i]->chars);
    if (sh->n > 8) sb_puts(&sb, ", ...");
    char fields[300];
    snprintf(fields, sizeof fields, "its fields are: %s", sh->n ? sb.data : "(none)");
    sb_free(&sb);
    vm_error_hint(vm, fields, "record has no field '%s'", key->chars);
  }
  if (val_is(x, OBJ_NATIVE) && AS_NATIVE(x)->cls->field) {
    Value out;
    if (AS_NATIVE(x)->cls->field(vm, AS_NATIVE(x), key, &out)) return out;
    vm_error(vm, "%s has no field '%s'", AS_NATIVE(x)->cls->name, key->chars);
  }
  StrBuf sb;
  sb_init(&sb);
  val_describe(&sb, x);
  char d[200];
  snprintf(d, sizeof d, "%s", sb.data);
  sb_free(&sb);
  vm_error(vm, "%s has no field '%s'", d, key->chars);
}

static Value make_range(VM *vm, Value a, Value b) {
  if (!val_is_num(a) || !val_is_num(b)) {
    if (!val_is_num(a)) vm_type_error(vm, "..", 0, "a number", a);
    vm_type_error(vm, "..", 1, "a number", b);
  }
  double lo = val_as_num(a), hi = val_as_num(b);
  if (lo != floor(lo) || hi != floor(hi))
    vm_error(vm, "range bounds must be whole numbers, got %s..%s", num_fmt(lo).s, num_fmt(hi).s);
  double n = hi > lo ? hi - lo : 0;
  if (n > 1e9) vm_error(vm, "range %s..%s is too long", num_fmt(lo).s, num_fmt(hi).s);
  ObjArray *arr = obj_array((uint32_t)n);
  for (uint32_t i = 0; i < (uint32_t)n; i++) arr->items[i] = val_num(lo + i);
  return val_obj(arr);
}

static ObjArray *unshare_array(ObjArray *out) {
  ObjArray *c = obj_alloc(sizeof(ObjArray) + sizeof(Value) * out->cap, OBJ_ARRAY);
  c->len = out->len;
  c->cap = out->cap;
  memcpy(c->items, out->items, sizeof(Value) * out->len);
  return c;
}

/* A fiber is stopping while distributions it built in scratch are still
 * waiting for their random choice (observe(D, { observe(...); v })): move
 * them to the heap, since the scratch slots belong to whatever runs next. */
static void keep_pending_dists(VM *vm, Fiber *f, int base) {
  for (int i = base; i < vm->n_scratch; i++) {
    Value temp = val_obj(&vm->scratch[i]);
    Value kept = dist_keep(temp);
    for (uint32_t j = 0; j < f->sp; j++)
      if (f->stack[j] == temp) f->stack[j] = kept;
  }
  vm->n_scratch = base;
}

/* Every instruction ends in its own indirect jump (DISPATCH), so the
 * processor predicts each instruction's successor from the instruction
 * that ran, not from one shared jump. GCC merges the copies back into one
 * (cross-jumping, and global common subexpression elimination of the
 * table load) unless told not to; the fold benchmark ran 460 -> 330 ms and
 * an SMC step about 15% faster with one jump per instruction. */
#if defined(__GNUC__) && !defined(__clang__)
#define INTERPRETER_LOOP __attribute__((optimize("no-gcse", "no-crossjumping")))
#else
#define INTERPRETER_LOOP
#endif

INTERPRETER_LOOP static FiberState run(VM *vm, Fiber *f, int scratch_base) {
  static const void *const labels[OP__COUNT] = {
#define PPL_OP_LABEL(name, fmt) &&L_##name,
      PPL_OPCODES(PPL_OP_LABEL)
#undef PPL_OP_LABEL
  };

  CallFrame *frame = &f->frames[f->n_frames - 1];
  const Instr *ip = frame->ip;
  Value *slots = f->stack + frame->base;
  Value *sp = f->stack + f->sp;
  const Value *K = frame->closure->fn->chunk.consts;
  uint32_t tick = 0;
  double for_n;
  Instr ins;

#define SYNC() (frame->ip = ip, f->sp = (uint32_t)(sp - f->stack))
#define RELOAD_STACK() (sp = f->stack + f->sp, slots = f->stack + frame->base)
#define AX INSTR_AX(ins)
#define SJ INSTR_SJ(ins)
#define DISPATCH()               \
  do {                           \
    ins = *ip++;                 \
    goto *labels[INSTR_OP(ins)]; \
  } while (0)
#define TICK()                        \
  do {                                \
    if (UNLIKELY(++tick >= 4096)) {   \
      SYNC();                         \
      flush_steps(vm, tick);          \
      tick = 0;                       \
    }                                 \
  } while (0)
#define NUM_BINARY(opname, expr)                                   \
  L_##opname : {                                                   \
    Value b = sp[-1], a = sp[-2];                                  \
    if (LIKELY(val_is_num(a) && val_is_num(b))) {                  \
      double x = val_as_num(a), y = val_as_num(b);                 \
      sp[-2] = expr;                                               \
    } else {                                                       \
      SYNC();                                                      \
      sp[-2] = arith_slow(vm, OP_##opname, a, b);                  \
    }                                                              \
    sp--;                                                          \
    DISPATCH();                                                    \
  }
#define NUM_COMPARE(opname, cop)                                   \
  L_##opname : {                                                   \
    Value b = sp[-1], a = sp[-2];                                  \
    if (LIKELY(val_is_num(a) && val_is_num(b))) {                  \
      sp[-2] = val_bool(val_as_num(a) cop val_as_num(b));          \
    } else {                                                       \
      SYNC();                                                      \
      sp[-2] = compare_slow(vm, OP_##opname, a, b);                \
    }                                                              \
    sp--;                                                          \
    DISPATCH();                                                    \
  }
#define NUM_K(opname, expr, slow)                                  \
  L_##opname : {                                                   \
    Value a = sp[-1], b = K[AX];                                   \
    if (LIKELY(val_is_num(a))) {                                   \
      double x = val_as_num(a), y = val_as_num(b);                 \
      sp[-1] = expr;                                               \
    } else {                                                       \
      SYNC();                                                      \
      sp[-1] = slow(vm, OP_##opname, a, b);                        \
    }                                                              \
    DISPATCH();                                                    \
  }

  DISPATCH();

L_CONST:
  *sp++ = K[AX];
  DISPATCH();
L_NIL:
  *sp++ = VAL_NIL;
  DISPATCH();
L_TRUE:
  *sp++ = VAL_TRUE;
  DISPATCH();
L_FALSE:
  *sp++ = VAL_FALSE;
  DISPATCH();
L_POP:
  sp--;
  DISPATCH();
L_SLIDE: {
  uint32_t n = AX;
  sp[-1 - (long)n] = sp[-1];
  sp -= n;
  DISPATCH();
}
L_GET_LOCAL:
  *sp++ = slots[AX];
  DISPATCH();
L_GET_CAPTURE:
  *sp++ = frame->closure->captures[AX];
  DISPATCH();
L_GET_GLOBAL: {
  Value v = vm->rt->globals[AX];
  if (UNLIKELY(v == VAL_UNDEF)) {
    SYNC();
    vm_error(vm, "'%s' is used before it is defined", vm->rt->global_names[AX]->chars);
  }
  *sp++ = v;
  DISPATCH();
}
L_DEF_GLOBAL:
  vm_global_set(vm, (int)AX, *--sp);
  DISPATCH();

  NUM_BINARY(ADD, val_num(x + y))
  NUM_BINARY(SUB, val_num(x - y))
  NUM_BINARY(MUL, val_num(x * y))
  NUM_BINARY(DIV, val_num(x / y))
  NUM_BINARY(MOD, val_num(fmod(x, y)))
  NUM_COMPARE(LT, <)
  NUM_COMPARE(LE, <=)
  NUM_COMPARE(GT, >)
  NUM_COMPARE(GE, >=)
  NUM_K(ADD_K, val_num(x + y), arith_slow)
  NUM_K(SUB_K, val_num(x - y), arith_slow)
  NUM_K(LT_K, val_bool(x < y), compare_slow)
  NUM_K(LE_K, val_bool(x <= y), compare_slow)
  NUM_K(GT_K, val_bool(x > y), compare_slow)
  NUM_K(GE_K, val_bool(x >= y), compare_slow)

L_NEG: {
  Value a = sp[-1];
  if (LIKELY(val_is_num(a))) sp[-1] = val_num(-val_as_num(a));
  else {
    SYNC();
    StrBuf sb;
    sb_init(&sb);
    val_describe(&sb, a);
    char d[200];
    snprintf(d, sizeof d, "%s", sb.data);
    sb_free(&sb);
    vm_error(vm, "unary - cannot be applied to %s", d);
  }
  DISPATCH();
}
L_NOT: {
  Value a = sp[-1];
  if (UNLIKELY(!val_is_bool(a))) {
    SYNC();
    bool_error(vm, "the operand of !", a);
  }
  sp[-1] = a ^ 1; /* VAL_TRUE and VAL_FALSE differ in the low bit */
  DISPATCH();
}
L_EQ: {
  Value b = sp[-1], a = sp[-2];
  sp[-2] = val_bool(val_is_num(a) && val_is_num(b) ? val_as_num(a) == val_as_num(b) : val_equal(a, b));
  sp--;
  DISPATCH();
}
L_NE: {
  Value b = sp[-1], a = sp[-2];
  sp[-2] = val_bool(!(val_is_num(a) && val_is_num(b) ? val_as_num(a) == val_as_num(b) : val_equal(a, b)));
  sp--;
  DISPATCH();
}
L_JUMP:
  ip += SJ;
  DISPATCH();
L_JUMP_IF_FALSE: {
  Value c = *--sp;
  if (c == VAL_FALSE) ip += SJ;
  else if (UNLIKELY(c != VAL_TRUE)) {
    sp++;
    SYNC();
    bool_error(vm, "a condition", c);
  }
  DISPATCH();
}
L_LOOP:
  ip += SJ;
  TICK();
  DISPATCH();
L_AND: {
  Value c = sp[-1];
  if (c == VAL_FALSE) ip += SJ;
  else if (c == VAL_TRUE) sp--;
  else {
    SYNC();
    bool_error(vm, "the left operand of &&", c);
  }
  DISPATCH();
}
L_OR: {
  Value c = sp[-1];
  if (c == VAL_TRUE) ip += SJ;
  else if (c == VAL_FALSE) sp--;
  else {
    SYNC();
    bool_error(vm, "the left operand of ||", c);
  }
  DISPATCH();
}
L_CHECK_BOOL:
  if (UNLIKELY(!val_is_bool(sp[-1]))) {
    SYNC();
    bool_error(vm, "the right operand of && or ||", sp[-1]);
  }
  DISPATCH();

L_CALL: {
  uint32_t argc = AX;
  Value callee = sp[-1 - (long)argc];
  if (LIKELY(val_is(callee, OBJ_CLOSURE))) {
    ObjClosure *cl = AS_CLOSURE(callee);
    ObjFunction *fn = cl->fn;
    if (UNLIKELY((uint32_t)fn->arity != argc)) {
      SYNC();
      arity_error(vm, callee, (int)argc);
    }
    frame->ip = ip;
    uint32_t base = (uint32_t)(sp - f->stack) - argc - 1;
    if (UNLIKELY(f->n_frames == f->frames_cap)) {
      SYNC();
      grow_frames(vm, f);
    }
    if (UNLIKELY(base + (uint32_t)fn->max_stack > f->stack_cap)) {
      SYNC();
      grow_stack(vm, f, base + (uint32_t)fn->max_stack);
      sp = f->stack + f->sp;
    }
    frame = &f->frames[f->n_frames++];
    frame->closure = cl;
    frame->base = base;
    ip = fn->chunk.code;
    slots = f->stack + base;
    K = fn->chunk.consts;
    TICK();
    DISPATCH();
  }
  if (val_is(callee, OBJ_BUILTIN)) {
    ObjBuiltin *b = AS_BUILTIN(callee);
    SYNC();
    if (UNLIKELY((int)argc < b->min_args || (b->max_args >= 0 && (int)argc > b->max_args)))
      arity_error(vm, callee, (int)argc);
    Value r = b->fn(vm, (int)argc, sp - argc);
    sp -= argc;
    sp[-1] = r;
    DISPATCH();
  }
  SYNC();
  not_callable(vm, callee);
}
L_DIST_CALL: {
  uint32_t argc = AX;
  Value callee = sp[-1 - (long)argc];
  if (val_is(callee, OBJ_BUILTIN) && AS_BUILTIN(callee)->data == &dist_constructor_mark) {
    ObjBuiltin *b = AS_BUILTIN(callee);
    SYNC();
    if (UNLIKELY((int)argc < b->min_args || (b->max_args >= 0 && (int)argc > b->max_args)))
      arity_error(vm, callee, (int)argc);
    ObjDist *slot = vm->n_scratch < VM_SCRATCH_DISTS ? &vm->scratch[vm->n_scratch] : NULL;
    vm->dist_scratch = slot;
    Value r = b->fn(vm, (int)argc, sp - argc);
    vm->dist_scratch = NULL;
    if (slot && r == val_obj(slot)) vm->n_scratch++;
    sp -= argc;
    sp[-1] = r;
    DISPATCH();
  }
  goto L_CALL; /* any other function: an ordinary call (same operand) */
}
L_TAIL_CALL: {
  uint32_t argc = AX;
  Value callee = sp[-1 - (long)argc];
  if (LIKELY(val_is(callee, OBJ_CLOSURE))) {
    ObjClosure *cl = AS_CLOSURE(callee);
    ObjFunction *fn = cl->fn;
    if (UNLIKELY((uint32_t)fn->arity != argc)) {
      SYNC();
      arity_error(vm, callee, (int)argc);
    }
    /* The callee and its arguments move down onto this frame. A call
     * passes a few values, so a word loop beats a call to memmove (the
     * regions may overlap; copying upwards is safe as slots is below). */
    const Value *from = sp - argc - 1;
    for (uint32_t k = 0; k <= argc; k++) slots[k] = from[k];
    sp = slots + argc + 1;
    if (UNLIKELY(frame->base + (uint32_t)fn->max_stack > f->stack_cap)) {
      f->sp = (uint32_t)(sp - f->stack);
      grow_stack(vm, f, frame->base + (uint32_t)fn->max_stack);
      RELOAD_STACK();
    }
    frame->closure = cl;
    ip = fn->chunk.code;
    K = fn->chunk.consts;
    TICK();
    DISPATCH();
  }
  if (val_is(callee, OBJ_BUILTIN)) {
    ObjBuiltin *b = AS_BUILTIN(callee);
    SYNC();
    if (UNLIKELY((int)argc < b->min_args || (b->max_args >= 0 && (int)argc > b->max_args)))
      arity_error(vm, callee, (int)argc);
    Value r = b->fn(vm, (int)argc, sp - argc);
    sp -= argc;
    sp[-1] = r;
    goto L_RETURN;
  }
  SYNC();
  not_callable(vm, callee);
}
L_RETURN: {
  Value r = sp[-1];
  if (UNLIKELY(f->n_frames == 1)) {
    SYNC();
    flush_steps(vm, tick + 1);
  }
  if (UNLIKELY(--f->n_frames == 0)) {
    f->result = r;
    f->sp = 0;
    f->state = FIBER_DONE;
    return FIBER_DONE;
  }
  sp = slots;
  *sp++ = r;
  frame = &f->frames[f->n_frames - 1];
  ip = frame->ip;
  slots = f->stack + frame->base;
  K = frame->closure->fn->chunk.consts;
  DISPATCH();
}
L_CLOSURE: {
  ObjFunction *fn = AS_FUNCTION(K[AX]);
  ObjClosure *cl = obj_closure(fn);
  int n = fn->n_captures;
  for (int i = 0; i < n; i++) cl->captures[i] = sp[i - n];
  sp -= n;
  *sp++ = val_obj(cl);
  DISPATCH();
}
L_ARRAY: {
  uint32_t n = AX;
  ObjArray *a = obj_array_from(sp - n, n);
  sp -= n;
  *sp++ = val_obj(a);
  DISPATCH();
}
L_RECORD: {
  ObjShape *shape = AS_SHAPE(K[AX]);
  uint32_t n = shape->n;
  ObjRecord *r = obj_record(shape);
  memcpy(r->vals, sp - n, sizeof(Value) * n);
  sp -= n;
  *sp++ = val_obj(r);
  DISPATCH();
}
L_INDEX: {
  Value i = sp[-1], x = sp[-2];
  if (LIKELY(val_is(x, OBJ_ARRAY) && val_is_num(i))) {
    double d = val_as_num(i);
    ObjArray *a = AS_ARRAY(x);
    if (LIKELY(d >= 0 && d < (double)a->len && d == (double)(uint32_t)d)) {
      sp[-2] = a->items[(uint32_t)d];
      sp--;
      DISPATCH();
    }
  }
  SYNC();
  sp[-2] = index_value(vm, x, i);
  sp--;
  DISPATCH();
}
L_FIELD: {
  Value x = sp[-1];
  ObjString *key = AS_STRING(K[AX]);
  if (LIKELY(val_is(x, OBJ_RECORD))) {
    int j = shape_find(AS_RECORD(x)->shape, key);
    if (LIKELY(j >= 0)) {
      sp[-1] = AS_RECORD(x)->vals[j];
      DISPATCH();
    }
  }
  SYNC();
  sp[-1] = field_value(vm, x, key);
  DISPATCH();
}
L_RANGE:
  SYNC();
  sp[-2] = make_range(vm, sp[-2], sp[-1]);
  sp--;
  DISPATCH();
L_UNPACK_ARRAY: {
  uint32_t n = AX;
  Value v = sp[-1];
  if (!val_is(v, OBJ_ARRAY) || AS_ARRAY(v)->len != n) {
    SYNC();
    if (!val_is(v, OBJ_ARRAY)) vm_type_error(vm, "let [...]", 0, "an array", v);
    vm_error(vm, "cannot unpack an array of length %u into %u names", AS_ARRAY(v)->len, n);
  }
  sp--;
  memcpy(sp, AS_ARRAY(v)->items, sizeof(Value) * n);
  sp += n;
  DISPATCH();
}
L_UNPACK_RECORD: {
  ObjShape *want = AS_SHAPE(K[AX]);
  Value v = sp[-1];
  SYNC();
  if (!val_is(v, OBJ_RECORD)) vm_type_error(vm, "let {...}", 0, "a record", v);
  sp--;
  for (uint32_t i = 0; i < want->n; i++) *sp++ = field_value(vm, v, want->keys[i]);
  DISPATCH();
}
L_FOR_RANGE: {
  SYNC();
  Value a = sp[-2], b = sp[-1];
  if (!val_is_num(a)) vm_type_error(vm, "for ... in a..b", 0, "a number", a);
  if (!val_is_num(b)) vm_type_error(vm, "for ... in a..b", 1, "a number", b);
  double lo = val_as_num(a), hi = val_as_num(b);
  if (lo != floor(lo) || hi != floor(hi))
    vm_error(vm, "range bounds must be whole numbers, got %s..%s", num_fmt(lo).s, num_fmt(hi).s);
  for_n = hi > lo ? hi - lo : 0;
  if (for_n > 4e9) vm_error(vm, "range %s..%s is too long", num_fmt(lo).s, num_fmt(hi).s);
  goto for_start;
}
L_FOR_ARRAY:
  SYNC();
  if (!val_is(sp[-1], OBJ_ARRAY)) vm_type_error(vm, "for ... in", 0, "an array or a range a..b", sp[-1]);
  for_n = AS_ARRAY(sp[-1])->len;
  sp++;
for_start: {
  /* The hidden state of the loop: [s][n][out][k], where s is the range's
   * start or the array, and out is nil when the loop's value is unused. */
  bool collect = AX != 0;
  sp[-1] = val_num(for_n);
  sp[0] = VAL_NIL;
  if (collect) {
    ObjArray *out = obj_array((uint32_t)for_n);
    out->len = 0;
    sp[0] = val_obj(out);
  }
  sp[1] = val_num(0);
  sp += 2;
  push_loop(f, collect ? (int32_t)(sp - 2 - f->stack) : -1);
  DISPATCH();
}
L_FOR_NEXT: {
  double k = val_as_num(sp[-1]);
  if (k >= val_as_num(sp[-3])) {
    ip += SJ;
    DISPATCH();
  }
  Value s = sp[-4];
  LoopState *loop = &f->loops[f->n_loops - 1];
  if (val_is_num(s)) {
    double x = val_as_num(s) + k;
    loop->index = x;
    *sp++ = val_num(x);
  } else {
    loop->index = k;
    *sp++ = AS_ARRAY(s)->items[(uint32_t)k];
  }
  TICK();
  DISPATCH();
}
L_FOR_STORE: {
  Value v = sp[-1];
  Value out = sp[-4];
  if (out != VAL_NIL) {
    ObjArray *a = AS_ARRAY(out);
    if (UNLIKELY(a->obj.flags & OBJF_SHARED)) {
      a = unshare_array(a);
      sp[-4] = val_obj(a);
    }
    a->items[a->len++] = v;
  }
  sp -= 2;
  sp[-1] = val_num(val_as_num(sp[-1]) + 1);
  DISPATCH();
}
L_FOR_SKIP:
  sp--;
  sp[-1] = val_num(val_as_num(sp[-1]) + 1);
  DISPATCH();
L_FOR_END:
  sp[-4] = sp[-2];
  sp -= 3;
  f->n_loops--;
  DISPATCH();

L_SAMPLE: {
  const ObjSite *site = AS_SITE(K[AX]);
  Choice c;
  c.site = site;
  c.dist = sp[-1];
  c.name = VAL_NIL;
  c.index = NULL;
  c.n_index = 0;
  int pops = 1;
  if (site->kind == SITE_DYNAMIC) {
    c.name = sp[-2];
    pops = 2;
  } else if (site->kind == SITE_INDEXED) {
    c.n_index = site->n_index;
    c.index = sp - 1 - site->n_index;
    pops = 1 + site->n_index;
  }
  SYNC();
  /* x ~ D and x[i] ~ D read D as sample's first argument, sample("x", D) as
   * its second */
  if (UNLIKELY(!val_is(c.dist, OBJ_DIST)))
    vm_type_error(vm, "sample", site->kind == SITE_DYNAMIC ? 1 : 0, "a distribution", c.dist);
  if (site->kind == SITE_DYNAMIC && !val_is(c.name, OBJ_STRING))
    vm_type_error(vm, "sample", 0, "a string (the choice's name)", c.name);
  if (UNLIKELY(!f->handler))
    vm_error(vm, "random choices can only be made in a model run by infer, simulate or sample");
  Value v = f->handler->on_sample(vm, f, &c);
  if (AS_DIST(c.dist)->obj.flags & OBJF_TEMP) vm->n_scratch--;
  sp -= pops;
  *sp++ = v;
  goto after_choice;
}
L_OBSERVE: {
  Choice c;
  c.site = AS_SITE(K[AX]);
  c.dist = sp[-2];
  c.name = VAL_NIL;
  c.index = NULL;
  c.n_index = 0;
  SYNC();
  if (UNLIKELY(!val_is(c.dist, OBJ_DIST))) vm_type_error(vm, "observe", 0, "a distribution", c.dist);
  if (UNLIKELY(!f->handler)) vm_error(vm, "observe can only be used in a model run by infer");
  f->handler->on_observe(vm, f, &c, sp[-1]);
  if (AS_DIST(c.dist)->obj.flags & OBJF_TEMP) vm->n_scratch--;
  sp -= 2;
  *sp++ = VAL_NIL;
  goto after_choice;
}
L_FACTOR:
L_CONDITION: {
  Choice c;
  c.site = AS_SITE(K[AX]);
  c.dist = VAL_NIL;
  c.name = VAL_NIL;
  c.index = NULL;
  c.n_index = 0;
  Value w = sp[-1];
  SYNC();
  double lw;
  if (INSTR_OP(ins) == OP_FACTOR) {
    if (!val_is_num(w)) vm_type_error(vm, "factor", 0, "a number (a log weight)", w);
    lw = val_as_num(w);
    if (lw != lw) vm_error(vm, "factor: the log weight is nan");
    if (lw == INFINITY) vm_error(vm, "factor: the log weight is +inf");
  } else {
    if (!val_is_bool(w)) vm_type_error(vm, "condition", 0, "a boolean", w);
    lw = w == VAL_TRUE ? 0.0 : -INFINITY;
  }
  if (UNLIKELY(!f->handler))
    vm_error(vm, "%s can only be used in a model run by infer",
             INSTR_OP(ins) == OP_FACTOR ? "factor" : "condition");
  f->handler->on_factor(vm, f, &c, lw);
  sp[-1] = VAL_NIL;
  goto after_choice;
}
after_choice:
  if (f->suspend) {
    f->suspend = false;
    SYNC();
    if (UNLIKELY(vm->n_scratch > scratch_base)) keep_pending_dists(vm, f, scratch_base);
    flush_steps(vm, tick);
    f->state = FIBER_SUSPENDED;
    return FIBER_SUSPENDED;
  }
  /* A handler may have run nested fibers (nested inference); the stack of
   * this one is unchanged. */
  DISPATCH();

#undef SYNC
#undef RELOAD_STACK
#undef AX
#undef SJ
#undef DISPATCH
#undef TICK
#undef NUM_BINARY
#undef NUM_COMPARE
#undef NUM_K
}

/* What a run of fibers changes in the VM and puts back when it ends, by
 * returning or by a runtime error. */
typedef struct RunGuard {
  jmp_buf *saved_jmp;
  Fiber *saved_fiber;
  VM *saved_vm;
  int scratch_base;
} RunGuard;

static RunGuard guard_enter(VM *vm) {
  RunGuard g = {vm->on_error, vm->fiber, running_vm, vm->n_scratch};
  running_vm = vm;
  return g;
}

static void guard_leave(VM *vm, const RunGuard *g) {
  vm->on_error = g->saved_jmp;
  vm->fiber = g->saved_fiber;
  running_vm = g->saved_vm;
}

/* After a longjmp from a runtime error: also drops the failed run's scratch. */
static void guard_unwind(VM *vm, const RunGuard *g) {
  vm->n_scratch = g->scratch_base;
  vm->dist_scratch = NULL;
  guard_leave(vm, g);
}

FiberState vm_run(VM *vm, Fiber *f) {
  if (f->state == FIBER_DONE || f->state == FIBER_ERROR) return f->state;
  jmp_buf jb;
  RunGuard g = guard_enter(vm);
  vm->fiber = f;
  in_oom = 0;
  if (setjmp(jb)) {
    f->state = FIBER_ERROR;
    guard_unwind(vm, &g);
    return FIBER_ERROR;
  }
  vm->on_error = &jb;
  FiberState st = run(vm, f, g.scratch_base);
  guard_leave(vm, &g);
  return st;
}

/* With many fibers their blocks are far apart in memory: fetch the block of
 * a fiber a few ahead while this one runs, and, a little later (when its
 * block has arrived), the closure its top frame runs, which each run of a
 * model makes for itself. */
#define PREFETCH_AHEAD 6

static void prefetch_closure(const Fiber *f) {
  if (f->n_frames) __builtin_prefetch(f->frames[f->n_frames - 1].closure);
}

size_t vm_run_all(VM *vm, Fiber *const *fibers, size_t n, FiberAfter after, void *ctx) {
  jmp_buf jb;
  RunGuard g = guard_enter(vm);
  /* the index of the running fiber, read again after a longjmp */
  volatile size_t at = 0;
  if (setjmp(jb)) {
    fibers[at]->state = FIBER_ERROR;
    guard_unwind(vm, &g);
    return at;
  }
  for (size_t i = 0; i < n; i++) {
    if (i + PREFETCH_AHEAD < n) fiber_prefetch(fibers[i + PREFETCH_AHEAD], false);
    if (i + 2 < n) prefetch_closure(fibers[i + 2]);
    Fiber *f = fibers[i];
    if (f->state == FIBER_DONE || f->state == FIBER_ERROR) continue;
    at = i;
    double before = f->log_weight;
    vm->fiber = f;
    vm->on_error = &jb;
    in_oom = 0;
    run(vm, f, g.scratch_base);
    /* the callback runs as the caller would: its errors are the caller's */
    vm->on_error = g.saved_jmp;
    vm->fiber = g.saved_fiber;
    after(ctx, i, f, before);
  }
  running_vm = g.saved_vm;
  return n;
}

Value vm_call(VM *vm, const Handler *h, void *hdata, Value callee, int argc, const Value *args) {
  if (val_is(callee, OBJ_BUILTIN)) {
    ObjBuiltin *b = AS_BUILTIN(callee);
    if (argc < b->min_args || (b->max_args >= 0 && argc > b->max_args)) arity_error(vm, callee, argc);
    return b->fn(vm, argc, args);
  }
  if (!val_is(callee, OBJ_CLOSURE)) not_callable(vm, callee);
  if (AS_CLOSURE(callee)->fn->arity != argc) arity_error(vm, callee, argc);
  Fiber *f = fiber_new(vm, callee, argc, args);
  f->handler = h;
  f->hdata = hdata;
  FiberState st;
  while ((st = vm_run(vm, f)) == FIBER_SUSPENDED) {
  }
  if (st == FIBER_ERROR) vm_rethrow(vm);
  return f->result;
}
