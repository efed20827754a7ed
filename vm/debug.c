#include "debug.h"

#include "print.h"

static const char *fn_label(const ObjFunction *fn) { return fn->name ? fn->name->chars : "<anonymous>"; }

void dis_instruction(FILE *out, const ObjFunction *fn, int offset) {
  const Chunk *c = &fn->chunk;
  Instr ins = c->code[offset];
  OpCode op = INSTR_OP(ins);
  Span sp = c->spans[offset];
  fprintf(out, "%04d %5d:%-4d %-14s", offset, sp.line, sp.col, op_names[op]);
  switch (op_formats[op]) {
  case OPF_NONE: break;
  case OPF_AX: fprintf(out, " %u", INSTR_AX(ins)); break;
  case OPF_SJ: fprintf(out, " %d", INSTR_SJ(ins)); fprintf(out, "\t; -> %04d", offset + 1 + INSTR_SJ(ins)); break;
  case OPF_K: {
    uint32_t k = INSTR_AX(ins);
    fprintf(out, " %u\t; ", k);
    Value v = c->consts[k];
    if (val_is(v, OBJ_FUNCTION)) fprintf(out, "<fn %s>", fn_label(AS_FUNCTION(v)));
    else if (val_is(v, OBJ_SHAPE)) {
      ObjShape *s = AS_SHAPE(v);
      fputc('{', out);
      for (uint32_t i = 0; i < s->n; i++) fprintf(out, "%s%s", i ? ", " : "", s->keys[i]->chars);
      fputc('}', out);
    } else val_print(out, v, true);
    break;
  }
  }
  fputc('\n', out);
}

void dis_function(FILE *out, const ObjFunction *fn) {
  fprintf(out, "== %s", fn_label(fn));
  if (fn->src) fprintf(out, " (%s:%d)", fn->src->name, fn->span.line);
  fprintf(out, " arity %d, captures %d, stack %d ==\n", fn->arity, fn->n_captures, fn->max_stack);
  for (int i = 0; i < fn->chunk.count; i++) dis_instruction(out, fn, i);
  for (int i = 0; i < fn->chunk.n_consts; i++) {
    Value v = fn->chunk.consts[i];
    if (val_is(v, OBJ_FUNCTION)) {
      fputc('\n', out);
      dis_function(out, AS_FUNCTION(v));
    }
  }
}
