/* Unit tests of name resolution (lang/resolve.c): scopes, shadowing,
 * captures, globals, and the diagnostics for names that do not resolve. */
#include "helpers.h"

#include "lang/resolve.h"

TestSuite(resolve);

typedef struct Resolved {
  VM *vm;
  Node *program;
  FnInfo *main;
  Diags diags;
} Resolved;

/* Parses (which must succeed) and resolves text in a VM with the stdlib. */
static Resolved *resolve_text(const char *text) {
  Resolved *r = GC_MALLOC(sizeof *r);
  r->vm = driver_new_vm(1);
  Source *src = src_new("test.ppl", text, strlen(text));
  diags_init(&r->diags, src);
  r->program = parser_parse(src, &r->diags);
  char *d = diag_lines(&r->diags);
  cr_assert_eq(r->diags.count, 0, "%s\nsyntax errors:\n%s", text, d);
  free(d);
  r->main = resolve_program(r->vm, r->program, &r->diags);
  return r;
}

#define assert_resolves(text)                                                   \
  do {                                                                          \
    Resolved *r_ = resolve_text(text);                                          \
    char *d_ = diag_lines(&r_->diags);                                          \
    cr_assert_eq(r_->diags.count, 0, "%s\nunexpected diagnostics:\n%s", text, d_); \
    free(d_);                                                                   \
  } while (0)

#define assert_resolve_diags(text, expected)                                    \
  do {                                                                          \
    Resolved *r_ = resolve_text(text);                                          \
    char *d_ = diag_lines(&r_->diags);                                          \
    cr_assert_str_eq(d_, expected, "%s\ndiagnostics:\n%s\nexpected:\n%s", text, d_, expected); \
    free(d_);                                                                   \
  } while (0)

static const char *hint_of(Resolved *r, int i) {
  cr_assert_lt(i, r->diags.count);
  return r->diags.items[i].hint ? r->diags.items[i].hint : "";
}

/* ------------------------------------------------------- tree searching */

static Node *find_in(Node *n, NodeKind kind, const char *name);

static Node *find_in_list(NodeList *l, NodeKind kind, const char *name) {
  for (int i = 0; i < l->count; i++) {
    Node *f = find_in(l->items[i], kind, name);
    if (f) return f;
  }
  return NULL;
}

static bool matches(Node *n, NodeKind kind, const char *name) {
  if (n->kind != kind) return false;
  if (kind == N_FN) return strcmp(n->fn.name ? n->fn.name : "_", name) == 0;
  if (kind == N_IDENT) return strcmp(n->ident.name, name) == 0;
  if (kind == N_TILDE) return strcmp(n->tilde.name, name) == 0;
  if (kind == N_FOR) return strcmp(n->for_.var, name) == 0;
  return true;
}

/* The first node of this kind and name, in source order (depth first). */
static Node *find_in(Node *n, NodeKind kind, const char *name) {
  if (!n) return NULL;
  if (matches(n, kind, name)) return n;
  Node *f = NULL;
  switch (n->kind) {
  case N_ARRAY: return find_in_list(&n->array.items, kind, name);
  case N_RECORD: return find_in_list(&n->record.values, kind, name);
  case N_RANGE:
  case N_BINARY:
  case N_AND:
  case N_OR:
    if ((f = find_in(n->binary.left, kind, name))) return f;
    return find_in(n->binary.right, kind, name);
  case N_UNARY: return find_in(n->unary.operand, kind, name);
  case N_CALL:
    if ((f = find_in(n->call.callee, kind, name))) return f;
    return find_in_list(&n->call.args, kind, name);
  case N_INDEX:
    if ((f = find_in(n->index.object, kind, name))) return f;
    return find_in(n->index.index, kind, name);
  case N_FIELD: return find_in(n->field.object, kind, name);
  case N_IF:
    if ((f = find_in(n->if_.cond, kind, name))) return f;
    if ((f = find_in(n->if_.then_branch, kind, name))) return f;
    return find_in(n->if_.else_branch, kind, name);
  case N_FOR:
    if ((f = find_in(n->for_.iter, kind, name))) return f;
    if ((f = find_in(n->for_.guard, kind, name))) return f;
    return find_in(n->for_.body, kind, name);
  case N_BLOCK:
    if ((f = find_in_list(&n->block.stmts, kind, name))) return f;
    return find_in(n->block.tail, kind, name);
  case N_FN: return find_in(n->fn.body, kind, name);
  case N_LET: return find_in(n->let.value, kind, name);
  case N_TILDE:
    if ((f = find_in_list(&n->tilde.indices, kind, name))) return f;
    return find_in(n->tilde.dist, kind, name);
  case N_EXPR_STMT: return find_in(n->expr_stmt.expr, kind, name);
  default: return NULL;
  }
}

static FnInfo *fn_info(Resolved *r, const char *name) {
  Node *n = find_in(r->program, N_FN, name);
  cr_assert_not_null(n, "no function %s", name);
  cr_assert_not_null(n->fn.info);
  return n->fn.info;
}

