/* Unit tests of the bytecode compiler (lang/compile.c), read through the
 * disassembler (vm/debug.c). */
#include "helpers.h"

#include <math.h>

#include "lang/compile.h"
#include "lang/resolve.h"

TestSuite(compile);

/* The newest runtime slot of a global name (a program's own definitions
 * get fresh slots when it is resolved). */
static int last_global_slot(VM *vm, const char *name) {
  for (int i = vm->rt->n_globals - 1; i >= 0; i--)
    if (strcmp(vm->rt->global_names[i]->chars, name) == 0) return i;
  return -1;
}

/* The opcodes of the function called name in the compiled text. */
static char *ops_of(const char *text, const char *name) {
  VM *vm = driver_new_vm(1);
  ObjFunction *main_fn = compile_text(vm, text);
  ObjFunction *fn = strcmp(name, "<main>") == 0 ? main_fn : find_function(main_fn, name);
  cr_assert_not_null(fn, "no function %s in %s", name, text);
  return opcodes(fn);
}

static ObjFunction *function_of(const char *text, const char *name) {
  VM *vm = driver_new_vm(1);
  ObjFunction *main_fn = compile_text(vm, text);
  ObjFunction *fn = strcmp(name, "<main>") == 0 ? main_fn : find_function(main_fn, name);
  cr_assert_not_null(fn, "no function %s in %s", name, text);
  return fn;
}

#define assert_ops(text, name, expected)                                          \
  do {                                                                            \
    char *got_ = ops_of(text, name);                                              \
    cr_assert_str_eq(got_, expected, "%s (%s)\ngot:\n%s\nexpected:\n%s", text, name, got_, expected); \
    free(got_);                                                                   \
  } while (0)

static int count_op(const ObjFunction *fn, OpCode op) {
  int n = 0;
  for (int i = 0; i < fn->chunk.count; i++) n += INSTR_OP(fn->chunk.code[i]) == op;
  return n;
}

/* ------------------------------------------------------------- constants */

Test(compile, equal_constants_are_stored_once) {
  ObjFunction *fn = function_of("let a = 1.5; let b = 1.5; let s = \"x\" + \"x\"; let t = \"x\";", "<main>");
  cr_assert_eq(fn->chunk.n_consts, 2);
  cr_assert_eq(count_op(fn, OP_CONST), 5);
  for (int i = 0; i < fn->chunk.count; i++)
    if (INSTR_OP(fn->chunk.code[i]) == OP_CONST) cr_assert_lt(INSTR_AX(fn->chunk.code[i]), 2u);
}

Test(compile, zero_and_negative_zero_are_different_constants) {
  ObjFunction *fn = function_of("let z = [0, -0.0, 0];", "<main>");
  cr_assert_eq(fn->chunk.n_consts, 2);
}

Test(compile, chunk_add_const_shares_numbers_and_strings_only) {
  Chunk c;
  chunk_init(&c);
  cr_assert_eq(chunk_add_const(&c, val_num(2)), 0);
  cr_assert_eq(chunk_add_const(&c, val_obj(obj_string_cstr("ab"))), 1);
  cr_assert_eq(chunk_add_const(&c, val_num(2)), 0);
  cr_assert_eq(chunk_add_const(&c, val_obj(obj_string_cstr("ab"))), 1); /* equal content, other object */
  cr_assert_eq(chunk_add_const(&c, val_num(NAN)), 2);
  cr_assert_eq(chunk_add_const(&c, val_num(NAN)), 2); /* NaN is canonical, so one constant */
  ObjArray *a = obj_array(0);
  cr_assert_eq(chunk_add_const(&c, val_obj(a)), 3);
  cr_assert_eq(chunk_add_const(&c, val_obj(a)), 4); /* other objects are never shared */
  cr_assert_eq(c.n_consts, 5);
}

/* chunk_add_const finds equal constants through a hash table: these check
 * that among many it shares exactly what a scan of the pool would. */
Test(compile, the_same_number_many_times_is_one_constant) {
  Chunk c;
  chunk_init(&c);
  for (int i = 0; i < 1000; i++) cr_assert_eq(chunk_add_const(&c, val_num(7.25)), 0);
  cr_assert_eq(c.n_consts, 1);
  cr_assert_eq(c.consts[0], val_num(7.25));
}

