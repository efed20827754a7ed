#include "driver.h"

#include <stdlib.h>
#include <string.h>

#include "inference/inference.h"
#include "inference/posterior.h"
#include "inference/run.h"
#include "lang/compile.h"
#include "lang/resolve.h"
#include "parser/parser.h"
#include "stdlib/stdlib.h"

ObjFunction *driver_compile(VM *vm, const Source *src, FILE *err, bool *has_value) {
  Diags diags;
  diags_init(&diags, src);
  Node *program = parser_parse(src, &diags);
  if (has_value) *has_value = program->block.tail != NULL;
  ObjFunction *fn = NULL;
  if (diags.errors == 0) {
    FnInfo *info = resolve_program(vm, program, &diags);
    if (diags.errors == 0) fn = compile_program(vm, src, program, info, &diags);
  }
  if (diags.count && err) {
    fflush(stdout);
    diags_print(&diags, err);
  }
  return diags.errors ? NULL : fn;
}

bool driver_run(VM *vm, ObjFunction *main_fn, Value *result, FILE *err) {
  Value closure = val_obj(obj_closure(main_fn));
  Fiber *f = fiber_new(vm, closure, 0, NULL);
  f->handler = &toplevel_handler;
  FiberState st = vm_run(vm, f);
  fflush(vm->rt->out);
  if (st == FIBER_ERROR) {
    vm_print_error(vm, err);
    return false;
  }
  if (result) *result = f->result;
  return true;
}

VM *driver_new_vm(unsigned long seed) {
  VM *vm = vm_new();
  vm_seed(vm, seed);
  stdlib_install(vm);
  inference_install(vm);
  Source *prelude = src_new("<prelude>", stdlib_prelude_source, strlen(stdlib_prelude_source));
  prelude->library = 1;
  ObjFunction *fn = driver_compile(vm, prelude, stderr, NULL);
  if (!fn || !driver_run(vm, fn, NULL, stderr)) {
    fprintf(stderr, "ppl: internal error: the prelude failed to load\n");
    exit(70);
  }
  return vm;
}

bool driver_call(VM *vm, Value (*fn)(VM *vm, void *ctx), void *ctx, Value *result, FILE *err) {
  jmp_buf jb;
  jmp_buf *saved = vm->on_error;
  if (setjmp(jb)) {
    vm->on_error = saved;
    fflush(vm->rt->out);
    vm_print_error(vm, err);
    return false;
  }
  vm->on_error = &jb;
  Value r = fn(vm, ctx);
  vm->on_error = saved;
  if (result) *result = r;
  return true;
}

typedef struct CsvOut {
  Value post;
  const char *path;
} CsvOut;

static Value write_csv_call(VM *vm, void *ctx) {
  CsvOut *c = ctx;
  posterior_write_csv(vm, c->post, c->path);
  return VAL_NIL;
}

bool driver_write_csv(VM *vm, Value post, const char *path, FILE *err) {
  CsvOut c = {post, path};
  return driver_call(vm, write_csv_call, &c, NULL, err);
}
