#include "resolve.h"

#include <gc/gc.h>
#include <stdint.h>
#include <string.h>

#define MAX_NESTING 1000
/* "did you mean" compares a name with every visible name, so it is searched
 * for the first this many unknown names only: a file of n unknown names
 * would otherwise take time n * (names in the file). */
#define MAX_SUGGESTIONS 100

typedef struct Scope {
  struct Scope *parent;
  FnInfo *fn;
  bool is_global; /* the program's top level: declarations are globals */
  Binding **items;
  Binding **shadowed; /* shadowed[i]: what items[i] hid, visible again when the scope ends */
  int count, cap;
} Scope;

/* Everything the resolver knows about one name, found by hashing, so that
 * a lookup costs the same in a file of ten names as in one of 100,000. */
typedef struct NameEntry {
  const char *name; /* NULL: an empty slot */
  uint32_t hash;
  int top;          /* index among the program's top-level names, or -1 */
  Binding *visible; /* the innermost declaration in scope now, or NULL */
} NameEntry;

typedef struct Resolver {
  VM *vm;
  Diags *diags;
  Scope *scope;
  FnInfo *fn;
  int nesting;
  bool too_deep;
  int n_suggested; /* unknown names "did you mean" was searched for */
  /* every name declared or collected so far (open addressing, cap a power of two) */
  NameEntry *names;
  uint32_t n_names, names_cap;
  /* top-level names of this program: the first declaration of each (NULL
   * until declared), the fresh global slot each gets, and the slot the name
   * had before (-1: none) */
  const char **top_names;
  Binding **top_first;
  int *top_slot, *top_old;
  int n_top, top_cap;
} Resolver;

static const char *const specials[] = {"sample", "observe", "factor", "condition"};

bool resolve_is_reserved(const char *name) {
  for (size_t i = 0; i < sizeof specials / sizeof *specials; i++)
    if (strcmp(name, specials[i]) == 0) return true;
  return strcmp(name, "infer") == 0;
}

static Special special_of(const char *name) {
  if (strcmp(name, "sample") == 0) return SPECIAL_SAMPLE;
  if (strcmp(name, "observe") == 0) return SPECIAL_OBSERVE;
  if (strcmp(name, "factor") == 0) return SPECIAL_FACTOR;
  if (strcmp(name, "condition") == 0) return SPECIAL_CONDITION;
  return SPECIAL_NONE;
}

/* ------------------------------------------------------------ captures */

/* A function's captures are also kept in a hash table of indices into
 * captures[] (-1: empty), keyed by the Binding's address: a closure may
 * capture thousands of names, and every use of one looks its index up. */
static uint32_t binding_hash(const Binding *b) {
  uint64_t h = (uint64_t)(uintptr_t)b * 0x9e3779b97f4a7c15ull; /* Fibonacci hashing */
  return (uint32_t)(h >> 32);
}

int fninfo_capture_index(const FnInfo *f, const Binding *b) {
  if (f->slots_cap == 0) return -1;
  uint32_t mask = (uint32_t)f->slots_cap - 1;
  for (uint32_t i = binding_hash(b) & mask;; i = (i + 1) & mask) {
    int k = f->capture_slots[i];
    if (k < 0) return -1;
    if (f->captures[k] == b) return k;
  }
}

static void put_capture_slot(FnInfo *f, int k) {
  uint32_t mask = (uint32_t)f->slots_cap - 1;
  uint32_t i = binding_hash(f->captures[k]) & mask;
  while (f->capture_slots[i] >= 0) i = (i + 1) & mask;
  f->capture_slots[i] = k;
}

static void add_capture(FnInfo *f, Binding *b) {
  if (fninfo_capture_index(f, b) >= 0) return;
  if (f->n_captures == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 4;
    f->captures = GC_REALLOC(f->captures, sizeof(Binding *) * (size_t)f->cap);
  }
  f->captures[f->n_captures++] = b;
  if (f->n_captures * 2 > f->slots_cap) { /* keep the table at most half full */
    f->slots_cap = f->slots_cap ? f->slots_cap * 2 : 8;
    f->capture_slots = GC_MALLOC_ATOMIC(sizeof(int) * (size_t)f->slots_cap);
    memset(f->capture_slots, 0xff, sizeof(int) * (size_t)f->slots_cap); /* all -1 */
    for (int k = 0; k < f->n_captures; k++) put_capture_slot(f, k);
  } else {
    put_capture_slot(f, f->n_captures - 1);
  }
}

