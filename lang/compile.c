#include "compile.h"

#include <gc/gc.h>
#include <string.h>

typedef struct Compiler {
  VM *vm;
  Diags *diags;
  const Source *src;
  struct Compiler *parent;
  FnInfo *info;
  ObjFunction *fn;
  int depth;     /* stack slots in use above the frame base */
  int max_depth;
} Compiler;

static void compile_expr(Compiler *c, Node *n, bool tail);
static void compile_block(Compiler *c, Node *n, bool tail);

/* ------------------------------------------------------------- emission */

static void adjust(Compiler *c, int delta) {
  c->depth += delta;
  if (c->depth > c->max_depth) c->max_depth = c->depth;
}

static int emit(Compiler *c, OpCode op, uint32_t ax, int delta, Span span) {
  if (ax > INSTR_AX_MAX) {
    diag_error(c->diags, span, "split the function or the literal into smaller pieces",
               "too large for the bytecode (operand %u)", ax);
    ax = 0;
  }
  adjust(c, delta);
  return chunk_emit(&c->fn->chunk, INSTR_MAKE(op, ax), span);
}

static uint32_t add_const(Compiler *c, Value v) { return (uint32_t)chunk_add_const(&c->fn->chunk, v); }

static int emit_jump(Compiler *c, OpCode op, int delta, Span span) { return emit(c, op, 0, delta, span); }

static void patch_jump_to(Compiler *c, int at, int target) {
  int offset = target - (at + 1);
  if (offset > INSTR_SJ_MAX || offset < -INSTR_SJ_MAX)
    diag_error(c->diags, c->fn->chunk.spans[at], NULL, "function too large to compile");
  Instr *ins = &c->fn->chunk.code[at];
  *ins = INSTR_MAKE(INSTR_OP(*ins), (uint32_t)offset & INSTR_AX_MAX);
}

static void patch_jump(Compiler *c, int at) { patch_jump_to(c, at, c->fn->chunk.count); }

static void emit_loop(Compiler *c, OpCode op, int target, Span span) {
  int at = emit(c, op, 0, 0, span);
  patch_jump_to(c, at, target);
}

/* ------------------------------------------------------------ variables */

static void emit_load(Compiler *c, Binding *b, Span span) {
  if (b->kind == BIND_GLOBAL) {
    emit(c, OP_GET_GLOBAL, (uint32_t)b->global, 1, span);
  } else if (b->owner == c->info) {
    emit(c, OP_GET_LOCAL, (uint32_t)b->slot, 1, span);
  } else {
    int i = fninfo_capture_index(c->info, b);
    emit(c, OP_GET_CAPTURE, (uint32_t)(i < 0 ? 0 : i), 1, span);
  }
}

/* The value on top of the stack becomes b: a global is stored and popped, a
 * local stays where it is as b's slot. */
static void bind_top(Compiler *c, Binding *b, Span span) {
  if (!b) return;
  if (b->kind == BIND_GLOBAL) {
    emit(c, OP_DEF_GLOBAL, (uint32_t)b->global, -1, span);
    Runtime *rt = c->vm->rt;
    rt->global_srcs[b->global] = c->src;
    rt->global_spans[b->global] = span;
  } else {
    b->slot = c->depth - 1;
  }
}

/* ------------------------------------------------------------ functions */

static ObjString *intern_n(Compiler *c, const char *s, size_t n) { return vm_intern(c->vm, s, n); }

static ObjFunction *compile_function(Compiler *parent, Node *n) {
  Compiler c;
  memset(&c, 0, sizeof c);
  c.vm = parent->vm;
  c.diags = parent->diags;
  c.src = parent->src;
  c.parent = parent;
  c.info = n->fn.info;
  c.fn = obj_function();
  c.fn->arity = n->fn.n_params;
  c.fn->n_captures = c.info->n_captures;
  c.fn->src = c.src;
  c.fn->span = n->span;
  if (n->fn.name) c.fn->name = intern_n(&c, n->fn.name, strlen(n->fn.name));
  c.depth = c.max_depth = 1 + n->fn.n_params;
  compile_block(&c, n->fn.body, true);
  Span end = n->fn.body->span;
  end.line = end.end_line;
  end.col = end.end_col;
  emit(&c, OP_RETURN, 0, -1, end);
  c.fn->max_stack = c.max_depth + 1;
  return c.fn;
}

static void compile_fn(Compiler *c, Node *n) {
  ObjFunction *fn = compile_function(c, n);
  FnInfo *info = n->fn.info;
  for (int i = 0; i < info->n_captures; i++) emit_load(c, info->captures[i], n->span);
  emit(c, OP_CLOSURE, add_const(c, val_obj(fn)), 1 - info->n_captures, n->span);
}

