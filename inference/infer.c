/* infer.c — infer(model, method) and the registry of inference builtins. */
#include "inference.h"
#include "method.h"
#include "posterior.h"
#include "run.h"
#include "state.h"
#include "validate.h"

Value inference_last_posterior(VM *vm) { return inf_state(vm)->last_posterior; }
Value inference_last_model(VM *vm) { return inf_state(vm)->last_model; }

static Value b_infer(VM *vm, int argc, const Value *args) {
  (void)argc;
  run_check_model(vm, "infer", args[0]);
  if (!method_is(args[1]))
    vm_error_hint(vm, "methods: enumerate(), importance({particles: 1000}), rejection(), forward()",
                  "infer: argument 2 must be an inference method, got %s", val_type_name(args[1]));
  Method *m = method_of(args[1]);
  Value post = m->cls->run(vm, args[0], m);
  if (vm->fiber && vm->fiber->handler == &toplevel_handler) {
    inf_state(vm)->last_posterior = post;
    inf_state(vm)->last_model = args[0];
  }
  return post;
}

void inference_install(VM *vm) {
  vm_def_builtin(vm, "infer", b_infer, 2, 2);
  basic_install(vm);
  enumerate_install(vm);
  gen_install(vm);
  mh_install(vm);
  smc_install(vm);
  pgibbs_install(vm);
  pmmh_install(vm);
  validate_install(vm);
  outcomes_install(vm);
  posterior_install(vm);
}