/* ---------------------------------------------------------------- names */

static void grow_names(Resolver *r) {
  uint32_t cap = r->names_cap ? r->names_cap * 2 : 64;
  NameEntry *entries = GC_MALLOC(sizeof(NameEntry) * cap);
  memset(entries, 0, sizeof(NameEntry) * cap);
  for (uint32_t i = 0; i < r->names_cap; i++) {
    NameEntry *e = &r->names[i];
    if (!e->name) continue;
    uint32_t j = e->hash & (cap - 1);
    while (entries[j].name) j = (j + 1) & (cap - 1);
    entries[j] = *e;
  }
  r->names = entries;
  r->names_cap = cap;
}

/* The entry for name, or NULL when there is none. With create, a missing
 * entry is made (not top-level, nothing visible). An entry pointer is good
 * until the next call with create. */
static NameEntry *name_entry(Resolver *r, const char *name, bool create) {
  if (create && (r->n_names + 1) * 4 > r->names_cap * 3) grow_names(r);
  if (r->names_cap == 0) return NULL;
  uint32_t h = str_hash(name, strlen(name));
  uint32_t mask = r->names_cap - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    NameEntry *e = &r->names[i];
    if (!e->name) {
      if (!create) return NULL;
      e->name = name;
      e->hash = h;
      e->top = -1;
      e->visible = NULL;
      r->n_names++;
      return e;
    }
    if (e->hash == h && strcmp(e->name, name) == 0) return e;
  }
}

static void push_scope(Resolver *r, bool is_global) {
  Scope *s = GC_MALLOC(sizeof *s);
  memset(s, 0, sizeof *s);
  s->parent = r->scope;
  s->fn = r->fn;
  s->is_global = is_global;
  r->scope = s;
}

/* Adds b to the innermost scope, where it hides any other declaration of
 * its name until the scope ends. */
static void scope_add(Resolver *r, Binding *b) {
  Scope *s = r->scope;
  NameEntry *e = name_entry(r, b->name, true);
  if (s->count == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 8;
    s->items = GC_REALLOC(s->items, sizeof(Binding *) * (size_t)s->cap);
    s->shadowed = GC_REALLOC(s->shadowed, sizeof(Binding *) * (size_t)s->cap);
  }
  s->items[s->count] = b;
  s->shadowed[s->count] = e->visible;
  s->count++;
  e->visible = b;
}

static void pop_scope(Resolver *r) {
  Scope *s = r->scope;
  /* newest first, so a name declared twice in s ends up as before s */
  for (int i = s->count - 1; i >= 0; i--) name_entry(r, s->items[i]->name, false)->visible = s->shadowed[i];
  r->scope = s->parent;
}

static int top_index(Resolver *r, const char *name) {
  NameEntry *e = name_entry(r, name, false);
  return e ? e->top : -1;
}

/* Finds names that repeat an earlier one in a list (parameters, a let's
 * pattern, a record's fields) in time linear in the list's length. */
typedef struct SeenName {
  const char *chars; /* NULL: an empty slot */
  int len;
  uint32_t hash;
} SeenName;

typedef struct SeenSet {
  SeenName *slots;
  uint32_t cap; /* a power of two, at least twice the names it will hold */
} SeenSet;

static void seen_init(SeenSet *s, int n) {
  s->slots = NULL;
  s->cap = 0;
  if (n < 2) return; /* nothing to repeat: most lists are this short */
  s->cap = 8;
  while (s->cap < (uint32_t)n * 2) s->cap *= 2;
  /* the characters live in the syntax tree, so the set need not keep them alive */
  s->slots = GC_MALLOC_ATOMIC(sizeof(SeenName) * s->cap);
  memset(s->slots, 0, sizeof(SeenName) * s->cap);
}

/* Adds the name; false when it was there already. */
static bool seen_add(SeenSet *s, const char *chars, int len) {
  if (s->cap == 0) return true;
  uint32_t h = str_hash(chars, (size_t)len);
  uint32_t mask = s->cap - 1;
  for (uint32_t i = h & mask;; i = (i + 1) & mask) {
    SeenName *e = &s->slots[i];
    if (!e->chars) {
      *e = (SeenName){chars, len, h};
      return true;
    }
    if (e->hash == h && e->len == len && memcmp(e->chars, chars, (size_t)len) == 0) return false;
  }
}

static Binding *new_binding(const char *name, BindKind kind, FnInfo *owner, Span span) {
  Binding *b = GC_MALLOC(sizeof *b);
  b->name = name;
  b->kind = kind;
  b->owner = owner;
  b->slot = -1;
  b->global = -1;
  b->span = span;
  return b;
}

