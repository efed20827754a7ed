/* object.h — heap objects. Every object starts with an Obj header naming its
 * type; objects live on the Boehm GC heap and are never freed by hand.
 *
 * Invariant: an object is immutable once it has been handed to ppl code.
 * Builders (the for-loop, array builtins) fill a fresh object before anyone
 * else can see it. This is what lets fibers share the heap when they are
 * copied (DESIGN.md, "Fibers").
 */
#ifndef PPL_OBJECT_H
#define PPL_OBJECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chunk.h"
#include "source.h"
#include "value.h"

typedef enum ObjType {
  OBJ_STRING,
  OBJ_ARRAY,
  OBJ_RECORD,
  OBJ_SHAPE,    /* the ordered key list of a record, shared between records */
  OBJ_FUNCTION, /* a compiled function: bytecode, constants, arity */
  OBJ_CLOSURE,  /* a function with the values it captured */
  OBJ_BUILTIN,  /* a function written in C */
  OBJ_SITE,     /* a random-choice site in the source (a constant) */
  OBJ_DIST,     /* a distribution value (vm/dist.h) */
  OBJ_TAPE,     /* a number on a reverse-mode tape (differentiation) */
  OBJ_NATIVE,   /* any other C-defined value: traces, methods, kernels */
} ObjType;

typedef struct Obj {
  uint8_t type;
  uint8_t flags;
} Obj;

/* An array still being built by a for loop whose fiber has been copied: the
 * next append must copy it first (see fiber_copy). */
#define OBJF_SHARED 1
/* A distribution built in a VM scratch slot (see dist_new). */
#define OBJF_TEMP 2

typedef struct ObjString {
  Obj obj;
  uint32_t len;
  uint32_t hash;
  char chars[]; /* NUL-terminated */
} ObjString;

typedef struct ObjArray {
  Obj obj;
  uint32_t len;
  uint32_t cap; /* only builders use cap > len */
  Value items[];
} ObjArray;

/* Keys of a record, in order. Keys are interned strings, so a lookup
 * compares pointers. */
typedef struct ObjShape {
  Obj obj;
  uint32_t n;
  ObjString *keys[];
} ObjShape;

typedef struct ObjRecord {
  Obj obj;
  ObjShape *shape;
  Value vals[];
} ObjRecord;

typedef struct ObjFunction {
  Obj obj;
  int arity;
  int n_captures;
  int max_stack; /* most stack slots the body uses above its base */
  ObjString *name;
  const Source *src;
  Span span;
  Chunk chunk;
} ObjFunction;

typedef struct ObjClosure {
  Obj obj;
  ObjFunction *fn;
  Value captures[];
} ObjClosure;

struct VM;
/* A builtin returns its result, or raises a runtime error with vm_error()
 * (which does not return). args[0..argc) are the arguments. */
typedef Value (*BuiltinFn)(struct VM *vm, int argc, const Value *args);

typedef struct ObjBuiltin {
  Obj obj;
  BuiltinFn fn;
  const char *name;
  int16_t min_args;
  int16_t max_args; /* -1: variadic */
  const void *data; /* for builtins that share one C function */
} ObjBuiltin;

/* How a random choice names itself (DESIGN.md, "Addresses"). */
typedef enum SiteKind {
  SITE_NAMED,   /* x ~ D; name plus the indices of enclosing for loops */
  SITE_INDEXED, /* x[i][j] ~ D; name plus the explicit indices only */
  SITE_DYNAMIC, /* sample("name", D); the name is computed at run time */
  SITE_ANON,    /* sample(D), observe(D, v), factor(w), condition(b) */
} SiteKind;

typedef enum SiteOp { SITE_SAMPLE, SITE_OBSERVE, SITE_FACTOR, SITE_CONDITION } SiteOp;

typedef struct ObjSite {
  Obj obj;
  uint8_t kind;     /* SiteKind */
  uint8_t op;       /* SiteOp */
  uint16_t n_index; /* explicit indices (SITE_INDEXED) */
  ObjString *name;  /* SITE_NAMED/SITE_INDEXED: the name; SITE_ANON: "@line:col" */
  const Source *src;
  Span span;
  uint32_t id; /* unique in a VM */
} ObjSite;

struct StrBuf;
struct ObjNative;
typedef struct NativeClass {
  const char *name; /* the type name users see: "trace", "method" */
  void (*write)(struct StrBuf *sb, const struct ObjNative *self);
  /* v.key: return true and set *out, or return false for "no such field" */
  int (*field)(struct VM *vm, const struct ObjNative *self, ObjString *key, Value *out);
  /* v[i]: same contract as field */
  int (*index)(struct VM *vm, const struct ObjNative *self, Value key, Value *out);
} NativeClass;

typedef struct ObjNative {
  Obj obj;
  const NativeClass *cls;
  void *data;
} ObjNative;

static inline ObjType obj_type(Value v) { return (ObjType)val_as_obj(v)->type; }
static inline int val_is(Value v, ObjType t) { return val_is_obj(v) && obj_type(v) == t; }

#define AS_STRING(v) ((ObjString *)val_as_obj(v))
#define AS_ARRAY(v) ((ObjArray *)val_as_obj(v))
#define AS_RECORD(v) ((ObjRecord *)val_as_obj(v))
#define AS_SHAPE(v) ((ObjShape *)val_as_obj(v))
#define AS_FUNCTION(v) ((ObjFunction *)val_as_obj(v))
#define AS_CLOSURE(v) ((ObjClosure *)val_as_obj(v))
#define AS_BUILTIN(v) ((ObjBuiltin *)val_as_obj(v))
#define AS_SITE(v) ((ObjSite *)val_as_obj(v))
#define AS_NATIVE(v) ((ObjNative *)val_as_obj(v))

void *obj_alloc(size_t size, ObjType type);
void *obj_alloc_atomic(size_t size, ObjType type); /* holds no pointers */

/* Strings. obj_string() makes a fresh (not interned) string; interned
 * strings come from vm_intern(). */
uint32_t str_hash(const char *chars, size_t len);
ObjString *obj_string(const char *chars, size_t len);
ObjString *obj_string_cstr(const char *chars);
/* Byte-wise order of two strings (which may hold NUL bytes): <0, 0, >0. */
int str_compare(const ObjString *a, const ObjString *b);
/* Position of needle in hay, or -1. */
long str_find(const ObjString *hay, const char *needle, size_t needle_len, size_t from);

ObjArray *obj_array(uint32_t len); /* items set to nil */
ObjArray *obj_array_from(const Value *items, uint32_t len);

ObjShape *obj_shape(uint32_t n); /* keys filled by the caller */
ObjRecord *obj_record(ObjShape *shape); /* values set to nil */
/* Index of key in shape, or -1. Keys must be interned. */
int shape_find(const ObjShape *shape, const ObjString *key);

ObjFunction *obj_function(void);
ObjClosure *obj_closure(ObjFunction *fn);
ObjBuiltin *obj_builtin(const char *name, BuiltinFn fn, int min_args, int max_args);
ObjNative *obj_native(const NativeClass *cls, void *data);

/* The name users see for a value's type: "number", "array", "closure"... */
const char *val_type_name(Value v);

/* Structural equality: numbers by value, strings by content, arrays and
 * records element by element, everything else by identity. */
int val_equal(Value a, Value b);
/* A hash consistent with val_equal: equal values hash alike. */
uint64_t val_hash(Value v);

#endif