Test(compile, many_distinct_constants_are_kept_apart) {
  int n = 5000;
  Chunk c;
  chunk_init(&c);
  char buf[32];
  for (int round = 0; round < 2; round++) /* the second finds every one again */
    for (int i = 0; i < n; i++) {
      snprintf(buf, sizeof buf, "s%d", i);
      cr_assert_eq(chunk_add_const(&c, val_num(i + 0.5)), 2 * i);
      cr_assert_eq(chunk_add_const(&c, val_obj(obj_string_cstr(buf))), 2 * i + 1); /* a new object each round */
    }
  cr_assert_eq(c.n_consts, 2 * n);
  for (int i = 0; i < n; i++) {
    cr_assert_eq(c.consts[2 * i], val_num(i + 0.5));
    snprintf(buf, sizeof buf, "s%d", i);
    cr_assert_str_eq(AS_STRING(c.consts[2 * i + 1])->chars, buf);
  }
}

Test(compile, constant_sharing_among_many_keeps_its_rules) {
  Chunk c;
  chunk_init(&c);
  for (int i = 0; i < 1000; i++) chunk_add_const(&c, val_num(i));
  /* 0 was added first; -0 is another number */
  cr_assert_eq(chunk_add_const(&c, val_num(0.0)), 0);
  cr_assert_eq(chunk_add_const(&c, val_num(-0.0)), 1000);
  cr_assert_eq(chunk_add_const(&c, val_num(-0.0)), 1000);
  /* every NaN is the canonical one */
  cr_assert_eq(chunk_add_const(&c, val_num(NAN)), 1001);
  cr_assert_eq(chunk_add_const(&c, val_num(-NAN)), 1001);
  cr_assert_eq(chunk_add_const(&c, val_num(nan("0x123"))), 1001);
  cr_assert_eq(chunk_add_const(&c, val_num(INFINITY)), 1002);
  cr_assert_eq(chunk_add_const(&c, val_num(-INFINITY)), 1003);
  /* a string is never a number, even with the same characters */
  cr_assert_eq(chunk_add_const(&c, val_obj(obj_string_cstr("5"))), 1004);
  cr_assert_eq(chunk_add_const(&c, val_num(5)), 5);
  cr_assert_eq(chunk_add_const(&c, val_obj(obj_string_cstr(""))), 1005);
  cr_assert_eq(chunk_add_const(&c, val_obj(obj_string("x", 0))), 1005);
  /* strings with equal hashes but other characters (FNV-1a) */
  cr_assert_eq(chunk_add_const(&c, val_obj(obj_string_cstr("glbvs"))), 1006);
  cr_assert_eq(chunk_add_const(&c, val_obj(obj_string_cstr("yacxa"))), 1007);
  cr_assert_eq(chunk_add_const(&c, val_obj(obj_string_cstr("glbvs"))), 1006);
  /* strings may hold NUL bytes: all their bytes count */
  cr_assert_eq(chunk_add_const(&c, val_obj(obj_string("a\0b", 3))), 1008);
  cr_assert_eq(chunk_add_const(&c, val_obj(obj_string("a\0c", 3))), 1009);
  cr_assert_eq(chunk_add_const(&c, val_obj(obj_string("a\0b", 3))), 1008);
  /* other objects are never shared, however many there are */
  ObjArray *a = obj_array(0);
  for (int i = 0; i < 100; i++) cr_assert_eq(chunk_add_const(&c, val_obj(a)), 1010 + i);
  cr_assert_eq(chunk_add_const(&c, val_num(999)), 999);
  cr_assert_eq(c.n_consts, 1110);
}

Test(compile, a_literal_of_many_numbers_stores_each_once) {
  int n = 3000;
  StrBuf sb;
  sb_init(&sb);
  sb_puts(&sb, "let xs = [");
  for (int round = 0; round < 2; round++)
    for (int i = 0; i < n; i++) sb_printf(&sb, "%d.5, ", i);
  sb_puts(&sb, "];");
  ObjFunction *fn = function_of(sb.data, "<main>");
  sb_free(&sb);
  cr_assert_eq(fn->chunk.n_consts, n);
  int k = 0;
  for (int i = 0; i < fn->chunk.count; i++) {
    if (INSTR_OP(fn->chunk.code[i]) != OP_CONST) continue;
    uint32_t ax = INSTR_AX(fn->chunk.code[i]);
    cr_assert_eq(ax, (uint32_t)(k % n), "literal %d", k);
    cr_assert_eq(fn->chunk.consts[ax], val_num(k % n + 0.5));
    k++;
  }
  cr_assert_eq(k, 2 * n);
}