static Binding *declare(Resolver *r, const char *name, Span span) {
  if (resolve_is_reserved(name)) {
    diag_error(r->diags, span, "choose another name", "'%s' is reserved and cannot be used as a name", name);
  }
  Binding *b;
  if (r->scope->is_global) {
    int t = top_index(r, name); /* every top-level declaration was collected */
    Binding *first = r->top_first[t];
    if (first) {
      char hint[160];
      snprintf(hint, sizeof hint,
               "a top-level name is defined once per file (the first is at line %d); choose a new name",
               first->span.line);
      diag_error(r->diags, span, hint, "'%s' is already defined", name);
    }
    b = new_binding(name, BIND_GLOBAL, NULL, span);
    b->global = r->top_slot[t];
    if (!first) r->top_first[t] = b;
  } else {
    b = new_binding(name, BIND_LOCAL, r->fn, span);
  }
  scope_add(r, b);
  return b;
}

/* The innermost declaration of name in scope, or NULL. */
static Binding *lookup_scopes(Resolver *r, const char *name) {
  NameEntry *e = name_entry(r, name, false);
  return e ? e->visible : NULL;
}

/* Every name visible here, for "did you mean". */
static const char *suggest(Resolver *r, const char *name) {
  int cap = 64, n = 0;
  const char **names = GC_MALLOC(sizeof(char *) * (size_t)cap);
#define ADD_NAME(x)                                                        \
  do {                                                                     \
    if (n == cap) {                                                        \
      cap *= 2;                                                            \
      names = GC_REALLOC(names, sizeof(char *) * (size_t)cap);             \
    }                                                                      \
    names[n++] = (x);                                                      \
  } while (0)
  for (Scope *s = r->scope; s; s = s->parent)
    for (int i = 0; i < s->count; i++) ADD_NAME(s->items[i]->name);
  for (int i = 0; i < r->n_top; i++) ADD_NAME(r->top_names[i]);
  Runtime *rt = r->vm->rt;
  for (int i = 0; i < rt->n_globals; i++)
    if (rt->globals[i] != VAL_UNDEF && rt->global_names[i]->chars[0] != '_') ADD_NAME(rt->global_names[i]->chars);
  for (size_t i = 0; i < sizeof specials / sizeof *specials; i++) ADD_NAME(specials[i]);
#undef ADD_NAME
  return diag_closest(name, names, n);
}

static void resolve_expr(Resolver *r, Node *n);
static void resolve_block(Resolver *r, Node *n, bool new_scope);

static Binding *global_binding(const char *name, int slot, Span span) {
  Binding *b = new_binding(name, BIND_GLOBAL, NULL, span);
  b->global = slot;
  return b;
}

static void resolve_ident(Resolver *r, Node *n) {
  const char *name = n->ident.name;
  Binding *b = lookup_scopes(r, name);
  if (b) {
    n->ident.binding = b;
    if (b->kind == BIND_LOCAL && b->owner != r->fn)
      for (FnInfo *f = r->fn; f && f != b->owner; f = f->parent) add_capture(f, b);
    return;
  }
  if (special_of(name) != SPECIAL_NONE) {
    diag_error(r->diags, n->span, "call it directly, like sample(normal(0, 1))",
               "'%s' is a special form, not a value", name);
    return;
  }
  Runtime *rt = r->vm->rt;
  int t = top_index(r, name);
  if (t >= 0) {
    /* A global this program defines further down: functions may use it (they
     * run later); top-level code sees the name's previous definition, if
     * any (the REPL's let x = x + 1). */
    if (r->fn->parent != NULL) {
      n->ident.binding = global_binding(name, r->top_slot[t], n->span);
      return;
    }
    int old = r->top_old[t];
    if (old >= 0 && rt->globals[old] != VAL_UNDEF) {
      n->ident.binding = global_binding(name, old, n->span);
      return;
    }
    diag_error(r->diags, n->span, "move the definition above this line", "'%s' is used before it is defined",
               name);
    return;
  }
  int g = vm_global_index(r->vm, vm_intern_cstr(r->vm, name));
  if (g >= 0 && rt->globals[g] != VAL_UNDEF) {
    n->ident.binding = global_binding(name, g, n->span);
    return;
  }
  const char *close = r->n_suggested++ < MAX_SUGGESTIONS ? suggest(r, name) : NULL;
  if (close) {
    char hint[160];
    snprintf(hint, sizeof hint, "did you mean '%s'?", close);
    diag_error(r->diags, n->span, hint, "unknown name '%s'", name);
  } else {
    diag_error(r->diags, n->span, NULL, "unknown name '%s'", name);
  }
}

