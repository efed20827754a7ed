/* driver.h — the pipeline from source text to a finished run, shared by the
 * `ppl` subcommands, the REPL and the tests: parse, resolve, compile, run. */
#ifndef PPL_DRIVER_H
#define PPL_DRIVER_H

#include <stdbool.h>
#include <stdio.h>

#include "vm/vm.h"

/* A VM with the builtins and the prelude loaded, seeded with seed. */
VM *driver_new_vm(unsigned long seed);

/* Compiles src into its main function; prints every diagnostic to err (when
 * err is not NULL) and returns NULL when there were errors. *has_value (when
 * not NULL) tells whether the program ends in an expression whose value is
 * the program's value. */
ObjFunction *driver_compile(VM *vm, const Source *src, FILE *err, bool *has_value);

/* Runs a main function in a new fiber. On a runtime error prints it to err
 * and returns false; otherwise stores the program's value in *result. */
bool driver_run(VM *vm, ObjFunction *main_fn, Value *result, FILE *err);

/* Writes a posterior to a CSV file; prints an error to err and returns
 * false when it cannot. */
bool driver_write_csv(VM *vm, Value post, const char *path, FILE *err);

/* Calls fn(vm, ctx) from outside any run, so that a runtime error it raises
 * is printed to err (and false returned) like any other. */
bool driver_call(VM *vm, Value (*fn)(VM *vm, void *ctx), void *ctx, Value *result, FILE *err);

#endif