/* --------------------------------------------------------- random choices */

static ObjSite *new_site(Compiler *c, SiteKind kind, SiteOp op, const char *name, Span span) {
  ObjSite *s = obj_alloc(sizeof(ObjSite), OBJ_SITE);
  s->kind = (uint8_t)kind;
  s->op = (uint8_t)op;
  s->src = c->src;
  s->span = span;
  s->id = c->vm->rt->next_site_id++;
  char buf[64];
  if (!name) {
    snprintf(buf, sizeof buf, "@%d:%d", span.line, span.col);
    name = buf;
  }
  s->name = intern_n(c, name, strlen(name));
  return s;
}

/* The distribution argument of a random choice. When it is a call, DIST_CALL
 * lets a distribution constructor build it without a heap allocation. */
static void compile_dist_arg(Compiler *c, Node *n) {
  if (n->kind != N_CALL || n->call.special != SPECIAL_NONE) {
    compile_expr(c, n, false);
    return;
  }
  compile_expr(c, n->call.callee, false);
  int argc = n->call.args.count;
  for (int i = 0; i < argc; i++) compile_expr(c, n->call.args.items[i], false);
  emit(c, OP_DIST_CALL, (uint32_t)argc, -argc, n->span);
}

static void compile_special(Compiler *c, Node *n) {
  NodeList *args = &n->call.args;
  switch (n->call.special) {
  case SPECIAL_SAMPLE: {
    bool named = args->count == 2;
    for (int i = 0; i < args->count; i++) {
      if (i == args->count - 1) compile_dist_arg(c, args->items[i]);
      else compile_expr(c, args->items[i], false);
    }
    ObjSite *s = new_site(c, named ? SITE_DYNAMIC : SITE_ANON, SITE_SAMPLE, NULL, n->span);
    emit(c, OP_SAMPLE, add_const(c, val_obj(s)), 1 - args->count, n->span);
    break;
  }
  case SPECIAL_OBSERVE: {
    for (int i = 0; i < args->count; i++) {
      if (i == 0) compile_dist_arg(c, args->items[i]);
      else compile_expr(c, args->items[i], false);
    }
    ObjSite *s = new_site(c, SITE_ANON, SITE_OBSERVE, NULL, n->span);
    emit(c, OP_OBSERVE, add_const(c, val_obj(s)), 1 - args->count, n->span);
    break;
  }
  case SPECIAL_FACTOR:
  case SPECIAL_CONDITION: {
    bool factor = n->call.special == SPECIAL_FACTOR;
    for (int i = 0; i < args->count; i++) compile_expr(c, args->items[i], false);
    ObjSite *s = new_site(c, SITE_ANON, factor ? SITE_FACTOR : SITE_CONDITION, NULL, n->span);
    emit(c, factor ? OP_FACTOR : OP_CONDITION, add_const(c, val_obj(s)), 1 - args->count, n->span);
    break;
  }
  case SPECIAL_NONE: break;
  }
}

static void compile_tilde(Compiler *c, Node *n) {
  NodeList *idx = &n->tilde.indices;
  for (int i = 0; i < idx->count; i++) compile_expr(c, idx->items[i], false);
  compile_dist_arg(c, n->tilde.dist);
  ObjSite *s = new_site(c, idx->count ? SITE_INDEXED : SITE_NAMED, SITE_SAMPLE, n->tilde.name, n->span);
  s->n_index = (uint16_t)idx->count;
  emit(c, OP_SAMPLE, add_const(c, val_obj(s)), -idx->count, n->span);
  bind_top(c, n->tilde.binding, n->tilde.name_span);
}

/* ---------------------------------------------------------------- loops */

/* for x in iter [if guard] { body }. collect=false when the loop's value
 * is thrown away, so no array is built. */
static void compile_for(Compiler *c, Node *n, bool collect) {
  int d0 = c->depth;
  Node *iter = n->for_.iter;
  if (iter->kind == N_RANGE) {
    compile_expr(c, iter->binary.left, false);
    compile_expr(c, iter->binary.right, false);
    emit(c, OP_FOR_RANGE, collect, 2, iter->span);
  } else {
    compile_expr(c, iter, false);
    emit(c, OP_FOR_ARRAY, collect, 3, iter->span);
  }
  int top = c->fn->chunk.count;
  int exit = emit_jump(c, OP_FOR_NEXT, 1, n->for_.var_span);
  n->for_.binding->slot = c->depth - 1;
  int skip = -1;
  if (n->for_.guard) {
    compile_expr(c, n->for_.guard, false);
    skip = emit_jump(c, OP_JUMP_IF_FALSE, -1, n->for_.guard->span);
  }
  compile_block(c, n->for_.body, false);
  emit(c, OP_FOR_STORE, 0, -2, n->for_.body->span);
  emit_loop(c, OP_LOOP, top, n->span);
  if (skip >= 0) {
    patch_jump(c, skip);
    adjust(c, 1); /* the loop variable is on the stack again here */
    emit(c, OP_FOR_SKIP, 0, -1, n->for_.guard->span);
    emit_loop(c, OP_LOOP, top, n->span);
  }
  patch_jump(c, exit);
  c->depth = d0 + 4;
  emit(c, OP_FOR_END, 0, -3, n->span);
}