Test(compile, negative_literal_is_one_constant) {
  assert_ops("fn f() { -2 }", "f", "CONST 0 ; -2\nRETURN\n");
  assert_ops("fn f(x) { -x }", "f", "GET_LOCAL 1\nNEG\nRETURN\n");
}

Test(compile, literals) {
  assert_ops("fn f() { [true, false, nil, \"s\"] }", "f", "TRUE\nFALSE\nNIL\nCONST 0 ; \"s\"\nARRAY 4\nRETURN\n");
}

/* ---------------------------------------------------------------- fusion */

Test(compile, add_and_sub_of_a_literal_fuse) {
  assert_ops("fn f(x) { x + 1 }", "f", "GET_LOCAL 1\nADD_K 0 ; 1\nRETURN\n");
  assert_ops("fn f(x) { x - 2.5 }", "f", "GET_LOCAL 1\nSUB_K 0 ; 2.5\nRETURN\n");
}

Test(compile, comparisons_with_a_literal_fuse) {
  assert_ops("fn f(x) { x < 1 }", "f", "GET_LOCAL 1\nLT_K 0 ; 1\nRETURN\n");
  assert_ops("fn f(x) { x <= 1 }", "f", "GET_LOCAL 1\nLE_K 0 ; 1\nRETURN\n");
  assert_ops("fn f(x) { x > 1 }", "f", "GET_LOCAL 1\nGT_K 0 ; 1\nRETURN\n");
  assert_ops("fn f(x) { x >= 1 }", "f", "GET_LOCAL 1\nGE_K 0 ; 1\nRETURN\n");
}

Test(compile, chained_fusion) {
  assert_ops("fn f(x) { x - 2 > 3 }", "f", "GET_LOCAL 1\nSUB_K 0 ; 2\nGT_K 1 ; 3\nRETURN\n");
}

Test(compile, no_fusion_for_other_operators) {
  assert_ops("fn f(x) { x * 2 }", "f", "GET_LOCAL 1\nCONST 0 ; 2\nMUL\nRETURN\n");
  assert_ops("fn f(x) { x / 2 }", "f", "GET_LOCAL 1\nCONST 0 ; 2\nDIV\nRETURN\n");
  assert_ops("fn f(x) { x % 2 }", "f", "GET_LOCAL 1\nCONST 0 ; 2\nMOD\nRETURN\n");
  assert_ops("fn f(x) { x == 2 }", "f", "GET_LOCAL 1\nCONST 0 ; 2\nEQ\nRETURN\n");
  assert_ops("fn f(x) { x != 2 }", "f", "GET_LOCAL 1\nCONST 0 ; 2\nNE\nRETURN\n");
}

Test(compile, no_fusion_with_the_literal_on_the_left) {
  assert_ops("fn f(x) { 1 + x }", "f", "CONST 0 ; 1\nGET_LOCAL 1\nADD\nRETURN\n");
  assert_ops("fn f(x) { 1 < x }", "f", "CONST 0 ; 1\nGET_LOCAL 1\nLT\nRETURN\n");
}

Test(compile, no_fusion_with_a_string_or_negated_literal) {
  assert_ops("fn f(x) { x + \"a\" }", "f", "GET_LOCAL 1\nCONST 0 ; \"a\"\nADD\nRETURN\n");
  assert_ops("fn f(x) { x + -1 }", "f", "GET_LOCAL 1\nCONST 0 ; -1\nADD\nRETURN\n");
}

Test(compile, fused_string_join_still_works) {
  /* ADD_K is never emitted for a string literal, and the slow path of a
   * fused op reports the operator by its symbol */
  assert_value("fn f(s) { s + \"!\" } f(\"hi\")", "\"hi!\"");
  assert_error_at("fn f(s) { s + 1 } f(\"hi\")",
                  "test.ppl:1:11: error: operator + cannot be applied to string \"hi\" and number 1");
  assert_error_at("fn f(s) { s < 1 } f(\"hi\")",
                  "test.ppl:1:11: error: operator < cannot be applied to string \"hi\" and number 1");
}

/* ----------------------------------------------------------- tail calls */

