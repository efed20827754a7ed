/* method.h — inference methods as values. importance({particles: 1000})
 * checks its options and returns a method value; infer(model, method) runs
 * it. Each algorithm file defines a MethodClass and a constructor builtin.
 */
#ifndef PPL_METHOD_H
#define PPL_METHOD_H

#include <stdbool.h>

#include "vm/strbuf.h"
#include "vm/vm.h"

struct Method;

typedef struct MethodClass {
  const char *name;
  /* Runs inference on model (a function of no arguments); returns the
   * posterior. */
  Value (*run)(VM *vm, Value model, const struct Method *m);
} MethodClass;

typedef struct Method {
  const MethodClass *cls;
  Value options; /* the record given, for printing */
  void *config;  /* the parsed options, owned by the class */
} Method;

Value method_new(const MethodClass *cls, Value options, void *config);
bool method_is(Value v);
Method *method_of(Value v);
/* "importance({particles: 1000})" */
void method_describe(StrBuf *sb, const Method *m);
char *method_desc(const Method *m); /* the same, as a GC string */

/* Reading a method's options record, with errors that name the method and
 * the option. */
typedef struct Options {
  VM *vm;
  const char *method;
  ObjRecord *rec; /* NULL: no options given */
} Options;

/* args[0], when argc > 0, must be a record of options; keys not in allowed
 * (a NULL-terminated list) are an error with a "did you mean". */
void opts_init(Options *o, VM *vm, const char *method, int argc, const Value *args, const char *const *allowed);
Value opts_get(const Options *o, const char *key); /* VAL_UNDEF when absent */
long opts_count(const Options *o, const char *key, long dflt, long lo, long hi);
double opts_number(const Options *o, const char *key, double dflt, double lo, double hi);
bool opts_bool(const Options *o, const char *key, bool dflt);
/* One of choices (NULL-terminated); returns its index. */
int opts_choice(const Options *o, const char *key, int dflt, const char *const *choices);
Value opts_record(const Options *o); /* the record given, or an empty one */
/* The hidden option _mutant, accepted by every method: a planted bug, for
 * the negative controls that show a statistical test can fail. Returns the
 * index of its value in mutants (NULL-terminated), -1 when absent; an
 * unknown value is an error. Not for users: undocumented on purpose. */
int opts_mutant(const Options *o, const char *const *mutants);

#endif
