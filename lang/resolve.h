/* resolve.h — name resolution: which declaration every name refers to.
 *
 * Scopes are lexical. A block, a function body and a for loop's body each
 * open a scope; `let`, `fn`, `x ~ D` and for-loop variables declare names in
 * the innermost one, shadowing outer names from that point on.
 *
 * Names declared at the top level of a program are globals: functions may
 * refer to globals defined later in the file (so top-level functions can be
 * mutually recursive), but top-level code may not use a global before its
 * definition. Everything else is a local of the function whose frame holds
 * it. A function that uses a local of an enclosing function captures it: it
 * copies the value when the closure is made, which is exact because values
 * never change. A named function sees its own name as slot 0 of its frame
 * (the running closure), so recursion needs no capture.
 */
#ifndef PPL_RESOLVE_H
#define PPL_RESOLVE_H

#include "ast.h"
#include "diag.h"
#include "vm/vm.h"

typedef enum BindKind { BIND_GLOBAL, BIND_LOCAL } BindKind;

typedef struct Binding {
  const char *name;
  BindKind kind;
  struct FnInfo *owner; /* BIND_LOCAL: the function whose frame holds it */
  int slot;             /* BIND_LOCAL: frame slot, set by the compiler */
  int global;           /* BIND_GLOBAL: index in the runtime's globals */
  Span span;            /* where it was declared */
} Binding;

typedef struct FnInfo {
  struct FnInfo *parent; /* NULL for the program's main function */
  Node *node;            /* the N_FN, or NULL for main */
  Binding **captures;    /* in capture order: GET_CAPTURE i reads captures[i] */
  int n_captures, cap;
  int *capture_slots;    /* hash table of indices into captures (-1: empty), */
  int slots_cap;         /*   so that fninfo_capture_index takes O(1) */
} FnInfo;

/* Resolves every name in program. Returns main's FnInfo; errors go to
 * diags. Globals the program declares are added to vm's runtime. */
FnInfo *resolve_program(VM *vm, Node *program, Diags *diags);

/* The index of b among f's captures, or -1. */
int fninfo_capture_index(const FnInfo *f, const Binding *b);

/* sample, observe, factor and condition are special forms; infer too is
 * reserved. */
bool resolve_is_reserved(const char *name);

#endif