/* ---------------------------------------------------------- expressions */

static bool is_num_literal(const Node *n) { return n->kind == N_NUM; }

static void compile_binary(Compiler *c, Node *n) {
  Node *l = n->binary.left, *r = n->binary.right;
  OpCode op = n->binary.op;
  OpCode kop = op == OP_ADD ? OP_ADD_K
               : op == OP_SUB ? OP_SUB_K
               : op == OP_LT  ? OP_LT_K
               : op == OP_LE  ? OP_LE_K
               : op == OP_GT  ? OP_GT_K
               : op == OP_GE  ? OP_GE_K
                              : OP_NIL;
  compile_expr(c, l, false);
  if (kop != OP_NIL && is_num_literal(r)) {
    emit(c, kop, add_const(c, val_num(r->num)), 0, n->span);
    return;
  }
  compile_expr(c, r, false);
  emit(c, op, 0, -1, n->span);
}

static void compile_pattern_bind(Compiler *c, Pattern *p, Span span) {
  if (p->kind == PAT_NAME) {
    bind_top(c, p->bindings[0], p->spans[0]);
    return;
  }
  if (p->kind == PAT_ARRAY) {
    emit(c, OP_UNPACK_ARRAY, (uint32_t)p->n, p->n - 1, span);
  } else {
    ObjShape *shape = obj_shape((uint32_t)p->n);
    for (int i = 0; i < p->n; i++) shape->keys[i] = intern_n(c, p->names[i], strlen(p->names[i]));
    emit(c, OP_UNPACK_RECORD, add_const(c, val_obj(shape)), p->n - 1, span);
  }
  /* the values sit in order, the last on top */
  bool global = p->n > 0 && p->bindings[0] && p->bindings[0]->kind == BIND_GLOBAL;
  if (global) {
    for (int i = p->n - 1; i >= 0; i--) bind_top(c, p->bindings[i], p->spans[i]);
  } else {
    for (int i = 0; i < p->n; i++)
      if (p->bindings[i]) p->bindings[i]->slot = c->depth - p->n + i;
  }
}

static void compile_stmt(Compiler *c, Node *n) {
  switch (n->kind) {
  case N_LET:
    compile_expr(c, n->let.value, false);
    compile_pattern_bind(c, n->let.pattern, n->span);
    break;
  case N_FN:
    compile_fn(c, n);
    if (n->fn.is_decl) bind_top(c, n->fn.decl, n->fn.name_span);
    else emit(c, OP_POP, 0, -1, n->span);
    break;
  case N_TILDE: compile_tilde(c, n); break;
  case N_EXPR_STMT: {
    Node *e = n->expr_stmt.expr;
    if (e->kind == N_FOR) compile_for(c, e, false);
    else compile_expr(c, e, false);
    emit(c, OP_POP, 0, -1, n->span);
    break;
  }
  case N_EMPTY: break;
  default:
    compile_expr(c, n, false);
    emit(c, OP_POP, 0, -1, n->span);
    break;
  }
}

static void compile_block(Compiler *c, Node *n, bool tail) {
  int d0 = c->depth;
  for (int i = 0; i < n->block.stmts.count; i++) compile_stmt(c, n->block.stmts.items[i]);
  Span end = n->span;
  end.line = end.end_line;
  end.col = end.end_col;
  if (n->block.tail) compile_expr(c, n->block.tail, tail);
  else emit(c, OP_NIL, 0, 1, end);
  int locals = c->depth - d0 - 1;
  if (locals > 0) emit(c, OP_SLIDE, (uint32_t)locals, -locals, end);
}

static void compile_if(Compiler *c, Node *n, bool tail) {
  compile_expr(c, n->if_.cond, false);
  int to_else = emit_jump(c, OP_JUMP_IF_FALSE, -1, n->if_.cond->span);
  int d = c->depth;
  compile_block(c, n->if_.then_branch, tail);
  int to_end = emit_jump(c, OP_JUMP, 0, n->span);
  patch_jump(c, to_else);
  c->depth = d;
  Node *e = n->if_.else_branch;
  if (!e) emit(c, OP_NIL, 0, 1, n->span);
  else if (e->kind == N_BLOCK) compile_block(c, e, tail);
  else compile_expr(c, e, tail);
  patch_jump(c, to_end);
}