/* The names a function captures, in capture order: "a b". */
static char *capture_names(FnInfo *f) {
  static char buf[256];
  buf[0] = '\0';
  for (int i = 0; i < f->n_captures; i++) {
    if (i) strcat(buf, " ");
    strcat(buf, f->captures[i]->name);
  }
  return buf;
}

/* The binding of the n-th (0-based) use of name. */
static Binding *binding_of_use(Resolved *r, const char *name, int nth) {
  /* walk the uses in order by searching repeatedly past earlier ones */
  Node *found[64];
  int count = 0;
  for (;;) {
    Node *n = find_in(r->program, N_IDENT, name);
    if (!n) break;
    bool seen = false;
    for (int i = 0; i < count; i++) seen = seen || found[i] == n;
    if (seen) break;
    found[count++] = n;
    n->ident.name = "\x01"; /* hide it from the next search */
    if (count == 64) break;
  }
  for (int i = 0; i < count; i++) found[i]->ident.name = name;
  cr_assert_lt(nth, count, "only %d uses of %s", count, name);
  return found[nth]->ident.binding;
}

/* --------------------------------------------------------------- scopes */

Test(resolve, locals_and_parameters) {
  Resolved *r = resolve_text("fn f(a, b) { let c = a; c + b }");
  cr_assert_eq(r->diags.count, 0);
  Binding *a = binding_of_use(r, "a", 0);
  cr_assert_eq(a->kind, BIND_LOCAL);
  cr_assert_eq(a->slot, 1); /* parameters sit after the closure in slot 0 */
  Binding *b = binding_of_use(r, "b", 0);
  cr_assert_eq(b->slot, 2);
  Binding *c = binding_of_use(r, "c", 0);
  cr_assert_eq(c->kind, BIND_LOCAL);
  cr_assert_eq(c->owner, fn_info(r, "f"));
}

Test(resolve, top_level_names_are_globals) {
  Resolved *r = resolve_text("let x = 1; fn g() { x } x");
  cr_assert_eq(r->diags.count, 0);
  Binding *in_g = binding_of_use(r, "x", 0);
  Binding *in_main = binding_of_use(r, "x", 1);
  cr_assert_eq(in_g->kind, BIND_GLOBAL);
  cr_assert_eq(in_main->kind, BIND_GLOBAL);
  cr_assert_eq(in_g->global, in_main->global);
  cr_assert_str_eq(r->vm->rt->global_names[in_g->global]->chars, "x");
  cr_assert_eq(fn_info(r, "g")->n_captures, 0); /* globals are not captured */
}

Test(resolve, block_scope_ends_with_the_block) {
  Resolved *r = resolve_text("let x = { let y = 1; y }; y");
  char *d = diag_lines(&r->diags);
  cr_assert_str_eq(d, "1:27-1:27: unknown name 'y'\n");
  free(d);
}

Test(resolve, names_inside_if_branches_are_local_to_them) {
  assert_resolve_diags("fn f(c) { if c { let t = 1; t } else { t } }", "1:40-1:40: unknown name 't'\n");
}

Test(resolve, for_variable_is_scoped_to_the_loop) {
  assert_resolves("fn f(xs) { for x in xs if x > 0 { x } }");
  assert_resolve_diags("fn f(xs) { let ys = for x in xs { x }; x }", "1:40-1:40: unknown name 'x'\n");
}

Test(resolve, for_iterable_does_not_see_the_loop_variable) {
  assert_resolve_diags("fn f() { for i in 0..i { i } }", "1:22-1:22: unknown name 'i'\n");
}

/* ------------------------------------------------------------ shadowing */

Test(resolve, shadowing_in_a_function) {
  Resolved *r = resolve_text("fn f(x) { let x = x + 1; let x = x * 2; x }");
  cr_assert_eq(r->diags.count, 0);
  Binding *use0 = binding_of_use(r, "x", 0); /* in x + 1: the parameter */
  Binding *use1 = binding_of_use(r, "x", 1); /* in x * 2: the first let */
  Binding *use2 = binding_of_use(r, "x", 2); /* the tail: the second let */
  cr_assert_eq(use0->slot, 1);
  cr_assert_neq(use0, use1);
  cr_assert_neq(use1, use2);
  cr_assert_neq(use0, use2);
}

Test(resolve, let_value_sees_the_outer_binding) {
  /* let x = x ...: the right side is resolved before x is declared */
  Resolved *r = resolve_text("fn f() { let y = 1; { let y = y + 1; y } }");
  cr_assert_eq(r->diags.count, 0);
  cr_assert_neq(binding_of_use(r, "y", 0), binding_of_use(r, "y", 1));
}

Test(resolve, let_is_not_recursive) {
  assert_resolve_diags("fn f() { let g = fn() { g }; g }", "1:25-1:25: unknown name 'g'\n");
}

