/* Unit tests of the VM: values, calls, closures, fibers, errors. */
#include "helpers.h"

#include "vm/vm.h"

TestSuite(vm, .init = NULL);

Test(vm, arithmetic_and_precedence) {
  assert_value("1 + 2 * 3", "7");
  assert_value("(1 + 2) * 3", "9");
  assert_value("7 % 3", "1");
  assert_value("-2 - -3", "1");
  assert_value("1 / 0", "inf");
}

Test(vm, tail_calls_run_in_constant_stack) {
  assert_value("fn loop(i, acc) { if i == 0 { acc } else { loop(i - 1, acc + 1) } } loop(10000000, 0)",
               "10000000");
}

Test(vm, deep_recursion_is_an_error_not_a_crash) {
  assert_error("fn f(n) { if n == 0 { 0 } else { 1 + f(n - 1) } } f(10000000)", "recursion too deep");
}

Test(vm, fiber_copy_shares_heap_and_copies_stack) {
  VM *vm = driver_new_vm(1);
  Source *src = src_new("t.ppl", "fn g(x) { [x, x] } g", 20);
  ObjFunction *fn = driver_compile(vm, src, stderr, NULL);
  Value g;
  cr_assert(driver_run(vm, fn, &g, stderr));
  Value arg = val_num(3);
  Fiber *f = fiber_new(vm, g, 1, &arg);
  Fiber *c = fiber_copy(f);
  cr_assert_neq(c->stack, f->stack);
  cr_assert_eq(c->stack[0], f->stack[0]); /* the same closure object */
  cr_assert_eq(vm_run(vm, f), FIBER_DONE);
  cr_assert_eq(vm_run(vm, c), FIBER_DONE);
  cr_assert(val_equal(f->result, c->result));
  cr_assert_neq(f->result, c->result); /* separate runs made separate arrays */
}