static void resolve_list(Resolver *r, NodeList *l) {
  for (int i = 0; i < l->count; i++) resolve_expr(r, l->items[i]);
}

static void check_special_args(Resolver *r, Node *n) {
  int argc = n->call.args.count;
  switch (n->call.special) {
  case SPECIAL_SAMPLE:
    if (argc < 1 || argc > 2)
      diag_error(r->diags, n->span, "sample(D) or sample(\"name\", D)", "sample expects 1 or 2 arguments, got %d",
                 argc);
    break;
  case SPECIAL_OBSERVE:
    if (argc != 2) diag_error(r->diags, n->span, "observe(D, value)", "observe expects 2 arguments, got %d", argc);
    break;
  case SPECIAL_FACTOR:
    if (argc != 1) diag_error(r->diags, n->span, "factor(log_weight)", "factor expects 1 argument, got %d", argc);
    break;
  case SPECIAL_CONDITION:
    if (argc != 1) diag_error(r->diags, n->span, "condition(boolean)", "condition expects 1 argument, got %d", argc);
    break;
  case SPECIAL_NONE: break;
  }
}

static void resolve_fn(Resolver *r, Node *n) {
  FnInfo *info = GC_MALLOC(sizeof *info);
  memset(info, 0, sizeof *info);
  info->parent = r->fn;
  info->node = n;
  n->fn.info = info;
  FnInfo *saved_fn = r->fn;
  r->fn = info;
  push_scope(r, false);
  if (n->fn.name) {
    Binding *self = new_binding(n->fn.name, BIND_LOCAL, info, n->fn.name_span);
    self->slot = 0;
    scope_add(r, self);
  }
  SeenSet seen;
  seen_init(&seen, n->fn.n_params);
  for (int i = 0; i < n->fn.n_params; i++) {
    const char *p = n->fn.params[i];
    if (!seen_add(&seen, p, (int)strlen(p)))
      diag_error(r->diags, n->fn.param_spans[i], NULL, "parameter '%s' appears twice", p);
    Binding *b = declare(r, p, n->fn.param_spans[i]);
    b->slot = i + 1;
  }
  resolve_block(r, n->fn.body, false);
  pop_scope(r);
  r->fn = saved_fn;
}

static void resolve_pattern(Resolver *r, Pattern *p) {
  SeenSet seen;
  seen_init(&seen, p->n);
  for (int i = 0; i < p->n; i++) {
    if (!seen_add(&seen, p->names[i], (int)strlen(p->names[i])))
      diag_error(r->diags, p->spans[i], NULL, "'%s' appears twice in one let", p->names[i]);
    p->bindings[i] = declare(r, p->names[i], p->spans[i]);
  }
}

static void resolve_stmt(Resolver *r, Node *n) {
  switch (n->kind) {
  case N_LET:
    resolve_expr(r, n->let.value);
    resolve_pattern(r, n->let.pattern);
    break;
  case N_FN:
    if (n->fn.is_decl) {
      resolve_fn(r, n);
      n->fn.decl = declare(r, n->fn.name, n->fn.name_span);
    } else {
      resolve_expr(r, n);
    }
    break;
  case N_TILDE:
    resolve_list(r, &n->tilde.indices);
    resolve_expr(r, n->tilde.dist);
    n->tilde.binding = declare(r, n->tilde.name, n->tilde.name_span);
    break;
  case N_EXPR_STMT: resolve_expr(r, n->expr_stmt.expr); break;
  case N_EMPTY: break;
  default: resolve_expr(r, n); break;
  }
}

static void resolve_block(Resolver *r, Node *n, bool new_scope) {
  if (new_scope) push_scope(r, false);
  for (int i = 0; i < n->block.stmts.count; i++) resolve_stmt(r, n->block.stmts.items[i]);
  if (n->block.tail) resolve_expr(r, n->block.tail);
  if (new_scope) pop_scope(r);
}