Test(resolve, inner_scope_shadows_then_outer_returns) {
  Resolved *r = resolve_text("fn f(a) { let b = { let a = 2; a }; a + b }");
  cr_assert_eq(r->diags.count, 0);
  Binding *inner = binding_of_use(r, "a", 0);
  Binding *outer = binding_of_use(r, "a", 1);
  cr_assert_neq(inner, outer);
  cr_assert_eq(outer->slot, 1);
}

Test(resolve, for_body_may_shadow_the_loop_variable) {
  assert_resolves("fn f() { for i in 0..3 { let i = i + 1; i } }");
}

Test(resolve, top_level_name_is_defined_once) {
  assert_resolve_diags("let x = 1;\nlet x = 2;", "2:5-2:5: 'x' is already defined\n");
  Resolved *r = resolve_text("let x = 1;\nlet x = 2;");
  cr_assert_str_eq(hint_of(r, 0), "a top-level name is defined once per file (the first is at line 1); choose a new name");
  assert_resolve_diags("fn f() {}\nfn f() {}", "2:4-2:4: 'f' is already defined\n");
  assert_resolve_diags("let [a, b] = [1, 2]; let a = 3;", "1:26-1:26: 'a' is already defined\n");
}

/* The prelude keeps the builtins it was compiled against: fold uses len. */
Test(resolve, user_definitions_do_not_change_the_prelude) {
  assert_value("fn len(x) { 99 } fold([1, 2, 3], 0, fn(a, x) { a + x })", "6");
  assert_value("let min = 5; zip_with([1], [2], fn(a, b) { a + b })", "[3]");
}

/* ------------------------------------------------------------- captures */

Test(resolve, closure_captures_locals_of_the_enclosing_function) {
  Resolved *r = resolve_text("fn outer(a) { let b = 1; fn inner(c) { a + b + c } inner }");
  cr_assert_eq(r->diags.count, 0);
  FnInfo *inner = fn_info(r, "inner");
  cr_assert_str_eq(capture_names(inner), "a b");
  cr_assert_eq(fn_info(r, "outer")->n_captures, 0);
  cr_assert_eq(inner->parent, fn_info(r, "outer"));
}

Test(resolve, captures_are_in_order_of_first_use_and_unique) {
  Resolved *r = resolve_text("fn o(a, b, c) { fn(x) { c + a + c + b + a } }");
  cr_assert_eq(r->diags.count, 0);
  FnInfo *lam = fn_info(r, "_");
  cr_assert_str_eq(capture_names(lam), "c a b");
  cr_assert_eq(fninfo_capture_index(lam, lam->captures[1]), 1);
}

Test(resolve, captures_pass_through_intermediate_functions) {
  Resolved *r = resolve_text("fn o(a) { fn m() { fn i() { a } i } m }");
  cr_assert_eq(r->diags.count, 0);
  cr_assert_str_eq(capture_names(fn_info(r, "m")), "a");
  cr_assert_str_eq(capture_names(fn_info(r, "i")), "a");
  cr_assert_eq(fn_info(r, "i")->captures[0], fn_info(r, "m")->captures[0]);
}

Test(resolve, parameters_and_own_locals_are_not_captures) {
  Resolved *r = resolve_text("fn o(a) { fn(b) { let c = b; c } }");
  cr_assert_eq(r->diags.count, 0);
  cr_assert_eq(fn_info(r, "_")->n_captures, 0);
}

Test(resolve, loop_variable_is_captured) {
  Resolved *r = resolve_text("fn o() { for i in 0..3 { fn() { i } } }");
  cr_assert_eq(r->diags.count, 0);
  cr_assert_str_eq(capture_names(fn_info(r, "_")), "i");
}

Test(resolve, fninfo_capture_index_of_a_stranger_is_minus_one) {
  Resolved *r = resolve_text("fn o(a, b) { fn() { a } }");
  FnInfo *lam = fn_info(r, "_");
  Binding *b = binding_of_use(r, "a", 0);
  cr_assert_eq(fninfo_capture_index(lam, b), 0);
  Binding other = *b;
  cr_assert_eq(fninfo_capture_index(lam, &other), -1);
}

/* ------------------------------------------------------------ recursion */

Test(resolve, named_function_sees_itself_as_slot_zero) {
  Resolved *r = resolve_text("fn o() { fn fact(n) { if n == 0 { 1 } else { n * fact(n - 1) } } fact }");
  cr_assert_eq(r->diags.count, 0);
  Binding *self = binding_of_use(r, "fact", 0);
  cr_assert_eq(self->kind, BIND_LOCAL);
  cr_assert_eq(self->slot, 0);
  cr_assert_eq(self->owner, fn_info(r, "fact"));
  cr_assert_eq(fn_info(r, "fact")->n_captures, 0); /* recursion needs no capture */
}

Test(resolve, nested_function_calling_its_parent_captures_it) {
  Resolved *r = resolve_text("fn o(n) { fn i() { o } i }");
  cr_assert_eq(r->diags.count, 0);
  cr_assert_str_eq(capture_names(fn_info(r, "i")), "o");
}

