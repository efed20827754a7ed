/* value.h — the representation of every ppl value in one 64-bit word.
 *
 * Encoding (the "offset double" scheme):
 *   - heap objects are raw, 8-byte aligned pointers, below 2^48, so the
 *     conservative Boehm collector sees them as ordinary pointers;
 *   - nil, false, true and the internal UNDEF are small odd-ish constants that
 *     are never valid heap addresses;
 *   - a double is stored as its IEEE bits plus 2^49, which puts every double
 *     (NaN is canonicalised first) at or above 2^49, above any pointer.
 *
 * A number on a reverse-mode tape (differentiation, DESIGN.md) is a heap
 * object (OBJ_TAPE), so arithmetic keeps a two-compare fast path for plain
 * doubles and takes a slow path only when an operand is not a double.
 */
#ifndef PPL_VALUE_H
#define PPL_VALUE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t Value;

#define VAL_DOUBLE_OFFSET ((uint64_t)1 << 49)
#define VAL_CANONICAL_NAN ((uint64_t)0x7ff8000000000000ull)

#define VAL_NIL ((Value)0x02)
#define VAL_FALSE ((Value)0x06)
#define VAL_TRUE ((Value)0x07)
/* A global slot that has been declared but not yet assigned. Never visible
 * to ppl code. */
#define VAL_UNDEF ((Value)0x0a)

static inline bool val_is_num(Value v) { return v >= VAL_DOUBLE_OFFSET; }
static inline bool val_is_nil(Value v) { return v == VAL_NIL; }
static inline bool val_is_bool(Value v) { return (v | 1) == VAL_TRUE; }
static inline bool val_is_obj(Value v) {
  return v < VAL_DOUBLE_OFFSET && (v & 7) == 0 && v != 0;
}

static inline double val_as_num(Value v) {
  uint64_t bits = v - VAL_DOUBLE_OFFSET;
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

static inline Value val_num(double d) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  if (d != d) bits = VAL_CANONICAL_NAN;
  return bits + VAL_DOUBLE_OFFSET;
}

static inline Value val_bool(bool b) { return b ? VAL_TRUE : VAL_FALSE; }
static inline bool val_as_bool(Value v) { return v == VAL_TRUE; }

struct Obj;
static inline struct Obj *val_as_obj(Value v) { return (struct Obj *)(uintptr_t)v; }
static inline Value val_obj(const void *o) { return (Value)(uintptr_t)o; }

#endif
