#include "object.h"

#include <gc/gc.h>
#include <stdlib.h>
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

int str_compare(const ObjString *a, const ObjString *b) {
  uint32_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->chars, b->chars, n);
  if (c) return c;
  return (a->len > b->len) - (a->len < b->len);
}

long str_find(const ObjString *hay, const char *needle, size_t needle_len, size_t from) {
  if (from > hay->len) return -1;
  const char *p = memmem(hay->chars + from, hay->len - from, needle, needle_len);
  return p ? (long)(p - hay->chars) : -1;
}

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

/* Compares one pair without descending; pushes the pairs of elements that
 * must also be equal. Returns 0 when the pair differs. */
typedef struct EqPair {
  Value a, b;
} EqPair;

typedef struct EqStack {
  EqPair *items;
  size_t n, cap;
} EqStack;

static void eq_push(EqStack *s, Value a, Value b) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 32;
    s->items = realloc(s->items, sizeof(EqPair) * s->cap);
  }
  s->items[s->n++] = (EqPair){a, b};
}

static int equal_shallow(Value a, Value b, EqStack *todo) {
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
    for (uint32_t i = 0; i < x->len; i++) eq_push(todo, x->items[i], y->items[i]);
    return 1;
  }
  case OBJ_RECORD: {
    ObjRecord *x = AS_RECORD(a), *y = AS_RECORD(b);
    if (x->shape->n != y->shape->n) return 0;
    for (uint32_t i = 0; i < x->shape->n; i++) {
      int j = x->shape == y->shape ? (int)i : shape_find(y->shape, x->shape->keys[i]);
      if (j < 0) return 0;
      eq_push(todo, x->vals[i], y->vals[j]);
    }
    return 1;
  }
  case OBJ_DIST: return dist_equal((ObjDist *)val_as_obj(a), (ObjDist *)val_as_obj(b));
  default: return 0;
  }
}

/* Iterative, so deeply nested values cannot overflow the C stack. */
int val_equal(Value a, Value b) {
  EqStack todo = {NULL, 0, 0};
  int equal = equal_shallow(a, b, &todo);
  while (equal && todo.n > 0) {
    EqPair p = todo.items[--todo.n];
    equal = equal_shallow(p.a, p.b, &todo);
  }
  free(todo.items);
  return equal;
}

static uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

/* Below this depth the hash ignores structure: equal values still hash
 * alike, and the C stack stays bounded. */
#define HASH_DEPTH 32

static uint64_t hash_at(Value v, int depth) {
  if (val_is_num(v)) {
    double d = val_as_num(v);
    if (d == 0) d = 0; /* -0 == 0 */
    return mix64(val_num(d));
  }
  if (!val_is_obj(v)) return mix64(v);
  switch (obj_type(v)) {
  case OBJ_STRING: return mix64(AS_STRING(v)->hash);
  case OBJ_ARRAY: {
    ObjArray *a = AS_ARRAY(v);
    uint64_t h = 0x9e3779b97f4a7c15ull ^ a->len;
    for (uint32_t i = 0; depth < HASH_DEPTH && i < a->len; i++) h = mix64(h ^ hash_at(a->items[i], depth + 1));
    return h;
  }
  case OBJ_RECORD: { /* field order does not matter for equality */
    ObjRecord *r = AS_RECORD(v);
    uint64_t h = 0x51ed270b27a5c6e1ull ^ r->shape->n;
    for (uint32_t i = 0; depth < HASH_DEPTH && i < r->shape->n; i++)
      h += mix64(((uint64_t)r->shape->keys[i]->hash << 32) ^ hash_at(r->vals[i], depth + 1));
    return mix64(h);
  }
  case OBJ_DIST: return mix64((uint64_t)(uintptr_t)((ObjDist *)val_as_obj(v))->cls);
  default: return mix64(v);
  }
}

uint64_t val_hash(Value v) { return hash_at(v, 0); }