static void compile_expr(Compiler *c, Node *n, bool tail) {
  switch (n->kind) {
  case N_NUM: emit(c, OP_CONST, add_const(c, val_num(n->num)), 1, n->span); break;
  case N_STR:
    emit(c, OP_CONST, add_const(c, val_obj(intern_n(c, n->str.chars, (size_t)n->str.len))), 1, n->span);
    break;
  case N_BOOL: emit(c, n->boolean ? OP_TRUE : OP_FALSE, 0, 1, n->span); break;
  case N_NIL: emit(c, OP_NIL, 0, 1, n->span); break;
  case N_IDENT:
    if (n->ident.binding) emit_load(c, n->ident.binding, n->span);
    else emit(c, OP_NIL, 0, 1, n->span); /* already reported */
    break;
  case N_ARRAY:
    for (int i = 0; i < n->array.items.count; i++) compile_expr(c, n->array.items.items[i], false);
    emit(c, OP_ARRAY, (uint32_t)n->array.items.count, 1 - n->array.items.count, n->span);
    break;
  case N_RECORD: {
    int k = n->record.keys.count;
    ObjShape *shape = obj_shape((uint32_t)k);
    for (int i = 0; i < k; i++) {
      Node *key = n->record.keys.items[i];
      shape->keys[i] = intern_n(c, key->str.chars, (size_t)key->str.len);
      compile_expr(c, n->record.values.items[i], false);
    }
    emit(c, OP_RECORD, add_const(c, val_obj(shape)), 1 - k, n->span);
    break;
  }
  case N_RANGE:
    compile_expr(c, n->binary.left, false);
    compile_expr(c, n->binary.right, false);
    emit(c, OP_RANGE, 0, -1, n->span);
    break;
  case N_BINARY: compile_binary(c, n); break;
  case N_UNARY:
    if (n->unary.op == OP_NEG && n->unary.operand->kind == N_NUM) {
      emit(c, OP_CONST, add_const(c, val_num(-n->unary.operand->num)), 1, n->span);
      break;
    }
    compile_expr(c, n->unary.operand, false);
    emit(c, n->unary.op, 0, 0, n->span);
    break;
  case N_AND:
  case N_OR: {
    compile_expr(c, n->binary.left, false);
    int j = emit_jump(c, n->kind == N_AND ? OP_AND : OP_OR, -1, n->span);
    compile_expr(c, n->binary.right, false);
    emit(c, OP_CHECK_BOOL, 0, 0, n->binary.right->span);
    patch_jump(c, j);
    break;
  }
  case N_CALL: {
    if (n->call.special != SPECIAL_NONE) {
      compile_special(c, n);
      break;
    }
    compile_expr(c, n->call.callee, false);
    int argc = n->call.args.count;
    for (int i = 0; i < argc; i++) compile_expr(c, n->call.args.items[i], false);
    emit(c, tail ? OP_TAIL_CALL : OP_CALL, (uint32_t)argc, -argc, n->span);
    break;
  }
  case N_INDEX:
    compile_expr(c, n->index.object, false);
    compile_expr(c, n->index.index, false);
    emit(c, OP_INDEX, 0, -1, n->span);
    break;
  case N_FIELD: {
    compile_expr(c, n->field.object, false);
    ObjString *key = intern_n(c, n->field.name, strlen(n->field.name));
    emit(c, OP_FIELD, add_const(c, val_obj(key)), 0, n->span);
    break;
  }
  case N_IF: compile_if(c, n, tail); break;
  case N_FOR: compile_for(c, n, true); break;
  case N_BLOCK: compile_block(c, n, tail); break;
  case N_FN: compile_fn(c, n); break;
  default:
    /* a statement where an expression was expected cannot come from the
     * grammar; compile it as a statement with value nil */
    compile_stmt(c, n);
    emit(c, OP_NIL, 0, 1, n->span);
    break;
  }
}

ObjFunction *compile_program(VM *vm, const Source *src, Node *program, FnInfo *main_info, Diags *diags) {
  Compiler c;
  memset(&c, 0, sizeof c);
  c.vm = vm;
  c.diags = diags;
  c.src = src;
  c.info = main_info;
  c.fn = obj_function();
  c.fn->name = vm_intern_cstr(vm, "<main>");
  c.fn->src = src;
  c.fn->span = program->span;
  c.depth = c.max_depth = 1;
  compile_block(&c, program, false);
  Span end = program->span;
  end.line = end.end_line;
  end.col = end.end_col;
  emit(&c, OP_RETURN, 0, -1, end);
  c.fn->max_stack = c.max_depth + 1;
  return diags->errors ? NULL : c.fn;
}
