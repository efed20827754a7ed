#include "dist.h"

#include <gc/gc.h>
#include <string.h>

#include "vm.h"

const char dist_constructor_mark = 1;

ObjDist *dist_new(VM *vm, const DistClass *cls) {
  ObjDist *d = vm->dist_scratch;
  if (d) {
    vm->dist_scratch = NULL; /* one constructor call, one distribution */
    /* every field is set here or below: no need to clear the slot first */
    d->obj.type = OBJ_DIST;
    d->obj.flags = OBJF_TEMP;
  } else {
    d = obj_alloc(sizeof(ObjDist), OBJ_DIST);
  }
  d->cls = cls;
  for (int i = 0; i < DIST_MAX_PARAMS; i++) d->p[i] = 0;
  d->a = d->b = VAL_NIL;
  d->aux = NULL;
  return d;
}

bool dist_equal(const ObjDist *x, const ObjDist *y) {
  if (x == y) return true;
  if (x->cls != y->cls) return false;
  for (int i = 0; i < DIST_MAX_PARAMS; i++)
    if (x->p[i] != y->p[i]) return false;
  return val_equal(x->a, y->a) && val_equal(x->b, y->b);
}

Value dist_keep(Value v) {
  ObjDist *d = AS_DIST(v);
  if (!(d->obj.flags & OBJF_TEMP)) return v;
  ObjDist *copy = obj_alloc(sizeof(ObjDist), OBJ_DIST);
  memcpy(copy, d, sizeof *copy);
  copy->obj.flags = 0;
  return val_obj(copy);
}

void dist_def_constructor(VM *vm, const char *name, BuiltinFn fn, int min_args, int max_args) {
  ObjBuiltin *b = obj_builtin(name, fn, min_args, max_args);
  b->data = &dist_constructor_mark;
  vm_define(vm, name, val_obj(b));
}