Test(resolve, inner_function_name_is_declared_after_its_body) {
  /* the name is visible to the body (as itself) and to the statements after it */
  assert_resolves("fn o() { fn f(n) { f(n) } f(1) }");
}

/* ---------------------------------------------------------------- globals */

Test(resolve, functions_may_use_later_globals) {
  assert_resolves("fn f() { g() }\nfn g() { 1 }\nf()");
  assert_resolves("fn even(n) { if n == 0 { true } else { odd(n - 1) } }\n"
                  "fn odd(n) { if n == 0 { false } else { even(n - 1) } }");
  assert_resolves("fn f() { later } let later = 1;");
}

Test(resolve, lambdas_at_top_level_may_use_later_globals) {
  assert_resolves("let f = fn() { y }; let y = 1;");
}

Test(resolve, top_level_code_may_not_use_a_later_global) {
  assert_resolve_diags("let a = b;\nlet b = 1;", "1:9-1:9: 'b' is used before it is defined\n");
  Resolved *r = resolve_text("let a = b;\nlet b = 1;");
  cr_assert_str_eq(hint_of(r, 0), "move the definition above this line");
  assert_resolve_diags("f();\nfn f() { 1 }", "1:1-1:1: 'f' is used before it is defined\n");
  assert_resolve_diags("let a = a;", "1:9-1:9: 'a' is used before it is defined\n");
}

Test(resolve, later_global_used_in_a_nested_block_of_main) {
  assert_resolve_diags("let a = { let t = b; t };\nlet b = 1;", "1:19-1:19: 'b' is used before it is defined\n");
}

Test(resolve, call_through_a_function_before_its_global_is_a_runtime_error) {
  assert_error_at("fn f() { b }\nlet c = f();\nlet b = 1;", "test.ppl:1:10: error: 'b' is used before it is defined");
}

Test(resolve, builtins_are_globals) {
  Resolved *r = resolve_text("len([1])");
  cr_assert_eq(r->diags.count, 0);
  Binding *b = binding_of_use(r, "len", 0);
  cr_assert_eq(b->kind, BIND_GLOBAL);
  cr_assert_eq(b->global, vm_global_index(r->vm, vm_intern_cstr(r->vm, "len")));
}

Test(resolve, declared_globals_get_fresh_runtime_slots) {
  /* a slot is made at resolution; the name refers to it once it is defined */
  Resolved *r = resolve_text("let fresh_name = 1; fresh_name");
  Binding *b = binding_of_use(r, "fresh_name", 0);
  Runtime *rt = r->vm->rt;
  cr_assert_str_eq(rt->global_names[b->global]->chars, "fresh_name");
  cr_assert_eq(rt->globals[b->global], VAL_UNDEF);
  cr_assert_eq(vm_global_index(r->vm, vm_intern_cstr(r->vm, "fresh_name")), -1);
}

Test(resolve, redefining_a_builtin_makes_a_new_slot) {
  Resolved *r = resolve_text("let len = 3; len");
  cr_assert_eq(r->diags.count, 0);
  Binding *b = binding_of_use(r, "len", 0);
  cr_assert_neq(b->global, vm_global_index(r->vm, vm_intern_cstr(r->vm, "len")));
  assert_value("let len = 3; [len, count([1, 2], fn(x) { true })]", "[3, 2]");
}

/* --------------------------------------------------------- unknown names */

Test(resolve, unknown_name) {
  assert_resolve_diags("xyzzy", "1:1-1:5: unknown name 'xyzzy'\n");
  Resolved *r = resolve_text("xyzzy");
  cr_assert_null(r->diags.items[0].hint);
}

Test(resolve, unknown_name_suggests_a_local) {
  Resolved *r = resolve_text("fn f(counter) { conter }");
  char *d = diag_lines(&r->diags);
  cr_assert_str_eq(d, "1:17-1:22: unknown name 'conter'\n");
  cr_assert_str_eq(hint_of(r, 0), "did you mean 'counter'?");
  free(d);
}

Test(resolve, unknown_name_suggests_a_builtin) {
  Resolved *r = resolve_text("lenn([1])");
  cr_assert_eq(r->diags.count, 1);
  cr_assert_str_eq(r->diags.items[0].message, "unknown name 'lenn'");
  cr_assert_str_eq(hint_of(r, 0), "did you mean 'len'?");
  r = resolve_text("mapp");
  cr_assert_str_eq(hint_of(r, 0), "did you mean 'map'?");
}

Test(resolve, unknown_name_suggests_a_later_global) {
  Resolved *r = resolve_text("fn f() { helpr() }\nfn helper() { 1 }");
  cr_assert_eq(r->diags.count, 1);
  cr_assert_str_eq(hint_of(r, 0), "did you mean 'helper'?");
}

Test(resolve, unknown_name_suggests_a_special_form) {
  Resolved *r = resolve_text("fn m() { observ(1, 2) }");
  cr_assert_eq(r->diags.count, 1);
  cr_assert_str_eq(hint_of(r, 0), "did you mean 'observe'?");
}

