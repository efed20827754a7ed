#include "chunk.h"

#include <gc/gc.h>

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

int chunk_add_const(Chunk *c, Value v) {
  bool shareable = val_is_num(v) || val_is(v, OBJ_STRING);
  if (shareable) {
    for (int i = 0; i < c->n_consts; i++) {
      Value k = c->consts[i];
      if (val_is_num(v) ? k == v : (val_is(k, OBJ_STRING) && val_equal(k, v))) return i;
    }
  }
  if (c->n_consts == c->consts_cap) {
    int cap = c->consts_cap ? c->consts_cap * 2 : 8;
    c->consts = GC_REALLOC(c->consts, sizeof(Value) * (size_t)cap);
    c->consts_cap = cap;
  }
  c->consts[c->n_consts] = v;
  return c->n_consts++;
}