static void resolve_expr(Resolver *r, Node *n) {
  if (!n) return;
  if (++r->nesting > MAX_NESTING) {
    if (!r->too_deep)
      diag_error(r->diags, n->span, "split it up with let", "expression is nested too deeply (more than %d levels)",
                 MAX_NESTING);
    r->too_deep = true;
    r->nesting--;
    return;
  }
  switch (n->kind) {
  case N_NUM:
  case N_STR:
  case N_BOOL:
  case N_NIL: break;
  case N_IDENT: resolve_ident(r, n); break;
  case N_ARRAY: resolve_list(r, &n->array.items); break;
  case N_RECORD: {
    int nk = n->record.keys.count;
    SeenSet seen;
    seen_init(&seen, nk);
    for (int i = 0; i < nk; i++) {
      Node *k = n->record.keys.items[i];
      if (!seen_add(&seen, k->str.chars, k->str.len))
        diag_error(r->diags, k->span, NULL, "field '%.*s' appears twice in this record", k->str.len, k->str.chars);
    }
    resolve_list(r, &n->record.values);
    break;
  }
  case N_RANGE:
  case N_BINARY:
  case N_AND:
  case N_OR:
    resolve_expr(r, n->binary.left);
    resolve_expr(r, n->binary.right);
    break;
  case N_UNARY: resolve_expr(r, n->unary.operand); break;
  case N_CALL: {
    Node *callee = n->call.callee;
    if (callee->kind == N_IDENT && !lookup_scopes(r, callee->ident.name))
      n->call.special = special_of(callee->ident.name);
    if (n->call.special != SPECIAL_NONE) check_special_args(r, n);
    else resolve_expr(r, callee);
    resolve_list(r, &n->call.args);
    break;
  }
  case N_INDEX:
    resolve_expr(r, n->index.object);
    resolve_expr(r, n->index.index);
    break;
  case N_FIELD: resolve_expr(r, n->field.object); break;
  case N_IF:
    resolve_expr(r, n->if_.cond);
    resolve_block(r, n->if_.then_branch, true);
    if (n->if_.else_branch) {
      if (n->if_.else_branch->kind == N_BLOCK) resolve_block(r, n->if_.else_branch, true);
      else resolve_expr(r, n->if_.else_branch);
    }
    break;
  case N_FOR:
    resolve_expr(r, n->for_.iter);
    push_scope(r, false);
    n->for_.binding = declare(r, n->for_.var, n->for_.var_span);
    resolve_expr(r, n->for_.guard);
    resolve_block(r, n->for_.body, true);
    pop_scope(r);
    break;
  case N_BLOCK: resolve_block(r, n, true); break;
  case N_FN: resolve_fn(r, n); break;
  default: resolve_stmt(r, n); break;
  }
  r->nesting--;
}

static void add_top(Resolver *r, const char *name) {
  NameEntry *e = name_entry(r, name, true);
  if (e->top >= 0) return;
  e->top = r->n_top;
  if (r->n_top == r->top_cap) {
    r->top_cap = r->top_cap ? r->top_cap * 2 : 16;
    r->top_names = GC_REALLOC(r->top_names, sizeof(char *) * (size_t)r->top_cap);
    r->top_first = GC_REALLOC(r->top_first, sizeof(Binding *) * (size_t)r->top_cap);
    r->top_slot = GC_REALLOC(r->top_slot, sizeof(int) * (size_t)r->top_cap);
    r->top_old = GC_REALLOC(r->top_old, sizeof(int) * (size_t)r->top_cap);
  }
  ObjString *iname = vm_intern_cstr(r->vm, name);
  r->top_names[r->n_top] = name;
  r->top_first[r->n_top] = NULL;
  r->top_old[r->n_top] = vm_global_index(r->vm, iname);
  r->top_slot[r->n_top] = vm_global_new(r->vm, iname);
  r->n_top++;
}

FnInfo *resolve_program(VM *vm, Node *program, Diags *diags) {
  Resolver r;
  memset(&r, 0, sizeof r);
  r.vm = vm;
  r.diags = diags;
  FnInfo *main_info = GC_MALLOC(sizeof *main_info);
  memset(main_info, 0, sizeof *main_info);
  r.fn = main_info;
  /* Collect top-level names first, so functions can use later globals. */
  for (int i = 0; i < program->block.stmts.count; i++) {
    Node *s = program->block.stmts.items[i];
    if (s->kind == N_LET)
      for (int j = 0; j < s->let.pattern->n; j++) add_top(&r, s->let.pattern->names[j]);
    else if (s->kind == N_FN && s->fn.is_decl) add_top(&r, s->fn.name);
    else if (s->kind == N_TILDE) add_top(&r, s->tilde.name);
  }
  push_scope(&r, true);
  resolve_block(&r, program, false);
  pop_scope(&r);
  return main_info;
}