Test(resolve, every_unknown_name_is_reported) {
  assert_resolve_diags("fn f() { aaa + bbb }\nccc", "1:10-1:12: unknown name 'aaa'\n1:16-1:18: unknown name 'bbb'\n"
                                                      "2:1-2:3: unknown name 'ccc'\n");
}

Test(resolve, out_of_scope_names_are_not_suggested) {
  Resolved *r = resolve_text("fn f() { let zebra1 = 1; zebra1 }\nfn g() { zebra2 }");
  cr_assert_eq(r->diags.count, 1);
  cr_assert_null(r->diags.items[0].hint);
}

/* ------------------------------------------------------------ diag_closest */

Test(resolve, diag_closest_picks_the_nearest) {
  const char *names[] = {"mean", "median", "map", "max"};
  cr_assert_str_eq(diag_closest("mena", names, 4), "mean");
  cr_assert_str_eq(diag_closest("medain", names, 4), "median");
  cr_assert_str_eq(diag_closest("mxa", names, 4), "max");
}

Test(resolve, diag_closest_counts_a_swap_as_one_edit) {
  const char *names[] = {"sigma"};
  cr_assert_str_eq(diag_closest("sigam", names, 1), "sigma");
  cr_assert_str_eq(diag_closest("isgma", names, 1), "sigma");
}

Test(resolve, diag_closest_gives_up_when_nothing_is_close) {
  const char *names[] = {"alpha", "beta", "gamma"};
  cr_assert_null(diag_closest("zzzzzz", names, 3));
  cr_assert_null(diag_closest("x", names, 3));
  cr_assert_null(diag_closest("anything", names, 0));
}

Test(resolve, diag_closest_limit_grows_with_length) {
  const char *names[] = {"ab", "abcde", "abcdefghij"};
  /* two letters: one edit */
  cr_assert_str_eq(diag_closest("ax", names, 1), "ab");
  cr_assert_null(diag_closest("xy", names, 1));
  /* five letters: two edits */
  const char *five[] = {"abcde"};
  cr_assert_str_eq(diag_closest("abxye", five, 1), "abcde");
  cr_assert_null(diag_closest("axyze", five, 1));
  /* ten letters: three edits */
  const char *ten[] = {"abcdefghij"};
  cr_assert_str_eq(diag_closest("abcxyzghij", ten, 1), "abcdefghij");
  cr_assert_null(diag_closest("abwxyzghij", ten, 1));
}

Test(resolve, diag_closest_skips_the_name_itself_and_empty_names) {
  const char *names[] = {"foo", "", NULL, "fob"};
  cr_assert_str_eq(diag_closest("foo", names, 4), "fob");
}

Test(resolve, diag_closest_keeps_the_first_of_equals) {
  const char *names[] = {"cat", "car", "cab"};
  cr_assert_str_eq(diag_closest("caz", names, 3), "cat");
}

/* Regression (fixed): for one-letter names any other one-letter name is "one edit away",
 * so `x ~ d;` with d undefined suggests 'x', which shares nothing with it. */
Test(resolve, diag_closest_does_not_suggest_an_unrelated_one_letter_name) {
  const char *names[] = {"x"};
  cr_assert_null(diag_closest("d", names, 1));
}

/* --------------------------------------------------------- reserved names */

Test(resolve, reserved_names_list) {
  cr_assert(resolve_is_reserved("sample"));
  cr_assert(resolve_is_reserved("observe"));
  cr_assert(resolve_is_reserved("factor"));
  cr_assert(resolve_is_reserved("condition"));
  cr_assert(resolve_is_reserved("infer"));
  cr_assert_not(resolve_is_reserved("samples"));
  cr_assert_not(resolve_is_reserved("len"));
  cr_assert_not(resolve_is_reserved(""));
}

Test(resolve, reserved_names_cannot_be_bound) {
  assert_resolve_diags("let sample = 1;", "1:5-1:10: 'sample' is reserved and cannot be used as a name\n");
  assert_resolve_diags("fn observe() {}", "1:4-1:10: 'observe' is reserved and cannot be used as a name\n");
  assert_resolve_diags("fn f(factor) { 1 }", "1:6-1:11: 'factor' is reserved and cannot be used as a name\n");
  assert_resolve_diags("fn f() { for condition in [1] { 1 } }",
                       "1:14-1:22: 'condition' is reserved and cannot be used as a name\n");
  assert_resolve_diags("let infer = 2;", "1:5-1:9: 'infer' is reserved and cannot be used as a name\n");
  assert_resolve_diags("let [a, sample] = [1, 2];", "1:9-1:14: 'sample' is reserved and cannot be used as a name\n");
  Resolved *r = resolve_text("let sample = 1;");
  cr_assert_str_eq(hint_of(r, 0), "choose another name");
}