Test(compile, call_in_tail_position_is_a_tail_call) {
  VM *vm = driver_new_vm(1);
  ObjFunction *fn = find_function(compile_text(vm, "fn g(x) { x } fn f(x) { g(x) }"), "f");
  char expected[128];
  snprintf(expected, sizeof expected, "GET_GLOBAL %d\nGET_LOCAL 1\nTAIL_CALL 1\nRETURN\n",
           last_global_slot(vm, "g"));
  char *got = opcodes(fn);
  cr_assert_str_eq(got, expected);
  free(got);
}

Test(compile, tail_calls_in_both_if_branches) {
  ObjFunction *fn = function_of("fn g(x) { x } fn h(x) { x } fn f(x) { if x < 1 { g(x) } else { h(x) } }", "f");
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 2);
  cr_assert_eq(count_op(fn, OP_CALL), 0);
}

Test(compile, tail_calls_in_else_if_chains) {
  ObjFunction *fn = function_of("fn g(x) { x } fn f(x) { if x < 1 { g(1) } else if x < 2 { g(2) } else { g(3) } }", "f");
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 3);
  cr_assert_eq(count_op(fn, OP_CALL), 0);
}

Test(compile, tail_call_in_a_block_tail) {
  ObjFunction *fn = function_of("fn g(x) { x } fn f(x) { { g(x) } }", "f");
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 1);
  fn = function_of("fn g(x) { x } fn f(x) { let y = x; { let z = y; g(z) } }", "f");
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 1);
  cr_assert_eq(count_op(fn, OP_CALL), 0);
}

Test(compile, calls_not_in_tail_position_are_plain_calls) {
  /* a let value, an argument, an operand, a condition, && */
  ObjFunction *fn = function_of("fn g(x) { x } fn f(x) { let y = g(x); g(y) }", "f");
  cr_assert_eq(count_op(fn, OP_CALL), 1);
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 1);
  fn = function_of("fn g(x) { x } fn f(x) { g(g(x)) }", "f");
  cr_assert_eq(count_op(fn, OP_CALL), 1);
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 1);
  fn = function_of("fn g(x) { x } fn f(x) { g(x) + 1 }", "f");
  cr_assert_eq(count_op(fn, OP_CALL), 1);
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 0);
  fn = function_of("fn g(x) { x } fn f(x) { if g(x) { 1 } else { 2 } }", "f");
  cr_assert_eq(count_op(fn, OP_CALL), 1);
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 0);
  fn = function_of("fn g(x) { x } fn f(x) { x && g(x) }", "f");
  cr_assert_eq(count_op(fn, OP_CALL), 1);
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 0);
}

Test(compile, calls_in_a_for_body_are_plain_calls) {
  ObjFunction *fn = function_of("fn g(x) { x } fn f(xs) { for x in xs { g(x) } }", "f");
  cr_assert_eq(count_op(fn, OP_CALL), 1);
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 0);
}

Test(compile, calls_in_a_let_block_are_plain_calls) {
  ObjFunction *fn = function_of("fn g(x) { x } fn f(x) { let y = { g(x) }; y }", "f");
  cr_assert_eq(count_op(fn, OP_CALL), 1);
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 0);
}

Test(compile, main_makes_no_tail_calls) {
  ObjFunction *fn = function_of("fn g() { 1 } g()", "<main>");
  cr_assert_eq(count_op(fn, OP_CALL), 1);
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 0);
}

Test(compile, lambda_tail_call) {
  ObjFunction *fn = function_of("let f = fn(g, x) { g(x) };", "<anonymous>");
  cr_assert_eq(count_op(fn, OP_TAIL_CALL), 1);
}

/* --------------------------------------------------------------- blocks */

Test(compile, block_locals_are_slid_away) {
  assert_ops("fn f() { let a = 1; let b = 2; a + b }", "f",
             "CONST 0 ; 1\nCONST 1 ; 2\nGET_LOCAL 1\nGET_LOCAL 2\nADD\nSLIDE 2\nRETURN\n");
}

Test(compile, block_without_tail_is_nil) {
  assert_ops("fn f() { }", "f", "NIL\nRETURN\n");
  assert_ops("fn f(g) { g(); }", "f", "GET_LOCAL 1\nCALL 0\nPOP\nNIL\nRETURN\n");
}

