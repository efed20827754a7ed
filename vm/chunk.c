#include "chunk.h"

#include <gc/gc.h>
#include <string.h>

#include "object.h"

const char *const op_names[OP__COUNT] = {
#define PPL_OP_NAME(name, fmt) #name,
    PPL_OPCODES(PPL_OP_NAME)
#undef PPL_OP_NAME
};

const OpFormat op_formats[OP__COUNT] = {
#define PPL_OP_FMT(name, fmt) OPF_##fmt,
    PPL_OPCODES(PPL_OP_FMT)
#undef PPL_OP_FMT
};

void chunk_init(Chunk *c) {
  c->code = NULL;
  c->spans = NULL;
  c->count = c->cap = 0;
  c->consts = NULL;
  c->n_consts = c->consts_cap = 0;
  c->const_slots = NULL;
  c->n_shared = c->slots_cap = 0;
}

int chunk_emit(Chunk *c, Instr ins, Span span) {
  if (c->count == c->cap) {
    int cap = c->cap ? c->cap * 2 : 16;
    c->code = GC_REALLOC(c->code, sizeof(Instr) * (size_t)cap);
    c->spans = GC_REALLOC(c->spans, sizeof(Span) * (size_t)cap);
    c->cap = cap;
  }
  c->code[c->count] = ins;
  c->spans[c->count] = span;
  return c->count++;
}

/* Numbers are shared when their bits are equal (so 0 and -0 are two
 * constants, and all NaNs, being canonical, one); strings when their
 * characters are. The hash agrees: a number's is its bits', a string's its
 * characters'. */
static uint32_t const_hash(Value v) {
  if (val_is_num(v)) return (uint32_t)((v * 0x9e3779b97f4a7c15ull) >> 32); /* Fibonacci hashing */
  return ((ObjString *)val_as_obj(v))->hash;
}

static bool const_same(Value k, Value v) {
  return val_is_num(v) ? k == v : (val_is(k, OBJ_STRING) && val_equal(k, v));
}

/* The slot of const_slots holding a constant equal to v, or the empty slot
 * where it would go. */
static int *find_slot(const Chunk *c, Value v) {
  uint32_t mask = (uint32_t)c->slots_cap - 1;
  for (uint32_t i = const_hash(v) & mask;; i = (i + 1) & mask) {
    int *slot = &c->const_slots[i];
    if (*slot < 0 || const_same(c->consts[*slot], v)) return slot;
  }
}

static void grow_slots(Chunk *c) {
  int *old = c->const_slots, old_cap = c->slots_cap;
  c->slots_cap = old_cap ? old_cap * 2 : 16;
  c->const_slots = GC_MALLOC_ATOMIC(sizeof(int) * (size_t)c->slots_cap);
  memset(c->const_slots, 0xff, sizeof(int) * (size_t)c->slots_cap); /* all -1 */
  for (int i = 0; i < old_cap; i++)
    if (old[i] >= 0) *find_slot(c, c->consts[old[i]]) = old[i];
}

int chunk_add_const(Chunk *c, Value v) {
  bool shareable = val_is_num(v) || val_is(v, OBJ_STRING);
  int *slot = NULL;
  if (shareable) {
    if ((c->n_shared + 1) * 2 > c->slots_cap) grow_slots(c); /* at most half full */
    slot = find_slot(c, v);
    if (*slot >= 0) return *slot;
  }
  if (c->n_consts == c->consts_cap) {
    int cap = c->consts_cap ? c->consts_cap * 2 : 8;
    c->consts = GC_REALLOC(c->consts, sizeof(Value) * (size_t)cap);
    c->consts_cap = cap;
  }
  c->consts[c->n_consts] = v;
  if (slot) {
    *slot = c->n_consts;
    c->n_shared++;
  }
  return c->n_consts++;
}
