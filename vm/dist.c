#include "dist.h"

ObjDist *dist_new(const DistClass *cls) {
  ObjDist *d = obj_alloc(sizeof(ObjDist), OBJ_DIST);
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