Test(resolve, special_forms_are_not_values) {
  assert_resolve_diags("let s = sample;", "1:9-1:14: 'sample' is a special form, not a value\n");
  Resolved *r = resolve_text("map([1], observe)");
  cr_assert_eq(r->diags.count, 1);
  cr_assert_str_eq(r->diags.items[0].message, "'observe' is a special form, not a value");
  cr_assert_str_eq(hint_of(r, 0), "call it directly, like sample(normal(0, 1))");
}

Test(resolve, special_form_calls_are_marked) {
  Resolved *r = resolve_text("fn m(d) { observe(d, 1); factor(0); condition(true); sample(d) }");
  cr_assert_eq(r->diags.count, 0);
  Node *body = find_in(r->program, N_FN, "m")->fn.body;
  cr_assert_eq(body->block.stmts.items[0]->expr_stmt.expr->call.special, SPECIAL_OBSERVE);
  cr_assert_eq(body->block.stmts.items[1]->expr_stmt.expr->call.special, SPECIAL_FACTOR);
  cr_assert_eq(body->block.stmts.items[2]->expr_stmt.expr->call.special, SPECIAL_CONDITION);
  cr_assert_eq(body->block.tail->call.special, SPECIAL_SAMPLE);
}

Test(resolve, ordinary_calls_are_not_special) {
  Resolved *r = resolve_text("len([1])");
  cr_assert_eq(r->program->block.tail->call.special, SPECIAL_NONE);
}

Test(resolve, special_form_argument_counts) {
  assert_resolve_diags("sample(1, 2, 3)", "1:1-1:15: sample expects 1 or 2 arguments, got 3\n");
  assert_resolve_diags("sample()", "1:1-1:8: sample expects 1 or 2 arguments, got 0\n");
  assert_resolve_diags("observe(1)", "1:1-1:10: observe expects 2 arguments, got 1\n");
  assert_resolve_diags("factor()", "1:1-1:8: factor expects 1 argument, got 0\n");
  assert_resolve_diags("condition(1, 2)", "1:1-1:15: condition expects 1 argument, got 2\n");
  Resolved *r = resolve_text("observe(1)");
  cr_assert_str_eq(hint_of(r, 0), "observe(D, value)");
}

Test(resolve, infer_is_reserved_but_not_a_special_form) {
  /* infer is an ordinary builtin that cannot be rebound */
  Resolved *r = resolve_text("infer");
  cr_assert_eq(r->diags.count, 0);
  cr_assert_eq(binding_of_use(r, "infer", 0)->kind, BIND_GLOBAL);
  cr_assert_eq(r->program->block.tail->kind, N_IDENT);
}

/* ------------------------------------------------------------- duplicates */

Test(resolve, duplicate_parameters) {
  assert_resolve_diags("fn f(x, y, x) { 1 }", "1:12-1:12: parameter 'x' appears twice\n");
  assert_resolve_diags("let g = fn(a, a) { a };", "1:15-1:15: parameter 'a' appears twice\n");
}

Test(resolve, duplicate_record_fields) {
  assert_resolve_diags("let r = {a: 1, a: 2};", "1:16-1:16: field 'a' appears twice in this record\n");
  assert_resolve_diags("let r = {a: 1, \"a\": 2};", "1:16-1:18: field 'a' appears twice in this record\n");
  assert_resolves("let r = {a: 1, b: {a: 2}};");
}

Test(resolve, duplicate_names_in_one_let) {
  Resolved *r = resolve_text("fn f(r) { let [a, b, a] = r; a }");
  char *d = diag_lines(&r->diags);
  cr_assert_str_eq(d, "1:22-1:22: 'a' appears twice in one let\n");
  free(d);
  r = resolve_text("fn f(r) { let {x, x} = r; x }");
  d = diag_lines(&r->diags);
  cr_assert_str_eq(d, "1:19-1:19: 'x' appears twice in one let\n");
  free(d);
}

/* --------------------------------------------------------------- nesting */

Test(resolve, expression_nested_too_deeply) {
  int n = 1100;
  char *text = malloc((size_t)n * 2 + 2);
  memset(text, '[', (size_t)n);
  memset(text + n, ']', (size_t)n);
  text[2 * n] = '\0';
  Resolved *r = resolve_text(text);
  cr_assert_eq(r->diags.count, 1);
  cr_assert_str_eq(r->diags.items[0].message, "expression is nested too deeply (more than 1000 levels)");
  free(text);
}

Test(resolve, nesting_below_the_limit_is_fine) {
  int n = 900;
  char *text = malloc((size_t)n * 2 + 2);
  memset(text, '[', (size_t)n);
  memset(text + n, ']', (size_t)n);
  text[2 * n] = '\0';
  Resolved *r = resolve_text(text);
  cr_assert_eq(r->diags.count, 0);
  free(text);
}

/* ------------------------------------------------------------ many names */

/* Names are found through a hash table (and duplicates through hash sets):
 * these check that among thousands of names each still resolves to its own
 * declaration, and that shadowing, captures and duplicates work as with a
 * handful. "glbvs" and "yacxa" have the same 32-bit FNV-1a hash, so they
 * are told apart by their characters alone. */

