#include "object.h"

#include <gc/gc.h>
#include <string.h>

#include "dist.h"

void *obj_alloc(size_t size, ObjType type) {
  Obj *o = GC_MALLOC(size);
  o->type = (uint8_t)type;
  return o;
}

void *obj_alloc_atomic(size_t size, ObjType type) {
  Obj *o = GC_MALLOC_ATOMIC(size);
  memset(o, 0, size);
  o->type = (uint8_t)type;
  return o;
}

uint32_t str_hash(const char *chars, size_t len) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < len; i++) {
    h ^= (uint8_t)chars[i];
    h *= 16777619u;
  }
  return h;
}

ObjString *obj_string(const char *chars, size_t len) {
  ObjString *s = obj_alloc_atomic(sizeof(ObjString) + len + 1, OBJ_STRING);
  s->len = (uint32_t)len;
  memcpy(s->chars, chars, len);
  s->chars[len] = '\0';
  s->hash = str_hash(chars, len);
  return s;
}

ObjString *obj_string_cstr(const char *chars) { return obj_string(chars, strlen(chars)); }

ObjArray *obj_array(uint32_t len) {
  ObjArray *a = obj_alloc(sizeof(ObjArray) + sizeof(Value) * len, OBJ_ARRAY);
  a->len = len;
  a->cap = len;
  for (uint32_t i = 0; i < len; i++) a->items[i] = VAL_NIL;
  return a;
}

ObjArray *obj_array_from(const Value *items, uint32_t len) {
  ObjArray *a = obj_alloc(sizeof(ObjArray) + sizeof(Value) * len, OBJ_ARRAY);
  a->len = len;
  a->cap = len;
  if (len) memcpy(a->items, items, sizeof(Value) * len);
  return a;
}

ObjShape *obj_shape(uint32_t n) {
  ObjShape *s = obj_alloc(sizeof(ObjShape) + sizeof(ObjString *) * n, OBJ_SHAPE);
  s->n = n;
  return s;
}

ObjRecord *obj_record(ObjShape *shape) {
  ObjRecord *r = obj_alloc(sizeof(ObjRecord) + sizeof(Value) * shape->n, OBJ_RECORD);
  r->shape = shape;
  for (uint32_t i = 0; i < shape->n; i++) r->vals[i] = VAL_NIL;
  return r;
}

int shape_find(const ObjShape *shape, const ObjString *key) {
  for (uint32_t i = 0; i < shape->n; i++)
    if (shape->keys[i] == key) return (int)i;
  return -1;
}

ObjFunction *obj_function(void) {
  ObjFunction *f = obj_alloc(sizeof(ObjFunction), OBJ_FUNCTION);
  f->arity = 0;
  f->n_captures = 0;
  f->max_stack = 1;
  f->name = NULL;
  f->src = NULL;
  memset(&f->span, 0, sizeof f->span);
  chunk_init(&f->chunk);
  return f;
}

ObjClosure *obj_closure(ObjFunction *fn) {
  ObjClosure *c = obj_alloc(sizeof(ObjClosure) + sizeof(Value) * (size_t)fn->n_captures, OBJ_CLOSURE);
  c->fn = fn;
  for (int i = 0; i < fn->n_captures; i++) c->captures[i] = VAL_NIL;
  return c;
}

ObjBuiltin *obj_builtin(const char *name, BuiltinFn fn, int min_args, int max_args) {
  ObjBuiltin *b = obj_alloc(sizeof(ObjBuiltin), OBJ_BUILTIN);
  b->fn = fn;
  b->name = name;
  b->min_args = (int16_t)min_args;
  b->max_args = (int16_t)max_args;
  b->data = NULL;
  return b;
}

ObjNative *obj_native(const NativeClass *cls, void *data) {
  ObjNative *n = obj_alloc(sizeof(ObjNative), OBJ_NATIVE);
  n->cls = cls;
  n->data = data;
  return n;
}

const char *val_type_name(Value v) {
  if (val_is_num(v)) return "number";
  if (v == VAL_NIL) return "nil";
  if (val_is_bool(v)) return "boolean";
  if (!val_is_obj(v)) return "undefined";
  switch (obj_type(v)) {
  case OBJ_STRING: return "string";
  case OBJ_ARRAY: return "array";
  case OBJ_RECORD: return "record";
  case OBJ_SHAPE: return "shape";
  case OBJ_FUNCTION: return "function";
  case OBJ_CLOSURE: return "function";
  case OBJ_BUILTIN: return "function";
  case OBJ_SITE: return "site";
  case OBJ_DIST: return "distribution";
  case OBJ_TAPE: return "number";
  case OBJ_NATIVE: return AS_NATIVE(v)->cls->name;
  }
  return "unknown";
}

int val_equal(Value a, Value b) {
  if (a == b) return !(val_is_num(a) && val_as_num(a) != val_as_num(a)); /* nan != nan */
  if (val_is_num(a) || val_is_num(b)) {
    return val_is_num(a) && val_is_num(b) && val_as_num(a) == val_as_num(b);
  }
  if (!val_is_obj(a) || !val_is_obj(b) || obj_type(a) != obj_type(b)) return 0;
  switch (obj_type(a)) {
  case OBJ_STRING: {
    ObjString *x = AS_STRING(a), *y = AS_STRING(b);
    return x->len == y->len && x->hash == y->hash && memcmp(x->chars, y->chars, x->len) == 0;
  }
  case OBJ_ARRAY: {
    ObjArray *x = AS_ARRAY(a), *y = AS_ARRAY(b);
    if (x->len != y->len) return 0;
    for (uint32_t i = 0; i < x->len; i++)
      if (!val_equal(x->items[i], y->items[i])) return 0;
    return 1;
  }
  case OBJ_RECORD: {
    ObjRecord *x = AS_RECORD(a), *y = AS_RECORD(b);
    if (x->shape->n != y->shape->n) return 0;
    for (uint32_t i = 0; i < x->shape->n; i++) {
      int j = x->shape == y->shape ? (int)i : shape_find(y->shape, x->shape->keys[i]);
      if (j < 0 || !val_equal(x->vals[i], y->vals[j])) return 0;
    }
    return 1;
  }
  case OBJ_DIST: return dist_equal((ObjDist *)val_as_obj(a), (ObjDist *)val_as_obj(b));
  default: return 0;
  }
}