Test(compile, parameters_then_locals_get_slots_in_order) {
  assert_ops("fn f(a, b) { let c = b; let d = a; [d, c] }", "f",
             "GET_LOCAL 2\nGET_LOCAL 1\nGET_LOCAL 4\nGET_LOCAL 3\nARRAY 2\nSLIDE 2\nRETURN\n");
}

Test(compile, if_without_else_pushes_nil) {
  assert_ops("fn f(c) { if c { 1 } }", "f",
             "GET_LOCAL 1\nJUMP_IF_FALSE 2 ; -> 0004\nCONST 0 ; 1\nJUMP 1 ; -> 0005\nNIL\nRETURN\n");
}

Test(compile, if_else_jumps) {
  assert_ops("fn f(c) { if c { 1 } else { 2 } }", "f",
             "GET_LOCAL 1\nJUMP_IF_FALSE 2 ; -> 0004\nCONST 0 ; 1\nJUMP 1 ; -> 0005\nCONST 1 ; 2\nRETURN\n");
}

Test(compile, short_circuit_operators) {
  assert_ops("fn f(a, b) { a && b }", "f", "GET_LOCAL 1\nAND 2 ; -> 0004\nGET_LOCAL 2\nCHECK_BOOL\nRETURN\n");
  assert_ops("fn f(a, b) { a || b }", "f", "GET_LOCAL 1\nOR 2 ; -> 0004\nGET_LOCAL 2\nCHECK_BOOL\nRETURN\n");
}

/* ------------------------------------------------------------- globals */

Test(compile, globals_are_defined_and_read_by_index) {
  VM *vm = driver_new_vm(1);
  ObjFunction *fn = compile_text(vm, "let x = 1; x");
  int g = last_global_slot(vm, "x");
  cr_assert_geq(g, 0);
  char expected[128];
  snprintf(expected, sizeof expected, "CONST 0 ; 1\nDEF_GLOBAL %d\nGET_GLOBAL %d\nRETURN\n", g, g);
  char *got = opcodes(fn);
  cr_assert_str_eq(got, expected);
  free(got);
}

Test(compile, definition_records_where_a_global_was_defined) {
  VM *vm = driver_new_vm(1);
  compile_text(vm, "\n  let answer = 42;");
  int g = last_global_slot(vm, "answer");
  cr_assert_not_null(vm->rt->global_srcs[g]);
  cr_assert_eq(vm->rt->global_spans[g].line, 2);
  cr_assert_eq(vm->rt->global_spans[g].col, 7);
}

/* ------------------------------------------------------------ for loops */

Test(compile, for_over_a_range_collecting) {
  /* the loop state start, n, out, k sits in slots 2-5, so i is slot 6 */
  assert_ops("fn f(n) { for i in 0..n { i } }", "f",
             "CONST 0 ; 0\nGET_LOCAL 1\nFOR_RANGE 1\nFOR_NEXT 3 ; -> 0007\nGET_LOCAL 6\nFOR_STORE\n"
             "LOOP -4 ; -> 0003\nFOR_END\nRETURN\n");
}

Test(compile, for_as_a_statement_does_not_collect) {
  assert_ops("fn f(n) { for i in 0..n { i }; 0 }", "f",
             "CONST 0 ; 0\nGET_LOCAL 1\nFOR_RANGE 0\nFOR_NEXT 3 ; -> 0007\nGET_LOCAL 6\nFOR_STORE\n"
             "LOOP -4 ; -> 0003\nFOR_END\nPOP\nCONST 0 ; 0\nRETURN\n");
}

Test(compile, for_over_an_array) {
  assert_ops("fn f(xs) { for x in xs { x * 2 } }", "f",
             "GET_LOCAL 1\nFOR_ARRAY 1\nFOR_NEXT 5 ; -> 0008\nGET_LOCAL 6\nCONST 0 ; 2\nMUL\nFOR_STORE\n"
             "LOOP -6 ; -> 0002\nFOR_END\nRETURN\n");
}

Test(compile, for_with_a_guard) {
  assert_ops("fn f(n) { for i in 0..n if i > 1 { i } }", "f",
             "CONST 0 ; 0\nGET_LOCAL 1\nFOR_RANGE 1\nFOR_NEXT 8 ; -> 0012\nGET_LOCAL 6\nGT_K 1 ; 1\n"
             "JUMP_IF_FALSE 3 ; -> 0010\nGET_LOCAL 6\nFOR_STORE\nLOOP -7 ; -> 0003\nFOR_SKIP\nLOOP -9 ; -> 0003\n"
             "FOR_END\nRETURN\n");
}