/* let x0 = 0; let x1 = x0 + 1; ... */
static char *chain_of_lets(int n, const char *tail) {
  StrBuf sb;
  sb_init(&sb);
  sb_puts(&sb, "let x0 = 0;\n");
  for (int i = 1; i < n; i++) sb_printf(&sb, "let x%d = x%d + 1;\n", i, i - 1);
  sb_puts(&sb, tail);
  return sb_take(&sb);
}

Test(resolve, many_top_level_names_each_resolve_to_their_own_global) {
  int n = 10000;
  char *text = chain_of_lets(n, "");
  Resolved *r = resolve_text(text);
  cr_assert_eq(r->diags.count, 0);
  NodeList *stmts = &r->program->block.stmts;
  cr_assert_eq(stmts->count, n);
  for (int i = 0; i < n; i++) {
    Binding *b = stmts->items[i]->let.pattern->bindings[0];
    char name[16];
    snprintf(name, sizeof name, "x%d", i);
    cr_assert_eq(b->kind, BIND_GLOBAL);
    cr_assert_str_eq(r->vm->rt->global_names[b->global]->chars, name);
    if (i > 0) {
      Binding *prev = stmts->items[i - 1]->let.pattern->bindings[0];
      cr_assert_eq(stmts->items[i]->let.value->binary.left->ident.binding, prev, "x%d: wrong binding", i - 1);
      cr_assert_neq(b->global, prev->global);
    }
  }
  free(text);
}

Test(resolve, many_top_level_names_run) {
  char *text = chain_of_lets(10000, "[x0, x1234, x9999]");
  assert_value(text, "[0, 1234, 9999]");
  free(text);
}

Test(resolve, a_function_sees_a_global_defined_among_many_later_ones) {
  char *text = chain_of_lets(10000, "");
  StrBuf sb;
  sb_init(&sb);
  sb_printf(&sb, "fn last() { x9999 + x0 }\n%slast()", text);
  assert_value(sb.data, "9999");
  sb_free(&sb);
  free(text);
}

Test(resolve, use_before_definition_among_many_names) {
  char *text = chain_of_lets(5000, "");
  StrBuf sb;
  sb_init(&sb);
  sb_printf(&sb, "let early = x4000;\n%s", text);
  assert_resolve_diags(sb.data, "1:13-1:17: 'x4000' is used before it is defined\n");
  sb_free(&sb);
  free(text);
}

Test(resolve, redefinition_among_many_names_names_the_first) {
  char *text = chain_of_lets(5000, "let x1234 = 0;\nlet x1234 = 1;\n");
  Resolved *r = resolve_text(text);
  char *d = diag_lines(&r->diags);
  cr_assert_str_eq(d, "5001:5-5001:9: 'x1234' is already defined\n5002:5-5002:9: 'x1234' is already defined\n");
  cr_assert_str_eq(hint_of(r, 0),
                   "a top-level name is defined once per file (the first is at line 1235); choose a new name");
  cr_assert_str_eq(hint_of(r, 1),
                   "a top-level name is defined once per file (the first is at line 1235); choose a new name");
  free(d);
  free(text);
}

Test(resolve, names_with_equal_hashes_are_different_names) {
  assert_value("let glbvs = 1; let yacxa = 2; [glbvs, yacxa]", "[1, 2]");
  assert_value("fn f() { let glbvs = 1; let yacxa = 2; [glbvs, yacxa] } f()", "[1, 2]");
  assert_value("let r = {glbvs: 1, yacxa: 2}; [r.glbvs, r.yacxa]", "[1, 2]");
  assert_resolves("fn f(glbvs, yacxa) { glbvs } let [glbvs, yacxa] = [1, 2];");
  assert_resolve_diags("yacxa", "1:1-1:5: unknown name 'yacxa'\n");
  assert_resolve_diags("let glbvs = 1; yacxa", "1:16-1:20: unknown name 'yacxa'\n");
}

/* A function with many locals; an inner block shadows the first and the
 * last, and both are visible again after it. */
Test(resolve, shadowing_among_many_locals) {
  int n = 3000;
  StrBuf sb;
  sb_init(&sb);
  sb_puts(&sb, "let a0 = -1;\nfn f() {\n");
  for (int i = 0; i < n; i++) sb_printf(&sb, "  let a%d = %d;\n", i, i);
  sb_printf(&sb, "  let inner = { let a0 = 100; let a%d = a%d + 1000; [a0, a%d] };\n", n - 1, n - 1, n - 1);
  sb_printf(&sb, "  [inner, a0, a%d, a1500]\n}\n[f(), a0]", n - 1);
  assert_value(sb.data, "[[[100, 3999], 0, 2999, 1500], -1]");
  sb_free(&sb);
}

Test(resolve, a_name_redeclared_many_times_in_one_scope) {
  StrBuf sb;
  sb_init(&sb);
  sb_puts(&sb, "fn f() {\n  let a = 0;\n");
  for (int i = 0; i < 2000; i++) sb_puts(&sb, "  let a = a + 1;\n");
  sb_puts(&sb, "  let b = { let a = a * 10; let a = a + 1; a };\n  [a, b]\n}\nf()");
  assert_value(sb.data, "[2000, 20001]");
  sb_free(&sb);
}

