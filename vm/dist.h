/* dist.h — the distribution interface. A distribution is an immutable value
 * (OBJ_DIST) whose behaviour comes from its class: parametric families are
 * defined in stdlib/, posteriors built by inference in inference/. The VM
 * itself only passes distributions to the handler of the running fiber.
 *
 * Values: continuous families produce numbers; bernoulli produces booleans;
 * counts (binomial, poisson, ...) and categorical indices are numbers;
 * categorical over values, delta and posteriors produce any value; dirichlet
 * and multivariate_normal produce arrays of numbers.
 */
#ifndef PPL_DIST_H
#define PPL_DIST_H

#include <stdbool.h>

#include "object.h"
#include "strbuf.h"

struct VM;
struct ObjDist;

typedef enum DistKind {
  DIST_CONTINUOUS, /* numbers, with a density w.r.t. Lebesgue measure */
  DIST_DISCRETE,   /* countable values, with a mass function */
  DIST_VECTOR,     /* arrays of numbers (dirichlet, multivariate_normal) */
} DistKind;

typedef struct DistClass {
  const char *name;
  DistKind kind;
  /* Draws one value with vm->rng. */
  Value (*sample)(struct VM *vm, const struct ObjDist *d);
  /* Log density or log mass at x: -inf outside the support, never an error
   * for a value of the right type; a value of the wrong type (a string for
   * normal) is a runtime error naming the distribution. */
  double (*logpdf)(struct VM *vm, const struct ObjDist *d, Value x);
  /* NULL when never defined for the family; a class may also return
   * VAL_UNDEF when undefined for these parameters (student_t with nu <= 1),
   * and inf when infinite. */
  Value (*mean)(struct VM *vm, const struct ObjDist *d);
  Value (*variance)(struct VM *vm, const struct ObjDist *d);
  /* The finite support as an array (in a fixed order), or NULL when it is
   * infinite or continuous. */
  ObjArray *(*support)(struct VM *vm, const struct ObjDist *d);
  /* Optional (NULL when not available): for numeric distributions. */
  double (*cdf)(struct VM *vm, const struct ObjDist *d, double x);
  double (*quantile)(struct VM *vm, const struct ObjDist *d, double p);
  /* Optional: further named operations a class answers (posteriors answer
   * "samples", "weights", "logz", "ess"). Returns false for an unknown
   * name. */
  bool (*method)(struct VM *vm, const struct ObjDist *d, const char *name, int argc, const Value *args,
                 Value *out);
  /* How the value prints: "normal(0, 1)". */
  void (*write)(StrBuf *sb, const struct ObjDist *d);
} DistClass;

#define DIST_MAX_PARAMS 3

typedef struct ObjDist {
  Obj obj;
  const DistClass *cls;
  double p[DIST_MAX_PARAMS]; /* scalar parameters, in constructor order */
  Value a, b;                /* non-scalar parameters (weights, values, ...) */
  void *aux;                 /* class-private derived data (GC heap) */
} ObjDist;

#define AS_DIST(v) ((ObjDist *)val_as_obj(v))

/* A new distribution of class cls. When the VM has asked for it (the
 * constructor is the direct argument of sample, observe or ~: DIST_CALL),
 * it is built in a scratch slot of the VM instead of on the heap and
 * marked OBJF_TEMP: it lives only until the random choice that consumes
 * it. Code that keeps a distribution it was handed must call dist_keep. */
ObjDist *dist_new(struct VM *vm, const DistClass *cls);
/* d itself, or a heap copy when d is a scratch distribution. */
Value dist_keep(Value d);
/* Registers a distribution constructor: a builtin that builds exactly one
 * distribution with dist_new and returns it, calling no ppl code. */
void dist_def_constructor(struct VM *vm, const char *name, BuiltinFn fn, int min_args, int max_args);
bool dist_equal(const ObjDist *x, const ObjDist *y);
/* ObjBuiltin.data of the constructors registered by dist_def_constructor. */
extern const char dist_constructor_mark;

#endif