Test(compile, range_outside_a_for_builds_an_array) {
  assert_ops("fn f(n) { 0..n }", "f", "CONST 0 ; 0\nGET_LOCAL 1\nRANGE\nRETURN\n");
  /* for over a range held in a variable iterates the array */
  ObjFunction *fn = function_of("fn f(n) { let r = 0..n; for i in r { i } }", "f");
  cr_assert_eq(count_op(fn, OP_FOR_ARRAY), 1);
  cr_assert_eq(count_op(fn, OP_FOR_RANGE), 0);
}

Test(compile, nested_loops_use_their_own_slots) {
  assert_ops("fn f(n) { for i in 0..n { for j in 0..i { j } } }", "f",
             "CONST 0 ; 0\nGET_LOCAL 1\nFOR_RANGE 1\nFOR_NEXT 10 ; -> 0014\n"
             "CONST 0 ; 0\nGET_LOCAL 6\nFOR_RANGE 1\nFOR_NEXT 3 ; -> 0011\nGET_LOCAL 11\nFOR_STORE\nLOOP -4 ; -> 0007\n"
             "FOR_END\nFOR_STORE\nLOOP -11 ; -> 0003\nFOR_END\nRETURN\n");
  cr_assert_eq(function_of("fn f(n) { for i in 0..n { for j in 0..i { j } } }", "f")->max_stack, 14);
}

/* ------------------------------------------------------------- closures */

Test(compile, closure_loads_its_captures_before_closure) {
  assert_ops("fn f(a) { fn(b) { a + b } }", "f", "GET_LOCAL 1\nCLOSURE 0 ; <fn <anonymous>>\nRETURN\n");
  assert_ops("fn f(a) { fn(b) { a + b } }", "<anonymous>", "GET_CAPTURE 0\nGET_LOCAL 1\nADD\nRETURN\n");
}

Test(compile, several_captures_in_capture_order) {
  assert_ops("fn f(a, b) { let c = 1; fn(x) { c + a + b } }", "f",
             "CONST 0 ; 1\nGET_LOCAL 3\nGET_LOCAL 1\nGET_LOCAL 2\nCLOSURE 1 ; <fn <anonymous>>\nSLIDE 1\nRETURN\n");
  ObjFunction *lam = function_of("fn f(a, b) { let c = 1; fn(x) { c + a + b } }", "<anonymous>");
  cr_assert_eq(lam->n_captures, 3);
  cr_assert_eq(lam->arity, 1);
}

Test(compile, capture_of_a_capture) {
  assert_ops("fn o(a) { fn m() { fn i() { a } i } m }", "m", "GET_CAPTURE 0\nCLOSURE 0 ; <fn i>\nGET_LOCAL 1\nSLIDE 1\nRETURN\n");
  assert_ops("fn o(a) { fn m() { fn i() { a } i } m }", "i", "GET_CAPTURE 0\nRETURN\n");
}

Test(compile, recursion_reads_slot_zero) {
  assert_ops("fn o() { fn f(n) { f(n) } f }", "f", "GET_LOCAL 0\nGET_LOCAL 1\nTAIL_CALL 1\nRETURN\n");
}

Test(compile, top_level_function_declaration) {
  VM *vm = driver_new_vm(1);
  ObjFunction *fn = compile_text(vm, "fn f(x) { x }");
  int g = last_global_slot(vm, "f");
  char expected[128];
  snprintf(expected, sizeof expected, "CLOSURE 0 ; <fn f>\nDEF_GLOBAL %d\nNIL\nRETURN\n", g);
  char *got = opcodes(fn);
  cr_assert_str_eq(got, expected);
  free(got);
}

/* ------------------------------------------------------ records, arrays */

Test(compile, record_literal_and_field) {
  assert_ops("fn f(x) { ({a: x, b: 2}).b }", "f", "GET_LOCAL 1\nCONST 0 ; 2\nRECORD 1 ; {a, b}\nFIELD 2 ; \"b\"\nRETURN\n");
}

Test(compile, index) {
  assert_ops("fn f(xs) { xs[0] }", "f", "GET_LOCAL 1\nCONST 0 ; 0\nINDEX\nRETURN\n");
}

