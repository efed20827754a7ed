/* stdlib.h — the builtins every program sees, and the prelude.
 *
 * Builtins are written in C when they do not call back into ppl code.
 * Functions that take a ppl function (map, filter, fold, ...) live in
 * prelude.ppl, so that a random choice made inside their callback can
 * suspend the fiber like any other (DESIGN.md, "Fibers").
 */
#ifndef PPL_STDLIB_H
#define PPL_STDLIB_H

#include "vm/vm.h"

/* Registers every C builtin as a global. */
void stdlib_install(VM *vm);

/* Each area registers its own builtins. */
void stdlib_install_core(VM *vm);
void stdlib_install_math(VM *vm);
void stdlib_install_io(VM *vm);
void stdlib_install_dist(VM *vm);

/* The prelude's source text (stdlib/prelude.ppl, embedded at build time). */
extern const char stdlib_prelude_source[];

/* A new array holding xs with v appended, etc. Shared by builtins. */
Value stdlib_str(VM *vm, Value v);

#endif