Test(resolve, a_closure_capturing_many_locals) {
  int n = 1000;
  StrBuf sb;
  sb_init(&sb);
  sb_puts(&sb, "fn f() {\n");
  for (int i = 0; i < n; i++) sb_printf(&sb, "  let a%d = %d;\n", i, i);
  /* first used last to first, then a few again */
  sb_puts(&sb, "  fn() { [");
  for (int i = n - 1; i >= 0; i--) sb_printf(&sb, "a%d, ", i);
  sb_puts(&sb, "a0, a500, a999] }\n}\nf()()");
  Resolved *r = resolve_text(sb.data);
  cr_assert_eq(r->diags.count, 0);
  FnInfo *lam = fn_info(r, "_");
  cr_assert_eq(lam->n_captures, n);
  for (int i = 0; i < n; i++) {
    char name[16];
    snprintf(name, sizeof name, "a%d", n - 1 - i);
    cr_assert_str_eq(lam->captures[i]->name, name);
    cr_assert_eq(fninfo_capture_index(lam, lam->captures[i]), i);
    Binding stranger = *lam->captures[i];
    cr_assert_eq(fninfo_capture_index(lam, &stranger), -1);
  }
  StrBuf want;
  sb_init(&want);
  sb_putc(&want, '[');
  for (int i = n - 1; i >= 0; i--) sb_printf(&want, "%d, ", i);
  sb_puts(&want, "0, 500, 999]");
  assert_value(sb.data, want.data);
  sb_free(&want);
  sb_free(&sb);
}

/* Each repetition is reported once (not once per earlier occurrence). */
Test(resolve, every_repeat_of_a_parameter_is_reported_once) {
  assert_resolve_diags("fn f(x, x, x) { x }",
                       "1:9-1:9: parameter 'x' appears twice\n1:12-1:12: parameter 'x' appears twice\n");
}

Test(resolve, duplicates_among_many_fields_params_and_let_names) {
  int n = 5000;
  StrBuf rec, params, pat;
  sb_init(&rec);
  sb_init(&params);
  sb_init(&pat);
  sb_puts(&rec, "let r = {");
  sb_puts(&params, "fn f(");
  sb_puts(&pat, "fn g(xs) { let [");
  for (int i = 0; i < n; i++) {
    sb_printf(&rec, "k%d: %d, ", i, i);
    sb_printf(&params, "p%d, ", i);
    sb_printf(&pat, "a%d, ", i);
  }
  /* without a repeat: no diagnostic */
  char *ok_rec = GC_MALLOC(rec.len + 8), *ok_params = GC_MALLOC(params.len + 8), *ok_pat = GC_MALLOC(pat.len + 16);
  sprintf(ok_rec, "%s};", rec.data);
  sprintf(ok_params, "%s) { 1 }", params.data);
  sprintf(ok_pat, "%s] = xs; 1 }", pat.data);
  assert_resolves(ok_rec);
  assert_resolves(ok_params);
  assert_resolves(ok_pat);
  /* one repeat at the end of each */
  sb_puts(&rec, "k1717: 0};");
  sb_puts(&params, "p1717) { 1 }");
  sb_puts(&pat, "a1717] = xs; 1 }");
  Resolved *r = resolve_text(rec.data);
  cr_assert_eq(r->diags.count, 1);
  cr_assert_str_eq(r->diags.items[0].message, "field 'k1717' appears twice in this record");
  r = resolve_text(params.data);
  cr_assert_eq(r->diags.count, 1);
  cr_assert_str_eq(r->diags.items[0].message, "parameter 'p1717' appears twice");
  r = resolve_text(pat.data);
  cr_assert_eq(r->diags.count, 1);
  cr_assert_str_eq(r->diags.items[0].message, "'a1717' appears twice in one let");
  sb_free(&rec);
  sb_free(&params);
  sb_free(&pat);
}

/* "did you mean" compares with every visible name, so only the first 100
 * unknown names get one: otherwise a file of unknown names is quadratic. */
Test(resolve, did_you_mean_is_searched_for_the_first_100_unknown_names) {
  StrBuf sb;
  sb_init(&sb);
  sb_puts(&sb, "fn f(counter) {\n");
  for (int i = 0; i < 150; i++) sb_puts(&sb, "  conter;\n");
  sb_puts(&sb, "}");
  Resolved *r = resolve_text(sb.data);
  cr_assert_eq(r->diags.count, 150);
  for (int i = 0; i < 150; i++) {
    cr_assert_str_eq(r->diags.items[i].message, "unknown name 'conter'");
    if (i < 100) cr_assert_str_eq(hint_of(r, i), "did you mean 'counter'?");
    else cr_assert_null(r->diags.items[i].hint, "diagnostic %d", i);
  }
  sb_free(&sb);
}
