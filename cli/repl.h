/* repl.h — the interactive read-eval-print loop (`ppl` with no file). */
#ifndef PPL_REPL_H
#define PPL_REPL_H

#include "vm/vm.h"

/* Runs until :quit or end of input; returns the exit status. */
int repl_main(VM *vm);

#endif
