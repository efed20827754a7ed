/* dist.h — the distribution interface. A distribution is an immutable value
 * (OBJ_DIST) whose behaviour comes from its class: parametric families are
 * defined in stdlib/, posteriors built by inference in inference/. The VM
 * itself only passes distributions to the handler of the running fiber.
 */
#ifndef PPL_DIST_H
#define PPL_DIST_H

#include <stdbool.h>

#include "object.h"
#include "strbuf.h"

struct VM;
struct ObjDist;

typedef enum DistKind {
  DIST_CONTINUOUS, /* values are numbers, density w.r.t. Lebesgue measure */
  DIST_DISCRETE,   /* values are numbers, booleans or anything; mass function */
  DIST_VECTOR,     /* values are arrays of numbers (dirichlet, mvn) */
} DistKind;

typedef struct DistClass {
  const char *name;
  DistKind kind;
  /* Draws one value using the running fiber's generator. */
  Value (*sample)(struct VM *vm, const struct ObjDist *d);
  /* Log density or log mass at x; -inf outside the support (never an error
   * for a value of the right type). */
  double (*logpdf)(struct VM *vm, const struct ObjDist *d, Value x);
  Value (*mean)(struct VM *vm, const struct ObjDist *d);
  Value (*variance)(struct VM *vm, const struct ObjDist *d);
  /* The finite support as an array, or NULL when it is infinite or
   * continuous. */
  ObjArray *(*support)(struct VM *vm, const struct ObjDist *d);
  /* Optional: extra operations (posteriors answer quantile, samples, ...). */
  bool (*method)(struct VM *vm, const struct ObjDist *d, const char *name, int argc,
                 const Value *args, Value *out);
  void (*write)(StrBuf *sb, const struct ObjDist *d);
} DistClass;

#define DIST_MAX_PARAMS 3

typedef struct ObjDist {
  Obj obj;
  const DistClass *cls;
  double p[DIST_MAX_PARAMS]; /* scalar parameters, in constructor order */
  Value a, b;                /* non-scalar parameters (weights, values, ...) */
  void *aux;                 /* class-private derived data */
} ObjDist;

#define AS_DIST(v) ((ObjDist *)val_as_obj(v))

ObjDist *dist_new(const DistClass *cls);
bool dist_equal(const ObjDist *x, const ObjDist *y);

#endif