Test(compile, destructuring_lets) {
  assert_ops("fn f(p) { let [a, b] = p; b }", "f", "GET_LOCAL 1\nUNPACK_ARRAY 2\nGET_LOCAL 3\nSLIDE 2\nRETURN\n");
  assert_ops("fn f(p) { let {mu, sigma} = p; mu }", "f",
             "GET_LOCAL 1\nUNPACK_RECORD 0 ; {mu, sigma}\nGET_LOCAL 2\nSLIDE 2\nRETURN\n");
}

/* -------------------------------------------------------- random choices */

Test(compile, tilde_is_a_named_sample) {
  assert_ops("fn m(d) { x ~ d; x }", "m", "GET_LOCAL 1\nSAMPLE 0 ; <site x>\nGET_LOCAL 2\nSLIDE 1\nRETURN\n");
}

Test(compile, tilde_with_indices_pushes_them_first) {
  assert_ops("fn m(d, i) { x[i][0] ~ d; x }", "m",
             "GET_LOCAL 2\nCONST 0 ; 0\nGET_LOCAL 1\nSAMPLE 1 ; <site x>\nGET_LOCAL 3\nSLIDE 1\nRETURN\n");
  ObjFunction *fn = function_of("fn m(d, i) { x[i][0] ~ d; x }", "m");
  ObjSite *site = AS_SITE(fn->chunk.consts[1]);
  cr_assert_eq(site->kind, SITE_INDEXED);
  cr_assert_eq(site->n_index, 2);
}

Test(compile, special_forms_make_sites) {
  ObjFunction *fn = function_of("fn m(d) {\n  observe(d, 1);\n  factor(0);\n  condition(true);\n  sample(d)\n}", "m");
  cr_assert_eq(count_op(fn, OP_OBSERVE), 1);
  cr_assert_eq(count_op(fn, OP_FACTOR), 1);
  cr_assert_eq(count_op(fn, OP_CONDITION), 1);
  cr_assert_eq(count_op(fn, OP_SAMPLE), 1);
  for (int i = 0; i < fn->chunk.count; i++) {
    OpCode op = INSTR_OP(fn->chunk.code[i]);
    if (op != OP_SAMPLE && op != OP_OBSERVE && op != OP_FACTOR && op != OP_CONDITION) continue;
    ObjSite *s = AS_SITE(fn->chunk.consts[INSTR_AX(fn->chunk.code[i])]);
    cr_assert_eq(s->kind, SITE_ANON);
    /* anonymous sites are named by where they are */
    char want[16];
    snprintf(want, sizeof want, "@%d:3", s->span.line);
    cr_assert_str_eq(s->name->chars, want);
  }
}

Test(compile, sample_with_a_name_is_dynamic) {
  ObjFunction *fn = function_of("fn m(d) { sample(\"p\", d) }", "m");
  char *got = opcodes(fn);
  cr_assert_str_eq(got, "CONST 0 ; \"p\"\nGET_LOCAL 1\nSAMPLE 1 ; <site @1:11>\nRETURN\n");
  free(got);
  cr_assert_eq(AS_SITE(fn->chunk.consts[1])->kind, SITE_DYNAMIC);
}

Test(compile, site_ids_are_unique) {
  ObjFunction *fn = function_of("fn m(d) { a ~ d; b ~ d; observe(d, a); [a, b] }", "m");
  uint32_t ids[3];
  int n = 0;
  for (int i = 0; i < fn->chunk.n_consts; i++)
    if (val_is(fn->chunk.consts[i], OBJ_SITE)) ids[n++] = AS_SITE(fn->chunk.consts[i])->id;
  cr_assert_eq(n, 3);
  cr_assert_neq(ids[0], ids[1]);
  cr_assert_neq(ids[1], ids[2]);
  cr_assert_neq(ids[0], ids[2]);
}

/* ------------------------------------------------------------ max_stack */

Test(compile, max_stack_of_simple_functions) {
  /* slot 0, one parameter, one temporary, and one spare */
  cr_assert_eq(function_of("fn f(x) { x + 1 }", "f")->max_stack, 4);
  /* six array elements on top of slot 0 and the parameter */
  cr_assert_eq(function_of("fn f(a) { [a, a, a, a, a, a] }", "f")->max_stack, 9);
  cr_assert_eq(function_of("fn f() { 1 }", "f")->max_stack, 3);
}

Test(compile, max_stack_counts_call_arguments) {
  cr_assert_eq(function_of("fn g(a, b, c) { a } fn f() { g(1, 2, g(3, 4, 5)) }", "f")->max_stack, 9);
}

Test(compile, max_stack_counts_loop_state) {
  /* xs, copy of xs, n, out, k, x, and two temporaries */
  cr_assert_eq(function_of("fn f(xs) { for x in xs { x * 2 } }", "f")->max_stack, 10);
}

Test(compile, max_stack_is_enough_at_run_time) {
  /* a wide expression must not write past the frame */
  assert_value("fn f(a) { [a, [a, [a, [a, a + 1]]], a * 2, {k: a, l: [a, a]}] } f(1)",
               "[1, [1, [1, [1, 2]]], 2, {k: 1, l: [1, 1]}]");
}

Test(compile, disassembly_header) {
  VM *vm = driver_new_vm(1);
  ObjFunction *fn = compile_text(vm, "fn f(a, b) {\n  fn() { a }\n}");
  char *text = disassemble(fn);
  cr_assert(strstr(text, "== <main> (test.ppl:1) arity 0, captures 0, stack ") == text, "%s", text);
  cr_assert(strstr(text, "\n== f (test.ppl:1) arity 2, captures 0, stack 5 ==\n") != NULL, "%s", text);
  cr_assert(strstr(text, "\n== <anonymous> (test.ppl:2) arity 0, captures 1, stack 3 ==\n") != NULL, "%s", text);
  free(text);
}

/* ----------------------------------------------------------- line table */

Test(compile, every_instruction_has_a_span) {
  ObjFunction *fn = function_of("let a = 1;\nfn f(x) {\n  if x > a { x } else { -x }\n}\nf(2)", "f");
  for (int i = 0; i < fn->chunk.count; i++) cr_assert_gt(fn->chunk.spans[i].line, 0, "instruction %d", i);
}

Test(compile, line_table_points_at_the_source) {
  ObjFunction *fn = function_of("fn f(x) {\n  let y = x *\n    3;\n  g(y)\n}\nfn g(z) { z }", "f");
  /* GET_LOCAL x, CONST 3, MUL, GET_GLOBAL g, GET_LOCAL y, TAIL_CALL, SLIDE, RETURN */
  cr_assert_eq(fn->chunk.count, 8);
  Span s = fn->chunk.spans[0]; /* x */
  cr_assert(s.line == 2 && s.col == 11 && s.end_col == 11);
  s = fn->chunk.spans[1]; /* 3 */
  cr_assert(s.line == 3 && s.col == 5);
  s = fn->chunk.spans[2]; /* x * 3 spans two lines */
  cr_assert(s.line == 2 && s.col == 11 && s.end_line == 3 && s.end_col == 5);
  s = fn->chunk.spans[5]; /* the call g(y) */
  cr_assert(s.line == 4 && s.col == 3 && s.end_col == 6);
  s = fn->chunk.spans[7]; /* RETURN: the closing brace */
  cr_assert(s.line == 5 && s.col == 1);
}

Test(compile, disassembly_shows_positions) {
  VM *vm = driver_new_vm(1);
  ObjFunction *fn = compile_text(vm, "let q = 7;");
  char *text = disassemble(fn);
  cr_assert(strstr(text, "0000     1:9    CONST          0\t; 7\n") != NULL, "%s", text);
  free(text);
}

/* --------------------------------------------------------------- errors */

Test(compile, compile_program_returns_null_after_errors) {
  VM *vm = driver_new_vm(1);
  const char *text = "let a = nope;";
  Source *src = src_new("test.ppl", text, strlen(text));
  Diags diags;
  diags_init(&diags, src);
  Node *program = parser_parse(src, &diags);
  FnInfo *info = resolve_program(vm, program, &diags);
  cr_assert_eq(diags.errors, 1);
  cr_assert_null(compile_program(vm, src, program, info, &diags));
}

Test(compile, driver_compile_reports_every_error) {
  char *msgs;
  Value v = run_source("let a = nope;\nlet b = 1 +;", &msgs);
  cr_assert_eq(v, VAL_UNDEF);
  /* a syntax error stops before resolution, so only it is reported */
  cr_assert(strstr(msgs, "test.ppl:2:12: error: expected an expression, found ';'") != NULL, "%s", msgs);
  cr_assert(strstr(msgs, "nope") == NULL, "%s", msgs);
  free(msgs);
}
